#include "output/read_only_file.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <vector>

#include "core/errors.hpp"
#include "output/table_file.hpp"
#include "sample_run.hpp"

namespace incubsim::output {
namespace {

using test_support::TempDir;

// One open serves attributes, numeric and string columns, as the free
// read_* functions (which open the file each time) would read them.
TEST(ReadOnlyFile, ReadsAttributesAndColumnsThroughOneOpen) {
  const TempDir dir;
  const auto path = dir.path() / "t.h5";
  const std::vector<std::int64_t> ids = {3, 1, 4};
  const std::vector<double> shares = {0.5, 0.25, 0.125};
  {
    TableFileWriter w(path);
    w.attribute("format", "test-format");
    w.attribute("replicates", std::int64_t{7});
    TableView t;
    t.columns.push_back({"id", "-", "an id", std::span<const std::int64_t>(ids)});
    t.columns.push_back({"share", "1", "a share", std::span<const double>(shares)});
    w.write_table("/rows", {{"key", "-", "a key", {"a", "bb", ""}}}, t);
    w.finish();
  }
  const ReadOnlyFile f(path);
  EXPECT_EQ(f.root_string("format"), "test-format");
  EXPECT_EQ(f.root_int("replicates"), 7);
  EXPECT_EQ(f.root_string("absent"), std::nullopt);
  EXPECT_EQ(f.column("/rows/id"), (std::vector<double>{3, 1, 4}));
  EXPECT_EQ(f.column("/rows/share"), shares);
  EXPECT_EQ(f.string_column("/rows/key"), (std::vector<std::string>{"a", "bb", ""}));
  EXPECT_EQ(read_root_string(path, "format"), f.root_string("format"));
  EXPECT_EQ(read_string_column(path, "/rows/key"), f.string_column("/rows/key"));

  EXPECT_THROW((void)f.column("/rows/missing"), FormatError);
  EXPECT_THROW((void)f.column("/rows/key"), FormatError);  // strings are not numbers
  EXPECT_THROW((void)f.string_column("/rows/id"), FormatError);
  EXPECT_THROW(ReadOnlyFile(dir.path() / "none.h5"), IoError);
}

}  // namespace
}  // namespace incubsim::output
