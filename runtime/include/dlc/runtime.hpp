// C++ wrapper of libdlcrt (header-only, on top of the C API in runtime.h).
// Errors become dlc::Error exceptions on this side of the ABI only.
#ifndef DLC_RUNTIME_HPP
#define DLC_RUNTIME_HPP

#include "dlc/runtime.h"

#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace dlc {

class Error : public std::runtime_error {
public:
  Error(dlc_status status, const std::string &message)
      : std::runtime_error(message), status_(status) {}
  dlc_status status() const { return status_; }

private:
  dlc_status status_;
};

namespace detail {
inline void check(dlc_status status, dlc_error *error) {
  if (status == DLC_OK)
    return;
  std::string message = dlc_error_message(error);
  dlc_error_free(error);
  throw Error(status, message);
}
template <typename T> constexpr int32_t dtypeOf() {
  if constexpr (std::is_same_v<T, float>) return DLC_DTYPE_FLOAT32;
  else if constexpr (std::is_same_v<T, double>) return DLC_DTYPE_FLOAT64;
  else if constexpr (std::is_same_v<T, int64_t>) return DLC_DTYPE_INT64;
  else if constexpr (std::is_same_v<T, int32_t>) return DLC_DTYPE_INT32;
  else if constexpr (std::is_same_v<T, int8_t>) return DLC_DTYPE_INT8;
  else if constexpr (std::is_same_v<T, uint8_t>) return DLC_DTYPE_UINT8;
  else if constexpr (std::is_same_v<T, bool>) return DLC_DTYPE_BOOL;
  else return DLC_DTYPE_UNDEFINED;
}
} // namespace detail

/// A typed view with its own copy of the shape (dlc_tensor_view borrows).
struct TensorView {
  void *data;
  int32_t dtype;
  std::vector<int64_t> shape;
  dlc_tensor_view c() const { return {data, dtype, uint32_t(shape.size()), shape.data()}; }
};

template <typename T>
TensorView view(const std::vector<T> &values, std::initializer_list<int64_t> shape) {
  return {const_cast<T *>(values.data()), detail::dtypeOf<T>(), shape};
}

/// Owns a dlc_model. Thread-safe like the C API: run() may be called from
/// many threads at once.
class Model {
public:
  explicit Model(const dlc_model_image *image, uint32_t numThreads = 0) {
    dlc_model_options options;
    dlc_model_options_init(&options);
    options.num_threads = numThreads;
    dlc_error *error = nullptr;
    detail::check(dlc_model_create(image, &options, &model_, &error), error);
  }
  ~Model() { dlc_model_free(model_); }
  Model(const Model &) = delete;
  Model &operator=(const Model &) = delete;

  dlc_model *get() const { return model_; }
  uint32_t numInputs() const { return dlc_model_num_inputs(model_); }
  uint32_t numOutputs() const { return dlc_model_num_outputs(model_); }
  dlc_tensor_info input(uint32_t i) const {
    dlc_tensor_info info;
    dlc_error *error = nullptr;
    detail::check(dlc_model_input_info(model_, i, &info, &error), error);
    return info;
  }
  dlc_tensor_info output(uint32_t i) const {
    dlc_tensor_info info;
    dlc_error *error = nullptr;
    detail::check(dlc_model_output_info(model_, i, &info, &error), error);
    return info;
  }

  void run(const std::vector<TensorView> &inputs, const std::vector<TensorView> &outputs) {
    std::vector<dlc_tensor_view> in, out;
    for (const TensorView &v : inputs) in.push_back(v.c());
    for (const TensorView &v : outputs) out.push_back(v.c());
    dlc_error *error = nullptr;
    detail::check(dlc_model_run(model_, in.data(), in.size(), out.data(), out.size(), &error),
                  error);
  }

private:
  dlc_model *model_ = nullptr;
};

} // namespace dlc

#endif // DLC_RUNTIME_HPP
