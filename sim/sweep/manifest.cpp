#include "sweep/manifest.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "core/errors.hpp"
#include "core/random.hpp"
#include "core/version.hpp"
#include "output/provenance.hpp"
#include "output/read_only_file.hpp"
#include "output/run_reader.hpp"
#include "output/table_file.hpp"
#include "scenario/loader.hpp"

namespace incubsim {
namespace {

constexpr std::uint64_t kSeedKey = 0x7377656570736565ULL;  // "sweepsee"

std::int64_t run_seed(const Manifest& m, std::int64_t point, std::int32_t replicate) {
  std::uint64_t h = hash_combine(static_cast<std::uint64_t>(m.seed), kSeedKey);
  // Common random numbers: every point's replicate r shares its seed.
  if (m.seed_policy == SeedPolicy::independent)
    h = hash_combine(h, static_cast<std::uint64_t>(point));
  return static_cast<std::int64_t>(hash_combine(h, static_cast<std::uint64_t>(replicate)) >> 11);
}

std::string kind_of(const SweepParameter& p) {
  return p.boolean ? "boolean" : p.integer ? "integer" : "real";
}

std::string join_lines(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + "\n";
  return s;
}

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < s.size()) {
    const auto end = s.find('\n', start);
    out.push_back(s.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw IoError(path.string(), "cannot write; check that the directory is writable");
}

}  // namespace

std::vector<std::string> Manifest::overrides(std::int64_t run_id) const {
  const ManifestRun& r = runs.at(static_cast<std::size_t>(run_id));
  const DesignPoint& p = points.at(static_cast<std::size_t>(r.point_id));
  std::vector<std::string> out;
  for (std::size_t i = 0; i < parameters.size(); ++i)
    out.push_back(parameters[i].override_for(p.values[i]));
  out.push_back("simulation.seed=" + std::to_string(r.seed));
  out.push_back(std::string("simulation.record_events=") + (keep_events ? "true" : "false"));
  out.push_back(std::string("simulation.record_agents=") + (keep_agents ? "true" : "false"));
  return out;
}

Manifest plan_sweep(const SweepSpec& spec) {
  Manifest m;
  m.spec_name = spec.source_name;
  m.spec_text = spec.text;
  const Scenario base =
      spec.base.empty() ? load_default_scenario(spec.fixed) : load_scenario(spec.base, spec.fixed);
  m.base_scenario =
      format_scenario(base, {"Base scenario of sweep " + spec.source_name +
                             " (fixed overrides applied), written by incubsim sweep plan."});
  m.design = spec.design;
  m.replicates = spec.replicates;
  m.seed = spec.seed;
  m.seed_policy = spec.seed_policy;
  m.metrics = spec.metrics;
  m.keep_events = spec.keep_events;
  m.keep_agents = spec.keep_agents;
  m.parameters = spec.parameters;
  m.points = make_design(spec);
  const auto n = static_cast<std::int64_t>(m.points.size()) * spec.replicates;
  if (n > 50000000)
    throw UsageError("the plan has " + std::to_string(n) + " runs; the limit is 50 million");
  m.runs.reserve(static_cast<std::size_t>(n));
  for (std::int64_t p = 0; p < static_cast<std::int64_t>(m.points.size()); ++p)
    for (std::int32_t r = 0; r < spec.replicates; ++r)
      m.runs.push_back({static_cast<std::int64_t>(m.runs.size()), p, r, run_seed(m, p, r)});
  return m;
}

std::filesystem::path run_result_path(const std::filesystem::path& dir, std::int64_t run_id) {
  char sub[24], name[32];
  std::snprintf(sub, sizeof sub, "%04lld", static_cast<long long>(run_id / 1000));
  std::snprintf(name, sizeof name, "run-%08lld.h5", static_cast<long long>(run_id));
  return dir / "runs" / sub / name;
}

std::filesystem::path run_failure_path(const std::filesystem::path& dir, std::int64_t run_id) {
  return std::filesystem::path(run_result_path(dir, run_id)).replace_extension(".failed");
}

void write_plan_attributes(output::TableFileWriter& w, const Manifest& m) {
  w.attribute("incubsim_version", std::string(version()));
  w.attribute("git_sha", std::string(git_sha()));
  w.attribute("sweep_name", m.spec_name);
  w.attribute("sweep", m.spec_text);
  w.attribute("base_scenario", m.base_scenario);
  w.attribute("design", std::string(to_string(m.design)));
  w.attribute("replicates", static_cast<std::int32_t>(m.replicates));
  w.attribute("seed", m.seed);
  w.attribute("seed_policy", std::string(to_string(m.seed_policy)));
}

void write_plan(const std::filesystem::path& dir, const Manifest& m) {
  const auto manifest = dir / "manifest.h5";
  if (std::filesystem::exists(manifest))
    throw IoError(dir.string(),
                  "already holds a sweep plan (manifest.h5); plan into a new directory, or "
                  "remove it to start over");
  std::error_code ec;
  std::filesystem::create_directories(dir / "runs", ec);
  if (ec) throw IoError(dir.string(), "cannot create the sweep directory: " + ec.message());

  output::TableFileWriter w(manifest);
  w.attribute("format", kManifestFormat);
  w.attribute("format_version",
              std::to_string(kManifestFormatMajor) + "." + std::to_string(kManifestFormatMinor));
  w.attribute("start_time", output::utc_now_iso8601());
  write_plan_attributes(w, m);
  w.attribute("metrics", join_lines(m.metrics));
  w.attribute("keep_events", static_cast<std::int32_t>(m.keep_events ? 1 : 0));
  w.attribute("keep_agents", static_cast<std::int32_t>(m.keep_agents ? 1 : 0));

  // /parameters: what varies and how values are spelled for the scenario.
  std::vector<output::StringColumn> pstrings(3);
  pstrings[0] = {"key", "-", "scenario key varied", {}};
  pstrings[1] = {"kind", "-", "real, integer or boolean", {}};
  pstrings[2] = {"scale", "-", "linear or log (ranges)", {}};
  std::vector<double> pmin, pmax;
  for (const auto& p : m.parameters) {
    pstrings[0].values.push_back(p.key);
    pstrings[1].values.push_back(kind_of(p));
    pstrings[2].values.push_back(std::string(to_string(p.scale)));
    pmin.push_back(p.values.empty() ? p.min : *std::min_element(p.values.begin(), p.values.end()));
    pmax.push_back(p.values.empty() ? p.max : *std::max_element(p.values.begin(), p.values.end()));
  }
  output::TableView ptable;
  ptable.columns.push_back({"min", "-", "smallest value", std::span<const double>(pmin)});
  ptable.columns.push_back({"max", "-", "largest value", std::span<const double>(pmax)});
  w.write_table("/parameters", pstrings, ptable);

  // /points: one row per design point; a column per parameter.
  const std::size_t np = m.points.size();
  std::vector<std::vector<double>> values(m.parameters.size(), std::vector<double>(np));
  std::vector<std::int64_t> point_id(np);
  std::vector<std::int32_t> matrix(np), base_index(np), trajectory(np), step(np), moved(np);
  for (std::size_t i = 0; i < np; ++i) {
    point_id[i] = static_cast<std::int64_t>(i);
    for (std::size_t k = 0; k < m.parameters.size(); ++k) values[k][i] = m.points[i].values[k];
    matrix[i] = m.points[i].matrix;
    base_index[i] = m.points[i].base_index;
    trajectory[i] = m.points[i].trajectory;
    step[i] = m.points[i].step;
    moved[i] = m.points[i].moved;
  }
  output::TableView points;
  points.columns.push_back(
      {"point_id", "-", "design point", std::span<const std::int64_t>(point_id)});
  for (std::size_t k = 0; k < m.parameters.size(); ++k)
    points.columns.push_back(
        {m.parameters[k].key, "-", "value of the swept key", std::span<const double>(values[k])});
  points.columns.push_back({"saltelli_matrix", "-",
                            "0 A, 1 B, 2+i A with column i from B (-1: n/a)",
                            std::span<const std::int32_t>(matrix)});
  points.columns.push_back({"saltelli_row", "-", "row of the base matrices (-1: n/a)",
                            std::span<const std::int32_t>(base_index)});
  points.columns.push_back({"morris_trajectory", "-", "trajectory (-1: n/a)",
                            std::span<const std::int32_t>(trajectory)});
  points.columns.push_back({"morris_step", "-", "0 start, s after the s-th move (-1: n/a)",
                            std::span<const std::int32_t>(step)});
  points.columns.push_back({"morris_moved", "-", "parameter index moved at this step (-1: none)",
                            std::span<const std::int32_t>(moved)});
  w.write_table("/points", {}, points);

  // /runs: one row per run.
  const std::size_t nr = m.runs.size();
  std::vector<std::int64_t> run_id(nr), run_point(nr), seed(nr);
  std::vector<std::int32_t> replicate(nr);
  for (std::size_t i = 0; i < nr; ++i) {
    run_id[i] = m.runs[i].run_id;
    run_point[i] = m.runs[i].point_id;
    replicate[i] = m.runs[i].replicate;
    seed[i] = m.runs[i].seed;
  }
  output::TableView runs;
  runs.columns.push_back({"run_id", "-", "run", std::span<const std::int64_t>(run_id)});
  runs.columns.push_back(
      {"point_id", "-", "design point of the run", std::span<const std::int64_t>(run_point)});
  runs.columns.push_back(
      {"replicate", "-", "replicate at its point", std::span<const std::int32_t>(replicate)});
  runs.columns.push_back(
      {"seed", "-", "simulation.seed of the run", std::span<const std::int64_t>(seed)});
  w.write_table("/runs", {}, runs);
  w.finish();

  write_text(dir / "sweep.toml", m.spec_text);
  write_text(dir / "base.toml", m.base_scenario);
}

Manifest read_manifest(const std::filesystem::path& dir) {
  const auto path = dir / "manifest.h5";
  if (!std::filesystem::exists(path))
    throw IoError(dir.string(),
                  "holds no sweep plan (no manifest.h5); run incubsim sweep plan SWEEP.toml -o " +
                      dir.string() + " first");
  const output::ReadOnlyFile file(path);
  const std::string format = file.root_string("format").value_or("");
  if (format != kManifestFormat)
    throw FormatError(path.string(), "is not a sweep manifest (format '" + format + "')");
  const std::string version = file.root_string("format_version").value_or("");
  const auto major = output::major_version(version);
  if (!major || *major > kManifestFormatMajor)
    throw FormatError(path.string(), "was written by a newer incubsim (manifest format " + version +
                                         "); this build reads 1.x; upgrade incubsim");
  Manifest m;
  m.spec_name = file.root_string("sweep_name").value_or("");
  m.spec_text = file.root_string("sweep").value_or("");
  m.base_scenario = file.root_string("base_scenario").value_or("");
  m.replicates = static_cast<int>(file.root_int("replicates").value_or(1));
  m.seed = file.root_int("seed").value_or(0);
  m.seed_policy = file.root_string("seed_policy").value_or("common") == "independent"
                      ? SeedPolicy::independent
                      : SeedPolicy::common;
  m.keep_events = file.root_int("keep_events").value_or(0) != 0;
  m.keep_agents = file.root_int("keep_agents").value_or(0) != 0;
  m.metrics = split_lines(file.root_string("metrics").value_or(""));
  const std::string design = file.root_string("design").value_or("grid");
  for (const Design d :
       {Design::grid, Design::lhs, Design::sobol, Design::saltelli, Design::morris})
    if (to_string(d) == design) m.design = d;

  const auto keys = file.string_column("/parameters/key");
  const auto kinds = file.string_column("/parameters/kind");
  for (std::size_t k = 0; k < keys.size(); ++k) {
    SweepParameter p;
    p.key = keys[k];
    p.integer = kinds[k] == "integer";
    p.boolean = kinds[k] == "boolean";
    m.parameters.push_back(p);
  }
  const auto point_ids = file.column("/points/point_id");
  m.points.resize(point_ids.size());
  for (std::size_t k = 0; k < keys.size(); ++k) {
    const auto v = file.column("/points/" + keys[k]);
    for (std::size_t i = 0; i < v.size(); ++i) m.points[i].values.push_back(v[i]);
  }
  const auto fill = [&](const char* column, int DesignPoint::*field) {
    const auto v = file.column(std::string("/points/") + column);
    for (std::size_t i = 0; i < v.size(); ++i) m.points[i].*field = static_cast<int>(v[i]);
  };
  fill("saltelli_matrix", &DesignPoint::matrix);
  fill("saltelli_row", &DesignPoint::base_index);
  fill("morris_trajectory", &DesignPoint::trajectory);
  fill("morris_step", &DesignPoint::step);
  fill("morris_moved", &DesignPoint::moved);
  const auto run_point = file.column("/runs/point_id");
  const auto replicate = file.column("/runs/replicate");
  const auto seed = file.column("/runs/seed");
  m.runs.resize(run_point.size());
  for (std::size_t i = 0; i < run_point.size(); ++i)
    m.runs[i] = {static_cast<std::int64_t>(i), static_cast<std::int64_t>(run_point[i]),
                 static_cast<std::int32_t>(replicate[i]), static_cast<std::int64_t>(seed[i])};
  return m;
}

}  // namespace incubsim
