#include "cli/compare_table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "engine/compare.hpp"
#include "output/compare_file.hpp"
#include "output/run_reader.hpp"

namespace incubsim::cli {
namespace {

// Decimals that show about four significant digits of the largest of `xs`.
int decimals_for(std::initializer_list<double> xs) {
  double a = 0.0;
  for (const double x : xs)
    if (std::isfinite(x)) a = std::max(a, std::fabs(x));
  if (a == 0.0) return 0;
  return std::clamp(3 - static_cast<int>(std::floor(std::log10(a))), 0, 4);
}

std::string number(double x, int decimals, bool sign = false) {
  if (std::isnan(x)) return "n/a";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  char buf[64];
  const double a = std::fabs(x);
  if (a != 0.0 && (a >= 1e7 || a < 1e-4))
    std::snprintf(buf, sizeof buf, sign ? "%+.3e" : "%.3e", x);
  else
    std::snprintf(buf, sizeof buf, sign ? "%+.*f" : "%.*f", decimals, x == 0.0 ? 0.0 : x);
  return buf;
}

std::string number(double x) {
  return number(x, decimals_for({x}));
}

std::string cost_reason(const std::string& status) {
  if (status == "effect_ci_includes_zero") return "n/a: the effect's 95 % CI includes 0";
  if (status == "effect_negative") return "n/a: the policy lowers it (effect < 0)";
  return "n/a";
}

}  // namespace

void print_effects_table(std::ostream& out, const std::vector<EffectLine>& lines) {
  std::size_t width = 7;
  std::vector<std::string> names;
  for (const EffectLine& l : lines) {
    names.push_back(l.label + " (" + l.unit + ")");
    width = std::max(width, names.back().size());
  }
  char buf[512];
  std::snprintf(buf, sizeof buf, "%-*s %12s %12s   %s\n", static_cast<int>(width), "outcome",
                "base mean", "policy mean", "effect [95 % CI, paired]");
  out << buf;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const EffectLine& l = lines[i];
    const int d = decimals_for({l.effect, l.ci_low, l.ci_high});
    const std::string effect = std::isnan(l.effect)
                                   ? "n/a (not defined in both arms)"
                                   : number(l.effect, d, true) + " [" + number(l.ci_low, d, true) +
                                         ", " + number(l.ci_high, d, true) + "]";
    std::snprintf(buf, sizeof buf, "%-*s %12s %12s   %s\n", static_cast<int>(width),
                  names[i].c_str(), number(l.mean_base).c_str(), number(l.mean_policy).c_str(),
                  effect.c_str());
    out << buf;
  }

  bool any = false;
  std::size_t cost_width = 0;
  for (const EffectLine& l : lines)
    if (!l.per_unit.empty()) cost_width = std::max(cost_width, l.label.size());
  for (const EffectLine& l : lines) {
    if (l.per_unit.empty()) continue;
    if (!any) {
      out << "\ngovernment spend per extra unit (M yuan = million yuan; 95 % CI from a paired "
             "bootstrap):\n";
      any = true;
    }
    std::string text;
    if (std::isfinite(l.cost)) {
      const int d = decimals_for({l.cost, l.cost_low, l.cost_high});
      text = number(l.cost, d) + " M yuan per " + l.per_unit;
      text += std::isfinite(l.cost_low)
                  ? " [" + number(l.cost_low, d) + ", " + number(l.cost_high, d) + "]"
                  : " [CI n/a: too few resamples with a positive effect]";
    } else {
      text = cost_reason(l.cost_status);
    }
    std::snprintf(buf, sizeof buf, "  %-*s  %s\n", static_cast<int>(cost_width), l.label.c_str(),
                  text.c_str());
    out << buf;
  }
}

int print_compare_info(std::ostream& out, const std::string& file) {
  const output::CompareProvenance p = output::read_compare_provenance(file);
  std::string differ;
  for (char c : p.differing_keys) differ += c == '\n' ? std::string(", ") : std::string(1, c);
  out << file << ": " << output::kCompareFormat << " format " << p.format_version
      << " (paired policy comparison)\n"
      << "  written by   incubsim " << p.incubsim_version << " (git " << p.git_sha << ") on "
      << p.hostname << "\n"
      << "  base         " << p.base_scenario_name << "\n"
      << "  policy       " << p.policy_scenario_name << "\n"
      << "  differ in    " << (differ.empty() ? "nothing" : differ) << "\n"
      << "  replicates   " << p.replicates << " per arm, "
      << (p.common_random_numbers ? "common random numbers" : "independent seeds")
      << ", seeds derived from " << p.seed << "\n"
      << "  quarters     " << p.quarters << " recorded after " << p.burn_in << " burn-in\n"
      << "  threads      " << p.threads << "\n"
      << "  started      " << p.start_time << "\n"
      << "  finished     " << p.end_time << "\n"
      << "  command      " << p.command_line << "\n\n";
  const auto names = output::read_string_column(file, "/effects/outcome");
  const auto units = output::read_string_column(file, "/effects/unit");
  const auto column = [&](const char* name) {
    return output::read_column(file, std::string("/effects/") + name);
  };
  const auto base = column("mean_base"), policy = column("mean_policy"), effect = column("effect"),
             low = column("ci_low"), high = column("ci_high"), cost = column("cost_per_unit"),
             cost_low = column("cost_ci_low"), cost_high = column("cost_ci_high"),
             status = column("cost_status");
  std::vector<EffectLine> lines;
  for (std::size_t i = 0; i < names.size(); ++i) {
    EffectLine l{names[i],
                 i < units.size() ? units[i] : "",
                 "",
                 base.at(i),
                 policy.at(i),
                 effect.at(i),
                 low.at(i),
                 high.at(i),
                 cost.at(i),
                 cost_low.at(i),
                 cost_high.at(i),
                 ""};
    for (const OutcomeDef& d : outcome_defs())
      if (d.name == names[i]) {
        l.label = d.label;
        l.per_unit = d.per_unit;
      }
    const auto code = static_cast<int>(status.at(i));
    if (code >= 0 && code < kCostStatusCount)
      l.cost_status = std::string(to_string(static_cast<CostStatus>(code)));
    lines.push_back(std::move(l));
  }
  print_effects_table(out, lines);
  out << "\nmoney in M yuan (million yuan); every run is in /runs, per-quarter means in "
         "/timeseries/{base,policy}\n";
  return 0;
}

}  // namespace incubsim::cli
