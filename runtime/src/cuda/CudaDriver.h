// Internal: the CUDA driver API, loaded at run time with dlopen so that
// libdlcrt (and every CPU model) builds and runs without CUDA installed.
// Only the handful of entry points dlc uses are declared, with the driver's
// ABI types spelled out here (no cuda.h at build time).
#ifndef DLC_RUNTIME_SRC_CUDA_CUDADRIVER_H
#define DLC_RUNTIME_SRC_CUDA_CUDADRIVER_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace dlc::rt::cuda {

using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
using CUcontext = struct CUctx_st *;
using CUmodule = struct CUmod_st *;
using CUfunction = struct CUfunc_st *;
using CUstream = struct CUstream_st *;
using CUgraph = struct CUgraph_st *;
using CUgraphExec = struct CUgraphExec_st *;

constexpr unsigned kStreamNonBlocking = 0x1;  // CU_STREAM_NON_BLOCKING
constexpr int kStreamCaptureModeRelaxed = 2;   // CU_STREAM_CAPTURE_MODE_RELAXED

/// Driver entry points (the _v2 ABI where the driver has one).
struct Driver {
  CUresult (*cuInit)(unsigned);
  CUresult (*cuDeviceGetCount)(int *);
  CUresult (*cuDeviceGet)(CUdevice *, int);
  CUresult (*cuDevicePrimaryCtxRetain)(CUcontext *, CUdevice);
  CUresult (*cuCtxSetCurrent)(CUcontext);
  CUresult (*cuCtxSynchronize)();
  CUresult (*cuGetErrorName)(CUresult, const char **);
  CUresult (*cuGetErrorString)(CUresult, const char **);
  CUresult (*cuMemAlloc)(CUdeviceptr *, size_t);
  CUresult (*cuMemFree)(CUdeviceptr);
  CUresult (*cuMemcpyHtoD)(CUdeviceptr, const void *, size_t);
  CUresult (*cuMemcpyDtoH)(void *, CUdeviceptr, size_t);
  CUresult (*cuMemcpyDtoD)(CUdeviceptr, CUdeviceptr, size_t);
  CUresult (*cuMemsetD32)(CUdeviceptr, unsigned, size_t);
  CUresult (*cuMemsetD16)(CUdeviceptr, unsigned short, size_t);
  CUresult (*cuModuleLoadData)(CUmodule *, const void *);
  CUresult (*cuModuleUnload)(CUmodule);
  CUresult (*cuModuleGetFunction)(CUfunction *, CUmodule, const char *);
  CUresult (*cuLaunchKernel)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned,
                             unsigned, unsigned, CUstream, void **, void **);
  CUresult (*cuStreamSynchronize)(CUstream);

  // Streams, stream-ordered memory and graphs (CUDA >= 11.4 drivers). NULL
  // when the driver lacks one; `hasGraphs` says whether all are there.
  bool hasGraphs = false;
  CUresult (*cuStreamCreate)(CUstream *, unsigned);
  CUresult (*cuStreamDestroy)(CUstream);
  CUresult (*cuStreamBeginCapture)(CUstream, int);
  CUresult (*cuStreamEndCapture)(CUstream, CUgraph *);
  CUresult (*cuGraphInstantiateWithFlags)(CUgraphExec *, CUgraph, unsigned long long);
  CUresult (*cuGraphLaunch)(CUgraphExec, CUstream);
  CUresult (*cuGraphExecDestroy)(CUgraphExec);
  CUresult (*cuGraphDestroy)(CUgraph);
  CUresult (*cuMemAllocAsync)(CUdeviceptr *, size_t, CUstream);
  CUresult (*cuMemFreeAsync)(CUdeviceptr, CUstream);
  CUresult (*cuMemcpyHtoDAsync)(CUdeviceptr, const void *, size_t, CUstream);
  CUresult (*cuMemcpyDtoHAsync)(void *, CUdeviceptr, size_t, CUstream);
  CUresult (*cuMemcpyDtoDAsync)(CUdeviceptr, CUdeviceptr, size_t, CUstream);
  CUresult (*cuMemsetD32Async)(CUdeviceptr, unsigned, size_t, CUstream);
  CUresult (*cuMemsetD16Async)(CUdeviceptr, unsigned short, size_t, CUstream);
};

/// The driver with device 0's primary context, created on first use and
/// kept for the life of the process. Returns NULL and sets `error` when
/// libcuda.so.1 is missing, has no device, or fails to initialize; the
/// outcome of the first call is remembered. Thread-safe.
const Driver *driver(std::string &error);

/// Makes the primary context current on the calling thread (the driver
/// keeps the current context per thread). Returns false with `error` set.
bool makeCurrent(std::string &error);

/// The stream the calling thread enqueues GPU work on instead of running it
/// synchronously (NULL: the default, synchronous behaviour). While it is set,
/// the mgpu* wrappers launch on it without synchronizing, allocate and free
/// scratch memory stream-ordered (cuMemAllocAsync/cuMemFreeAsync) and copy
/// asynchronously, which is what stream capture into a CUDA graph needs.
/// Thread-local; the caller restores NULL. Only set it when hasGraphs.
void setLaunchStream(CUstream stream);
CUstream launchStream();

/// "cuLaunchKernel: CUDA_ERROR_INVALID_VALUE (invalid argument)".
std::string describe(const Driver &d, const char *call, CUresult result);

/// The first CUDA failure seen by a void-returning wrapper (mgpu*, which the
/// generated host code calls and which cannot return a status), kept until
/// takeError() reads and clears it. Thread-safe.
void recordError(const char *call, CUresult result);
void recordError(const std::string &message);
bool takeError(std::string &message);

} // namespace dlc::rt::cuda

#endif
