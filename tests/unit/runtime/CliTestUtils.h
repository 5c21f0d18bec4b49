// Files and processes for the CLI tests: a scratch directory with the
// diamond's input/output tensor files, and a way to run a command.
#ifndef DLC_TESTS_UNIT_RUNTIME_CLITESTUTILS_H
#define DLC_TESTS_UNIT_RUNTIME_CLITESTUTILS_H

#include "../../../runtime/src/TensorIO.h"
#include "TestPlans.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace dlc::test {

namespace fs = std::filesystem;

inline rt::HostTensor floatTensor(const std::vector<float> &values, std::vector<int64_t> shape) {
  rt::HostTensor t;
  t.dtype = DLC_DTYPE_FLOAT32;
  t.shape = std::move(shape);
  t.data.resize(values.size() * 4);
  std::memcpy(t.data.data(), values.data(), t.data.size());
  return t;
}

inline std::string readText(const fs::path &path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

/// A fresh directory holding input_0.pb (x) and output_0.pb (the diamond of x).
class DiamondDataDir : public ::testing::Test {
protected:
  void SetUp() override {
    const ::testing::TestInfo *info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir = fs::temp_directory_path() /
          ("dlc-" + std::string(info->name()) + "-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    x = randomFloats(kN, 11, -1, 1);
    y = diamondReference(x);
    writePb("input_0.pb", floatTensor(x, {kN}));
    writePb("output_0.pb", floatTensor(y, {kN}));
  }
  void TearDown() override { fs::remove_all(dir); }

  void writePb(const std::string &name, const rt::HostTensor &t) {
    std::string error;
    ASSERT_TRUE(rt::writeFile((dir / name).string(), rt::serializeTensorProto(t), error)) << error;
  }
  void writeNpy(const std::string &name, const rt::HostTensor &t) {
    std::vector<uint8_t> bytes;
    std::string error;
    ASSERT_TRUE(rt::serializeNpy(t, bytes, error)) << error;
    ASSERT_TRUE(rt::writeFile((dir / name).string(), bytes, error)) << error;
  }

  /// Runs `command` through the shell; stdout and stderr are captured.
  int shell(const std::string &command) {
    std::string cmd = command + " >" + (dir / "stdout.txt").string() + " 2>" +
                      (dir / "stderr.txt").string();
    int status = std::system(cmd.c_str());
    out = readText(dir / "stdout.txt");
    err = readText(dir / "stderr.txt");
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  fs::path dir;
  std::vector<float> x, y;
  std::string out, err; // of the last shell()
};

} // namespace dlc::test

#endif
