# lit configuration for dlc: one test file per pass (tests/lit/ir, tests/lit/compiler).
import os

import lit.formats

config.name = "dlc"
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".mlir"]
config.excludes = ["lit.cfg.py", "lit.site.cfg.py", "CMakeLists.txt"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.dlc_binary_dir, "tests", "lit")

# dlc-opt from the build, FileCheck and not from LLVM 22.
config.environment["PATH"] = os.pathsep.join(
    [config.dlc_bin_dir, config.llvm_tools_dir, config.environment.get("PATH", "")]
)
