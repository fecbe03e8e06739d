#pragma once
#include <ostream>

#include "engine/run.hpp"

namespace incubsim::cli {

/// The short table `incubsim run` prints: key stocks and flows at a few
/// quarters, and totals over the run.
void print_run_summary(std::ostream& out, const RunSummary& summary);

/// What `run` and `resume` print after the run line: the summary table and
/// the file written (unless quiet), then the wall times if asked.
void print_finished_run(const RunSummary& summary, bool quiet, bool timings);

/// Where the run's wall time went: each phase, the metrics, the output and
/// the rest (`incubsim run --timings`).
void print_wall_times(std::ostream& out, const WallTimes& times);

}  // namespace incubsim::cli
