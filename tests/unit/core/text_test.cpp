#include "core/text.hpp"

#include <gtest/gtest.h>

namespace incubsim {
namespace {

TEST(EditDistance, CountsEdits) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("fixed_cost", "fixd_cost"), 1u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
}

TEST(Nearest, SuggestsTyposButNotStrangers) {
  const std::vector<std::string> keys{"fixed_cost", "founding_employees", "quality_mean"};
  EXPECT_EQ(nearest("fixd_cost", keys), "fixed_cost");
  EXPECT_EQ(nearest("qualty_mean", keys), "quality_mean");
  EXPECT_EQ(nearest("zzz", keys), "");
}

}  // namespace
}  // namespace incubsim
