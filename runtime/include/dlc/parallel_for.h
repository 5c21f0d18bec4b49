/* dlc_rt_parallel_for: how generated kernels use the run's threads.
 *
 * `dlc-parallelize-kernels` outlines each large loop nest of a kernel into a
 * body over a range of its split dimension and calls dlc_rt_parallel_for
 * instead of running the nest; libdlcrt implements the call. It is also a
 * small C API for hand-written kernels linked into a model.
 */
#ifndef DLC_PARALLEL_FOR_H
#define DLC_PARALLEL_FOR_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Runs the iterations [begin, end) of a loop nest's split dimension. */
typedef void (*dlc_parallel_body)(int64_t begin, int64_t end, void *context);

/* Calls `body` on disjoint ranges that together cover [0, count), possibly
 * on several threads at once, and returns when every call has returned.
 * Inside a model run the threads are the run's (dlc_rt_kernel_threads:
 * the kernel holds them until it returns); with one thread, outside a run
 * or when count < 2 it is body(0, count, context) on the calling thread.
 * When the model also calls oneDNN, the threads are OpenMP's, the team
 * oneDNN uses (no second set of busy threads); otherwise the model's
 * helper threads (started on first use) help the calling thread. Thread-safety: any number of runs
 * may call it at once; `body` must not call it again (nested calls run
 * serially) and must not fail. Ownership: context stays the caller's. */
void dlc_rt_parallel_for(int64_t count, dlc_parallel_body body, void *context);

/* The OpenMP implementation (libdlc_dnnl, linked with models that call
 * oneDNN); dlc_rt_parallel_for uses it when it is linked in. Runs body on
 * `threads` OpenMP threads, one contiguous range each. */
void dlc_openmp_parallel_for(int64_t count, dlc_parallel_body body, void *context,
                             uint32_t threads);

#ifdef __cplusplus
}
#endif

#endif
