#include "output/h5.hpp"

#include <gtest/gtest.h>

#include "core/errors.hpp"
#include "output/provenance.hpp"
#include "sample_run.hpp"

namespace incubsim::output {
namespace {

using test_support::TempDir;

herr_t counting_handler(hid_t, void* calls) {
  ++*static_cast<int*>(calls);
  return 0;
}

TEST(ErrorSilencer, SilencesAndRestoresThePreviousHandler) {
  H5E_auto2_t saved_func = nullptr;
  void* saved_data = nullptr;
  H5Eget_auto2(H5E_DEFAULT, &saved_func, &saved_data);

  int calls = 0;
  H5Eset_auto2(H5E_DEFAULT, counting_handler, &calls);
  {
    const h5::ErrorSilencer quiet;
    H5E_auto2_t func = nullptr;
    void* data = nullptr;
    H5Eget_auto2(H5E_DEFAULT, &func, &data);
    EXPECT_EQ(func, nullptr);
    EXPECT_LT(H5Dopen2(H5I_INVALID_HID, "x", H5P_DEFAULT), 0);
    EXPECT_EQ(calls, 0);
  }
  H5E_auto2_t func = nullptr;
  void* data = nullptr;
  H5Eget_auto2(H5E_DEFAULT, &func, &data);
  EXPECT_EQ(func, &counting_handler);
  EXPECT_EQ(data, &calls);
  EXPECT_LT(H5Dopen2(H5I_INVALID_HID, "x", H5P_DEFAULT), 0);
  EXPECT_EQ(calls, 1);

  H5Eset_auto2(H5E_DEFAULT, saved_func, saved_data);
}

TEST(Handle, IsMoveOnlyAndClosesOnce) {
  const TempDir dir;
  const h5::ErrorSilencer quiet;
  h5::File file = h5::create_file((dir / "f.h5").string());
  h5::Group group = h5::open_or_create_group(file.get(), "/a/b/c");
  const hid_t id = group.get();
  EXPECT_GT(H5Iis_valid(id), 0);
  h5::Group moved = std::move(group);
  EXPECT_FALSE(group);  // NOLINT(bugprone-use-after-move): checking the moved-from state
  EXPECT_EQ(moved.get(), id);
  moved.reset();
  EXPECT_LE(H5Iis_valid(id), 0);
  EXPECT_TRUE(h5::exists(file.get(), "/a/b/c"));
  EXPECT_FALSE(h5::exists(file.get(), "/a/x/c"));
  h5::close_file(file, "f.h5");
  EXPECT_FALSE(file);
}

TEST(Attributes, RoundTripEveryType) {
  const TempDir dir;
  const h5::ErrorSilencer quiet;
  h5::File file = h5::create_file((dir / "f.h5").string());
  const hid_t root = file.get();
  h5::write_attribute(root, "i64", std::int64_t{-9007199254740993});
  h5::write_attribute(root, "i32", std::int32_t{-7});
  h5::write_attribute(root, "f64", 0.1);
  h5::write_attribute(root, "text", std::string_view("grüße\nzwei Zeilen"));
  h5::write_attribute(root, "text", std::string_view("replaced"));
  EXPECT_EQ(h5::read_int_attribute(root, "i64"), -9007199254740993);
  EXPECT_EQ(h5::read_int_attribute(root, "i32"), -7);
  EXPECT_EQ(h5::read_double_attribute(root, "f64"), 0.1);
  EXPECT_EQ(h5::read_string_attribute(root, "text"), "replaced");
  EXPECT_EQ(h5::read_string_attribute(root, "absent"), std::nullopt);
  EXPECT_THROW(h5::read_string_attribute(root, "i32"), FormatError);
  EXPECT_THROW(h5::read_int_attribute(root, "text"), FormatError);
  EXPECT_EQ(h5::attribute_names(root), (std::vector<std::string>{"f64", "i32", "i64", "text"}));
}

TEST(Types, EnumTypesRejectOutOfRangeValues) {
  const h5::ErrorSilencer quiet;
  EXPECT_THROW(h5::enum_type({"bad", {{"a", 0}, {"b", 256}}}), Error);
  EXPECT_THROW(h5::enum_type({"dup", {{"a", 0}, {"a", 1}}}), Error);
  const h5::Type ok = h5::enum_type({"ok", {{"a", 0}, {"b", 255}}});
  EXPECT_EQ(H5Tget_nmembers(ok.get()), 2);
  EXPECT_EQ(h5::type_name(ok.get()), "enum");
  EXPECT_EQ(h5::type_name(H5T_STD_I64LE), "int64");
  EXPECT_EQ(h5::type_name(H5T_STD_U8LE), "uint8");
  EXPECT_EQ(h5::type_name(H5T_IEEE_F64LE), "float64");
  EXPECT_EQ(h5::type_name(h5::string_type().get()), "string");
}

TEST(Errors, FailingCallsNameTheFileAndTheObject) {
  const TempDir dir;
  const auto path = (dir / "f.h5").string();
  const h5::ErrorSilencer quiet;
  h5::File file = h5::create_file(path);
  const h5::Group group = h5::open_or_create_group(file.get(), "/g");
  const h5::Dataset first = h5::create_column(group.get(), "x", H5T_STD_I32LE, 8);
  try {
    h5::create_column(group.get(), "x", H5T_STD_I32LE, 8);
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_EQ(e.path(), path);
    const std::string message = e.what();
    EXPECT_NE(message.find("cannot create dataset 'x' at /g"), std::string::npos) << message;
    EXPECT_NE(message.find("(HDF5: "), std::string::npos) << message;
  }
}

TEST(Provenance, FormatVersionAndTime) {
  EXPECT_EQ(current_format_version(), "1.1");
  const std::string now = utc_now_iso8601();
  ASSERT_EQ(now.size(), 20u);
  EXPECT_EQ(now[4], '-');
  EXPECT_EQ(now[10], 'T');
  EXPECT_EQ(now[19], 'Z');
}

}  // namespace
}  // namespace incubsim::output
