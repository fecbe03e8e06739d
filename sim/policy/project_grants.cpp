// Competitive key-project grants (Ouhai: up to 3 million yuan of fiscal
// support for a key S&T project, about nine district key projects a year).
// At each year end while active, firms doing R&D apply with probability
// application_rate; reviewers score each application as the firm's latent
// quality plus noise; the grants_per_year best-scored applicants (a
// fractional part gives one more grant with that probability) receive
// min(max_grant, rd_multiple x annual R&D) in cash, best score first, until
// a grant no longer fits in what is left of the year's budget. See
// docs/policies.md.
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include "core/parallel.hpp"
#include "phases/context.hpp"
#include "policy/instrument_helpers.hpp"
#include "policy/instruments.hpp"

namespace incubsim {
namespace {

constexpr int kInstrument = 5;  // position in PolicySet
/// Lineage key of the competition's own stream (the number of grants).
constexpr LineageKey kCompetitionKey = 0x70726f6a65637473ULL;  // "projects"

class ProjectGrants final : public Instrument {
 public:
  explicit ProjectGrants(const Scenario& s)
      : Instrument("project_grants", s.policy.project_grants), p_(s.policy.project_grants) {}

  bool offers_anything() const override {
    return p_.grants_per_year > 0.0 && p_.max_grant > 0.0 && p_.rd_multiple > 0.0 &&
           p_.application_rate > 0.0;
  }

  void start_quarter(Quarter q) override {
    Instrument::start_quarter(q);
    eligible_ = applications_ = grants_ = unfunded_ = 0;
    awarded_ = applicant_quality_ = winner_quality_ = 0.0;
  }

  void after_institutions(WorldState& st, const PhaseContext& ctx) override {
    const Quarter q = ctx.quarter();
    if (!active(q) || !is_year_end(q)) return;
    auto& F = st.firms;
    const auto& alive = st.scratch.alive_firms;

    // Applications and review scores, in parallel from each firm's stream.
    review_.resize(alive.size());
    parallel_for_each_index(alive.size(), [&](std::size_t a) {
      const auto f = static_cast<std::size_t>(alive[a]);
      Review& r = review_[a];
      r.applied = 0;
      if (F.rd_spend[f] <= 0.0) return;
      Stream s = ctx.stream(AgentKind::firm, F.key[f], purpose(kInstrument, 0));
      if (!s.bernoulli(p_.application_rate)) return;
      r.applied = 1;
      r.score = F.quality[f] + s.normal(0.0, p_.review_noise);
    });
    // The applicants, found in parallel, are listed (and their quality
    // summed) in id order.
    parallel_select(
        alive.size(), [&](std::size_t a) { return review_[a].applied != 0; }, positions_);
    eligible_ += deterministic_reduce(
        alive.size(), std::int64_t{0},
        [&](std::size_t a) {
          return std::int64_t{F.rd_spend[static_cast<std::size_t>(alive[a])] > 0.0 ? 1 : 0};
        },
        std::plus<>());
    applicants_.clear();
    for (const std::size_t a : positions_) {
      applicants_.push_back(Applicant{review_[a].score, alive[a]});
      applicant_quality_ += F.quality[static_cast<std::size_t>(alive[a])];
    }
    applications_ = static_cast<std::int64_t>(applicants_.size());

    // How many grants this year: the whole part, plus one with the
    // probability of the fractional part.
    Stream s = ctx.stream(AgentKind::none, kCompetitionKey, purpose(kInstrument, 1));
    const auto places =
        std::min(applicants_.size(), static_cast<std::size_t>(whole_count(p_.grants_per_year, s)));

    // Best review score first, ties by id.
    std::partial_sort(applicants_.begin(),
                      applicants_.begin() + static_cast<std::ptrdiff_t>(places), applicants_.end(),
                      [](const Applicant& a, const Applicant& b) {
                        return a.score > b.score || (a.score == b.score && a.id < b.id);
                      });
    for (std::size_t k = 0; k < places; ++k) {
      const auto f = static_cast<std::size_t>(applicants_[k].id);
      const double grant = std::min(p_.max_grant, p_.rd_multiple * 4.0 * F.rd_spend[f]);
      // The ranked list is funded top down; once a grant does not fit in
      // what is left of the year's budget, the competition closes.
      if (grant > ledger().available()) {
        unfunded_ = static_cast<std::int64_t>(places - k);
        break;
      }
      const double paid = ledger().spend(grant);
      F.cash[f] += paid;
      F.grants_received[f] += paid;
      awarded_ += paid;
      ++grants_;
      winner_quality_ += F.quality[f];
      ledger().add_beneficiaries();
      ctx.emit(EventKind::grant_awarded, {}, firm_ref(applicants_[k].id), paid);
    }
  }

  std::vector<output::MetricDef> extra_columns() const override {
    using output::MetricKind;
    using output::Temporal;
    return {
        {"eligible", MetricKind::count, "firms",
         "Alive firms doing R&D at the competition (year ends only)", Temporal::flow},
        {"applications", MetricKind::count, "firms", "Firms that applied", Temporal::flow},
        {"grants", MetricKind::count, "grants", "Grants awarded", Temporal::flow},
        {"amount_awarded", MetricKind::amount, "M yuan", "Grants paid (= spend)", Temporal::flow},
        {"unfunded_winners", MetricKind::count, "firms",
         "Ranked winners left without a grant because the year's budget ran out", Temporal::flow},
        {"applicant_quality_mean", MetricKind::ratio, "sd",
         "Mean latent quality of the applicants (NaN: none)", Temporal::flow},
        {"winner_quality_mean", MetricKind::ratio, "sd",
         "Mean latent quality of the firms awarded a grant (NaN: none)", Temporal::flow},
    };
  }

  void extra_values(std::vector<double>& row) const override {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    row.push_back(static_cast<double>(eligible_));
    row.push_back(static_cast<double>(applications_));
    row.push_back(static_cast<double>(grants_));
    row.push_back(awarded_);
    row.push_back(static_cast<double>(unfunded_));
    row.push_back(applications_ > 0 ? applicant_quality_ / static_cast<double>(applications_)
                                    : nan);
    row.push_back(grants_ > 0 ? winner_quality_ / static_cast<double>(grants_) : nan);
  }

  void archive_state(StateArchive& ar) override {
    Instrument::archive_state(ar);
    ar.field("review", review_);
    ar.field("applicants", applicants_);
    ar.field("eligible", eligible_);
    ar.field("applications", applications_);
    ar.field("grants", grants_);
    ar.field("unfunded", unfunded_);
    ar.field("awarded", awarded_);
    ar.field("applicant_quality", applicant_quality_);
    ar.field("winner_quality", winner_quality_);
  }

 private:
  struct Review {
    double score = 0.0;
    std::uint8_t applied = 0;
  };
  struct Applicant {
    double score;
    AgentId id;
  };

  const ProjectGrantsPolicy& p_;
  std::vector<Review> review_;          // per alive firm, reused every year
  std::vector<Applicant> applicants_;   // reused every year
  std::vector<std::size_t> positions_;  // applicants' positions in the alive list (scratch)
  std::int64_t eligible_ = 0, applications_ = 0, grants_ = 0, unfunded_ = 0;
  double awarded_ = 0.0, applicant_quality_ = 0.0, winner_quality_ = 0.0;
};

}  // namespace

std::unique_ptr<Instrument> make_project_grants(const Scenario& s) {
  return std::make_unique<ProjectGrants>(s);
}

}  // namespace incubsim
