// Science vice-presidents: secondments start and end, hosts develop faster
// and produce more IP than the same firms without the instrument, the
// secondment tie channels licences; ledger consistency, the window and
// thread-count determinism.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "engine/simulation.hpp"
#include "engine/verify.hpp"
#include "output/run_reader.hpp"
#include "policy_test_support.hpp"

namespace incubsim {
namespace {

using testing::PolicyRun;
using testing::ScratchDir;
using testing::small_scenario;

const std::string kScienceVpLedger = "/policy/science_vp/";

Scenario seconding(Scenario sc) {
  auto& p = sc.policy.science_vp;
  p.enabled = true;
  p.budget_per_year = 1e6;
  p.secondments_per_year = 40;
  p.duration = 6;
  p.development_boost = 2.0;
  p.ip_boost = 3.0;
  return sc;
}

const Instrument& science_vp(const Simulation& sim) {
  const auto& i = *sim.policies().instruments()[4];
  EXPECT_EQ(i.name(), "science_vp");
  return i;
}

TEST(ScienceVp, SecondmentsStartEndAndKeepTheStateConsistent) {
  Scenario sc = seconding(small_scenario(24));
  Simulation sim(sc, 2);
  sim.initialize();
  std::map<AgentId, std::pair<AgentId, Quarter>> open;  // researcher -> (host, start)
  int started = 0, ended = 0, early = 0;
  while (!sim.finished()) {
    const Quarter q = sim.next_quarter();
    sim.step();
    const auto& st = sim.state();
    std::set<AgentId> returned;
    for (const Event& e : sim.events()) {
      if (e.kind == EventKind::secondment_started) {
        ++started;
        EXPECT_TRUE(open.emplace(e.actor, std::make_pair(e.target, q)).second);
        const auto r = static_cast<std::size_t>(e.actor);
        const auto f = static_cast<std::size_t>(e.target);
        EXPECT_EQ(st.researchers.sector[r], st.firms.sector[f]);
        EXPECT_TRUE(
            st.graph.find_tie(st.researchers.vertex[r], st.firms.vertex[f], TieType::secondment));
        EXPECT_EQ(st.researchers.secondment_end[r], q + 6);
      } else if (e.kind == EventKind::secondment_ended) {
        ++ended;
        auto it = open.find(e.actor);
        ASSERT_NE(it, open.end());
        EXPECT_EQ(it->second.first, e.target);
        // Ends when due, or earlier because the host left the market.
        const bool host_alive =
            st.firms.status[static_cast<std::size_t>(e.target)] == FirmStatus::alive;
        EXPECT_TRUE(!host_alive || q - it->second.second == 6) << "quarter " << q;
        EXPECT_LE(q - it->second.second, 6);
        early += !host_alive;
        returned.insert(e.actor);
        open.erase(it);
      }
    }
    // State agrees with the open secondments: careers, hosts, secondees, boosts.
    std::map<AgentId, int> hosted;
    for (const auto& [r, v] : open) {
      EXPECT_EQ(st.researchers.career[static_cast<std::size_t>(r)], Career::seconded);
      EXPECT_EQ(st.researchers.host_firm[static_cast<std::size_t>(r)], v.first);
      ++hosted[v.first];
    }
    for (const AgentId r : returned) {
      if (open.count(r)) continue;  // seconded again at once
      EXPECT_EQ(st.researchers.career[static_cast<std::size_t>(r)], Career::academic);
      EXPECT_EQ(st.researchers.host_firm[static_cast<std::size_t>(r)], kNoAgent);
    }
    // Every firm ever created, exited ones (compacted away) included; the
    // boosts, which the final table does not show, only while firms have rows.
    const auto& F = st.firms;
    const auto secondees = F.by_id(F.secondees);
    for (std::size_t f = 0; f < F.size(); ++f) {
      const auto id = static_cast<AgentId>(f);
      const auto it = hosted.find(id);
      const int n = it == hosted.end() ? 0 : it->second;
      ASSERT_EQ(secondees[f], n) << "firm " << f << " quarter " << q;
      if (!F.has_row(id)) continue;
      EXPECT_EQ(F.policy_dev_boost[f], n > 0 ? 2.0 : 0.0);
      EXPECT_EQ(F.policy_ip_boost[f], n > 0 ? 3.0 : 0.0);
    }
    const auto& ledger = science_vp(sim).ledger();
    EXPECT_EQ(ledger.quarter_spend(), 0.03 * static_cast<double>(ledger.quarter_beneficiaries()));
  }
  EXPECT_GT(started, 100);  // 40 a year for 6 years
  EXPECT_GT(ended, 50);
  EXPECT_GT(early, 0);
  EXPECT_GT(sim.state().graph.tie_count(TieType::secondment), 50);
}

/// Id of the firm with lineage key `key` in `sim` (kNoAgent: none).
AgentId firm_by_key(const Simulation& sim, LineageKey key) {
  const auto k = sim.state().firms.by_id(sim.state().firms.key);
  const auto it = std::find(k.begin(), k.end(), key);
  return it == k.end() ? kNoAgent : static_cast<AgentId>(it - k.begin());
}

TEST(ScienceVp, HostsDevelopFasterAndPatentMoreThanWithoutTheInstrument) {
  // Common random numbers: the same firms (matched by lineage key) with and
  // without secondments; compare the hosts' progress from the quarter they
  // started hosting. Licences are counted apart (secondees license to
  // their hosts), so the IP compared is what R&D produced.
  Scenario base = small_scenario(20);
  Simulation off(base, 2);
  Simulation on(seconding(base), 2);
  off.initialize();
  on.initialize();
  struct Host {
    AgentId on, off;
    double ip_on, ip_off, maturity_on, maturity_off;
    int licences_on = 0, licences_off = 0;
  };
  std::map<AgentId, Host> hosts;  // by id in `on`
  auto count_licences = [&](const Simulation& sim, bool is_on) {
    for (const Event& e : sim.events()) {
      if (e.kind != EventKind::licence) continue;
      for (auto& [id, h] : hosts) {
        if (is_on && e.target == h.on) ++h.licences_on;
        if (!is_on && e.target == h.off) ++h.licences_off;
      }
    }
  };
  while (!on.finished()) {
    on.step();
    off.step();
    count_licences(on, true);
    count_licences(off, false);
    for (const Event& e : on.events()) {
      if (e.kind != EventKind::secondment_started || hosts.count(e.target)) continue;
      const auto f = static_cast<std::size_t>(e.target);
      const AgentId twin = firm_by_key(off, on.state().firms.key[f]);
      if (twin == kNoAgent || !off.state().firms.alive(twin)) continue;
      const auto g = static_cast<std::size_t>(twin);
      const auto& A = on.state().firms;
      const auto& B = off.state().firms;
      hosts.emplace(e.target,
                    Host{e.target, twin, static_cast<double>(A.ip_count[f]),
                         static_cast<double>(B.ip_count[g]), A.maturity[f], B.maturity[g]});
    }
  }
  ASSERT_GT(hosts.size(), 40u);
  double ip_on = 0, ip_off = 0, mat_on = 0, mat_off = 0;
  // Values at the end, or at exit for hosts that exited (compacted away).
  const auto& A = on.state().firms;
  const auto& B = off.state().firms;
  const auto ip_count_on = A.by_id(A.ip_count), ip_count_off = B.by_id(B.ip_count);
  const auto maturity_on = A.by_id(A.maturity), maturity_off = B.by_id(B.maturity);
  for (const auto& [id, h] : hosts) {
    ip_on += ip_count_on[static_cast<std::size_t>(h.on)] - h.ip_on - h.licences_on;
    ip_off += ip_count_off[static_cast<std::size_t>(h.off)] - h.ip_off - h.licences_off;
    mat_on += maturity_on[static_cast<std::size_t>(h.on)] - h.maturity_on;
    mat_off += maturity_off[static_cast<std::size_t>(h.off)] - h.maturity_off;
  }
  EXPECT_GT(ip_on, 1.5 * ip_off);
  EXPECT_GT(mat_on, 1.2 * mat_off);
}

TEST(ScienceVp, SecondeesLicenceToTheirHosts) {
  // The same researchers (same ids: researcher entry does not depend on the
  // instrument) license to their hosts far more often than to the same
  // firms in the run without secondments.
  Scenario base = small_scenario(24);
  base.researchers.inventions_per_year = 2.0;
  Simulation off(base, 2);
  Simulation on(seconding(base), 2);
  off.initialize();
  on.initialize();
  std::set<std::pair<AgentId, LineageKey>> pairs;  // (researcher, host key) seconded so far
  int to_host_on = 0, to_host_off = 0;
  while (!on.finished()) {
    on.step();
    off.step();
    auto count = [&](const Simulation& sim) {
      int n = 0;
      for (const Event& e : sim.events())
        if (e.kind == EventKind::licence &&
            pairs.count({e.actor, sim.state().firms.key[static_cast<std::size_t>(e.target)]}))
          ++n;
      return n;
    };
    to_host_on += count(on);
    to_host_off += count(off);
    for (const Event& e : on.events())
      if (e.kind == EventKind::secondment_started)
        pairs.insert({e.actor, on.state().firms.key[static_cast<std::size_t>(e.target)]});
  }
  EXPECT_GT(to_host_on, 20);
  EXPECT_GT(to_host_on, 5 * to_host_off);
}

TEST(ScienceVp, LedgerIsConsistentAndTheBudgetCapsRunningSecondments) {
  ScratchDir dir;
  Scenario sc = seconding(small_scenario(32));
  sc.policy.science_vp.budget_per_year = 0.6;  // 0.6 / (4 x 0.03): 5 at once
  const PolicyRun r(dir, "ledger", sc);
  const auto spend = r.column(kScienceVpLedger + "spend");
  const auto quarter = r.column(kScienceVpLedger + "quarter");
  const auto active = r.column(kScienceVpLedger + "active_secondments");
  const auto started = r.column(kScienceVpLedger + "started");
  const auto ended = r.column(kScienceVpLedger + "ended");
  const auto stipends = r.column(kScienceVpLedger + "stipends");
  const auto hosts = r.column(kScienceVpLedger + "hosts");
  double year = 0, running = 0;
  for (std::size_t i = 0; i < spend.size(); ++i) {
    if (static_cast<int>(quarter[i]) % 4 == 0) year = 0;
    year += spend[i];
    EXPECT_LE(year, 0.6 + 1e-12) << "quarter " << quarter[i];
    // Stipends are paid for everyone who served this quarter.
    EXPECT_EQ(stipends[i], running) << quarter[i];
    EXPECT_NEAR(spend[i], 0.03 * stipends[i], 1e-12);
    running += started[i] - ended[i];
    EXPECT_EQ(active[i], running);
    EXPECT_LE(active[i], 5.0);
    EXPECT_EQ(hosts[i], active[i]);  // one secondee per host
  }
  EXPECT_GT(r.sum(kScienceVpLedger + "unfunded"), 0.0);
  EXPECT_GT(r.sum(kScienceVpLedger + "started"), 10.0);
  const auto career = r.column("/agents/researchers/career");
  EXPECT_EQ(std::count(career.begin(), career.end(), static_cast<double>(Career::seconded)),
            r.last(kScienceVpLedger + "active_secondments"));
  EXPECT_NEAR(r.sum("/policy/government/spend_science_vp"), r.sum(kScienceVpLedger + "spend"),
              1e-12);
  EXPECT_NEAR(r.sum("/policy/government/spend"), r.sum(kScienceVpLedger + "spend"), 1e-12);
  EXPECT_NEAR(r.sum("/timeseries/policy_spend"), r.sum(kScienceVpLedger + "spend"), 1e-12);
}

TEST(ScienceVp, StartsOnlyInItsWindowAndWindsDownAfter) {
  Scenario sc = seconding(small_scenario(24));
  sc.policy.science_vp.start_quarter = 4;
  sc.policy.science_vp.end_quarter = 9;
  Simulation sim(sc, 2);
  sim.initialize();
  Quarter last_end = -1;
  while (!sim.finished()) {
    const Quarter q = sim.next_quarter();
    sim.step();
    for (const Event& e : sim.events()) {
      if (e.kind == EventKind::secondment_started) {
        EXPECT_GE(q, 4);
        EXPECT_LE(q, 9);
      }
      if (e.kind == EventKind::secondment_ended) last_end = q;
    }
    if (q < 4) {
      EXPECT_EQ(science_vp(sim).ledger().quarter_spend(), 0.0);
    }
  }
  // Secondments started by quarter 9 end by quarter 15 and are paid until then.
  EXPECT_GT(last_end, 9);
  EXPECT_LE(last_end, 15);
  const auto& st = sim.state();
  EXPECT_EQ(
      std::count(st.researchers.career.begin(), st.researchers.career.end(), Career::seconded), 0);
  const auto secondees = st.firms.by_id(st.firms.secondees);
  for (std::size_t f = 0; f < st.firms.size(); ++f) {
    EXPECT_EQ(secondees[f], 0);
    if (st.firms.has_row(static_cast<AgentId>(f))) {
      EXPECT_EQ(st.firms.policy_dev_boost[f], 0.0);
    }
  }
  EXPECT_EQ(science_vp(sim).ledger().quarter_spend(), 0.0);
}

TEST(ScienceVp, SameFilesFor1And4Threads) {
  ScratchDir dir1, dir4;
  const Scenario sc = seconding(small_scenario(16));
  const PolicyRun one(dir1, "threads", sc, 1);
  const PolicyRun four(dir4, "threads", sc, 4);
  EXPECT_EQ(testing::differences(one, four), "");
  EXPECT_GT(one.sum(kScienceVpLedger + "started"), 0.0);
}

}  // namespace
}  // namespace incubsim
