#pragma once
// TOML spellings of parameter values, shared by the scenario printer and the
// parameter documentation. Reals print in the shortest form that parses back
// to the same double, and always as TOML floats so that they stay reals.
#include <string>
#include <string_view>

#include "scenario/params.hpp"

namespace incubsim {

/// Shortest round-trip spelling of `v` as a TOML float: 2 prints as "2.0".
std::string toml_real(double v);

/// `s` as a TOML basic string, quoted and escaped.
std::string toml_string(std::string_view s);

/// The current value of a bound parameter as a TOML value (lists inline).
std::string toml_value(const ParamTarget& target);

}  // namespace incubsim
