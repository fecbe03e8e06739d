#pragma once
// An HDF5 file opened once for reading many attributes and columns. Each
// open costs about a millisecond of HDF5's set-up; the sweep manifest,
// read by every `sweep run`, has two dozen of them.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "output/h5.hpp"

namespace incubsim::output {

class ReadOnlyFile {
 public:
  /// Throws IoError if the file cannot be opened, FormatError if it is not
  /// HDF5.
  explicit ReadOnlyFile(const std::filesystem::path& path);

  /// Root attributes (nullopt when absent).
  std::optional<std::string> root_string(const std::string& name) const;
  std::optional<std::int64_t> root_int(const std::string& name) const;

  /// A 1-D numeric or enum dataset as doubles (enums as their codes).
  std::vector<double> column(const std::string& dataset) const;

  /// A 1-D variable-length string dataset.
  std::vector<std::string> string_column(const std::string& dataset) const;

 private:
  std::string name_;
  h5::ErrorSilencer quiet_;
  h5::File file_;
};

}  // namespace incubsim::output
