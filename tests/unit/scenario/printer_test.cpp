// The scenario printer: exact round trips and readable output.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <sstream>

#include "scenario/loader.hpp"
#include "scenario/params.hpp"
#include "scenario/value_text.hpp"
#include "scenario_test_support.hpp"

namespace incubsim {
namespace {

using testing::differing_keys;

TEST(TomlReal, ShortestRoundTripAndAlwaysAFloat) {
  EXPECT_EQ(toml_real(2), "2.0");
  EXPECT_EQ(toml_real(0), "0.0");
  EXPECT_EQ(toml_real(-0.0), "-0.0");
  EXPECT_EQ(toml_real(0.1), "0.1");
  EXPECT_EQ(toml_real(-0.25), "-0.25");
  EXPECT_EQ(toml_real(1e6), "1000000.0");
  EXPECT_EQ(toml_real(1e-7), "1e-07");
  EXPECT_EQ(toml_real(1e300), "1e+300");
  EXPECT_EQ(toml_real(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(toml_real(std::numeric_limits<double>::quiet_NaN()), "nan");
  EXPECT_EQ(toml_real(-std::numeric_limits<double>::infinity()), "-inf");
}

TEST(TomlString, Escapes) {
  EXPECT_EQ(toml_string("plain"), "\"plain\"");
  EXPECT_EQ(toml_string("a\"b\\c\nd\te\x01\x7f"), "\"a\\\"b\\\\c\\nd\\te\\u0001\\u007F\"");
  EXPECT_EQ(toml_string("数字经济"), "\"数字经济\"");
}

TEST(Printer, RealsStayRealsAndListsAreInline) {
  Scenario s;
  s.firms.fixed_cost = 2;
  s.funds.types[0].rounds = {"seed", "series_a"};
  const std::string text = format_scenario(s);
  EXPECT_NE(text.find("\nfixed_cost = 2.0\n"), std::string::npos);
  EXPECT_NE(text.find("\nround_burn_multiplier = [1.5, 3.0, 3.0, 2.5]\n"), std::string::npos);
  EXPECT_NE(text.find("\n[funds.angel]\n"), std::string::npos);
  EXPECT_NE(text.find("\nrounds = [\"seed\", \"series_a\"]\n"), std::string::npos);
  EXPECT_NE(text.find("\nquarters = 40\n"), std::string::npos);
  EXPECT_NE(text.find("\nrecord_events = true\n"), std::string::npos);
}

TEST(Printer, SectionsInRegistryOrder) {
  const std::string text = "\n" + format_scenario(Scenario{});
  std::size_t last = 0;
  for (const char* s : {"[simulation]", "[market]", "[researchers]", "[inventions]", "[transfer]",
                        "[firms]", "[incubators]", "[funds]", "[funds.angel]", "[funds.vc]",
                        "[funds.guidance]", "[funds.corporate]", "[network]"}) {
    const std::size_t at = text.find(std::string("\n") + s + "\n");
    ASSERT_NE(at, std::string::npos) << s;
    EXPECT_GE(at, last) << s;
    last = at;
  }
  EXPECT_EQ(text.rfind("\n[simulation]\n", 0), 0u);  // no header: the first line
}

TEST(Printer, EveryKeyFollowsItsComment) {
  Scenario s;
  const auto specs = bind_params(s);
  std::istringstream in(format_scenario(s, {"line one", "", "line three"}));
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines[0], "# line one");
  EXPECT_EQ(lines[1], "#");
  EXPECT_EQ(lines[2], "# line three");
  std::size_t found = 0;
  std::string section;
  std::string comment;  // the comment block above the current line, unwrapped
  for (const auto& l : lines) {
    if (l.rfind("# ", 0) == 0) {
      EXPECT_LE(l.size(), 100u) << l;
      comment += (comment.empty() ? "" : " ") + l.substr(2);
      continue;
    }
    if (l.rfind('[', 0) == 0) section = l.substr(1, l.size() - 2);
    const auto eq = l.find(" = ");
    if (eq != std::string::npos) {
      ASSERT_LT(found, specs.size());
      const auto& p = specs[found++];
      EXPECT_EQ(section + "." + l.substr(0, eq), p.key);
      const std::string unit = p.unit.empty() || p.unit == "-" ? "" : " [" + p.unit + "]";
      EXPECT_EQ(comment, p.doc + unit + " " + p.range_text());
    }
    comment.clear();
  }
  EXPECT_EQ(found, specs.size());
  s.firms.fixed_cost = 0.125;
  const std::string text = format_scenario(s);
  const auto at = text.find("\nfixed_cost = 0.125\n");
  ASSERT_NE(at, std::string::npos);
  const std::string comment_end = "[M yuan/quarter] number in [0, 10000]";
  EXPECT_EQ(text.substr(at - comment_end.size(), comment_end.size()), comment_end);
}

// --- round-trip property -------------------------------------------------

class Perturber {
 public:
  explicit Perturber(std::uint64_t seed) : rng_(seed) {}

  double real(double lo, double hi) {
    if (!std::isfinite(lo)) lo = -1e6;
    if (!std::isfinite(hi)) hi = 1e6;
    switch (pick(8)) {
      case 0: return lo;
      case 1: return hi;
      case 2: return std::clamp(std::round(lo + (hi - lo) * unit()), lo, hi);  // integral reals
      case 3: return lo <= 0 && 0 <= hi ? -0.0 : lo;
      case 4: return lo == 0 ? std::numeric_limits<double>::denorm_min() * (1 + pick(1000)) : hi;
      case 5: return std::min(hi, lo + (hi - lo) * std::pow(unit(), 12));  // many exponents
      default: return std::min(hi, lo + (hi - lo) * unit());
    }
  }

  std::int64_t integer(double lo, double hi) {
    const auto a = static_cast<std::int64_t>(lo);
    const auto b = static_cast<std::int64_t>(std::min(hi, 9.0e15));
    return std::uniform_int_distribution<std::int64_t>(a, b)(rng_);
  }

  std::string name(std::size_t index) {
    static constexpr std::string_view kChars = "abcXYZ_09 -#=\"\\\t'[]{}";
    std::string s;
    const int n = 1 + pick(12);
    for (int i = 0; i < n; ++i) {
      s += kChars[static_cast<std::size_t>(pick(static_cast<int>(kChars.size())))];
    }
    if (pick(4) == 0) s += "é数";
    return s + "_" + std::to_string(index);  // distinct and non-empty
  }

  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  std::mt19937_64& rng() { return rng_; }

 private:
  double unit() { return std::uniform_real_distribution<double>(0, 1)(rng_); }
  std::mt19937_64 rng_;
};

// A random valid scenario: every parameter drawn within its range, lists of
// allowed lengths, then the cross-key rules restored.
Scenario random_scenario(Perturber& r) {
  Scenario s;
  const auto specs = bind_params(s);
  for (const auto& p : specs) {
    std::visit(
        [&](auto* f) {
          using T = std::remove_pointer_t<decltype(f)>;
          if constexpr (std::is_same_v<T, bool>) {
            *f = r.pick(2) == 1;
          } else if constexpr (std::is_same_v<T, int> || std::is_same_v<T, std::int64_t>) {
            *f = static_cast<T>(r.integer(p.min, p.max));
          } else if constexpr (std::is_same_v<T, double>) {
            *f = r.real(p.min, p.max);
          } else if constexpr (std::is_same_v<T, std::vector<double>>) {
            for (double& x : *f) x = r.real(p.min, p.max);
          } else if (!p.choices.empty()) {
            std::vector<std::string> c = p.choices;
            std::shuffle(c.begin(), c.end(), r.rng());
            const std::size_t hi = std::min(p.max_items, c.size());
            c.resize(p.min_items +
                     static_cast<std::size_t>(r.pick(static_cast<int>(hi - p.min_items) + 1)));
            *f = c;
          }
        },
        p.target);
  }
  // Sector lists must agree in length; vary the number of sectors too.
  const std::size_t n = 1 + static_cast<std::size_t>(r.pick(8));
  s.market.sectors.clear();
  for (std::size_t i = 0; i < n; ++i) s.market.sectors.push_back(r.name(i));
  for (const auto& p : specs) {
    if (p.key != "market.sector_weights" && p.key != "market.sector_growth") continue;
    auto& v = *std::get<std::vector<double>*>(p.target);
    v.resize(n);
    for (double& x : v) x = r.real(p.min, p.max);
  }
  if (!(s.market.sector_weights[0] > 0)) s.market.sector_weights[0] = 1;
  if (!(s.incubators.tier_shares[0] > 0)) s.incubators.tier_shares[0] = 1;
  if (s.funds.investment_period > s.funds.life) std::swap(s.funds.investment_period, s.funds.life);
  auto& pol = s.policy;
  for (PolicyCommon* c : std::initializer_list<PolicyCommon*>{
           &pol.tech_transfer_insurance, &pol.incubator_support, &pol.guidance_fund,
           &pol.index_loans, &pol.science_vp, &pol.project_grants, &pol.talent_programme,
           &pol.rd_incentives})
    if (c->end_quarter < c->start_quarter) std::swap(c->start_quarter, c->end_quarter);
  for (double& id : pol.tech_transfer_insurance.pilot_ids)
    id = std::fmod(std::floor(id), static_cast<double>(s.researchers.institutions));
  auto& rd = pol.rd_incentives;
  if (rd.high_tech_tax_rate > rd.corporate_tax_rate)
    std::swap(rd.high_tech_tax_rate, rd.corporate_tax_rate);
  return s;
}

TEST(Printer, RoundTripIsExactForRandomScenarios) {
  Perturber r(20240601);
  for (int i = 0; i < 300; ++i) {
    const Scenario s = random_scenario(r);
    ASSERT_FALSE(check_consistency(s).has_value()) << check_consistency(s)->message;
    const std::string text = format_scenario(s, {"round trip " + std::to_string(i)});
    Scenario back;
    // Random values span every range, so most scenarios are far too big to
    // run: only the parser is under test here.
    ASSERT_NO_THROW(back = parse_scenario(text, "roundtrip.toml", {}, {}, ResourceCheck::off))
        << text;
    const auto diff = differing_keys(s, back);
    ASSERT_TRUE(diff.empty()) << "iteration " << i << ": " << diff.front() << "\n" << text;
    EXPECT_EQ(format_scenario(back, {"round trip " + std::to_string(i)}), text);
  }
}

TEST(Printer, RoundTripDetectsAChange) {
  // Guards the comparison the property relies on: a one-ulp change shows.
  Scenario a;
  Scenario b;
  b.firms.fixed_cost = std::nextafter(a.firms.fixed_cost, 1.0);
  EXPECT_EQ(differing_keys(a, b), std::vector<std::string>{"firms.fixed_cost"});
  b = a;
  a.market.sector_growth[1] = 0.0;
  b.market.sector_growth[1] = -0.0;  // equal as numbers, printed differently
  EXPECT_EQ(differing_keys(a, b), std::vector<std::string>{"market.sector_growth"});
}

TEST(ParamsMarkdown, ListsEveryKeyWithItsDefault) {
  const std::string md = format_params_markdown();
  EXPECT_EQ(md.rfind("| key | default | range | unit | meaning | source of default |\n|---|", 0),
            0u);
  Scenario s;
  const auto specs = bind_params(s);
  for (const auto& p : specs)
    EXPECT_NE(md.find("| `" + p.key + "` | `" + toml_value(p.target) + "` | "), std::string::npos)
        << p.key;
  const auto& fc = *std::find_if(specs.begin(), specs.end(),
                                 [](const ParamSpec& p) { return p.key == "firms.fixed_cost"; });
  EXPECT_NE(
      md.find("\n| `firms.fixed_cost` | `" + toml_real(Scenario{}.firms.fixed_cost) +
              "` | number in [0, 10000] | M yuan/quarter | " + fc.doc + " | " + fc.source + " |\n"),
      std::string::npos);
  const auto rows = static_cast<std::size_t>(std::count(md.begin(), md.end(), '\n'));
  EXPECT_EQ(rows, specs.size() + 2);
}

}  // namespace
}  // namespace incubsim
