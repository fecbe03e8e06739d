// `incubsim check`: validate a scenario and print it fully resolved.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/scenario_args.hpp"
#include "scenario/loader.hpp"

namespace incubsim::cli {

Registered add_check(CLI::App& app, const Context&) {
  auto args = std::make_shared<ScenarioArgs>();
  CLI::App* sub = app.add_subcommand(
      "check",
      "Validate a scenario and print it resolved (base chain and --set applied, every key shown)");
  args->add_to(*sub);
  return {sub, [args] {
            const Scenario s = args->load();
            std::cout << format_scenario(s,
                                         {"Resolved from " + args->name() + " by incubsim check."});
            std::cerr << "incubsim check: " << args->name() << " is valid\n";
            return 0;
          }};
}

}  // namespace incubsim::cli
