#include "output/run_reader.hpp"

#include <charconv>

#include "core/errors.hpp"
#include "output/h5.hpp"
#include "output/provenance_attrs.hpp"
#include "output/read_only_file.hpp"
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
  return ReadOnlyFile(file_path).column(dataset_path);
}

}  // namespace incubsim::output
