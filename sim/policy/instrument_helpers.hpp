#pragma once
// Small helpers shared by the incubator-support, guidance-fund, science-VP
// and talent-programme instruments: fixed lineage roots, yearly timing and
// whole counts from fractional yearly rates.
#include <cmath>

#include "core/random.hpp"
#include "core/schedule.hpp"
#include "scenario/policies.hpp"

namespace incubsim {

/// Lineage root of the agents and draws of instrument `k` (its index in the
/// PolicySet): a fixed constant, never derived from array sizes, so the
/// agents an instrument adds never shift anyone else's draws.
constexpr LineageKey instrument_root(int k) {
  return hash_combine(0x706f6c6963790000ULL /* "policy" */, static_cast<std::uint64_t>(k));
}

/// Whether an instrument takes its yearly actions in quarter q: the first
/// quarter of a simulated year (4k), or the instrument's own first quarter
/// when it starts in the middle of a year.
inline bool yearly_quarter(Quarter q, const PolicyCommon& p) {
  return q % 4 == 0 || q == p.start_quarter;
}

/// The integer part of a non-negative rate, plus one with probability its
/// fractional part (one draw from `s`, made whatever the rate).
inline int whole_count(double rate, Stream& s) {
  const double whole = std::floor(rate);
  const bool extra = s.bernoulli(rate - whole);
  return static_cast<int>(whole) + (extra ? 1 : 0);
}

}  // namespace incubsim
