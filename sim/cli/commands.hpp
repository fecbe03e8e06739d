#pragma once
// One file per subcommand. Each registers its options on the app and
// returns the function that runs it once parsing succeeded.
#include <CLI/CLI.hpp>
#include <functional>
#include <string>

namespace incubsim::cli {

using Command = std::function<int()>;

struct Registered {
  CLI::App* app;
  Command run;
};

/// What every command may need from the front end; owned by main().
struct Context {
  std::string command_line;  // as typed, for provenance
};

Registered add_run(CLI::App& app, const Context& ctx);
Registered add_resume(CLI::App& app, const Context& ctx);
Registered add_check(CLI::App& app, const Context& ctx);
Registered add_info(CLI::App& app, const Context& ctx);
Registered add_verify(CLI::App& app, const Context& ctx);
Registered add_params(CLI::App& app, const Context& ctx);
Registered add_schema(CLI::App& app, const Context& ctx);
Registered add_sweep(CLI::App& app, const Context& ctx);
Registered add_compare(CLI::App& app, const Context& ctx);

}  // namespace incubsim::cli
