/* The C API of a model library's own runtime (`dlc --emit=lib`).
 *
 * A model library links its own copy of libdlcrt, and its kernels call back
 * into that copy (thread count, parallel loops, failure reports: dlc/plan.h).
 * A program that dlopen()s a library runs the model with the library's
 * functions (a libdlcrt of the program's own, given the library's image,
 * forwards the model to them: dlc/runtime.h, dlc_model_create).
 * dlc_model_library_open loads a library and looks those functions up; call
 * them through the table, e.g.
 *
 *   dlc_model_library lib;
 *   const char *problem = dlc_model_library_open("libresnet.so", &lib);
 *   if (problem) { fprintf(stderr, "%s\n", problem); return 1; }
 *   dlc_model *model;
 *   dlc_error *error;
 *   if (lib.dlc_model_create(lib.image, NULL, &model, &error) != DLC_OK) ...
 *   ... lib.dlc_model_run(model, ...) ... lib.dlc_model_free(model);
 *   dlc_model_library_close(&lib);
 *
 * Errors a table function returns are freed with lib.dlc_error_free.
 * Header-only (needs <dlfcn.h>; older glibc: link -ldl). Thread-safety: the
 * table is read-only after open; the functions keep their documented
 * guarantees (dlc/runtime.h). */
#ifndef DLC_MODEL_LIBRARY_H
#define DLC_MODEL_LIBRARY_H

#include "dlc/runtime.h"

#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DLC_MODEL_LIBRARY_FUNCTIONS(X)                                                            \
  X(dlc_error_message) X(dlc_error_status) X(dlc_error_free) X(dlc_model_options_init)            \
  X(dlc_model_create) X(dlc_model_free) X(dlc_model_name) X(dlc_model_num_inputs)                 \
  X(dlc_model_num_outputs) X(dlc_model_input_info) X(dlc_model_output_info)                       \
  X(dlc_model_find_input) X(dlc_model_find_output) X(dlc_model_run) X(dlc_model_run_profiled)

typedef struct dlc_model_library {
  void *handle;                 /* dlopen()'s; dlc_model_library_close releases it */
  const dlc_model_image *image; /* the library's DLC_MODEL_IMAGE_SYMBOL */
#define DLC_MODEL_LIBRARY_MEMBER(name) __typeof__(&name) name;
  DLC_MODEL_LIBRARY_FUNCTIONS(DLC_MODEL_LIBRARY_MEMBER)
#undef DLC_MODEL_LIBRARY_MEMBER
} dlc_model_library;

/* dlopen()s `path` (RTLD_NOW | RTLD_LOCAL) and fills *lib. Returns NULL on
 * success; else a message (dlerror()'s, or "<path>: not a dlc model library
 * (no <symbol>)", valid until the next dl* call of this thread) with the
 * library closed and *lib zeroed. */
static inline const char *dlc_model_library_open(const char *path, dlc_model_library *lib) {
  static __thread char message[512];
  memset(lib, 0, sizeof *lib);
  lib->handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!lib->handle)
    return dlerror();
  const char *missing = NULL;
  lib->image = (const dlc_model_image *)dlsym(lib->handle, DLC_MODEL_IMAGE_SYMBOL);
  if (!lib->image)
    missing = DLC_MODEL_IMAGE_SYMBOL;
#define DLC_MODEL_LIBRARY_LOOKUP(name)                                                            \
  if (!missing && !(*(void **)&lib->name = dlsym(lib->handle, #name)))                            \
    missing = #name;
  DLC_MODEL_LIBRARY_FUNCTIONS(DLC_MODEL_LIBRARY_LOOKUP)
#undef DLC_MODEL_LIBRARY_LOOKUP
  if (!missing)
    return NULL;
  dlclose(lib->handle);
  memset(lib, 0, sizeof *lib);
  snprintf(message, sizeof message, "%s: not a dlc model library (no %s)", path, missing);
  return message;
}

/* Closes the library (no model of it may be alive); a zeroed table is ignored. */
static inline void dlc_model_library_close(dlc_model_library *lib) {
  if (lib->handle)
    dlclose(lib->handle);
  memset(lib, 0, sizeof *lib);
}

#ifdef __cplusplus
}
#endif

#endif
