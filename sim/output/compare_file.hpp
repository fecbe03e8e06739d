#pragma once
// The result file of a paired policy comparison (`incubsim compare`,
// format "incubsim-compare"): root attributes saying how it was made, then
// tables (one row per run, one row per outcome) and per-quarter series
// written with a TableFileWriter.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "output/table.hpp"
#include "output/table_file.hpp"

namespace incubsim::output {

inline constexpr const char* kCompareFormat = "incubsim-compare";
inline constexpr int kCompareFormatMajor = 1;
inline constexpr int kCompareFormatMinor = 0;

/// "1.0" for the current version.
std::string current_compare_format_version();

/// Root attributes of a comparison file.
struct CompareProvenance {
  std::string format_version;  // read back; the writer writes the current one
  std::string incubsim_version;
  std::string git_sha;
  std::int32_t threads = 1;
  std::int32_t replicates = 0;
  std::int64_t seed = 0;  // the base scenario's seed, from which replicate seeds derive
  bool common_random_numbers = true;
  std::int32_t bootstrap_resamples = 0;
  std::string base_scenario;  // full resolved TOML
  std::string policy_scenario;
  std::string base_scenario_name;
  std::string policy_scenario_name;
  std::string differing_keys;  // "section.key" lines where the arms differ
  std::int32_t quarters = 0;   // recorded quarters (rows of every series)
  std::int32_t burn_in = 0;
  std::string start_time;  // ISO 8601 UTC
  std::string end_time;    // written by finish()
  std::string command_line;
  std::string hostname;
};

/// Writes the comparison file's root attributes (format, version and
/// provenance).
void write_compare_provenance(TableFileWriter& writer, const CompareProvenance& provenance);

/// Opens a comparison file, checks format and version and reads its root
/// attributes. Throws FormatError if it is not an incubsim-compare file or
/// its major version is newer than this build reads.
CompareProvenance read_compare_provenance(const std::filesystem::path& path);

}  // namespace incubsim::output
