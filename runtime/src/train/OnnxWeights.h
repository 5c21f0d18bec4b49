// Internal: the initializers of a serialized ONNX ModelProto, read and
// replaced without libprotobuf (ModelProto.graph = field 7,
// GraphProto.initializer = field 5). Every other field is copied verbatim.
#ifndef DLC_RUNTIME_SRC_TRAIN_ONNXWEIGHTS_H
#define DLC_RUNTIME_SRC_TRAIN_ONNXWEIGHTS_H

#include "../TensorIO.h"

#include <map>
#include <string>

namespace dlc::rt {

/// Decodes every initializer of the main graph, keyed by name.
bool readInitializers(const uint8_t *model, size_t size,
                      std::map<std::string, HostTensor> &initializers, std::string &error);

/// The model with each initializer named in `updated` re-encoded from it
/// (dims, data_type, name, raw_data); other bytes unchanged.
bool replaceInitializers(const uint8_t *model, size_t size,
                         const std::map<std::string, HostTensor> &updated,
                         std::vector<uint8_t> &out, std::string &error);

} // namespace dlc::rt

#endif
