#pragma once
// Firms, stored column-wise (structure of arrays) so that a phase touching a
// few fields of a million firms streams through contiguous memory. A firm's
// id is its row; rows are never removed, so ids stay valid after death and
// the final table covers every firm that ever lived.
#include <cstdint>
#include <vector>

#include "core/huge_pages.hpp"
#include "core/ids.hpp"
#include "core/random.hpp"
#include "core/schedule.hpp"

namespace incubsim {

/// Development and financing stage; never moves backwards.
enum class Stage : std::uint8_t {
  nascent = 0,        // no outside equity yet
  seed = 1,           // raised a seed round
  early_venture = 2,  // raised a series A
  late_venture = 3,   // raised a series B or later venture round
  growth = 4,         // annual revenue at or above firms.growth_revenue
};
inline constexpr int kStageCount = 5;

enum class FirmStatus : std::uint8_t { alive = 0, dead = 1, acquired = 2, listed = 3 };
inline constexpr int kFirmStatusCount = 4;

/// How the firm came to exist.
enum class Origin : std::uint8_t { initial = 0, independent = 1, spinoff = 2, programme = 3 };
inline constexpr int kOriginCount = 4;

/// Value of FirmStore::last_round before any round.
inline constexpr std::int8_t kNoRound = -1;

struct NewFirm {
  LineageKey key = 0;
  std::uint8_t sector = 0;
  Origin origin = Origin::independent;
  Quarter founded = 0;
  AgentId founder = kNoAgent;
  double quality = 0.0;
  double maturity = 0.0;
  double rd_intensity = 0.0;
  double cash = 0.0;
  std::int32_t employees = 1;
};

struct FirmStore {
  // Identity
  std::vector<LineageKey> key;
  std::vector<std::uint8_t> sector;
  std::vector<Origin> origin;
  std::vector<Quarter> founded;       // founding quarter (negative: before the run)
  std::vector<AgentId> founder;       // founding researcher of a spin-off
  std::vector<std::uint32_t> vertex;  // graph vertex
  // Status
  std::vector<FirmStatus> status;
  std::vector<Quarter> exit_quarter;  // -1 while alive
  std::vector<double> exit_value;     // price at acquisition or listing
  std::vector<Stage> stage;
  // Technology and product
  std::vector<double> quality;   // latent, in sd of invention quality
  std::vector<double> maturity;  // product maturity, 1 = ready to sell
  std::vector<std::uint8_t> selling;
  std::vector<std::int32_t> ip_count;
  std::vector<double> rd_intensity;  // R&D / revenue once selling
  // Operations (values of the latest quarter)
  std::vector<double> revenue;   // per quarter
  std::vector<double> costs;     // per quarter, including R&D
  std::vector<double> rd_spend;  // per quarter
  std::vector<double> rd_total;  // cumulative
  std::vector<std::int32_t> employees;
  std::vector<double> cash;
  std::vector<double> planned_burn;  // spending level a round was raised for
  // Financing
  std::vector<std::int8_t> last_round;  // Round as int, kNoRound before any
  std::vector<std::uint8_t> rounds_raised;
  std::vector<double> raised_total;
  std::vector<double> valuation;        // last post-money valuation
  std::vector<double> dilution_factor;  // product of (1 - share sold) over rounds
  std::vector<std::uint8_t> seeking;    // looking for a round this quarter
  std::vector<double> ask;              // amount sought this quarter
  // Incubation
  std::vector<AgentId> incubator;  // current incubator or kNoAgent
  std::vector<Quarter> incubated_since;
  std::vector<std::uint8_t> ever_incubated;
  std::vector<std::uint8_t> graduated;
  // Certification
  std::vector<std::uint8_t> tech_sme;
  std::vector<std::uint8_t> high_tech;
  std::vector<std::uint8_t> above_size;
  std::vector<Quarter> high_tech_until;      // certificate valid before this quarter (-1: none)
  std::vector<std::uint8_t> certified_ever;  // bit c: ever held Certification c
  // Set by policy instruments (zero when none acts)
  std::vector<double> loan_balance;      // index loan outstanding
  std::vector<Quarter> loan_due;         // quarter the loan is repaid (-1: none)
  std::vector<std::int32_t> secondees;   // seconded researchers hosted now
  std::vector<double> policy_dev_boost;  // development speed multiplier - 1
  std::vector<double> policy_ip_boost;   // IP-per-R&D multiplier - 1
  std::vector<double> grants_received;   // project and programme grants, total
  std::vector<double> tax_benefits;      // tax forgone in the firm's favour, total

  std::size_t size() const { return key.size(); }
  bool alive(AgentId id) const { return status[static_cast<std::size_t>(id)] == FirmStatus::alive; }
  /// Room for n firms in every column, backed by huge pages as it fills.
  void reserve(std::size_t n) {
    for_each_column([n](auto& column) {
      column.reserve(n);
      advise_huge_pages(column);
    });
  }
  /// Applies f to every column (reserve, checkpointing, consistency checks).
  template <class F>
  void for_each_column(F&& f) {
    f(key), f(sector), f(origin), f(founded), f(founder), f(vertex), f(status), f(exit_quarter);
    f(exit_value), f(stage), f(quality), f(maturity), f(selling), f(ip_count), f(rd_intensity);
    f(revenue);
    f(costs), f(rd_spend), f(rd_total), f(employees), f(cash), f(planned_burn), f(last_round);
    f(rounds_raised), f(raised_total), f(valuation), f(dilution_factor), f(seeking), f(ask);
    f(incubator), f(incubated_since), f(ever_incubated), f(graduated), f(tech_sme), f(high_tech);
    f(above_size), f(high_tech_until), f(certified_ever), f(loan_balance), f(loan_due),
        f(secondees), f(policy_dev_boost);
    f(policy_ip_boost), f(grants_received), f(tax_benefits);
  }
  /// Appends a firm and returns its id; `vertex` is set by the caller.
  AgentId add(const NewFirm& f);
  /// Appends n rows for set() to fill (births in bulk, in parallel); returns
  /// the first new id.
  AgentId grow(std::size_t n);
  /// Gives row `id` a new firm's values (every column; `vertex` 0).
  void set(AgentId id, const NewFirm& f);
};

std::string_view to_string(Stage s);
std::string_view to_string(FirmStatus s);
std::string_view to_string(Origin o);

}  // namespace incubsim
