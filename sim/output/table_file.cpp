#include "output/table_file.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <string_view>
#include <type_traits>
#include <variant>

#include "core/errors.hpp"
#include "output/columns.hpp"
#include "output/file_commit.hpp"
#include "output/h5.hpp"
#include "output/provenance.hpp"
#include "output/read_only_file.hpp"

namespace incubsim::output {
namespace {

// Tables (small here: one row per run or outcome) use kTableChunkRows.
// Series are written at once too; one chunk holds 64 quarters, as in run files.
constexpr std::size_t kSeriesChunkRows = 64;

}  // namespace

std::optional<int> major_version(const std::string& version) {
  int major = 0;
  const char* end = version.data() + version.size();
  const auto [dot, error] = std::from_chars(version.data(), end, major);
  if (error != std::errc() || dot == end || *dot != '.' || dot + 1 == end) return std::nullopt;
  int minor = 0;
  if (std::from_chars(dot + 1, end, minor).ec != std::errc()) return std::nullopt;
  return major;
}

namespace {

// A contiguous 1-D dataset of variable-length UTF-8 strings (filters on
// variable-length data would only compress heap pointers).
void write_strings(hid_t group, const StringColumn& column) {
  check_name(column.name, "column");
  const h5::Type type = h5::string_type();
  const hsize_t dims[1] = {column.values.size()};
  const h5::Space space(h5::check_id(H5Screate_simple(1, dims, nullptr), group,
                                     "cannot describe dataset '" + column.name + "'"));
  const h5::PropList dcpl(H5Pcreate(H5P_DATASET_CREATE));
  if (!dcpl || H5Pset_obj_track_times(dcpl.get(), 0) < 0) {
    h5::fail(group, "cannot set properties of dataset '" + column.name + "'");
  }
  const h5::Dataset dataset(
      h5::check_id(H5Dcreate2(group, column.name.c_str(), type.get(), space.get(), H5P_DEFAULT,
                              dcpl.get(), H5P_DEFAULT),
                   group, "cannot create dataset '" + column.name + "'"));
  std::vector<const char*> pointers;
  pointers.reserve(column.values.size());
  for (const std::string& v : column.values) pointers.push_back(v.c_str());
  if (!pointers.empty()) {
    h5::check_status(
        H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()),
        dataset.get(), "cannot write dataset '" + column.name + "'");
  }
  h5::write_attribute(dataset.get(), "unit", column.unit);
  h5::write_attribute(dataset.get(), "description", column.doc);
}

}  // namespace

struct TableFileWriter::Impl {
  // Declared first so it is destroyed last (the file closes only after
  // every object below it).
  h5::File file;
  std::unique_ptr<EnumStore> enums;  // after the file: closed before it

  hid_t root() const { return file.get(); }
};

TableFileWriter::TableFileWriter(std::filesystem::path final_path)
    : final_path_(std::move(final_path)), temp_path_(temp_path_for(final_path_)) {
  const h5::ErrorSilencer quiet;
  probe_writable(final_path_, temp_path_);
  try {
    impl_ = std::make_unique<Impl>();
    impl_->file = h5::create_file(temp_path_.string());
    impl_->enums = std::make_unique<EnumStore>(impl_->root());
  } catch (const IoError& e) {
    discard();
    throw IoError(final_path_.string(), "cannot create output file: " + std::string(e.what()) +
                                            "; check that the directory exists and is writable");
  } catch (...) {
    discard();
    throw;
  }
}

TableFileWriter::~TableFileWriter() {
  if (impl_) discard();
}

void TableFileWriter::discard() noexcept {
  const h5::ErrorSilencer quiet;
  impl_.reset();
  std::error_code ignored;
  std::filesystem::remove(temp_path_, ignored);
}

hid_t TableFileWriter::root() {
  return open_impl("root").root();
}

TableFileWriter::Impl& TableFileWriter::open_impl(const char* operation) {
  if (!impl_) {
    throw Error(std::string("TableFileWriter::") + operation +
                " called after finish() or after a failure");
  }
  return *impl_;
}

void TableFileWriter::write_table(const std::string& group_path,
                                  const std::vector<StringColumn>& strings,
                                  const TableView& table) {
  Impl& impl = open_impl("write_table");
  const std::size_t rows =
      table.columns.empty() && !strings.empty() ? strings.front().values.size() : table.rows();
  for (const StringColumn& column : strings) {
    if (column.values.size() != rows) {
      throw Error("table " + group_path + ": column '" + column.name + "' has " +
                  std::to_string(column.values.size()) + " rows, expected " + std::to_string(rows));
    }
  }
  check_table(group_path, table, rows);
  const h5::ErrorSilencer quiet;
  try {
    const h5::Group group = h5::open_or_create_group(impl.root(), group_path);
    for (const StringColumn& column : strings) write_strings(group.get(), column);
    h5::ChunkWriter writer;
    write_table_columns(group.get(), table, rows, *impl.enums, kTableChunkRows, writer);
    h5::write_attribute(group.get(), "rows", static_cast<std::int64_t>(rows));
  } catch (...) {
    discard();
    throw;
  }
}

void TableFileWriter::write_series(const std::string& group_path,
                                   std::span<const std::int32_t> quarters,
                                   const std::vector<MetricDef>& defs,
                                   const std::vector<std::vector<double>>& columns,
                                   const std::string& statistic) {
  Impl& impl = open_impl("write_series");
  if (columns.size() != defs.size()) {
    throw Error("series " + group_path + ": " + std::to_string(columns.size()) + " columns for " +
                std::to_string(defs.size()) + " definitions");
  }
  for (std::size_t m = 0; m < defs.size(); ++m) {
    check_name(defs[m].name, "metric");
    if (defs[m].name == "quarter") throw Error("metric name 'quarter' is reserved");
    if (columns[m].size() != quarters.size()) {
      throw Error("series " + group_path + ": column '" + defs[m].name + "' has " +
                  std::to_string(columns[m].size()) + " rows, expected " +
                  std::to_string(quarters.size()));
    }
  }
  const h5::ErrorSilencer quiet;
  try {
    const h5::Group group = h5::open_or_create_group(impl.root(), group_path);
    const hsize_t rows = quarters.size();
    const hsize_t chunk = std::clamp<hsize_t>(rows, 1, kSeriesChunkRows);
    const h5::Dataset q =
        h5::create_column(group.get(), "quarter", h5::TypeOf<std::int32_t>::file(), chunk, rows);
    h5::write_rows(q.get(), h5::TypeOf<std::int32_t>::memory(), quarters.data(), 0, rows);
    h5::write_attribute(q.get(), "unit", std::string_view("quarter"));
    h5::write_attribute(q.get(), "description", std::string_view("simulated quarter of this row"));
    h5::write_attribute(q.get(), "kind", std::string_view("index"));
    for (std::size_t m = 0; m < defs.size(); ++m) {
      const MetricDef& def = defs[m];
      const h5::Dataset d =
          h5::create_column(group.get(), def.name, h5::TypeOf<double>::file(), chunk, rows);
      h5::write_rows(d.get(), h5::TypeOf<double>::memory(), columns[m].data(), 0, rows);
      write_metric_attributes(d.get(), def);
      h5::write_attribute(d.get(), "statistic", statistic);
    }
  } catch (...) {
    discard();
    throw;
  }
}

void TableFileWriter::finish() {
  Impl& impl = open_impl("finish");
  const h5::ErrorSilencer quiet;
  try {
    h5::write_attribute(impl.root(), "end_time", utc_now_iso8601());
    h5::File file = std::move(impl.file);
    impl_.reset();  // closes every group and type before the file
    h5::close_file(file, temp_path_.string());
    move_into_place(temp_path_, final_path_);
  } catch (const IoError& e) {
    discard();
    if (e.path() == final_path_.string()) throw;
    throw write_failure(final_path_, e);
  } catch (...) {
    discard();
    throw;
  }
  sync_directory_best_effort(final_path_);
}

void TableFileWriter::attribute(const std::string& name, std::string_view value) {
  h5::write_attribute(open_impl("attribute").root(), name.c_str(), value);
}
void TableFileWriter::attribute(const std::string& name, std::int64_t value) {
  h5::write_attribute(open_impl("attribute").root(), name.c_str(), value);
}
void TableFileWriter::attribute(const std::string& name, std::int32_t value) {
  h5::write_attribute(open_impl("attribute").root(), name.c_str(), value);
}
void TableFileWriter::attribute(const std::string& name, double value) {
  h5::write_attribute(open_impl("attribute").root(), name.c_str(), value);
}

std::string read_file_format(const std::filesystem::path& path) {
  return ReadOnlyFile(path).root_string("format").value_or("");
}

std::vector<std::string> read_string_column(const std::filesystem::path& path,
                                            const std::string& dataset_path) {
  return ReadOnlyFile(path).string_column(dataset_path);
}

std::optional<std::string> read_root_string(const std::filesystem::path& path,
                                            const std::string& name) {
  return ReadOnlyFile(path).root_string(name);
}

std::optional<std::int64_t> read_root_int(const std::filesystem::path& path,
                                          const std::string& name) {
  return ReadOnlyFile(path).root_int(name);
}

}  // namespace incubsim::output
