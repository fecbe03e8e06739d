#include "core/parallel.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace incubsim {
namespace {

// Summing values of very different magnitude exposes any change in the
// order of additions.
double sum_with(int threads, const std::vector<double>& v) {
  Executor ex(threads);
  return ex.run([&] {
    return deterministic_reduce(
        v.size(), 0.0, [&](std::size_t i) { return v[i]; },
        [](double a, double b) { return a + b; }, 64);
  });
}

TEST(BackgroundJob, RunsWhileTheCallerWorksAndHandsBackItsResult) {
  for (const int threads : {1, 2}) {
    Executor ex(threads);
    BackgroundJob job(ex);
    std::vector<double> v(200000);
    EXPECT_FALSE(job.running());
    job.start([&] { parallel_for_each_index(v.size(), [&](std::size_t i) { v[i] = 0.5 * i; }); });
    EXPECT_TRUE(job.running());
    EXPECT_THROW(job.start([] {}), std::logic_error);
    // The caller's own parallel work meanwhile.
    std::vector<int> w(100000, 0);
    ex.run([&] { parallel_for_each_index(w.size(), [&](std::size_t i) { w[i] = 1; }); });
    job.wait();
    EXPECT_FALSE(job.running());
    for (std::size_t i = 0; i < v.size(); i += 997) ASSERT_EQ(v[i], 0.5 * i);
    EXPECT_EQ(std::count(w.begin(), w.end(), 1), 100000);
    job.wait();  // nothing running: nothing to do
  }
}

TEST(BackgroundJob, RethrowsTheJobsErrorOnceAndCanStartAgain) {
  Executor ex(2);
  BackgroundJob job(ex);
  job.start([] { throw std::runtime_error("measurement failed"); });
  try {
    job.wait();
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "measurement failed");
  }
  EXPECT_NO_THROW(job.wait());
  int ran = 0;
  job.start([&] { ran = 1; });
  job.wait();
  EXPECT_EQ(ran, 1);
}

TEST(BackgroundJob, IsWaitedForWhenDestroyed) {
  Executor ex(2);
  std::atomic<int> done{0};
  {
    BackgroundJob job(ex);
    job.start([&] {
      std::vector<double> v(1000000);
      parallel_for_each_index(v.size(), [&](std::size_t i) { v[i] = std::sqrt(double(i)); });
      done = 1;
    });
  }
  EXPECT_EQ(done.load(), 1);
}

TEST(ParallelFill, SetsEveryElement) {
  for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{65536},
                              std::size_t{65537}, std::size_t{300001}}) {
    std::vector<int> v(n, 3);
    Executor(2).run([&] { parallel_fill(v, -1); });
    EXPECT_EQ(v, std::vector<int>(n, -1)) << n;
  }
}

TEST(DeterministicReduce, SameBitsForAnyThreadCount) {
  std::vector<double> v(100000);
  for (std::size_t i = 0; i < v.size(); ++i)
    v[i] = std::pow(-1.0, i) * std::exp(static_cast<double>(i % 40)) / 3.0;
  const double one = sum_with(1, v);
  EXPECT_EQ(one, sum_with(2, v));
  EXPECT_EQ(one, sum_with(4, v));
  EXPECT_EQ(one, sum_with(7, v));
}

TEST(DeterministicReduce, EmptyIsIdentity) {
  EXPECT_EQ(deterministic_reduce(
                0, 5.0, [](std::size_t) { return 1.0; }, [](double a, double b) { return a + b; }),
            5.0);
}

TEST(ParallelForEachIndex, VisitsEveryIndexOnce) {
  Executor ex(4);
  std::vector<int> hits(10007, 0);
  ex.run([&] {
    parallel_for_each_index(
        hits.size(), [&](std::size_t i) { ++hits[i]; }, 16);
  });
  for (int h : hits) ASSERT_EQ(h, 1);
}

// Several indices fail: the caller gets the lowest one's exception for any
// thread count, every index below it has run, and the data the tasks read
// can be freed at once (under ThreadSanitizer this checks that the hand-off
// back to the caller holds on the exception path too).
TEST(ParallelForEachIndex, RethrowsTheLowestFailingIndexForAnyThreadCount) {
  for (const int threads : {1, 2, 4}) {
    SCOPED_TRACE(threads);
    Executor ex(threads);
    auto input = std::make_unique<std::vector<int>>(20000, 1);
    std::vector<int> ran(input->size(), 0);
    std::string caught;
    ex.run([&] {
      try {
        parallel_for_each_index(
            input->size(),
            [&](std::size_t i) {
              ran[i] = (*input)[i];
              if (i == 9000 || i == 4321 || i == 15000)
                throw std::runtime_error("index " + std::to_string(i));
            },
            64);
      } catch (const std::runtime_error& e) {
        caught = e.what();
      }
    });
    input.reset();
    EXPECT_EQ(caught, "index 4321");
    for (std::size_t i = 0; i <= 4321; ++i) ASSERT_EQ(ran[i], 1) << i;
  }
}

TEST(DeterministicReduce, RethrowsTheLowestFailingIndexForAnyThreadCount) {
  for (const int threads : {1, 2, 4}) {
    SCOPED_TRACE(threads);
    Executor ex(threads);
    std::string caught;
    ex.run([&] {
      try {
        deterministic_reduce(
            50000, 0L,
            [](std::size_t i) -> long {
              if (i == 30001 || i == 777) throw std::runtime_error("index " + std::to_string(i));
              return static_cast<long>(i);
            },
            [](long a, long b) { return a + b; }, 128);
      } catch (const std::runtime_error& e) {
        caught = e.what();
      }
    });
    EXPECT_EQ(caught, "index 777");
  }
}

// A serial step beside parallel work: both finish, the parallel one may
// spread over the other threads, and the caller sees both results (under
// ThreadSanitizer, this also checks the hand-off of results).
TEST(RunTogether, RunsBothToCompletionForAnyThreadCount) {
  for (const int threads : {1, 2, 4}) {
    SCOPED_TRACE(threads);
    Executor ex(threads);
    std::vector<int> serial(5000, 0);
    std::vector<int> parallel(20000, 0);
    ex.run([&] {
      run_together(
          [&] {
            for (std::size_t i = 0; i < serial.size(); ++i)
              serial[i] = static_cast<int>(i) + (i > 0 ? serial[i - 1] : 0) % 7;
          },
          [&] {
            parallel_for_each_index(
                parallel.size(), [&](std::size_t i) { parallel[i] = static_cast<int>(i * 3); }, 64);
          });
    });
    for (std::size_t i = 0; i < serial.size(); ++i)
      ASSERT_EQ(serial[i], static_cast<int>(i) + (i > 0 ? serial[i - 1] : 0) % 7);
    for (std::size_t i = 0; i < parallel.size(); ++i)
      ASSERT_EQ(parallel[i], static_cast<int>(i * 3));
  }
}

TEST(ExclusiveScan, OffsetsArePrefixSums) {
  std::vector<int> counts{3, 0, 2, 5};
  std::vector<std::size_t> offsets;
  exclusive_scan_counts(counts, offsets);
  EXPECT_EQ(offsets, (std::vector<std::size_t>{0, 3, 3, 5, 10}));
}

TEST(ParallelSelect, KeepsTheSelectedIndicesInOrderForAnyThreadCount) {
  // Past one block (2^14 indices) so that blocks fill their own slices.
  constexpr std::size_t n = 70000;
  const auto keep = [](std::size_t i) { return (i * 2654435761u) % 7 < 3; };
  std::vector<std::size_t> expected;
  for (std::size_t i = 0; i < n; ++i)
    if (keep(i)) expected.push_back(i);
  for (const int threads : {1, 2, 3}) {
    std::vector<std::size_t> out(5, 99);  // stale content must go
    Executor(threads).run([&] { parallel_select(n, keep, out); });
    EXPECT_EQ(out, expected) << threads << " threads";
  }
}

TEST(ParallelGroup, IsAStableCountingSortForAnyThreadCount) {
  // Several blocks, groups of very different sizes (one empty), and
  // indices left out (group == groups).
  constexpr std::size_t n = 50000;
  constexpr std::size_t groups = 9;
  const auto group = [](std::size_t i) {
    const std::size_t h = (i * 2654435761u) >> 7;
    if (h % 13 == 0) return groups;  // left out
    const std::size_t g = h % 100 < 60 ? 0 : h % groups;
    return g == 4 ? std::size_t{5} : g;  // group 4 stays empty
  };
  const auto value = [](std::size_t i) { return static_cast<int>(i) * 3; };
  std::vector<int> expected;
  std::vector<std::size_t> expected_offset{0};
  for (std::size_t g = 0; g < groups; ++g) {
    for (std::size_t i = 0; i < n; ++i)
      if (group(i) == g) expected.push_back(value(i));
    expected_offset.push_back(expected.size());
  }
  ASSERT_EQ(expected_offset[5], expected_offset[4]);
  for (const int threads : {1, 2, 3}) {
    std::vector<int> out(7, -1);
    std::vector<std::size_t> offset(2, 42);
    Executor(threads).run([&] { parallel_group(n, groups, group, value, out, offset); });
    EXPECT_EQ(out, expected) << threads << " threads";
    EXPECT_EQ(offset, expected_offset) << threads << " threads";
  }
  std::vector<int> out(3, 1);
  std::vector<std::size_t> offset;
  parallel_group(0, groups, group, value, out, offset);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(offset, std::vector<std::size_t>(groups + 1, 0));
}

TEST(ParallelSort, GivesWhatStdSortGivesForAnyThreadCount) {
  // Sizes below, at and past the serial cut-off, odd block boundaries, and
  // repeated keys; then records under a total order of two fields.
  std::uint64_t state = 7;
  const auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  for (const std::size_t n : {0u, 1u, 8192u, 8193u, 100003u}) {
    std::vector<std::uint64_t> keys(n);
    for (auto& k : keys) k = next() % (n / 3 + 1);
    auto want = keys;
    std::sort(want.begin(), want.end());
    for (const int threads : {1, 2, 3, 4}) {
      auto got = keys;
      Executor(threads).run([&] { parallel_sort(got); });
      EXPECT_EQ(got, want) << n << " keys, " << threads << " threads";
    }
  }
  struct Offer {
    double signal = 0;
    int id = 0;
    bool operator==(const Offer&) const = default;
  };
  std::vector<Offer> offers(50000);
  for (std::size_t i = 0; i < offers.size(); ++i)
    offers[i] = {static_cast<double>(next() % 100), static_cast<int>(i)};
  const auto better = [](const Offer& a, const Offer& b) {
    return a.signal > b.signal || (a.signal == b.signal && a.id < b.id);
  };
  auto want = offers;
  std::sort(want.begin(), want.end(), better);
  auto got = offers;
  Executor(3).run([&] { parallel_sort(got, better); });
  EXPECT_TRUE(got == want);
}

TEST(Executor, MoreThreadsThanCoresStillRuns) {
  Executor ex(16);
  EXPECT_EQ(ex.threads(), 16);
  std::vector<int> v(1000, 1);
  const int s = ex.run([&] {
    return deterministic_reduce(
        v.size(), 0, [&](std::size_t i) { return v[i]; }, [](int a, int b) { return a + b; }, 8);
  });
  EXPECT_EQ(s, 1000);
}

}  // namespace
}  // namespace incubsim
