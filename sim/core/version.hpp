#pragma once
#include <string_view>

namespace incubsim {
/// Semantic version of the simulator, e.g. "0.1.0".
std::string_view version();
/// Git commit the binary was built from ("-dirty" if the tree had changes).
std::string_view git_sha();
}  // namespace incubsim
