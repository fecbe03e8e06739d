// Agent stores: rows appended with consistent columns, derived measures.
#include <gtest/gtest.h>

#include <vector>

#include "agents/firms.hpp"
#include "agents/funds.hpp"
#include "agents/incubators.hpp"
#include "agents/researchers.hpp"
#include "core/parallel.hpp"

namespace incubsim {
namespace {

template <class Store>
void expect_columns_have_size(Store& s, std::size_t n) {
  s.for_each_column([n](auto& column) { EXPECT_EQ(column.size(), n); });
}

TEST(FirmStore, AddAppendsOneRowToEveryColumn) {
  FirmStore f;
  NewFirm n;
  n.key = 7;
  n.sector = 2;
  n.quality = 1.5;
  n.cash = 3.0;
  n.employees = 4;
  n.founded = 5;
  EXPECT_EQ(f.add(n), 0);
  EXPECT_EQ(f.add(n), 1);
  expect_columns_have_size(f, 2);
  EXPECT_TRUE(f.alive(1));
  EXPECT_EQ(f.exit_quarter[1], -1);
  EXPECT_EQ(f.last_round[1], kNoRound);
  EXPECT_EQ(f.incubator[1], kNoAgent);
  EXPECT_DOUBLE_EQ(f.dilution_factor[1], 1.0);
  EXPECT_EQ(f.stage[1], Stage::nascent);
}

/// Every column of two stores, as bytes, equal.
void expect_same_columns(FirmStore& a, FirmStore& b) {
  std::vector<std::vector<unsigned char>> bytes;
  a.for_each_column([&](auto& column) {
    const auto* p = reinterpret_cast<const unsigned char*>(column.data());
    bytes.emplace_back(p, p + column.size() * sizeof(column[0]));
  });
  std::size_t c = 0;
  b.for_each_column([&](auto& column) {
    const auto* p = reinterpret_cast<const unsigned char*>(column.data());
    EXPECT_EQ(std::vector<unsigned char>(p, p + column.size() * sizeof(column[0])), bytes[c++]);
  });
}

TEST(FirmStore, GrowAndSetEqualAddForSmallAndLargeCohorts) {
  // 5000 rows take the parallel path (one task per column), 3 the serial one.
  for (const std::size_t n : {std::size_t{3}, std::size_t{5000}}) {
    SCOPED_TRACE(n);
    FirmStore one_by_one;
    FirmStore bulk;
    Executor executor(2);
    const auto make = [](std::size_t i) {
      NewFirm f;
      f.key = 1000 + i;
      f.sector = static_cast<std::uint8_t>(i % 7);
      f.quality = 0.25 * static_cast<double>(i);
      f.cash = 2.0 + static_cast<double>(i);
      f.founded = static_cast<Quarter>(i % 11);
      return f;
    };
    one_by_one.add(make(0));
    bulk.add(make(0));
    for (std::size_t i = 0; i < n; ++i) one_by_one.add(make(i + 1));
    executor.run([&] {
      const AgentId first = bulk.grow(n);
      EXPECT_EQ(first, 1);
      parallel_for_each_index(
          n, [&](std::size_t i) { bulk.set(first + static_cast<AgentId>(i), make(i + 1)); });
    });
    expect_columns_have_size(bulk, n + 1);
    expect_same_columns(one_by_one, bulk);
  }
}

TEST(ResearcherStore, AddStartsInAcademia) {
  ResearcherStore r;
  NewResearcher n;
  n.productivity = 0.1;
  r.add(n);
  expect_columns_have_size(r, 1);
  EXPECT_EQ(r.career[0], Career::academic);
  EXPECT_EQ(r.left[0], -1);
}

TEST(FundStore, CapitalAndMultiples) {
  FundStore f;
  NewFund n;
  n.committed = 100.0;
  n.reserve_share = 0.3;
  n.round_mask = 0b0011;
  const AgentId id = f.add(n);
  expect_columns_have_size(f, 1);
  EXPECT_EQ(f.manager[0], id);  // first fund of its family
  EXPECT_DOUBLE_EQ(f.uninvested[0], 100.0);
  EXPECT_DOUBLE_EQ(f.reserve[0], 30.0);
  EXPECT_TRUE(f.invests_in(id, 0));
  EXPECT_TRUE(f.invests_in(id, 1));
  EXPECT_FALSE(f.invests_in(id, 2));
  EXPECT_DOUBLE_EQ(f.tvpi(id), 0.0);  // nothing paid in yet
  f.invested[0] = 40.0;
  f.fees[0] = 10.0;
  f.distributions[0] = 25.0;
  f.nav[0] = 50.0;
  EXPECT_DOUBLE_EQ(f.paid_in(id), 50.0);
  EXPECT_DOUBLE_EQ(f.dpi(id), 0.5);
  EXPECT_DOUBLE_EQ(f.tvpi(id), 1.5);
}

TEST(InstitutionStore, AddAppendsOneRowToEveryColumn) {
  InstitutionStore s;
  s.add(3, InstitutionKind::institute);
  expect_columns_have_size(s, 1);
  EXPECT_EQ(s.kind[0], InstitutionKind::institute);
  EXPECT_EQ(s.pilot[0], 0);
}

TEST(IncubatorStore, AddStartsEmpty) {
  IncubatorStore s;
  NewIncubator n;
  n.capacity = 12;
  n.tier = Tier::provincial;
  s.add(n);
  expect_columns_have_size(s, 1);
  EXPECT_EQ(s.tenants[0], 0);
  EXPECT_EQ(s.capacity[0], 12);
  EXPECT_EQ(s.tier[0], Tier::provincial);
}

TEST(Names, EveryEnumValueHasAName) {
  for (int i = 0; i < kStageCount; ++i) EXPECT_NE(to_string(static_cast<Stage>(i)), "unknown");
  for (int i = 0; i < kFirmStatusCount; ++i)
    EXPECT_NE(to_string(static_cast<FirmStatus>(i)), "unknown");
  for (int i = 0; i < kCareerCount; ++i) EXPECT_NE(to_string(static_cast<Career>(i)), "unknown");
}

}  // namespace
}  // namespace incubsim
