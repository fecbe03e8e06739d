#pragma once
// Reused per-quarter buffers. The populations they are sized by (alive
// firms, graph vertices) grow a little every quarter, and std::vector's
// assign() reallocates to exactly the new size: at national scale that
// meant a fresh 30-45 MB mapping, zeroed page by page by the kernel, every
// quarter. Growing capacity by half instead reallocates only now and then.
#include <algorithm>
#include <cstddef>
#include <vector>

namespace incubsim {

/// Room for n elements in v, growing its storage by at least half when
/// it must grow (clearing it first, so nothing is copied).
template <class T>
void reserve_reusing(std::vector<T>& v, std::size_t n) {
  if (n > v.capacity()) {
    v.clear();
    v.reserve(std::max(n, v.capacity() + v.capacity() / 2));
  }
}

/// v = n copies of `value`, keeping v's storage when it is large enough.
template <class T>
void assign_reusing(std::vector<T>& v, std::size_t n, const T& value) {
  reserve_reusing(v, n);
  v.assign(n, value);
}

/// v sized to n, keeping v's storage, for a caller that writes every
/// element itself (in a parallel loop, say): elements kept from before
/// hold stale values.
template <class T>
void resize_reusing(std::vector<T>& v, std::size_t n) {
  reserve_reusing(v, n);
  v.resize(n);
}

}  // namespace incubsim
