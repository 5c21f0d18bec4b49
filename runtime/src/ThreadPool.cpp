// A fixed pool of worker threads: the CPU device of the executor.
#include "ThreadPool.h"

using dlc::rt::ThreadPool;

namespace {
thread_local unsigned tlsWorkerIndex = 0;
}

ThreadPool::ThreadPool(unsigned size) {
  workers.reserve(size);
  try {
    for (unsigned i = 0; i < size; ++i)
      workers.emplace_back([this, i] { work(i + 1); });
  } catch (...) {
    // Join the workers that did start before reporting the failure.
    {
      std::lock_guard<std::mutex> lock(mutex);
      stopping = true;
    }
    wake.notify_all();
    for (std::thread &t : workers)
      t.join();
    throw;
  }
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopping = true;
  }
  wake.notify_all();
  for (std::thread &t : workers)
    t.join();
}

void ThreadPool::submit(Task task) {
  {
    std::lock_guard<std::mutex> lock(mutex);
    tasks.push_back(task);
  }
  wake.notify_one();
}

unsigned ThreadPool::currentWorker() { return tlsWorkerIndex; }

void ThreadPool::work(unsigned index) {
  tlsWorkerIndex = index;
  for (;;) {
    Task task;
    {
      std::unique_lock<std::mutex> lock(mutex);
      wake.wait(lock, [this] { return stopping || !tasks.empty(); });
      if (tasks.empty())
        return; // stopping, and nothing left to finish
      task = tasks.front();
      tasks.pop_front();
    }
    task.run(task.context, task.argument);
  }
}
