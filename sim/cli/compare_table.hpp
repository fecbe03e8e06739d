#pragma once
// The terminal table of a paired comparison, shared by `incubsim compare`
// (from the results in memory) and `incubsim info` (from a compare file).
#include <ostream>
#include <string>
#include <vector>

namespace incubsim::cli {

struct EffectLine {
  std::string label;     // "firms alive at the end"
  std::string unit;      // "firms"
  std::string per_unit;  // "extra surviving firm"; empty: not costed
  double mean_base = 0, mean_policy = 0, effect = 0, ci_low = 0, ci_high = 0;
  double cost = 0, cost_low = 0, cost_high = 0;
  std::string cost_status;  // CostStatus name
};

/// One line per outcome (base mean, policy mean, effect [95 % CI]), then
/// government spend per extra unit for the costed outcomes.
void print_effects_table(std::ostream& out, const std::vector<EffectLine>& lines);

/// `incubsim info` of a comparison file: provenance, groups and the table.
int print_compare_info(std::ostream& out, const std::string& file);

}  // namespace incubsim::cli
