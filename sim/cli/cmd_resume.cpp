// `incubsim resume`: finish a run from its checkpoint.
#include <iostream>
#include <thread>

#include "checkpoint/checkpoint_file.hpp"
#include "cli/checkpoint_options.hpp"
#include "cli/commands.hpp"
#include "cli/progress.hpp"
#include "cli/signals.hpp"
#include "cli/summary.hpp"

namespace incubsim::cli {
namespace {

struct ResumeArgs {
  std::string checkpoint;
  std::string output;
  int threads = 0;
  bool quiet = false;
  bool timings = false;
  int checkpoint_every = 0;
  std::string new_checkpoint;
};

int resume(const ResumeArgs& a, const Context& ctx) {
  ResumeRequest request;
  request.checkpoint = a.checkpoint;
  request.output = a.output;
  request.threads = a.threads > 0 ? a.threads : std::max(1u, std::thread::hardware_concurrency());
  request.command_line = ctx.command_line;
  request.stop = &install_stop_handlers();
  if (a.checkpoint_every > 0) request.checkpoint_every = a.checkpoint_every;
  request.new_checkpoint = a.new_checkpoint;
  const checkpoint::Header header = checkpoint::read_header(request.checkpoint);
  RunSummary summary;
  {
    ProgressBar bar(!a.quiet, "resuming");
    summary = resume_from_checkpoint(request, &bar);
  }
  if (!a.quiet) {
    const auto& p = header.provenance;
    std::cout << "incubsim resume: " << p.scenario_name << ", seed " << p.seed << ", " << p.quarters
              << " quarters recorded after " << p.burn_in << " burn-in, resumed at quarter "
              << header.next_quarter << " with " << request.threads << " thread(s)\n\n";
  }
  print_finished_run(summary, a.quiet, a.timings);
  return 0;
}

}  // namespace

Registered add_resume(CLI::App& app, const Context& ctx) {
  auto args = std::make_shared<ResumeArgs>();
  CLI::App* sub = app.add_subcommand(
      "resume",
      "Finish an interrupted run from its checkpoint; the output is bit-identical to an "
      "uninterrupted run's, and the checkpoint is removed once it is written");
  sub->add_option("checkpoint", args->checkpoint, "Checkpoint written by `run` or `resume`")
      ->required()
      ->type_name("CHECKPOINT.h5");
  sub->add_option("-o,--output", args->output,
                  "Result file (default: the path the interrupted run was writing)")
      ->type_name("OUT.h5");
  sub->add_option("--threads", args->threads,
                  "Worker threads (default: all cores; results do not depend on it)")
      ->check(CLI::Range(1, 4096));
  sub->add_flag("-q,--quiet", args->quiet, "Print nothing but errors");
  sub->add_flag("--timings", args->timings, "Print where the wall time of this part went");
  add_checkpoint_options(*sub, args->checkpoint_every, args->new_checkpoint);
  return {sub, [args, &ctx] { return resume(*args, ctx); }};
}

}  // namespace incubsim::cli
