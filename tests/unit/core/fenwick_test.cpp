#include "core/fenwick.hpp"

#include <gtest/gtest.h>

#include "core/random.hpp"

namespace incubsim {
namespace {

// Finding intervals and drawing by weight are tested for every weighted
// sampler in cumulative_sampler_test.cpp.
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

}  // namespace
}  // namespace incubsim
