#pragma once
// Internal to the registry: appending ParamSpecs, shared by the model's
// sections (params.cpp) and the policy sections (policy_params.cpp).
#include <string>
#include <vector>

#include "scenario/params.hpp"

namespace incubsim {

// Sources of defaults used by both registries. "assumption" means an
// order-of-magnitude choice made for a generic region, to be replaced by
// calibration (scenarios/ouhai).
inline constexpr const char* kAssumption = "assumption";
inline constexpr const char* kOuhai000 = "Ouhai S&T bureau report, shared/reference/seeds/000";

class ParamTable {
 public:
  explicit ParamTable(std::vector<ParamSpec>& out) : out_(out) {}

  ParamSpec& add(std::string key, ParamTarget target, double lo, double hi, std::string unit,
                 std::string doc, std::string source);

 private:
  std::vector<ParamSpec>& out_;
};

/// Names of the financing rounds, the allowed values of round lists.
const std::vector<std::string>& round_names();

/// Registers [policy.<name>] for every instrument.
void bind_policy_params(ParamTable& t, PolicyParams& p);

}  // namespace incubsim
