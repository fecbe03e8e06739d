#pragma once
// Funds: committed capital, lifecycle, focus and performance. Positions in
// firms live on the investment edges of the graph (network/graph.hpp).
#include <cstdint>
#include <vector>

#include "core/ids.hpp"
#include "core/random.hpp"
#include "core/schedule.hpp"
#include "scenario/scenario.hpp"

namespace incubsim {

enum class FundStatus : std::uint8_t {
  investing = 0,   // within its investment period
  harvesting = 1,  // follow-ons and exits only
  closed = 2,      // liquidated at the end of its life
};

/// Sector of a generalist fund.
inline constexpr std::int16_t kAllSectors = -1;

struct NewFund {
  LineageKey key = 0;
  FundType type = FundType::vc;
  AgentId manager = kNoAgent;      // first fund of the manager's family
  AgentId predecessor = kNoAgent;  // fund this one succeeds
  Quarter vintage = 0;
  double committed = 0.0;  // committed capital
  std::int16_t sector = kAllSectors;
  std::uint8_t round_mask = 0;  // bit r set: invests in Round r
  double reserve_share = 0.0;
  double hurdle_shift = 0.0;    // lowers the type's hurdle (policy mandate)
  double public_capital = 0.0;  // part of `committed` that is public money
};

struct FundStore {
  std::vector<LineageKey> key;
  std::vector<std::uint32_t> vertex;
  std::vector<FundType> type;
  std::vector<AgentId> manager;
  std::vector<AgentId> predecessor;
  std::vector<Quarter> vintage;
  std::vector<double> committed;
  std::vector<std::int16_t> sector;
  std::vector<std::uint8_t> round_mask;
  std::vector<FundStatus> status;
  std::vector<Quarter> closed_quarter;
  std::vector<double> uninvested;  // committed capital not yet invested or paid as fees
  std::vector<double> reserve;     // part of `uninvested` kept for follow-ons
  std::vector<double> invested;
  std::vector<double> fees;
  std::vector<double> distributions;
  std::vector<double> nav;  // value of remaining holdings (updated each quarter)
  std::vector<std::int32_t> deals;
  std::vector<std::int32_t> exits;
  std::vector<std::int32_t> write_offs;
  std::vector<std::uint8_t> succeeded;  // raised a successor fund
  std::vector<double> hurdle_shift;     // lowers the type's hurdle (policy mandate)
  std::vector<double> public_capital;   // public part of committed capital

  std::size_t size() const { return key.size(); }
  AgentId add(const NewFund& f);
  template <class F>
  void for_each_column(F&& f) {
    f(key), f(vertex), f(type), f(manager), f(predecessor), f(vintage), f(committed), f(sector);
    f(round_mask), f(status), f(closed_quarter), f(uninvested), f(reserve), f(invested), f(fees);
    f(distributions), f(nav), f(deals), f(exits), f(write_offs), f(succeeded), f(hurdle_shift);
    f(public_capital);
  }
  bool invests_in(AgentId f, int round) const {
    return (round_mask[static_cast<std::size_t>(f)] >> round) & 1u;
  }
  double paid_in(AgentId f) const {
    const auto i = static_cast<std::size_t>(f);
    return invested[i] + fees[i];
  }
  /// Total value to paid-in (distributions plus holdings over paid-in).
  double tvpi(AgentId f) const;
  /// Distributions to paid-in: the realised multiple.
  double dpi(AgentId f) const;
};

std::string_view to_string(FundStatus s);

}  // namespace incubsim
