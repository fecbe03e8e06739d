#pragma once
// Building blocks shared by the run and comparison writers: name checks,
// metric attributes, enum types committed once under /types, and whole
// tables written as one chunked, compressed dataset per column.
#include <hdf5.h>

#include <map>
#include <string>

#include "output/chunk_writer.hpp"
#include "output/h5.hpp"
#include "output/table.hpp"

namespace incubsim::output {

/// Names become HDF5 link names: a '/' would silently create subgroups.
/// Throws Error (a caller's bug) for an empty name or one with '/'.
void check_name(const std::string& name, const std::string& what);

const char* kind_name(MetricKind kind);

/// The attributes of a per-quarter metric column: unit, description, kind
/// and temporal (stock or flow).
void write_metric_attributes(hid_t dataset, const MetricDef& metric);

/// Named enum types, each committed once under /types; a second use of a
/// name must have the same members.
class EnumStore {
 public:
  struct Stored {
    h5::Type stored;  // the committed type (file type)
    h5::Type memory;  // a transient copy used as the memory type
  };

  explicit EnumStore(hid_t root) : root_(root) {}
  const Stored& get(const EnumType& type);

 private:
  hid_t root_;
  h5::Group types_;
  std::map<std::string, Stored, std::less<>> enums_;
};

/// Throws Error unless every column has `rows` rows and enum columns are uint8.
void check_table(const std::string& group_path, const TableView& table, std::size_t rows);

/// Rows per chunk of a table column: tables are written at once, and the
/// cap keeps a partial read from decompressing a whole column.
inline constexpr std::size_t kTableChunkRows = 16384;

/// Writes each column of `table` into `group` as a 1-D dataset chunked by
/// up to `max_chunk_rows`, with unit and description attributes, through
/// `writer` (output/chunk_writer.hpp), which has nothing queued on return.
void write_table_columns(hid_t group, const TableView& table, std::size_t rows, EnumStore& enums,
                         std::size_t max_chunk_rows, h5::ChunkWriter& writer);

}  // namespace incubsim::output
