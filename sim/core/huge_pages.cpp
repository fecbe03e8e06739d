#include "core/huge_pages.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "core/parallel.hpp"

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace incubsim {

void advise_huge_pages(const void* data, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;
  const auto begin = reinterpret_cast<std::uintptr_t>(data);
  const std::uintptr_t first = (begin + kHuge - 1) & ~(kHuge - 1);
  const std::uintptr_t last = (begin + bytes) & ~(kHuge - 1);
  // Failure (an old kernel, huge pages off) only loses the hint.
  if (data != nullptr && last > first)
    (void)madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
#else
  (void)data;
  (void)bytes;
#endif
}

void populate_pages(const void* data, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
  constexpr std::uintptr_t kPage = 4096;
  constexpr std::uintptr_t kBlock = std::uintptr_t{2} << 20;
  const auto begin = reinterpret_cast<std::uintptr_t>(data) & ~(kPage - 1);
  const auto end = reinterpret_cast<std::uintptr_t>(data) + bytes;
  if (data == nullptr || end <= begin) return;
  const std::size_t blocks = (end - begin + kBlock - 1) / kBlock;
  // A failure (an old kernel, EINVAL) leaves the faults to the writes.
  parallel_for_each_index(
      blocks,
      [&](std::size_t b) {
        const std::uintptr_t first = begin + b * kBlock;
        const std::uintptr_t last = std::min(end, first + kBlock);
        (void)madvise(reinterpret_cast<void*>(first), last - first, MADV_POPULATE_WRITE);
      },
      1);
#else
  (void)data;
  (void)bytes;
#endif
}

void use_huge_page_heap(std::size_t pad) {
#if defined(__linux__) && defined(__GLIBC__) && defined(MADV_HUGEPAGE)
  constexpr int kMmapThreshold = 1 << 20;
  // mallopt takes ints, and the trim threshold is twice the step.
  const auto step = static_cast<int>(std::min<std::size_t>(pad, std::size_t{1} << 29));
  // Setting any of these also stops glibc from adjusting the mmap
  // threshold itself, so the threshold is set too.
  if (mallopt(M_TOP_PAD, step) == 0 || mallopt(M_MMAP_THRESHOLD, kMmapThreshold) == 0 ||
      mallopt(M_TRIM_THRESHOLD, 2 * step) == 0)
    return;
  // A block the heap's free top cannot hold grows the heap by `pad` past
  // it; everything from the block to the new end is untouched.
  void* block = std::malloc(kMmapThreshold / 2);
  if (block == nullptr) return;
  const auto* end = static_cast<const char*>(sbrk(0));
  const auto* begin = static_cast<const char*>(block);
  if (end > begin) advise_huge_pages(block, static_cast<std::size_t>(end - begin));
  std::free(block);
#else
  (void)pad;
#endif
}

}  // namespace incubsim
