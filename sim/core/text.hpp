#pragma once
// Small text helpers shared by the scenario validator and the CLI.
#include <string>
#include <string_view>
#include <vector>

namespace incubsim {

/// Levenshtein distance (insertions, deletions, substitutions).
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word`, or "" if none is plausibly meant.
std::string nearest(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace incubsim
