// Writing a comparison to its HDF5 file (format incubsim-compare; layout in
// docs/output-format.md).
#include <cmath>

#include "core/errors.hpp"
#include "core/version.hpp"
#include "engine/compare.hpp"
#include "output/compare_file.hpp"
#include "output/provenance.hpp"
#include "scenario/loader.hpp"

namespace incubsim {
namespace {

output::CompareProvenance provenance(const CompareRequest& r, const std::string& command_line) {
  output::CompareProvenance p;
  p.incubsim_version = std::string(version());
  p.git_sha = std::string(git_sha());
  p.threads = r.threads;
  p.replicates = r.replicates;
  p.seed = r.base.simulation.seed;
  p.common_random_numbers = r.common_random_numbers;
  p.bootstrap_resamples = r.bootstrap_resamples;
  p.base_scenario = format_scenario(r.base);
  p.policy_scenario = format_scenario(r.policy);
  p.base_scenario_name = r.base_name;
  p.policy_scenario_name = r.policy_name;
  for (const auto& key : scenario_differences(r.base, r.policy))
    p.differing_keys += (p.differing_keys.empty() ? "" : "\n") + key;
  p.quarters = r.base.simulation.quarters;
  p.burn_in = r.base.simulation.burn_in;
  p.start_time = output::utc_now_iso8601();
  p.command_line = command_line;
  p.hostname = output::host_name();
  return p;
}

const output::EnumType& arm_enum() {
  static const output::EnumType type = output::make_enum_type<Arm>("arm", 2);
  return type;
}

const output::EnumType& cost_status_enum() {
  static const output::EnumType type =
      output::make_enum_type<CostStatus>("cost_status", kCostStatusCount);
  return type;
}

void write_runs(output::TableFileWriter& w, const CompareResult& res) {
  const std::size_t rows = res.runs.size();
  std::vector<std::uint8_t> arm(rows);
  std::vector<std::int32_t> replicate(rows);
  std::vector<std::int64_t> seed(rows);
  const auto& defs = outcome_defs();
  std::vector<std::vector<double>> values(defs.size(), std::vector<double>(rows));
  for (std::size_t i = 0; i < rows; ++i) {
    arm[i] = static_cast<std::uint8_t>(res.runs[i].arm);
    replicate[i] = res.runs[i].replicate;
    seed[i] = res.runs[i].seed;
    for (std::size_t o = 0; o < defs.size(); ++o) values[o][i] = res.runs[i].values[o];
  }
  output::TableView t;
  t.columns.push_back({"arm", "", "Arm of the run: base or policy", std::span(arm), &arm_enum()});
  t.columns.push_back({"replicate", "", "Replicate; the two arms' runs of a replicate are a pair",
                       std::span(replicate)});
  t.columns.push_back({"seed", "", "simulation.seed of the run (incubsim run --seed reproduces it)",
                       std::span(seed)});
  for (std::size_t o = 0; o < defs.size(); ++o)
    t.columns.push_back({defs[o].name, defs[o].unit, defs[o].doc, std::span(values[o])});
  w.write_table("/runs", {}, t);
}

void write_effects(output::TableFileWriter& w, const CompareResult& res) {
  const auto& defs = outcome_defs();
  const std::size_t rows = defs.size();
  std::vector<output::StringColumn> strings = {
      {"outcome", "", "Outcome name (a column of /runs)", {}},
      {"unit", "", "Unit of the outcome, its means and effect", {}},
      {"description", "", "How the outcome is computed from each run", {}},
      {"cost_unit", "", "Unit of cost_per_unit (empty: not costed)", {}}};
  std::vector<std::int32_t> n_pairs(rows);
  std::vector<std::uint8_t> status(rows);
  std::vector<std::vector<double>> num(12, std::vector<double>(rows));
  for (std::size_t o = 0; o < rows; ++o) {
    const Effect& e = res.effects[o];
    strings[0].values.push_back(defs[o].name);
    strings[1].values.push_back(defs[o].unit);
    strings[2].values.push_back(defs[o].doc);
    strings[3].values.push_back(defs[o].costed() ? "M yuan per " + defs[o].per_unit : "");
    n_pairs[o] = e.n_pairs;
    status[o] = static_cast<std::uint8_t>(e.cost_status);
    const double v[12] = {e.mean_base,     e.mean_policy, e.effect,          e.effect_sd,
                          e.ci_low,        e.ci_high,     e.unpaired_ci_low, e.unpaired_ci_high,
                          e.cost_per_unit, e.cost_ci_low, e.cost_ci_high,    0.0};
    for (std::size_t c = 0; c < 11; ++c) num[c][o] = v[c];
  }
  output::TableView t;
  t.columns.push_back({"n_pairs", "replicates", "Replicates where both arms' values are finite",
                       std::span(n_pairs)});
  const char* names[11] = {"mean_base",     "mean_policy", "effect",          "effect_sd",
                           "ci_low",        "ci_high",     "unpaired_ci_low", "unpaired_ci_high",
                           "cost_per_unit", "cost_ci_low", "cost_ci_high"};
  const char* docs[11] = {
      "Mean over the base arm's replicates (finite values)",
      "Mean over the policy arm's replicates (finite values)",
      "Mean paired difference, policy minus base",
      "Standard deviation of the paired differences",
      "Lower end of the paired 95 % interval of the effect (Student t, n_pairs - 1 df)",
      "Upper end of the paired 95 % interval of the effect",
      "Lower end of the unpaired (Welch) 95 % interval of mean_policy - mean_base",
      "Upper end of the unpaired (Welch) 95 % interval",
      ("Extra government spend per extra unit: mean spend difference / mean effect (NaN: "
       "see cost_status)"),
      "Lower end of the paired-bootstrap 95 % percentile interval of cost_per_unit",
      "Upper end of the paired-bootstrap 95 % percentile interval of cost_per_unit"};
  for (std::size_t c = 0; c < 11; ++c) {
    const bool cost = c >= 8;
    t.columns.push_back({names[c], cost ? "M yuan per unit" : "outcome unit", docs[c],
                         std::span<const double>(num[c])});
  }
  t.columns.push_back({"cost_status", "",
                       "Why cost_per_unit is or is not reported (see /types/cost_status)",
                       std::span(status), &cost_status_enum()});
  w.write_table("/effects", strings, t);
}

void write_series(output::TableFileWriter& w, const CompareResult& res) {
  const auto& defs = metric_defs();
  for (std::size_t arm = 0; arm < 2; ++arm) {
    w.write_series("/timeseries/" + std::string(to_string(static_cast<Arm>(arm))), res.quarters,
                   defs, res.timeseries_mean[arm], "mean over replicates");
  }
  for (const KeySeries& ks : res.key_series) {
    const output::MetricDef& m = defs[static_cast<std::size_t>(ks.metric)];
    const auto def = [&](const char* name, const std::string& doc) {
      return output::MetricDef{
          name, m.kind == output::MetricKind::count ? output::MetricKind::amount : m.kind, m.unit,
          doc + " (" + m.name + ")", m.temporal};
    };
    const std::vector<output::MetricDef> cols = {
        def("base_p025", "2.5 % quantile over the base arm's replicates"),
        def("base_p975", "97.5 % quantile over the base arm's replicates"),
        def("policy_p025", "2.5 % quantile over the policy arm's replicates"),
        def("policy_p975", "97.5 % quantile over the policy arm's replicates"),
        def("effect", "Mean paired difference, policy minus base"),
        def("effect_ci_low", "Lower end of the paired 95 % interval of the effect"),
        def("effect_ci_high", "Upper end of the paired 95 % interval of the effect")};
    const std::vector<std::vector<double>> values = {ks.p025[0], ks.p975[0], ks.p025[1], ks.p975[1],
                                                     ks.effect,  ks.ci_low,  ks.ci_high};
    w.write_series("/paired_series/" + m.name, res.quarters, cols, values,
                   "per quarter over replicates");
  }
}

}  // namespace

CompareResult compare_to_file(const CompareRequest& request, const std::filesystem::path& output,
                              const std::string& command_line, RunObserver* observer) {
  check_request(request);  // before the output file is created
  output::TableFileWriter writer(output);
  output::write_compare_provenance(writer, provenance(request, command_line));
  CompareResult result;
  try {
    result = run_compare(request, observer);
  } catch (const Interrupted& e) {
    throw Interrupted(std::string(e.what()) + "; " + output.string() + " was not written");
  }
  write_runs(writer, result);
  write_effects(writer, result);
  write_series(writer, result);
  writer.finish();
  return result;
}

}  // namespace incubsim
