//===- Output.cpp - atomic output files -----------------------------------===//
#include "compiler/driver/Output.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

static std::string tempPathFor(StringRef path) {
  return (path + ".tmp-" + std::to_string(sys::Process::getProcessId())).str();
}

bool dlc::writeFileAtomically(StringRef path, StringRef bytes, std::string &error) {
  if (path == "-") {
    outs() << bytes;
    outs().flush();
    return true;
  }
  PendingOutput pending(path);
  {
    std::error_code ec;
    raw_fd_ostream os(pending.tempPath(), ec, sys::fs::OF_None);
    if (ec) {
      error = "cannot write '" + path.str() + "': " + ec.message();
      return false;
    }
    os << bytes;
    os.close();
    if (os.has_error()) {
      error = "cannot write '" + path.str() + "': " + os.error().message();
      os.clear_error();
      return false;
    }
  }
  return pending.commit(error);
}

dlc::PendingOutput::PendingOutput(StringRef path) : finalPath(path.str()), temp(tempPathFor(path)) {}

dlc::PendingOutput::~PendingOutput() {
  if (!committed)
    sys::fs::remove(temp);
}

bool dlc::PendingOutput::commit(std::string &error) {
  if (std::error_code ec = sys::fs::rename(temp, finalPath)) {
    error = "cannot create '" + finalPath + "': " + ec.message();
    return false;
  }
  committed = true;
  return true;
}
