#include "network/graph.hpp"

#include <vector>

namespace incubsim {

AgentGraph::Vertex AgentGraph::add_vertex(AgentRef agent) {
  return static_cast<Vertex>(boost::add_vertex(VertexInfo{agent.kind, agent.id}, g_));
}

AgentGraph::Edge AgentGraph::add_tie(Vertex a, Vertex b, const TieInfo& info) {
  ++counts_[static_cast<std::size_t>(info.type)];
  return boost::add_edge(a, b, info, g_).first;
}

std::optional<AgentGraph::Edge> AgentGraph::find_tie(Vertex a, Vertex b, TieType type) const {
  auto [it, end] = boost::out_edges(a, g_);
  for (; it != end; ++it)
    if (boost::target(*it, g_) == b && g_[*it].type == type) return *it;
  return std::nullopt;
}

void AgentGraph::remove_tie(Edge e) {
  --counts_[static_cast<std::size_t>(g_[e].type)];
  boost::remove_edge(e, g_);
}

void AgentGraph::clear_ties(Vertex v) {
  auto [it, end] = boost::out_edges(v, g_);
  for (; it != end; ++it) --counts_[static_cast<std::size_t>(g_[*it].type)];
  boost::clear_vertex(v, g_);
}

std::string_view to_string(TieType t) {
  switch (t) {
    case TieType::tenancy: return "tenancy";
    case TieType::investment: return "investment";
    case TieType::co_investment: return "co_investment";
    case TieType::licence: return "licence";
    case TieType::founding: return "founding";
    case TieType::secondment: return "secondment";
    case TieType::collaboration: return "collaboration";
    case TieType::alliance: return "alliance";
    case TieType::affiliation: return "affiliation";
  }
  return "unknown";
}

}  // namespace incubsim
