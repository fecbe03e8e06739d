// `incubsim compare`: a paired policy comparison of two scenarios over
// replicates with common random numbers; effects with 95 % intervals and
// cost per unit of effect, to an HDF5 file and a terminal table.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

#include "cli/commands.hpp"
#include "cli/compare_table.hpp"
#include "cli/progress.hpp"
#include "cli/signals.hpp"
#include "engine/compare.hpp"
#include "scenario/loader.hpp"

namespace incubsim::cli {
namespace {

struct CompareArgs {
  std::string base_file;
  std::string policy_file;
  std::vector<std::string> sets;
  std::string output;
  int replicates = 0;
  int threads = 0;
  std::optional<int> quarters;
  int bootstrap = 2000;
  bool independent_seeds = false;
  bool quiet = false;
};

std::string default_output(const CompareArgs& a) {
  return std::filesystem::path(a.base_file).stem().string() + "-vs-" +
         std::filesystem::path(a.policy_file).stem().string() + ".h5";
}

std::vector<EffectLine> effect_lines(const CompareResult& r) {
  std::vector<EffectLine> lines;
  const auto& defs = outcome_defs();
  for (std::size_t o = 0; o < defs.size(); ++o) {
    const Effect& e = r.effects[o];
    lines.push_back({defs[o].label, defs[o].unit, defs[o].per_unit, e.mean_base, e.mean_policy,
                     e.effect, e.ci_low, e.ci_high, e.cost_per_unit, e.cost_ci_low, e.cost_ci_high,
                     std::string(to_string(e.cost_status))});
  }
  return lines;
}

int compare(const CompareArgs& a, const Context& ctx) {
  // --quarters wins over --set, as in `incubsim run`; both apply to both arms.
  std::vector<std::string> overrides = a.sets;
  if (a.quarters) overrides.push_back("simulation.quarters=" + std::to_string(*a.quarters));
  CompareRequest request;
  request.base = load_scenario(a.base_file, overrides);
  request.policy = load_scenario(a.policy_file, overrides);
  request.base_name = a.base_file;
  request.policy_name = a.policy_file;
  request.replicates = a.replicates;
  request.threads = a.threads > 0 ? a.threads : std::max(1u, std::thread::hardware_concurrency());
  request.bootstrap_resamples = a.bootstrap;
  request.common_random_numbers = !a.independent_seeds;
  request.stop = &install_stop_handlers();
  const std::filesystem::path output = a.output.empty() ? default_output(a) : a.output;
  CompareResult result;
  {
    ProgressBar bar(!a.quiet, "comparing", "runs");
    result = compare_to_file(request, output, ctx.command_line, &bar);
  }
  if (a.quiet) return 0;
  const auto& sim = request.base.simulation;
  std::cout << "incubsim compare: " << request.base_name << " (base) vs " << request.policy_name
            << " (policy)\n"
            << "  " << request.replicates << " replicates x 2 arms, "
            << (request.common_random_numbers
                    ? "common random numbers (both arms of a replicate share its seed)"
                    : "independent seeds per arm (no common random numbers)")
            << ", seeds derived from " << sim.seed << "\n"
            << "  " << sim.quarters << " quarters recorded after " << sim.burn_in << " burn-in, "
            << request.threads << " thread(s)\n";
  std::cout << "  arms differ in: ";
  if (result.differing_keys.empty()) std::cout << "nothing (identical scenarios)";
  for (std::size_t i = 0; i < result.differing_keys.size(); ++i)
    std::cout << (i ? ", " : "") << result.differing_keys[i];
  std::cout << "\n\n";
  print_effects_table(std::cout, effect_lines(result));
  std::printf(
      "\nmoney in M yuan (million yuan); flows summed over the recorded quarters; effect = policy "
      "- base,\nmean over replicate pairs; unpaired (Welch) intervals and every run are in the "
      "file.\nwrote %s in %.2f s\n",
      output.string().c_str(), result.seconds);
  return 0;
}

}  // namespace

Registered add_compare(CLI::App& app, const Context& ctx) {
  auto args = std::make_shared<CompareArgs>();
  CLI::App* sub = app.add_subcommand(
      "compare",
      "Paired policy comparison: run BASE and POLICY with the same per-replicate seeds (common "
      "random numbers) and report each outcome's effect with a 95 % interval and the government "
      "spend per extra unit");
  sub->add_option("base", args->base_file, "Scenario of the base arm (TOML)")
      ->required()
      ->type_name("BASE.toml");
  sub->add_option("policy", args->policy_file,
                  "Scenario of the policy arm (TOML); its simulation.seed is ignored")
      ->required()
      ->type_name("POLICY.toml");
  sub->add_option("-n,--replicates", args->replicates,
                  "Replicates per arm (pairs of runs); at least 2")
      ->required()
      ->check(CLI::Range(2, 100000));
  sub->add_option("-o,--output", args->output,
                  "Result file (default: <base name>-vs-<policy name>.h5)")
      ->type_name("OUT.h5");
  sub->add_option("--threads", args->threads,
                  "Worker threads, each running whole simulations (default: all cores; results "
                  "do not depend on it)")
      ->check(CLI::Range(1, 4096));
  sub->add_option("--quarters", args->quarters, "Quarters to record, in both arms")
      ->check(CLI::Range(1, 2000));
  sub->add_option("--set", args->sets,
                  "Override one key in both arms, e.g. --set firms.fixed_cost=0.05 (repeatable)")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);
  sub->add_option("--bootstrap", args->bootstrap,
                  "Bootstrap resamples for the cost-per-unit intervals")
      ->check(CLI::Range(100, 1000000));
  sub->add_flag("--independent-seeds", args->independent_seeds,
                "Give the policy arm its own seeds (no common random numbers), only to see what "
                "pairing gains");
  sub->add_flag("-q,--quiet", args->quiet, "Print nothing but errors");
  return {sub, [args, &ctx] { return compare(*args, ctx); }};
}

}  // namespace incubsim::cli
