#pragma once
// Deterministic parallel building blocks. Work is split into ranges whose
// boundaries depend only on the problem size and grain, never on the number
// of threads, and results are combined in index order, so floating-point sums
// and committed orders are bit-identical for any thread count.
#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_reduce.h>
#include <tbb/partitioner.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <numeric>
#include <stdexcept>
#include <utility>
#include <vector>

#if defined(__SANITIZE_THREAD__)
#define INCUBSIM_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define INCUBSIM_TSAN 1
#endif
#endif
#ifdef INCUBSIM_TSAN
#include <sanitizer/tsan_interface.h>
#endif

namespace incubsim {

namespace detail {

// ThreadSanitizer cannot see the synchronisation inside an uninstrumented
// libtbb (Debian's), so it would report the handoff of work to a task and
// of results back as races. These mark that handoff: the caller releases
// `start` before the tasks run and acquires `done` after they finished;
// each task acquires `start` and releases `done`. Two objects, not one, so
// that tasks are not ordered among themselves and a real race between two
// tasks is still reported. No-ops unless built with -fsanitize=thread.
struct TaskHandoff {
  char start = 0;
  char done = 0;
#ifdef INCUBSIM_TSAN
  void before_tasks() {
    __tsan_release(&start);
  }
  void task_begins() {
    __tsan_acquire(&start);
  }
  void task_ends() {
    __tsan_release(&done);
  }
  void after_tasks() {
    __tsan_acquire(&done);
  }
#else
  void before_tasks() {}
  void task_begins() {}
  void task_ends() {}
  void after_tasks() {}
#endif
};

// The exception thrown at the lowest index of a parallel loop. Tasks catch
// their own exceptions, so TBB never cancels the loop: every index below
// the lowest failure runs, and the caller gets the same error for any
// thread count. Catching also keeps the hand-off annotations above paired
// (TBB's own exception path synchronises inside libtbb, where
// ThreadSanitizer cannot see it). Ranges that start past a recorded
// failure are skipped: their errors could not be the lowest.
class FirstFailure {
 public:
  bool skips(std::size_t i) const { return i > index_.load(std::memory_order_relaxed); }
  void record(std::size_t i) {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (i < index_.load(std::memory_order_relaxed)) {
      index_.store(i, std::memory_order_relaxed);
      error_ = std::current_exception();
    }
  }
  // After the loop, on the calling thread.
  void rethrow() const {
    if (error_) std::rethrow_exception(error_);
  }

 private:
  std::atomic<std::size_t> index_{static_cast<std::size_t>(-1)};
  std::mutex mutex_;
  std::exception_ptr error_;
};

}  // namespace detail

/// Default number of items handed to a task at once.
inline constexpr std::size_t kDefaultGrain = 512;

/// A run's own thread pool: a TBB arena, so that several simulations in one
/// process can use different thread counts. TBB caps all arenas at the core
/// count unless a global_control raises the cap; a run asking for more
/// threads than cores (to test determinism, say) holds one for its lifetime.
/// While such runs overlap, the cap is the smallest one they asked for.
class Executor {
 public:
  explicit Executor(int threads)
      : threads_(threads < 1 ? 1 : threads),
        cap_(threads_ > tbb::info::default_concurrency()
                 ? std::make_unique<tbb::global_control>(
                       tbb::global_control::max_allowed_parallelism,
                       static_cast<std::size_t>(threads_))
                 : nullptr),
        arena_(threads_) {}

  int threads() const { return threads_; }

  /// Queues a task for the arena's threads and returns at once.
  void enqueue(tbb::task_handle&& task) { arena_.enqueue(std::move(task)); }

  template <class F>
  decltype(auto) run(F&& f) {
    // execute() may hand f to one of the arena's threads.
    detail::TaskHandoff handoff;
    handoff.before_tasks();
    struct AfterTasks {
      detail::TaskHandoff& h;
      ~AfterTasks() { h.after_tasks(); }
    } after{handoff};
    return arena_.execute([&]() -> decltype(auto) {
      handoff.task_begins();
      struct TaskEnds {
        detail::TaskHandoff& h;
        ~TaskEnds() { h.task_ends(); }
      } ends{handoff};
      return f();
    });
  }

 private:
  int threads_;
  std::unique_ptr<tbb::global_control> cap_;
  tbb::task_arena arena_;
};

/// One piece of work at a time that runs on an executor's threads while
/// the caller goes on with other work, in or out of the arena: what the
/// arena's other threads would otherwise spend idle, in the caller's
/// serial stretches. With one thread it runs at once, in start(). The
/// work may use the parallel helpers.
class BackgroundJob {
 public:
  explicit BackgroundJob(Executor& executor) : executor_(executor) {}
  BackgroundJob(const BackgroundJob&) = delete;
  BackgroundJob& operator=(const BackgroundJob&) = delete;
  /// Waits for unfinished work; an error it threw is dropped.
  ~BackgroundJob() {
    try {
      wait();
    } catch (...) {  // NOLINT(bugprone-empty-catch): the owner is going away
    }
  }

  bool running() const { return running_; }

  /// Starts f; nothing may be running. What f reads must not change, and
  /// what it writes must not be read, until wait() returns.
  template <class F>
  void start(F&& f) {
    if (running_) throw std::logic_error("BackgroundJob::start while a job is running");
    auto task = [this, work = std::forward<F>(f)] {
      handoff_.task_begins();
      try {
        work();
      } catch (...) {
        error_ = std::current_exception();
      }
      handoff_.task_ends();
    };
    running_ = true;
    if (executor_.threads() == 1) {
      // Nothing to overlap with (and an enqueued task would get a thread
      // of its own even in a one-thread arena).
      handoff_.before_tasks();
      executor_.run(task);
      return;
    }
    // The arena's shared queue, not this thread's own pool: from there this
    // thread would take the task itself at its next wait, in the middle of
    // its own work. Released once the task holds its copy of f, which the
    // thread that runs it reads.
    auto handle = group_.defer(std::move(task));
    handoff_.before_tasks();
    executor_.enqueue(std::move(handle));
  }

  /// Returns when the work has finished (helping with it), rethrowing its
  /// exception. Does nothing when none is running.
  void wait() {
    if (!running_) return;
    running_ = false;
    executor_.run([&] { group_.wait(); });
    handoff_.after_tasks();
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  }

 private:
  Executor& executor_;
  tbb::task_group group_;
  detail::TaskHandoff handoff_;
  std::exception_ptr error_;
  bool running_ = false;
};

/// Calls f(i) for i in [0, n). Each i must write only its own slots. If
/// some f(i) throw, the exception of the lowest such i is rethrown once
/// the loop has finished (indices past it may or may not have run).
template <class F>
void parallel_for_each_index(std::size_t n, F&& f, std::size_t grain = kDefaultGrain) {
  if (n == 0) return;
  if (n <= grain) {
    for (std::size_t i = 0; i < n; ++i) f(i);
    return;
  }
  detail::TaskHandoff handoff;
  detail::FirstFailure failure;
  handoff.before_tasks();
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, n, grain),
      [&](const tbb::blocked_range<std::size_t>& r) {
        handoff.task_begins();
        if (!failure.skips(r.begin())) {
          std::size_t i = r.begin();
          try {
            for (; i != r.end(); ++i) f(i);
          } catch (...) {
            failure.record(i);
          }
        }
        handoff.task_ends();
      },
      tbb::simple_partitioner());
  handoff.after_tasks();
  failure.rethrow();
}

/// Sets every element of v to `value`, in blocks on the run's threads (a
/// vector over every graph vertex is tens of megabytes at national size).
template <class T>
void parallel_fill(std::vector<T>& v, const T& value) {
  constexpr std::size_t kBlock = std::size_t{1} << 16;
  const std::size_t n = v.size();
  parallel_for_each_index((n + kBlock - 1) / kBlock,
                          [&](std::size_t b) {
                            const std::size_t first = b * kBlock;
                            std::fill_n(v.data() + first, std::min(kBlock, n - first), value);
                          },
                          1);
}

/// Runs first() and second() at the same time when a thread is free, and
/// returns when both are done. For a serial step that would otherwise leave
/// the other threads idle, next to independent parallel work: the two must
/// not write anything the other reads. Either may use the parallel helpers.
template <class First, class Second>
void run_together(First&& first, Second&& second) {
  // Two tasks of parallel_for_each_index (grain 1) rather than
  // tbb::parallel_invoke: the same annotated hand-off, and no task objects
  // on this stack for ThreadSanitizer to see reused.
  parallel_for_each_index(
      2,
      [&](std::size_t i) {
        if (i == 0)
          first();
        else
          second();
      },
      1);
}

/// Sum over [0, n) of map(i) combined with `combine`; the reduction tree
/// depends only on n and grain, so the result is the same for any thread
/// count (tbb::parallel_deterministic_reduce with a simple partitioner).
/// An exception from map or combine is rethrown after the reduction, the
/// one of the lowest index, as in parallel_for_each_index.
template <class T, class Map, class Combine>
T deterministic_reduce(std::size_t n, T identity, Map&& map, Combine&& combine,
                       std::size_t grain = 4096) {
  if (n == 0) return identity;
  // A join combines results of finished ranges, possibly from other threads:
  // it acquires what every finished range released.
  detail::TaskHandoff handoff;
  detail::FirstFailure failure;
  handoff.before_tasks();
  T result = tbb::parallel_deterministic_reduce(
      tbb::blocked_range<std::size_t>(0, n, grain), identity,
      [&](const tbb::blocked_range<std::size_t>& r, T acc) {
        handoff.task_begins();
        if (!failure.skips(r.begin())) {
          std::size_t i = r.begin();
          try {
            for (; i != r.end(); ++i) acc = combine(acc, map(i));
          } catch (...) {
            failure.record(i);
          }
        }
        handoff.task_ends();
        return acc;
      },
      [&](const T& a, const T& b) {
        handoff.after_tasks();
        T joined = identity;
        try {
          joined = combine(a, b);
        } catch (...) {
          failure.record(n);  // a join ranks after every index
        }
        handoff.task_ends();
        return joined;
      },
      tbb::simple_partitioner());
  handoff.after_tasks();
  failure.rethrow();
  return result;
}

/// Exclusive prefix sum of counts into offsets (offsets.size() == counts.size() + 1).
/// Used to commit variable numbers of births or proposals in parent order.
template <class Count>
void exclusive_scan_counts(const std::vector<Count>& counts, std::vector<std::size_t>& offsets) {
  offsets.resize(counts.size() + 1);
  offsets[0] = 0;
  for (std::size_t i = 0; i < counts.size(); ++i)
    offsets[i + 1] = offsets[i] + static_cast<std::size_t>(counts[i]);
}

/// A stable counting sort, in parallel: for each i in [0, n) with
/// group(i) < groups, value(i) goes to out, grouped by group(i) and in
/// ascending i within a group; group g's values are out[offset[g] ..
/// offset[g + 1]). Per-block counts for every group, a scan over groups and
/// blocks, then each block fills its own slots. group(i) is called twice
/// and value(i) once per i; neither may write shared state. The outputs
/// keep their storage from call to call.
template <class T, class Group, class Value>
void parallel_group(std::size_t n, std::size_t groups, Group&& group, Value&& value,
                    std::vector<T>& out, std::vector<std::size_t>& offset) {
  constexpr std::size_t kBlock = std::size_t{1} << 14;
  const std::size_t blocks = (n + kBlock - 1) / kBlock;
  const auto block_end = [n](std::size_t b) { return std::min(n, (b + 1) * kBlock); };
  // slot[b * groups + g]: block b's count in group g, then its first slot.
  std::vector<std::size_t> slot(blocks * groups, 0);
  parallel_for_each_index(
      blocks,
      [&](std::size_t b) {
        std::size_t* count = slot.data() + b * groups;
        for (std::size_t i = b * kBlock; i < block_end(b); ++i) {
          const std::size_t g = group(i);
          if (g < groups) ++count[g];
        }
      },
      1);
  offset.resize(groups + 1);
  std::size_t total = 0;
  for (std::size_t g = 0; g < groups; ++g) {
    offset[g] = total;
    for (std::size_t b = 0; b < blocks; ++b) {
      const std::size_t c = slot[b * groups + g];
      slot[b * groups + g] = total;
      total += c;
    }
  }
  offset[groups] = total;
  out.resize(total);
  parallel_for_each_index(
      blocks,
      [&](std::size_t b) {
        std::size_t* next = slot.data() + b * groups;
        for (std::size_t i = b * kBlock; i < block_end(b); ++i) {
          const std::size_t g = group(i);
          if (g < groups) out[next[g]++] = value(i);
        }
      },
      1);
}

/// out = every i in [0, n) with keep(i), ascending, found in parallel
/// (parallel_group with one group). keep(i) is called twice per i and must
/// not write shared state.
template <class T, class Keep>
void parallel_select(std::size_t n, Keep&& keep, std::vector<T>& out) {
  std::vector<std::size_t> offset;
  parallel_group(
      n, 1, [&](std::size_t i) { return keep(i) ? std::size_t{0} : std::size_t{1}; },
      [](std::size_t i) { return static_cast<T>(i); }, out, offset);
}

/// Sorts v by `less`, which must be a total order, so the result is the one
/// std::sort gives, for any thread count: blocks sorted in parallel, then
/// merged pairwise in parallel rounds. Used instead of tbb::parallel_sort,
/// whose hand-offs between its tasks happen inside libtbb, where
/// ThreadSanitizer cannot see them: here every access is in an annotated
/// parallel_for_each_index task.
template <class T, class Less = std::less<T>>
void parallel_sort(std::vector<T>& v, Less less = Less{}) {
  constexpr std::size_t kSerial = std::size_t{1} << 13;
  const std::size_t n = v.size();
  const auto threads = static_cast<std::size_t>(tbb::this_task_arena::max_concurrency());
  if (n <= kSerial || threads <= 1) {
    std::sort(v.begin(), v.end(), less);
    return;
  }
  // A power of two of blocks, a few per thread, none small.
  std::size_t blocks = 1;
  while (blocks < 4 * threads && n / (2 * blocks) >= kSerial / 2) blocks *= 2;
  const auto bound = [n, blocks](std::size_t b) { return n * b / blocks; };
  const auto at = [](T* data, std::size_t k) { return data + static_cast<std::ptrdiff_t>(k); };
  parallel_for_each_index(
      blocks,
      [&](std::size_t b) { std::sort(at(v.data(), bound(b)), at(v.data(), bound(b + 1)), less); },
      1);
  std::vector<T> buffer(n);
  T* from = v.data();
  T* to = buffer.data();
  for (std::size_t width = 1; width < blocks; width *= 2) {
    parallel_for_each_index(
        blocks / (2 * width),
        [&](std::size_t p) {
          const std::size_t lo = bound(2 * p * width);
          const std::size_t mid = bound((2 * p + 1) * width);
          const std::size_t hi = bound((2 * p + 2) * width);
          std::merge(at(from, lo), at(from, mid), at(from, mid), at(from, hi), at(to, lo), less);
        },
        1);
    std::swap(from, to);
  }
  if (from != v.data()) v.swap(buffer);
}

/// Grows every column of a column store (store.for_each_column(f) calls f
/// on each column, which has size() and resize()) by n default values. A
/// large growth first touches megabytes of new pages, each a page fault:
/// then each column grows in its own task, so the threads share them.
template <class Store>
void grow_columns(Store& store, std::size_t n) {
  constexpr std::size_t kParallelRows = 4096;
  if (n < kParallelRows) {
    store.for_each_column([n](auto& column) { column.resize(column.size() + n); });
    return;
  }
  std::vector<std::function<void()>> grow_column;
  store.for_each_column([&grow_column, n](auto& column) {
    grow_column.emplace_back([&column, n] { column.resize(column.size() + n); });
  });
  parallel_for_each_index(
      grow_column.size(), [&](std::size_t c) { grow_column[c](); }, 1);
}

}  // namespace incubsim
