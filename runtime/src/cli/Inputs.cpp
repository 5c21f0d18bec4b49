// Inputs of a CLI run: files named by --input/--data, or seeded random values.
#include "Inputs.h"
#include "../Format.h"
#include "../Half.h"

#include <cstring>
#include <unistd.h>

using dlc::rt::HostTensor;

HostTensor dlc::rt::allocateTensor(const dlc_tensor_info &info) {
  HostTensor t;
  t.name = info.name;
  t.dtype = info.dtype;
  t.shape.assign(info.shape, info.shape + info.rank);
  t.data.assign(info.bytes, 0);
  return t;
}

std::string dlc::rt::checkAllocatable(const dlc_tensor_info &info, const char *side) {
  long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || pageSize <= 0)
    return "";
  uint64_t memory = uint64_t(pages) * uint64_t(pageSize);
  if (info.bytes <= memory)
    return "";
  return std::string(side) + " '" + info.name + "' " +
         typeText(info.dtype, info.rank, info.shape) +
         " needs " + std::to_string(info.bytes) + " bytes, more than this machine's memory (" +
         std::to_string(memory) + " bytes): out of memory";
}

void dlc::rt::fillRandom(HostTensor &t, std::mt19937_64 &rng) {
  size_t size = dlc_dtype_size(t.dtype);
  if (!size)
    return;
  std::uniform_real_distribution<float> real(-1.0f, 1.0f);
  std::uniform_int_distribution<int> small(0, 3);
  for (size_t offset = 0; offset + size <= t.data.size(); offset += size) {
    uint8_t *p = t.data.data() + offset;
    switch (t.dtype) {
    case DLC_DTYPE_FLOAT32: { float v = real(rng); std::memcpy(p, &v, 4); break; }
    case DLC_DTYPE_FLOAT64: { double v = real(rng); std::memcpy(p, &v, 8); break; }
    case DLC_DTYPE_FLOAT16: { uint16_t v = floatToHalf(real(rng)); std::memcpy(p, &v, 2); break; }
    case DLC_DTYPE_BFLOAT16: { uint16_t v = floatToBfloat16(real(rng)); std::memcpy(p, &v, 2); break; }
    case DLC_DTYPE_BOOL: *p = uint8_t(small(rng) & 1); break;
    default: { // integers: the low bytes of a small value (little-endian)
      uint64_t v = uint64_t(small(rng));
      std::memcpy(p, &v, size);
    }
    }
  }
}

namespace {
std::string inputNames(const dlc_model *model) {
  std::string names;
  for (uint32_t i = 0; i < dlc_model_num_inputs(model); ++i) {
    dlc_tensor_info info;
    if (dlc_model_input_info(model, i, &info, nullptr) == DLC_OK)
      names += (i ? ", " : "") + std::string(info.name);
  }
  return names;
}
} // namespace

bool dlc::rt::loadInputs(const dlc_model *model, const CliOptions &o,
                         std::vector<HostTensor> &inputs, std::string &error) {
  for (const auto &[name, file] : o.inputs)
    if (dlc_model_find_input(model, name.c_str()) < 0) {
      error = "--input " + name + "=" + file + ": the model has no input '" + name +
              "' (inputs: " + inputNames(model) + ")";
      return false;
    }
  std::mt19937_64 rng(42);
  inputs.clear();
  for (uint32_t i = 0; i < dlc_model_num_inputs(model); ++i) {
    dlc_tensor_info info;
    if (dlc_model_input_info(model, i, &info, nullptr) != DLC_OK) {
      error = "cannot describe input " + std::to_string(i);
      return false;
    }
    if (std::string problem = checkAllocatable(info, "input"); !problem.empty()) {
      error = problem;
      return false;
    }
    HostTensor t = allocateTensor(info);
    std::string path;
    if (auto it = o.inputs.find(info.name); it != o.inputs.end())
      path = it->second;
    else if (!o.dataDir.empty())
      path = o.dataDir + "/input_" + std::to_string(i) + ".pb";
    if (path.empty()) {
      fillRandom(t, rng);
    } else {
      HostTensor loaded;
      if (!readTensorFile(path, loaded, error))
        return false;
      if (loaded.dtype != t.dtype || loaded.shape != t.shape) {
        error = path + ": expected input '" + t.name + "' " + typeText(t.dtype, t.shape) +
                ", got " + typeText(loaded.dtype, loaded.shape);
        return false;
      }
      t.data = std::move(loaded.data);
    }
    inputs.push_back(std::move(t));
  }
  return true;
}
