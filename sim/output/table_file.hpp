#pragma once
// A self-describing HDF5 file of tables and per-quarter series, written
// under a temporary name and renamed by finish() (output/file_commit.hpp);
// a writer destroyed without finish() removes its temporary file. The
// comparison, sweep-manifest and merged-sweep files are written with it;
// their formats add root attributes and fixed groups. Knows nothing about
// behaviour. Not thread-safe: use it from one thread.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "output/h5.hpp"
#include "output/table.hpp"

namespace incubsim::output {

/// A column of UTF-8 strings (variable length; h5py reads bytes, or str
/// with `.asstr()`).
struct StringColumn {
  std::string name;
  std::string unit;
  std::string doc;
  std::vector<std::string> values;
};

class TableFileWriter {
 public:
  /// Opens `<final_path>.tmp-<pid>`. Throws IoError naming the path if it
  /// cannot be created.
  explicit TableFileWriter(std::filesystem::path final_path);
  ~TableFileWriter();
  TableFileWriter(const TableFileWriter&) = delete;
  TableFileWriter& operator=(const TableFileWriter&) = delete;

  /// Root attributes.
  void attribute(const std::string& name, std::string_view value);
  void attribute(const std::string& name, const std::string& value) {
    attribute(name, std::string_view(value));
  }
  void attribute(const std::string& name, const char* value) {
    attribute(name, std::string_view(value));
  }
  void attribute(const std::string& name, std::int64_t value);
  void attribute(const std::string& name, std::int32_t value);
  void attribute(const std::string& name, double value);

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

  /// The open file's root group, for formats that add what this writer does
  /// not know (2-D series, external links, attributes on columns). Valid
  /// until finish(); objects opened through it must be closed before then.
  hid_t root();

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

/// Root attributes of any HDF5 file (nullopt when absent). Throw IoError if
/// the file cannot be opened, FormatError if it is not HDF5.
std::optional<std::string> read_root_string(const std::filesystem::path& path,
                                            const std::string& name);
std::optional<std::int64_t> read_root_int(const std::filesystem::path& path,
                                          const std::string& name);

/// Reads a 1-D string dataset.
std::vector<std::string> read_string_column(const std::filesystem::path& path,
                                            const std::string& dataset);

/// "1.0" -> 1; nullopt unless the text starts with MAJOR.MINOR digits.
std::optional<int> major_version(const std::string& version);

}  // namespace incubsim::output
