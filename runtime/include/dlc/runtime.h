/* libdlcrt: load a compiled dlc model and run it.
 *
 * Conventions of this C API
 * - Every handle is opaque. Functions that can fail return dlc_status and,
 *   when `error` is not NULL, store a dlc_error the caller owns and must
 *   release with dlc_error_free(). On success *error is set to NULL.
 * - No C++ exception ever crosses this API.
 * - Thread safety is stated per function. A dlc_model may be run from any
 *   number of threads at once: each run takes its own arena.
 */
#ifndef DLC_RUNTIME_H
#define DLC_RUNTIME_H

#include "dlc/plan.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum dlc_status {
  DLC_OK = 0,
  DLC_INVALID_ARGUMENT = 1, /* wrong input count/dtype/shape, NULL pointer... */
  DLC_INVALID_PLAN = 2,     /* the model image failed validation */
  DLC_OUT_OF_MEMORY = 3,
  DLC_IO_ERROR = 4,
  DLC_UNSUPPORTED = 5, /* e.g. a GPU node in a CPU-only runtime */
  DLC_INTERNAL = 6
} dlc_status;

typedef struct dlc_model dlc_model;
typedef struct dlc_error dlc_error;

/* A caller-owned buffer: dense, row-major, `rank` dims in `shape`. */
typedef struct dlc_tensor_view {
  void *data;
  int32_t dtype; /* dlc_dtype */
  uint32_t rank;
  const int64_t *shape;
} dlc_tensor_view;

/* Description of a model input or output; pointers owned by the model and
 * valid until dlc_model_free(). */
typedef struct dlc_tensor_info {
  const char *name;
  int32_t dtype;
  uint32_t rank;
  const int64_t *shape;
  uint64_t bytes;
} dlc_tensor_info;

typedef struct dlc_model_options {
  /* Worker threads for independent nodes; 0 = one per core (at most 8),
   * 1 = run nodes serially on the calling thread. */
  uint32_t num_threads;
} dlc_model_options;

/* Message of an error; owned by the error. Thread-safe on distinct errors. */
const char *dlc_error_message(const dlc_error *error);
/* Status that produced the error. */
dlc_status dlc_error_status(const dlc_error *error);
/* Releases an error; NULL is ignored. */
void dlc_error_free(dlc_error *error);

/* Default options. Thread-safe. */
void dlc_model_options_init(dlc_model_options *options);

/* Validates `image` (every offset and index is bounds-checked) and creates a
 * model. `image` must outlive the model (it is usually static data in the
 * compiled artefact). `options` may be NULL. On success the caller owns
 * *model and releases it with dlc_model_free(). Thread-safe. */
dlc_status dlc_model_create(const dlc_model_image *image, const dlc_model_options *options,
                            dlc_model **model, dlc_error **error);

/* Releases a model; NULL is ignored. Not thread-safe with runs of the same
 * model: no run may be in flight. */
void dlc_model_free(dlc_model *model);

/* Inputs and outputs of the inference entry. Thread-safe. */
uint32_t dlc_model_num_inputs(const dlc_model *model);
uint32_t dlc_model_num_outputs(const dlc_model *model);
dlc_status dlc_model_input_info(const dlc_model *model, uint32_t index, dlc_tensor_info *info,
                                dlc_error **error);
dlc_status dlc_model_output_info(const dlc_model *model, uint32_t index, dlc_tensor_info *info,
                                 dlc_error **error);
/* Index of the input/output called `name`, or -1. Thread-safe. */
int32_t dlc_model_find_input(const dlc_model *model, const char *name);
int32_t dlc_model_find_output(const dlc_model *model, const char *name);

/* Runs the inference entry: reads `inputs` (in entry order), writes
 * `outputs`. Each view must match the model's dtype and shape exactly, else
 * DLC_INVALID_ARGUMENT with a message naming the tensor. Buffers stay owned
 * by the caller and must not overlap. Thread-safe: concurrent runs of one
 * model are allowed. */
dlc_status dlc_model_run(dlc_model *model, const dlc_tensor_view *inputs, size_t num_inputs,
                         const dlc_tensor_view *outputs, size_t num_outputs, dlc_error **error);

/* "float32", "int64", ...; "unknown" otherwise. Thread-safe. */
const char *dlc_dtype_name(int32_t dtype);
/* Bytes per element, 0 for unknown dtypes. Thread-safe. */
size_t dlc_dtype_size(int32_t dtype);

/* The `main` of compiled executables: the CLI of DESIGN.md (--data, --input,
 * --check, --output-dir, --bench, --threads, --print). Returns the exit code:
 * 0 success, 1 failure or mismatch, 2 usage error. */
int dlc_cli_main(const dlc_model_image *image, int argc, char **argv);

#ifdef __cplusplus
}
#endif

#endif /* DLC_RUNTIME_H */
