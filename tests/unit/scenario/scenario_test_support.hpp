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

namespace incubsim::testing {

/// A fresh directory under the system temp directory, removed at the end.
class TempDir {
 public:
  TempDir() {
    std::string templ =
        (std::filesystem::temp_directory_path() / "incubsim-scenario-XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

  /// Writes `text` to `name` (relative to the directory) and returns its path.
  std::filesystem::path write(const std::string& name, const std::string& text) const {
    const auto p = path_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

 private:
  std::filesystem::path path_;
};

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
