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

/// Process-wide: makes malloc's heap grow in `pad`-byte steps and keep
/// freed memory, serves requests below 1 MiB from the heap, and asks for
/// huge pages on the heap's untouched part. A small run's tens of thousands
/// of small and medium blocks (HDF5's metadata, per-quarter buffers) are
/// then first touched a huge page at a time instead of a 4 KiB page at a
/// time; in a VM each fault costs microseconds, a tenth of an Ouhai run.
/// For a program's main() only, before it allocates much: it changes how
/// every later allocation is served. Only the main thread's heap grows in
/// the advised range. glibc on Linux; elsewhere it does nothing.
void use_huge_page_heap(std::size_t pad);

/// Faults in the pages of [data, data + bytes) now, zeroed and writable,
/// a 2 MiB block per task on the caller's TBB threads (MADV_POPULATE_WRITE,
/// Linux 5.14+). For memory about to be written by a serial loop: its page
/// faults (the kernel zeroing each page; in a VM, the host backing it) are
/// then shared by the threads instead of left to one. Changes no contents;
/// does nothing where unsupported.
void populate_pages(const void* data, std::size_t bytes);

/// The same for a vector's reserved capacity.
template <class T>
void advise_huge_pages(const std::vector<T>& v) {
  advise_huge_pages(v.data(), v.capacity() * sizeof(T));
}

/// A range of memory, as an address and a length.
struct PageSpan {
  const void* data = nullptr;
  std::size_t bytes = 0;
};

/// The memory that growing v by n elements will first touch, as far as its
/// reserved capacity goes (empty past it: growing there reallocates).
template <class T>
PageSpan growth_span(const std::vector<T>& v, std::size_t n) {
  const std::size_t room = v.capacity() - v.size();
  return {reinterpret_cast<const char*>(v.data()) + v.size() * sizeof(T),
          (n < room ? n : room) * sizeof(T)};
}

inline void populate_pages(PageSpan span) {
  populate_pages(span.data, span.bytes);
}

}  // namespace incubsim
