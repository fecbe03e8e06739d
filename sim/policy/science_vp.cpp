// Science vice-presidents (Ouhai: 48 experts seconded into 40 firms):
// academic researchers seconded into firms for `duration` quarters. After
// the institutions phase, every quarter while the instrument is enabled:
//   1. the stipend is paid for every secondee who served this quarter;
//   2. secondments end when due (secondment_end <= q) or when the host has
//      died, been acquired or listed: the researcher is academic again, the
//      host loses its boosts when its last secondee leaves; the secondment
//      tie stays (a lasting transfer channel: find_licensee prefers it);
//   3. while active, Poisson(secondments_per_year / 4) new secondments are
//      proposed. Each takes the best host (better_host: still developing
//      its product first, then the largest cumulative R&D) among
//      kHostCandidates alive firms drawn at random (firms already hosting
//      are passed over) and the most productive of kResearcherCandidates
//      academics of the host's sector drawn at random. No secondment starts
//      that would take the number running above what a year's budget pays
//      for all of them (budget_per_year / (4 x stipend)), so running
//      secondments are always paid in full until they end, also after
//      end_quarter.
// Hosts develop faster (policy_dev_boost) and produce more IP
// (policy_ip_boost) from the next quarter; the secondee invents at
// researcher_output of the full rate (research phase). See
// docs/policies.md.
#include <algorithm>
#include <cmath>
#include <limits>

#include "phases/context.hpp"
#include "phases/population.hpp"
#include "policy/instrument_helpers.hpp"
#include "policy/instruments.hpp"

namespace incubsim {
namespace {

constexpr int kScienceVpIndex = 4;  // position in the PolicySet
constexpr int kHostCandidates = 8;
constexpr int kResearcherCandidates = 8;

/// Host preference: a firm still developing its product (where a
/// secondee's help speeds development) before one already selling, then
/// the larger cumulative R&D (absorptive capacity), then the lower id.
bool better_host(const FirmStore& F, AgentId a, AgentId b) {
  if (b == kNoAgent) return true;
  const auto i = static_cast<std::size_t>(a), j = static_cast<std::size_t>(b);
  if (F.selling[i] != F.selling[j]) return !F.selling[i];
  if (F.rd_total[i] != F.rd_total[j]) return F.rd_total[i] > F.rd_total[j];
  return a < b;
}

class ScienceVp final : public Instrument {
 public:
  explicit ScienceVp(const Scenario& s)
      : Instrument("science_vp", s.policy.science_vp), p_(s.policy.science_vp) {}

  bool offers_anything() const override { return p_.secondments_per_year > 0; }

  void start_quarter(Quarter q) override {
    Instrument::start_quarter(q);
    started_ = ended_ = paid_for_ = unmatched_ = unfunded_ = 0;
  }

  void after_institutions(WorldState& st, const PhaseContext& ctx) override {
    pay_stipends();
    end_secondments(st, ctx);
    if (active(ctx.quarter())) start_secondments(st, ctx);
  }

  std::vector<output::MetricDef> extra_columns() const override {
    using output::MetricKind;
    using output::Temporal;
    return {
        {"started", MetricKind::count, "secondments", "Secondments started this quarter",
         Temporal::flow},
        {"ended", MetricKind::count, "secondments", "Secondments ended this quarter",
         Temporal::flow},
        {"active_secondments", MetricKind::count, "secondments",
         "Secondments running at the quarter's end", Temporal::stock},
        {"hosts", MetricKind::count, "firms", "Firms hosting a secondee at the quarter's end",
         Temporal::stock},
        {"stipends", MetricKind::count, "secondees",
         "Secondees whose stipend was paid this quarter (spend = stipend x stipends)",
         Temporal::flow},
        {"unmatched", MetricKind::count, "secondments",
         "Proposed secondments that found no host or no researcher this quarter", Temporal::flow},
        {"unfunded", MetricKind::count, "secondments",
         "Proposed secondments not started because the budget could not pay them", Temporal::flow},
    };
  }

  void extra_values(std::vector<double>& row) const override {
    row.push_back(static_cast<double>(started_));
    row.push_back(static_cast<double>(ended_));
    row.push_back(static_cast<double>(running_.size()));
    row.push_back(static_cast<double>(hosts_));
    row.push_back(static_cast<double>(paid_for_));
    row.push_back(static_cast<double>(unmatched_));
    row.push_back(static_cast<double>(unfunded_));
  }

  void archive_state(StateArchive& ar) override {
    Instrument::archive_state(ar);
    ar.field("running", running_);
    ar.field("academics", academics_);
    ar.field("hosts", hosts_);
    ar.field("started", started_);
    ar.field("ended", ended_);
    ar.field("paid_for", paid_for_);
    ar.field("unmatched", unmatched_);
    ar.field("unfunded", unfunded_);
  }

 private:
  /// Most secondments that may run at once: what a year's budget pays.
  std::size_t max_running() const {
    if (p_.stipend <= 0) return std::numeric_limits<std::size_t>::max();
    const double n = std::floor(p_.budget_per_year / (4.0 * p_.stipend));
    return n < 1e15 ? static_cast<std::size_t>(n) : std::numeric_limits<std::size_t>::max();
  }

  void pay_stipends() {
    if (running_.empty()) return;
    const auto n = static_cast<std::int64_t>(running_.size());
    ledger().spend(p_.stipend * static_cast<double>(n));
    paid_for_ = n;
    ledger().add_beneficiaries(hosts_);
  }

  void end_secondments(WorldState& st, const PhaseContext& ctx) {
    auto& R = st.researchers;
    auto& F = st.firms;
    const Quarter q = ctx.quarter();
    std::size_t kept = 0;
    for (const AgentId id : running_) {  // ascending researcher ids
      const auto r = static_cast<std::size_t>(id);
      const AgentId host = R.host_firm[r];
      const auto f = static_cast<std::size_t>(host);
      if (R.secondment_end[r] > q && F.status[f] == FirmStatus::alive) {
        running_[kept++] = id;
        continue;
      }
      R.career[r] = Career::academic;
      R.host_firm[r] = kNoAgent;
      R.secondment_end[r] = -1;
      if (--F.secondees[f] == 0) {
        F.policy_dev_boost[f] = 0.0;
        F.policy_ip_boost[f] = 0.0;
        --hosts_;
      }
      ++ended_;
      ctx.emit(EventKind::secondment_ended, researcher_ref(id), firm_ref(host));
    }
    running_.resize(kept);
  }

  void start_secondments(WorldState& st, const PhaseContext& ctx) {
    const LineageKey root = instrument_root(kScienceVpIndex);
    Stream count = ctx.stream(AgentKind::none, root, purpose(kScienceVpIndex, 0));
    const int n = count.poisson(p_.secondments_per_year / 4.0);
    if (n == 0) return;
    auto& R = st.researchers;
    auto& F = st.firms;
    const auto& alive = st.scratch.alive_firms;  // refreshed after outcomes
    // Academics by sector, in id order (one pass per quarter with proposals).
    academics_.resize(static_cast<std::size_t>(ctx.scenario().sector_count()));
    for (auto& v : academics_) v.clear();
    for (std::size_t r = 0; r < R.size(); ++r)
      if (R.career[r] == Career::academic)
        academics_[R.sector[r]].push_back(static_cast<AgentId>(r));
    const std::size_t cap = max_running();
    for (int j = 0; j < n; ++j) {
      if (running_.size() >= cap) {
        ++unfunded_;
        continue;
      }
      Stream s = ctx.stream(AgentKind::none, hash_combine(root, static_cast<std::uint64_t>(j)),
                            purpose(kScienceVpIndex, 1));
      AgentId host = kNoAgent;
      for (int d = 0; d < kHostCandidates && !alive.empty(); ++d) {
        const AgentId c = alive[s.below(alive.size())];
        if (!F.alive(c) || F.secondees[static_cast<std::size_t>(c)] > 0) continue;
        if (better_host(F, c, host)) host = c;
      }
      AgentId researcher = kNoAgent;
      if (host != kNoAgent) {
        const auto& pool = academics_[F.sector[static_cast<std::size_t>(host)]];
        for (int d = 0; d < kResearcherCandidates && !pool.empty(); ++d) {
          const AgentId c = pool[s.below(pool.size())];
          const auto r = static_cast<std::size_t>(c);
          if (R.career[r] != Career::academic) continue;  // seconded earlier this quarter
          if (researcher == kNoAgent ||
              R.productivity[r] > R.productivity[static_cast<std::size_t>(researcher)] ||
              (R.productivity[r] == R.productivity[static_cast<std::size_t>(researcher)] &&
               c < researcher))
            researcher = c;
        }
      }
      if (researcher == kNoAgent) {
        ++unmatched_;
        continue;
      }
      start(st, ctx, researcher, host);
    }
  }

  void start(WorldState& st, const PhaseContext& ctx, AgentId researcher, AgentId host) {
    auto& R = st.researchers;
    auto& F = st.firms;
    const auto r = static_cast<std::size_t>(researcher);
    const auto f = static_cast<std::size_t>(host);
    R.career[r] = Career::seconded;
    R.host_firm[r] = host;
    R.secondment_end[r] = ctx.quarter() + p_.duration;
    if (F.secondees[f]++ == 0) ++hosts_;
    F.policy_dev_boost[f] = p_.development_boost;
    F.policy_ip_boost[f] = p_.ip_boost;
    add_tie_once(st.graph, R.vertex[r], F.vertex[f], TieType::secondment, ctx.quarter());
    running_.insert(std::lower_bound(running_.begin(), running_.end(), researcher), researcher);
    ++started_;
    ctx.emit(EventKind::secondment_started, researcher_ref(researcher), firm_ref(host));
  }

  const ScienceVpPolicy& p_;
  std::vector<AgentId> running_;  // seconded researchers, ascending ids
  std::vector<std::vector<AgentId>> academics_;
  std::int64_t hosts_ = 0;
  std::int64_t started_ = 0, ended_ = 0, paid_for_ = 0, unmatched_ = 0, unfunded_ = 0;
};

}  // namespace

std::unique_ptr<Instrument> make_science_vp(const Scenario& s) {
  return std::make_unique<ScienceVp>(s);
}

}  // namespace incubsim
