#pragma once
// Helpers shared by the scenario tests: a scratch directory, comparison of
// scenarios through the registry, and capturing a ScenarioError.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "core/errors.hpp"
#include "scenario/params.hpp"
#include "scenario/scenario.hpp"
#include "test_support.hpp"

namespace incubsim::testing {

using TempDir = ScratchDir;

/// Bit-exact comparison of reals: 0.0 and -0.0 differ, as they print apart.
inline bool same_bits(double x, double y) {
  std::uint64_t a = 0, b = 0;
  std::memcpy(&a, &x, sizeof a);
  std::memcpy(&b, &y, sizeof b);
  return a == b;
}

/// True if two targets of the same parameter hold identical values.
inline bool same_value(const ParamTarget& a, const ParamTarget& b) {
  if (a.index() != b.index()) return false;
  if (const auto* x = std::get_if<double*>(&a)) return same_bits(**x, *std::get<double*>(b));
  if (const auto* x = std::get_if<std::vector<double>*>(&a)) {
    const auto& u = **x;
    const auto& v = *std::get<std::vector<double>*>(b);
    if (u.size() != v.size()) return false;
    for (std::size_t i = 0; i < u.size(); ++i)
      if (!same_bits(u[i], v[i])) return false;
    return true;
  }
  return std::visit(
      [&](auto* x) { return *x == *std::get<std::remove_reference_t<decltype(x)>>(b); }, a);
}

/// Keys whose values differ between `a` and `b`.
inline std::vector<std::string> differing_keys(Scenario a, Scenario b) {
  const auto pa = bind_params(a);
  const auto pb = bind_params(b);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < pa.size(); ++i)
    if (!same_value(pa[i].target, pb[i].target)) out.push_back(pa[i].key);
  return out;
}

/// Runs `f`, expecting a ScenarioError; returns it (or a default on failure).
template <class F>
ScenarioError scenario_error(F&& f) {
  try {
    f();
  } catch (const ScenarioError& e) {
    return e;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected ScenarioError, got: " << e.what();
    return ScenarioError("", 0, "", "wrong exception");
  }
  ADD_FAILURE() << "expected ScenarioError, nothing was thrown";
  return ScenarioError("", 0, "", "no exception");
}

}  // namespace incubsim::testing
