// dlc_rt_parallel_for, the call through which generated kernels use the
// run's threads (dlc/parallel_for.h): every index exactly once, in chunks on
// the executor's helper threads inside a run, serially everywhere else.
#include "TestPlans.h"
#include "dlc/parallel_for.h"
#include "dlc/runtime.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <utility>
#include <vector>

using namespace dlc::test;

namespace {

/// What one dlc_rt_parallel_for call did.
struct Record {
  std::mutex mutex;
  std::vector<std::pair<int64_t, int64_t>> ranges;
  std::set<std::thread::id> threads;
  std::chrono::microseconds delay{0}; // per body call: lets helpers join in
  void reset() {
    std::lock_guard<std::mutex> lock(mutex);
    ranges.clear();
    threads.clear();
  }
};

void recordBody(int64_t begin, int64_t end, void *context) {
  auto &record = *static_cast<Record *>(context);
  {
    std::lock_guard<std::mutex> lock(record.mutex);
    record.ranges.emplace_back(begin, end);
    record.threads.insert(std::this_thread::get_id());
  }
  std::this_thread::sleep_for(record.delay);
}

/// How often each index of [0, count) was covered.
std::vector<int> coverage(const Record &record, int64_t count) {
  std::vector<int> times(count, 0);
  for (auto [begin, end] : record.ranges)
    for (int64_t i = begin; i < end && i >= 0 && i < count; ++i)
      ++times[i];
  return times;
}

TEST(ParallelFor, OutsideARunIsOneCallOnTheCallingThread) {
  Record record;
  dlc_rt_parallel_for(1000, recordBody, &record);
  ASSERT_EQ(record.ranges.size(), 1u);
  EXPECT_EQ(record.ranges[0], std::make_pair(int64_t(0), int64_t(1000)));
  EXPECT_EQ(record.threads, std::set<std::thread::id>{std::this_thread::get_id()});
}

TEST(ParallelFor, NoIterationsNoCall) {
  Record record;
  dlc_rt_parallel_for(0, recordBody, &record);
  dlc_rt_parallel_for(-5, recordBody, &record);
  EXPECT_TRUE(record.ranges.empty());
}

// The diamond's relu kernel computes its result through dlc_rt_parallel_for.
Record reluRecord;
std::atomic<int> innerCalls{0};
struct ReluArgs {
  const float *x;
  float *o;
};
void reluChunk(int64_t begin, int64_t end, void *context) {
  auto *args = static_cast<ReluArgs *>(context);
  for (int64_t i = begin; i < end; ++i)
    args->o[i] = args->x[i] > 0 ? args->x[i] : 0;
  recordBody(begin, end, &reluRecord);
  // A nested call runs serially on this thread: one call covering it all.
  Record inner;
  dlc_rt_parallel_for(8, recordBody, &inner);
  if (inner.ranges.size() == 1 && inner.ranges[0] == std::make_pair(int64_t(0), int64_t(8)) &&
      inner.threads.count(std::this_thread::get_id()))
    ++innerCalls;
}
void parallelReluKernel(void *const *a) {
  ReluArgs args{static_cast<const float *>(a[0]), static_cast<float *>(a[1])};
  dlc_rt_parallel_for(kN, reluChunk, &args);
}
const dlc_cpu_fn kParallelKernels[] = {addKernel, parallelReluKernel, scaleKernel};

class ParallelForInARun : public ::testing::TestWithParam<uint32_t> {};

TEST_P(ParallelForInARun, CoversEveryIndexOnceWithTheRunsThreads) {
  uint32_t threads = GetParam();
  Image image(diamondBlob(), kParallelKernels);
  dlc::Model model(&image.image, threads);
  reluRecord.delay = std::chrono::microseconds(200);
  std::set<std::thread::id> allThreads;
  for (unsigned seed = 0; seed < 20; ++seed) {
    reluRecord.reset();
    innerCalls = 0;
    std::vector<float> x = randomFloats(kN, seed), y(kN);
    model.run({dlc::view(x, {kN})}, {dlc::view(y, {kN})});
    ASSERT_EQ(y, diamondReference(x)) << "seed " << seed;
    EXPECT_EQ(coverage(reluRecord, kN), std::vector<int>(kN, 1)) << "seed " << seed;
    // One chunk when serial; else 4 per thread (dlc_rt_parallel_for's split).
    size_t chunks = threads == 1 ? 1 : std::min<size_t>(kN, 4 * threads);
    EXPECT_EQ(reluRecord.ranges.size(), chunks) << "seed " << seed;
    EXPECT_EQ(innerCalls, int(chunks)) << "nested calls must run serially";
    allThreads.insert(reluRecord.threads.begin(), reluRecord.threads.end());
  }
  // The chunks sleep 200 us each: in 20 runs a helper joins in.
  if (threads > 1)
    EXPECT_GT(allThreads.size(), 1u) << "no helper thread ever ran a chunk";
  else
    EXPECT_EQ(allThreads.size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Threads, ParallelForInARun, ::testing::Values(1u, 2u, 4u));

} // namespace
