//===- Error.h - the one exception type of the graph API -----------------===//
#pragma once

#include <stdexcept>
#include <string>

namespace dlc::graph {

// Every misuse of the graph API (bad shapes, unknown ops, unreadable files)
// throws this. `op()` names the operation at fault so the message reads like
// "matmul: inner dims differ: [2,3] x [4,5]".
class Error : public std::runtime_error {
public:
  Error(std::string op, std::string message);

  const std::string &op() const { return op_; }
  const std::string &message() const { return message_; }

private:
  std::string op_;
  std::string message_;
};

} // namespace dlc::graph
