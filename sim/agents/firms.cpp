#include "agents/firms.hpp"

#include <algorithm>
#include <functional>
#include <memory>

#include "core/parallel.hpp"

namespace incubsim {

FirmStore::FirmStore(const FirmStore& other) : FirmColumns(other), FirmLayout(other) {
  bind();
}

FirmStore::FirmStore(FirmStore&& other) noexcept
    : FirmColumns(std::move(other)), FirmLayout(std::move(other)) {
  bind();
  other.bind();
}

FirmStore& FirmStore::operator=(const FirmStore& other) {
  if (this != &other) {
    FirmColumns::operator=(other);
    FirmLayout::operator=(other);
    bind();
  }
  return *this;
}

FirmStore& FirmStore::operator=(FirmStore&& other) noexcept {
  if (this != &other) {
    FirmColumns::operator=(std::move(other));
    FirmLayout::operator=(std::move(other));
    bind();
    other.bind();
  }
  return *this;
}

void FirmStore::bind() {
  // The columns' id lookups point at this store's map (copies and moves
  // must not keep pointing at the source's).
  std::vector<std::size_t> kept_sizes;
  for_each_firm_column([&](auto& column) {
    column.bind(&row_of_);
    using T = typename std::decay_t<decltype(column)>::value_type;
    if (column.on_exit() == OnExit::keep) kept_sizes.push_back(sizeof(T));
  });
  spill_.set_columns(std::move(kept_sizes));
}

void FirmStore::keep_exited(bool keep, std::string directory) {
  keep_exited_ = keep;
  spill_.set_directory(std::move(directory));
}

void FirmStore::reserve(std::size_t n) {
  for_each_column([n](auto& column) {
    column.reserve(n);
    advise_huge_pages(column);
  });
  row_of_.reserve(n);
  id_of_row_.reserve(n);
}

AgentId FirmStore::grow(std::size_t n) {
  const auto first = static_cast<AgentId>(size());
  const auto first_row = static_cast<std::uint32_t>(rows());
  for (std::size_t k = 0; k < n; ++k) {
    row_of_.push_back(first_row + static_cast<std::uint32_t>(k));
    id_of_row_.push_back(static_cast<std::uint32_t>(first) + static_cast<std::uint32_t>(k));
  }
  // A quarter's births at national size zero tens of megabytes of new rows.
  grow_columns(*this, n);
  return first;
}

void FirmStore::compact() {
  // Rows are in id order and stay so: the kept ones move down in order.
  const std::size_t n = rows();
  // Reading each row's status is a random access by id: in parallel.
  std::vector<std::uint8_t> keep(n);
  parallel_for_each_index(
      n, [&](std::size_t r) { keep[r] = status[id_of_row_[r]] == FirmStatus::alive ? 1 : 0; });
  const auto kept = static_cast<std::size_t>(std::count(keep.begin(), keep.end(), 1));
  const auto first_drop =
      static_cast<std::size_t>(std::find(keep.begin(), keep.end(), 0) - keep.begin());
  const std::size_t dropped = n - kept;
  if (dropped == 0) return;
  if (static_cast<double>(dropped) < compaction_share_ * static_cast<double>(n)) return;
  std::vector<std::uint32_t> leaving;
  leaving.reserve(dropped);
  for (std::size_t r = first_drop; r < n; ++r)
    if (!keep[r]) leaving.push_back(id_of_row_[r]);
  constexpr std::size_t kNoBlock = static_cast<std::size_t>(-1);
  const std::size_t block = keep_exited_ ? spill_.add_block(leaving) : kNoBlock;
  dropped_some_ = dropped_some_ || !keep_exited_;

  // One task per column; each moves its kept rows down without a branch
  // (a write per row, advanced only past kept ones), and a kept column's
  // leaving values go to a buffer of their own, then to the spill file.
  std::vector<std::function<void()>> compact_column;
  // The id-to-row maps, a random write per row, move alongside the columns
  // (first: the longest task).
  compact_column.emplace_back([this, &keep, first_drop, n] {
    std::size_t out = first_drop;
    for (std::size_t r = first_drop; r < n; ++r) {
      const std::uint32_t id = id_of_row_[r];
      row_of_[id] = keep[r] ? static_cast<std::uint32_t>(out) : kSpilledRow;
      id_of_row_[out] = id;
      out += keep[r];
    }
    id_of_row_.resize(out);
  });
  std::size_t spill_index = 0;
  for_each_firm_column([&](auto& column) {
    const bool spill = block != kNoBlock && column.on_exit() == OnExit::keep;
    const std::size_t c = column.on_exit() == OnExit::keep ? spill_index++ : 0;
    compact_column.emplace_back(
        [this, &values = column.rows(), &keep, spill, c, block, dropped, first_drop] {
          using T = typename std::decay_t<decltype(values)>::value_type;
          std::size_t out = first_drop;
          if (spill) {
            // One element of slack: a slot is written for every row.
            const auto leaving_values = std::make_unique_for_overwrite<T[]>(dropped + 1);
            std::size_t sp = 0;
            for (std::size_t r = first_drop; r < values.size(); ++r) {
              const T v = values[r];
              values[out] = v;
              leaving_values[sp] = v;
              out += keep[r];
              sp += 1U - keep[r];
            }
            spill_.write(block, c, leaving_values.get());
          } else {
            for (std::size_t r = first_drop; r < values.size(); ++r) {
              values[out] = values[r];
              out += keep[r];
            }
          }
          values.resize(out);
        });
  });
  parallel_for_each_index(
      compact_column.size(), [&](std::size_t k) { compact_column[k](); }, 1);
}

void FirmStore::archive_layout(StateArchive& ar) {
  const StateArchive::Scope scope(ar, "firm_layout");
  ar.field("row_of", row_of_);
  ar.field("id_of_row", id_of_row_);
  ar.field("dropped_some", dropped_some_);
  spill_.archive(ar);
  if (row_of_.size() != size() || id_of_row_.size() + spill_.ids().size() > size())
    ar.corrupt("firm_layout", "rows and spilled firms do not add up to the firms");
}

void FirmStore::set(AgentId id, const NewFirm& f) {
  const auto r = static_cast<std::size_t>(id);
  key[r] = f.key;
  sector[r] = f.sector;
  origin[r] = f.origin;
  founded[r] = f.founded;
  founder[r] = f.founder;
  vertex[r] = 0;
  status[r] = FirmStatus::alive;
  exit_quarter[r] = -1;
  exit_value[r] = 0.0;
  stage[r] = Stage::nascent;
  quality[r] = f.quality;
  maturity[r] = f.maturity;
  selling[r] = 0;
  ip_count[r] = 0;
  rd_intensity[r] = f.rd_intensity;
  revenue[r] = 0.0;
  costs[r] = 0.0;
  rd_spend[r] = 0.0;
  rd_total[r] = 0.0;
  employees[r] = f.employees;
  cash[r] = f.cash;
  planned_burn[r] = 0.0;
  last_round[r] = kNoRound;
  rounds_raised[r] = 0;
  raised_total[r] = 0.0;
  valuation[r] = 0.0;
  dilution_factor[r] = 1.0;
  seeking[r] = 0;
  ask[r] = 0.0;
  incubator[r] = kNoAgent;
  incubated_since[r] = -1;
  ever_incubated[r] = 0;
  graduated[r] = 0;
  tech_sme[r] = 0;
  high_tech[r] = 0;
  above_size[r] = 0;
  high_tech_until[r] = -1;
  certified_ever[r] = 0;
  loan_balance[r] = 0.0;
  loan_due[r] = -1;
  secondees[r] = 0;
  policy_dev_boost[r] = 0.0;
  policy_ip_boost[r] = 0.0;
  grants_received[r] = 0.0;
  tax_benefits[r] = 0.0;
}

AgentId FirmStore::add(const NewFirm& f) {
  const AgentId id = grow(1);
  set(id, f);
  return id;
}

std::string_view to_string(Stage s) {
  switch (s) {
    case Stage::nascent: return "nascent";
    case Stage::seed: return "seed";
    case Stage::early_venture: return "early_venture";
    case Stage::late_venture: return "late_venture";
    case Stage::growth: return "growth";
  }
  return "unknown";
}

std::string_view to_string(FirmStatus s) {
  switch (s) {
    case FirmStatus::alive: return "alive";
    case FirmStatus::dead: return "dead";
    case FirmStatus::acquired: return "acquired";
    case FirmStatus::listed: return "listed";
  }
  return "unknown";
}

std::string_view to_string(Origin o) {
  switch (o) {
    case Origin::initial: return "initial";
    case Origin::independent: return "independent";
    case Origin::spinoff: return "spinoff";
    case Origin::programme: return "programme";
  }
  return "unknown";
}

}  // namespace incubsim
