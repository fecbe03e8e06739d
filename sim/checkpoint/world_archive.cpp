#include "checkpoint/world_archive.hpp"

#include <type_traits>

namespace incubsim {

static_assert(std::is_trivially_copyable_v<QuarterFlows>);
static_assert(std::is_trivially_copyable_v<NetworkMeasures>);
static_assert(std::is_trivially_copyable_v<OpenTransfer>);
static_assert(std::is_trivially_copyable_v<Event>);

void archive_world(StateArchive& ar, WorldState& st) {
  ar.columns("firms", st.firms);
  ar.columns("researchers", st.researchers);
  ar.columns("institutions", st.institutions);
  ar.columns("incubators", st.incubators);
  ar.columns("funds", st.funds);
  ar.columns("inventions", st.inventions);
  st.graph.archive(ar);
  ar.field("transfers", st.transfers);
  ar.field("events", st.events);
  ar.field("flows", st.flows);
  ar.field("network", st.network);
  // Who is alive, as the last refresh saw it: phases read these lists, and
  // a list rebuilt from statuses could differ from a stale one.
  ar.field("alive_firms", st.scratch.alive_firms);
  ar.field("firms_by_sector", st.scratch.firms_by_sector);
}

}  // namespace incubsim
