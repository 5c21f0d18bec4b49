// Device memory and host<->device staging around the executor for CUDA plans.
#include "CudaModel.h"
#include "../Error.h"

using namespace dlc::rt;
using namespace dlc::rt::cuda;

namespace {
CUdeviceptr dptr(const void *p) { return CUdeviceptr(reinterpret_cast<uintptr_t>(p)); }
void *hptr(CUdeviceptr p) { return reinterpret_cast<void *>(uintptr_t(p)); }
} // namespace

std::unique_ptr<CudaModel> CudaModel::create(const PlanView &plan, std::string &error) {
  const Driver *d = driver(error);
  if (!d || !makeCurrent(error))
    return nullptr;
  std::unique_ptr<CudaModel> model(new CudaModel(*d));
  uint64_t bytes = plan.header().weights_bytes;
  if (bytes) {
    CUdeviceptr p = 0;
    if (CUresult r = d->cuMemAlloc(&p, bytes)) {
      error = describe(*d, "cuMemAlloc", r) + " for " + std::to_string(bytes) + " weight bytes";
      return nullptr;
    }
    model->weightsOnDevice = static_cast<uint8_t *>(hptr(p));
    if (CUresult r = d->cuMemcpyHtoD(p, plan.weights(), bytes)) {
      error = describe(*d, "cuMemcpyHtoD", r) + " of the weights";
      return nullptr;
    }
  }
  return model;
}

CudaModel::~CudaModel() {
  std::string unused;
  if (!makeCurrent(unused))
    return;
  releaseAll(deviceInputs);
  releaseAll(deviceOutputs);
  release(weightsOnDevice);
}

void *CudaModel::allocate(uint64_t bytes) {
  CUdeviceptr p = 0;
  if (CUresult r = d.cuMemAlloc(&p, bytes)) {
    recordError(describe(d, "cuMemAlloc", r) + " for " + std::to_string(bytes) + " bytes");
    return nullptr;
  }
  return hptr(p);
}

void CudaModel::release(void *memory) {
  if (memory)
    d.cuMemFree(dptr(memory)); // freeing cannot be reported anywhere useful
}

void CudaModel::copy(void *dst, const void *src, uint64_t bytes) {
  if (CUresult r = d.cuMemcpyDtoD(dptr(dst), dptr(src), bytes))
    recordError("cuMemcpyDtoD", r);
}

void CudaModel::releaseAll(std::vector<void *> &buffers) {
  for (void *p : buffers)
    release(p);
  buffers.clear();
}

bool CudaModel::stage(std::vector<void *> &buffers, const std::vector<dlc_tensor_info> &info) {
  if (!buffers.empty())
    return true;
  buffers.assign(info.size(), nullptr);
  for (size_t i = 0; i < info.size(); ++i)
    if (info[i].bytes && !(buffers[i] = allocate(info[i].bytes)))
      return false; // the caller releases what was allocated
  return true;
}

dlc_status CudaModel::run(Executor &executor, const std::vector<dlc_tensor_info> &inputInfo,
                          const std::vector<void *> &inputs,
                          const std::vector<dlc_tensor_info> &outputInfo,
                          const std::vector<void *> &outputs, NodeTiming *timings,
                          dlc_error **error) {
  std::lock_guard<std::mutex> lock(runMutex);
  // An error recorded before (a GPU module that failed to load in a global
  // constructor) is kept: this run needs that module and reports it.
  std::string message;
  if (!makeCurrent(message))
    return fail(error, DLC_UNSUPPORTED, message);
  auto cudaFailure = [&](dlc_status status) {
    if (!takeError(message))
      message = "CUDA run failed";
    return fail(error, status, "CUDA: " + message);
  };
  if (!stage(deviceInputs, inputInfo) || !stage(deviceOutputs, outputInfo)) {
    releaseAll(deviceInputs);
    releaseAll(deviceOutputs);
    return cudaFailure(DLC_OUT_OF_MEMORY);
  }
  for (size_t i = 0; i < inputs.size(); ++i)
    if (inputInfo[i].bytes)
      if (CUresult r = d.cuMemcpyHtoD(dptr(deviceInputs[i]), inputs[i], inputInfo[i].bytes))
        recordError("cuMemcpyHtoD", r);
  if (!executor.run(deviceInputs.data(), deviceOutputs.data(), timings))
    return cudaFailure(DLC_OUT_OF_MEMORY);
  if (CUresult r = d.cuCtxSynchronize())
    recordError("cuCtxSynchronize", r);
  for (size_t i = 0; i < outputs.size(); ++i)
    if (outputInfo[i].bytes)
      if (CUresult r = d.cuMemcpyDtoH(outputs[i], dptr(deviceOutputs[i]), outputInfo[i].bytes))
        recordError("cuMemcpyDtoH", r);
  if (takeError(message))
    return fail(error, DLC_DEVICE_ERROR, "CUDA: " + message);
  return ok(error);
}
