#include "core/random.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace incubsim {
namespace {

TEST(Stream, SameKeySameSequence) {
  StreamFactory f(42);
  Stream a = f.make(3, Phase::financing, AgentKind::fund, 17, Purpose::due_diligence);
  Stream b = f.make(3, Phase::financing, AgentKind::fund, 17, Purpose::due_diligence);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a(), b());
}

TEST(Stream, EveryKeyComponentChangesTheSequence) {
  StreamFactory f(42);
  const auto first = [](Stream s) { return s(); };
  const std::uint64_t base =
      first(f.make(3, Phase::financing, AgentKind::fund, 17, Purpose::due_diligence));
  EXPECT_NE(base, first(StreamFactory(43).make(3, Phase::financing, AgentKind::fund, 17,
                                               Purpose::due_diligence)));
  EXPECT_NE(base, first(f.make(4, Phase::financing, AgentKind::fund, 17, Purpose::due_diligence)));
  EXPECT_NE(base, first(f.make(3, Phase::outcomes, AgentKind::fund, 17, Purpose::due_diligence)));
  EXPECT_NE(base, first(f.make(3, Phase::financing, AgentKind::firm, 17, Purpose::due_diligence)));
  EXPECT_NE(base, first(f.make(3, Phase::financing, AgentKind::fund, 18, Purpose::due_diligence)));
  EXPECT_NE(base, first(f.make(3, Phase::financing, AgentKind::fund, 17, Purpose::valuation)));
}

TEST(Stream, UniformMomentsAndBins) {
  Stream s(12345);
  const int n = 200000;
  std::vector<int> bins(20, 0);
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; ++i) {
    const double u = s.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    sum2 += u * u;
    ++bins[static_cast<std::size_t>(u * 20)];
  }
  EXPECT_NEAR(sum / n, 0.5, 0.005);
  EXPECT_NEAR(sum2 / n - (sum / n) * (sum / n), 1.0 / 12.0, 0.002);
  double chi2 = 0;
  const double expected = n / 20.0;
  for (int b : bins) chi2 += (b - expected) * (b - expected) / expected;
  EXPECT_LT(chi2, 43.8);  // 99.9 % quantile of chi-square with 19 df
}

TEST(Stream, AdjacentAgentStreamsAreUncorrelated) {
  StreamFactory f(7);
  const int n = 20000;
  double sxy = 0, sx = 0, sy = 0, sxx = 0, syy = 0;
  for (int i = 0; i < n; ++i) {
    const double x = f.make(0, Phase::research, AgentKind::researcher, static_cast<LineageKey>(i),
                            Purpose::invention)
                         .uniform();
    const double y = f.make(0, Phase::research, AgentKind::researcher,
                            static_cast<LineageKey>(i + 1), Purpose::invention)
                         .uniform();
    sx += x;
    sy += y;
    sxy += x * y;
    sxx += x * x;
    syy += y * y;
  }
  const double cov = sxy / n - (sx / n) * (sy / n);
  const double r =
      cov / std::sqrt((sxx / n - (sx / n) * (sx / n)) * (syy / n - (sy / n) * (sy / n)));
  EXPECT_LT(std::abs(r), 0.03);
}

TEST(Stream, DistributionsHaveTheirMeans) {
  Stream s(99);
  const int n = 100000;
  double normal = 0, pois = 0, logn = 0, beta = 0;
  for (int i = 0; i < n; ++i) {
    normal += s.normal(2.0, 3.0);
    pois += s.poisson(4.5);
    logn += s.lognormal_with_mean(5.0, 0.5);
    beta += s.beta(2.0, 5.0);
  }
  EXPECT_NEAR(normal / n, 2.0, 0.05);
  EXPECT_NEAR(pois / n, 4.5, 0.05);
  EXPECT_NEAR(logn / n, 5.0, 0.05);
  EXPECT_NEAR(beta / n, 2.0 / 7.0, 0.005);
}

// Pins the generator and Boost's algorithms: if these change, every golden
// output changes, so the failure must be deliberate.
TEST(Stream, PinnedValues) {
  Stream a(1);
  EXPECT_EQ(a(), 0xd3809923dd58f850ULL);
  Stream b(2);
  EXPECT_DOUBLE_EQ(b.normal(0.0, 1.0), 0.11771103788039917);
  Stream c(3);
  EXPECT_EQ(c.poisson(20.0), 28);
}

// Pins how a stream's key is derived from (seed, quarter, phase, kind,
// agent, purpose), including through a precomputed prefix, which phases use.
TEST(StreamFactory, PinnedKeysWithAndWithoutPrefix) {
  const StreamFactory f(42);
  EXPECT_EQ(f.make(3, Phase::financing, AgentKind::fund, 17, Purpose::due_diligence)(),
            0xad25ead77eb43d58ULL);
  EXPECT_EQ(f.make(-2, Phase::network, AgentKind::none, 0xfeed, Purpose::tie_decay)(),
            0xb675b0b536896e82ULL);
  const std::uint64_t prefix = f.prefix(3, Phase::financing, AgentKind::fund);
  EXPECT_EQ(StreamFactory::make(prefix, 17, Purpose::due_diligence)(), 0xad25ead77eb43d58ULL);
  EXPECT_NE(prefix, f.prefix(3, Phase::financing, AgentKind::firm));
  EXPECT_NE(prefix, StreamFactory(43).prefix(3, Phase::financing, AgentKind::fund));
}

TEST(LineageKey, DependsOnEveryComponent) {
  const LineageKey k = lineage_key(AgentKind::firm, 5, 77, 2);
  EXPECT_NE(k, lineage_key(AgentKind::researcher, 5, 77, 2));
  EXPECT_NE(k, lineage_key(AgentKind::firm, 6, 77, 2));
  EXPECT_NE(k, lineage_key(AgentKind::firm, 5, 78, 2));
  EXPECT_NE(k, lineage_key(AgentKind::firm, 5, 77, 3));
  EXPECT_EQ(k, lineage_key(AgentKind::firm, 5, 77, 2));
}

}  // namespace
}  // namespace incubsim
