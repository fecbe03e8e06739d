#include "core/vector_state.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>

#include <cstdint>
#endif

namespace incubsim {

#if defined(__x86_64__) || defined(__i386__)
namespace {

// XGETBV with ECX = 1 reports XINUSE; CPUID leaf 0xD, sub-leaf 1, EAX bit 2
// says whether the CPU implements it.
bool cpu_reports_xinuse() noexcept {
  static const bool has = [] {
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (__get_cpuid(1, &a, &b, &c, &d) == 0 || (c & bit_OSXSAVE) == 0) return false;
    if (__get_cpuid_count(0xD, 1, &a, &b, &c, &d) == 0) return false;
    return (a & (1U << 2)) != 0;
  }();
  return has;
}

}  // namespace

void clear_upper_vector_state() noexcept {
#if defined(__AVX__)
  _mm256_zeroupper();  // the compiler knows what this does to its registers
#else
  // Code built without AVX keeps nothing in the upper halves, so no clobber.
  static const bool has_avx = __builtin_cpu_supports("avx");
  if (has_avx) __asm__ volatile("vzeroupper");
#endif
}

std::optional<bool> upper_vector_state_in_use() noexcept {
  if (!cpu_reports_xinuse()) return std::nullopt;
  std::uint32_t lo = 0, hi = 0;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(1));
  return (lo & (1U << 2)) != 0;
}

#else

void clear_upper_vector_state() noexcept {}
std::optional<bool> upper_vector_state_in_use() noexcept {
  return std::nullopt;
}

#endif

}  // namespace incubsim
