#include "checkpoint/h5_archive.hpp"

#include "core/errors.hpp"

namespace incubsim::checkpoint {
namespace h5 = output::h5;
namespace {

using Kind = StateArchive::Kind;

// File and memory types of each kind; bytes are stored as uint8.
hid_t file_type(Kind kind) {
  switch (kind) {
    case Kind::i8: return H5T_STD_I8LE;
    case Kind::u8: return H5T_STD_U8LE;
    case Kind::i16: return H5T_STD_I16LE;
    case Kind::u16: return H5T_STD_U16LE;
    case Kind::i32: return H5T_STD_I32LE;
    case Kind::u32: return H5T_STD_U32LE;
    case Kind::i64: return H5T_STD_I64LE;
    case Kind::u64: return H5T_STD_U64LE;
    case Kind::f64: return H5T_IEEE_F64LE;
    case Kind::bytes: return H5T_STD_U8LE;
  }
  return H5T_STD_U8LE;
}

hid_t memory_type(Kind kind) {
  switch (kind) {
    case Kind::i8: return H5T_NATIVE_INT8;
    case Kind::u8: return H5T_NATIVE_UINT8;
    case Kind::i16: return H5T_NATIVE_INT16;
    case Kind::u16: return H5T_NATIVE_UINT16;
    case Kind::i32: return H5T_NATIVE_INT32;
    case Kind::u32: return H5T_NATIVE_UINT32;
    case Kind::i64: return H5T_NATIVE_INT64;
    case Kind::u64: return H5T_NATIVE_UINT64;
    case Kind::f64: return H5T_NATIVE_DOUBLE;
    case Kind::bytes: return H5T_NATIVE_UINT8;
  }
  return H5T_NATIVE_UINT8;
}

// Elements in the dataset: bytes are stored one per element.
hsize_t stored_length(Kind kind, std::size_t element_size, std::size_t count) {
  return static_cast<hsize_t>(kind == Kind::bytes ? element_size * count : count);
}

}  // namespace

H5StateWriter::H5StateWriter(hid_t group) : root_(group) {}

void H5StateWriter::corrupt(const std::string& name, const std::string& what) {
  throw Error("checkpoint field " + name + ": " + what);
}

void H5StateWriter::enter(const std::string& group) {
  groups_.push_back(h5::open_or_create_group(current(), group));
}

void H5StateWriter::leave() {
  groups_.pop_back();
}

void H5StateWriter::write(const std::string& name, const void* data, std::size_t element_size,
                          std::size_t count, Kind kind) {
  const hsize_t n = stored_length(kind, element_size, count);
  const h5::Space space(H5Screate_simple(1, &n, nullptr));
  h5::check_id(space.get(), current(), "cannot create dataspace for " + name);
  const h5::Dataset dataset(H5Dcreate2(current(), name.c_str(), file_type(kind), space.get(),
                                       H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  h5::check_id(dataset.get(), current(), "cannot create checkpoint field " + name);
  if (n > 0) {
    h5::check_status(
        H5Dwrite(dataset.get(), memory_type(kind), H5S_ALL, H5S_ALL, H5P_DEFAULT, data),
        dataset.get(), "cannot write checkpoint field " + name);
  }
  h5::write_attribute(dataset.get(), "kind", static_cast<std::int32_t>(kind));
  h5::write_attribute(dataset.get(), "element_size", static_cast<std::int64_t>(element_size));
}

std::size_t H5StateWriter::count(const std::string&, std::size_t, Kind) {
  throw Error("H5StateWriter::count called while saving");
}

void H5StateWriter::read(const std::string&, void*, std::size_t, std::size_t) {
  throw Error("H5StateWriter::read called while saving");
}

H5StateReader::H5StateReader(hid_t group, std::string file)
    : root_(group), file_(std::move(file)) {}

std::string H5StateReader::where(const std::string& name) const {
  std::string path;
  for (const auto& n : names_) path += n + "/";
  return path + name;
}

void H5StateReader::corrupt(const std::string& name, const std::string& what) {
  throw FormatError(file_, "checkpoint field " + where(name) + ": " + what +
                               "; the checkpoint is damaged or was written by another build "
                               "of incubsim: rerun from the start");
}

void H5StateReader::enter(const std::string& group) {
  if (!h5::exists(current(), group)) corrupt(group, "missing");
  groups_.push_back(h5::open_group(current(), group));
  names_.push_back(group);
}

void H5StateReader::leave() {
  groups_.pop_back();
  names_.pop_back();
}

void H5StateReader::write(const std::string&, const void*, std::size_t, std::size_t, Kind) {
  throw Error("H5StateReader::write called while restoring");
}

std::size_t H5StateReader::count(const std::string& name, std::size_t element_size, Kind kind) {
  if (!h5::exists(current(), name)) corrupt(name, "missing");
  const h5::Dataset dataset = h5::open_dataset(current(), name);
  const auto stored_kind = h5::read_int_attribute(dataset.get(), "kind");
  const auto stored_size = h5::read_int_attribute(dataset.get(), "element_size");
  if (!stored_kind || !stored_size || *stored_kind != static_cast<std::int64_t>(kind) ||
      *stored_size != static_cast<std::int64_t>(element_size)) {
    corrupt(name, "stored with another element type");
  }
  const hsize_t rows = h5::row_count(dataset.get());
  if (kind == Kind::bytes && rows % element_size != 0) corrupt(name, "truncated");
  return static_cast<std::size_t>(kind == Kind::bytes ? rows / element_size : rows);
}

void H5StateReader::read(const std::string& name, void* data, std::size_t element_size,
                         std::size_t count) {
  if (count == 0) return;
  const h5::Dataset dataset = h5::open_dataset(current(), name);
  // The element kind was checked by count(); read as stored.
  const h5::Type type(H5Dget_type(dataset.get()));
  const h5::Type native(H5Tget_native_type(type.get(), H5T_DIR_ASCEND));
  (void)element_size;
  h5::check_status(H5Dread(dataset.get(), native.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data),
                   dataset.get(), "cannot read checkpoint field " + where(name));
}

}  // namespace incubsim::checkpoint
