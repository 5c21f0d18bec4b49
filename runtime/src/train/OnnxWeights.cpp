// Walks ModelProto -> GraphProto fields; copies what it does not touch.
#include "OnnxWeights.h"
#include "../Wire.h"

using namespace dlc::rt;
using namespace dlc::rt::wire;

namespace {
constexpr uint32_t kModelGraph = 7, kGraphInitializer = 5;

/// Calls `visit(field, wireType, fieldBegin, payload, payloadSize)` for every
/// field of a message; payload is set for length-delimited fields only.
template <typename Visit>
bool forEachField(const uint8_t *bytes, size_t size, Visit visit) {
  WireReader r(bytes, size);
  while (!r.done()) {
    const uint8_t *begin = r.position();
    uint64_t tag;
    if (!r.varint(tag))
      return false;
    uint32_t field = uint32_t(tag >> 3), wireType = uint32_t(tag & 7);
    const uint8_t *payload = nullptr;
    size_t payloadSize = 0;
    if (wireType == 2 ? !r.lengthDelimited(payload, payloadSize) : !r.skip(wireType))
      return false;
    if (!visit(field, wireType, begin, r.position(), payload, payloadSize))
      return false;
  }
  return true;
}

const char *kMalformed = "the embedded ONNX model is malformed";
} // namespace

bool dlc::rt::readInitializers(const uint8_t *model, size_t size,
                               std::map<std::string, HostTensor> &initializers,
                               std::string &error) {
  bool ok = forEachField(model, size, [&](uint32_t field, uint32_t wt, const uint8_t *,
                                          const uint8_t *, const uint8_t *graph, size_t n) {
    if (field != kModelGraph || wt != 2)
      return true;
    return forEachField(graph, n, [&](uint32_t f, uint32_t w, const uint8_t *, const uint8_t *,
                                      const uint8_t *tensor, size_t tn) {
      if (f != kGraphInitializer || w != 2)
        return true;
      HostTensor t;
      if (!parseTensorProto(tensor, tn, t, error))
        return false;
      initializers[t.name] = std::move(t);
      return true;
    });
  });
  if (!ok && error.empty())
    error = kMalformed;
  return ok;
}

bool dlc::rt::replaceInitializers(const uint8_t *model, size_t size,
                                  const std::map<std::string, HostTensor> &updated,
                                  std::vector<uint8_t> &out, std::string &error) {
  out.clear();
  bool ok = forEachField(model, size, [&](uint32_t field, uint32_t wt, const uint8_t *begin,
                                          const uint8_t *end, const uint8_t *graph, size_t n) {
    if (field != kModelGraph || wt != 2) {
      out.insert(out.end(), begin, end);
      return true;
    }
    std::vector<uint8_t> newGraph;
    bool graphOk = forEachField(graph, n, [&](uint32_t f, uint32_t w, const uint8_t *b,
                                              const uint8_t *e, const uint8_t *tensor,
                                              size_t tn) {
      HostTensor t;
      std::string ignored;
      if (f == kGraphInitializer && w == 2 && parseTensorProto(tensor, tn, t, ignored)) {
        auto it = updated.find(t.name);
        if (it != updated.end()) {
          HostTensor replacement = it->second;
          replacement.name = t.name;
          std::vector<uint8_t> bytes = serializeTensorProto(replacement);
          putBytes(newGraph, kGraphInitializer, bytes.data(), bytes.size());
          return true;
        }
      }
      newGraph.insert(newGraph.end(), b, e);
      return true;
    });
    if (!graphOk)
      return false;
    putBytes(out, kModelGraph, newGraph.data(), newGraph.size());
    return true;
  });
  if (!ok)
    error = kMalformed;
  return ok;
}
