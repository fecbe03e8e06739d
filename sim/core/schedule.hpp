#pragma once
// Integer quarters and the fixed phase schedule of one quarter. A phase reads
// what earlier phases of the same quarter wrote; nothing else is implied.
#include <array>
#include <cstdint>
#include <string_view>

namespace incubsim {

using Quarter = std::int32_t;
/// Quarter used for draws that set up the initial population.
inline constexpr Quarter kSetupQuarter = -1;

enum class Phase : std::uint8_t {
  setup = 0,         // initial population (before quarter 0)
  research = 1,      // researchers produce inventions
  transfer = 2,      // shelve / licence / spin-off decisions, licensee matching
  entry = 3,         // spin-offs and independent founders become firms
  admission = 4,     // incubator graduation, leaving, admission
  financing = 5,     // fund screening, deals, syndication, follow-ons
  operations = 6,    // product development, revenue, staffing, R&D, cash
  outcomes = 7,      // deaths, acquisitions, listings, transfer outcomes
  institutions = 8,  // fund lifecycle, fund entry, incubator tiers, certification
  network = 9,       // tie formation and decay, network measures
};

inline constexpr std::array<Phase, 9> kQuarterSchedule = {
    Phase::research,   Phase::transfer, Phase::entry,        Phase::admission, Phase::financing,
    Phase::operations, Phase::outcomes, Phase::institutions, Phase::network};

inline constexpr int kPhaseCount = 10;

std::string_view to_string(Phase phase);

/// Quarter q counts as the last quarter of a simulated year.
inline constexpr bool is_year_end(Quarter q) {
  return q % 4 == 3;
}

}  // namespace incubsim
