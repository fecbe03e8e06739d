#pragma once
// The scenario options shared by `run` and `check`.
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "scenario/scenario.hpp"

namespace incubsim::cli {

struct ScenarioArgs {
  std::string file;  // empty: the built-in baseline
  std::vector<std::string> sets;

  void add_to(CLI::App& app);
  /// Display name: the file, or "<built-in baseline>".
  std::string name() const;
  /// Loads and validates, applying `sets` and then `extra` overrides.
  Scenario load(const std::vector<std::string>& extra = {}) const;
};

}  // namespace incubsim::cli
