// Internal: the protobuf wire format, the little of it libdlcrt needs to read
// and write ONNX TensorProto and to rewrite a ModelProto's initializers.
// Every read is bounds-checked. Pure functions: thread-safe.
#ifndef DLC_RUNTIME_SRC_WIRE_H
#define DLC_RUNTIME_SRC_WIRE_H

#include <cstddef>
#include <cstdint>
#include <vector>

namespace dlc::rt::wire {

class WireReader {
public:
  WireReader(const uint8_t *p, size_t n) : p(p), end(p + n) {}
  bool done() const { return p == end; }
  /// The next unread byte (to copy whole fields verbatim).
  const uint8_t *position() const { return p; }

  /// A base-128 varint of at most 10 bytes whose value fits 64 bits.
  bool varint(uint64_t &v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p == end)
        return false;
      uint8_t b = *p++;
      if (shift == 63 && b > 1)
        return false; // bits beyond the 64th
      v |= uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80))
        return true;
    }
    return false;
  }
  bool bytes(size_t n, const uint8_t *&out) {
    if (size_t(end - p) < n)
      return false;
    out = p;
    p += n;
    return true;
  }
  /// A length-delimited field's payload.
  bool lengthDelimited(const uint8_t *&data, size_t &size) {
    uint64_t n;
    if (!varint(n) || n > size_t(end - p))
      return false;
    size = n;
    return bytes(n, data);
  }
  bool skip(uint32_t wireType) {
    uint64_t v;
    const uint8_t *ignored;
    size_t n;
    switch (wireType) {
    case 0: return varint(v);
    case 1: return bytes(8, ignored);
    case 2: return lengthDelimited(ignored, n);
    case 5: return bytes(4, ignored);
    default: return false;
    }
  }

private:
  const uint8_t *p, *end;
};

inline void putVarint(std::vector<uint8_t> &out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(uint8_t(v) | 0x80);
    v >>= 7;
  }
  out.push_back(uint8_t(v));
}

inline void putTag(std::vector<uint8_t> &out, uint32_t field, uint32_t wireType) {
  putVarint(out, (uint64_t(field) << 3) | wireType);
}

inline void putBytes(std::vector<uint8_t> &out, uint32_t field, const void *data, size_t size) {
  putTag(out, field, 2);
  putVarint(out, size);
  const auto *p = static_cast<const uint8_t *>(data);
  out.insert(out.end(), p, p + size);
}

} // namespace dlc::rt::wire

#endif
