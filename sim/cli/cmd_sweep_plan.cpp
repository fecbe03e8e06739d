// `incubsim sweep plan SWEEP.toml -o DIR`: write the manifest of a sweep.
#include <iostream>

#include "cli/sweep_commands.hpp"
#include "sweep/manifest.hpp"

namespace incubsim::cli {

Registered add_sweep_plan(CLI::App& sweep, const Context&) {
  struct Args {
    std::string file;
    std::string dir;
  };
  auto args = std::make_shared<Args>();
  CLI::App* sub = sweep.add_subcommand(
      "plan", "Read a sweep file and write its plan (design points, runs, seeds) into a directory");
  sub->add_option("sweep", args->file, "Sweep TOML file (scenarios/sweeps/*.toml)")->required();
  sub->add_option("-o,--output", args->dir, "Directory for the plan and the runs' results")
      ->required()
      ->type_name("DIR");
  return {sub, [args] {
            const SweepSpec spec = load_sweep_spec(args->file);
            const Manifest m = plan_sweep(spec);
            write_plan(args->dir, m);
            std::cout << "planned " << m.runs.size() << " runs (" << m.points.size() << " points x "
                      << m.replicates << " replicates, " << to_string(m.design) << " design, "
                      << m.parameters.size() << " parameters) in " << args->dir << "\n";
            return 0;
          }};
}

}  // namespace incubsim::cli
