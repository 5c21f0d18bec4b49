// The C API of models: creation (validation), description and runs.
#include "Model.h"
#include "Bindings.h"
#include "ChromeTrace.h"
#include "Error.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <thread>

using namespace dlc::rt;

namespace {

/// The entry a model runs: the first one, "inference" by convention.
constexpr uint32_t kEntry = 0;

dlc_tensor_info describe(const PlanView &plan, uint32_t tensorId) {
  const dlc_plan_tensor &t = plan.tensor(tensorId);
  return dlc_tensor_info{plan.string(t.name), t.dtype, t.rank, t.shape, t.bytes};
}

unsigned resolveThreads(uint32_t requested) {
  if (requested)
    return requested;
  return std::max(1u, std::min(8u, std::thread::hardware_concurrency()));
}

dlc_status createModel(const dlc_model_image *image, const dlc_model_options *options,
                       dlc_model **out, dlc_error **error) {
  if (!out)
    return fail(error, DLC_INVALID_ARGUMENT, "model output pointer is NULL");
  *out = nullptr;
  if (!image)
    return fail(error, DLC_INVALID_ARGUMENT, "model image is NULL");
  if (options && options->num_threads > DLC_MAX_THREADS)
    return fail(error, DLC_INVALID_ARGUMENT,
                "num_threads " + std::to_string(options->num_threads) + " exceeds " +
                    std::to_string(DLC_MAX_THREADS));
  if (options && options->cuda_graphs > 1)
    return fail(error, DLC_INVALID_ARGUMENT,
                "cuda_graphs " + std::to_string(options->cuda_graphs) + " is not 0 (off) or 1 (on)");
  // A library's image runs on the library's own runtime, which its kernels
  // call back (thread count, failures): forward the model to it.
  if (std::unique_ptr<ForeignRuntime> runtime = foreignRuntimeOf(image)) {
    dlc_model *theirs = nullptr;
    if (dlc_status status = runtime->call(error, [&](dlc_error **e) {
          return runtime->api.dlc_model_create(image, options, &theirs, e);
        }))
      return status;
    auto model = std::make_unique<dlc_model>(PlanView(image->plan, image->plan_bytes));
    model->foreign = std::make_unique<ForeignModel>();
    model->foreign->runtime = std::move(runtime);
    model->foreign->model = theirs;
    *out = model.release();
    return ok(error);
  }
  if (image->abi_version != DLC_IMAGE_ABI_VERSION)
    return fail(error, DLC_INVALID_PLAN,
                "model image ABI " + std::to_string(image->abi_version) + " is not supported (" +
                    std::to_string(DLC_IMAGE_ABI_VERSION) + " expected)");
  if (!image->plan)
    return fail(error, DLC_INVALID_PLAN, "model image has no plan");
  if (image->num_kernels && !image->kernels)
    return fail(error, DLC_INVALID_PLAN, "model image has no kernel table");
  for (uint32_t k = 0; k < image->num_kernels; ++k)
    if (!image->kernels[k])
      return fail(error, DLC_INVALID_PLAN, "kernel " + std::to_string(k) + " of the image is NULL");

  PlanView plan(image->plan, image->plan_bytes);
  if (std::string problem = plan.validate(image->num_kernels); !problem.empty())
    return fail(error, DLC_INVALID_PLAN, "invalid plan: " + problem);
  if (std::string problem = plan.unsupported(kEntry); !problem.empty())
    return fail(error, DLC_UNSUPPORTED, problem);

  auto model = std::make_unique<dlc_model>(plan);
  const dlc_plan_entry &entry = plan.entry(kEntry);
  for (uint32_t i = 0; i < entry.num_inputs; ++i)
    model->inputs.push_back(describe(plan, plan.index(uint64_t(entry.inputs) + i)));
  for (uint32_t i = 0; i < entry.num_outputs; ++i)
    model->outputs.push_back(describe(plan, plan.index(uint64_t(entry.outputs) + i)));
  unsigned threads = resolveThreads(options ? options->num_threads : 0);
  if (plan.usesCuda(kEntry)) {
    std::string problem;
    model->cuda = CudaModel::create(plan, options && options->cuda_graphs == 1,
                                    plan.isMixed(kEntry), problem);
    if (!model->cuda)
      return fail(error, DLC_UNSUPPORTED, "cannot run this CUDA model: " + problem);
    // All-CUDA plans: GPU nodes only launch work on one stream, one thread
    // suffices. Mixed plans run their CPU nodes on the pool.
    if (!plan.isMixed(kEntry))
      threads = 1;
  }
  model->executor = std::make_unique<Executor>(*image, plan, kEntry, threads, model->cuda.get());
  *out = model.release();
  return ok(error);
}

dlc_status runModel(dlc_model *m, const dlc_tensor_view *inputs, size_t numInputs,
                    const dlc_tensor_view *outputs, size_t numOutputs, const char *tracePath,
                    dlc_error **error) {
  if (!m)
    return fail(error, DLC_INVALID_ARGUMENT, "model is NULL");
  if (ForeignModel *f = m->foreign.get()) {
    const dlc_model_library &api = f->runtime->api;
    return f->runtime->call(error, [&](dlc_error **e) {
      return tracePath ? api.dlc_model_run_profiled(f->model, inputs, numInputs, outputs,
                                                    numOutputs, tracePath, e)
                       : api.dlc_model_run(f->model, inputs, numInputs, outputs, numOutputs, e);
    });
  }
  std::vector<void *> inputData, outputData;
  if (dlc_status s = checkViews(m->inputs, inputs, numInputs, "input", inputData, error))
    return s;
  if (dlc_status s = checkViews(m->outputs, outputs, numOutputs, "output", outputData, error))
    return s;
  if (dlc_status s = checkOutputsDoNotOverlap(m->inputs, inputData, m->outputs, outputData, error))
    return s;
  std::vector<NodeTiming> timings(tracePath ? m->executor->numNodes() : 0);
  if (m->cuda && m->plan.isMixed(kEntry)) {
    if (dlc_status s = m->cuda->runMixed(*m->executor, inputData, outputData,
                                         tracePath ? timings.data() : nullptr, error))
      return s;
  } else if (m->cuda) {
    if (dlc_status s = m->cuda->run(*m->executor, m->inputs, inputData, m->outputs, outputData,
                                    tracePath ? timings.data() : nullptr, error))
      return s;
  } else {
    std::string problem;
    if (dlc_status s = m->executor->run(inputData.data(), outputData.data(),
                                        tracePath ? timings.data() : nullptr, problem))
      return fail(error, s, problem);
  }
  if (tracePath) {
    std::string problem;
    if (!writeChromeTrace(tracePath, m->plan, *m->executor, timings.data(), problem))
      return fail(error, DLC_IO_ERROR, "cannot write the profile: " + problem);
  }
  return ok(error);
}

dlc_status info(const dlc_model *m, bool input, uint32_t index, dlc_tensor_info *out,
                dlc_error **error) {
  const char *side = input ? "input" : "output";
  if (!m)
    return fail(error, DLC_INVALID_ARGUMENT, "model is NULL");
  if (ForeignModel *f = m->foreign.get()) {
    const dlc_model_library &api = f->runtime->api;
    return f->runtime->call(error, [&](dlc_error **e) {
      return input ? api.dlc_model_input_info(f->model, index, out, e)
                   : api.dlc_model_output_info(f->model, index, out, e);
    });
  }
  if (!out)
    return fail(error, DLC_INVALID_ARGUMENT, "info output pointer is NULL");
  const std::vector<dlc_tensor_info> &list = input ? m->inputs : m->outputs;
  if (index >= list.size())
    return fail(error, DLC_INVALID_ARGUMENT,
                std::string(side) + " index " + std::to_string(index) + " out of range (" +
                    std::to_string(list.size()) + " " + side + "s)");
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
    *options = dlc_model_options{};
}

dlc_status dlc_model_create(const dlc_model_image *image, const dlc_model_options *options,
                            dlc_model **model, dlc_error **error) {
  return guarded(error, [&] { return createModel(image, options, model, error); });
}

void dlc_model_free(dlc_model *model) { delete model; }

const char *dlc_model_name(const dlc_model *m) {
  if (m && m->foreign)
    return m->foreign->runtime->api.dlc_model_name(m->foreign->model);
  return m ? m->plan.string(m->plan.header().model_name) : "";
}

uint32_t dlc_model_num_inputs(const dlc_model *m) {
  if (m && m->foreign)
    return m->foreign->runtime->api.dlc_model_num_inputs(m->foreign->model);
  return m ? uint32_t(m->inputs.size()) : 0;
}
uint32_t dlc_model_num_outputs(const dlc_model *m) {
  if (m && m->foreign)
    return m->foreign->runtime->api.dlc_model_num_outputs(m->foreign->model);
  return m ? uint32_t(m->outputs.size()) : 0;
}

dlc_status dlc_model_input_info(const dlc_model *m, uint32_t index, dlc_tensor_info *out,
                                dlc_error **error) {
  return guarded(error, [&] { return info(m, true, index, out, error); });
}

dlc_status dlc_model_output_info(const dlc_model *m, uint32_t index, dlc_tensor_info *out,
                                 dlc_error **error) {
  return guarded(error, [&] { return info(m, false, index, out, error); });
}

int32_t dlc_model_find_input(const dlc_model *m, const char *name) {
  if (m && m->foreign)
    return m->foreign->runtime->api.dlc_model_find_input(m->foreign->model, name);
  return m ? find(m->inputs, name) : -1;
}
int32_t dlc_model_find_output(const dlc_model *m, const char *name) {
  if (m && m->foreign)
    return m->foreign->runtime->api.dlc_model_find_output(m->foreign->model, name);
  return m ? find(m->outputs, name) : -1;
}

dlc_status dlc_model_run(dlc_model *model, const dlc_tensor_view *inputs, size_t numInputs,
                         const dlc_tensor_view *outputs, size_t numOutputs, dlc_error **error) {
  return guarded(error, [&] {
    return runModel(model, inputs, numInputs, outputs, numOutputs, nullptr, error);
  });
}

dlc_status dlc_model_run_profiled(dlc_model *model, const dlc_tensor_view *inputs,
                                  size_t numInputs, const dlc_tensor_view *outputs,
                                  size_t numOutputs, const char *tracePath, dlc_error **error) {
  return guarded(error, [&]() -> dlc_status {
    if (!tracePath)
      return fail(error, DLC_INVALID_ARGUMENT, "trace path is NULL");
    return runModel(model, inputs, numInputs, outputs, numOutputs, tracePath, error);
  });
}

} // extern "C"
