// `incubsim sweep`: parameter sweeps (plan, run, merge).
#include <vector>

#include "cli/sweep_commands.hpp"

namespace incubsim::cli {

Registered add_sweep(CLI::App& app, const Context& ctx) {
  CLI::App* sweep = app.add_subcommand(
      "sweep",
      "Parameter sweeps: plan a design into a directory, run it (locally, as Slurm array "
      "shards or under MPI), merge the results into one file");
  sweep->require_subcommand(1);
  auto verbs = std::make_shared<std::vector<Registered>>();
  // In the order a user needs them.
  verbs->push_back(add_sweep_plan(*sweep, ctx));
  verbs->push_back(add_sweep_run(*sweep, ctx));
  verbs->push_back(add_sweep_status(*sweep, ctx));
  verbs->push_back(add_sweep_merge(*sweep, ctx));
  return {sweep, [verbs] {
            for (const auto& v : *verbs)
              if (v.app->parsed()) return v.run();
            return 2;
          }};
}

}  // namespace incubsim::cli
