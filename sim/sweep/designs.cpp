#include "sweep/designs.hpp"

#include <algorithm>
#include <boost/random/sobol.hpp>
#include <cmath>
#include <numeric>

#include "core/errors.hpp"
#include "core/random.hpp"

namespace incubsim {
namespace {

constexpr std::uint64_t kLhsKey = 0x6c68730000000001ULL;
constexpr std::uint64_t kMorrisKey = 0x6d6f727269730001ULL;

std::vector<double> map_point(const SweepSpec& spec, const std::vector<double>& u) {
  std::vector<double> v(spec.parameters.size());
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = spec.parameters[i].at(u[i]);
  return v;
}

std::vector<DesignPoint> grid(const SweepSpec& spec) {
  std::vector<std::vector<double>> axes;
  std::size_t total = 1;
  for (const auto& p : spec.parameters) {
    axes.push_back(p.grid());
    total *= axes.back().size();
    if (total > 10000000)
      throw UsageError(
          "the grid has more than 10 million points; use fewer steps or another design");
  }
  std::vector<DesignPoint> out(total);
  // The first parameter varies slowest.
  for (std::size_t n = 0; n < total; ++n) {
    std::size_t rest = n;
    out[n].values.resize(axes.size());
    for (std::size_t i = axes.size(); i-- > 0;) {
      out[n].values[i] = axes[i][rest % axes[i].size()];
      rest /= axes[i].size();
    }
  }
  return out;
}

/// Morris (1991) trajectories on a `levels` grid with step
/// delta = levels / (2 (levels - 1)): a random start on the lower part of
/// the grid, then each parameter moved once, in random order, by +delta or
/// -delta (the start is shifted up for a downward move).
std::vector<DesignPoint> morris(const SweepSpec& spec) {
  const int k = static_cast<int>(spec.parameters.size());
  const int p = spec.levels;
  const double delta = static_cast<double>(p) / (2.0 * (p - 1));
  std::vector<DesignPoint> out;
  for (int t = 0; t < spec.points; ++t) {
    Stream s(hash_combine(hash_combine(static_cast<std::uint64_t>(spec.seed), kMorrisKey),
                          static_cast<std::uint64_t>(t)));
    std::vector<double> x(static_cast<std::size_t>(k));
    std::vector<int> sign(static_cast<std::size_t>(k));
    for (int i = 0; i < k; ++i) {
      // Start levels whose up-move stays in [0, 1]: 0 .. p/2 - 1.
      const double start =
          static_cast<double>(s.below(static_cast<std::uint64_t>(p / 2))) / (p - 1);
      sign[static_cast<std::size_t>(i)] = s.bernoulli(0.5) ? 1 : -1;
      x[static_cast<std::size_t>(i)] =
          sign[static_cast<std::size_t>(i)] > 0 ? start : start + delta;
    }
    std::vector<int> order(static_cast<std::size_t>(k));
    std::iota(order.begin(), order.end(), 0);
    for (int i = k - 1; i > 0; --i)
      std::swap(order[static_cast<std::size_t>(i)],
                order[s.below(static_cast<std::uint64_t>(i) + 1)]);
    DesignPoint start;
    start.values = map_point(spec, x);
    start.trajectory = t;
    start.step = 0;
    out.push_back(start);
    for (int step = 1; step <= k; ++step) {
      const auto i = static_cast<std::size_t>(order[static_cast<std::size_t>(step - 1)]);
      x[i] += sign[i] * delta;
      DesignPoint pt;
      pt.values = map_point(spec, x);
      pt.trajectory = t;
      pt.step = step;
      pt.moved = static_cast<int>(i);
      out.push_back(pt);
    }
  }
  return out;
}

/// Saltelli (2010) sampling for first- and total-order Sobol indices: base
/// matrices A and B from one Sobol sequence of twice the dimension; for each
/// base row j the points A_j, A_j with column i from B_j (i = 1..k), B_j.
std::vector<DesignPoint> saltelli(const SweepSpec& spec) {
  const int k = static_cast<int>(spec.parameters.size());
  // The first Sobol point is (1/2, ..., 1/2), whose halves make A == B: a
  // row that carries no information about any index, so start after it.
  const auto base = sobol_points(2 * k, spec.points + 1);
  std::vector<DesignPoint> out;
  out.reserve(static_cast<std::size_t>(spec.points) * static_cast<std::size_t>(k + 2));
  for (int j = 0; j < spec.points; ++j) {
    const auto& row = base[static_cast<std::size_t>(j) + 1];
    const std::vector<double> a(row.begin(), row.begin() + k);
    const std::vector<double> b(row.begin() + k, row.end());
    auto add = [&](const std::vector<double>& u, int matrix) {
      DesignPoint pt;
      pt.values = map_point(spec, u);
      pt.matrix = matrix;
      pt.base_index = j;
      out.push_back(std::move(pt));
    };
    add(a, 0);
    for (int i = 0; i < k; ++i) {
      std::vector<double> ab = a;
      ab[static_cast<std::size_t>(i)] = b[static_cast<std::size_t>(i)];
      add(ab, 2 + i);
    }
    add(b, 1);
  }
  return out;
}

}  // namespace

std::vector<std::vector<double>> sobol_points(int dims, int n) {
  boost::random::sobol gen(static_cast<std::size_t>(dims));  // starts after the zero point
  std::vector<std::vector<double>> out(static_cast<std::size_t>(n),
                                       std::vector<double>(static_cast<std::size_t>(dims)));
  for (auto& point : out)
    for (auto& u : point) u = std::ldexp(static_cast<double>(gen()), -64);
  return out;
}

std::vector<std::vector<double>> latin_hypercube(int dims, int n, std::uint64_t seed) {
  std::vector<std::vector<double>> out(static_cast<std::size_t>(n),
                                       std::vector<double>(static_cast<std::size_t>(dims)));
  std::vector<std::size_t> strata(static_cast<std::size_t>(n));
  for (int d = 0; d < dims; ++d) {
    Stream s(hash_combine(hash_combine(seed, kLhsKey), static_cast<std::uint64_t>(d)));
    std::iota(strata.begin(), strata.end(), 0);
    for (std::size_t i = strata.size(); i-- > 1;) std::swap(strata[i], strata[s.below(i + 1)]);
    for (int j = 0; j < n; ++j)
      out[static_cast<std::size_t>(j)][static_cast<std::size_t>(d)] =
          (static_cast<double>(strata[static_cast<std::size_t>(j)]) + s.uniform()) / n;
  }
  return out;
}

std::vector<DesignPoint> make_design(const SweepSpec& spec) {
  const int k = static_cast<int>(spec.parameters.size());
  switch (spec.design) {
    case Design::grid: return grid(spec);
    case Design::morris: return morris(spec);
    case Design::saltelli: return saltelli(spec);
    case Design::lhs:
    case Design::sobol: {
      const auto units =
          spec.design == Design::lhs
              ? latin_hypercube(k, spec.points, static_cast<std::uint64_t>(spec.seed))
              : sobol_points(k, spec.points);
      std::vector<DesignPoint> out(units.size());
      for (std::size_t n = 0; n < units.size(); ++n) out[n].values = map_point(spec, units[n]);
      return out;
    }
  }
  return {};
}

}  // namespace incubsim
