// Internal: a fixed pool of worker threads running submitted tasks.
#ifndef DLC_RUNTIME_SRC_THREADPOOL_H
#define DLC_RUNTIME_SRC_THREADPOOL_H

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace dlc::rt {

/// A task is a plain function pointer with two arguments, so submitting one
/// allocates nothing beyond the queue's own storage.
struct Task {
  void (*run)(void *context, uint32_t argument);
  void *context;
  uint32_t argument;
};

/// Tasks run in FIFO order on `size` workers. Tasks must not block on other
/// tasks (the executor's never do), so the pool cannot deadlock.
/// Thread-safe; the destructor finishes queued tasks, then joins the workers.
class ThreadPool {
public:
  /// Starts `size` workers; throws std::system_error if a thread cannot start.
  explicit ThreadPool(unsigned size);
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  /// Queues `task`; throws std::bad_alloc if the queue cannot grow.
  void submit(Task task);

  /// 1..size on a worker of any pool, 0 on other threads (e.g. a caller).
  static unsigned currentWorker();

private:
  void work(unsigned index);

  std::mutex mutex;
  std::condition_variable wake;
  std::deque<Task> tasks;
  bool stopping = false;
  std::vector<std::thread> workers;
};

} // namespace dlc::rt

#endif
