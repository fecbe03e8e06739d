#pragma once
// Weighted sampling with updates in O(log n): a Fenwick (binary indexed)
// tree over non-negative weights. Used where agents pick among many others
// by weight while the weights change (free incubator places, for example).
#include <cstddef>
#include <vector>

namespace incubsim {

class FenwickSampler {
 public:
  explicit FenwickSampler(const std::vector<double>& weights);

  double total() const { return total_; }
  double weight(std::size_t i) const { return weights_[i]; }
  void set(std::size_t i, double w);
  /// The index whose cumulative interval contains u, for u in [0, total()).
  std::size_t find(double u) const;

 private:
  std::vector<double> tree_;  // 1-based partial sums
  std::vector<double> weights_;
  double total_ = 0.0;
  std::size_t top_bit_ = 0;
};

}  // namespace incubsim
