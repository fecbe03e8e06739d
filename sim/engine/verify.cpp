#include "engine/verify.hpp"

#include <unistd.h>

#include <chrono>

#include "core/errors.hpp"
#include "scenario/loader.hpp"

namespace incubsim {

const std::vector<std::string>& verify_ignored_attributes() {
  // When and where it ran, and which build ran it: the data must match
  // regardless, which is the point of verifying.
  static const std::vector<std::string> ignored = {"start_time",   "end_time", "threads",
                                                   "command_line", "hostname", "incubsim_version",
                                                   "resumed",      "git_sha"};
  return ignored;
}

VerifyResult verify_run(const std::filesystem::path& file, std::optional<int> threads,
                        const std::filesystem::path& scratch_dir, RunObserver* observer,
                        const std::atomic<bool>* stop) {
  const auto start = std::chrono::steady_clock::now();
  VerifyResult result;
  const output::RunFileInfo info = output::read_run_info(file);
  result.recorded = info.provenance;
  result.threads = threads.value_or(info.provenance.threads);

  RunRequest request;
  try {
    request.scenario =
        parse_scenario(info.provenance.scenario, file.string() + " (recorded scenario)", {}, {});
  } catch (const ScenarioError& e) {
    throw FormatError(file.string(), std::string("its recorded scenario no longer loads: ") +
                                         e.what() + "; it was written by incubsim " +
                                         info.provenance.incubsim_version);
  }
  request.scenario_name = info.provenance.scenario_name;
  request.threads = result.threads;
  request.command_line = info.provenance.command_line;
  request.stop = stop;
  request.output = scratch_dir /
                   ("incubsim-verify-" + std::to_string(getpid()) + "-" + file.filename().string());
  struct Cleanup {
    std::filesystem::path path;
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove(path, ec);
    }
  } cleanup{request.output};
  run_to_file(request, observer);
  result.differences = output::compare_runs(file, request.output, verify_ignored_attributes());
  result.datasets_compared = info.datasets.size();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace incubsim
