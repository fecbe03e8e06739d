#pragma once
// Internal to the registry: appending ParamSpecs, shared by the model's
// sections (params.cpp) and the policy sections (policy_params.cpp).
#include <string>
#include <vector>

#include "scenario/params.hpp"

namespace incubsim {

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
