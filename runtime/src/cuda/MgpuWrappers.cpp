// The functions that host code lowered by MLIR's gpu-to-llvm and memref
// (use-generic-functions) conversions calls, implemented on the CUDA driver
// API so compiled CUDA models need no MLIR runtime library.
//
// The generated code cannot handle failures (the calls return void or a
// pointer), so a failing call records the first error (cuda::recordError)
// and the model run reports it once the kernel returns; a module that does
// not load yields NULL handles and later calls fail, and are recorded, too.
// By default all work goes to the legacy default stream: the kernels of a
// node run in order and every kernel function synchronizes before
// returning. While the thread has a launch stream (cuda::setLaunchStream,
// used to capture CUDA graphs), work is only enqueued on that stream:
// nothing synchronizes, scratch memory is stream-ordered.
#include "CudaDriver.h"

#include <cstdint>

using namespace dlc::rt::cuda;

namespace {
/// The driver with the context current on this thread, or NULL (recorded).
const Driver *current(const char *call) {
  std::string error;
  const Driver *d = driver(error);
  if (d && makeCurrent(error))
    return d;
  recordError(std::string(call) + ": " + error);
  return nullptr;
}

bool check(const Driver *d, const char *call, CUresult result) {
  if (result)
    recordError(describe(*d, call, result));
  return result == 0;
}

CUmodule loadModule(const void *data, const char *call) {
  const Driver *d = current(call);
  CUmodule module = nullptr;
  if (d)
    check(d, "cuModuleLoadData", d->cuModuleLoadData(&module, data));
  return module;
}

CUdeviceptr devicePtr(const void *p) { return CUdeviceptr(reinterpret_cast<uintptr_t>(p)); }
} // namespace

extern "C" {

// gpu.binary in cubin form (format=bin); runs from a global constructor.
CUmodule mgpuModuleLoad(void *data, size_t /*bytes*/) { return loadModule(data, "mgpuModuleLoad"); }

// gpu.binary in PTX form (format=isa): the driver JIT-compiles it.
CUmodule mgpuModuleLoadJIT(void *data, int /*optLevel*/) {
  return loadModule(data, "mgpuModuleLoadJIT");
}

void mgpuModuleUnload(CUmodule module) {
  std::string unused;
  if (const Driver *d = driver(unused); d && module)
    d->cuModuleUnload(module); // at exit: nothing left to report to
}

CUfunction mgpuModuleGetFunction(CUmodule module, const char *name) {
  const Driver *d = current("mgpuModuleGetFunction");
  CUfunction function = nullptr;
  if (d && !module)
    recordError(std::string("kernel '") + name + "': its GPU module did not load");
  else if (d)
    check(d, "cuModuleGetFunction", d->cuModuleGetFunction(&function, module, name));
  return function;
}

void mgpuLaunchKernel(CUfunction function, intptr_t gridX, intptr_t gridY, intptr_t gridZ,
                      intptr_t blockX, intptr_t blockY, intptr_t blockZ, int32_t smem,
                      CUstream stream, void **params, void **extra, size_t /*paramsCount*/) {
  const Driver *d = current("mgpuLaunchKernel");
  if (!d || !function)
    return; // already recorded
  check(d, "cuLaunchKernel",
        d->cuLaunchKernel(function, unsigned(gridX), unsigned(gridY), unsigned(gridZ),
                          unsigned(blockX), unsigned(blockY), unsigned(blockZ), unsigned(smem),
                          stream, params, extra));
}

// The legacy default stream, or the thread's launch stream.
CUstream mgpuStreamCreate() { return launchStream(); }
void mgpuStreamDestroy(CUstream) {}

void mgpuStreamSynchronize(CUstream stream) {
  if (launchStream())
    return; // enqueue only: whoever set the launch stream synchronizes it
  if (const Driver *d = current("mgpuStreamSynchronize"))
    check(d, "cuStreamSynchronize", d->cuStreamSynchronize(stream));
}

void *mgpuMemAlloc(uint64_t bytes, CUstream, bool /*isHostShared*/) {
  const Driver *d = current("mgpuMemAlloc");
  CUdeviceptr p = 0;
  if (d && bytes) {
    if (CUstream s = launchStream())
      check(d, "cuMemAllocAsync", d->cuMemAllocAsync(&p, bytes, s));
    else
      check(d, "cuMemAlloc", d->cuMemAlloc(&p, bytes));
  }
  return reinterpret_cast<void *>(uintptr_t(p));
}

void mgpuMemFree(void *p, CUstream) {
  if (const Driver *d = current("mgpuMemFree"); d && p) {
    if (CUstream s = launchStream())
      check(d, "cuMemFreeAsync", d->cuMemFreeAsync(devicePtr(p), s));
    else
      check(d, "cuMemFree", d->cuMemFree(devicePtr(p)));
  }
}

void mgpuMemcpy(void *dst, void *src, size_t bytes, CUstream) {
  if (const Driver *d = current("mgpuMemcpy"); d && bytes) {
    if (CUstream s = launchStream())
      check(d, "cuMemcpyDtoDAsync",
            d->cuMemcpyDtoDAsync(devicePtr(dst), devicePtr(src), bytes, s));
    else
      check(d, "cuMemcpyDtoD", d->cuMemcpyDtoD(devicePtr(dst), devicePtr(src), bytes));
  }
}

void mgpuMemset32(void *dst, unsigned value, size_t count, CUstream) {
  if (const Driver *d = current("mgpuMemset32"); d && count) {
    if (CUstream s = launchStream())
      check(d, "cuMemsetD32Async", d->cuMemsetD32Async(devicePtr(dst), value, count, s));
    else
      check(d, "cuMemsetD32", d->cuMemsetD32(devicePtr(dst), value, count));
  }
}

void mgpuMemset16(void *dst, unsigned short value, size_t count, CUstream) {
  if (const Driver *d = current("mgpuMemset16"); d && count) {
    if (CUstream s = launchStream())
      check(d, "cuMemsetD16Async", d->cuMemsetD16Async(devicePtr(dst), value, count, s));
    else
      check(d, "cuMemsetD16", d->cuMemsetD16(devicePtr(dst), value, count));
  }
}

// memref.alloc/dealloc of CUDA kernels' host code: device scratch buffers.
// cuMemAlloc aligns to at least 256 bytes, more than any alignment asked for.
void *_mlir_memref_to_llvm_alloc(size_t bytes) { return mgpuMemAlloc(bytes, nullptr, false); }
void *_mlir_memref_to_llvm_aligned_alloc(size_t /*alignment*/, size_t bytes) {
  return mgpuMemAlloc(bytes, nullptr, false);
}
void _mlir_memref_to_llvm_free(void *p) { mgpuMemFree(p, nullptr); }

} // extern "C"
