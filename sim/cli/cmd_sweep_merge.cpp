// `incubsim sweep merge DIR -o SWEEP.h5`: one file of every run of a sweep.
#include <cstdio>
#include <iostream>

#include "cli/signals.hpp"
#include "cli/sweep_commands.hpp"
#include "sweep/merge.hpp"

namespace incubsim::cli {

Registered add_sweep_merge(CLI::App& sweep, const Context& ctx) {
  struct Args {
    std::string dir;
    std::string output;
    std::string series = "copy";
    bool allow_missing = false;
    bool force = false;
    bool quiet = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* sub = sweep.add_subcommand(
      "merge",
      "Merge the runs of a sweep into one file: /runs (parameters, status), /summary (one row "
      "of metrics per run) and the per-quarter series. Refuses (exit status 6) if runs failed "
      "or are missing, unless --allow-missing");
  sub->add_option("dir", args->dir, "Sweep directory (written by incubsim sweep plan)")
      ->required()
      ->type_name("DIR");
  sub->add_option("-o,--output", args->output, "Merged file to write")
      ->required()
      ->type_name("SWEEP.h5");
  sub->add_option("--series", args->series,
                  "Per-quarter series: copy (into /series, self-contained), links (/run_files "
                  "links to the run files, which must stay beside it) or none")
      ->check(CLI::IsMember({"copy", "links", "none"}))
      ->capture_default_str();
  sub->add_flag("--allow-missing", args->allow_missing,
                "Merge although runs failed or are missing: their rows are NaN and /runs/status "
                "says why");
  sub->add_flag("--force", args->force, "Replace the output file if it exists");
  sub->add_flag("-q,--quiet", args->quiet, "Print nothing but warnings and errors");
  return {sub, [args, &ctx] {
            MergeOptions options;
            options.series = parse_series_layout(args->series);
            options.allow_missing = args->allow_missing;
            options.overwrite = args->force;
            options.command_line = ctx.command_line;
            options.stop = &install_stop_handlers();
            const MergeReport r = merge_sweep(args->dir, args->output, options);
            if (r.runs_failed > 0 || r.runs_missing > 0) {
              std::cerr << "incubsim: warning: merged an incomplete sweep, " << describe_counts(r)
                        << "; their rows are NaN and /runs/status says why\n";
              for (std::size_t i = 0; i < r.failed.size() && i < 5; ++i)
                std::cerr << "  run " << r.failed[i].run_id << " failed: "
                          << r.failed[i].error.substr(0, r.failed[i].error.find('\n')) << "\n";
            }
            if (args->quiet) return 0;
            std::cout << "merged " << r.sweep_name << ": " << describe_counts(r) << "\n";
            std::printf("wrote %s (%.1f MiB): %zu metrics x %zu quarters, series %s, in %.2f s\n",
                        args->output.c_str(), static_cast<double>(r.bytes) / (1024.0 * 1024.0),
                        r.metrics, r.quarters, std::string(to_string(r.series)).c_str(), r.seconds);
            return 0;
          }};
}

}  // namespace incubsim::cli
