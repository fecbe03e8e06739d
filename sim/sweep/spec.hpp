#pragma once
// A sweep specification (scenarios/sweeps/*.toml): a base scenario, fixed
// overrides, the parameters that vary (range with a scale, or a list of
// values), the design that places points, replicates, the seed policy and
// which outputs to keep. Parsed once and validated strictly, like a
// scenario: unknown keys, wrong types and out-of-range values are errors
// naming the file, line and key.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace incubsim {

enum class Design : std::uint8_t { grid = 0, lhs = 1, sobol = 2, saltelli = 3, morris = 4 };
enum class Scale : std::uint8_t { linear = 0, log = 1 };
enum class SeedPolicy : std::uint8_t { common = 0, independent = 1 };

std::string_view to_string(Design d);
std::string_view to_string(Scale s);
std::string_view to_string(SeedPolicy s);

struct SweepParameter {
  std::string key;              // a numeric or boolean scenario key
  bool integer = false;         // the key is an integer: values are rounded
  bool boolean = false;         // the key is true/false: values are 0/1
  double min = 0.0, max = 0.0;  // when `values` is empty
  Scale scale = Scale::linear;
  int steps = 0;               // grid points of a range (grid design)
  std::vector<double> values;  // an explicit list instead of a range

  /// The value at position u in [0, 1] of the parameter's range or list.
  double at(double u) const;
  /// The values the grid design takes.
  std::vector<double> grid() const;
  /// `key=value` as a --set override.
  std::string override_for(double value) const;
};

struct SweepSpec {
  std::string source_name;         // the file
  std::string text;                // the file as written
  std::filesystem::path base;      // scenario file ("" = the built-in baseline)
  std::vector<std::string> fixed;  // "key=value" overrides for every run
  std::vector<SweepParameter> parameters;
  Design design = Design::grid;
  int points = 0;  // lhs/sobol points, saltelli base samples, morris trajectories
  int levels = 4;  // morris grid levels
  int replicates = 1;
  std::int64_t seed = 1;
  SeedPolicy seed_policy = SeedPolicy::common;
  std::vector<std::string> metrics;  // kept in the merged table (empty = all)
  bool keep_events = false;          // per-run files keep /events
  bool keep_agents = false;          // per-run files keep /agents and /network
};

/// Most runs one sweep may plan: a million runs is already a million result
/// files; more is a typo (an extra zero in points or replicates), not a plan.
inline constexpr std::int64_t kMaxSweepRuns = 1000000;

/// Points of the spec's design, computed without building it (grid: the
/// product of the parameters' grid sizes; lhs, sobol: points; saltelli:
/// points * (k + 2); morris: points * (k + 1)). A double, as the product of
/// absurd inputs overflows any integer.
double design_point_count(const SweepSpec& spec);

/// Reads and validates a sweep file. Throws IoError if it cannot be read,
/// ScenarioError (file, line, key, fix) if it is invalid; parameter keys are
/// checked against the scenario registry, and the base scenario with the
/// fixed overrides must load. A plan of more than kMaxSweepRuns runs, or
/// a parameter whose end of range would not fit the scenario resource check
/// (scenario/resources.hpp), is refused here, before anything is planned.
SweepSpec load_sweep_spec(const std::filesystem::path& file);

}  // namespace incubsim
