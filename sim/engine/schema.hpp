#pragma once
// The output schema as documentation: every /timeseries metric, event kind
// and final-table column with its type, unit and meaning, generated from the
// same definitions the writer uses (docs/output-format.md embeds it).
#include <string>

namespace incubsim {

std::string format_output_schema_markdown();

}  // namespace incubsim
