#pragma once
// `incubsim sweep plan|run|merge`: one file per verb, registered under the
// `sweep` subcommand.
#include "cli/commands.hpp"

namespace incubsim::cli {

Registered add_sweep_plan(CLI::App& sweep, const Context& ctx);
Registered add_sweep_run(CLI::App& sweep, const Context& ctx);
Registered add_sweep_merge(CLI::App& sweep, const Context& ctx);
Registered add_sweep_status(CLI::App& sweep, const Context& ctx);

}  // namespace incubsim::cli
