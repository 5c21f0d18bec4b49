// When a CUDA model runs directly, captures a CUDA graph or replays it
// (runtime/src/cuda/GraphPolicy.h): the policy needs no GPU to check. The
// capture and replay themselves need one (docs/runtime.md, "Measuring").
#include "../../../runtime/src/cuda/GraphPolicy.h"

#include <gtest/gtest.h>

using dlc::rt::cuda::GraphState;
using dlc::rt::cuda::GraphStep;
using dlc::rt::cuda::nextGraphStep;

namespace {

TEST(CudaGraphPolicy, OffMeansDirect) {
  GraphState s;
  for (uint64_t runs : {0u, 1u, 5u}) {
    s.directRuns = runs;
    EXPECT_EQ(nextGraphStep(s, false, 1), GraphStep::Direct);
  }
}

TEST(CudaGraphPolicy, WarmUpThenCaptureThenReplay) {
  GraphState s;
  s.enabled = true;
  EXPECT_EQ(nextGraphStep(s, false, 0), GraphStep::Direct) << "first run: modules, arena";
  s.directRuns = 1;
  EXPECT_EQ(nextGraphStep(s, false, 1), GraphStep::Capture);
  s.captured = true;
  s.capturedRunSet = 1;
  EXPECT_EQ(nextGraphStep(s, false, 1), GraphStep::Replay);
  EXPECT_EQ(nextGraphStep(s, false, 1), GraphStep::Replay);
}

TEST(CudaGraphPolicy, NewRunStateMeansRecapture) {
  GraphState s;
  s.enabled = true;
  s.directRuns = 1;
  s.captured = true;
  s.capturedRunSet = 1;
  EXPECT_EQ(nextGraphStep(s, false, 2), GraphStep::Capture);
}

TEST(CudaGraphPolicy, ProfiledRunsAndFailedCapturesGoDirect) {
  GraphState s;
  s.enabled = true;
  s.directRuns = 3;
  s.captured = true;
  s.capturedRunSet = 1;
  EXPECT_EQ(nextGraphStep(s, true, 1), GraphStep::Direct) << "profiled";
  s.failed = true;
  EXPECT_EQ(nextGraphStep(s, false, 1), GraphStep::Direct) << "failed for good";
}

} // namespace
