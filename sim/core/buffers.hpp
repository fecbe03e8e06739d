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

/// v = n copies of `value`, keeping v's storage when it is large enough
/// and otherwise growing it by at least half.
template <class T>
void assign_reusing(std::vector<T>& v, std::size_t n, const T& value) {
  if (n > v.capacity()) {
    v.clear();
    v.reserve(std::max(n, v.capacity() + v.capacity() / 2));
  }
  v.assign(n, value);
}

}  // namespace incubsim
