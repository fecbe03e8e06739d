// `incubsim run`: run a scenario and write its HDF5 result.
#include <iostream>
#include <thread>

#include "cli/checkpoint_options.hpp"
#include "cli/commands.hpp"
#include "cli/progress.hpp"
#include "cli/scenario_args.hpp"
#include "cli/signals.hpp"
#include "cli/summary.hpp"
#include "core/errors.hpp"

namespace incubsim::cli {
namespace {

struct RunArgs {
  ScenarioArgs scenario;
  std::string output;
  std::optional<std::int64_t> seed;
  std::optional<int> quarters;
  int threads = 0;
  bool quiet = false;
  bool timings = false;
  int checkpoint_every = 0;
  std::string checkpoint;
};

std::string default_output(const ScenarioArgs& s) {
  if (s.file.empty()) return "baseline.h5";
  return std::filesystem::path(s.file).stem().string() + ".h5";
}

int run(const RunArgs& a, const Context& ctx) {
  std::vector<std::string> extra;
  // Flags win over --set so that `--seed 7` means seed 7 whatever else is set.
  if (a.seed) extra.push_back("simulation.seed=" + std::to_string(*a.seed));
  if (a.quarters) extra.push_back("simulation.quarters=" + std::to_string(*a.quarters));
  RunRequest request;
  request.scenario = a.scenario.load(extra);
  request.scenario_name = a.scenario.name();
  request.threads = a.threads > 0 ? a.threads : std::max(1u, std::thread::hardware_concurrency());
  request.output = a.output.empty() ? default_output(a.scenario) : a.output;
  request.command_line = ctx.command_line;
  request.stop = &install_stop_handlers();
  request.checkpoint_on_stop = true;
  request.checkpoint_every = a.checkpoint_every;
  request.checkpoint = a.checkpoint;
  RunSummary summary;
  {
    ProgressBar bar(!a.quiet, "running");
    summary = run_to_file(request, &bar);
  }
  if (!a.quiet) {
    const auto& sim = request.scenario.simulation;
    std::cout << "incubsim run: " << request.scenario_name << ", seed " << sim.seed << ", "
              << sim.quarters << " quarters recorded after " << sim.burn_in << " burn-in, "
              << request.threads << " thread(s)\n\n";
  }
  print_finished_run(summary, a.quiet, a.timings);
  return 0;
}

}  // namespace

Registered add_run(CLI::App& app, const Context& ctx) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* sub = app.add_subcommand("run", "Run a scenario and write its results to an HDF5 file");
  args->scenario.add_to(*sub);
  sub->add_option("-o,--output", args->output, "Result file (default: <scenario name>.h5)")
      ->type_name("OUT.h5");
  // The same range as simulation.seed (integers exactly representable as doubles).
  sub->add_option("--seed", args->seed, "Master random seed (same seed, same results)")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{9007199254740992}));
  sub->add_option("--threads", args->threads,
                  "Worker threads (default: all cores; results do not depend on it)")
      ->check(CLI::Range(1, 4096));
  sub->add_option("--quarters", args->quarters, "Quarters to record")->check(CLI::Range(1, 2000));
  sub->add_flag("-q,--quiet", args->quiet, "Print nothing but errors");
  add_checkpoint_options(*sub, args->checkpoint_every, args->checkpoint);
  sub->add_flag("--timings", args->timings,
                "Print where the wall time went: each phase, the metrics, the HDF5 output "
                "(also with -q)");
  return {sub, [args, &ctx] { return run(*args, ctx); }};
}

}  // namespace incubsim::cli
