// C++ wrapper of libdlcrt: header-only, on top of the C API in runtime.h.
// Failures become dlc::Error exceptions, thrown on this side of the ABI only.
//
//   dlc::Model model(&dlc_model_image_v1);
//   std::vector<float> x(4);
//   std::vector<dlc::Tensor> outputs = model.run({dlc::view(x, {1, 4})});
//   const float *y = outputs[0].data<float>();
//
// Thread safety follows the C API: a Model may be run from many threads at
// once; Tensor and TensorView are plain values.
#ifndef DLC_RUNTIME_HPP
#define DLC_RUNTIME_HPP

#include "dlc/runtime.h"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace dlc {

/// A failed libdlcrt call: its status and message.
class Error : public std::runtime_error {
public:
  Error(dlc_status status, const std::string &message)
      : std::runtime_error(message), status_(status) {}
  dlc_status status() const { return status_; }

private:
  dlc_status status_;
};

namespace detail {
/// Throws (and frees the C error) unless status is DLC_OK.
inline void check(dlc_status status, dlc_error *error) {
  if (status == DLC_OK)
    return;
  std::string message = dlc_error_message(error);
  dlc_error_free(error);
  throw Error(status, message);
}
} // namespace detail

/// The dlc dtype of a C++ element type (DLC_DTYPE_UNDEFINED if none).
/// float16/bfloat16 data has no C++ type: use uint16_t storage with an
/// explicit dtype in TensorView.
template <typename T> constexpr int32_t dtypeOf() {
  if constexpr (std::is_same_v<T, float>) return DLC_DTYPE_FLOAT32;
  else if constexpr (std::is_same_v<T, double>) return DLC_DTYPE_FLOAT64;
  else if constexpr (std::is_same_v<T, bool>) return DLC_DTYPE_BOOL;
  else if constexpr (std::is_same_v<T, int8_t>) return DLC_DTYPE_INT8;
  else if constexpr (std::is_same_v<T, uint8_t>) return DLC_DTYPE_UINT8;
  else if constexpr (std::is_same_v<T, int16_t>) return DLC_DTYPE_INT16;
  else if constexpr (std::is_same_v<T, uint16_t>) return DLC_DTYPE_UINT16;
  else if constexpr (std::is_same_v<T, int32_t>) return DLC_DTYPE_INT32;
  else if constexpr (std::is_same_v<T, uint32_t>) return DLC_DTYPE_UINT32;
  else if constexpr (std::is_same_v<T, int64_t>) return DLC_DTYPE_INT64;
  else if constexpr (std::is_same_v<T, uint64_t>) return DLC_DTYPE_UINT64;
  else return DLC_DTYPE_UNDEFINED;
}

/// A borrowed buffer with its own copy of the shape (dlc_tensor_view
/// borrows the shape too). `data` must outlive the run using the view.
struct TensorView {
  void *data = nullptr;
  int32_t dtype = DLC_DTYPE_UNDEFINED;
  std::vector<int64_t> shape;

  dlc_tensor_view c() const { return {data, dtype, uint32_t(shape.size()), shape.data()}; }
};

/// A view of a vector's elements (std::vector<bool> has no buffer: use uint8_t
/// storage with DLC_DTYPE_BOOL).
template <typename T> TensorView view(std::vector<T> &values, std::vector<int64_t> shape) {
  static_assert(dtypeOf<T>() != DLC_DTYPE_UNDEFINED && !std::is_same_v<T, bool>,
                "no dlc dtype for this element type");
  return {values.data(), dtypeOf<T>(), std::move(shape)};
}
/// Inputs are only read, so a const vector may be viewed.
template <typename T> TensorView view(const std::vector<T> &values, std::vector<int64_t> shape) {
  return view(const_cast<std::vector<T> &>(values), std::move(shape));
}

/// An owned, dense tensor (what run() returns for outputs).
struct Tensor {
  std::string name;
  int32_t dtype = DLC_DTYPE_UNDEFINED;
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;

  template <typename T> T *data() { return reinterpret_cast<T *>(bytes.data()); }
  template <typename T> const T *data() const { return reinterpret_cast<const T *>(bytes.data()); }
  /// The elements as a vector of T (T must match the dtype's size).
  template <typename T> std::vector<T> values() const {
    return std::vector<T>(data<T>(), data<T>() + bytes.size() / sizeof(T));
  }
  TensorView view() { return {bytes.data(), dtype, shape}; }
};

/// Name, dtype and shape of a model input or output.
struct TensorInfo {
  std::string name;
  int32_t dtype = DLC_DTYPE_UNDEFINED;
  std::vector<int64_t> shape;
  uint64_t bytes = 0;
};

/// Owns a dlc_model. Movable, not copyable. run() may be called from many
/// threads at once (see dlc_model_run).
class Model {
public:
  /// Validates and loads `image`, which must outlive the model.
  /// `numThreads` as dlc_model_options.num_threads (0 = default).
  explicit Model(const dlc_model_image *image, uint32_t numThreads = 0) {
    dlc_model_options options;
    dlc_model_options_init(&options);
    options.num_threads = numThreads;
    dlc_error *error = nullptr;
    detail::check(dlc_model_create(image, &options, &model_, &error), error);
  }
  ~Model() { dlc_model_free(model_); }
  Model(Model &&other) noexcept : model_(std::exchange(other.model_, nullptr)) {}
  Model &operator=(Model &&other) noexcept {
    std::swap(model_, other.model_);
    return *this;
  }
  Model(const Model &) = delete;
  Model &operator=(const Model &) = delete;

  /// The C handle, still owned by this object.
  dlc_model *get() const { return model_; }
  std::string name() const { return dlc_model_name(model_); }

  uint32_t numInputs() const { return dlc_model_num_inputs(model_); }
  uint32_t numOutputs() const { return dlc_model_num_outputs(model_); }
  TensorInfo input(uint32_t i) const { return info(i, true); }
  TensorInfo output(uint32_t i) const { return info(i, false); }
  /// Index of the input/output called `name`; throws if there is none.
  uint32_t inputIndex(const std::string &name) const { return index(name, true); }
  uint32_t outputIndex(const std::string &name) const { return index(name, false); }

  /// Runs on caller-provided buffers (one view per input/output, in order).
  void run(const std::vector<TensorView> &inputs, const std::vector<TensorView> &outputs) {
    runInto(inputs, outputs, nullptr);
  }
  /// Runs and returns freshly allocated outputs.
  std::vector<Tensor> run(const std::vector<TensorView> &inputs) {
    std::vector<Tensor> outputs = allocateOutputs();
    std::vector<TensorView> views;
    for (Tensor &t : outputs)
      views.push_back(t.view());
    runInto(inputs, views, nullptr);
    return outputs;
  }
  /// run() that also writes a Chrome trace of the run to `tracePath`.
  void runProfiled(const std::vector<TensorView> &inputs, const std::vector<TensorView> &outputs,
                   const std::string &tracePath) {
    runInto(inputs, outputs, tracePath.c_str());
  }

  /// One zero-filled Tensor per output, shaped like the model's outputs.
  std::vector<Tensor> allocateOutputs() const {
    std::vector<Tensor> outputs;
    for (uint32_t i = 0; i < numOutputs(); ++i) {
      TensorInfo o = output(i);
      outputs.push_back({o.name, o.dtype, o.shape, std::vector<uint8_t>(size_t(o.bytes))});
    }
    return outputs;
  }

private:
  TensorInfo info(uint32_t i, bool input) const {
    dlc_tensor_info c;
    dlc_error *error = nullptr;
    detail::check(input ? dlc_model_input_info(model_, i, &c, &error)
                        : dlc_model_output_info(model_, i, &c, &error),
                  error);
    return {c.name, c.dtype, std::vector<int64_t>(c.shape, c.shape + c.rank), c.bytes};
  }
  uint32_t index(const std::string &name, bool input) const {
    int32_t i = input ? dlc_model_find_input(model_, name.c_str())
                      : dlc_model_find_output(model_, name.c_str());
    if (i < 0)
      throw Error(DLC_INVALID_ARGUMENT,
                  std::string("the model has no ") + (input ? "input" : "output") + " '" + name + "'");
    return uint32_t(i);
  }
  void runInto(const std::vector<TensorView> &inputs, const std::vector<TensorView> &outputs,
               const char *tracePath) {
    std::vector<dlc_tensor_view> in, out;
    for (const TensorView &v : inputs)
      in.push_back(v.c());
    for (const TensorView &v : outputs)
      out.push_back(v.c());
    dlc_error *error = nullptr;
    dlc_status status =
        tracePath ? dlc_model_run_profiled(model_, in.data(), in.size(), out.data(), out.size(),
                                           tracePath, &error)
                  : dlc_model_run(model_, in.data(), in.size(), out.data(), out.size(), &error);
    detail::check(status, error);
  }

  dlc_model *model_ = nullptr;
};

} // namespace dlc

#endif // DLC_RUNTIME_HPP
