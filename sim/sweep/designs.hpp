#pragma once
// Experimental designs over the swept parameters. Points are deterministic
// given the spec (its seed keys every random choice).
#include <cstdint>
#include <vector>

#include "sweep/spec.hpp"

namespace incubsim {

/// One point of a design: the value of each parameter, plus the design's
/// bookkeeping (-1 where it does not apply).
struct DesignPoint {
  std::vector<double> values;  // one per parameter, in spec order
  int matrix = -1;             // saltelli: 0 = A, 1 = B, 2 + i = A with column i from B
  int base_index = -1;         // saltelli: row j of the base matrices
  int trajectory = -1;         // morris: trajectory
  int step = -1;               // morris: 0 = start, s = after the s-th move
  int moved = -1;              // morris: parameter index moved at this step
};

std::vector<DesignPoint> make_design(const SweepSpec& spec);

/// The first `n` points of the Sobol sequence in `dims` dimensions (Joe and
/// Kuo direction numbers, as in Boost.Random), skipping the all-zero point.
std::vector<std::vector<double>> sobol_points(int dims, int n);

/// Latin hypercube: n points, each dimension's n strata hit once.
std::vector<std::vector<double>> latin_hypercube(int dims, int n, std::uint64_t seed);

}  // namespace incubsim
