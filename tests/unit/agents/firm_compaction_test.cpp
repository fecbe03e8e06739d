// Firm compaction: exited firms leave the row columns, the alive ones stay
// dense and in id order, and every value an id could read before reads the
// same after (the final table's columns from the spill, across copies and
// checkpoints); values nobody keeps are refused, not made up.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "agents/firms.hpp"
#include "checkpoint/h5_archive.hpp"
#include "core/errors.hpp"
#include "core/parallel.hpp"
#include "output/h5.hpp"
#include "test_support.hpp"

namespace incubsim {
namespace {

namespace h5 = output::h5;
using testing::ScratchDir;

double cash_of(std::size_t id) {
  return 1000.0 + 1.5 * static_cast<double>(id);
}
std::int32_t staff_of(std::size_t id) {
  return static_cast<std::int32_t>(3 * id + 1);
}

/// A store that spills exited firms into `dir`, compacting once `share`
/// of its rows have exited.
FirmStore spilling_store(const ScratchDir& dir, double share = 0) {
  FirmStore f;
  f.keep_exited(true, dir.path().string());
  f.set_compaction_share(share);
  return f;
}

/// n firms with values derived from their ids.
void add_firms(FirmStore& f, std::size_t n) {
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t id = f.size();
    NewFirm nf;
    nf.key = 500 + id;
    nf.cash = cash_of(id);
    nf.employees = staff_of(id);
    nf.sector = static_cast<std::uint8_t>(id % 5);
    f.add(nf);
    f.ask[static_cast<AgentId>(id)] = 0.5 * static_cast<double>(id);
  }
}

void exit_firms(FirmStore& f, const std::vector<AgentId>& ids, Quarter q) {
  for (const AgentId id : ids) {
    f.status[static_cast<std::size_t>(id)] = FirmStatus::dead;
    f.exit_quarter[static_cast<std::size_t>(id)] = q;
  }
}

/// Every firm's kept values, by id, equal those it was created with.
void expect_kept_values(const FirmStore& f) {
  const std::vector<double> cash = f.by_id(f.cash);
  const std::vector<std::int32_t> staff = f.by_id(f.employees);
  const std::vector<LineageKey> key = f.by_id(f.key);
  ASSERT_EQ(cash.size(), f.size());
  for (std::size_t id = 0; id < f.size(); ++id) {
    EXPECT_EQ(cash[id], cash_of(id)) << "firm " << id;
    EXPECT_EQ(staff[id], staff_of(id)) << "firm " << id;
    EXPECT_EQ(key[id], 500 + id) << "firm " << id;
  }
}

void expect_rows_are_the_alive_firms(const FirmStore& f) {
  std::vector<std::uint32_t> alive;
  for (std::size_t id = 0; id < f.size(); ++id)
    if (f.alive(static_cast<AgentId>(id))) alive.push_back(static_cast<std::uint32_t>(id));
  EXPECT_EQ(f.ids_by_row(), alive);
  EXPECT_EQ(f.rows(), alive.size());
  for (const std::uint32_t id : alive) {
    EXPECT_TRUE(f.has_row(static_cast<AgentId>(id)));
    EXPECT_EQ(f.cash[id], cash_of(id));
    EXPECT_EQ(f.ask[id], 0.5 * id);
  }
  f.for_each_firm_column([&](const auto& column) { EXPECT_EQ(column.rows().size(), f.rows()); });
}

TEST(FirmCompaction, ExitedFirmsLeaveTheRowsAndKeepTheirTableValues) {
  const ScratchDir dir;
  Executor executor(2);
  FirmStore f = spilling_store(dir);
  add_firms(f, 10);
  exit_firms(f, {1, 4, 5, 9}, 3);
  executor.run([&] { f.compact(); });

  expect_rows_are_the_alive_firms(f);
  EXPECT_EQ(f.rows(), 6U);
  for (const AgentId gone : {1, 4, 5, 9}) EXPECT_FALSE(f.has_row(gone));
  // The id columns still cover every firm.
  EXPECT_EQ(f.status.size(), 10U);
  EXPECT_EQ(f.exit_quarter[4], 3);
  expect_kept_values(f);
  // What no table shows is not kept for exited firms: refused, not invented.
  EXPECT_THROW(f.by_id(f.ask), Error);

  // Births after a compaction get rows at the end; a second compaction
  // spills a second block.
  add_firms(f, 5);
  exit_firms(f, {0, 11, 14}, 4);
  executor.run([&] { f.compact(); });
  expect_rows_are_the_alive_firms(f);
  EXPECT_EQ(f.spill().blocks().size(), 2U);
  EXPECT_EQ(f.spill().ids(), (std::vector<std::uint32_t>{1, 4, 5, 9, 0, 11, 14}));
  expect_kept_values(f);
}

TEST(FirmCompaction, LargeStoresCompactEveryColumnConsistently) {
  // Enough rows that the columns are moved in parallel tasks.
  const ScratchDir dir;
  Executor executor(2);
  FirmStore f = spilling_store(dir);
  add_firms(f, 20000);
  std::vector<AgentId> gone;
  for (AgentId id = 0; id < 20000; id += 3) gone.push_back(id);
  exit_firms(f, gone, 1);
  executor.run([&] { f.compact(); });
  expect_rows_are_the_alive_firms(f);
  expect_kept_values(f);
}

TEST(FirmCompaction, WaitsUntilTheShareOfExitedRowsIsReached) {
  const ScratchDir dir;
  Executor executor(1);
  FirmStore f = spilling_store(dir, 0.5);
  add_firms(f, 10);
  exit_firms(f, {2, 3, 7, 8}, 1);
  executor.run([&] { f.compact(); });
  EXPECT_EQ(f.rows(), 10U);  // 4 of 10 exited: not yet
  EXPECT_TRUE(f.spill().empty());
  EXPECT_EQ(f.ask[2], 1.0);
  exit_firms(f, {9}, 2);
  executor.run([&] { f.compact(); });
  EXPECT_EQ(f.rows(), 5U);
  expect_kept_values(f);
}

TEST(FirmCompaction, WithoutKeepingExitedFirmsNothingIsSpilledAndReadsAreRefused) {
  Executor executor(1);
  FirmStore f;
  f.keep_exited(false);
  f.set_compaction_share(0);
  add_firms(f, 6);
  exit_firms(f, {0, 5}, 1);
  executor.run([&] { f.compact(); });
  expect_rows_are_the_alive_firms(f);
  EXPECT_TRUE(f.spill().empty());
  EXPECT_THROW(f.by_id(f.cash), Error);
}

TEST(FirmCompaction, CopiesCompactIndependently) {
  const ScratchDir dir;
  Executor executor(1);
  FirmStore f = spilling_store(dir);
  add_firms(f, 8);
  exit_firms(f, {2}, 1);
  executor.run([&] { f.compact(); });

  FirmStore copy = f;
  exit_firms(copy, {3, 6}, 2);
  executor.run([&] { copy.compact(); });
  add_firms(f, 1);
  exit_firms(f, {7}, 2);
  executor.run([&] { f.compact(); });

  expect_rows_are_the_alive_firms(f);
  expect_rows_are_the_alive_firms(copy);
  expect_kept_values(f);
  expect_kept_values(copy);
  // The copy's columns read through its own id-to-row map.
  EXPECT_FALSE(copy.has_row(3));
  EXPECT_TRUE(f.has_row(3));
  EXPECT_EQ(f.cash[3], cash_of(3));

  const FirmStore moved = std::move(copy);
  expect_rows_are_the_alive_firms(moved);
  expect_kept_values(moved);
}

TEST(FirmCompaction, ACheckpointRestoresRowsAndSpilledValues) {
  const ScratchDir dir;
  Executor executor(1);
  FirmStore f = spilling_store(dir);
  add_firms(f, 12);
  exit_firms(f, {0, 6, 7}, 1);
  executor.run([&] { f.compact(); });
  exit_firms(f, {11}, 2);  // exited, not yet compacted
  f.set_compaction_share(0.9);
  executor.run([&] { f.compact(); });
  ASSERT_TRUE(f.has_row(11));

  const auto path = (dir / "state.h5").string();
  {
    h5::File file = h5::create_file(path);
    {
      const h5::Group group = h5::open_or_create_group(file.get(), "/state");
      checkpoint::H5StateWriter ar(group.get());
      ar.columns("firms", f);
      f.archive_layout(ar);
    }
    h5::close_file(file, path);
  }
  FirmStore restored = spilling_store(dir);
  {
    const h5::File file = h5::open_file_read_only(path);
    const h5::Group group = h5::open_group(file.get(), "/state");
    checkpoint::H5StateReader ar(group.get(), path);
    ar.columns("firms", restored);
    restored.archive_layout(ar);
  }
  EXPECT_EQ(restored.size(), 12U);
  EXPECT_EQ(restored.ids_by_row(), f.ids_by_row());
  EXPECT_EQ(restored.spill().ids(), f.spill().ids());
  EXPECT_TRUE(restored.has_row(11));
  expect_kept_values(restored);
  // The restored store goes on compacting into a spill of its own.
  executor.run([&] { restored.compact(); });
  expect_rows_are_the_alive_firms(restored);
  expect_kept_values(restored);
  EXPECT_EQ(restored.spill().blocks().size(), 2U);
}

}  // namespace
}  // namespace incubsim
