// Device memory and host<->device staging around the executor for CUDA plans.
#include "CudaModel.h"
#include "../Error.h"

#include <cstdio>
#include <cstring>

using namespace dlc::rt;
using namespace dlc::rt::cuda;

namespace {
CUdeviceptr dptr(const void *p) { return CUdeviceptr(reinterpret_cast<uintptr_t>(p)); }
void *hptr(CUdeviceptr p) { return reinterpret_cast<void *>(uintptr_t(p)); }
} // namespace

std::unique_ptr<CudaModel> CudaModel::create(const PlanView &plan, bool graphs, bool mixed,
                                             std::string &error) {
  const Driver *d = driver(error);
  if (!d || !makeCurrent(error))
    return nullptr;
  std::unique_ptr<CudaModel> model(new CudaModel(*d));
  // A driver without the graph API runs every step directly.
  model->graphState.enabled = graphs && d->hasGraphs && !mixed;
  model->perThreadStreams = mixed && d->hasGraphs; // else the legacy default stream
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
  dropGraph();
  if (stream)
    d.cuStreamDestroy(stream);
  for (auto &entry : streams)
    d.cuStreamDestroy(entry.second);
  releaseAll(deviceInputs);
  releaseAll(deviceOutputs);
  release(weightsOnDevice);
}

void CudaModel::dropGraph() {
  if (graph)
    d.cuGraphExecDestroy(graph);
  graph = nullptr;
  graphState.captured = false;
}

bool CudaModel::capture(Executor &executor, std::string &why) {
  if (!stream)
    if (CUresult r = d.cuStreamCreate(&stream, kStreamNonBlocking)) {
      stream = nullptr;
      why = describe(d, "cuStreamCreate", r);
      return false;
    }
  dropGraph();
  // Relaxed: the executor's own calls (cuCtxSetCurrent, a first arena
  // allocation) are not stream work and must not end the capture.
  if (CUresult r = d.cuStreamBeginCapture(stream, kStreamCaptureModeRelaxed)) {
    why = describe(d, "cuStreamBeginCapture", r);
    return false;
  }
  setLaunchStream(stream);
  std::string problem;
  bool ran = executor.run(deviceInputs.data(), deviceOutputs.data(), nullptr, problem) == DLC_OK;
  setLaunchStream(nullptr);
  CUgraph captured = nullptr;
  CUresult ended = d.cuStreamEndCapture(stream, &captured);
  std::string recorded;
  bool failedInside = takeError(recorded);
  if (!ran || ended || failedInside || !captured) {
    why = !ran            ? "the captured run failed: " + problem
          : ended         ? describe(d, "cuStreamEndCapture", ended)
          : failedInside ? recorded
                          : "cuStreamEndCapture returned no graph";
    if (captured)
      d.cuGraphDestroy(captured);
    return false;
  }
  CUresult instantiated = d.cuGraphInstantiateWithFlags(&graph, captured, 0);
  d.cuGraphDestroy(captured);
  if (instantiated) {
    graph = nullptr;
    why = describe(d, "cuGraphInstantiateWithFlags", instantiated);
    return false;
  }
  graphState.captured = true;
  graphState.capturedRunSet = executor.runsCreated();
  return true;
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

CUstream CudaModel::threadStream() {
  if (!perThreadStreams)
    return nullptr;
  std::lock_guard<std::mutex> lock(streamsMutex);
  CUstream &s = streams[std::this_thread::get_id()];
  if (!s)
    if (CUresult r = d.cuStreamCreate(&s, kStreamNonBlocking)) {
      recordError("cuStreamCreate", r);
      s = nullptr; // the node falls back to the legacy default stream
    }
  return s;
}

void CudaModel::synchronize(CUstream s, const char *what) {
  if (CUresult r = d.cuStreamSynchronize(s))
    recordError(describe(d, "cuStreamSynchronize", r) + " after " + what);
}

void CudaModel::runGpuNode(dlc_cpu_fn launcher, void **args) {
  CUstream s = threadStream();
  if (!s) {
    launcher(args);
    return;
  }
  setLaunchStream(s);
  launcher(args);
  setLaunchStream(nullptr);
  synchronize(s, "a GPU node");
}

void CudaModel::copy(void *dst, bool dstOnDevice, const void *src, bool srcOnDevice,
                     uint64_t bytes) {
  if (CUstream s = threadStream(); s && (dstOnDevice || srcOnDevice)) {
    // Mixed plans: on this thread's stream, complete before returning (a
    // synchronous pageable HtoD copy may return before its DMA finishes,
    // which only the legacy stream's own kernels would wait for).
    CUresult r = dstOnDevice && srcOnDevice ? d.cuMemcpyDtoDAsync(dptr(dst), dptr(src), bytes, s)
                 : dstOnDevice            ? d.cuMemcpyHtoDAsync(dptr(dst), src, bytes, s)
                                          : d.cuMemcpyDtoHAsync(dst, dptr(src), bytes, s);
    if (r)
      recordError("cuMemcpyAsync", r);
    synchronize(s, "a copy");
    return;
  }
  if (CUstream s = launchStream(); s && dstOnDevice && srcOnDevice) {
    // Being captured (all-CUDA plans): stream-ordered like the kernels.
    if (CUresult r = d.cuMemcpyDtoDAsync(dptr(dst), dptr(src), bytes, s))
      recordError("cuMemcpyDtoDAsync", r);
    return;
  }
  // The synchronous copies: complete on return, as the executor needs.
  if (dstOnDevice && srcOnDevice) {
    if (CUresult r = d.cuMemcpyDtoD(dptr(dst), dptr(src), bytes))
      recordError("cuMemcpyDtoD", r);
  } else if (dstOnDevice) {
    if (CUresult r = d.cuMemcpyHtoD(dptr(dst), src, bytes))
      recordError("cuMemcpyHtoD", r);
  } else if (srcOnDevice) {
    if (CUresult r = d.cuMemcpyDtoH(dst, dptr(src), bytes))
      recordError("cuMemcpyDtoH", r);
  } else {
    std::memmove(dst, src, bytes);
  }
}

dlc_status CudaModel::runMixed(Executor &executor, const std::vector<void *> &inputs,
                               const std::vector<void *> &outputs, NodeTiming *timings,
                               dlc_error **error) {
  std::string message;
  if (!makeCurrent(message)) // pool workers make it current in the wrappers
    return fail(error, DLC_UNSUPPORTED, message);
  std::string problem;
  if (dlc_status s = executor.run(inputs.data(), outputs.data(), timings, problem)) {
    if (s == DLC_OUT_OF_MEMORY && takeError(message)) // a device arena, not the host's
      problem = "CUDA: " + message;
    return fail(error, s, problem);
  }
  if (takeError(message))
    return fail(error, DLC_DEVICE_ERROR, "CUDA: " + message);
  return ok(error);
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
  GraphStep step = nextGraphStep(graphState, timings != nullptr, executor.runsCreated());
  if (step == GraphStep::Capture) {
    std::string why;
    step = capture(executor, why) ? GraphStep::Replay : GraphStep::Direct;
    if (step == GraphStep::Direct) {
      graphState.failed = true; // not retried: it would fail the same way
      std::fprintf(stderr, "dlc: CUDA graph capture failed, running without graphs: %s\n",
                   why.c_str());
    }
  }
  if (step == GraphStep::Replay) {
    // Inputs, the whole plan and outputs in order on the model's stream.
    for (size_t i = 0; i < inputs.size(); ++i)
      if (inputInfo[i].bytes)
        if (CUresult r = d.cuMemcpyHtoDAsync(dptr(deviceInputs[i]), inputs[i],
                                             inputInfo[i].bytes, stream))
          recordError("cuMemcpyHtoDAsync", r);
    if (CUresult r = d.cuGraphLaunch(graph, stream))
      recordError("cuGraphLaunch", r);
    for (size_t i = 0; i < outputs.size(); ++i)
      if (outputInfo[i].bytes)
        if (CUresult r = d.cuMemcpyDtoHAsync(outputs[i], dptr(deviceOutputs[i]),
                                             outputInfo[i].bytes, stream))
          recordError("cuMemcpyDtoHAsync", r);
    if (CUresult r = d.cuStreamSynchronize(stream))
      recordError("cuStreamSynchronize", r);
  } else {
    for (size_t i = 0; i < inputs.size(); ++i)
      if (inputInfo[i].bytes)
        if (CUresult r = d.cuMemcpyHtoD(dptr(deviceInputs[i]), inputs[i], inputInfo[i].bytes))
          recordError("cuMemcpyHtoD", r);
    std::string problem;
    if (dlc_status s = executor.run(deviceInputs.data(), deviceOutputs.data(), timings, problem)) {
      if (s == DLC_OUT_OF_MEMORY && takeError(message)) // a device arena, not the host's
        problem = "CUDA: " + message;
      return fail(error, s, problem);
    }
    if (CUresult r = d.cuCtxSynchronize())
      recordError("cuCtxSynchronize", r);
    for (size_t i = 0; i < outputs.size(); ++i)
      if (outputInfo[i].bytes)
        if (CUresult r = d.cuMemcpyDtoH(outputs[i], dptr(deviceOutputs[i]), outputInfo[i].bytes))
          recordError("cuMemcpyDtoH", r);
    ++graphState.directRuns;
  }
  if (takeError(message))
    return fail(error, DLC_DEVICE_ERROR, "CUDA: " + message);
  return ok(error);
}
