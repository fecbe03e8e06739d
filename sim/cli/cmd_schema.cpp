// `incubsim schema`: the result file's metrics, event kinds and table
// columns as markdown (docs/output-format.md embeds this output).
#include <iostream>

#include "cli/commands.hpp"
#include "engine/schema.hpp"

namespace incubsim::cli {

Registered add_schema(CLI::App& app, const Context&) {
  CLI::App* sub = app.add_subcommand(
      "schema", "List every /timeseries metric, event kind and table column as markdown");
  return {sub, [] {
            std::cout << format_output_schema_markdown();
            return 0;
          }};
}

}  // namespace incubsim::cli
