#pragma once
// Firms, stored column-wise (structure of arrays) so that a phase touching a
// few fields of a million firms streams through contiguous memory. A firm's
// id never changes and indexes every column (`F.cash[id]`), but most columns
// hold rows only for firms still alive: compact() moves exited firms' values
// out (the columns the final table shows to a FirmSpill, in a temporary
// file; the rest are dropped), so the alive firms stay dense however many
// have died. The final table gathers every firm ever created in id order.
#include <cassert>
#include <cstdint>
#include <string>
#include <vector>

#include "agents/firm_spill.hpp"
#include "core/errors.hpp"
#include "core/huge_pages.hpp"
#include "core/ids.hpp"
#include "core/parallel.hpp"
#include "core/random.hpp"
#include "core/schedule.hpp"
#include "core/state_archive.hpp"

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

/// Row of a firm whose values compact() moved out of the row columns.
inline constexpr std::uint32_t kSpilledRow = 0xffffffffU;

/// Share of the rows that must have exited before compact() moves them out.
/// Moving every row costs about as much as dropping many, so optimised
/// builds wait for a quarter (rows then peak at 4/3 of the alive firms);
/// with assertions on, compact at once, so a read of an exited firm's row
/// is caught the quarter after its exit.
#ifdef NDEBUG
inline constexpr double kCompactionShare = 0.25;
#else
inline constexpr double kCompactionShare = 0.0;
#endif

/// What compact() does with a row column's values for exited firms: keep
/// them (in the spill, for the final table) or drop them (state no table
/// shows, such as this quarter's ask).
enum class OnExit : std::uint8_t { drop, keep };

/// A column with rows only for the firms not yet compacted away, indexed by
/// firm id through the store's id-to-row map. Reading a compacted firm is a
/// bug (asserted); what is needed about exited firms is kept in the id
/// columns (FirmStore::status and the like).
template <class T>
class FirmColumn {
 public:
  using value_type = T;
  explicit FirmColumn(OnExit on_exit = OnExit::drop) : on_exit_(on_exit) {}

  T& operator[](std::size_t id) { return rows_[row(id)]; }
  const T& operator[](std::size_t id) const { return rows_[row(id)]; }
  /// The rows themselves, in row order (growing, compacting, checkpoints).
  std::vector<T>& rows() { return rows_; }
  const std::vector<T>& rows() const { return rows_; }
  OnExit on_exit() const { return on_exit_; }
  void bind(const std::vector<std::uint32_t>* row_of) { row_of_ = row_of; }

 private:
  std::size_t row(std::size_t id) const {
    const std::uint32_t r = (*row_of_)[id];
    assert(r != kSpilledRow && "firm column read for a firm compacted away");
    return r;
  }
  std::vector<T> rows_;
  const std::vector<std::uint32_t>* row_of_ = nullptr;
  OnExit on_exit_;
};

struct FirmColumns {
  static constexpr OnExit kKeep = OnExit::keep;  // written in the final table
  // Identity
  FirmColumn<LineageKey> key{kKeep};
  FirmColumn<std::uint8_t> sector{kKeep};
  FirmColumn<Origin> origin{kKeep};
  FirmColumn<Quarter> founded{kKeep};  // founding quarter (negative: before the run)
  FirmColumn<AgentId> founder{kKeep};  // founding researcher of a spin-off
  std::vector<std::uint32_t> vertex;   // graph vertex (by id)
  // Status, by id: read about firms long gone (portfolios, transfers)
  std::vector<FirmStatus> status;
  std::vector<Quarter> exit_quarter;  // -1 while alive
  std::vector<double> exit_value;     // price at acquisition or listing
  FirmColumn<Stage> stage{kKeep};
  // Technology and product
  FirmColumn<double> quality{kKeep};   // latent, in sd of invention quality
  FirmColumn<double> maturity{kKeep};  // product maturity, 1 = ready to sell
  FirmColumn<std::uint8_t> selling{kKeep};
  FirmColumn<std::int32_t> ip_count{kKeep};
  FirmColumn<double> rd_intensity{kKeep};  // R&D / revenue once selling
  // Operations (values of the latest quarter)
  FirmColumn<double> revenue{kKeep};   // per quarter
  FirmColumn<double> costs;            // per quarter, including R&D
  FirmColumn<double> rd_spend;         // per quarter
  FirmColumn<double> rd_total{kKeep};  // cumulative
  FirmColumn<std::int32_t> employees{kKeep};
  FirmColumn<double> cash{kKeep};
  FirmColumn<double> planned_burn;  // spending level a round was raised for
  // Financing
  FirmColumn<std::int8_t> last_round{kKeep};  // Round as int, kNoRound before any
  FirmColumn<std::uint8_t> rounds_raised{kKeep};
  FirmColumn<double> raised_total{kKeep};
  FirmColumn<double> valuation{kKeep};  // last post-money valuation
  FirmColumn<double> dilution_factor;   // product of (1 - share sold) over rounds
  FirmColumn<std::uint8_t> seeking;     // looking for a round this quarter
  FirmColumn<double> ask;               // amount sought this quarter
  // Incubation
  FirmColumn<AgentId> incubator{kKeep};  // current incubator or kNoAgent
  FirmColumn<Quarter> incubated_since;
  FirmColumn<std::uint8_t> ever_incubated{kKeep};
  FirmColumn<std::uint8_t> graduated{kKeep};
  // Certification
  FirmColumn<std::uint8_t> tech_sme{kKeep};
  FirmColumn<std::uint8_t> high_tech{kKeep};
  FirmColumn<std::uint8_t> above_size{kKeep};
  FirmColumn<Quarter> high_tech_until;      // certificate valid before this quarter (-1: none)
  FirmColumn<std::uint8_t> certified_ever;  // bit c: ever held Certification c
  // Set by policy instruments (zero when none acts)
  FirmColumn<double> loan_balance{kKeep};     // index loan outstanding
  FirmColumn<Quarter> loan_due;               // quarter the loan is repaid (-1: none)
  FirmColumn<std::int32_t> secondees{kKeep};  // seconded researchers hosted now
  FirmColumn<double> policy_dev_boost;        // development speed multiplier - 1
  FirmColumn<double> policy_ip_boost;         // IP-per-R&D multiplier - 1
  FirmColumn<double> grants_received{kKeep};  // project and programme grants, total
  FirmColumn<double> tax_benefits{kKeep};     // tax forgone in the firm's favour, total

  /// Applies f to every row column (a FirmColumn).
  template <class F>
  void for_each_firm_column(F&& f) {
    f(key), f(sector), f(origin), f(founded), f(founder), f(stage), f(quality), f(maturity);
    f(selling), f(ip_count), f(rd_intensity), f(revenue), f(costs), f(rd_spend), f(rd_total);
    f(employees), f(cash), f(planned_burn), f(last_round), f(rounds_raised), f(raised_total);
    f(valuation), f(dilution_factor), f(seeking), f(ask), f(incubator), f(incubated_since);
    f(ever_incubated), f(graduated), f(tech_sme), f(high_tech), f(above_size);
    f(high_tech_until), f(certified_ever), f(loan_balance), f(loan_due), f(secondees);
    f(policy_dev_boost), f(policy_ip_boost), f(grants_received), f(tax_benefits);
  }
  template <class F>
  void for_each_firm_column(F&& f) const {
    const_cast<FirmColumns*>(this)->for_each_firm_column([&f](const auto& column) { f(column); });
  }
  /// The same for the columns indexed directly by id.
  template <class F>
  void for_each_id_column(F&& f) {
    f(vertex), f(status), f(exit_quarter), f(exit_value);
  }
  /// Every column's storage, a std::vector (reserve, growing, checkpoints).
  template <class F>
  void for_each_column(F&& f) {
    for_each_firm_column([&f](auto& column) { f(column.rows()); });
    for_each_id_column(f);
  }
};

namespace detail {
/// FirmStore's state besides the columns, in one base so that its copies
/// and moves copy it whole before re-pointing the columns at the new map.
struct FirmLayout {
  std::vector<std::uint32_t> row_of_;     // by id: row, or kSpilledRow
  std::vector<std::uint32_t> id_of_row_;  // by row: id, ascending
  bool keep_exited_ = true;
  bool dropped_some_ = false;  // exited firms' values left without a spill
  double compaction_share_ = kCompactionShare;
  FirmSpill spill_;
};
}  // namespace detail

class FirmStore : public FirmColumns, private detail::FirmLayout {
 public:
  FirmStore() { bind(); }
  FirmStore(const FirmStore& other);
  FirmStore(FirmStore&& other) noexcept;
  FirmStore& operator=(const FirmStore& other);
  FirmStore& operator=(FirmStore&& other) noexcept;
  ~FirmStore() = default;

  /// Firms ever created (ids 0 .. size()-1).
  std::size_t size() const { return status.size(); }
  /// Rows in the row columns: firms not compacted away.
  std::size_t rows() const { return id_of_row_.size(); }
  bool alive(AgentId id) const { return status[static_cast<std::size_t>(id)] == FirmStatus::alive; }
  /// Whether id's values are still in the row columns.
  bool has_row(AgentId id) const { return row_of_[static_cast<std::size_t>(id)] != kSpilledRow; }
  /// Firm id of each row, ascending.
  const std::vector<std::uint32_t>& ids_by_row() const { return id_of_row_; }

  /// Room for n firms in every column, backed by huge pages as it fills.
  void reserve(std::size_t n);
  /// Appends a firm and returns its id; `vertex` is set by the caller.
  AgentId add(const NewFirm& f);
  /// Appends n rows for set() to fill (births in bulk, in parallel); returns
  /// the first new id.
  AgentId grow(std::size_t n);
  /// Gives row `id` a new firm's values (every column; `vertex` 0).
  void set(AgentId id, const NewFirm& f);

  /// Whether compact() keeps exited firms' values of the OnExit::keep
  /// columns (for the final table), and where: `directory` for the spill
  /// file ("" for the system's temporary directory). Off, it keeps none.
  void keep_exited(bool keep, std::string directory = {});
  /// Moves the firms no longer alive out of the row columns, keeping the
  /// rest in id order, once at least `share` of the rows would go (see
  /// kCompactionShare). Changes no value any id can read.
  void compact();
  void set_compaction_share(double share) { compaction_share_ = share; }

  /// Calls sink(id, value) for every firm ever created, from its row or
  /// the spill, in no particular order and concurrently (on the calling
  /// TBB arena's threads): sink must only write what belongs to `id`.
  /// Throws Error if the column's values for exited firms were dropped.
  template <class T, class Sink>
  void for_each_value(const FirmColumn<T>& column, Sink&& sink) const;
  /// A row column's values for every firm ever created, in id order.
  template <class T>
  std::vector<T> by_id(const FirmColumn<T>& column) const {
    std::vector<T> out(size());
    for_each_value(column, [&out](std::size_t id, const T& v) { out[id] = v; });
    return out;
  }
  const FirmSpill& spill() const { return spill_; }

  /// Saves or restores the id-to-row map and the spill (the columns
  /// themselves go through for_each_column).
  void archive_layout(StateArchive& ar);

 private:
  void bind();
  /// Index of `column` among the kept columns (the spill's column order),
  /// or -1 if its exited values are dropped.
  template <class T>
  std::ptrdiff_t spill_column(const FirmColumn<T>& column) const;
};

template <class T>
std::ptrdiff_t FirmStore::spill_column(const FirmColumn<T>& column) const {
  std::ptrdiff_t k = 0;
  std::ptrdiff_t found = -1;
  for_each_firm_column([&](const auto& c) {
    if (static_cast<const void*>(&c) == static_cast<const void*>(&column))
      found = c.on_exit() == OnExit::keep ? k : -1;
    if (c.on_exit() == OnExit::keep) ++k;
  });
  return found;
}

template <class T, class Sink>
void FirmStore::for_each_value(const FirmColumn<T>& column, Sink&& sink) const {
  const auto& values = column.rows();
  parallel_for_each_index(id_of_row_.size(),
                          [&](std::size_t r) { sink(id_of_row_[r], values[r]); });
  if (spill_.empty() && !dropped_some_) return;
  const std::ptrdiff_t c = spill_column(column);
  if (c < 0 || dropped_some_) {
    throw Error(
        "firm column read for every firm, but exited firms' values of this column are not "
        "kept (only the final table's columns are, and none with simulation.record_agents = "
        "false)");
  }
  // One block per task: each reads its values back (pread) and hands them on.
  parallel_for_each_index(
      spill_.blocks().size(),
      [&](std::size_t b) {
        const FirmSpill::Block& block = spill_.blocks()[b];
        std::vector<T> block_values(block.count);
        spill_.read(b, static_cast<std::size_t>(c), block_values.data());
        for (std::size_t k = 0; k < block.count; ++k)
          sink(spill_.ids()[block.first + k], block_values[k]);
      },
      1);
}

std::string_view to_string(Stage s);
std::string_view to_string(FirmStatus s);
std::string_view to_string(Origin o);

}  // namespace incubsim
