// Internal: how tensor types are written in messages: `float32[1,3,224,224]`.
#ifndef DLC_RUNTIME_SRC_FORMAT_H
#define DLC_RUNTIME_SRC_FORMAT_H

#include <cstdint>
#include <string>
#include <vector>

namespace dlc::rt {

/// "float32[1,4]"; rank 0 gives "float32[]". `shape` may be NULL if rank is 0.
std::string typeText(int32_t dtype, uint32_t rank, const int64_t *shape);
inline std::string typeText(int32_t dtype, const std::vector<int64_t> &shape) {
  return typeText(dtype, uint32_t(shape.size()), shape.data());
}

} // namespace dlc::rt

#endif
