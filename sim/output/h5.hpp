#pragma once
// A thin layer over the HDF5 C API: move-only handles that close what they
// own, and helpers that turn every failing call into an IoError naming the
// file and what failed. Callers hold an ErrorSilencer around their use, so
// the library prints nothing. Like the serial HDF5 library under it, this
// is not thread-safe: use it from one thread at a time.
#include <hdf5.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "output/table.hpp"

namespace incubsim::output::h5 {

/// Turns HDF5's automatic error printing off for its lifetime and restores
/// the previous handler afterwards, so failures surface only as exceptions
/// and the caller's HDF5 settings are left as they were.
class ErrorSilencer {
 public:
  ErrorSilencer();
  ~ErrorSilencer();
  ErrorSilencer(const ErrorSilencer&) = delete;
  ErrorSilencer& operator=(const ErrorSilencer&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
  bool restore_ = false;
};

/// Owns one HDF5 identifier and closes it with `Close`.
template <herr_t (*Close)(hid_t)>
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  ~Handle() { reset(); }
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  hid_t get() const { return id_; }
  explicit operator bool() const { return id_ >= 0; }

  /// Closes now and reports whether closing succeeded (files flush here).
  bool close() noexcept {
    if (id_ < 0) return true;
    const herr_t status = Close(std::exchange(id_, H5I_INVALID_HID));
    return status >= 0;
  }
  void reset() noexcept { close(); }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

using File = Handle<H5Fclose>;
using Group = Handle<H5Gclose>;
using Dataset = Handle<H5Dclose>;
using Space = Handle<H5Sclose>;
using Type = Handle<H5Tclose>;
using PropList = Handle<H5Pclose>;
using Attribute = Handle<H5Aclose>;

// --- Errors -------------------------------------------------------------

/// HDF5's own description of the innermost error on the stack, or "". Read
/// it right after the failing call: the next HDF5 call clears the stack.
std::string last_error();

/// Throws IoError(path, what + HDF5's reason).
[[noreturn]] void fail_at(const std::string& path, const std::string& what);

/// Throws IoError naming the file `context` belongs to.
[[noreturn]] void fail(hid_t context, const std::string& what);

/// Returns `id` if valid, otherwise fail(context, what).
hid_t check_id(hid_t id, hid_t context, const std::string& what);

/// fail(context, what) if `status` reports an error.
void check_status(herr_t status, hid_t context, const std::string& what);

/// Name of the file `object` belongs to, or "<hdf5>" if it has none.
std::string file_name(hid_t object);

/// Path of `object` inside its file ("/timeseries/quarter"), or "".
std::string object_path(hid_t object);

// --- Files and groups ---------------------------------------------------

/// Creates (truncating) a file whose close fails while objects are still
/// open, so finishing a run cannot silently leave it half-written.
File create_file(const std::string& path);

/// Opens an existing file read-only. Throws IoError if it is missing or
/// unreadable, FormatError if it is not an HDF5 file.
File open_file_read_only(const std::string& path);

/// Closes `file`, throwing IoError(path) if flushing or closing fails.
void close_file(File& file, const std::string& path);

/// Whether the absolute or relative object path exists (each component is
/// checked, so missing parents are not an error).
bool exists(hid_t loc, const std::string& path);

/// Opens the group at `path`, creating it and any missing parents. New
/// groups remember creation order so readers list columns as written.
Group open_or_create_group(hid_t loc, const std::string& path);

Group open_group(hid_t loc, const std::string& path);
Dataset open_dataset(hid_t loc, const std::string& path);

struct ObjectEntry {
  std::string path;  // "/timeseries/quarter"
  H5O_type_t type = H5O_TYPE_UNKNOWN;
};

/// Every object below the root (groups, datasets, named datatypes), parents
/// before children, siblings in name order; the root itself is excluded.
std::vector<ObjectEntry> list_objects(hid_t file);

/// Names of the attributes of `object`, in name order.
std::vector<std::string> attribute_names(hid_t object);

/// Dimensions of a dataspace (empty for a scalar).
std::vector<hsize_t> shape(hid_t space);

// --- Types --------------------------------------------------------------

/// File type (little-endian) and memory type for each column element type.
template <class T>
struct TypeOf;
template <>
struct TypeOf<double> {
  static hid_t file() { return H5T_IEEE_F64LE; }
  static hid_t memory() { return H5T_NATIVE_DOUBLE; }
};
template <>
struct TypeOf<std::int64_t> {
  static hid_t file() { return H5T_STD_I64LE; }
  static hid_t memory() { return H5T_NATIVE_INT64; }
};
template <>
struct TypeOf<std::int32_t> {
  static hid_t file() { return H5T_STD_I32LE; }
  static hid_t memory() { return H5T_NATIVE_INT32; }
};
template <>
struct TypeOf<std::uint8_t> {
  static hid_t file() { return H5T_STD_U8LE; }
  static hid_t memory() { return H5T_NATIVE_UINT8; }
};

/// Variable-length UTF-8 string (h5py reads it as str).
Type string_type();

/// HDF5 enum over uint8 with the members of `type`. Throws Error for a
/// value outside 0..255 (a bug in the caller's schema).
Type enum_type(const EnumType& type);

/// Commits `type` as a named datatype at `path` (e.g. "/types/phase").
void commit_type(hid_t loc, const std::string& path, hid_t type);

/// A transient copy of `type` (usable as a memory type).
Type copy_type(hid_t type);

/// Readable name: "int64", "uint8", "float64", "string", "enum(event_kind)".
std::string type_name(hid_t type);

// --- Attributes ---------------------------------------------------------

/// Writes a scalar attribute on `object`, replacing one of the same name.
void write_attribute(hid_t object, const std::string& name, std::int64_t value);
void write_attribute(hid_t object, const std::string& name, std::int32_t value);
void write_attribute(hid_t object, const std::string& name, double value);
void write_attribute(hid_t object, const std::string& name, std::string_view value);

bool has_attribute(hid_t object, const std::string& name);

/// Reads a scalar attribute; nullopt if absent. Throws FormatError if it
/// exists with a type that does not convert (e.g. a number for a string).
std::optional<std::string> read_string_attribute(hid_t object, const std::string& name);
std::optional<std::int64_t> read_int_attribute(hid_t object, const std::string& name);
std::optional<double> read_double_attribute(hid_t object, const std::string& name);

// --- Datasets -----------------------------------------------------------

/// Deflate level for every chunked dataset. After the byte shuffle, level 1
/// gives files within 3 % of level 4's in two thirds of the time.
inline constexpr unsigned kDeflateLevel = 1;

/// Creates a 1-D dataset of `rows` rows that can grow without limit,
/// chunked by `chunk_rows` rows, byte-shuffled and deflated.
Dataset create_column(hid_t loc, const std::string& name, hid_t file_type, hsize_t chunk_rows,
                      hsize_t rows = 0);

/// Creates a 0-d (scalar) dataset.
Dataset create_scalar(hid_t loc, const std::string& name, hid_t file_type);

/// Number of rows of a 1-D dataset.
hsize_t row_count(hid_t dataset);

/// Writes `count` rows from `data` starting at row `first` (which must fit).
void write_rows(hid_t dataset, hid_t memory_type, const void* data, hsize_t first, hsize_t count);

/// Grows a 1-D dataset by `count` rows and writes them from `data`.
void append_rows(hid_t dataset, hid_t memory_type, const void* data, hsize_t count);

}  // namespace incubsim::output::h5
