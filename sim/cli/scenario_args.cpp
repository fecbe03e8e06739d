#include "cli/scenario_args.hpp"

#include "scenario/loader.hpp"

namespace incubsim::cli {

void ScenarioArgs::add_to(CLI::App& app) {
  app.add_option("scenario", file,
                 "Scenario TOML file (default: the built-in baseline, "
                 "identical to scenarios/baseline.toml)");
  app.add_option("--set", sets,
                 "Override one key, e.g. --set firms.fixed_cost=0.05 (repeatable; "
                 "values are TOML: numbers, true/false, [lists], \"strings\")")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);  // one value per --set, so a scenario file may follow
}

std::string ScenarioArgs::name() const {
  return file.empty() ? std::string(kBaselineSourceName) : file;
}

Scenario ScenarioArgs::load(const std::vector<std::string>& extra) const {
  std::vector<std::string> overrides = sets;
  overrides.insert(overrides.end(), extra.begin(), extra.end());
  return file.empty() ? load_default_scenario(overrides) : load_scenario(file, overrides);
}

}  // namespace incubsim::cli
