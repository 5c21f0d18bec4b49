#include "frontend/graph/Error.h"

namespace dlc::graph {

static std::string format(const std::string &op, const std::string &message) {
  return op.empty() ? message : op + ": " + message;
}

Error::Error(std::string op, std::string message)
    : std::runtime_error(format(op, message)), op_(std::move(op)),
      message_(std::move(message)) {}

} // namespace dlc::graph
