// Internal: a fixed pool of worker threads running submitted tasks.
#ifndef DLC_RUNTIME_SRC_THREADPOOL_H
#define DLC_RUNTIME_SRC_THREADPOOL_H

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace dlc::rt {

/// Tasks run in FIFO order on `size` workers. Thread-safe; the destructor
/// finishes queued tasks, then joins the workers.
class ThreadPool {
public:
  explicit ThreadPool(unsigned size);
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  void submit(std::function<void()> task);

private:
  void work();

  std::mutex mutex;
  std::condition_variable wake;
  std::deque<std::function<void()>> tasks;
  bool stopping = false;
  std::vector<std::thread> workers;
};

} // namespace dlc::rt

#endif
