#pragma once
// The plan of a sweep, written once by `incubsim sweep plan` into its
// directory and read by every worker: the design's points, one row per run
// (point, replicate, seed), the resolved base scenario, and where each run's
// result file goes. A run is defined entirely by the manifest, so any
// process on any node can execute any run and get the same file.
//
// Directory layout:
//   DIR/manifest.h5          format "incubsim-sweep-manifest" (see docs/cluster.md)
//   DIR/sweep.toml           the sweep file as written
//   DIR/base.toml            the resolved base scenario (fixed overrides applied)
//   DIR/runs/NNNN/run-XXXXXXXX.h5      one result file per finished run
//   DIR/runs/NNNN/run-XXXXXXXX.failed  the error of a run that failed
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "sweep/designs.hpp"
#include "sweep/spec.hpp"

namespace incubsim {
namespace output {
class TableFileWriter;
}

inline constexpr const char* kManifestFormat = "incubsim-sweep-manifest";
inline constexpr int kManifestFormatMajor = 1;
inline constexpr int kManifestFormatMinor = 0;

struct ManifestRun {
  std::int64_t run_id = 0;
  std::int64_t point_id = 0;
  std::int32_t replicate = 0;
  std::int64_t seed = 0;
};

struct Manifest {
  std::string spec_name;
  std::string spec_text;
  std::string base_scenario;  // resolved TOML, fixed overrides included
  Design design = Design::grid;
  int replicates = 1;
  std::int64_t seed = 1;
  SeedPolicy seed_policy = SeedPolicy::common;
  std::vector<std::string> metrics;  // kept when merging (all when empty)
  bool keep_events = false;
  bool keep_agents = false;
  std::vector<SweepParameter> parameters;
  std::vector<DesignPoint> points;
  std::vector<ManifestRun> runs;  // run_id == index; point-major, replicates inner

  /// The --set overrides that turn the base scenario into run `run_id`.
  std::vector<std::string> overrides(std::int64_t run_id) const;
};

/// Builds the plan: design points, runs and their seeds (deterministic).
Manifest plan_sweep(const SweepSpec& spec);

/// The root attributes that describe a sweep's plan (name, sweep text,
/// resolved base, design, replicates, seeds, version and git SHA), shared
/// by the manifest and the merged file.
void write_plan_attributes(output::TableFileWriter& w, const Manifest& m);

/// Writes DIR/manifest.h5, DIR/sweep.toml and DIR/base.toml and creates
/// DIR/runs. Refuses a directory that already holds a plan (IoError).
void write_plan(const std::filesystem::path& dir, const Manifest& manifest);

/// Reads DIR/manifest.h5. Throws IoError / FormatError with what to fix.
Manifest read_manifest(const std::filesystem::path& dir);

/// DIR/runs/NNNN/run-XXXXXXXX.h5 and its .failed companion.
std::filesystem::path run_result_path(const std::filesystem::path& dir, std::int64_t run_id);
std::filesystem::path run_failure_path(const std::filesystem::path& dir, std::int64_t run_id);

}  // namespace incubsim
