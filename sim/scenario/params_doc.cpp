// format_params_markdown: the registry as a markdown table (for
// `incubsim params` and docs/ODD.md).
#include "scenario/loader.hpp"
#include "scenario/params.hpp"
#include "scenario/value_text.hpp"

namespace incubsim {
namespace {

// A table cell: '|' would end the cell, a newline the row.
std::string cell(const std::string& s) {
  std::string out;
  for (const char c : s) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out += ' ';
    else
      out += c;
  }
  return out;
}

}  // namespace

std::string format_params_markdown() {
  Scenario defaults;
  const std::vector<ParamSpec> specs = bind_params(defaults);
  std::string out =
      "| key | default | range | unit | meaning | source of default |\n"
      "|---|---|---|---|---|---|\n";
  for (const auto& p : specs) {
    out += "| `" + p.key + "` | `" + cell(toml_value(p.target)) + "` | " + cell(p.range_text()) +
           " | " + cell(p.unit) + " | " + cell(p.doc) + " | " + cell(p.source) + " |\n";
  }
  return out;
}

}  // namespace incubsim
