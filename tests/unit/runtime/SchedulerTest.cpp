// The executor's scheduling: dependencies respected on random DAGs, real
// inter-op parallelism, and concurrent runs of one model that match a serial run.
#include "TestPlans.h"
#include "dlc/runtime.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <set>
#include <thread>

using namespace dlc::test;

namespace {

// out = 1 + 3 * (sum of the inputs), on one uint64 each, with some busy work
// first so that racing nodes would interleave.
template <int Arity> void sumKernel(void *const *args) {
  volatile uint64_t spin = 0;
  for (int i = 0; i < 2000; ++i)
    spin = spin + uint64_t(i);
  uint64_t sum = 0;
  for (int i = 0; i < Arity; ++i)
    sum += *static_cast<const uint64_t *>(args[i]);
  *static_cast<uint64_t *>(args[Arity]) = 1 + 3 * sum;
}
const dlc_cpu_fn kSumKernels[] = {sumKernel<0>, sumKernel<1>, sumKernel<2>, sumKernel<3>};

struct RandomDag {
  std::vector<uint8_t> blob;
  std::vector<uint64_t> expected; // per node
};

/// `numNodes` nodes, each reading up to 3 random earlier nodes' values and
/// writing its own graph output, so every node's result is checked.
RandomDag randomDag(uint32_t numNodes, unsigned seed) {
  std::mt19937 rng(seed);
  dlc::PlanBuilder b("random_dag");
  b.setNumKernels(4);
  RandomDag dag;
  std::vector<uint32_t> value; // tensor id per node
  for (uint32_t n = 0; n < numNodes; ++n)
    value.push_back(b.addOutput("v" + std::to_string(n), DLC_DTYPE_UINT64, {}));
  for (uint32_t n = 0; n < numNodes; ++n) {
    std::set<uint32_t> producers;
    uint32_t arity = n == 0 ? 0 : rng() % 4;
    while (producers.size() < std::min(arity, n))
      producers.insert(rng() % n);
    std::vector<uint32_t> inputs, deps(producers.begin(), producers.end());
    uint64_t sum = 0;
    for (uint32_t p : producers) {
      inputs.push_back(value[p]);
      sum += dag.expected[p];
    }
    b.addCpuNode(uint32_t(inputs.size()), inputs, {value[n]}, deps, "n" + std::to_string(n),
                 "test.sum");
    dag.expected.push_back(1 + 3 * sum);
  }
  std::string problem;
  EXPECT_TRUE(b.build(dag.blob, problem)) << problem;
  return dag;
}

class RandomDagTest : public ::testing::TestWithParam<uint32_t> {};

TEST_P(RandomDagTest, EveryNodeSeesItsInputs) {
  for (unsigned seed = 1; seed <= 5; ++seed) {
    RandomDag dag = randomDag(300, seed);
    Image image(dag.blob, kSumKernels, 4);
    dlc::Model model(&image.image, GetParam());
    for (int repeat = 0; repeat < 3; ++repeat) {
      std::vector<dlc::Tensor> out = model.run({});
      for (size_t n = 0; n < out.size(); ++n)
        ASSERT_EQ(out[n].values<uint64_t>()[0], dag.expected[n]) << "seed " << seed << " node " << n;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Threads, RandomDagTest, ::testing::Values(1u, 2u, 3u, 8u));

// Independent branches really run on several threads.
std::mutex threadsMutex;
std::set<std::thread::id> branchThreads;
void sleepyBranch(void *const *args) {
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  {
    std::lock_guard<std::mutex> lock(threadsMutex);
    branchThreads.insert(std::this_thread::get_id());
  }
  *static_cast<uint64_t *>(args[0]) = 7;
}

TEST(Scheduler, IndependentBranchesRunInParallel) {
  dlc::PlanBuilder b("wide");
  for (int i = 0; i < 8; ++i)
    b.addCpuNode(0, {}, {b.addOutput("o" + std::to_string(i), DLC_DTYPE_UINT64, {})}, {},
                 "branch" + std::to_string(i), "test.sleep");
  b.setNumKernels(1);
  const dlc_cpu_fn kernels[] = {sleepyBranch};
  Image image(b.build(), kernels, 1);
  dlc::Model model(&image.image, 4);
  branchThreads.clear();
  std::vector<dlc::Tensor> out = model.run({});
  for (const dlc::Tensor &t : out)
    EXPECT_EQ(t.values<uint64_t>()[0], 7u);
  // The caller takes one branch and the pool the others: while one sleeps,
  // another thread must have picked up a branch.
  EXPECT_GE(branchThreads.size(), 2u);
}

TEST(Scheduler, ConcurrentRunsAreBitIdenticalToASerialRun) {
  RandomDag dag = randomDag(120, 42);
  Image diamond(diamondBlob());
  Image dagImage(dag.blob, kSumKernels, 4);
  dlc::Model serial(&diamond.image, 1);
  for (uint32_t threads : {1u, 2u, 4u}) {
    dlc::Model shared(&diamond.image, threads), sharedDag(&dagImage.image, threads);
    std::vector<std::vector<float>> inputs, reference;
    for (unsigned t = 0; t < 8; ++t) {
      inputs.push_back(randomFloats(kN, 100 + t));
      std::vector<float> y(kN);
      serial.run({dlc::view(inputs.back(), {kN})}, {dlc::view(y, {kN})});
      reference.push_back(y);
    }
    std::vector<int> mismatches(8, 0);
    std::vector<std::thread> workers;
    for (unsigned t = 0; t < 8; ++t)
      workers.emplace_back([&, t] {
        std::vector<float> y(kN);
        for (int run = 0; run < 50; ++run) {
          shared.run({dlc::view(inputs[t], {kN})}, {dlc::view(y, {kN})});
          if (std::memcmp(y.data(), reference[t].data(), kN * sizeof(float)) != 0)
            ++mismatches[t];
          if (run % 10 == 0) {
            std::vector<dlc::Tensor> out = sharedDag.run({});
            for (size_t n = 0; n < out.size(); ++n)
              if (out[n].values<uint64_t>()[0] != dag.expected[n])
                ++mismatches[t];
          }
        }
      });
    for (std::thread &w : workers)
      w.join();
    for (unsigned t = 0; t < 8; ++t)
      EXPECT_EQ(mismatches[t], 0) << "thread " << t << ", model threads " << threads;
  }
}

TEST(Scheduler, ModelsComeAndGoWhileOthersRun) {
  Image image(diamondBlob());
  std::vector<std::thread> workers;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t)
    workers.emplace_back([&, t] {
      std::vector<float> x = randomFloats(kN, unsigned(t)), want = diamondReference(x);
      for (int i = 0; i < 20; ++i) {
        dlc::Model model(&image.image, uint32_t(1 + i % 4));
        std::vector<float> y(kN);
        model.run({dlc::view(x, {kN})}, {dlc::view(y, {kN})});
        failures[t] += y != want;
      }
    });
  for (std::thread &w : workers)
    w.join();
  for (int f : failures)
    EXPECT_EQ(f, 0);
}

} // namespace
