#include "core/buffers.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace incubsim {
namespace {

TEST(Buffers, GrowingKeepsNothingAndAddsAtLeastHalf) {
  std::vector<int> v(100, 7);
  v.shrink_to_fit();
  reserve_reusing(v, 101);
  EXPECT_TRUE(v.empty());  // cleared, so growing copies nothing
  EXPECT_GE(v.capacity(), 150u);
  std::vector<int> w;
  reserve_reusing(w, 40);
  EXPECT_GE(w.capacity(), 40u);
}

TEST(Buffers, StorageLargeEnoughIsKept) {
  std::vector<double> v;
  assign_reusing(v, 1000, 1.5);
  const double* storage = v.data();
  assign_reusing(v, 600, 2.5);
  EXPECT_EQ(v.data(), storage);
  EXPECT_EQ(v, std::vector<double>(600, 2.5));
  resize_reusing(v, 900);
  EXPECT_EQ(v.data(), storage);
  ASSERT_EQ(v.size(), 900u);
  EXPECT_EQ(v[599], 2.5);  // resize keeps what was there
  EXPECT_EQ(v[899], 0.0);  // and value-initialises what is new
}

}  // namespace
}  // namespace incubsim
