#include "output/h5.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <initializer_list>
#include <new>
#include <string>
#include <system_error>
#include <vector>

#include "core/errors.hpp"

namespace incubsim::output::h5 {
namespace {

// H5Ewalk2 callback: keeps the first (innermost, when walking upward) entry.
herr_t take_innermost(unsigned n, const H5E_error2_t* err, void* client) {
  if (n == 0 && err != nullptr && err->desc != nullptr) {
    *static_cast<std::string*>(client) = err->desc;
  }
  return 0;
}

// HDF5's low-level I/O errors are a multi-line dump ("file write failed:
// time = ..., errno = 27, error message = 'File too large', ..."); the
// system's message is what a user can act on.
std::string tidy_reason(const std::string& desc) {
  const std::string key = "error message = '";
  const auto at = desc.find(key);
  if (at == std::string::npos) return desc;
  const auto start = at + key.size();
  const auto end = desc.find('\'', start);
  const std::string head = desc.substr(0, desc.find(':'));
  return head + ": " +
         desc.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::string with_reason(const std::string& what, const std::string& reason) {
  return reason.empty() ? what : what + " (HDF5: " + reason + ")";
}

// Reads a name-returning HDF5 query (H5Fget_name, H5Iget_name) into a string.
template <class Query>
std::string read_name(Query query, const std::string& fallback) {
  const ssize_t size = query(nullptr, 0);
  if (size <= 0) return fallback;
  std::string name(static_cast<std::size_t>(size) + 1, '\0');
  if (query(name.data(), name.size()) < 0) return fallback;
  name.resize(static_cast<std::size_t>(size));
  return name;
}

// Reports a failure on an attribute of `object`, naming the object.
[[noreturn]] void fail_attribute(hid_t object, const std::string& verb, const std::string& name) {
  const std::string reason = last_error();
  std::string where = object_path(object);
  if (where.empty()) where = "/";
  throw IoError(file_name(object),
                with_reason("cannot " + verb + " attribute '" + name + "' on " + where, reason));
}

PropList make_plist(hid_t cls) {
  PropList plist(H5Pcreate(cls));
  if (!plist) throw Error("HDF5 cannot create a property list" + with_reason("", last_error()));
  return plist;
}

// Object creation properties shared by groups and datasets: no timestamps
// (identical runs give identical objects) and attributes kept in the order
// written (h5py and h5dump then list them as documented).
void set_object_properties(hid_t plist) {
  if (H5Pset_obj_track_times(plist, 0) < 0 ||
      H5Pset_attr_creation_order(plist, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0) {
    throw Error("HDF5 rejected object creation properties" + with_reason("", last_error()));
  }
}

PropList group_creation_properties() {
  PropList gcpl = make_plist(H5P_GROUP_CREATE);
  set_object_properties(gcpl.get());
  if (H5Pset_link_creation_order(gcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0) {
    throw Error("HDF5 rejected group creation properties" + with_reason("", last_error()));
  }
  return gcpl;
}

// HDF5 locks files it opens; on filesystems without lock support (some
// network mounts) it would refuse to open them at all unless told to go on.
PropList file_access_properties() {
  PropList fapl = make_plist(H5P_FILE_ACCESS);
#if H5_VERSION_GE(1, 10, 7)
  if (H5Pset_file_locking(fapl.get(), 1, 1) < 0) {
    throw Error("HDF5 rejected file locking properties" + with_reason("", last_error()));
  }
#endif
  return fapl;
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    if (end > start) parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

void write_scalar_attribute(hid_t object, const std::string& name, hid_t file_type,
                            hid_t memory_type, const void* value) {
  if (has_attribute(object, name) && H5Adelete(object, name.c_str()) < 0) {
    fail_attribute(object, "replace", name);
  }
  const Space space(H5Screate(H5S_SCALAR));
  if (!space) fail_attribute(object, "create", name);
  const Attribute attr(
      H5Acreate2(object, name.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT));
  if (!attr) fail_attribute(object, "create", name);
  if (H5Awrite(attr.get(), memory_type, value) < 0) fail_attribute(object, "write", name);
}

// Opens a one-element attribute and checks its class; nullopt if absent.
std::optional<Attribute> open_scalar_attribute(hid_t object, const std::string& name,
                                               std::initializer_list<H5T_class_t> classes,
                                               const char* expected) {
  if (!has_attribute(object, name)) return std::nullopt;
  Attribute attr(H5Aopen(object, name.c_str(), H5P_DEFAULT));
  if (!attr) fail_attribute(object, "open", name);
  const Type type(H5Aget_type(attr.get()));
  const Space space(H5Aget_space(attr.get()));
  if (!type || !space) fail_attribute(object, "inspect", name);
  const H5T_class_t cls = H5Tget_class(type.get());
  bool class_ok = false;
  for (const H5T_class_t c : classes) class_ok = class_ok || c == cls;
  if (!class_ok || H5Sget_simple_extent_npoints(space.get()) != 1) {
    std::string where = object_path(object);
    if (where.empty()) where = "/";
    throw FormatError(file_name(object), "attribute '" + name + "' on " + where + " is " +
                                             type_name(type.get()) + ", expected " + expected);
  }
  return attr;
}

}  // namespace

ErrorSilencer::ErrorSilencer() {
  if (H5Eget_auto2(H5E_DEFAULT, &func_, &data_) >= 0) {
    restore_ = true;
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
}

ErrorSilencer::~ErrorSilencer() {
  if (restore_) H5Eset_auto2(H5E_DEFAULT, func_, data_);
}

std::string last_error() {
  std::string desc;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, take_innermost, &desc);
  return tidy_reason(desc);
}

void fail_at(const std::string& path, const std::string& what) {
  throw IoError(path, with_reason(what, last_error()));
}

void fail(hid_t context, const std::string& what) {
  const std::string reason = last_error();  // before any other HDF5 call clears it
  std::string message = what;
  if (H5Iget_type(context) != H5I_FILE) {
    const std::string where = object_path(context);
    if (!where.empty() && where != "/") message += " at " + where;
  }
  throw IoError(file_name(context), with_reason(message, reason));
}

hid_t check_id(hid_t id, hid_t context, const std::string& what) {
  if (id < 0) fail(context, what);
  return id;
}

void check_status(herr_t status, hid_t context, const std::string& what) {
  if (status < 0) fail(context, what);
}

std::string file_name(hid_t object) {
  return read_name([object](char* buf, std::size_t n) { return H5Fget_name(object, buf, n); },
                   "<hdf5>");
}

std::string object_path(hid_t object) {
  return read_name([object](char* buf, std::size_t n) { return H5Iget_name(object, buf, n); }, "");
}

// --- Files and groups ---------------------------------------------------

File create_file(const std::string& path) {
  const PropList fapl = file_access_properties();
  // The 1.10 file format indexes chunks with extensible arrays and keeps
  // small object headers: a run's ~200 small datasets take a fraction of the
  // space of the 1.8-compatible default's B-trees, which matters for sweeps
  // of 100,000 runs. Readers need HDF5 >= 1.10 (h5py has bundled it for years).
  if (H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_SEMI) < 0 ||
      H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V110, H5F_LIBVER_V110) < 0) {
    throw Error("HDF5 rejected file properties" + with_reason("", last_error()));
  }
  const PropList fcpl = make_plist(H5P_FILE_CREATE);
  set_object_properties(fcpl.get());  // root attributes keep their written order
  File file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get()));
  if (!file) fail_at(path, "cannot create HDF5 file");
  return file;
}

File open_file_read_only(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw IoError(path, "cannot open: no such file");
  if (std::filesystem::is_directory(path, ec)) {
    throw IoError(path, "cannot open: it is a directory, expected a result file");
  }
  if (::access(path.c_str(), R_OK) != 0) {
    throw IoError(path,
                  "cannot open: " + std::error_code(errno, std::generic_category()).message());
  }
  if (H5Fis_hdf5(path.c_str()) == 0) {
    throw FormatError(path, "not an HDF5 file; expected a result file written by `incubsim run`");
  }
  const PropList fapl = file_access_properties();
  File file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()));
  if (!file) fail_at(path, "cannot open HDF5 file for reading");
  return file;
}

void close_file(File& file, const std::string& path) {
  if (!file.close()) fail_at(path, "cannot flush and close the file; is the disk full?");
}

bool exists(hid_t loc, const std::string& path) {
  std::string prefix = path.starts_with('/') ? "/" : "";
  for (const std::string& part : split_path(path)) {
    prefix += part;
    const htri_t found = H5Lexists(loc, prefix.c_str(), H5P_DEFAULT);
    if (found < 0) fail(loc, "cannot look up '" + prefix + "'");
    if (found == 0) return false;
    prefix += '/';
  }
  return true;
}

Group open_or_create_group(hid_t loc, const std::string& path) {
  Group current(check_id(H5Gopen2(loc, path.starts_with('/') ? "/" : ".", H5P_DEFAULT), loc,
                         "cannot open group for '" + path + "'"));
  const PropList gcpl = group_creation_properties();
  for (const std::string& part : split_path(path)) {
    const htri_t found = H5Lexists(current.get(), part.c_str(), H5P_DEFAULT);
    if (found < 0) fail(loc, "cannot look up '" + part + "' in '" + path + "'");
    const hid_t next =
        found > 0 ? H5Gopen2(current.get(), part.c_str(), H5P_DEFAULT)
                  : H5Gcreate2(current.get(), part.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT);
    current = Group(check_id(next, loc, "cannot create group '" + path + "'"));
  }
  return current;
}

Group open_group(hid_t loc, const std::string& path) {
  return Group(
      check_id(H5Gopen2(loc, path.c_str(), H5P_DEFAULT), loc, "cannot open group '" + path + "'"));
}

Dataset open_dataset(hid_t loc, const std::string& path) {
  Dataset dataset(check_id(H5Dopen2(loc, path.c_str(), H5P_DEFAULT), loc,
                           "cannot open dataset '" + path + "'"));
  // Deflate shrinks data at most about 1032:1, so a dataset whose elements
  // need far more bytes than it stores is damaged: reading it would
  // allocate, or scan block by block, up to exabytes of fill values.
  const Space space(H5Dget_space(dataset.get()));
  const Type type(H5Dget_type(dataset.get()));
  if (space && type) {
    const hssize_t points = H5Sget_simple_extent_npoints(space.get());
    const double needed =
        static_cast<double>(points) * static_cast<double>(H5Tget_size(type.get()));
    const double stored = static_cast<double>(H5Dget_storage_size(dataset.get()));
    if (needed > 1100.0 * stored + double{1 << 20}) {
      throw FormatError(file_name(loc), "dataset '" + path + "' claims " + std::to_string(points) +
                                            " elements but stores only " +
                                            std::to_string(H5Dget_storage_size(dataset.get())) +
                                            " bytes: the file is damaged");
    }
  }
  return dataset;
}

std::vector<ObjectEntry> list_objects(hid_t file) {
  struct Visit {
    std::vector<ObjectEntry> entries;
    bool failed = false;
  } visit;
  const auto collect = [](hid_t, const char* name, const H5O_info_t* info, void* data) -> herr_t {
    auto* v = static_cast<Visit*>(data);
    if (std::string_view(name) == ".") return 0;  // the root itself
    try {                                         // no exception may cross the C library
      v->entries.push_back({"/" + std::string(name), info->type});
    } catch (...) {
      v->failed = true;
      return -1;
    }
    return 0;
  };
  const herr_t status =
      H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_INC, collect, &visit, H5O_INFO_BASIC);
  if (visit.failed) throw std::bad_alloc();
  check_status(status, file, "cannot list the objects in the file");
  return std::move(visit.entries);
}

std::vector<std::string> attribute_names(hid_t object) {
  struct Visit {
    std::vector<std::string> names;
    bool failed = false;
  } visit;
  const auto collect = [](hid_t, const char* name, const H5A_info_t*, void* data) -> herr_t {
    auto* v = static_cast<Visit*>(data);
    try {
      v->names.emplace_back(name);
    } catch (...) {
      v->failed = true;
      return -1;
    }
    return 0;
  };
  const herr_t status = H5Aiterate2(object, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect, &visit);
  if (visit.failed) throw std::bad_alloc();
  if (status < 0) fail(object, "cannot list attributes");
  return std::move(visit.names);
}

std::vector<hsize_t> shape(hid_t space) {
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 0) throw Error("HDF5 cannot read a dataspace's rank" + with_reason("", last_error()));
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  if (rank > 0 && H5Sget_simple_extent_dims(space, dims.data(), nullptr) < 0) {
    throw Error("HDF5 cannot read a dataspace's dimensions" + with_reason("", last_error()));
  }
  return dims;
}

// --- Types --------------------------------------------------------------

Type string_type() {
  Type type(H5Tcopy(H5T_C_S1));
  if (!type || H5Tset_size(type.get(), H5T_VARIABLE) < 0 ||
      H5Tset_cset(type.get(), H5T_CSET_UTF8) < 0) {
    throw Error("HDF5 cannot create a string type" + with_reason("", last_error()));
  }
  return type;
}

Type enum_type(const EnumType& type) {
  Type result(H5Tenum_create(H5T_STD_U8LE));
  if (!result) throw Error("HDF5 cannot create enum type '" + type.name + "'");
  for (const auto& [name, value] : type.members) {
    if (value < 0 || value > 255) {
      throw Error("enum type '" + type.name + "': member '" + name + "' has value " +
                  std::to_string(value) + ", outside the uint8 range 0..255");
    }
    const auto stored = static_cast<std::uint8_t>(value);
    if (H5Tenum_insert(result.get(), name.c_str(), &stored) < 0) {
      throw Error(with_reason("enum type '" + type.name + "': cannot add member '" + name +
                                  "' (duplicate name or value?)",
                              last_error()));
    }
  }
  return result;
}

void commit_type(hid_t loc, const std::string& path, hid_t type) {
  const PropList tcpl = make_plist(H5P_DATATYPE_CREATE);
  if (H5Pset_obj_track_times(tcpl.get(), 0) < 0) {
    throw Error("HDF5 rejected datatype creation properties" + with_reason("", last_error()));
  }
  check_status(H5Tcommit2(loc, path.c_str(), type, H5P_DEFAULT, tcpl.get(), H5P_DEFAULT), loc,
               "cannot store named datatype '" + path + "'");
}

Type copy_type(hid_t type) {
  Type copy(H5Tcopy(type));
  if (!copy) throw Error("HDF5 cannot copy a datatype" + with_reason("", last_error()));
  return copy;
}

std::string type_name(hid_t type) {
  const std::string bits = std::to_string(H5Tget_size(type) * 8);
  switch (H5Tget_class(type)) {
    case H5T_INTEGER: return (H5Tget_sign(type) == H5T_SGN_NONE ? "uint" : "int") + bits;
    case H5T_FLOAT: return "float" + bits;
    case H5T_STRING: return "string";
    case H5T_ENUM: {
      if (H5Tcommitted(type) > 0) {
        const std::string path = object_path(type);
        if (!path.empty()) return "enum(" + path.substr(path.rfind('/') + 1) + ")";
      }
      return "enum";
    }
    case H5T_COMPOUND: return "compound";
    case H5T_ARRAY: return "array";
    case H5T_VLEN: return "vlen";
    case H5T_OPAQUE: return "opaque";
    case H5T_BITFIELD: return "bitfield" + bits;
    case H5T_REFERENCE: return "reference";
    case H5T_TIME: return "time";
    default: return "unknown";
  }
}

// --- Attributes ---------------------------------------------------------

void write_attribute(hid_t object, const std::string& name, std::int64_t value) {
  write_scalar_attribute(object, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value);
}

void write_attribute(hid_t object, const std::string& name, std::int32_t value) {
  write_scalar_attribute(object, name, H5T_STD_I32LE, H5T_NATIVE_INT32, &value);
}

void write_attribute(hid_t object, const std::string& name, double value) {
  write_scalar_attribute(object, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

void write_attribute(hid_t object, const std::string& name, std::string_view value) {
  const std::string text(value);  // NUL-terminated copy for the C API
  const char* data = text.c_str();
  const Type type = string_type();
  write_scalar_attribute(object, name, type.get(), type.get(), &data);
}

bool has_attribute(hid_t object, const std::string& name) {
  const htri_t found = H5Aexists(object, name.c_str());
  if (found < 0) fail_attribute(object, "look up", name);
  return found > 0;
}

std::optional<std::string> read_string_attribute(hid_t object, const std::string& name) {
  const auto attr = open_scalar_attribute(object, name, {H5T_STRING}, "a string");
  if (!attr) return std::nullopt;
  const Type type(H5Aget_type(attr->get()));
  const Space space(H5Aget_space(attr->get()));
  if (!type || !space) fail_attribute(object, "inspect", name);
  if (H5Tis_variable_str(type.get()) > 0) {
    const Type memory = copy_type(type.get());  // same character set: no conversion
    char* data = nullptr;
    if (H5Aread(attr->get(), memory.get(), &data) < 0) fail_attribute(object, "read", name);
    std::string value = data != nullptr ? data : "";
    H5free_memory(data);  // the library allocated it
    return value;
  }
  std::string buffer(H5Tget_size(type.get()), '\0');
  if (H5Aread(attr->get(), type.get(), buffer.data()) < 0) fail_attribute(object, "read", name);
  buffer.resize(std::min(buffer.size(), buffer.find('\0')));
  if (H5Tget_strpad(type.get()) == H5T_STR_SPACEPAD) {
    buffer.erase(buffer.find_last_not_of(' ') + 1);
  }
  return buffer;
}

std::optional<std::int64_t> read_int_attribute(hid_t object, const std::string& name) {
  const auto attr = open_scalar_attribute(object, name, {H5T_INTEGER}, "an integer");
  if (!attr) return std::nullopt;
  std::int64_t value = 0;
  if (H5Aread(attr->get(), H5T_NATIVE_INT64, &value) < 0) fail_attribute(object, "read", name);
  return value;
}

std::optional<double> read_double_attribute(hid_t object, const std::string& name) {
  const auto attr = open_scalar_attribute(object, name, {H5T_FLOAT, H5T_INTEGER}, "a number");
  if (!attr) return std::nullopt;
  double value = 0.0;
  if (H5Aread(attr->get(), H5T_NATIVE_DOUBLE, &value) < 0) fail_attribute(object, "read", name);
  return value;
}

// --- Datasets -----------------------------------------------------------

Dataset create_column(hid_t loc, const std::string& name, hid_t file_type, hsize_t chunk_rows,
                      hsize_t rows) {
  const hsize_t dims[1] = {rows};
  const hsize_t max_dims[1] = {H5S_UNLIMITED};
  const hsize_t chunk[1] = {chunk_rows > 0 ? chunk_rows : 1};
  const Space space(check_id(H5Screate_simple(1, dims, max_dims), loc,
                             "cannot describe the shape of dataset '" + name + "'"));
  const PropList dcpl = make_plist(H5P_DATASET_CREATE);
  set_object_properties(dcpl.get());
  // Shuffle groups the bytes of each significance together, which makes
  // slowly varying integers and doubles compress far better under deflate.
  if (H5Pset_chunk(dcpl.get(), 1, chunk) < 0 || H5Pset_shuffle(dcpl.get()) < 0 ||
      H5Pset_deflate(dcpl.get(), kDeflateLevel) < 0) {
    fail(loc, "cannot set chunking and compression for dataset '" + name +
                  "'; is this HDF5 built with zlib?");
  }
  return Dataset(check_id(
      H5Dcreate2(loc, name.c_str(), file_type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
      loc, "cannot create dataset '" + name + "'"));
}

Dataset create_scalar(hid_t loc, const std::string& name, hid_t file_type) {
  const Space space(
      check_id(H5Screate(H5S_SCALAR), loc, "cannot describe scalar dataset '" + name + "'"));
  const PropList dcpl = make_plist(H5P_DATASET_CREATE);
  set_object_properties(dcpl.get());
  return Dataset(check_id(
      H5Dcreate2(loc, name.c_str(), file_type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
      loc, "cannot create dataset '" + name + "'"));
}

hsize_t row_count(hid_t dataset) {
  const Space space(check_id(H5Dget_space(dataset), dataset, "cannot read a dataset's shape"));
  hsize_t dims[1] = {0};
  if (H5Sget_simple_extent_ndims(space.get()) != 1 ||
      H5Sget_simple_extent_dims(space.get(), dims, nullptr) < 0) {
    fail(dataset, "expected a 1-D dataset");
  }
  return dims[0];
}

void write_rows(hid_t dataset, hid_t memory_type, const void* data, hsize_t first, hsize_t count) {
  if (count == 0) return;
  const Space file_space(check_id(H5Dget_space(dataset), dataset, "cannot read a dataset's shape"));
  const hsize_t start[1] = {first};
  const hsize_t size[1] = {count};
  check_status(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, size, nullptr),
               dataset, "cannot select rows to write");
  const Space memory_space(
      check_id(H5Screate_simple(1, size, nullptr), dataset, "cannot describe rows to write"));
  check_status(
      H5Dwrite(dataset, memory_type, memory_space.get(), file_space.get(), H5P_DEFAULT, data),
      dataset, "cannot write " + std::to_string(count) + " rows");
}

void append_rows(hid_t dataset, hid_t memory_type, const void* data, hsize_t count) {
  if (count == 0) return;
  const hsize_t first = row_count(dataset);
  const hsize_t size[1] = {first + count};
  check_status(H5Dset_extent(dataset, size), dataset, "cannot extend a dataset");
  write_rows(dataset, memory_type, data, first, count);
}

}  // namespace incubsim::output::h5
