#include "core/fenwick.hpp"

#include <gtest/gtest.h>

#include "core/random.hpp"

namespace incubsim {
namespace {

TEST(FenwickSampler, FindsTheIntervalContainingU) {
  FenwickSampler s({1.0, 0.0, 2.0, 3.0});
  EXPECT_DOUBLE_EQ(s.total(), 6.0);
  EXPECT_EQ(s.find(0.0), 0u);
  EXPECT_EQ(s.find(0.999), 0u);
  EXPECT_EQ(s.find(1.0), 2u);  // index 1 has no weight
  EXPECT_EQ(s.find(2.999), 2u);
  EXPECT_EQ(s.find(3.0), 3u);
  EXPECT_EQ(s.find(5.999), 3u);
}

TEST(FenwickSampler, UpdatesChangeTotalsAndDraws) {
  FenwickSampler s({1.0, 1.0, 1.0});
  s.set(1, 0.0);
  EXPECT_DOUBLE_EQ(s.total(), 2.0);
  Stream r(5);
  for (int i = 0; i < 1000; ++i) ASSERT_NE(s.find(r.uniform() * s.total()), 1u);
  s.set(1, 8.0);
  int ones = 0;
  for (int i = 0; i < 10000; ++i) ones += s.find(r.uniform() * s.total()) == 1u;
  EXPECT_NEAR(ones / 10000.0, 0.8, 0.02);
}

TEST(FenwickSampler, FrequenciesFollowWeights) {
  const std::vector<double> w{5, 1, 0, 3, 1};
  FenwickSampler s(w);
  Stream r(11);
  std::vector<int> n(w.size(), 0);
  const int draws = 100000;
  for (int i = 0; i < draws; ++i) ++n[s.find(r.uniform() * s.total())];
  EXPECT_EQ(n[2], 0);
  for (std::size_t i = 0; i < w.size(); ++i)
    EXPECT_NEAR(n[i] / double(draws), w[i] / 10.0, 0.01) << i;
}

}  // namespace
}  // namespace incubsim
