// scenarios/baseline.toml is the printer's output for the built-in defaults,
// and the compiled-in copy of it resolves to exactly those defaults.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "scenario/loader.hpp"
#include "scenario_test_support.hpp"
#include "test_support.hpp"

namespace incubsim {
namespace {

using testing::differing_keys;
using testing::read_text;

const std::filesystem::path kBaselineFile =
    std::filesystem::path(INCUBSIM_SOURCE_DIR) / "scenarios" / "baseline.toml";

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// A unified-style line diff (longest common subsequence, 3 lines of context)
// so that a golden mismatch shows what changed rather than two whole files.
std::string unified_diff(const std::string& expected, const std::string& actual) {
  const auto a = split_lines(expected);
  const auto b = split_lines(actual);
  std::vector<std::vector<int>> lcs(a.size() + 1, std::vector<int>(b.size() + 1, 0));
  for (std::size_t i = a.size(); i-- > 0;)
    for (std::size_t j = b.size(); j-- > 0;)
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
  struct Op {
    char tag;
    std::string line;
    std::size_t a_line, b_line;
  };
  std::vector<Op> ops;
  std::size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (i < a.size() && j < b.size() && a[i] == b[j]) {
      ops.push_back({' ', a[i], i++, j++});
    } else if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
      ops.push_back({'-', a[i], i++, j});  // deletions first, as diff -u does
    } else {
      ops.push_back({'+', b[j], i, j++});
    }
  }
  constexpr std::size_t kContext = 3;
  std::string out = "--- scenarios/baseline.toml\n+++ format_scenario(Scenario{})\n";
  std::size_t k = 0;
  while (k < ops.size()) {
    if (ops[k].tag == ' ') {
      ++k;
      continue;
    }
    // A hunk: from kContext lines before this change to kContext lines after
    // the last change that is at most 2 * kContext lines further on.
    const std::size_t begin = k > kContext ? k - kContext : 0;
    std::size_t end = k;
    for (std::size_t m = k; m < ops.size() && m <= end + 2 * kContext; ++m)
      if (ops[m].tag != ' ') end = m;
    end = std::min(ops.size(), end + kContext + 1);
    out += "@@ -" + std::to_string(ops[begin].a_line + 1) + " +" +
           std::to_string(ops[begin].b_line + 1) + " @@\n";
    for (std::size_t m = begin; m < end; ++m)
      out += std::string(1, ops[m].tag) + ops[m].line + "\n";
    k = end;
  }
  return out;
}

TEST(Baseline, FileIsThePrinterOutputForTheDefaults) {
  const std::string expected = format_scenario(Scenario{}, baseline_header_lines());
  const char* update = std::getenv("INCUBSIM_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(kBaselineFile, std::ios::binary) << expected;
    GTEST_SKIP() << "rewrote " << kBaselineFile << "; rebuild to embed it";
  }
  const std::string actual = read_text(kBaselineFile);
  EXPECT_TRUE(actual == expected)
      << kBaselineFile.string()
      << " is stale; regenerate it by running this test with INCUBSIM_UPDATE_GOLDEN=1\n"
      << unified_diff(actual, expected);
}

TEST(Baseline, CompiledInTextIsThePrinterOutput) {
  // The build embeds scenarios/baseline.toml; after an update run the binary
  // holds the old file until it is rebuilt.
  const char* update = std::getenv("INCUBSIM_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") GTEST_SKIP() << "update run";
  const std::string expected = format_scenario(Scenario{}, baseline_header_lines());
  const std::string embedded(embedded_baseline_text());
  EXPECT_TRUE(embedded == expected) << unified_diff(embedded, expected);
}

TEST(Baseline, HeaderSaysWhatTheFileIs) {
  const std::string text = format_scenario(Scenario{}, baseline_header_lines());
  EXPECT_EQ(text.rfind("# incubsim baseline scenario: a generic mid-sized regional innovation", 0),
            0u);
  EXPECT_NE(text.find("docs/ODD.md"), std::string::npos);
}

TEST(Baseline, DefaultScenarioIsTheBuiltInDefaults) {
  EXPECT_TRUE(differing_keys(load_default_scenario({}), Scenario{}).empty());
  EXPECT_TRUE(differing_keys(load_scenario(kBaselineFile, {}), Scenario{}).empty());
}

TEST(Baseline, DiffShowsChangedLinesWithContext) {
  const std::string d = unified_diff("a\nb\nc\nd\ne\nf\ng\nh\n", "a\nb\nc\nd\nE\nf\ng\nh\nnew\n");
  EXPECT_EQ(d,
            "--- scenarios/baseline.toml\n+++ format_scenario(Scenario{})\n"
            "@@ -2 +2 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n+new\n");
}

}  // namespace
}  // namespace incubsim
