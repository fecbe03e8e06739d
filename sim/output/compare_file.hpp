#pragma once
// The result file of a paired policy comparison (`incubsim compare`,
// format "incubsim-compare"): root attributes saying how it was made,
// tables (one row per run, one row per outcome) and per-quarter series.
// Like the rest of sim/output it knows nothing about behaviour: it writes
// named, typed columns. Written under a temporary name and renamed by
// finish() (output/file_commit.hpp); a writer destroyed without finish()
// removes its temporary file. Not thread-safe: use it from one thread.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "output/table.hpp"

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

/// A column of UTF-8 strings (variable length; h5py reads bytes, or str
/// with `.asstr()`).
struct StringColumn {
  std::string name;
  std::string unit;
  std::string doc;
  std::vector<std::string> values;
};

class CompareWriter {
 public:
  /// Opens `<final_path>.tmp-<pid>` and writes the root attributes. Throws
  /// IoError naming the path if it cannot be created.
  CompareWriter(std::filesystem::path final_path, const CompareProvenance& provenance);
  ~CompareWriter();
  CompareWriter(const CompareWriter&) = delete;
  CompareWriter& operator=(const CompareWriter&) = delete;

  /// Writes a group with the string columns first, then the table's
  /// columns (enum columns store their type once under /types). Every
  /// column must have the same number of rows; the group gets an int64
  /// attribute `rows`.
  void write_table(const std::string& group_path, const std::vector<StringColumn>& strings,
                   const TableView& table);

  /// Writes a group of per-quarter float64 columns: `quarter` (int32) first,
  /// then one per definition (attributes unit, description, kind, temporal
  /// from the definition, and `statistic`, e.g. "mean over replicates").
  void write_series(const std::string& group_path, std::span<const std::int32_t> quarters,
                    const std::vector<MetricDef>& defs,
                    const std::vector<std::vector<double>>& columns, const std::string& statistic);

  /// Writes end_time, closes, flushes and renames onto the final path. Call
  /// once; afterwards (or after a failure) every call throws Error.
  void finish();

  const std::filesystem::path& final_path() const { return final_path_; }
  const std::filesystem::path& temp_path() const { return temp_path_; }

 private:
  struct Impl;
  Impl& open_impl(const char* operation);
  void discard() noexcept;

  std::filesystem::path final_path_;
  std::filesystem::path temp_path_;
  std::unique_ptr<Impl> impl_;
};

/// The `format` attribute of an HDF5 file ("" if it has none). Throws
/// IoError if it cannot be opened, FormatError if it is not HDF5.
std::string read_file_format(const std::filesystem::path& path);

/// Opens a comparison file, checks format and version and reads its root
/// attributes. Throws FormatError if it is not an incubsim-compare file or
/// its major version is newer than this build reads.
CompareProvenance read_compare_provenance(const std::filesystem::path& path);

/// Reads a 1-D string dataset.
std::vector<std::string> read_string_column(const std::filesystem::path& path,
                                            const std::string& dataset);

}  // namespace incubsim::output
