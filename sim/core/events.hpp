#pragma once
// The append-only event vocabulary. Phases emit events in a fixed order
// (agent id order within a phase), so the event table is identical for any
// thread count.
#include <cstdint>
#include <string_view>

#include "core/ids.hpp"
#include "core/schedule.hpp"

namespace incubsim {

enum class EventKind : std::uint8_t {
  firm_birth = 0,          // actor firm; target founder researcher (spin-off) or none
  firm_death = 1,          // actor firm; amount = cash at death (negative: ran out)
  acquisition = 2,         // actor firm; amount = exit value
  listing = 3,             // actor firm; amount = market value at listing
  deal = 4,                // actor fund, target firm; amount invested; detail = round
  licence = 5,             // actor researcher, target firm; amount = invention value
  spinoff = 6,             // actor researcher, target firm; amount = invention value
  transfer_succeeded = 7,  // actor researcher, target firm; detail = 0 licence / 1 spin-off
  transfer_failed = 8,     // actor researcher, target firm; amount = liability incurred
  admission = 9,           // actor incubator, target firm
  graduation = 10,         // actor incubator, target firm
  incubator_exit = 11,     // actor incubator, target firm (left at max stay or died)
  certification = 12,      // actor firm certified for the first time; detail = Certification
  fund_opened = 13,        // actor fund; target predecessor fund; amount = size
  fund_closed = 14,        // actor fund; amount = distributions to paid-in (multiple)
  fund_exit = 15,          // actor fund, target firm; amount = proceeds
  tier_change = 16,        // actor incubator; detail = new tier
  researcher_entry = 17,   // actor researcher
  researcher_exit = 18,    // actor researcher
  // Policy instruments
  insured_transfer = 19,    // actor researcher, target firm; amount premium paid; detail kind
  insurance_claim = 20,     // actor researcher, target firm; amount claim paid
  grant_awarded = 21,       // target firm; amount grant
  loan_issued = 22,         // target firm; amount lent
  loan_repaid = 23,         // target firm; amount repaid
  loan_default = 24,        // target firm; amount written off
  secondment_started = 25,  // actor researcher, target firm
  secondment_ended = 26,    // actor researcher, target firm
  places_added = 27,        // actor incubator; amount places
  operator_converted = 28,  // actor incubator
  policy_award = 29,        // actor incubator or firm; amount; detail 0 tier, 1 high-tech
};
inline constexpr int kEventKindCount = 30;

std::string_view to_string(EventKind kind);
/// What the actor, target, amount and detail of an event of this kind mean.
std::string_view describe(EventKind kind);

/// One row of /events.
struct Event {
  Quarter quarter = 0;
  Phase phase = Phase::setup;
  EventKind kind = EventKind::firm_birth;
  AgentKind actor_kind = AgentKind::none;
  AgentKind target_kind = AgentKind::none;
  std::int32_t detail = 0;
  AgentId actor = kNoAgent;
  AgentId target = kNoAgent;
  double amount = 0.0;
};

/// Certification kinds used in Event::detail.
enum class Certification : std::uint8_t { tech_sme = 0, high_tech = 1, above_size = 2 };

}  // namespace incubsim
