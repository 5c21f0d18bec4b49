# lit configuration for dlc: one test file per pass (tests/lit/ir, tests/lit/compiler).
#
# Run through the configured site file in the build tree:
#   lit -sv build/tests/lit
# (tests/CMakeLists.txt writes build/tests/lit/lit.site.cfg.py from
# lit.site.cfg.py.in, which sets the dlc_* / llvm_tools_dir paths and loads
# this file.)
import os
import shutil

import lit.formats

config.name = "dlc"
# lit's internal shell (pipes, `not`, redirections): the external-shell mode is
# deprecated since lit 23 and refused by it.
config.test_format = lit.formats.ShTest()
config.suffixes = [".mlir"]
config.excludes = ["lit.cfg.py", "lit.site.cfg.py", "lit.site.cfg.py.in", "CMakeLists.txt", "Inputs"]
config.test_source_root = os.path.dirname(os.path.abspath(__file__))

dlc_binary_dir = getattr(config, "dlc_binary_dir", None)
if not dlc_binary_dir:
    lit_config.fatal(
        "run lit on the configured build directory (lit -sv build/tests/lit), not on the sources"
    )
config.test_exec_root = os.path.join(dlc_binary_dir, "tests", "lit")

llvm_tools_dir = getattr(config, "llvm_tools_dir", "") or "/usr/lib/llvm-22/bin"
dlc_bin_dir = config.dlc_bin_dir


def tool(directory, name):
    path = os.path.join(directory, name)
    if not os.path.exists(path):
        found = shutil.which(name)
        if not found:
            lit_config.fatal("%s not found in %s or on PATH" % (name, directory))
        path = found
    return path


# A tool name is replaced only where it stands as a command word, not inside
# an option, a path or a %-substitution (`--foo-not`, `dir/FileCheck.txt`).
def command_word(name):
    return r"(?<![\w./%%-])%s(?![\w.-])" % name.replace("-", r"\-")


for directory, name in [
    (dlc_bin_dir, "dlc-opt"),
    (llvm_tools_dir, "FileCheck"),
    (llvm_tools_dir, "not"),
    (llvm_tools_dir, "count"),
]:
    path = tool(directory, name)
    config.substitutions.append((command_word(name), path))
    config.substitutions.append(("%" + name.replace("-", "_").lower(), path))

# Anything else a RUN line names (dlc, dlc-run, mlir-opt, ...) comes from the
# build first, then LLVM 22.
config.environment["PATH"] = os.pathsep.join(
    [dlc_bin_dir, llvm_tools_dir, config.environment.get("PATH", os.environ.get("PATH", ""))]
)
config.substitutions.append(("%dlc_src", config.dlc_source_dir))
