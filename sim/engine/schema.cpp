#include "engine/schema.hpp"

#include <sstream>

#include "engine/metrics.hpp"
#include "engine/tables.hpp"
#include "policy/policy_set.hpp"

namespace incubsim {
namespace {

std::string_view kind_name(output::MetricKind k) {
  switch (k) {
    case output::MetricKind::count: return "count (int64)";
    case output::MetricKind::amount: return "amount (float64)";
    case output::MetricKind::ratio: return "ratio (float64)";
  }
  return "";
}

std::string column_type(const output::ColumnView& c) {
  if (c.enum_type) return "enum " + c.enum_type->name;
  switch (c.data.index()) {
    case 0: return "float64";
    case 1: return "int64";
    case 2: return "int32";
    default: return "uint8";
  }
}

/// Collects the tables of an empty state: all columns, no rows.
struct SchemaSink final : TableSink {
  std::ostringstream out;
  void table(const std::string& group, const output::TableView& t) override {
    out << "\n### `" << group << "`\n\n| column | type | unit | meaning |\n|---|---|---|---|\n";
    for (const auto& c : t.columns)
      out << "| `" << c.name << "` | " << column_type(c) << " | " << c.unit << " | " << c.doc
          << " |\n";
  }
  void values(const std::string& group, const std::vector<output::NamedValue>& v) override {
    out << "\n### `" << group << "` (scalar float64 datasets)\n\n| name | meaning |\n|---|---|\n";
    for (const auto& x : v) out << "| `" << x.name << "` | " << x.doc << " |\n";
  }
};

}  // namespace

std::string format_output_schema_markdown() {
  std::ostringstream out;
  out << "### `/timeseries`\n\n"
      << "One row per recorded quarter; the column `quarter` (int32) comes first.\n\n"
      << "| metric | kind | temporal | unit | meaning |\n|---|---|---|---|---|\n";
  for (const auto& m : metric_defs())
    out << "| `" << m.name << "` | " << kind_name(m.kind) << " | "
        << (m.temporal == output::Temporal::stock ? "stock" : "flow") << " | " << m.unit << " | "
        << m.doc << " |\n";
  out << "\n### `/events` kinds\n\n| kind | code | actor, target, amount, detail "
         "|\n|---|---|---|\n";
  for (int k = 0; k < kEventKindCount; ++k) {
    const auto kind = static_cast<EventKind>(k);
    out << "| `" << to_string(kind) << "` | " << k << " | " << describe(kind) << " |\n";
  }
  SchemaSink sink;
  const WorldState empty;
  const Scenario defaults;
  build_final_tables(sink, empty, defaults);
  out << sink.out.str();
  out << "\n### `/policy/<instrument>` and `/policy/government`\n\n"
      << "One row per recorded quarter, like `/timeseries` (column `quarter` first); every "
         "instrument's ledger is written, with zeros while it is off. See docs/policies.md.\n";
  const PolicySet policies(defaults);
  for (const auto& series : policies.ledger_schema()) {
    out << "\n#### `" << series.group << "`\n\n| column | kind | temporal | unit | meaning |\n"
        << "|---|---|---|---|---|\n";
    for (const auto& m : series.columns)
      out << "| `" << m.name << "` | " << kind_name(m.kind) << " | "
          << (m.temporal == output::Temporal::stock ? "stock" : "flow") << " | " << m.unit << " | "
          << m.doc << " |\n";
  }
  return out.str();
}

}  // namespace incubsim
