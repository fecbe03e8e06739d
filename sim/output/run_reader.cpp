#include "output/run_reader.hpp"

#include <charconv>

#include "core/errors.hpp"
#include "output/h5.hpp"
#include "output/provenance_attrs.hpp"
#include "output/table_file.hpp"

namespace incubsim::output {
namespace {

// Checks that `root` belongs to an incubsim run file this build can read and
// returns its format_version.
std::string check_format(hid_t root, const std::string& path) {
  const std::optional<std::string> format = h5::read_string_attribute(root, "format");
  if (!format) {
    throw FormatError(path, "not an incubsim result file: it has no 'format' attribute");
  }
  if (*format == "incubsim-compare") {
    throw FormatError(path,
                      "is a paired comparison (written by `incubsim compare`), not a run "
                      "file; `incubsim info` summarises it, and each of its runs can be "
                      "re-run with `incubsim run --seed` (seeds in /runs/seed)");
  }
  if (*format == "incubsim-checkpoint") {
    throw FormatError(path,
                      "is the checkpoint of an interrupted run, not its result; finish the run "
                      "with `incubsim resume " +
                          path + "`");
  }
  if (*format != kRunFormat) {
    throw FormatError(path, "not an incubsim result file: its format is '" + *format +
                                "', expected '" + kRunFormat + "'");
  }
  const std::optional<std::string> version = h5::read_string_attribute(root, "format_version");
  if (!version) {
    throw FormatError(path, "incubsim result file without a 'format_version' attribute");
  }
  const std::optional<int> major = major_version(*version);
  if (!major) {
    throw FormatError(path, "unreadable format_version '" + *version + "', expected MAJOR.MINOR");
  }
  if (*major > kRunFormatMajor) {
    throw FormatError(path, "written by a newer incubsim (format " + *version +
                                "); this build reads format " + std::to_string(kRunFormatMajor) +
                                ".x; upgrade incubsim");
  }
  return *version;
}

DatasetInfo describe_dataset(hid_t file, const std::string& path) {
  const h5::Dataset dataset = h5::open_dataset(file, path);
  const h5::Type type(h5::check_id(H5Dget_type(dataset.get()), dataset.get(),
                                   "cannot read the datatype of '" + path + "'"));
  const h5::Space space(h5::check_id(H5Dget_space(dataset.get()), dataset.get(),
                                     "cannot read the shape of '" + path + "'"));
  DatasetInfo info;
  info.path = path;
  for (const hsize_t dim : h5::shape(space.get())) info.shape.push_back(dim);
  info.type = h5::type_name(type.get());
  info.storage_bytes = H5Dget_storage_size(dataset.get());
  return info;
}

}  // namespace

RunFileInfo read_run_info(const std::filesystem::path& path) {
  const h5::ErrorSilencer quiet;
  const std::string name = path.string();
  const h5::File file = h5::open_file_read_only(name);
  RunFileInfo info;
  info.format_version = check_format(file.get(), name);
  info.provenance = read_provenance_attributes(file.get());
  for (const h5::ObjectEntry& entry : h5::list_objects(file.get())) {
    if (entry.type == H5O_TYPE_DATASET) {
      info.datasets.push_back(describe_dataset(file.get(), entry.path));
    }
  }
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(path, ec);
  info.file_bytes = ec ? 0 : bytes;
  return info;
}

std::vector<double> read_column(const std::filesystem::path& file_path,
                                const std::string& dataset_path) {
  const h5::ErrorSilencer quiet;
  const std::string name = file_path.string();
  const h5::File file = h5::open_file_read_only(name);
  if (!h5::exists(file.get(), dataset_path)) {
    throw FormatError(name, "has no dataset '" + dataset_path + "'");
  }
  const h5::Dataset dataset = h5::open_dataset(file.get(), dataset_path);
  const h5::Type type(h5::check_id(H5Dget_type(dataset.get()), dataset.get(),
                                   "cannot read the datatype of '" + dataset_path + "'"));
  const H5T_class_t cls = H5Tget_class(type.get());
  if (cls != H5T_INTEGER && cls != H5T_FLOAT && cls != H5T_ENUM) {
    throw FormatError(name, "dataset '" + dataset_path + "' is " + h5::type_name(type.get()) +
                                ", not a numeric column");
  }
  const h5::Space space(h5::check_id(H5Dget_space(dataset.get()), dataset.get(),
                                     "cannot read the shape of '" + dataset_path + "'"));
  const std::vector<hsize_t> dims = h5::shape(space.get());
  if (dims.size() != 1) {
    throw FormatError(name, "dataset '" + dataset_path + "' has " + std::to_string(dims.size()) +
                                " dimensions, expected a 1-D column");
  }
  std::vector<double> values(dims[0]);
  if (values.empty()) return values;
  if (cls == H5T_ENUM) {
    // Enum columns are uint8 codes; HDF5 converts enums only to enums.
    std::vector<std::uint8_t> codes(dims[0]);
    h5::check_status(
        H5Dread(dataset.get(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, codes.data()),
        dataset.get(), "cannot read dataset '" + dataset_path + "'");
    for (std::size_t i = 0; i < codes.size(); ++i) values[i] = codes[i];
    return values;
  }
  h5::check_status(
      H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
      dataset.get(), "cannot read dataset '" + dataset_path + "'");
  return values;
}

}  // namespace incubsim::output
