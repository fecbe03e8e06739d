// Sci-tech index loans: loans keep firms with a financing gap alive; the
// banks' book and the government's interest subsidies add up; loans are made
// only while the instrument is active and wound down after; results do not
// depend on the thread count.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "engine/verify.hpp"
#include "output/run_reader.hpp"
#include "phases/context.hpp"
#include "policy/instruments.hpp"
#include "policy_test_support.hpp"

namespace incubsim {
namespace {

using testing::PolicyRun;
using testing::ScratchDir;
using testing::small_scenario;

const std::string kIndexLoansLedger = "/policy/index_loans/";

Scenario with_loans(Scenario sc) {
  auto& p = sc.policy.index_loans;
  p.enabled = true;
  p.budget_per_year = 1e6;
  return sc;
}

struct Events {
  std::vector<double> quarter, kind, target, amount;
  explicit Events(const PolicyRun& r)
      : quarter(r.column("/events/quarter")),
        kind(r.column("/events/kind")),
        target(r.column("/events/target")),
        amount(r.column("/events/amount")) {}
  bool is(std::size_t e, EventKind k) const {
    return static_cast<int>(kind[e]) == static_cast<int>(k);
  }
  std::size_t size() const { return kind.size(); }
};

/// Lineage keys of the firms that borrowed.
std::set<double> borrower_keys(const PolicyRun& r) {
  const Events ev(r);
  const auto key = r.column("/agents/firms/lineage_key");
  std::set<double> out;
  for (std::size_t e = 0; e < ev.size(); ++e)
    if (ev.is(e, EventKind::loan_issued)) out.insert(key[static_cast<std::size_t>(ev.target[e])]);
  return out;
}

/// Firms among `keys` (by lineage key, the same firm in both arms) that died.
int deaths_among(const PolicyRun& r, const std::set<double>& keys) {
  const auto key = r.column("/agents/firms/lineage_key");
  const auto status = r.column("/agents/firms/status");
  int n = 0;
  for (std::size_t f = 0; f < key.size(); ++f)
    if (keys.count(key[f]) && static_cast<int>(status[f]) == static_cast<int>(FirmStatus::dead))
      ++n;
  return n;
}

TEST(IndexLoans, LoansKeepFirmsWithAFinancingGapAlive) {
  ScratchDir dir;
  const Scenario base = small_scenario(40);
  const PolicyRun none(dir, "none", base);
  const PolicyRun loans(dir, "loans", with_loans(base));
  EXPECT_GT(loans.sum(kIndexLoansLedger + "loans_issued"), 20.0);
  EXPECT_GT(loans.sum(kIndexLoansLedger + "amount_lent"), 0.0);
  EXPECT_EQ(none.sum(kIndexLoansLedger + "loans_issued"), 0.0);
  // Fewer firms die and more are alive over the run.
  EXPECT_LT(loans.sum("/timeseries/deaths"), none.sum("/timeseries/deaths"));
  EXPECT_GT(loans.sum("/timeseries/firms_alive"), none.sum("/timeseries/firms_alive"));
  // The same firms (common random numbers) die less often with their loan
  // than without it.
  const auto borrowers = borrower_keys(loans);
  ASSERT_GT(borrowers.size(), 20u);
  EXPECT_LT(deaths_among(loans, borrowers), deaths_among(none, borrowers));
}

TEST(IndexLoans, LedgerAndBookAreConsistent) {
  ScratchDir dir;
  Scenario sc = with_loans(small_scenario(40));
  auto& p = sc.policy.index_loans;
  p.budget_per_year = 0.1;  // binding: firms pay the interest the budget cannot
  p.credit_line = 15.0;     // binding: rationing
  p.term = 4;
  const PolicyRun r(dir, "ledger", sc);
  const auto quarter = r.column(kIndexLoansLedger + "quarter");
  const auto spend = r.column(kIndexLoansLedger + "spend");
  const auto subsidy = r.column(kIndexLoansLedger + "interest_subsidy");
  const auto interest = r.column(kIndexLoansLedger + "interest");
  const auto lent = r.column(kIndexLoansLedger + "amount_lent");
  const auto issued = r.column(kIndexLoansLedger + "loans_issued");
  const auto repaid = r.column(kIndexLoansLedger + "repaid");
  const auto written_off = r.column(kIndexLoansLedger + "written_off");
  const auto defaults = r.column(kIndexLoansLedger + "defaults");
  const auto outstanding = r.column(kIndexLoansLedger + "outstanding");
  const auto losses = r.column(kIndexLoansLedger + "bank_losses");
  const auto borrowers = r.column(kIndexLoansLedger + "borrowers");
  double year = 0, l = 0, rp = 0, w = 0;
  bool rationed = false;
  for (std::size_t i = 0; i < spend.size(); ++i) {
    if (static_cast<int>(quarter[i]) % 4 == 0) year = 0;
    year += spend[i];
    EXPECT_LE(year, p.budget_per_year + 1e-12) << "quarter " << quarter[i];
    EXPECT_DOUBLE_EQ(spend[i], subsidy[i]);
    EXPECT_LE(subsidy[i], p.interest_subsidy * interest[i] + 1e-12);
    l += lent[i];
    rp += repaid[i];
    w += written_off[i];
    EXPECT_NEAR(outstanding[i], l - rp - w, 1e-9) << "quarter " << quarter[i];
    EXPECT_NEAR(losses[i], w, 1e-9);
    EXPECT_LE(outstanding[i], p.credit_line + 1e-9);
    EXPECT_LE(defaults[i], issued[i] + borrowers[i] + 1e-12);
    if (outstanding[i] > 0.8 * p.credit_line) rationed = true;
  }
  EXPECT_TRUE(rationed);
  EXPECT_GT(rp, 0.0);
  EXPECT_GT(w, 0.0);
  // Interest beyond the subsidy share: the budget was exhausted some years.
  EXPECT_LT(r.sum(kIndexLoansLedger + "interest_subsidy"),
            p.interest_subsidy * r.sum(kIndexLoansLedger + "interest") - 1e-9);

  // Events match the ledger; loans are within max_loan; a firm holds at most
  // one loan at a time.
  const Events ev(r);
  double ev_lent = 0, ev_repaid = 0, ev_written = 0;
  int ev_issued = 0;
  std::map<double, bool> open;
  for (std::size_t e = 0; e < ev.size(); ++e) {
    if (ev.is(e, EventKind::loan_issued)) {
      ++ev_issued;
      ev_lent += ev.amount[e];
      EXPECT_LE(ev.amount[e], p.max_loan + 1e-12);
      EXPECT_FALSE(open[ev.target[e]]) << "second loan to firm " << ev.target[e];
      open[ev.target[e]] = true;
    } else if (ev.is(e, EventKind::loan_repaid) || ev.is(e, EventKind::loan_default)) {
      (ev.is(e, EventKind::loan_repaid) ? ev_repaid : ev_written) += ev.amount[e];
      open[ev.target[e]] = false;
    }
  }
  EXPECT_EQ(ev_issued, static_cast<int>(r.sum(kIndexLoansLedger + "loans_issued")));
  EXPECT_NEAR(ev_lent, l, 1e-9);
  EXPECT_NEAR(ev_repaid, rp, 1e-9);
  EXPECT_NEAR(ev_written, w, 1e-9);
  // The firms table holds what is still outstanding at the end.
  EXPECT_NEAR(r.sum("/agents/firms/loan_balance"), outstanding.back(), 1e-9);
  // The government totals include the subsidies.
  EXPECT_NEAR(r.sum("/policy/government/spend"), r.sum(kIndexLoansLedger + "spend"), 1e-9);
  EXPECT_NEAR(r.sum("/policy/government/spend_index_loans"), r.sum(kIndexLoansLedger + "spend"),
              1e-9);
  EXPECT_NEAR(r.sum("/timeseries/policy_spend"), r.sum(kIndexLoansLedger + "spend"), 1e-9);
}

TEST(IndexLoans, LendsOnlyWhileActiveAndWindsDownAfter) {
  ScratchDir dir;
  Scenario sc = with_loans(small_scenario(32));
  auto& p = sc.policy.index_loans;
  p.start_quarter = 8;
  p.end_quarter = 15;
  p.term = 4;
  const PolicyRun r(dir, "window", sc);
  const Events ev(r);
  int issued = 0, settled_after = 0;
  for (std::size_t e = 0; e < ev.size(); ++e) {
    if (ev.is(e, EventKind::loan_issued)) {
      ++issued;
      EXPECT_GE(ev.quarter[e], 8.0);
      EXPECT_LE(ev.quarter[e], 15.0);
    }
    if (ev.is(e, EventKind::loan_repaid) || ev.is(e, EventKind::loan_default)) {
      EXPECT_GE(ev.quarter[e], 8.0);
      EXPECT_LE(ev.quarter[e], 15.0 + p.term);
      if (ev.quarter[e] > 15.0) ++settled_after;
    }
  }
  EXPECT_GT(issued, 0);
  EXPECT_GT(settled_after, 0);  // loans made while active are wound down after
  const auto quarter = r.column(kIndexLoansLedger + "quarter");
  const auto spend = r.column(kIndexLoansLedger + "spend");
  const auto active = r.column(kIndexLoansLedger + "active");
  const auto outstanding = r.column(kIndexLoansLedger + "outstanding");
  const auto borrowers = r.column(kIndexLoansLedger + "borrowers");
  for (std::size_t i = 0; i < quarter.size(); ++i) {
    const bool in = quarter[i] >= 8 && quarter[i] <= 15;
    EXPECT_EQ(active[i], in ? 1.0 : 0.0);
    if (quarter[i] < 8 || quarter[i] > 15 + p.term) {
      EXPECT_EQ(spend[i], 0.0) << "quarter " << quarter[i];
      EXPECT_EQ(outstanding[i], 0.0) << "quarter " << quarter[i];
      EXPECT_EQ(borrowers[i], 0.0) << "quarter " << quarter[i];
    }
  }
  EXPECT_GT(r.sum(kIndexLoansLedger + "spend"), 0.0);
  EXPECT_EQ(r.sum("/agents/firms/loan_balance"), 0.0);
}

TEST(IndexLoans, TheScoreDecidesWhoBorrows) {
  ScratchDir dir;
  const Scenario base = with_loans(small_scenario(24));
  Scenario strict = base;
  strict.policy.index_loans.min_score = 1000.0;  // no firm reaches it
  Scenario certified = base;                     // only high-tech firms score 2
  certified.policy.index_loans.score_ip_weight = 0.0;
  certified.policy.index_loans.score_rd_weight = 0.0;
  certified.policy.index_loans.score_certification_weight = 1.0;
  certified.policy.index_loans.min_score = 2.0;
  const PolicyRun a(dir, "strict", strict);
  const PolicyRun b(dir, "certified", certified);
  EXPECT_GT(a.sum(kIndexLoansLedger + "applicants"), 0.0);
  EXPECT_EQ(a.sum(kIndexLoansLedger + "eligible"), 0.0);
  EXPECT_EQ(a.sum(kIndexLoansLedger + "loans_issued"), 0.0);
  EXPECT_EQ(a.sum(kIndexLoansLedger + "spend"), 0.0);
  // Every borrower under the certification-only rule had been certified
  // high-tech before it borrowed.
  const Events ev(b);
  const auto detail = b.column("/events/detail");
  const auto actor = b.column("/events/actor");
  std::map<double, double> first_high_tech;
  int loans = 0;
  for (std::size_t e = 0; e < ev.size(); ++e) {
    if (ev.is(e, EventKind::certification) && detail[e] == 1.0 && !first_high_tech.count(actor[e]))
      first_high_tech[actor[e]] = ev.quarter[e];
    if (!ev.is(e, EventKind::loan_issued)) continue;
    ++loans;
    ASSERT_TRUE(first_high_tech.count(ev.target[e])) << "firm " << ev.target[e];
    EXPECT_LT(first_high_tech[ev.target[e]], ev.quarter[e]);
  }
  EXPECT_GT(loans, 0);
  EXPECT_LT(b.sum(kIndexLoansLedger + "eligible"), b.sum(kIndexLoansLedger + "applicants"));
}

/// One instrument on a hand-made population, hooks called directly.
struct Book {
  Scenario sc;
  StreamFactory streams{1};
  WorldState st;
  std::unique_ptr<Instrument> loans;

  explicit Book(const Scenario& s) : sc(s) {}
  void make() { loans = make_index_loans(sc); }
  std::size_t add(double cash, bool seeking, double ask, double revenue, double rd, int ip,
                  bool sme = false, bool hte = false) {
    NewFirm nf;
    nf.key = 1000 + st.firms.size();
    nf.cash = cash;
    const auto f = static_cast<std::size_t>(st.firms.add(nf));
    st.firms.seeking[f] = seeking;
    st.firms.ask[f] = ask;
    st.firms.revenue[f] = revenue;
    st.firms.selling[f] = revenue > 0;
    st.firms.rd_spend[f] = rd;
    st.firms.ip_count[f] = ip;
    st.firms.tech_sme[f] = sme;
    st.firms.high_tech[f] = hte;
    st.scratch.alive_firms.push_back(static_cast<AgentId>(f));
    return f;
  }
  PhaseContext ctx(Quarter q, Phase phase) {
    return PhaseContext(sc, streams, Policies{}, q, phase, st.events);
  }
  void financing(Quarter q) {
    st.events.clear();
    loans->start_quarter(q);
    loans->after_financing(st, ctx(q, Phase::financing));
  }
  void institutions(Quarter q, bool new_quarter = true) {
    if (new_quarter) {
      st.events.clear();
      loans->start_quarter(q);
    }
    loans->after_institutions(st, ctx(q, Phase::institutions));
  }
  std::vector<double> row() const {
    std::vector<double> r;
    loans->extra_values(r);
    return r;
  }
  double column(const std::string& name) const {
    const auto cols = loans->extra_columns();
    const auto r = row();
    for (std::size_t k = 0; k < cols.size(); ++k)
      if (cols[k].name == name) return r[k];
    ADD_FAILURE() << "no column " << name;
    return 0.0;
  }
};

TEST(IndexLoans, BestScoresBorrowFirstWithinTheCreditLine) {
  Scenario sc;
  auto& p = sc.policy.index_loans;
  p.enabled = true;
  p.budget_per_year = 1.0;
  p.credit_line = 3.5;
  p.min_score = 3.0;
  p.loan_share = 0.5;
  p.max_loan = 5.0;
  p.interest_rate = 0.08;
  p.interest_subsidy = 0.5;
  p.term = 2;
  Book b(sc);
  b.make();
  // Scores (weights 1, 10, 2): intensity = R&D / revenue, 1 before revenue.
  const auto low = b.add(0.0, true, 2.0, 1.0, 0.01, 0);               // 0.1: below min_score
  const auto pre = b.add(0.3, true, 2.0, 0.0, 0.1, 0);                // 10
  const auto cert = b.add(0.0, true, 2.0, 1.0, 0.05, 0, true, true);  // 0.5 + 6
  const auto best = b.add(0.0, true, 4.0, 0.0, 0.1, 3);               // 10 + ln 4
  const auto idle = b.add(0.0, false, 0.0, 0.0, 0.1, 9);              // not seeking
  const auto tie = b.add(0.0, true, 2.0, 0.0, 0.1, 0);                // 10, after `pre` by id
  const auto small = b.add(5.0, true, 0.2, 0.0, 0.1, 0);              // 10, fits what is left
  b.financing(4);
  auto& F = b.st.firms;
  // best (2) and pre (1) fill 3 of 3.5; tie, cert do not fit; small does.
  EXPECT_DOUBLE_EQ(F.loan_balance[best], 2.0);
  EXPECT_DOUBLE_EQ(F.loan_balance[pre], 1.0);
  EXPECT_DOUBLE_EQ(F.loan_balance[small], 0.1);
  for (const auto f : {low, cert, idle, tie}) EXPECT_EQ(F.loan_balance[f], 0.0) << f;
  EXPECT_DOUBLE_EQ(F.cash[best], 2.0);
  EXPECT_DOUBLE_EQ(F.cash[pre], 1.3);
  EXPECT_EQ(F.loan_due[best], 6);
  ASSERT_EQ(b.st.events.size(), 3u);  // in priority order
  EXPECT_EQ(b.st.events[0].target, static_cast<AgentId>(best));
  EXPECT_EQ(b.st.events[1].target, static_cast<AgentId>(pre));
  EXPECT_EQ(b.st.events[2].target, static_cast<AgentId>(small));
  EXPECT_EQ(b.column("applicants"), 6.0);
  EXPECT_EQ(b.column("eligible"), 5.0);
  EXPECT_EQ(b.column("loans_issued"), 3.0);
  EXPECT_DOUBLE_EQ(b.column("amount_lent"), 3.1);
  EXPECT_EQ(b.loans->ledger().quarter_beneficiaries(), 3);

  // No interest in the quarter the loan was made.
  b.institutions(4, false);
  EXPECT_DOUBLE_EQ(F.cash[best], 2.0);
  EXPECT_EQ(b.loans->ledger().quarter_spend(), 0.0);

  // Quarter 5: `pre` died with 0.3 of cash (recovered, 0.7 lost), `small`
  // was acquired (repaid from the exit); `best` pays half of 2 x 0.08 / 4.
  F.status[pre] = FirmStatus::dead;
  F.cash[pre] = 0.3;
  F.status[small] = FirmStatus::acquired;
  b.institutions(5);
  EXPECT_DOUBLE_EQ(F.cash[pre], 0.0);
  EXPECT_DOUBLE_EQ(F.cash[small], 5.1);  // untouched: paid from the exit
  EXPECT_DOUBLE_EQ(F.cash[best], 2.0 - 0.02);
  EXPECT_DOUBLE_EQ(b.loans->ledger().quarter_spend(), 0.02);
  EXPECT_DOUBLE_EQ(b.column("interest"), 0.04);
  EXPECT_DOUBLE_EQ(b.column("repaid"), 0.4);
  EXPECT_DOUBLE_EQ(b.column("written_off"), 0.7);
  EXPECT_EQ(b.column("defaults"), 1.0);
  EXPECT_EQ(b.column("borrowers"), 1.0);
  EXPECT_DOUBLE_EQ(b.column("outstanding"), 2.0);
  EXPECT_EQ(F.loan_balance[pre], 0.0);
  EXPECT_EQ(F.loan_due[small], -1);

  // Quarter 6, due: interest again, then the firm repays what it has.
  b.institutions(6);
  EXPECT_DOUBLE_EQ(b.column("repaid"), 1.96);
  EXPECT_NEAR(b.column("written_off"), 0.04, 1e-12);
  EXPECT_EQ(F.cash[best], 0.0);
  EXPECT_EQ(F.loan_balance[best], 0.0);
  EXPECT_EQ(b.column("outstanding"), 0.0);
  EXPECT_EQ(b.column("borrowers"), 0.0);
  EXPECT_NEAR(b.column("bank_losses"), 0.74, 1e-12);
  ASSERT_EQ(b.st.events.size(), 2u);
  EXPECT_EQ(b.st.events[0].kind, EventKind::loan_repaid);
  EXPECT_EQ(b.st.events[1].kind, EventKind::loan_default);

  // The firm can borrow again once its loan is settled.
  b.financing(7);
  EXPECT_GT(F.loan_balance[best], 0.0);
}

TEST(IndexLoans, FirmsPayTheInterestTheBudgetCannot) {
  Scenario sc;
  auto& p = sc.policy.index_loans;
  p.enabled = true;
  p.budget_per_year = 0.03;
  p.interest_rate = 0.08;
  p.interest_subsidy = 0.5;
  p.term = 8;
  Book b(sc);
  b.make();
  const auto f = b.add(1.0, true, 4.0, 0.0, 0.1, 0);  // borrows 2
  b.financing(4);
  b.institutions(5);  // subsidy 0.02 of 0.04
  b.institutions(6);  // 0.01 left in the year's budget
  EXPECT_DOUBLE_EQ(b.loans->ledger().quarter_spend(), 0.01);
  EXPECT_DOUBLE_EQ(b.st.firms.cash[f], 3.0 - 0.02 - 0.03);
  b.institutions(7);  // nothing left: the firm pays it all
  EXPECT_EQ(b.loans->ledger().quarter_spend(), 0.0);
  EXPECT_EQ(b.loans->ledger().quarter_beneficiaries(), 0);
  EXPECT_DOUBLE_EQ(b.st.firms.cash[f], 3.0 - 0.02 - 0.03 - 0.04);
  b.institutions(8);  // a new year
  EXPECT_DOUBLE_EQ(b.loans->ledger().quarter_spend(), 0.02);
}

TEST(IndexLoans, ANoOpConfigurationIsOff) {
  Scenario sc;
  sc.policy.index_loans.enabled = true;
  sc.policy.index_loans.credit_line = 0.0;
  EXPECT_FALSE(make_index_loans(sc)->enabled());
  sc.policy.index_loans.credit_line = 10.0;
  EXPECT_TRUE(make_index_loans(sc)->enabled());
}

TEST(IndexLoans, SameResultsWithOneAndFourThreads) {
  ScratchDir dir1, dir4;
  Scenario sc = with_loans(small_scenario(20));
  sc.firms.initial_count = 1500;  // more firms than a parallel task's grain
  sc.policy.index_loans.credit_line = 10.0;
  sc.policy.index_loans.term = 3;
  sc.policy.index_loans.budget_per_year = 0.05;
  const PolicyRun one(dir1, "loans", sc, 1);
  const PolicyRun four(dir4, "loans", sc, 4);
  EXPECT_GT(one.sum(kIndexLoansLedger + "loans_issued"), 0.0);
  EXPECT_EQ(testing::differences(one, four), "");
}

}  // namespace
}  // namespace incubsim
