// The spill of exited firms: values written in blocks come back unchanged,
// copies share the file without overwriting each other, and a directory it
// cannot use is refused with a message that says what to do.
#include "agents/firm_spill.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "test_support.hpp"

namespace incubsim {
namespace {

using testing::ScratchDir;

std::vector<double> read_doubles(const FirmSpill& spill, std::size_t block) {
  std::vector<double> out(spill.blocks().at(block).count);
  spill.read(block, 0, out.data());
  return out;
}

std::vector<std::int32_t> read_ints(const FirmSpill& spill, std::size_t block) {
  std::vector<std::int32_t> out(spill.blocks().at(block).count);
  spill.read(block, 1, out.data());
  return out;
}

TEST(FirmSpill, BlocksReadBackWhatWasWritten) {
  const ScratchDir dir;
  FirmSpill spill;
  spill.set_directory(dir.path().string());
  spill.set_columns({sizeof(double), sizeof(std::int32_t)});
  EXPECT_TRUE(spill.empty());

  const std::vector<std::uint32_t> first = {3, 1, 8};
  const std::size_t a = spill.add_block(first);
  const std::vector<double> cash = {1.5, -2.25, 1e300};
  const std::vector<std::int32_t> staff = {4, 0, -7};
  spill.write(a, 1, staff.data());  // columns in any order
  spill.write(a, 0, cash.data());

  const std::vector<std::uint32_t> second = {12};
  const std::size_t b = spill.add_block(second);
  const std::vector<double> cash2 = {42.0};
  const std::vector<std::int32_t> staff2 = {9};
  spill.write(b, 0, cash2.data());
  spill.write(b, 1, staff2.data());

  EXPECT_EQ(spill.ids(), (std::vector<std::uint32_t>{3, 1, 8, 12}));
  ASSERT_EQ(spill.blocks().size(), 2U);
  EXPECT_EQ(spill.blocks()[1].first, 3U);
  EXPECT_EQ(read_doubles(spill, a), cash);
  EXPECT_EQ(read_ints(spill, a), staff);
  EXPECT_EQ(read_doubles(spill, b), cash2);
  EXPECT_EQ(read_ints(spill, b), staff2);
  // Unlinked at once: nothing in the directory, even while it is in use.
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(FirmSpill, CopiesShareTheFileWithoutOverwritingEachOther) {
  const ScratchDir dir;
  FirmSpill original;
  original.set_directory(dir.path().string());
  original.set_columns({sizeof(double), sizeof(std::int32_t)});
  const std::vector<std::uint32_t> ids = {0, 2};
  const std::vector<double> cash = {1.0, 2.0};
  const std::vector<std::int32_t> staff = {10, 20};
  original.add_block(ids);
  original.write(0, 0, cash.data());
  original.write(0, 1, staff.data());

  FirmSpill copy = original;
  const std::vector<double> copy_cash = {7.0, 8.0, 9.0};
  const std::vector<std::int32_t> copy_staff = {70, 80, 90};
  const std::vector<std::uint32_t> copy_ids = {5, 6, 7};
  copy.add_block(copy_ids);
  copy.write(1, 0, copy_cash.data());
  copy.write(1, 1, copy_staff.data());
  const std::vector<double> own_cash = {-1.0};
  const std::vector<std::int32_t> own_staff = {-10};
  const std::vector<std::uint32_t> own_ids = {4};
  original.add_block(own_ids);
  original.write(1, 0, own_cash.data());
  original.write(1, 1, own_staff.data());

  EXPECT_EQ(read_doubles(original, 0), cash);
  EXPECT_EQ(read_doubles(copy, 0), cash);
  EXPECT_EQ(read_doubles(copy, 1), copy_cash);
  EXPECT_EQ(read_ints(copy, 1), copy_staff);
  EXPECT_EQ(read_doubles(original, 1), own_cash);
  EXPECT_EQ(read_ints(original, 1), own_staff);
  EXPECT_EQ(copy.ids(), (std::vector<std::uint32_t>{0, 2, 5, 6, 7}));
  EXPECT_EQ(original.ids(), (std::vector<std::uint32_t>{0, 2, 4}));
}

TEST(FirmSpill, ColumnsAreFixedOnceFirmsAreSpilled) {
  const ScratchDir dir;
  FirmSpill spill;
  spill.set_directory(dir.path().string());
  spill.set_columns({8});
  const std::vector<std::uint32_t> ids = {1};
  spill.add_block(ids);
  EXPECT_NO_THROW(spill.set_columns({8}));
  EXPECT_THROW(spill.set_columns({8, 4}), Error);
}

TEST(FirmSpill, AnUnusableDirectoryIsRefusedWithAFix) {
  const ScratchDir dir;
  const std::string missing = (dir.path() / "no" / "such").string();
  FirmSpill spill;
  spill.set_directory(missing);
  spill.set_columns({8});
  const std::vector<std::uint32_t> ids = {1};
  try {
    spill.add_block(ids);
    FAIL() << "a spill in a missing directory was created";
  } catch (const IoError& e) {
    EXPECT_EQ(e.path(), missing);
    const std::string what = e.what();
    EXPECT_NE(what.find("make room there"), std::string::npos) << what;
    EXPECT_NE(what.find("record_agents"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace incubsim
