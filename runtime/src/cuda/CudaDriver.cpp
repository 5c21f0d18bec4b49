// The CUDA driver loaded with dlopen, its primary context and the sticky
// error of the mgpu* wrappers.
#include "CudaDriver.h"

#include <dlfcn.h>
#include <mutex>

namespace dlc::rt::cuda {
namespace {

struct Loaded {
  Driver api{};
  CUcontext context = nullptr;
  std::string error; // non-empty: the driver is unusable
};

template <typename Fn> bool bind(void *lib, const char *name, Fn &slot, std::string &missing) {
  slot = reinterpret_cast<Fn>(dlsym(lib, name));
  if (!slot)
    missing = name;
  return slot != nullptr;
}

Loaded load() {
  Loaded l;
  void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    l.error = "no CUDA driver (cannot load libcuda.so.1: " + std::string(dlerror()) + ")";
    return l;
  }
  Driver &d = l.api;
  std::string missing;
  bool ok = bind(lib, "cuInit", d.cuInit, missing) &&
            bind(lib, "cuDeviceGetCount", d.cuDeviceGetCount, missing) &&
            bind(lib, "cuDeviceGet", d.cuDeviceGet, missing) &&
            bind(lib, "cuDevicePrimaryCtxRetain", d.cuDevicePrimaryCtxRetain, missing) &&
            bind(lib, "cuCtxSetCurrent", d.cuCtxSetCurrent, missing) &&
            bind(lib, "cuCtxSynchronize", d.cuCtxSynchronize, missing) &&
            bind(lib, "cuGetErrorName", d.cuGetErrorName, missing) &&
            bind(lib, "cuGetErrorString", d.cuGetErrorString, missing) &&
            bind(lib, "cuMemAlloc_v2", d.cuMemAlloc, missing) &&
            bind(lib, "cuMemFree_v2", d.cuMemFree, missing) &&
            bind(lib, "cuMemcpyHtoD_v2", d.cuMemcpyHtoD, missing) &&
            bind(lib, "cuMemcpyDtoH_v2", d.cuMemcpyDtoH, missing) &&
            bind(lib, "cuMemcpyDtoD_v2", d.cuMemcpyDtoD, missing) &&
            bind(lib, "cuMemsetD32_v2", d.cuMemsetD32, missing) &&
            bind(lib, "cuMemsetD16_v2", d.cuMemsetD16, missing) &&
            bind(lib, "cuModuleLoadData", d.cuModuleLoadData, missing) &&
            bind(lib, "cuModuleUnload", d.cuModuleUnload, missing) &&
            bind(lib, "cuModuleGetFunction", d.cuModuleGetFunction, missing) &&
            bind(lib, "cuLaunchKernel", d.cuLaunchKernel, missing) &&
            bind(lib, "cuStreamSynchronize", d.cuStreamSynchronize, missing);
  if (!ok) {
    l.error = "the CUDA driver lacks " + missing;
    return l; // the library stays loaded: harmless, and the outcome is final
  }
  std::string missingOptional;
  d.hasGraphs = bind(lib, "cuStreamCreate", d.cuStreamCreate, missingOptional) &&
                bind(lib, "cuStreamDestroy_v2", d.cuStreamDestroy, missingOptional) &&
                bind(lib, "cuStreamBeginCapture_v2", d.cuStreamBeginCapture, missingOptional) &&
                bind(lib, "cuStreamEndCapture", d.cuStreamEndCapture, missingOptional) &&
                bind(lib, "cuGraphInstantiateWithFlags", d.cuGraphInstantiateWithFlags,
                     missingOptional) &&
                bind(lib, "cuGraphLaunch", d.cuGraphLaunch, missingOptional) &&
                bind(lib, "cuGraphExecDestroy", d.cuGraphExecDestroy, missingOptional) &&
                bind(lib, "cuGraphDestroy", d.cuGraphDestroy, missingOptional) &&
                bind(lib, "cuMemAllocAsync", d.cuMemAllocAsync, missingOptional) &&
                bind(lib, "cuMemFreeAsync", d.cuMemFreeAsync, missingOptional) &&
                bind(lib, "cuMemcpyHtoDAsync_v2", d.cuMemcpyHtoDAsync, missingOptional) &&
                bind(lib, "cuMemcpyDtoHAsync_v2", d.cuMemcpyDtoHAsync, missingOptional) &&
                bind(lib, "cuMemcpyDtoDAsync_v2", d.cuMemcpyDtoDAsync, missingOptional) &&
                bind(lib, "cuMemsetD32Async", d.cuMemsetD32Async, missingOptional) &&
                bind(lib, "cuMemsetD16Async", d.cuMemsetD16Async, missingOptional);
  int count = 0;
  CUdevice device = 0;
  if (CUresult r = d.cuInit(0)) {
    l.error = "no CUDA device (" + describe(d, "cuInit", r) + ")";
  } else if (CUresult r = d.cuDeviceGetCount(&count)) {
    l.error = describe(d, "cuDeviceGetCount", r);
  } else if (count == 0) {
    l.error = "no CUDA device";
  } else if (CUresult r = d.cuDeviceGet(&device, 0)) {
    l.error = describe(d, "cuDeviceGet", r);
  } else if (CUresult r = d.cuDevicePrimaryCtxRetain(&l.context, device)) {
    l.error = describe(d, "cuDevicePrimaryCtxRetain", r);
  }
  return l;
}

const Loaded &loaded() {
  // Never destroyed: the model's own global destructor (MLIR's gpu module
  // unload, mgpuModuleUnload) runs after function-local statics are gone
  // and still asks for the driver (ASan: heap-use-after-free at exit).
  static const Loaded &instance = *new Loaded(load()); // thread-safe initialization
  return instance;
}

std::mutex errorMutex;
std::string firstError; // guarded by errorMutex
thread_local CUstream tlsLaunchStream = nullptr;
} // namespace

void setLaunchStream(CUstream stream) { tlsLaunchStream = stream; }
CUstream launchStream() { return tlsLaunchStream; }

const Driver *driver(std::string &error) {
  const Loaded &l = loaded();
  if (!l.error.empty()) {
    error = l.error;
    return nullptr;
  }
  return &l.api;
}

bool makeCurrent(std::string &error) {
  const Driver *d = driver(error);
  if (!d)
    return false;
  if (CUresult r = d->cuCtxSetCurrent(loaded().context)) {
    error = describe(*d, "cuCtxSetCurrent", r);
    return false;
  }
  return true;
}

std::string describe(const Driver &d, const char *call, CUresult result) {
  const char *name = nullptr, *text = nullptr;
  d.cuGetErrorName(result, &name);
  d.cuGetErrorString(result, &text);
  return std::string(call) + ": " + (name ? name : "CUDA error " + std::to_string(result)) +
         (text ? std::string(" (") + text + ")" : "");
}

void recordError(const std::string &message) {
  std::lock_guard<std::mutex> lock(errorMutex);
  if (firstError.empty())
    firstError = message;
}

void recordError(const char *call, CUresult result) {
  std::string unused;
  const Driver *d = driver(unused);
  recordError(d ? describe(*d, call, result) : std::string(call) + ": " + unused);
}

bool takeError(std::string &message) {
  std::lock_guard<std::mutex> lock(errorMutex);
  if (firstError.empty())
    return false;
  message.swap(firstError);
  firstError.clear();
  return true;
}

} // namespace dlc::rt::cuda
