#include "core/vector_state.hpp"

#include <gtest/gtest.h>

namespace incubsim {
namespace {

TEST(VectorState, ClearingLeavesTheUpperHalvesUnused) {
  const auto before = upper_vector_state_in_use();
  if (!before) GTEST_SKIP() << "this CPU cannot report its AVX state";
#if defined(__x86_64__)
  // Dirty the upper halves as an AVX library would (all-ones in YMM15).
  if (__builtin_cpu_supports("avx2")) {
    __asm__ volatile("vpcmpeqd %%ymm15, %%ymm15, %%ymm15" ::: "xmm15");
    EXPECT_EQ(upper_vector_state_in_use(), true);
  }
#endif
  clear_upper_vector_state();
  EXPECT_EQ(upper_vector_state_in_use(), false);
  clear_upper_vector_state();  // idempotent
  EXPECT_EQ(upper_vector_state_in_use(), false);
}

}  // namespace
}  // namespace incubsim
