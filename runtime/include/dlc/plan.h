/* dlc plan ABI: the contract between the compiler and libdlcrt.
 *
 * A compiled model is a `dlc_model_image`: a flat, position-independent plan
 * blob (all references are byte offsets or indices, never pointers, so it can
 * live in .rodata or be memory-mapped) plus a table of kernel entry points.
 *
 * Blob layout (little-endian, every table 8-byte aligned):
 *   dlc_plan_header
 *   dlc_plan_tensor[num_tensors]
 *   dlc_plan_node[num_nodes]
 *   dlc_plan_entry[num_entries]
 *   uint32_t indices[num_indices]   node args, deps, entry inputs/outputs
 *   char strings[strings_bytes]     NUL-terminated, referenced by offset
 *   weights[weights_bytes]          at weights_offset, 64-byte aligned
 *
 * The runtime validates every count, offset and index against the blob size
 * before it uses it (dlc_plan_validate in runtime/src/Plan.cpp).
 */
#ifndef DLC_PLAN_H
#define DLC_PLAN_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DLC_PLAN_MAGIC 0x4e4c5044u /* "DPLN" */
#define DLC_PLAN_VERSION 1u
#define DLC_MAX_RANK 8u
#define DLC_ARENA_ALIGNMENT 64u

/* Element types use the ONNX TensorProto.DataType numbering. */
typedef enum dlc_dtype {
  DLC_DTYPE_UNDEFINED = 0,
  DLC_DTYPE_FLOAT32 = 1,
  DLC_DTYPE_UINT8 = 2,
  DLC_DTYPE_INT8 = 3,
  DLC_DTYPE_UINT16 = 4,
  DLC_DTYPE_INT16 = 5,
  DLC_DTYPE_INT32 = 6,
  DLC_DTYPE_INT64 = 7,
  DLC_DTYPE_BOOL = 9,
  DLC_DTYPE_FLOAT16 = 10,
  DLC_DTYPE_FLOAT64 = 11,
  DLC_DTYPE_UINT32 = 12,
  DLC_DTYPE_UINT64 = 13,
  DLC_DTYPE_BFLOAT16 = 16
} dlc_dtype;

/* Where a tensor's bytes live during a run. */
typedef enum dlc_storage {
  DLC_STORAGE_ARENA = 0,  /* offset into the per-run arena of its device */
  DLC_STORAGE_WEIGHT = 1, /* offset into the blob's weights section (read-only) */
  DLC_STORAGE_INPUT = 2,  /* offset = index of the entry's input binding */
  DLC_STORAGE_OUTPUT = 3  /* offset = index of the entry's output binding */
} dlc_storage;

typedef enum dlc_node_kind {
  DLC_NODE_CPU_FN = 0,       /* kernels[kernel](args) on a CPU thread */
  DLC_NODE_GPU_KERNEL = 1,   /* reserved: CUDA target */
  DLC_NODE_LIBRARY_CALL = 2, /* reserved: cuBLASLt/cuDNN/oneDNN */
  DLC_NODE_COPY = 3          /* memcpy(output0, input0, bytes of output0) */
} dlc_node_kind;

typedef enum dlc_device_kind { DLC_DEVICE_CPU = 0, DLC_DEVICE_CUDA = 1 } dlc_device_kind;

typedef struct dlc_plan_header {
  uint32_t magic;   /* DLC_PLAN_MAGIC */
  uint32_t version; /* DLC_PLAN_VERSION */
  uint64_t blob_bytes;
  uint32_t num_tensors, num_nodes, num_entries, num_indices;
  uint64_t tensors_offset, nodes_offset, entries_offset, indices_offset;
  uint64_t strings_offset, strings_bytes;
  uint64_t weights_offset, weights_bytes;
  uint64_t arena_bytes; /* CPU arena size; every ARENA tensor fits inside */
  uint32_t num_kernels; /* size of the image's kernel table */
  uint32_t model_name;  /* string offset */
} dlc_plan_header;

typedef struct dlc_plan_tensor {
  uint32_t name;    /* string offset (the ONNX value name) */
  int32_t dtype;    /* dlc_dtype */
  uint32_t storage; /* dlc_storage */
  uint32_t rank;    /* <= DLC_MAX_RANK */
  int64_t shape[DLC_MAX_RANK];
  uint64_t offset; /* meaning depends on storage */
  uint64_t bytes;  /* product(shape) * element size */
  uint32_t device; /* index of the device; 0 = CPU */
  uint32_t reserved;
} dlc_plan_tensor;

typedef struct dlc_plan_node {
  uint32_t kind;        /* dlc_node_kind */
  uint32_t device;      /* 0 = CPU */
  uint32_t kernel;      /* index into the image's kernel table (CPU_FN) */
  uint32_t name;        /* string offset: ONNX node name(s) it implements */
  uint32_t op;          /* string offset: dlc op name, e.g. "dlc.conv" */
  uint32_t args;        /* index of first arg in indices[]: inputs then outputs */
  uint32_t num_inputs;  /* tensor ids */
  uint32_t num_outputs; /* tensor ids */
  uint32_t deps;        /* index of first dependency in indices[] (node ids) */
  uint32_t num_deps;    /* nodes that must finish before this one starts */
} dlc_plan_node;

typedef struct dlc_plan_entry {
  uint32_t name;        /* string offset: "inference" (train_step reserved) */
  uint32_t inputs;      /* index in indices[] of input tensor ids */
  uint32_t num_inputs;
  uint32_t outputs;     /* index in indices[] of output tensor ids */
  uint32_t num_outputs;
  uint32_t first_node;  /* the entry runs nodes [first_node, first_node+num_nodes) */
  uint32_t num_nodes;
  uint32_t reserved;
} dlc_plan_entry;

/* A CPU kernel: args[i] points at the i-th tensor of the node (inputs then
 * outputs), each dense row-major with the tensor's static shape. */
typedef void (*dlc_cpu_fn)(void *const *args);

#define DLC_IMAGE_ABI_VERSION 1u

/* What the compiler emits into every artefact (executable, shared library,
 * object) under the symbol DLC_MODEL_IMAGE_SYMBOL. Libraries are linked with
 * -Bsymbolic so several models can be dlopen()ed into one process. */
#define DLC_MODEL_IMAGE_SYMBOL "dlc_model_image_v1"
/* A model's kernels call back into the runtime linked into their own
 * artefact (dlc_rt_kernel_threads, dlc_rt_parallel_for, dlc_rt_kernel_failed:
 * thread-local state of the run). A runtime in another binary that runs the
 * image directly gives every kernel one thread and loses kernel failures, so
 * shared libraries also export `int DLC_MODEL_CLI_SYMBOL(int argc, char
 * **argv)`: dlc_cli_run on the image with the library's own runtime (what
 * dlc-run calls). */
#define DLC_MODEL_CLI_SYMBOL "dlc_model_cli_main_v1"
typedef struct dlc_model_image {
  uint32_t abi_version; /* DLC_IMAGE_ABI_VERSION */
  uint32_t num_kernels;
  const uint8_t *plan; /* 64-byte aligned blob */
  uint64_t plan_bytes;
  const dlc_cpu_fn *kernels;
} dlc_model_image;

#ifdef __cplusplus
}
#endif

#endif /* DLC_PLAN_H */
