/* libdlcrt: load a compiled dlc model and run it on the CPU.
 *
 * Conventions of this C API
 * - Handles (dlc_model, dlc_error) are opaque.
 * - Functions that can fail return dlc_status. When `error` is not NULL they
 *   also store a new dlc_error in *error on failure (the caller owns it and
 *   releases it with dlc_error_free) and set *error to NULL on success.
 *   Passing error == NULL is allowed: only the status is reported then.
 * - No C++ exception ever crosses this API; bad input yields a status, never
 *   a crash (except pointers that are not NULL yet do not point at what the
 *   documentation asks for, which no C API can detect).
 * - Thread safety is stated on each function. In short: a dlc_model is
 *   immutable after creation; any number of threads may query and run it at
 *   once, because every run takes its own arena from a per-model pool.
 */
#ifndef DLC_RUNTIME_H
#define DLC_RUNTIME_H

#include "dlc/plan.h"

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define DLC_API __attribute__((visibility("default")))
#else
#define DLC_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef enum dlc_status {
  DLC_OK = 0,
  DLC_INVALID_ARGUMENT = 1, /* wrong input count/dtype/shape, NULL pointer, bad option */
  DLC_INVALID_PLAN = 2,     /* the model image failed validation */
  DLC_OUT_OF_MEMORY = 3,
  DLC_IO_ERROR = 4,         /* a file could not be read or written */
  DLC_UNSUPPORTED = 5,      /* e.g. a GPU node in this CPU-only runtime build */
  DLC_INTERNAL = 6,         /* a bug in libdlcrt */
  DLC_DEVICE_ERROR = 7      /* a GPU call failed (the message names it) */
} dlc_status;

typedef struct dlc_model dlc_model;
typedef struct dlc_error dlc_error;

/* A caller-owned buffer: dense, row-major, `rank` dims in `shape`. The view
 * borrows `data` and `shape`; both must stay valid for the call using it. */
typedef struct dlc_tensor_view {
  void *data;
  int32_t dtype; /* dlc_dtype */
  uint32_t rank;
  const int64_t *shape;
} dlc_tensor_view;

/* Description of a model input or output. Every pointer is owned by the
 * model and stays valid until dlc_model_free(). */
typedef struct dlc_tensor_info {
  const char *name;
  int32_t dtype; /* dlc_dtype */
  uint32_t rank;
  const int64_t *shape;
  uint64_t bytes; /* product(shape) * dlc_dtype_size(dtype) */
} dlc_tensor_info;

#define DLC_MAX_THREADS 256u

typedef struct dlc_model_options {
  /* Threads that execute the nodes of one run, the calling thread included:
   * 0 = one per core (at most 8), 1 = nodes run serially on the calling
   * thread, N > 1 = the caller plus N-1 pool workers owned by the model.
   * At most DLC_MAX_THREADS. */
  uint32_t num_threads;
  /* CUDA models (dlc --target=cuda) only; CPU and mixed models ignore it.
   * 0 = off: every run launches its kernels and synchronizes after each
   * kernel function. 1 = on: the first run goes as with 0; the next one is
   * captured on a stream into a CUDA graph, which that run and every later
   * one replays (one launch per run). Profiled runs never use the graph. If
   * capture fails (an old driver, an operation that cannot be captured) the
   * model falls back to 0 for good. Any other value: DLC_INVALID_ARGUMENT. */
  uint32_t cuda_graphs;
} dlc_model_options;

/* ---- Errors ------------------------------------------------------------ */

/* Message of `error` (NUL-terminated, owned by the error, valid until
 * dlc_error_free). A NULL error gives a generic message. Thread-safe. */
DLC_API const char *dlc_error_message(const dlc_error *error);
/* Status that produced `error`; DLC_INTERNAL for NULL. Thread-safe. */
DLC_API dlc_status dlc_error_status(const dlc_error *error);
/* Releases an error; NULL is ignored. Not thread-safe for the same error. */
DLC_API void dlc_error_free(dlc_error *error);
/* "OK", "INVALID_ARGUMENT", ...: a static string. Thread-safe. */
DLC_API const char *dlc_status_name(dlc_status status);

/* ---- Models ------------------------------------------------------------ */

/* Fills `options` with the defaults (num_threads = 0). NULL is ignored.
 * Thread-safe. */
DLC_API void dlc_model_options_init(dlc_model_options *options);

/* Validates `image` and creates a model that runs its first entry (the
 * inference function). Validation checks the magic, the version, every
 * count, offset and index against the blob size, tensor sizes against their
 * shapes, arena and weight ranges, node arguments, dependencies and kernel
 * indices, and that the strings are NUL-terminated: a corrupt image yields
 * DLC_INVALID_PLAN, never a crash. Nodes this build cannot run (GPU, library
 * calls) yield DLC_UNSUPPORTED.
 * `image` is borrowed and must outlive the model (it is normally static data
 * of the compiled artefact). `options` may be NULL (defaults). On success the
 * caller owns *model and releases it with dlc_model_free(); on failure *model
 * is NULL. An image inside a loaded model library that carries its own
 * runtime (`dlc --emit=lib`, whose kernels call that runtime back) is
 * created by that library's dlc_model_create, and every call on the returned
 * model is forwarded to it (the library stays loaded while the model lives).
 * Thread-safe. */
DLC_API dlc_status dlc_model_create(const dlc_model_image *image, const dlc_model_options *options,
                                    dlc_model **model, dlc_error **error);

/* Releases a model and joins its worker threads; NULL is ignored. No call on
 * the same model may be in flight or follow. */
DLC_API void dlc_model_free(dlc_model *model);

/* The model name recorded by the compiler (owned by the model; "" if none).
 * Thread-safe. */
DLC_API const char *dlc_model_name(const dlc_model *model);

/* Number of inputs/outputs of the entry; 0 for a NULL model. Thread-safe. */
DLC_API uint32_t dlc_model_num_inputs(const dlc_model *model);
DLC_API uint32_t dlc_model_num_outputs(const dlc_model *model);

/* Describes input/output `index` into *info (pointers owned by the model).
 * DLC_INVALID_ARGUMENT for a NULL model/info or an index out of range.
 * Thread-safe. */
DLC_API dlc_status dlc_model_input_info(const dlc_model *model, uint32_t index,
                                        dlc_tensor_info *info, dlc_error **error);
DLC_API dlc_status dlc_model_output_info(const dlc_model *model, uint32_t index,
                                         dlc_tensor_info *info, dlc_error **error);

/* Index of the input/output called `name` (the ONNX value name), or -1 when
 * there is none or an argument is NULL. Thread-safe. */
DLC_API int32_t dlc_model_find_input(const dlc_model *model, const char *name);
DLC_API int32_t dlc_model_find_output(const dlc_model *model, const char *name);

/* ---- Running ----------------------------------------------------------- */

/* Runs the entry: reads `inputs` (one view per input, in entry order, see
 * dlc_model_input_info) and writes `outputs` (likewise). The count, dtype,
 * rank and shape of every view must match exactly, else DLC_INVALID_ARGUMENT
 * with a message naming the tensor, e.g.
 *   input 'x': expected float32[1,3,224,224], got float32[1,3,224,225]
 * Output buffers must not overlap each other or any input (checked).
 * All buffers stay owned by the caller; the model keeps no pointer to them
 * after the call returns. DLC_OUT_OF_MEMORY when no arena can be allocated.
 * Thread-safe: any number of threads may run the same model concurrently
 * (each run uses its own arena; runs never share mutable state). */
DLC_API dlc_status dlc_model_run(dlc_model *model, const dlc_tensor_view *inputs,
                                 size_t num_inputs, const dlc_tensor_view *outputs,
                                 size_t num_outputs, dlc_error **error);

/* dlc_model_run that also records when each node ran, on which thread, and
 * writes the timeline to `trace_path` as a Chrome trace (JSON; open it in
 * chrome://tracing or ui.perfetto.dev). DLC_IO_ERROR when the file cannot be
 * written (the outputs are valid then). Thread-safe like dlc_model_run. */
DLC_API dlc_status dlc_model_run_profiled(dlc_model *model, const dlc_tensor_view *inputs,
                                          size_t num_inputs, const dlc_tensor_view *outputs,
                                          size_t num_outputs, const char *trace_path,
                                          dlc_error **error);

/* ---- Data types -------------------------------------------------------- */

/* "float32", "int64", ...; "unknown" otherwise (a static string).
 * Thread-safe. */
DLC_API const char *dlc_dtype_name(int32_t dtype);
/* Bytes per element, 0 for unknown dtypes (bool is one byte). Thread-safe. */
DLC_API size_t dlc_dtype_size(int32_t dtype);

/* ---- Command line ------------------------------------------------------ */

/* The `main` of compiled executables (and of dlc-run): the CLI contract of
 * DESIGN.md. `argv[0]` names the program; flags:
 *   --data DIR          inputs from DIR/input_N.pb (ONNX TensorProto), N in entry order
 *   --input NAME=FILE   one input from a .npy or .pb file (repeatable; overrides --data)
 *   --check             compare outputs with DIR/output_N.pb: |a-b| <= atol + rtol*|b|
 *   --rtol R, --atol A  tolerances of --check (defaults 1e-3, 1e-5)
 *   --output-dir D      write D/output_N.pb and D/output_N.npy
 *   --bench N           N timed runs after warm-up; prints median and p90 latency
 *   --threads T         dlc_model_options.num_threads
 *   --profile FILE      write a Chrome trace of one run
 *   --print             print a summary of every output
 *   --cuda-graphs on|off dlc_model_options.cuda_graphs
 * Inputs without a file get seeded random values (seed 42; floats uniform in
 * [-1, 1), integers in [0, 4), bools 0/1), and the outputs are then printed.
 * Returns the exit code: 0 success (and match), 1 error or mismatch,
 * 2 usage error. Messages go to stderr, results to stdout. `image` is
 * borrowed for the call. Thread-safe with respect to other calls (it keeps
 * no global state besides stdio). */
DLC_API int dlc_cli_main(const dlc_model_image *image, int argc, char **argv);

/* dlc_cli_main for a model that is not the process's own: never re-executes
 * the process (dlc_cli_main does once, to set OpenMP's spin policy before
 * libgomp starts, when the model calls oneDNN and the user set neither
 * OMP_WAIT_POLICY nor GOMP_SPINCOUNT). Model libraries export it bound to
 * their image (DLC_MODEL_CLI_SYMBOL in dlc/plan.h); a host that loads one
 * calls dlc_prefer_brief_openmp_spinning before dlopen() if it wants that. */
DLC_API int dlc_cli_run(const dlc_model_image *image, int argc, char **argv);

/* The OpenMP spin policy compiled executables choose for oneDNN's threads
 * (spin briefly, then sleep: docs/performance.md): sets OMP_WAIT_POLICY=active
 * and GOMP_SPINCOUNT=30000 in this process's environment unless either is
 * already set. Returns 1 when it set them, 0 otherwise. libgomp reads them
 * once, when it is loaded: call it before loading a model library. Not
 * thread-safe (setenv). */
DLC_API int dlc_prefer_brief_openmp_spinning(void);

/* The `main` of `dlc --train` executables (docs/training.md): trains the
 * step in `image`, starting from the initializers of the ONNX model
 * `onnx`/`onnx_size` (which --save rewrites with the learned weights).
 * Flags: --data train.npz (arrays x, y; required), --epochs N, --batch B
 * (must equal the compiled batch), --val val.npz, --save out.onnx,
 * --predictions preds.npy (outputs on the --val set, else --data, after
 * training), --seed S (shuffling), --threads T, --no-progress. Per epoch it
 * prints `epoch E/N: loss L [acc A] [val_loss L val_acc A] (Ts)` to stdout
 * and, on a terminal, a progress bar to stderr. Returns 0 on success, 1 on
 * an error (message on stderr; no partial --save/--predictions file), 2 on
 * a usage error. Both buffers are borrowed for the call. Thread-safe with
 * respect to other calls (no global state besides stdio). */
DLC_API int dlc_train_main(const dlc_model_image *image, const uint8_t *onnx, size_t onnx_size,
                           int argc, char **argv);

#ifdef __cplusplus
}
#endif

#endif /* DLC_RUNTIME_H */
