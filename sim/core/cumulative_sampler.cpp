#include "core/cumulative_sampler.hpp"

#include <algorithm>
#include <stdexcept>

namespace incubsim {

CumulativeSampler::CumulativeSampler(const std::vector<double>& weights)
    : weights_(weights.size()), cumulative_(weights.size() + 1, 0.0) {
  if (weights.size() >= UINT32_MAX) throw std::length_error("CumulativeSampler: too many weights");
  for (std::size_t i = 0; i < weights.size(); ++i) {
    weights_[i] = std::max(weights[i], 0.0);
    cumulative_[i + 1] = cumulative_[i] + weights_[i];
  }
  if (weights.empty() || total() <= 0) return;
  // One entry per weight: a draw then scans about one entry on average.
  // Each entry only picks where a search starts, so rounding in the bucket
  // arithmetic can cost a step, never a wrong answer.
  guide_.resize(weights.size());
  scale_ = static_cast<double>(guide_.size()) / total();
  std::size_t pos = 0;
  for (std::size_t b = 0; b < guide_.size(); ++b) {
    const double u = static_cast<double>(b) / scale_;
    while (pos < weights_.size() && cumulative_[pos + 1] <= u) ++pos;
    guide_[b] = static_cast<std::uint32_t>(pos);
  }
}

std::size_t CumulativeSampler::find(double u) const {
  const std::size_t n = weights_.size();
  std::size_t pos = 0;
  if (!guide_.empty()) {
    const double bucket = u * scale_;
    pos = bucket <= 0 ? 0
          : bucket >= static_cast<double>(guide_.size() - 1)
              ? guide_.back()
              : guide_[static_cast<std::size_t>(bucket)];
  }
  // pos: how many items have a cumulative weight <= u.
  while (pos > 0 && cumulative_[pos] > u) --pos;
  while (pos < n && cumulative_[pos + 1] <= u) ++pos;
  // As FenwickSampler::find: skip the zero weights rounding could land on.
  std::size_t i = pos < n ? pos : n - 1;
  while (i < n && weights_[i] <= 0) ++i;
  if (i >= n) {
    i = n;
    while (i-- > 0)
      if (weights_[i] > 0) break;
  }
  return i;
}

}  // namespace incubsim
