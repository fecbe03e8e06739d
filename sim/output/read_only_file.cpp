#include "output/read_only_file.hpp"

#include <utility>

#include "core/errors.hpp"

namespace incubsim::output {
namespace {

// The dataspace of the dataset at `path`, which must be 1-D, and its length.
std::pair<h5::Space, hsize_t> column_space(const std::string& file, const std::string& path,
                                           hid_t dataset) {
  h5::Space space(
      h5::check_id(H5Dget_space(dataset), dataset, "cannot read the shape of '" + path + "'"));
  const std::vector<hsize_t> dims = h5::shape(space.get());
  if (dims.size() != 1) {
    throw FormatError(file, "dataset '" + path + "' has " + std::to_string(dims.size()) +
                                " dimensions, expected a 1-D column");
  }
  return {std::move(space), dims[0]};
}

}  // namespace

ReadOnlyFile::ReadOnlyFile(const std::filesystem::path& path)
    : name_(path.string()), file_(h5::open_file_read_only(name_)) {}

std::optional<std::string> ReadOnlyFile::root_string(const std::string& name) const {
  return h5::read_string_attribute(file_.get(), name);
}

std::optional<std::int64_t> ReadOnlyFile::root_int(const std::string& name) const {
  return h5::read_int_attribute(file_.get(), name);
}

std::vector<double> ReadOnlyFile::column(const std::string& path) const {
  if (!h5::exists(file_.get(), path)) throw FormatError(name_, "has no dataset '" + path + "'");
  const h5::Dataset dataset = h5::open_dataset(file_.get(), path);
  const h5::Type type(h5::check_id(H5Dget_type(dataset.get()), dataset.get(),
                                   "cannot read the datatype of '" + path + "'"));
  const H5T_class_t cls = H5Tget_class(type.get());
  if (cls != H5T_INTEGER && cls != H5T_FLOAT && cls != H5T_ENUM) {
    throw FormatError(
        name_, "dataset '" + path + "' is " + h5::type_name(type.get()) + ", not a numeric column");
  }
  std::vector<double> values(column_space(name_, path, dataset.get()).second);
  if (values.empty()) return values;
  if (cls == H5T_ENUM) {
    // Enum columns are uint8 codes; HDF5 converts enums only to enums.
    std::vector<std::uint8_t> codes(values.size());
    h5::check_status(
        H5Dread(dataset.get(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, codes.data()),
        dataset.get(), "cannot read dataset '" + path + "'");
    for (std::size_t i = 0; i < codes.size(); ++i) values[i] = codes[i];
    return values;
  }
  h5::check_status(
      H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
      dataset.get(), "cannot read dataset '" + path + "'");
  return values;
}

std::vector<std::string> ReadOnlyFile::string_column(const std::string& path) const {
  if (!h5::exists(file_.get(), path)) throw FormatError(name_, "has no dataset '" + path + "'");
  const h5::Dataset dataset = h5::open_dataset(file_.get(), path);
  const h5::Type type(h5::check_id(H5Dget_type(dataset.get()), dataset.get(),
                                   "cannot read the datatype of '" + path + "'"));
  if (H5Tget_class(type.get()) != H5T_STRING || H5Tis_variable_str(type.get()) <= 0) {
    throw FormatError(name_, "dataset '" + path + "' is " + h5::type_name(type.get()) +
                                 ", not a variable-length string column");
  }
  const auto [space, rows] = column_space(name_, path, dataset.get());
  std::vector<char*> data(rows, nullptr);
  std::vector<std::string> values;
  if (data.empty()) return values;
  const h5::Type memory = h5::copy_type(type.get());
  h5::check_status(H5Dread(dataset.get(), memory.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()),
                   dataset.get(), "cannot read dataset '" + path + "'");
  values.reserve(data.size());
  for (const char* s : data) values.emplace_back(s != nullptr ? s : "");
#if H5_VERSION_GE(1, 12, 0)
  H5Treclaim(memory.get(), space.get(), H5P_DEFAULT, data.data());
#else
  H5Dvlen_reclaim(memory.get(), space.get(), H5P_DEFAULT, data.data());
#endif
  return values;
}

}  // namespace incubsim::output
