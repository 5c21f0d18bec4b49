// dlc_model: a validated plan plus the executor that runs it.
//
// A run resolves every tensor to a pointer (arena, weights, or the caller's
// buffers), then executes the entry's nodes. With one thread nodes run in
// plan order on the caller's thread; otherwise each node waits for its
// dependency count to reach zero and runs on the pool, so independent
// branches overlap. Arenas come from a per-model free list, which is what
// makes concurrent runs of one model safe.
#include "Error.h"
#include "PlanView.h"
#include "ThreadPool.h"

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <vector>

using namespace dlc::rt;

struct dlc_model {
  const dlc_model_image *image;
  PlanView plan;
  const dlc_plan_entry *entry;
  std::vector<dlc_tensor_info> inputs, outputs;
  std::vector<std::vector<uint32_t>> successors; // per node
  std::unique_ptr<ThreadPool> pool;              // null: serial execution

  std::mutex arenaMutex;
  std::vector<void *> freeArenas;

  dlc_model(const dlc_model_image *image, PlanView plan) : image(image), plan(plan) {}
  ~dlc_model() {
    pool.reset();
    for (void *arena : freeArenas)
      std::free(arena);
  }
};

namespace {

std::string shapeString(int32_t dtype, uint32_t rank, const int64_t *shape) {
  std::string s = std::string(dlc_dtype_name(dtype)) + "[";
  for (uint32_t i = 0; i < rank; ++i)
    s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

dlc_tensor_info describe(const PlanView &plan, uint32_t tensorId) {
  const dlc_plan_tensor &t = plan.tensor(tensorId);
  return dlc_tensor_info{plan.string(t.name), t.dtype, t.rank, t.shape, t.bytes};
}

uint64_t arenaSize(const dlc_model &m) {
  uint64_t bytes = m.plan.header().arena_bytes;
  return (bytes + DLC_ARENA_ALIGNMENT - 1) / DLC_ARENA_ALIGNMENT * DLC_ARENA_ALIGNMENT;
}

void *acquireArena(dlc_model &m) {
  {
    std::lock_guard<std::mutex> lock(m.arenaMutex);
    if (!m.freeArenas.empty()) {
      void *arena = m.freeArenas.back();
      m.freeArenas.pop_back();
      return arena;
    }
  }
  return std::aligned_alloc(DLC_ARENA_ALIGNMENT, arenaSize(m));
}

void releaseArena(dlc_model &m, void *arena) {
  std::lock_guard<std::mutex> lock(m.arenaMutex);
  m.freeArenas.push_back(arena);
}

dlc_status checkViews(const std::vector<dlc_tensor_info> &expected, const dlc_tensor_view *views,
                      size_t count, const char *kind, dlc_error **error) {
  if (count != expected.size())
    return fail(error, DLC_INVALID_ARGUMENT,
                "expected " + std::to_string(expected.size()) + " " + kind + "s, got " +
                    std::to_string(count));
  if (count && !views)
    return fail(error, DLC_INVALID_ARGUMENT, std::string(kind) + " array is NULL");
  for (size_t i = 0; i < count; ++i) {
    const dlc_tensor_info &want = expected[i];
    const dlc_tensor_view &got = views[i];
    bool sameShape = got.dtype == want.dtype && got.rank == want.rank &&
                     (got.rank == 0 || (got.shape && std::memcmp(got.shape, want.shape,
                                                                 got.rank * sizeof(int64_t)) == 0));
    if (!sameShape)
      return fail(error, DLC_INVALID_ARGUMENT,
                  std::string(kind) + " '" + want.name + "': expected " +
                      shapeString(want.dtype, want.rank, want.shape) + ", got " +
                      (got.rank && !got.shape ? std::string("no shape")
                                              : shapeString(got.dtype, got.rank, got.shape)));
    if (!got.data && want.bytes)
      return fail(error, DLC_INVALID_ARGUMENT,
                  std::string(kind) + " '" + want.name + "': data is NULL");
  }
  return DLC_OK;
}

/// State of one run shared by the pool workers executing its nodes.
struct RunContext {
  dlc_model &model;
  std::vector<void *> pointers; // per tensor
  std::unique_ptr<std::atomic<uint32_t>[]> pending;
  std::atomic<uint32_t> remaining{0};
  std::mutex doneMutex;
  std::condition_variable done;
  bool finished = false; // guarded by doneMutex: set by the last node
  std::atomic<bool> unsupported{false};
  explicit RunContext(dlc_model &m) : model(m) {}
};

void runNode(RunContext &ctx, uint32_t id) {
  const PlanView &plan = ctx.model.plan;
  const dlc_plan_node &node = plan.node(id);
  uint32_t numArgs = node.num_inputs + node.num_outputs;
  void *stackArgs[16];
  std::vector<void *> heapArgs;
  void **args = stackArgs;
  if (numArgs > 16) {
    heapArgs.resize(numArgs);
    args = heapArgs.data();
  }
  for (uint32_t a = 0; a < numArgs; ++a)
    args[a] = ctx.pointers[plan.index(node.args + a)];
  switch (node.kind) {
  case DLC_NODE_CPU_FN:
    ctx.model.image->kernels[node.kernel](args);
    break;
  case DLC_NODE_COPY: {
    uint64_t bytes = plan.tensor(plan.index(node.args + 1)).bytes;
    if (bytes && args[0] != args[1])
      std::memmove(args[1], args[0], bytes);
    break;
  }
  default:
    ctx.unsupported = true;
  }
}

void runParallel(RunContext &ctx, uint32_t id) {
  runNode(ctx, id);
  for (uint32_t next : ctx.model.successors[id])
    if (ctx.pending[next].fetch_sub(1) == 1)
      ctx.model.pool->submit([&ctx, next] { runParallel(ctx, next); });
  // Only the flag, set under the lock, releases the waiting caller, so no
  // worker touches ctx after the caller may have returned.
  if (ctx.remaining.fetch_sub(1) == 1) {
    std::lock_guard<std::mutex> lock(ctx.doneMutex);
    ctx.finished = true;
    ctx.done.notify_all();
  }
}

void execute(RunContext &ctx) {
  dlc_model &m = ctx.model;
  const dlc_plan_entry &e = *m.entry;
  if (!m.pool) {
    for (uint32_t n = e.first_node; n < e.first_node + e.num_nodes; ++n)
      runNode(ctx, n);
    return;
  }
  ctx.pending.reset(new std::atomic<uint32_t>[m.plan.header().num_nodes]);
  for (uint32_t n = e.first_node; n < e.first_node + e.num_nodes; ++n)
    ctx.pending[n] = m.plan.node(n).num_deps;
  if (e.num_nodes == 0)
    return;
  ctx.remaining = e.num_nodes;
  for (uint32_t n = e.first_node; n < e.first_node + e.num_nodes; ++n)
    if (m.plan.node(n).num_deps == 0)
      m.pool->submit([&ctx, n] { runParallel(ctx, n); });
  std::unique_lock<std::mutex> lock(ctx.doneMutex);
  ctx.done.wait(lock, [&] { return ctx.finished; });
}

dlc_status createModel(const dlc_model_image *image, const dlc_model_options *options,
                       dlc_model **out, dlc_error **error) {
  if (!out)
    return fail(error, DLC_INVALID_ARGUMENT, "model output pointer is NULL");
  *out = nullptr;
  if (!image)
    return fail(error, DLC_INVALID_ARGUMENT, "model image is NULL");
  if (image->abi_version != DLC_IMAGE_ABI_VERSION)
    return fail(error, DLC_INVALID_PLAN,
                "model image ABI " + std::to_string(image->abi_version) + " is not supported (" +
                    std::to_string(DLC_IMAGE_ABI_VERSION) + " expected)");
  if (image->num_kernels && !image->kernels)
    return fail(error, DLC_INVALID_PLAN, "model image has no kernel table");
  PlanView plan(image->plan, image->plan_bytes);
  if (std::string problem = plan.validate(image->num_kernels); !problem.empty())
    return fail(error, DLC_INVALID_PLAN, "invalid plan: " + problem);

  auto model = std::make_unique<dlc_model>(image, plan);
  model->entry = &plan.entry(0);
  for (uint32_t i = 0; i < model->entry->num_inputs; ++i)
    model->inputs.push_back(describe(plan, plan.index(model->entry->inputs + i)));
  for (uint32_t i = 0; i < model->entry->num_outputs; ++i)
    model->outputs.push_back(describe(plan, plan.index(model->entry->outputs + i)));
  model->successors.resize(plan.header().num_nodes);
  for (uint32_t n = 0; n < plan.header().num_nodes; ++n) {
    const dlc_plan_node &node = plan.node(n);
    for (uint32_t d = 0; d < node.num_deps; ++d)
      model->successors[plan.index(node.deps + d)].push_back(n);
  }
  for (uint32_t n = model->entry->first_node; n < model->entry->first_node + model->entry->num_nodes; ++n) {
    uint32_t kind = plan.node(n).kind;
    if (kind != DLC_NODE_CPU_FN && kind != DLC_NODE_COPY)
      return fail(error, DLC_UNSUPPORTED,
                  std::string("node '") + plan.string(plan.node(n).name) +
                      "' needs a GPU or library runtime, which this build of libdlcrt lacks");
  }
  dlc_model_options defaults;
  dlc_model_options_init(&defaults);
  unsigned threads = (options ? options : &defaults)->num_threads;
  if (threads == 0)
    threads = std::max(1u, std::min(8u, std::thread::hardware_concurrency()));
  if (threads > 1)
    model->pool = std::make_unique<ThreadPool>(threads);
  *out = model.release();
  return ok(error);
}

dlc_status runModel(dlc_model *m, const dlc_tensor_view *inputs, size_t numInputs,
                    const dlc_tensor_view *outputs, size_t numOutputs, dlc_error **error) {
  if (!m)
    return fail(error, DLC_INVALID_ARGUMENT, "model is NULL");
  if (dlc_status s = checkViews(m->inputs, inputs, numInputs, "input", error))
    return s;
  if (dlc_status s = checkViews(m->outputs, outputs, numOutputs, "output", error))
    return s;
  void *arena = nullptr;
  if (arenaSize(*m) && !(arena = acquireArena(*m)))
    return fail(error, DLC_OUT_OF_MEMORY,
                "cannot allocate the " + std::to_string(arenaSize(*m)) + "-byte arena");
  RunContext ctx(*m);
  const PlanView &plan = m->plan;
  ctx.pointers.resize(plan.header().num_tensors);
  for (uint32_t t = 0; t < plan.header().num_tensors; ++t) {
    const dlc_plan_tensor &tensor = plan.tensor(t);
    switch (tensor.storage) {
    case DLC_STORAGE_ARENA: ctx.pointers[t] = static_cast<uint8_t *>(arena) + tensor.offset; break;
    case DLC_STORAGE_WEIGHT: ctx.pointers[t] = const_cast<uint8_t *>(plan.weights()) + tensor.offset; break;
    case DLC_STORAGE_INPUT: ctx.pointers[t] = inputs[tensor.offset].data; break;
    case DLC_STORAGE_OUTPUT: ctx.pointers[t] = outputs[tensor.offset].data; break;
    }
  }
  execute(ctx);
  if (arena)
    releaseArena(*m, arena);
  if (ctx.unsupported)
    return fail(error, DLC_UNSUPPORTED, "the plan has a node kind this runtime cannot run");
  return ok(error);
}

template <typename Fn> dlc_status guarded(dlc_error **error, Fn fn) {
  try {
    return fn();
  } catch (const std::bad_alloc &) {
    return fail(error, DLC_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception &e) {
    return fail(error, DLC_INTERNAL, std::string("internal error: ") + e.what());
  } catch (...) {
    return fail(error, DLC_INTERNAL, "internal error");
  }
}

dlc_status info(const std::vector<dlc_tensor_info> &list, uint32_t index, dlc_tensor_info *out,
                const char *kind, dlc_error **error) {
  if (!out)
    return fail(error, DLC_INVALID_ARGUMENT, "info output pointer is NULL");
  if (index >= list.size())
    return fail(error, DLC_INVALID_ARGUMENT,
                std::string(kind) + " index " + std::to_string(index) + " out of range (" +
                    std::to_string(list.size()) + " " + kind + "s)");
  *out = list[index];
  return ok(error);
}

int32_t find(const std::vector<dlc_tensor_info> &list, const char *name) {
  if (!name)
    return -1;
  for (size_t i = 0; i < list.size(); ++i)
    if (std::strcmp(list[i].name, name) == 0)
      return int32_t(i);
  return -1;
}
} // namespace

extern "C" {

void dlc_model_options_init(dlc_model_options *options) {
  if (options)
    options->num_threads = 0;
}

dlc_status dlc_model_create(const dlc_model_image *image, const dlc_model_options *options,
                            dlc_model **model, dlc_error **error) {
  return guarded(error, [&] { return createModel(image, options, model, error); });
}

void dlc_model_free(dlc_model *model) { delete model; }

uint32_t dlc_model_num_inputs(const dlc_model *m) { return m ? m->inputs.size() : 0; }
uint32_t dlc_model_num_outputs(const dlc_model *m) { return m ? m->outputs.size() : 0; }

dlc_status dlc_model_input_info(const dlc_model *m, uint32_t index, dlc_tensor_info *out,
                                dlc_error **error) {
  if (!m)
    return fail(error, DLC_INVALID_ARGUMENT, "model is NULL");
  return info(m->inputs, index, out, "input", error);
}

dlc_status dlc_model_output_info(const dlc_model *m, uint32_t index, dlc_tensor_info *out,
                                 dlc_error **error) {
  if (!m)
    return fail(error, DLC_INVALID_ARGUMENT, "model is NULL");
  return info(m->outputs, index, out, "output", error);
}

int32_t dlc_model_find_input(const dlc_model *m, const char *name) {
  return m ? find(m->inputs, name) : -1;
}
int32_t dlc_model_find_output(const dlc_model *m, const char *name) {
  return m ? find(m->outputs, name) : -1;
}

dlc_status dlc_model_run(dlc_model *model, const dlc_tensor_view *inputs, size_t numInputs,
                         const dlc_tensor_view *outputs, size_t numOutputs, dlc_error **error) {
  return guarded(error,
                 [&] { return runModel(model, inputs, numInputs, outputs, numOutputs, error); });
}

} // extern "C"
