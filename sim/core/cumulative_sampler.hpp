#pragma once
// Weighted sampling over fixed weights in O(1) expected time: the inverse
// of the cumulative weights in index order, with a guide table that starts
// each search at or next to its answer. For draws that are many (one per
// applicant, hundreds of thousands a quarter) against weights that do not
// change while they are drawn; FenwickSampler serves changing weights.
//
// find() returns what FenwickSampler::find returns for the same weights
// whenever their sums are exact (integer weights, as admission's are): both
// take the first index whose cumulative weight exceeds u, skipping zero
// weights the same way.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace incubsim {

class CumulativeSampler {
 public:
  /// Negative weights count as zero.
  explicit CumulativeSampler(const std::vector<double>& weights);

  double total() const { return cumulative_.back(); }
  /// The index whose cumulative interval contains u, for u in [0, total()).
  std::size_t find(double u) const;

 private:
  std::vector<double> weights_;
  std::vector<double> cumulative_;    // [k]: weights 0..k-1 summed in order
  std::vector<std::uint32_t> guide_;  // [b]: the answer near u = b / scale_
  double scale_ = 0.0;                // guide entries per unit of weight
};

}  // namespace incubsim
