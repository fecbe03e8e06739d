#include "core/fenwick.hpp"

namespace incubsim {

FenwickSampler::FenwickSampler(const std::vector<double>& weights)
    : tree_(weights.size() + 1, 0.0), weights_(weights.size(), 0.0) {
  top_bit_ = 1;
  while (top_bit_ * 2 <= weights.size()) top_bit_ *= 2;
  for (std::size_t i = 0; i < weights.size(); ++i) set(i, weights[i]);
}

void FenwickSampler::set(std::size_t i, double w) {
  if (w < 0) w = 0;
  const double delta = w - weights_[i];
  weights_[i] = w;
  total_ += delta;
  for (std::size_t k = i + 1; k < tree_.size(); k += k & (~k + 1)) tree_[k] += delta;
}

std::size_t FenwickSampler::find(double u) const {
  // Descend from the highest power of two: classic Fenwick search for the
  // first prefix sum exceeding u.
  std::size_t pos = 0;
  for (std::size_t step = top_bit_; step > 0; step /= 2) {
    const std::size_t next = pos + step;
    if (next < tree_.size() && tree_[next] <= u) {
      pos = next;
      u -= tree_[next];
    }
  }
  // pos is the count of items whose cumulative weight is <= u; skip any
  // zero-weight items rounding could land on.
  std::size_t i = pos < weights_.size() ? pos : weights_.size() - 1;
  while (i < weights_.size() && weights_[i] <= 0) ++i;
  if (i >= weights_.size()) {
    i = weights_.size();
    while (i-- > 0)
      if (weights_[i] > 0) break;
  }
  return i;
}

}  // namespace incubsim
