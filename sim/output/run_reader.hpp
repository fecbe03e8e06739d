#pragma once
// Reading result files back: provenance for `info` and `verify`, and a
// dataset-by-dataset bitwise comparison of two files.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "output/provenance.hpp"

namespace incubsim::output {

struct DatasetInfo {
  std::string path;                  // "/timeseries/firms_alive"
  std::vector<std::uint64_t> shape;  // empty for scalars
  std::string type;                  // "int64", "float64", "enum(event_kind)", "string", ...
  std::uint64_t storage_bytes = 0;   // on disk (compressed)
};

struct RunFileInfo {
  Provenance provenance;
  std::string format_version;
  std::vector<DatasetInfo> datasets;
  std::uint64_t file_bytes = 0;
};

/// Opens a result file and checks format and version. Throws IoError if it
/// cannot be opened, FormatError if it is not an incubsim run file or its
/// major format version is newer than this build reads.
RunFileInfo read_run_info(const std::filesystem::path& path);

/// Reads a 1-D numeric or enum dataset as doubles (enums as their codes).
std::vector<double> read_column(const std::filesystem::path& file, const std::string& dataset);

struct DatasetDifference {
  std::string path;
  std::string
      what;  // "missing in second file", "shape 40 vs 41", "12 of 40 values differ (first at 7)"
};

/// Compares every dataset of two files byte for byte (type, shape, raw
/// data) and the root attributes except those listed in `ignored_attributes`.
std::vector<DatasetDifference> compare_runs(const std::filesystem::path& a,
                                            const std::filesystem::path& b,
                                            const std::vector<std::string>& ignored_attributes);

}  // namespace incubsim::output
