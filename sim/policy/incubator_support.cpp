// Incubator support (Ouhai: 901,900 m2 of new incubation space, 7
// professional operators, municipal -> provincial -> national tiering).
// Acts after the institutions phase while active:
//   - yearly (first active quarter of each simulated year): new places,
//     spread over incubators in proportion to capacity (largest remainder),
//     as many as the budget pays; then government incubators (the largest
//     first) handed to professional operators, who screen applicants with
//     sharper signals (admission phase);
//   - every quarter: an award for each promotion of this quarter's tier
//     review, then an operating subsidy per tenant; an incubator whose
//     subsidy was paid in full adds subsidy_quality_boost to its service
//     quality (operations, survival) until the next quarter's payment.
// The core tier review applies promotion_threshold_factor while active
// (PolicySet::promotion_threshold_factor). Once inactive the quality boosts
// are withdrawn; places and conversions stay. See
// docs/policies.md.
#include <algorithm>
#include <numeric>

#include "phases/context.hpp"
#include "policy/instrument_helpers.hpp"
#include "policy/instruments.hpp"

namespace incubsim {
namespace {

constexpr int kIncubatorSupportIndex = 1;  // position in the PolicySet

class IncubatorSupport final : public Instrument {
 public:
  explicit IncubatorSupport(const Scenario& s)
      : Instrument("incubator_support", s.policy.incubator_support),
        p_(s.policy.incubator_support) {}

  bool offers_anything() const override {
    return p_.places_per_year > 0 || p_.operating_subsidy > 0 || p_.conversions_per_year > 0 ||
           p_.tier_award > 0 || p_.promotion_threshold_factor != 1.0;
  }

  void initialize(WorldState& st, const PhaseContext&) override { tiers_ = st.incubators.tier; }

  void start_quarter(Quarter q) override {
    Instrument::start_quarter(q);
    places_ = conversions_ = awards_ = subsidised_ = subsidised_tenants_ = 0;
    spend_places_ = spend_conversions_ = spend_awards_ = spend_subsidies_ = 0.0;
  }

  void after_institutions(WorldState& st, const PhaseContext& ctx) override {
    auto& I = st.incubators;
    const Quarter q = ctx.quarter();
    if (active(q)) {
      benefited_.assign(I.size(), 0);
      if (yearly_quarter(q, p_)) {
        add_places(st, ctx);
        convert_operators(st, ctx);
      }
      award_promotions(st, ctx);
      subsidise(st);
      ledger().add_beneficiaries(std::count(benefited_.begin(), benefited_.end(), 1));
    } else {
      // Before the start and after the end nobody is subsidised.
      std::fill(I.policy_quality_boost.begin(), I.policy_quality_boost.end(), 0.0);
    }
    tiers_ = I.tier;
    capacity_ = std::accumulate(I.capacity.begin(), I.capacity.end(), std::int64_t{0});
    professional_ = std::count(I.op.begin(), I.op.end(), Operator::professional);
  }

  std::vector<output::MetricDef> extra_columns() const override {
    using output::MetricKind;
    using output::Temporal;
    return {
        {"places_added", MetricKind::count, "places", "Incubator places added this quarter",
         Temporal::flow},
        {"capacity", MetricKind::count, "places", "Places in all incubators at the quarter's end",
         Temporal::stock},
        {"conversions", MetricKind::count, "incubators",
         "Government incubators handed to professional operators this quarter", Temporal::flow},
        {"professional_incubators", MetricKind::count, "incubators",
         "Incubators run by professional operators at the quarter's end", Temporal::stock},
        {"awards", MetricKind::count, "promotions", "Tier promotions awarded this quarter",
         Temporal::flow},
        {"subsidised_incubators", MetricKind::count, "incubators",
         "Incubators paid the operating subsidy this quarter", Temporal::flow},
        {"subsidised_tenants", MetricKind::count, "firms",
         "Tenants the operating subsidy was paid for this quarter", Temporal::flow},
        {"spend_places", MetricKind::amount, "M yuan", "Spend on new places this quarter",
         Temporal::flow},
        {"spend_conversions", MetricKind::amount, "M yuan",
         "Spend on operator conversions this quarter", Temporal::flow},
        {"spend_awards", MetricKind::amount, "M yuan", "Spend on tier awards this quarter",
         Temporal::flow},
        {"spend_subsidies", MetricKind::amount, "M yuan",
         "Spend on operating subsidies this quarter", Temporal::flow},
    };
  }

  void extra_values(std::vector<double>& row) const override {
    row.push_back(static_cast<double>(places_));
    row.push_back(static_cast<double>(capacity_));
    row.push_back(static_cast<double>(conversions_));
    row.push_back(static_cast<double>(professional_));
    row.push_back(static_cast<double>(awards_));
    row.push_back(static_cast<double>(subsidised_));
    row.push_back(static_cast<double>(subsidised_tenants_));
    row.push_back(spend_places_);
    row.push_back(spend_conversions_);
    row.push_back(spend_awards_);
    row.push_back(spend_subsidies_);
  }

  void archive_state(StateArchive& ar) override {
    Instrument::archive_state(ar);
    ar.field("tiers", tiers_);
    ar.field("benefited", benefited_);
    ar.field("places", places_);
    ar.field("conversions", conversions_);
    ar.field("awards", awards_);
    ar.field("subsidised", subsidised_);
    ar.field("subsidised_tenants", subsidised_tenants_);
    ar.field("capacity", capacity_);
    ar.field("professional", professional_);
    ar.field("spend_places", spend_places_);
    ar.field("spend_conversions", spend_conversions_);
    ar.field("spend_awards", spend_awards_);
    ar.field("spend_subsidies", spend_subsidies_);
  }

 private:
  /// places_per_year new places (integer part, plus one with the fractional
  /// probability), as many as the budget pays, spread by largest remainder
  /// over incubators in proportion to capacity (ties: lower id first).
  void add_places(WorldState& st, const PhaseContext& ctx) {
    auto& I = st.incubators;
    if (I.size() == 0 || p_.places_per_year <= 0) return;
    Stream s = ctx.stream(AgentKind::none, instrument_root(kIncubatorSupportIndex),
                          purpose(kIncubatorSupportIndex, 0));
    std::int64_t n = whole_count(p_.places_per_year, s);
    if (p_.cost_per_place > 0)
      n = std::min<std::int64_t>(
          n, static_cast<std::int64_t>(ledger().available() / p_.cost_per_place));
    if (n <= 0) return;
    spend_places_ += ledger().spend(static_cast<double>(n) * p_.cost_per_place);
    const std::size_t m = I.size();
    std::int64_t total = 0;
    for (const auto c : I.capacity) total += std::max(0, c);
    // Exact integer shares: n * capacity / total, remainders compared exactly.
    std::vector<std::int64_t> share(m), rest(m);
    std::int64_t given = 0;
    for (std::size_t i = 0; i < m; ++i) {
      const std::int64_t w = total > 0 ? std::max(0, I.capacity[i]) : 1;
      const std::int64_t denom = total > 0 ? total : static_cast<std::int64_t>(m);
      share[i] = n * w / denom;
      rest[i] = n * w % denom;
      given += share[i];
    }
    std::vector<std::size_t> order(m);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return rest[a] > rest[b]; });
    for (std::size_t k = 0; given < n; ++k, ++given) ++share[order[k % m]];
    for (std::size_t i = 0; i < m; ++i) {
      if (share[i] == 0) continue;
      I.capacity[i] += static_cast<std::int32_t>(share[i]);
      places_ += share[i];
      benefited_[i] = 1;
      ctx.emit(EventKind::places_added, incubator_ref(static_cast<AgentId>(i)), {},
               static_cast<double>(share[i]));
    }
  }

  /// conversions_per_year government incubators (integer part, plus one
  /// with the fractional probability), the largest first (ties: lower id),
  /// each if the budget pays conversion_cost.
  void convert_operators(WorldState& st, const PhaseContext& ctx) {
    auto& I = st.incubators;
    if (p_.conversions_per_year <= 0) return;
    Stream s = ctx.stream(AgentKind::none, instrument_root(kIncubatorSupportIndex),
                          purpose(kIncubatorSupportIndex, 1));
    const int n = whole_count(p_.conversions_per_year, s);
    std::vector<std::size_t> government;
    for (std::size_t i = 0; i < I.size(); ++i)
      if (I.op[i] == Operator::government) government.push_back(i);
    std::stable_sort(government.begin(), government.end(),
                     [&](std::size_t a, std::size_t b) { return I.capacity[a] > I.capacity[b]; });
    for (int k = 0; k < n && static_cast<std::size_t>(k) < government.size(); ++k) {
      if (ledger().available() < p_.conversion_cost) break;
      const std::size_t i = government[static_cast<std::size_t>(k)];
      spend_conversions_ += ledger().spend(p_.conversion_cost);
      I.op[i] = Operator::professional;
      ++conversions_;
      benefited_[i] = 1;
      ctx.emit(EventKind::operator_converted, incubator_ref(static_cast<AgentId>(i)), {},
               p_.conversion_cost);
    }
  }

  /// tier_award for each promotion in this quarter's tier review (a
  /// tier_change event to a higher tier than the incubator had at the end of
  /// the previous quarter), paid in full while the budget allows.
  void award_promotions(WorldState& st, const PhaseContext& ctx) {
    if (p_.tier_award <= 0) return;
    std::vector<AgentId> promoted;
    for (const Event& e : st.events) {
      if (e.kind != EventKind::tier_change || e.actor_kind != AgentKind::incubator) continue;
      const auto i = static_cast<std::size_t>(e.actor);
      if (i < tiers_.size() && e.detail > static_cast<std::int32_t>(tiers_[i]))
        promoted.push_back(e.actor);
    }
    for (const AgentId id : promoted) {  // event order = incubator id order
      if (ledger().available() < p_.tier_award) break;
      const double paid = ledger().spend(p_.tier_award);
      spend_awards_ += paid;
      ++awards_;
      benefited_[static_cast<std::size_t>(id)] = 1;
      ctx.emit(EventKind::policy_award, incubator_ref(id), {}, paid, 0);
    }
  }

  /// operating_subsidy x tenants for each incubator in id order, paid in
  /// full or not at all; the paid ones get the quality boost.
  void subsidise(WorldState& st) {
    auto& I = st.incubators;
    for (std::size_t i = 0; i < I.size(); ++i) {
      I.policy_quality_boost[i] = 0.0;
      if (I.tenants[i] <= 0 || p_.operating_subsidy <= 0) continue;
      const double amount = p_.operating_subsidy * I.tenants[i];
      if (ledger().available() < amount) continue;
      spend_subsidies_ += ledger().spend(amount);
      I.policy_quality_boost[i] = p_.subsidy_quality_boost;
      ++subsidised_;
      subsidised_tenants_ += I.tenants[i];
      benefited_[i] = 1;
    }
  }

  const IncubatorSupportPolicy& p_;
  std::vector<Tier> tiers_;  // at the end of the previous quarter
  std::vector<std::uint8_t> benefited_;
  std::int64_t places_ = 0, conversions_ = 0, awards_ = 0, subsidised_ = 0;
  std::int64_t subsidised_tenants_ = 0, capacity_ = 0, professional_ = 0;
  double spend_places_ = 0, spend_conversions_ = 0, spend_awards_ = 0, spend_subsidies_ = 0;
};

}  // namespace

std::unique_ptr<Instrument> make_incubator_support(const Scenario& s) {
  return std::make_unique<IncubatorSupport>(s);
}

}  // namespace incubsim
