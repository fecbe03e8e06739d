#include "core/cumulative_sampler.hpp"

#include <gtest/gtest.h>

#include "core/fenwick.hpp"
#include "core/random.hpp"

namespace incubsim {
namespace {

// What both weighted samplers must do (the Fenwick tree's updates are
// tested in fenwick_test.cpp).
template <class Sampler>
class WeightedSampler : public ::testing::Test {};
using Samplers = ::testing::Types<FenwickSampler, CumulativeSampler>;
TYPED_TEST_SUITE(WeightedSampler, Samplers);

TYPED_TEST(WeightedSampler, FindsTheIntervalContainingU) {
  const TypeParam s({1.0, 0.0, 2.0, 3.0, 0.0});
  EXPECT_DOUBLE_EQ(s.total(), 6.0);
  EXPECT_EQ(s.find(0.0), 0u);
  EXPECT_EQ(s.find(0.999), 0u);
  EXPECT_EQ(s.find(1.0), 2u);  // index 1 has no weight
  EXPECT_EQ(s.find(2.999), 2u);
  EXPECT_EQ(s.find(3.0), 3u);
  EXPECT_EQ(s.find(5.999), 3u);
  EXPECT_EQ(s.find(6.0), 3u);  // past the end: the last item with weight
}

TYPED_TEST(WeightedSampler, FrequenciesFollowWeightsOfAnyScale) {
  const std::vector<double> w{5e-3, 1e-3, 0, 3e-3, 1e-3, -2.0};
  const TypeParam s(w);
  Stream r(11);
  std::vector<int> n(w.size(), 0);
  const int draws = 100000;
  for (int i = 0; i < draws; ++i) ++n[s.find(r.uniform() * s.total())];
  EXPECT_EQ(n[2], 0);
  EXPECT_EQ(n[5], 0);  // negative counts as zero
  for (std::size_t i = 0; i < 5; ++i) EXPECT_NEAR(n[i] / double(draws), w[i] / 10e-3, 0.01) << i;
}

TEST(CumulativeSampler, DrawsWhatTheFenwickSamplerDrawsForIntegerWeights) {
  // Admission's weights are capacities times tiers: integers, whose sums
  // are exact, so switching samplers must not change a single draw.
  Stream r(3);
  for (const std::size_t n : {1u, 2u, 7u, 30u, 2000u}) {
    std::vector<double> w(n);
    for (auto& x : w) x = r.below(5) == 0 ? 0.0 : static_cast<double>(r.below(400));
    w[n / 2] = 3.0;  // at least one weight
    const FenwickSampler fenwick(w);
    const CumulativeSampler cumulative(w);
    ASSERT_EQ(cumulative.total(), fenwick.total());
    for (int k = 0; k < 20000; ++k) {
      const double u = r.uniform() * cumulative.total();
      ASSERT_EQ(cumulative.find(u), fenwick.find(u)) << "n " << n << ", u " << u;
    }
    // Every boundary, where rounding in the guide would show.
    double c = 0;
    for (std::size_t i = 0; i < n; ++i) {
      c += w[i];
      if (c < cumulative.total()) {
        ASSERT_EQ(cumulative.find(c), fenwick.find(c)) << i;
      }
    }
  }
}

}  // namespace
}  // namespace incubsim
