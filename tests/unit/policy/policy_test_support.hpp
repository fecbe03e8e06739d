#pragma once
// Runs a scenario to a file and reads its series back, for policy tests.
#include <numeric>
#include <string>
#include <vector>

#include "engine/run.hpp"
#include "engine/verify.hpp"
#include "output/run_reader.hpp"
#include "test_support.hpp"

namespace incubsim::testing {

class PolicyRun {
 public:
  PolicyRun(const ScratchDir& dir, const std::string& name, const Scenario& sc, int threads = 2) {
    RunRequest r;
    r.scenario = sc;
    r.scenario_name = name;
    r.threads = threads;
    r.output = dir / (name + ".h5");
    run_to_file(r);
    path_ = r.output;
  }
  const std::filesystem::path& path() const { return path_; }
  std::vector<double> column(const std::string& dataset) const {
    return output::read_column(path_, dataset);
  }
  double sum(const std::string& dataset) const {
    const auto v = column(dataset);
    return std::accumulate(v.begin(), v.end(), 0.0);
  }
  double last(const std::string& dataset) const { return column(dataset).back(); }

 private:
  std::filesystem::path path_;
};

/// Every difference between the files of two runs of the same scenario
/// (threads, times and host ignored), one per line; empty when identical.
inline std::string differences(const PolicyRun& a, const PolicyRun& b) {
  std::string text;
  for (const auto& d : output::compare_runs(a.path(), b.path(), verify_ignored_attributes()))
    text += d.path + ": " + d.what + "\n";
  return text;
}

/// Attributes that differ between two arms of a comparison by design.
inline std::vector<std::string> arm_attributes() {
  return {"start_time",       "end_time", "threads",  "command_line", "hostname",
          "incubsim_version", "git_sha",  "scenario", "scenario_name"};
}

}  // namespace incubsim::testing
