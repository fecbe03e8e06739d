#include "phases/context.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace incubsim
