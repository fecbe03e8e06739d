#pragma once
// Storing one TOML value into one registry parameter, with every check the
// registry asks for: type, finiteness, range, list length and choices.
#include <toml++/toml.h>

#include <string>

#include "scenario/params.hpp"

namespace incubsim {

/// Where a value came from, for error messages: a file, whose TOML nodes
/// carry line numbers, or a command-line override, which has none.
struct ValueSource {
  std::string file;
  bool has_lines = true;

  int line_of(const toml::node& n) const {
    return has_lines ? static_cast<int>(n.source().begin.line) : 0;
  }
};

/// Checks `value` against `spec` and stores it in the field `spec` is bound
/// to. Throws ScenarioError naming the source, line, key and allowed range;
/// on error the field is unchanged.
void assign_param(const ParamSpec& spec, const toml::node& value, const ValueSource& source);

/// A short description of a TOML value for messages: "the string \"x\"".
std::string describe_value(const toml::node& n);

}  // namespace incubsim
