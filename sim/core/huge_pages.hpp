#pragma once
// Transparent huge pages on request. Buffers reserved for a whole run (the
// firm columns, the graph's vertex array) are first touched bit by bit as
// agents are born; with 4 KiB pages that is a page fault per 4 KiB, a tenth
// of a national run's time in a VM. Debian's kernels give huge pages only
// to ranges that ask (transparent_hugepage=madvise): this asks.
#include <cstddef>
#include <vector>

namespace incubsim {

/// Advises the kernel to back the whole 2 MiB pages inside [data, data +
/// bytes) with huge pages. A hint: does nothing where unsupported, and
/// changes no contents. At most the last, partly used huge page of a range
/// is memory touched early.
void advise_huge_pages(const void* data, std::size_t bytes);

/// The same for a vector's reserved capacity.
template <class T>
void advise_huge_pages(const std::vector<T>& v) {
  advise_huge_pages(v.data(), v.capacity() * sizeof(T));
}

}  // namespace incubsim
