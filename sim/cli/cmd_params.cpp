// `incubsim params`: every scenario key with its default, range, unit,
// meaning and source (the table in docs/ODD.md is this output).
#include <iostream>

#include "cli/commands.hpp"
#include "scenario/loader.hpp"

namespace incubsim::cli {

Registered add_params(CLI::App& app, const Context&) {
  CLI::App* sub = app.add_subcommand("params", "List every scenario parameter as a markdown table");
  return {sub, [] {
            std::cout << format_params_markdown();
            return 0;
          }};
}

}  // namespace incubsim::cli
