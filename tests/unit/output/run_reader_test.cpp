#include "output/run_reader.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <fstream>

#include "core/errors.hpp"
#include "output/h5.hpp"
#include "sample_run.hpp"

namespace incubsim::output {
namespace {

using test_support::TempDir;

// Sets a root string attribute of an existing file (to fake other writers).
void set_root_attribute(const std::filesystem::path& path, const std::string& name,
                        const std::string& value) {
  const h5::ErrorSilencer quiet;
  h5::File file(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT));
  ASSERT_TRUE(file);
  h5::write_attribute(file.get(), name, std::string_view(value));
}

// An HDF5 file that is not an incubsim run: one dataset, optional format.
void write_foreign_file(const std::filesystem::path& path, const std::string& format) {
  const h5::ErrorSilencer quiet;
  h5::File file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
  ASSERT_TRUE(file);
  if (!format.empty()) h5::write_attribute(file.get(), "format", std::string_view(format));
  const h5::Dataset data = h5::create_column(file.get(), "x", H5T_STD_I32LE, 4);
}

template <class Fn>
std::string format_error_message(Fn fn) {
  try {
    fn();
  } catch (const FormatError& e) {
    return e.what();
  }
  return "<no FormatError>";
}

TEST(ReadRunInfo, RejectsAnHdf5FileWithoutFormat) {
  const TempDir dir;
  const auto path = dir / "other.h5";
  write_foreign_file(path, "");
  EXPECT_NE(format_error_message([&] {
              read_run_info(path);
            }).find("not an incubsim result file: it has no 'format' attribute"),
            std::string::npos);
}

TEST(ReadRunInfo, RejectsAnotherFormatNamingIt) {
  const TempDir dir;
  const auto path = dir / "other.h5";
  write_foreign_file(path, "netcdf4");
  const std::string message = format_error_message([&] { read_run_info(path); });
  EXPECT_NE(message.find("its format is 'netcdf4', expected 'incubsim-run'"), std::string::npos)
      << message;
}

TEST(ReadRunInfo, RejectsANewerMajorVersion) {
  const TempDir dir;
  const auto path = dir / "run.h5";
  test_support::write_sample_run(path);
  set_root_attribute(path, "format_version", "2.0");
  EXPECT_EQ(format_error_message([&] { read_run_info(path); }),
            path.string() +
                ": written by a newer incubsim (format 2.0); this build reads format 1.x; "
                "upgrade incubsim");
}

TEST(ReadRunInfo, AcceptsANewerMinorVersion) {
  const TempDir dir;
  const auto path = dir / "run.h5";
  test_support::write_sample_run(path);
  set_root_attribute(path, "format_version", "1.7");
  EXPECT_EQ(read_run_info(path).format_version, "1.7");
  set_root_attribute(path, "format_version", "one");
  EXPECT_NE(format_error_message([&] { read_run_info(path); }).find("unreadable format_version"),
            std::string::npos);
}

TEST(ReadRunInfo, RejectsANonHdf5File) {
  const TempDir dir;
  const auto path = dir / "notes.h5";
  std::ofstream(path) << "quarter,firms\n0,10\n";
  try {
    read_run_info(path);
    FAIL() << "expected FormatError";
  } catch (const FormatError& e) {
    EXPECT_EQ(e.path(), path.string());
    EXPECT_NE(std::string(e.what()).find("not an HDF5 file"), std::string::npos);
  }
}

TEST(ReadRunInfo, MissingFileIsAnIoError) {
  const TempDir dir;
  const auto path = dir / "missing.h5";
  try {
    read_run_info(path);
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_EQ(e.path(), path.string());
    EXPECT_NE(std::string(e.what()).find("no such file"), std::string::npos);
  }
  EXPECT_THROW(read_column(path, "/timeseries/quarter"), IoError);
  EXPECT_THROW(compare_runs(path, path, {}), IoError);
}

TEST(ReadColumn, RejectsMissingAndMisshapenDatasetsAndReadsEnumCodes) {
  const TempDir dir;
  const auto path = dir / "run.h5";
  test_support::write_sample_run(path);
  EXPECT_NE(format_error_message([&] {
              read_column(path, "/timeseries/nothing");
            }).find("has no dataset '/timeseries/nothing'"),
            std::string::npos);
  // Enum columns come back as their codes.
  const auto code = [](EventKind k) { return static_cast<double>(k); };
  EXPECT_EQ(read_column(path, "/events/kind"),
            (std::vector<double>{code(EventKind::firm_birth), code(EventKind::deal),
                                 code(EventKind::firm_death), code(EventKind::certification),
                                 code(EventKind::tier_change)}));
  EXPECT_NE(format_error_message([&] {
              read_column(path, "/network/measures/density");
            }).find("expected a 1-D column"),
            std::string::npos);
  EXPECT_EQ(read_column(path, "/events/detail"), (std::vector<double>{0, 1, 0, 2, 3}));
}

}  // namespace
}  // namespace incubsim::output
