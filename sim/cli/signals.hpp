#pragma once
// SIGINT and SIGTERM (Slurm's time limit) ask a running command to stop at
// the next quarter boundary; it then exits with ExitCode::interrupted and
// leaves no output behind.
#include <atomic>

namespace incubsim::cli {

/// Installs the handlers (once) and returns the flag they set.
const std::atomic<bool>& install_stop_handlers();

}  // namespace incubsim::cli
