// The CLI as users meet it: a real executable linked from a model image,
// libdlcrt_main.a and libdlcrt.a; and dlc-run loading a model library or
// compiling an .onnx through (a stand-in for) dlc.
#include "CliTestUtils.h"

#include <gtest/gtest.h>

using namespace dlc::test;

namespace {

class ExecutableTest : public DiamondDataDir {
protected:
  std::string exe = DLC_TEST_MODEL_EXE;
  std::string lib = DLC_TEST_MODEL_LIB;
  std::string dlcRun = DLC_RUN_EXE;
};

TEST_F(ExecutableTest, CheckMatchExitsZero) {
  EXPECT_EQ(shell(exe + " --data " + dir.string() + " --check"), 0) << out << err;
  EXPECT_NE(out.find("check: OK"), std::string::npos) << out;
}

TEST_F(ExecutableTest, CheckMismatchExitsOne) {
  y[0] = -y[0] + 1.0f;
  writePb("output_0.pb", floatTensor(y, {kN}));
  EXPECT_EQ(shell(exe + " --data " + dir.string() + " --check"), 1);
  EXPECT_NE(out.find("output 0 'y': MISMATCH: 1 of 64 elements differ; first at index 0 [0]"),
            std::string::npos)
      << out;
}

TEST_F(ExecutableTest, BadFlagExitsTwoWithUsage) {
  EXPECT_EQ(shell(exe + " --frobnicate"), 2);
  EXPECT_NE(err.find("error: unknown argument '--frobnicate'"), std::string::npos) << err;
  EXPECT_NE(err.find("usage: "), std::string::npos) << err;
  EXPECT_EQ(shell(exe + " --data"), 2);
  EXPECT_NE(err.find("--data needs a directory"), std::string::npos) << err;
}

TEST_F(ExecutableTest, BadInputExitsOne) {
  std::vector<float> small(4);
  writePb("input_0.pb", floatTensor(small, {1, 4}));
  EXPECT_EQ(shell(exe + " --data " + dir.string()), 1);
  EXPECT_EQ(err, "error: " + (dir / "input_0.pb").string() +
                     ": expected input 'x' float32[64], got float32[1,4]\n");
}

TEST_F(ExecutableTest, OutputsAndRandomInputs) {
  EXPECT_EQ(shell(exe + " --output-dir " + (dir / "out").string()), 0) << err;
  EXPECT_TRUE(fs::exists(dir / "out" / "output_0.pb"));
  EXPECT_TRUE(fs::exists(dir / "out" / "output_0.npy"));
  EXPECT_NE(out.find("output 0 'y': float32[64]"), std::string::npos) << out;
}

TEST_F(ExecutableTest, DlcRunLoadsAModelLibrary) {
  EXPECT_EQ(shell(dlcRun + " " + lib + " --data " + dir.string() + " --check"), 0) << out << err;
  EXPECT_NE(out.find("check: OK"), std::string::npos) << out;
  EXPECT_EQ(shell(dlcRun + " --target=cpu " + lib + " --bench 5"), 0) << err;
  EXPECT_NE(out.find("(5 runs)"), std::string::npos) << out;
}

TEST_F(ExecutableTest, DlcRunErrors) {
  EXPECT_EQ(shell(dlcRun), 2);
  EXPECT_NE(err.find("no model given"), std::string::npos) << err;
  EXPECT_EQ(shell(dlcRun + " --frob " + lib), 2);
  EXPECT_EQ(shell(dlcRun + " -O2 " + lib), 2);
  EXPECT_NE(err.find("apply to .onnx models only"), std::string::npos) << err;
  EXPECT_EQ(shell(dlcRun + " " + (dir / "missing.so").string()), 1);
  EXPECT_NE(err.find("missing.so: no such file"), std::string::npos) << err;
  EXPECT_EQ(shell(dlcRun + " " + (dir / "input_0.pb").string()), 1);
  EXPECT_NE(err.find("cannot load"), std::string::npos) << err;
  EXPECT_EQ(shell(dlcRun + " " + lib + " --bogus"), 2); // the model's own usage error
}

// dlc-run compiles .onnx models with the `dlc` next to it. A stand-in script
// records its arguments and "compiles" by copying the test model library.
TEST_F(ExecutableTest, DlcRunCompilesOnnxWithTheDlcNextToIt) {
  fs::path bin = dir / "bin";
  fs::create_directories(bin);
  fs::copy_file(dlcRun, bin / "dlc-run");
  fs::path log = dir / "dlc-args.txt";
  std::ofstream(bin / "dlc") << "#!/bin/sh\n"
                                "echo \"$@\" > " << log.string() << "\n"
                                "for a; do case \"$a\" in *bad.onnx) echo \"$a:node 'n1' (Foo): "
                                "unsupported op\" >&2; exit 1;; esac; done\n"
                                "while [ $# -gt 1 ]; do [ \"$1\" = -o ] && out=\"$2\"; shift; done\n"
                                "cp " << lib << " \"$out\"\n";
  fs::permissions(bin / "dlc", fs::perms::owner_all);
  std::ofstream(dir / "m.onnx") << "onnx";
  std::ofstream(dir / "bad.onnx") << "onnx";

  EXPECT_EQ(shell((bin / "dlc-run").string() + " -O2 --shape x=64 --target=cpu " +
                  (dir / "m.onnx").string() + " --data " + dir.string() + " --check"),
            0)
      << out << err;
  EXPECT_NE(out.find("check: OK"), std::string::npos) << out;
  std::string args = readText(log);
  std::string prefix = "--emit=lib -O2 --shape x=64 --target=cpu " + (dir / "m.onnx").string() + " -o ";
  ASSERT_EQ(args.rfind(prefix, 0), 0u) << args;
  fs::path library = args.substr(prefix.size(), args.size() - prefix.size() - 1);
  EXPECT_EQ(library.filename(), "libmodel.so");
  EXPECT_FALSE(fs::exists(library.parent_path())) << "temporary directory left behind";

  // Placement flags go to dlc as well, in both spellings.
  EXPECT_EQ(shell((bin / "dlc-run").string() + " --devices=cpu,cuda:0 --place n1=cpu --place=n2=cpu " +
                  (dir / "m.onnx").string() + " --data " + dir.string() + " --check"),
            0)
      << out << err;
  EXPECT_EQ(readText(log).rfind("--emit=lib --devices=cpu,cuda:0 --place n1=cpu --place=n2=cpu " +
                                    (dir / "m.onnx").string() + " -o ",
                                0),
            0u)
      << readText(log);

  EXPECT_EQ(shell((bin / "dlc-run").string() + " " + (dir / "bad.onnx").string()), 1);
  EXPECT_NE(err.find("bad.onnx:node 'n1' (Foo): unsupported op"), std::string::npos) << err;

  fs::remove(bin / "dlc"); // and none on PATH either
  EXPECT_EQ(shell("PATH=/nonexistent " + (bin / "dlc-run").string() + " " +
                  (dir / "m.onnx").string()),
            1);
  EXPECT_NE(err.find("error: cannot run dlc: No such file or directory"), std::string::npos) << err;
}

} // namespace
