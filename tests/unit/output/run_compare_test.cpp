#include <gtest/gtest.h>

#include "output/run_reader.hpp"
#include "sample_run.hpp"
#include "test_support.hpp"

namespace incubsim::output {
namespace {

using incubsim::testing::describe;
using test_support::SampleOptions;
using test_support::TempDir;

const std::vector<std::string> kRunTimes = {"start_time", "end_time"};

class CompareRuns : public ::testing::Test {
 protected:
  std::filesystem::path write(const std::string& name, const SampleOptions& options = {}) {
    const auto path = dir_ / name;
    test_support::write_sample_run(path, options);
    return path;
  }
  TempDir dir_;
};

TEST_F(CompareRuns, IdenticalRunsHaveNoDifferences) {
  const auto a = write("a.h5");
  const auto b = write("b.h5");
  EXPECT_TRUE(compare_runs(a, a, {}).empty()) << describe(compare_runs(a, a, {}));
  const auto differences = compare_runs(a, b, kRunTimes);
  EXPECT_TRUE(differences.empty()) << describe(differences);
}

TEST_F(CompareRuns, EndTimeDiffersUnlessIgnored) {
  const auto a = write("a.h5");
  const auto b = write("b.h5", {.start_time = "2030-01-01T00:00:00Z"});
  const auto differences = compare_runs(a, b, {"end_time"});
  ASSERT_EQ(differences.size(), 1u) << describe(differences);
  EXPECT_EQ(differences[0].path, "/");
  EXPECT_EQ(differences[0].what,
            "attribute 'start_time': '2026-01-02T03:04:05Z' vs '2030-01-01T00:00:00Z'");
}

TEST_F(CompareRuns, ReportsOneDifferingValue) {
  const auto a = write("a.h5");
  const auto b = write("b.h5", {.cash_q1 = 2.5e6 + 0.5});
  const auto differences = compare_runs(a, b, kRunTimes);
  ASSERT_EQ(differences.size(), 1u) << describe(differences);
  EXPECT_EQ(differences[0].path, "/timeseries/total_cash");
  EXPECT_EQ(differences[0].what, "1 of 3 value differs (first at 1: 2500000 vs 2500000.5)");
}

TEST_F(CompareRuns, ReportsShapeDifferences) {
  const auto a = write("a.h5");
  const auto b = write("b.h5", {.extra_quarter = true});
  const auto differences = compare_runs(a, b, kRunTimes);
  ASSERT_EQ(differences.size(), 4u) << describe(differences);
  for (const auto& d : differences) {
    EXPECT_TRUE(d.path.starts_with("/timeseries/")) << d.path;
    EXPECT_EQ(d.what, "shape 3 vs 4");
  }
}

TEST_F(CompareRuns, ReportsMissingDatasetsBothWays) {
  const auto a = write("a.h5");
  const auto b = write("b.h5", {.extra_value = true});
  auto differences = compare_runs(a, b, kRunTimes);
  ASSERT_EQ(differences.size(), 1u) << describe(differences);
  EXPECT_EQ(differences[0].path, "/network/measures/extra");
  EXPECT_EQ(differences[0].what, "missing in first file");
  differences = compare_runs(b, a, kRunTimes);
  ASSERT_EQ(differences.size(), 1u) << describe(differences);
  EXPECT_EQ(differences[0].what, "missing in second file");
}

TEST_F(CompareRuns, ReportsRootAndDatasetAttributes) {
  const auto a = write("a.h5");
  const auto b = write("b.h5", {.seed = 43, .cash_unit = "EUR"});
  auto differences = compare_runs(a, b, kRunTimes);
  ASSERT_EQ(differences.size(), 2u) << describe(differences);
  EXPECT_EQ(differences[0].path, "/");
  EXPECT_EQ(differences[0].what, "attribute 'seed': 42 vs 43");
  EXPECT_EQ(differences[1].path, "/timeseries/total_cash");
  EXPECT_EQ(differences[1].what, "attribute 'unit': 'CNY' vs 'EUR'");

  std::vector<std::string> ignored = kRunTimes;
  ignored.push_back("seed");
  differences = compare_runs(a, b, ignored);
  ASSERT_EQ(differences.size(), 1u) << describe(differences);
  EXPECT_EQ(differences[0].path, "/timeseries/total_cash");
}

}  // namespace
}  // namespace incubsim::output
