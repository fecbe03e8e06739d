#pragma once
// The parameter registry: one entry per scenario key, bound to its field in a
// Scenario. It is the single description that the loader validates against,
// the printer writes out, `incubsim params` documents and the ODD lists, so
// that key, C++ field, range, unit and documentation cannot drift apart.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "scenario/scenario.hpp"

namespace incubsim {

enum class ParamType { boolean, integer, real, text_list, real_list };

std::string_view to_string(ParamType t);

using ParamTarget = std::variant<bool*, int*, std::int64_t*, double*, std::vector<std::string>*,
                                 std::vector<double>*>;

struct ParamSpec {
  std::string key;  // "section.field" or "funds.<type>.field"
  ParamTarget target;
  double min = -std::numeric_limits<double>::infinity();  // numbers and list elements
  double max = std::numeric_limits<double>::infinity();
  std::vector<std::string> choices;  // allowed values of text-list elements
  std::size_t min_items = 0;         // lists
  std::size_t max_items = 64;
  std::string unit;
  std::string doc;
  std::string source;  // where the default comes from

  ParamType type() const;
  /// "[0, 1]", "integer in [1, 2000]", "1 to 5 of: seed, series_a, ..."
  std::string range_text() const;
  /// The section part of the key ("funds.angel" for "funds.angel.hurdle").
  std::string section() const;
  /// The last component of the key.
  std::string name() const;
};

/// All parameters of `s`, in the order a resolved scenario prints them.
std::vector<ParamSpec> bind_params(Scenario& s);

/// A violated rule that involves several keys (e.g. list lengths that must
/// match). The loader blames whichever of `key` and `related` was set last,
/// so the user is sent to the line they most recently wrote.
struct ConsistencyIssue {
  std::string key;
  std::string message;  // a full sentence naming the keys involved
  std::vector<std::string> related = {};
};
std::optional<ConsistencyIssue> check_consistency(const Scenario& s);

}  // namespace incubsim
