// `incubsim verify`: re-run a result file's recorded scenario and report
// whether every dataset comes out bit-identical.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/progress.hpp"
#include "cli/signals.hpp"
#include "core/errors.hpp"
#include "core/version.hpp"
#include "engine/verify.hpp"

namespace incubsim::cli {
namespace {

struct VerifyArgs {
  std::string file;
  std::optional<int> threads;
  bool quiet = false;
};

int verify(const VerifyArgs& a) {
  VerifyResult r;
  {
    ProgressBar bar(!a.quiet, "verifying");
    const auto dir = std::filesystem::temp_directory_path();
    r = verify_run(a.file, a.threads, dir, &bar, &install_stop_handlers());
  }
  std::cout << "recorded by incubsim " << r.recorded.incubsim_version << " (git "
            << r.recorded.git_sha << "), seed " << r.recorded.seed << ", " << r.recorded.threads
            << " thread(s)\n";
  std::cout << "re-run with incubsim " << version() << " (git " << git_sha() << "), " << r.threads
            << " thread(s), in " << r.seconds << " s\n";
  if (r.identical()) {
    std::cout << "IDENTICAL: all " << r.datasets_compared << " datasets are bit-identical\n";
    return 0;
  }
  std::cout << "DIFFERENT: " << r.differences.size() << " difference(s)\n";
  for (const auto& d : r.differences) std::cout << "  " << d.path << ": " << d.what << "\n";
  return static_cast<int>(ExitCode::verify_mismatch);
}

}  // namespace

Registered add_verify(CLI::App& app, const Context&) {
  auto args = std::make_shared<VerifyArgs>();
  CLI::App* sub = app.add_subcommand(
      "verify",
      "Re-run the scenario, seed and options recorded in a result file and check that every "
      "dataset is bit-identical (exit 1 if not)");
  sub->add_option("file", args->file, "Result file written by incubsim run")
      ->required()
      ->type_name("OUT.h5");
  sub->add_option("--threads", args->threads, "Threads for the re-run (default: as recorded)")
      ->check(CLI::Range(1, 4096));
  sub->add_flag("-q,--quiet", args->quiet, "No progress bar");
  return {sub, [args] { return verify(*args); }};
}

}  // namespace incubsim::cli
