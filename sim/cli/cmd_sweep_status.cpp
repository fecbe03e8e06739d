// `incubsim sweep status DIR`: how far a sweep is, and why runs failed.
#include <cstdio>

#include "cli/sweep_commands.hpp"
#include "sweep/run_status.hpp"

namespace incubsim::cli {

Registered add_sweep_status(CLI::App& sweep, const Context&) {
  struct Args {
    std::string dir;
    int show = 10;
  };
  auto args = std::make_shared<Args>();
  CLI::App* sub = sweep.add_subcommand(
      "status", "Count a sweep's runs done, failed and to do, and show why runs failed");
  sub->add_option("dir", args->dir, "Sweep directory")->required();
  sub->add_option("--show", args->show, "Failed runs to list with their errors (default 10)")
      ->check(CLI::Range(0, 1000000));
  return {sub, [args] {
            const Manifest m = read_manifest(args->dir);
            SweepTally t;
            runs_to_do(args->dir, m, Shard{}, false, &t);
            std::printf("sweep %s (%s): %lld runs: %lld done, %lld failed, %lld to do\n",
                        args->dir.c_str(), m.spec_name.c_str(), static_cast<long long>(t.total),
                        static_cast<long long>(t.done), static_cast<long long>(t.failed),
                        static_cast<long long>(t.pending));
            int shown = 0;
            for (const auto& run : m.runs) {
              if (shown >= args->show) break;
              const auto error = read_failure(args->dir, run.run_id);
              if (!error) continue;
              std::printf("  run %lld (point %lld, replicate %d) failed: %s\n",
                          static_cast<long long>(run.run_id), static_cast<long long>(run.point_id),
                          run.replicate, error->c_str());
              ++shown;
            }
            if (t.failed > shown)
              std::printf("  ... and %lld more\n", static_cast<long long>(t.failed - shown));
            return 0;
          }};
}

}  // namespace incubsim::cli
