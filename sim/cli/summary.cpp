#include "cli/summary.hpp"

#include <cstdio>
#include <iostream>
#include <string>

namespace incubsim::cli {
namespace {

struct Line {
  const char* label;
  double (*value)(const MetricRow&);
  bool money;
};

double sum(const MetricRow& r, std::initializer_list<Metric> ms) {
  double s = 0;
  for (const Metric m : ms) s += get(r, m);
  return s;
}

const Line kLines[] = {
    {"firms alive", [](const MetricRow& r) { return get(r, Metric::firms_alive); }, false},
    {"  nascent", [](const MetricRow& r) { return get(r, Metric::firms_nascent); }, false},
    {"  seed", [](const MetricRow& r) { return get(r, Metric::firms_seed); }, false},
    {"  early venture", [](const MetricRow& r) { return get(r, Metric::firms_early_venture); },
     false},
    {"  late venture", [](const MetricRow& r) { return get(r, Metric::firms_late_venture); },
     false},
    {"  growth", [](const MetricRow& r) { return get(r, Metric::firms_growth); }, false},
    {"  incubated", [](const MetricRow& r) { return get(r, Metric::firms_incubated); }, false},
    {"births", [](const MetricRow& r) { return get(r, Metric::births); }, false},
    {"deaths", [](const MetricRow& r) { return get(r, Metric::deaths); }, false},
    {"exits (acq. + listing)",
     [](const MetricRow& r) {
       return sum(r, {Metric::exits_acquisition, Metric::exits_listing});
     },
     false},
    {"deals",
     [](const MetricRow& r) {
       return sum(r, {Metric::deals_seed, Metric::deals_series_a, Metric::deals_series_b,
                      Metric::deals_growth});
     },
     false},
    {"invested (M yuan)", [](const MetricRow& r) { return get(r, Metric::amount_invested); }, true},
    {"inventions", [](const MetricRow& r) { return get(r, Metric::inventions); }, false},
    {"transfers (lic. + spin-off)",
     [](const MetricRow& r) {
       return sum(r, {Metric::transfers_licence, Metric::transfers_spinoff});
     },
     false},
    {"transfers failed", [](const MetricRow& r) { return get(r, Metric::transfers_failed); },
     false},
};

bool is_stock(const char* label) {
  return label[0] == ' ' || std::string(label) == "firms alive";
}

}  // namespace

void print_run_summary(std::ostream& out, const RunSummary& s) {
  char buf[64];
  std::string header = "                              ";
  for (const auto& [q, row] : s.snapshots) {
    std::snprintf(buf, sizeof buf, "%9s", ("q" + std::to_string(q)).c_str());
    header += buf;
  }
  header += "      total";
  out << header << "\n";
  for (const Line& line : kLines) {
    std::snprintf(buf, sizeof buf, "%-30s", line.label);
    std::string text = buf;
    for (const auto& [q, row] : s.snapshots) {
      std::snprintf(buf, sizeof buf, line.money ? "%9.1f" : "%9.0f", line.value(row));
      text += buf;
    }
    if (is_stock(line.label)) {
      text += "          -";
    } else {
      std::snprintf(buf, sizeof buf, line.money ? "%11.1f" : "%11.0f", line.value(s.totals));
      text += buf;
    }
    out << text << "\n";
  }
}

void print_wall_times(std::ostream& out, const WallTimes& t) {
  const double total = t.total > 0 ? t.total : t.simulation() + t.output;
  char line[96];
  const auto row = [&](std::string_view name, double seconds) {
    std::snprintf(line, sizeof line, "  %-14.*s %9.3f s %6.1f %%\n", static_cast<int>(name.size()),
                  name.data(), seconds, total > 0 ? 100.0 * seconds / total : 0.0);
    out << line;
  };
  out << "wall time by part:\n";
  row(to_string(Phase::setup), t.phase[static_cast<std::size_t>(Phase::setup)]);
  for (const Phase p : kQuarterSchedule) row(to_string(p), t.phase[static_cast<std::size_t>(p)]);
  row("metrics", t.metrics);
  row("compaction", t.compaction);
  row("output (HDF5)", t.output);
  row("other", std::max(0.0, total - t.simulation() - t.output));
  row("total", total);
  if (t.measures_alongside > 0) {
    // Not a part of the total: other threads did it while the parts ran.
    char note[96];
    std::snprintf(note, sizeof note, "network measures alongside, on other threads: %.3f s\n",
                  t.measures_alongside);
    out << note;
  }
}

void print_finished_run(const RunSummary& summary, bool quiet, bool timings) {
  if (!quiet) {
    print_run_summary(std::cout, summary);
    std::printf("\nwrote %s (%lld events) in %.2f s\n", summary.output.string().c_str(),
                static_cast<long long>(summary.events), summary.seconds);
  }
  if (timings) {
    if (!quiet) std::cout << '\n';
    print_wall_times(std::cout, summary.times);
  }
}

}  // namespace incubsim::cli
