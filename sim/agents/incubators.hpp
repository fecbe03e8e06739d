#pragma once
// Incubators: capacity, service quality, operator type and tier.
#include <cstdint>
#include <vector>

#include "core/ids.hpp"
#include "core/random.hpp"
#include "scenario/scenario.hpp"

namespace incubsim {

enum class Operator : std::uint8_t { government = 0, professional = 1 };

struct NewIncubator {
  LineageKey key = 0;
  std::int32_t capacity = 1;
  double service_quality = 0.5;
  Operator op = Operator::government;
  Tier tier = Tier::municipal;
};

struct IncubatorStore {
  std::vector<LineageKey> key;
  std::vector<std::uint32_t> vertex;
  std::vector<std::int32_t> capacity;
  std::vector<double> service_quality;  // in [0, 1]
  std::vector<Operator> op;
  std::vector<Tier> tier;
  std::vector<std::int32_t> tenants;  // current
  std::vector<std::int32_t> admitted_total;
  std::vector<std::int32_t> graduated_total;
  std::vector<std::int32_t> left_total;      // left at max stay or on death
  std::vector<std::int32_t> graduated_year;  // since the last tier review
  std::vector<double> policy_quality_boost;  // service quality added by policy now

  /// Service quality tenants receive now (base plus policy, at most 1).
  double effective_quality(std::size_t i) const {
    const double q = service_quality[i] + policy_quality_boost[i];
    return q < 1.0 ? q : 1.0;
  }

  std::size_t size() const { return key.size(); }
  AgentId add(const NewIncubator& n);
  template <class F>
  void for_each_column(F&& f) {
    f(key), f(vertex), f(capacity), f(service_quality), f(op), f(tier), f(tenants);
    f(admitted_total), f(graduated_total), f(left_total), f(graduated_year);
    f(policy_quality_boost);
  }
};

std::string_view to_string(Operator o);

}  // namespace incubsim
