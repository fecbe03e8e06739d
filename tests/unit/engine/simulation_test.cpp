// Whole-run invariants: bookkeeping that every quarter must keep.
#include "engine/simulation.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "core/errors.hpp"
#include "test_support.hpp"

namespace incubsim {
namespace {

using testing::small_scenario;

void check_invariants(const WorldState& st, const MetricRow& m, Quarter q) {
  SCOPED_TRACE("quarter " + std::to_string(q));
  const auto& F = st.firms;
  const auto& I = st.incubators;
  const auto& Fu = st.funds;
  EXPECT_EQ(get(m, Metric::firms_alive),
            get(m, Metric::firms_nascent) + get(m, Metric::firms_seed) +
                get(m, Metric::firms_early_venture) + get(m, Metric::firms_late_venture) +
                get(m, Metric::firms_growth));
  EXPECT_EQ(get(m, Metric::births),
            get(m, Metric::births_spinoff) + get(m, Metric::births_independent));
  EXPECT_EQ(get(m, Metric::transfers_attempted), get(m, Metric::transfers_licence) +
                                                     get(m, Metric::transfers_spinoff) +
                                                     get(m, Metric::transfers_unmatched));
  std::vector<int> tenants(I.size(), 0);
  for (std::size_t f = 0; f < F.size(); ++f) {
    if (F.status[f] != FirmStatus::alive) {
      ASSERT_EQ(st.graph.degree(F.vertex[f]), 0u) << "firm " << f;
      // Exited firms' values leave the row columns at the next quarter.
      if (F.has_row(static_cast<AgentId>(f))) {
        ASSERT_EQ(F.incubator[f], kNoAgent);
      }
      ASSERT_GE(F.exit_quarter[f], 0);
      continue;
    }
    ASSERT_EQ(F.exit_quarter[f], -1);
    ASSERT_GE(F.cash[f], 0.0) << "alive firms have cash";
    if (F.incubator[f] != kNoAgent) ++tenants[static_cast<std::size_t>(F.incubator[f])];
  }
  for (std::size_t i = 0; i < I.size(); ++i) {
    ASSERT_EQ(tenants[i], I.tenants[i]);
    ASSERT_LE(I.tenants[i], I.capacity[i]);
  }
  EXPECT_EQ(st.graph.tie_count(TieType::tenancy),
            static_cast<std::int64_t>(get(m, Metric::firms_incubated)));
  for (std::size_t g = 0; g < Fu.size(); ++g) {
    ASSERT_GE(Fu.uninvested[g], -1e-9);
    ASSERT_NEAR(Fu.invested[g] + Fu.fees[g] + Fu.uninvested[g], Fu.committed[g],
                1e-9 * Fu.committed[g]);
  }
}

TEST(Simulation, KeepsItsBooksEveryQuarter) {
  Scenario sc = small_scenario(40);
  sc.funds.life = 20;
  sc.funds.investment_period = 10;
  Simulation sim(sc, 2);
  sim.initialize();
  int deals = 0, deaths = 0, closed = 0;
  while (!sim.finished()) {
    const Quarter q = sim.next_quarter();
    const MetricRow& m = sim.step();
    check_invariants(sim.state(), m, q);
    deals += static_cast<int>(get(m, Metric::rounds_closed));
    deaths += static_cast<int>(get(m, Metric::deaths));
    closed += static_cast<int>(get(m, Metric::funds_closed));
  }
  // The run exercised the mechanisms the invariants are about.
  EXPECT_GT(deals, 0);
  EXPECT_GT(deaths, 0);
  EXPECT_GT(closed, 0);
}

TEST(Simulation, EventsAreInPhaseOrderWithinAQuarter) {
  Simulation sim(small_scenario(6), 2);
  sim.initialize();
  while (!sim.finished()) {
    const Quarter q = sim.next_quarter();
    sim.step();
    Phase last = Phase::setup;
    for (const auto& e : sim.events()) {
      ASSERT_EQ(e.quarter, q);
      ASSERT_GE(static_cast<int>(e.phase), static_cast<int>(last));
      last = e.phase;
    }
  }
}

TEST(Simulation, BurnInQuartersAreRunButNotRecorded) {
  Scenario sc = small_scenario(3);
  sc.simulation.burn_in = 2;
  Simulation sim(sc, 1);
  sim.initialize();
  std::vector<bool> recorded;
  while (!sim.finished()) {
    sim.step();
    recorded.push_back(sim.last_quarter_recorded());
  }
  EXPECT_EQ(recorded, (std::vector<bool>{false, false, true, true, true}));
}

TEST(Simulation, BurnInChangesNothingThatIsRecorded) {
  // The dynamics do not depend on when recording starts, so quarters 5..10
  // of a run without burn-in are those a run with 5 quarters of burn-in
  // records, every metric bit for bit, network measures included, although
  // the burn-in run skips measurements nothing recorded shows.
  for (const int every : {1, 3}) {
    SCOPED_TRACE("measure_every " + std::to_string(every));
    Scenario whole = small_scenario(11);
    whole.network.measure_every = every;
    Scenario burnt = whole;
    burnt.simulation.burn_in = 5;
    burnt.simulation.quarters = 6;
    Simulation a(whole, 2);
    Simulation b(burnt, 1);
    a.initialize();
    b.initialize();
    int compared = 0;
    double clustering = 0;
    while (!a.finished()) {
      const MetricRow expected = a.step();
      const MetricRow& got = b.step();
      if (!b.last_quarter_recorded()) continue;
      for (std::size_t m = 0; m < got.size(); ++m)
        EXPECT_EQ(got[m], expected[m]) << "metric " << m << " in quarter " << b.next_quarter() - 1;
      clustering += get(got, Metric::network_clustering);
      ++compared;
    }
    EXPECT_EQ(compared, 6);
    EXPECT_GT(clustering, 0.0);  // the network was measured
  }
}

TEST(Simulation, OverlappedMeasurementsGiveTheSameRowsAQuarterLater) {
  for (const int every : {1, 3}) {
    SCOPED_TRACE("measure_every " + std::to_string(every));
    Scenario sc = small_scenario(12);
    sc.network.measure_every = every;
    Simulation plain(sc, 2);
    Simulation overlapped(sc, 2);
    plain.initialize();
    overlapped.initialize();
    overlapped.overlap_measurements(true);
    std::vector<MetricRow> expected;
    while (!plain.finished()) expected.push_back(plain.step());
    std::vector<Simulation::QuarterRow> got;
    bool behind = false;  // a row taken a quarter after its quarter ended
    while (!overlapped.finished()) {
      const Quarter q = overlapped.next_quarter();
      while (!overlapped.step_phase()) {
      }
      const auto rows = overlapped.take_finished_rows();
      behind = behind || rows.empty() || rows.back().quarter != q;
      got.insert(got.end(), rows.begin(), rows.end());
    }
    overlapped.finish_quarters();
    const auto last = overlapped.take_finished_rows();
    got.insert(got.end(), last.begin(), last.end());
    EXPECT_TRUE(behind);  // the measurements did overlap the next quarter
    ASSERT_EQ(got.size(), expected.size());
    for (std::size_t k = 0; k < got.size(); ++k) {
      EXPECT_EQ(got[k].quarter, static_cast<Quarter>(k));
      EXPECT_EQ(got[k].row, expected[k]) << "quarter " << k;
    }
    EXPECT_EQ(overlapped.state().network.clustering, plain.state().network.clustering);
    EXPECT_TRUE(overlapped.take_finished_rows().empty());
  }
}

TEST(Simulation, OneThreadDoesNotOverlap) {
  Simulation sim(small_scenario(2), 1);
  sim.initialize();
  sim.overlap_measurements(true);
  while (!sim.step_phase()) {
  }
  const auto rows = sim.take_finished_rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].quarter, 0);
}

TEST(Simulation, StepWaitsForTheMeasurementAndQueuesNoRow) {
  Scenario sc = small_scenario(3);
  Simulation plain(sc, 2);
  Simulation overlapped(sc, 2);
  plain.initialize();
  overlapped.initialize();
  overlapped.overlap_measurements(true);
  for (int q = 0; q < 3; ++q) EXPECT_EQ(overlapped.step(), plain.step()) << "quarter " << q;
  EXPECT_TRUE(overlapped.take_finished_rows().empty());
}

TEST(Simulation, MisuseIsAnError) {
  Simulation sim(small_scenario(1), 1);
  EXPECT_THROW(sim.step(), Error);
  sim.initialize();
  EXPECT_THROW(sim.initialize(), Error);
  EXPECT_THROW(sim.release_working_buffers(), Error);  // the quarters still need them
  sim.step();
  EXPECT_THROW(sim.step(), Error);
  EXPECT_NO_THROW(sim.release_working_buffers());
}

}  // namespace
}  // namespace incubsim
