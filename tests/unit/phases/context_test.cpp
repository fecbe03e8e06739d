#include "phases/context.hpp"

#include <gtest/gtest.h>

#include <span>
#include <vector>

#include "test_support.hpp"

namespace incubsim {
namespace {

// A phase's streams come from prefixes cached when its context is made;
// they must be the factory's streams for every kind of agent.
TEST(PhaseContext, StreamsAreTheFactorysForEveryKind) {
  const Scenario sc = testing::small_scenario();
  const StreamFactory factory(1234);
  std::vector<Event> events;
  for (const Phase phase : {Phase::setup, Phase::research, Phase::network}) {
    for (const Quarter q : {kSetupQuarter, Quarter{0}, Quarter{37}}) {
      const PhaseContext ctx(sc, factory, Policies{}, q, phase, events);
      for (int k = 0; k < kAgentKindCount; ++k) {
        const auto kind = static_cast<AgentKind>(k);
        Stream a = ctx.stream(kind, 99, Purpose::revenue);
        Stream b = factory.make(q, phase, kind, 99, Purpose::revenue);
        for (int i = 0; i < 3; ++i) EXPECT_EQ(a(), b()) << "kind " << k << " quarter " << q;
      }
    }
  }
}

// Events written into appended slots (a commit step filling them in
// parallel) land after those already emitted, in slot order, stamped with
// the context's quarter and phase like emitted ones.
TEST(PhaseContext, AppendedEventSlotsFollowEmittedEventsInOrder) {
  const Scenario sc = testing::small_scenario();
  const StreamFactory factory(1);
  std::vector<Event> events;
  const PhaseContext ctx(sc, factory, Policies{}, Quarter{5}, Phase::outcomes, events);
  ctx.emit(EventKind::firm_death, firm_ref(7), {}, 1.5);
  const std::span<Event> slots = ctx.append_events(3);
  ASSERT_EQ(slots.size(), 3u);
  for (std::size_t k = 0; k < slots.size(); ++k)
    slots[2 - k] = ctx.event(EventKind::fund_exit, fund_ref(static_cast<AgentId>(k)), firm_ref(7),
                             static_cast<double>(k));
  ctx.emit(EventKind::listing, firm_ref(8));
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[0].kind, EventKind::firm_death);
  for (std::size_t k = 1; k <= 3; ++k) {
    EXPECT_EQ(events[k].kind, EventKind::fund_exit);
    EXPECT_EQ(events[k].actor, static_cast<AgentId>(3 - k));
    EXPECT_EQ(events[k].actor_kind, AgentKind::fund);
    EXPECT_EQ(events[k].target, 7);
    EXPECT_EQ(events[k].quarter, 5);
    EXPECT_EQ(events[k].phase, Phase::outcomes);
  }
  EXPECT_EQ(events[4].kind, EventKind::listing);
  EXPECT_EQ(events[4].quarter, events[0].quarter);
  EXPECT_EQ(events[4].phase, events[0].phase);
}

}  // namespace
}  // namespace incubsim
