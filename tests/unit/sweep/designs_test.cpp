// Experimental designs of a sweep: Latin hypercube strata, the Sobol
// sequence against its published values, Saltelli's A/B/AB_i layout, Morris
// trajectories, the full-factorial grid, and how a parameter maps [0, 1]
// onto its range or list.
#include "sweep/designs.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "sweep/spec.hpp"

namespace incubsim {
namespace {

SweepParameter range(const std::string& key, double min, double max, Scale scale = Scale::linear,
                     int steps = 0) {
  SweepParameter p;
  p.key = key;
  p.min = min;
  p.max = max;
  p.scale = scale;
  p.steps = steps;
  return p;
}

SweepParameter list(const std::string& key, std::vector<double> values) {
  SweepParameter p;
  p.key = key;
  p.values = std::move(values);
  return p;
}

/// A spec of `k` parameters each mapping [0, 1] onto itself, so design
/// values are the unit-space coordinates.
SweepSpec unit_spec(Design design, int k, int points) {
  SweepSpec s;
  s.design = design;
  s.points = points;
  for (int i = 0; i < k; ++i) s.parameters.push_back(range("p" + std::to_string(i), 0.0, 1.0));
  return s;
}

// ---- Latin hypercube ---------------------------------------------------------

TEST(SweepDesigns, LatinHypercubeHitsEveryStratumOnce) {
  for (const auto& [dims, n] : std::vector<std::pair<int, int>>{{1, 1}, {1, 7}, {3, 10}, {5, 64}}) {
    const auto pts = latin_hypercube(dims, n, 12345);
    ASSERT_EQ(pts.size(), static_cast<std::size_t>(n));
    for (int d = 0; d < dims; ++d) {
      std::vector<int> hits(static_cast<std::size_t>(n), 0);
      for (const auto& p : pts) {
        ASSERT_EQ(p.size(), static_cast<std::size_t>(dims));
        const double u = p[static_cast<std::size_t>(d)];
        ASSERT_GE(u, 0.0);
        ASSERT_LT(u, 1.0);
        const int k = static_cast<int>(std::floor(u * n));
        ASSERT_GE(u, static_cast<double>(k) / n);
        ASSERT_LT(u, static_cast<double>(k + 1) / n);
        ++hits[static_cast<std::size_t>(k)];
      }
      for (int k = 0; k < n; ++k)
        EXPECT_EQ(hits[static_cast<std::size_t>(k)], 1)
            << "dims " << dims << ", n " << n << ", dimension " << d << ", stratum " << k;
    }
  }
}

TEST(SweepDesigns, LatinHypercubeIsDeterministicPerSeed) {
  const auto a = latin_hypercube(4, 20, 7);
  const auto b = latin_hypercube(4, 20, 7);
  const auto c = latin_hypercube(4, 20, 8);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  // Dimensions are shuffled independently: no two columns share an order.
  std::set<std::vector<int>> orders;
  for (int d = 0; d < 4; ++d) {
    std::vector<int> strata;
    for (const auto& p : a) strata.push_back(static_cast<int>(std::floor(p[d] * 20)));
    orders.insert(strata);
  }
  EXPECT_EQ(orders.size(), 4u);
}

TEST(SweepDesigns, LhsDesignMapsTheHypercubeThroughTheSpecSeed) {
  SweepSpec s = unit_spec(Design::lhs, 2, 9);
  s.parameters[1] = range("q", 10.0, 20.0);
  s.seed = 99;
  const auto pts = make_design(s);
  const auto units = latin_hypercube(2, 9, 99);
  ASSERT_EQ(pts.size(), 9u);
  for (std::size_t n = 0; n < pts.size(); ++n) {
    EXPECT_DOUBLE_EQ(pts[n].values[0], units[n][0]);
    EXPECT_DOUBLE_EQ(pts[n].values[1], 10.0 + 10.0 * units[n][1]);
    EXPECT_EQ(pts[n].matrix, -1);
    EXPECT_EQ(pts[n].trajectory, -1);
  }
  s.seed = 100;
  const auto other = make_design(s);
  EXPECT_NE(other[0].values, pts[0].values);
}

// ---- Sobol -------------------------------------------------------------------

TEST(SweepDesigns, SobolMatchesPublishedReferenceIn3Dims) {
  // Joe and Kuo direction numbers, the all-zero point skipped.
  const std::vector<std::vector<double>> reference = {
      {0.5, 0.5, 0.5},       {0.75, 0.25, 0.25},    {0.25, 0.75, 0.75},    {0.375, 0.375, 0.625},
      {0.875, 0.875, 0.125}, {0.625, 0.125, 0.875}, {0.125, 0.625, 0.375},
  };
  const auto pts = sobol_points(3, 7);
  ASSERT_EQ(pts.size(), reference.size());
  for (std::size_t i = 0; i < reference.size(); ++i) {
    ASSERT_EQ(pts[i].size(), 3u);
    for (std::size_t d = 0; d < 3; ++d)
      EXPECT_DOUBLE_EQ(pts[i][d], reference[i][d]) << "point " << i << ", dimension " << d;
  }
}

TEST(SweepDesigns, SobolPointsAreDyadicNets) {
  // Dimension 1 of any Sobol sequence is the base-2 van der Corput sequence
  // in Gray-code order: its first 2^m - 1 points are the multiples of 2^-m.
  const auto pts = sobol_points(5, 31);
  std::set<double> first15;
  for (int i = 0; i < 15; ++i) first15.insert(pts[static_cast<std::size_t>(i)][0]);
  std::set<double> expected;
  for (int k = 1; k < 16; ++k) expected.insert(k / 16.0);
  EXPECT_EQ(first15, expected);
  // Each of the first 2^m - 1 points of every dimension is a distinct
  // multiple of 2^-m, none zero: a (t, s)-net property of the sequence.
  for (std::size_t d = 0; d < 5; ++d) {
    std::set<double> seen;
    for (int i = 0; i < 31; ++i) {
      const double u = pts[static_cast<std::size_t>(i)][d];
      EXPECT_GT(u, 0.0);
      EXPECT_LT(u, 1.0);
      EXPECT_EQ(u * 32, std::floor(u * 32));
      seen.insert(u);
    }
    EXPECT_EQ(seen.size(), 31u) << "dimension " << d;
  }
}

TEST(SweepDesigns, SobolPrefixIsStable) {
  const auto short_run = sobol_points(4, 5);
  const auto long_run = sobol_points(4, 50);
  for (std::size_t i = 0; i < short_run.size(); ++i) EXPECT_EQ(short_run[i], long_run[i]);
}

TEST(SweepDesigns, SobolDesignMapsTheSequence) {
  SweepSpec s = unit_spec(Design::sobol, 3, 7);
  s.parameters[2] = range("log", 1.0, 100.0, Scale::log);
  const auto pts = make_design(s);
  ASSERT_EQ(pts.size(), 7u);
  EXPECT_DOUBLE_EQ(pts[0].values[0], 0.5);
  EXPECT_DOUBLE_EQ(pts[0].values[2], 10.0);  // the geometric midpoint of [1, 100]
  EXPECT_DOUBLE_EQ(pts[1].values[0], 0.75);
  EXPECT_DOUBLE_EQ(pts[1].values[1], 0.25);
}

// ---- Saltelli ----------------------------------------------------------------

TEST(SweepDesigns, SaltelliHasABAndEveryABi) {
  const int k = 3, n = 8;
  const SweepSpec s = unit_spec(Design::saltelli, k, n);
  const auto pts = make_design(s);
  ASSERT_EQ(pts.size(), static_cast<std::size_t>(n * (k + 2)));
  const auto base = sobol_points(2 * k, n + 1);
  for (int j = 0; j < n; ++j) {
    std::map<int, const DesignPoint*> by_matrix;
    for (const auto& p : pts)
      if (p.base_index == j) {
        EXPECT_TRUE(by_matrix.emplace(p.matrix, &p).second) << "matrix " << p.matrix << " twice";
      }
    ASSERT_EQ(by_matrix.size(), static_cast<std::size_t>(k + 2)) << "row " << j;
    ASSERT_TRUE(by_matrix.count(0) && by_matrix.count(1));
    const auto& a = by_matrix[0]->values;
    const auto& b = by_matrix[1]->values;
    // A and B are the two halves of one Sobol point of twice the dimension,
    // skipping the first point (1/2, ..., 1/2), whose halves are equal.
    const auto& row = base[static_cast<std::size_t>(j) + 1];
    EXPECT_EQ(a, std::vector<double>(row.begin(), row.begin() + k));
    EXPECT_EQ(b, std::vector<double>(row.begin() + k, row.end()));
    EXPECT_NE(a, b) << "row " << j;
    for (int i = 0; i < k; ++i) {
      ASSERT_TRUE(by_matrix.count(2 + i)) << "row " << j << " lacks AB_" << i;
      const auto& ab = by_matrix[2 + i]->values;
      for (int c = 0; c < k; ++c)
        EXPECT_EQ(ab[static_cast<std::size_t>(c)],
                  c == i ? b[static_cast<std::size_t>(c)] : a[static_cast<std::size_t>(c)])
            << "row " << j << ", AB_" << i << ", column " << c;
    }
    for (const auto& [m, p] : by_matrix) {
      EXPECT_EQ(p->trajectory, -1);
      EXPECT_EQ(p->moved, -1);
    }
  }
}

TEST(SweepDesigns, SaltelliOrderIsAThenABiThenBPerRow) {
  const int k = 2, n = 4;
  const auto pts = make_design(unit_spec(Design::saltelli, k, n));
  ASSERT_EQ(pts.size(), static_cast<std::size_t>(n * (k + 2)));
  for (int j = 0; j < n; ++j) {
    const auto at = [&](int o) { return pts[static_cast<std::size_t>(j * (k + 2) + o)]; };
    EXPECT_EQ(at(0).matrix, 0);
    for (int i = 0; i < k; ++i) EXPECT_EQ(at(1 + i).matrix, 2 + i);
    EXPECT_EQ(at(k + 1).matrix, 1);
    for (int o = 0; o < k + 2; ++o) EXPECT_EQ(at(o).base_index, j);
  }
}

// ---- Morris ------------------------------------------------------------------

void check_morris(int k, int levels, int r, std::int64_t seed) {
  SweepSpec s = unit_spec(Design::morris, k, r);
  s.levels = levels;
  s.seed = seed;
  const auto pts = make_design(s);
  ASSERT_EQ(pts.size(), static_cast<std::size_t>(r * (k + 1)));
  const double delta = levels / (2.0 * (levels - 1));
  for (int t = 0; t < r; ++t) {
    std::vector<int> moves(static_cast<std::size_t>(k), 0);
    for (int step = 0; step <= k; ++step) {
      const auto& p = pts[static_cast<std::size_t>(t * (k + 1) + step)];
      EXPECT_EQ(p.trajectory, t);
      EXPECT_EQ(p.step, step);
      EXPECT_EQ(p.matrix, -1);
      ASSERT_EQ(p.values.size(), static_cast<std::size_t>(k));
      for (double v : p.values) {
        EXPECT_GE(v, 0.0);
        EXPECT_LE(v, 1.0);
        const double level = v * (levels - 1);
        EXPECT_NEAR(level, std::round(level), 1e-9) << v << " is off the level grid";
      }
      if (step == 0) {
        EXPECT_EQ(p.moved, -1);
        continue;
      }
      const auto& prev = pts[static_cast<std::size_t>(t * (k + 1) + step - 1)];
      ASSERT_GE(p.moved, 0);
      ASSERT_LT(p.moved, k);
      ++moves[static_cast<std::size_t>(p.moved)];
      int changed = 0;
      for (int i = 0; i < k; ++i) {
        const double d =
            p.values[static_cast<std::size_t>(i)] - prev.values[static_cast<std::size_t>(i)];
        if (i == p.moved) {
          EXPECT_NEAR(std::abs(d), delta, 1e-12) << "trajectory " << t << ", step " << step;
        } else {
          EXPECT_EQ(d, 0.0) << "trajectory " << t << ", step " << step << ", parameter " << i;
        }
        if (d != 0.0) ++changed;
      }
      EXPECT_EQ(changed, 1);
    }
    for (int i = 0; i < k; ++i)
      EXPECT_EQ(moves[static_cast<std::size_t>(i)], 1) << "trajectory " << t << ", param " << i;
  }
}

TEST(SweepDesigns, MorrisTrajectoriesMoveEachParameterOnceByDelta) {
  check_morris(3, 4, 10, 1);
  check_morris(5, 6, 8, 77);
  check_morris(1, 2, 3, 5);
}

TEST(SweepDesigns, MorrisUsesBothDirectionsAndIsSeeded) {
  SweepSpec s = unit_spec(Design::morris, 4, 20);
  s.seed = 3;
  const auto a = make_design(s);
  bool up = false, down = false;
  for (std::size_t n = 1; n < a.size(); ++n) {
    if (a[n].moved < 0) continue;
    const double d = a[n].values[static_cast<std::size_t>(a[n].moved)] -
                     a[n - 1].values[static_cast<std::size_t>(a[n].moved)];
    up = up || d > 0;
    down = down || d < 0;
  }
  EXPECT_TRUE(up);
  EXPECT_TRUE(down);
  const auto again = make_design(s);
  ASSERT_EQ(again.size(), a.size());
  for (std::size_t n = 0; n < a.size(); ++n) {
    EXPECT_EQ(again[n].values, a[n].values);
    EXPECT_EQ(again[n].moved, a[n].moved);
  }
  s.seed = 4;
  const auto b = make_design(s);
  bool differs = false;
  for (std::size_t n = 0; n < a.size(); ++n)
    differs = differs || a[n].values != b[n].values || a[n].moved != b[n].moved;
  EXPECT_TRUE(differs);
}

// ---- Grid --------------------------------------------------------------------

TEST(SweepDesigns, GridIsFullFactorialFirstParameterSlowest) {
  SweepSpec s;
  s.design = Design::grid;
  s.parameters = {list("a", {1, 2, 3}), range("b", 0.0, 1.0, Scale::linear, 2),
                  list("c", {10, 20})};
  const auto pts = make_design(s);
  ASSERT_EQ(pts.size(), 12u);
  std::size_t n = 0;
  for (double a : {1.0, 2.0, 3.0})
    for (double b : {0.0, 1.0})
      for (double c : {10.0, 20.0}) {
        EXPECT_EQ(pts[n].values, (std::vector<double>{a, b, c})) << "point " << n;
        ++n;
      }
}

TEST(SweepDesigns, GridOnLogScaleIsGeometric) {
  SweepSpec s;
  s.design = Design::grid;
  s.parameters = {range("x", 0.01, 100.0, Scale::log, 5)};
  const auto pts = make_design(s);
  ASSERT_EQ(pts.size(), 5u);
  const std::vector<double> expected = {0.01, 0.1, 1.0, 10.0, 100.0};
  for (std::size_t i = 0; i < 5; ++i)
    EXPECT_NEAR(pts[i].values[0] / expected[i], 1.0, 1e-12) << pts[i].values[0];
  for (std::size_t i = 2; i < 5; ++i)
    EXPECT_NEAR(pts[i].values[0] / pts[i - 1].values[0],
                pts[i - 1].values[0] / pts[i - 2].values[0], 1e-9);
  EXPECT_EQ(pts.front().values[0], 0.01);
  EXPECT_EQ(pts.back().values[0], 100.0);
}

TEST(SweepDesigns, GridOfLinearRangeIncludesBothEnds) {
  const auto g = range("x", 2.0, 4.0, Scale::linear, 5).grid();
  EXPECT_EQ(g, (std::vector<double>{2.0, 2.5, 3.0, 3.5, 4.0}));
}

TEST(SweepDesigns, IntegerGridDropsRepeatedValues) {
  SweepParameter p = range("n", 1.0, 3.0, Scale::linear, 5);
  p.integer = true;
  EXPECT_EQ(p.grid(), (std::vector<double>{1, 2, 3}));
}

// ---- SweepParameter::at and override_for ---------------------------------------

TEST(SweepDesigns, ParameterAtLinearAndClamped) {
  const auto p = range("x", 2.0, 4.0);
  EXPECT_DOUBLE_EQ(p.at(0.0), 2.0);
  EXPECT_DOUBLE_EQ(p.at(0.25), 2.5);
  EXPECT_DOUBLE_EQ(p.at(1.0), 4.0);
  EXPECT_DOUBLE_EQ(p.at(-0.5), 2.0);
  EXPECT_DOUBLE_EQ(p.at(7.0), 4.0);
}

TEST(SweepDesigns, ParameterAtLogIsGeometric) {
  const auto p = range("x", 1.0, 10000.0, Scale::log);
  EXPECT_DOUBLE_EQ(p.at(0.0), 1.0);
  EXPECT_NEAR(p.at(0.25), 10.0, 1e-9);
  EXPECT_NEAR(p.at(0.5), 100.0, 1e-9);
  EXPECT_NEAR(p.at(0.75), 1000.0, 1e-9);
  EXPECT_DOUBLE_EQ(p.at(1.0), 10000.0);
}

TEST(SweepDesigns, ParameterAtLogHitsBothEndsExactly) {
  // exp(log(x)) is not x for these: 0.1 -> 0.10000000000000002,
  // 0.03 -> 0.029999999999999995, 0.09 -> 0.08999999999999998.
  for (const auto& [lo, hi] : std::vector<std::pair<double, double>>{{0.1, 0.3}, {0.03, 0.09}}) {
    const auto p = range("x", lo, hi, Scale::log, 3);
    EXPECT_EQ(p.at(0.0), lo);
    EXPECT_EQ(p.at(1.0), hi);
    const auto g = p.grid();
    ASSERT_EQ(g.size(), 3u);
    EXPECT_EQ(g.front(), lo);
    EXPECT_EQ(g.back(), hi);
  }
}

TEST(SweepDesigns, ParameterAtIntegerRounds) {
  SweepParameter p = range("n", 0.0, 10.0);
  p.integer = true;
  EXPECT_EQ(p.at(0.34), 3.0);
  EXPECT_EQ(p.at(0.36), 4.0);
  EXPECT_EQ(p.at(1.0), 10.0);
  for (double u = 0; u <= 1.0; u += 0.01) EXPECT_EQ(p.at(u), std::round(p.at(u)));
}

TEST(SweepDesigns, ParameterAtValuesListSplitsUnitIntervalEvenly) {
  const auto p = list("x", {5, 7, 9});
  EXPECT_EQ(p.at(0.0), 5.0);
  EXPECT_EQ(p.at(0.33), 5.0);
  EXPECT_EQ(p.at(0.34), 7.0);
  EXPECT_EQ(p.at(0.66), 7.0);
  EXPECT_EQ(p.at(0.67), 9.0);
  EXPECT_EQ(p.at(1.0), 9.0);
  EXPECT_EQ(p.at(2.0), 9.0);
  EXPECT_EQ(p.grid(), (std::vector<double>{5, 7, 9}));
}

TEST(SweepDesigns, ParameterAtBoolean) {
  SweepParameter p = list("policy.tech_transfer_insurance.enabled", {0.0, 1.0});
  p.boolean = true;
  EXPECT_EQ(p.at(0.0), 0.0);
  EXPECT_EQ(p.at(0.49), 0.0);
  EXPECT_EQ(p.at(0.5), 1.0);
  EXPECT_EQ(p.at(1.0), 1.0);
  EXPECT_EQ(p.override_for(1.0), "policy.tech_transfer_insurance.enabled=true");
  EXPECT_EQ(p.override_for(0.0), "policy.tech_transfer_insurance.enabled=false");
}

TEST(SweepDesigns, OverrideSpellsIntegersAndReals) {
  SweepParameter n = range("firms.initial_count", 0, 100);
  n.integer = true;
  EXPECT_EQ(n.override_for(42.0), "firms.initial_count=42");
  const auto x = range("firms.fixed_cost", 0, 1);
  const std::string o = x.override_for(0.25);
  ASSERT_EQ(o.rfind("firms.fixed_cost=", 0), 0u) << o;
  EXPECT_EQ(std::stod(o.substr(o.find('=') + 1)), 0.25);
}

}  // namespace
}  // namespace incubsim
