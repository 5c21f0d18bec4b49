// dlc_rt_parallel_for: generated kernels' loop nests on the run's threads.
//
// With oneDNN linked in, the threads are its OpenMP team (dlc_openmp_parallel_for
// in src/dnnl): they are still spinning from the last library call, and a
// second set of threads would compete with them for the cores. Otherwise the
// executor's helper threads join in: the caller and the helpers claim chunks
// from a shared counter, so a helper that starts late only finds less work,
// and the caller never waits for a helper to start.
#include "dlc/parallel_for.h"
#include "dlc/dnnl_kernels.h"

#include "Executor.h"
#include "ThreadPool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <new>

// Defined by libdlc_dnnl when the model links it (static linking: the object
// that holds the oneDNN kernels is in the image exactly when they are called).
extern "C" __attribute__((weak)) void dlc_openmp_parallel_for(int64_t count,
                                                               dlc_parallel_body body,
                                                               void *context, uint32_t threads);

namespace {
/// Chunks per thread: enough that the caller can take over a late helper's
/// share, few enough that claiming costs nothing next to a chunk.
constexpr int64_t kChunksPerThread = 4;

/// Set while this thread runs a body: a nested call runs serially (the
/// thread-locals of a helper describe no node).
thread_local bool insideBody = false;

/// One dlc_rt_parallel_for call on the pool, shared by the caller and its
/// helpers; whoever lets go last deletes it (a helper may start after the
/// caller returned).
struct Share {
  dlc_parallel_body body;
  void *context;
  int64_t count, chunk, chunks;
  std::atomic<int64_t> next{0};     // first unclaimed chunk
  std::atomic<int64_t> finished{0}; // chunks done
  std::atomic<uint32_t> references{1};
  std::mutex mutex;
  std::condition_variable done;
};

void runChunks(Share &share) {
  insideBody = true;
  for (;;) {
    int64_t c = share.next.fetch_add(1, std::memory_order_relaxed);
    if (c >= share.chunks)
      break;
    int64_t begin = c * share.chunk;
    share.body(begin, std::min(share.count, begin + share.chunk), share.context);
    // acq_rel: the caller, seeing the last chunk finished, sees its writes.
    if (share.finished.fetch_add(1, std::memory_order_acq_rel) + 1 == share.chunks) {
      std::lock_guard<std::mutex> lock(share.mutex);
      share.done.notify_all();
    }
  }
  insideBody = false;
}

void release(Share *share) {
  if (share->references.fetch_sub(1, std::memory_order_acq_rel) == 1)
    delete share;
}

void helpTask(void *share, uint32_t) {
  runChunks(*static_cast<Share *>(share));
  release(static_cast<Share *>(share));
}

void runOnPool(dlc::rt::ThreadPool &pool, uint32_t threads, int64_t count,
               dlc_parallel_body body, void *context) {
  int64_t chunks = std::min<int64_t>(count, int64_t(threads) * kChunksPerThread);
  int64_t chunk = (count + chunks - 1) / chunks;
  Share *share = new (std::nothrow) Share;
  if (!share)
    return body(0, count, context); // slower, still correct
  share->body = body;
  share->context = context;
  share->count = count;
  share->chunk = chunk;
  share->chunks = (count + chunk - 1) / chunk;
  for (uint32_t h = 1; h < threads; ++h) {
    share->references.fetch_add(1, std::memory_order_relaxed);
    try {
      pool.submit(dlc::rt::Task{&helpTask, share, 0});
    } catch (...) { // the queue could not grow: fewer helpers
      share->references.fetch_sub(1, std::memory_order_relaxed);
    }
  }
  runChunks(*share);
  if (share->finished.load(std::memory_order_acquire) != share->chunks) {
    std::unique_lock<std::mutex> lock(share->mutex);
    share->done.wait(lock, [&] {
      return share->finished.load(std::memory_order_acquire) == share->chunks;
    });
  }
  release(share);
}
} // namespace

extern "C" void dlc_rt_parallel_for(int64_t count, dlc_parallel_body body, void *context) {
  if (count <= 0)
    return;
  // Asking for threads reserves the run's team for this kernel.
  uint32_t threads = count > 1 && !insideBody ? dlc_rt_kernel_threads() : 1;
  if (threads > 1 && dlc_openmp_parallel_for)
    return dlc_openmp_parallel_for(count, body, context, threads);
  // Started on first use: models that call oneDNN never start them.
  dlc::rt::ThreadPool *helpers = threads > 1 ? dlc::rt::currentKernelHelpers() : nullptr;
  if (helpers)
    runOnPool(*helpers, threads, count, body, context);
  else
    body(0, count, context);
}
