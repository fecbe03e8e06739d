// format_scenario: the resolved scenario as commented TOML.
#include "scenario/loader.hpp"
#include "scenario/params.hpp"
#include "scenario/value_text.hpp"

namespace incubsim {
namespace {

constexpr std::size_t kWidth = 100;

// Appends `doc` as `# ` comment lines no wider than kWidth, breaking at
// spaces, then `tail` (unit and range), which is never split: a range broken
// across lines reads badly.
void append_comment(std::string& out, const std::string& doc, const std::string& tail) {
  std::string line = "#";
  const auto add = [&](const std::string& word) {
    if (line.size() > 1 && line.size() + 1 + word.size() > kWidth) {
      out += line + "\n";
      line = "#";
    }
    line += " " + word;
  };
  std::size_t pos = 0;
  while (pos < doc.size()) {
    std::size_t end = doc.find(' ', pos);
    if (end == std::string::npos) end = doc.size();
    if (end > pos) add(doc.substr(pos, end - pos));
    pos = end + 1;
  }
  add(tail);
  out += line + "\n";
}

std::string unit_and_range(const ParamSpec& p) {
  const std::string unit = p.unit.empty() || p.unit == "-" ? "" : "[" + p.unit + "] ";
  return unit + p.range_text();
}

}  // namespace

std::string format_scenario(const Scenario& s,
                            const std::vector<std::string>& header_comment_lines) {
  Scenario copy = s;  // bind_params binds mutable fields; the copy keeps `s` const
  const std::vector<ParamSpec> specs = bind_params(copy);
  std::string out;
  for (const auto& h : header_comment_lines) out += h.empty() ? "#\n" : "# " + h + "\n";
  std::string section;
  for (const auto& p : specs) {
    if (p.section() != section) {
      section = p.section();
      if (!out.empty()) out += "\n";
      out += "[" + section + "]\n";
    }
    append_comment(out, p.doc, unit_and_range(p));
    out += p.name() + " = " + toml_value(p.target) + "\n";
  }
  return out;
}

}  // namespace incubsim
