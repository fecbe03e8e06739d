#include "engine/tables.hpp"

#include <bit>
#include <cstddef>
#include <deque>
#include <memory>
#include <span>
#include <type_traits>

#include "phases/population.hpp"

namespace incubsim {
namespace {

using output::ColumnView;
using output::EnumType;
using output::TableView;

/// Collects columns; converted columns are owned here so their spans stay
/// valid until the table is written.
class TableBuilder {
 public:
  template <class T>
  void column(std::string name, const std::vector<T>& data, std::string unit, std::string doc) {
    if constexpr (std::is_same_v<T, double> || std::is_same_v<T, std::int64_t> ||
                  std::is_same_v<T, std::int32_t> || std::is_same_v<T, std::uint8_t>) {
      table_.columns.push_back(
          {std::move(name), std::move(unit), std::move(doc), std::span<const T>(data)});
    } else if constexpr (std::is_same_v<T, std::uint64_t>) {
      auto& v = int64_.emplace_back(data.size());
      for (std::size_t i = 0; i < data.size(); ++i) v[i] = std::bit_cast<std::int64_t>(data[i]);
      table_.columns.push_back(
          {std::move(name), std::move(unit), std::move(doc), std::span<const std::int64_t>(v)});
    } else {
      auto& v = int32_.emplace_back(data.begin(), data.end());
      table_.columns.push_back(
          {std::move(name), std::move(unit), std::move(doc), std::span<const std::int32_t>(v)});
    }
  }

  /// A firm column in id order (a row column gathered from rows and
  /// spill, or an id column converted), built only when the table writes
  /// it, into one buffer that the next such column reuses: the firm table
  /// holds a single built column at a time.
  template <class Column>
  void firm_column(std::string name, const FirmStore& firms, const Column& column, std::string unit,
                   std::string doc, const EnumType* type = nullptr) {
    using T = typename Column::value_type;
    using S = Stored<T>;
    ColumnView c{std::move(name), std::move(unit), std::move(doc), std::span<const S>()};
    c.enum_type = type;
    c.lazy_rows = firms.size();
    c.load = [this, &firms, &column]() -> output::ColumnData {
      const std::size_t n = firms.size();
      // Room for the widest stored type; an array of bytes may hold any.
      if (built_bytes_ < n * sizeof(double)) {
        built_ = std::make_unique_for_overwrite<std::byte[]>(n * sizeof(double));
        built_bytes_ = n * sizeof(double);
      }
      S* out = reinterpret_cast<S*>(built_.get());
      const auto store = [out](std::size_t id, const T& v) {
        if constexpr (std::is_same_v<T, std::uint64_t>) {
          out[id] = std::bit_cast<std::int64_t>(v);
        } else {
          out[id] = static_cast<S>(v);
        }
      };
      if constexpr (std::is_same_v<Column, std::vector<T>>) {
        parallel_for_each_index(n, [&](std::size_t id) { store(id, column[id]); });
      } else {
        firms.for_each_value(column, store);
      }
      return std::span<const S>(out, n);
    };
    table_.columns.push_back(std::move(c));
  }

  template <class E>
  void enumeration(std::string name, const std::vector<E>& data, const EnumType& type,
                   std::string doc) {
    auto& v = uint8_.emplace_back(data.size());
    for (std::size_t i = 0; i < data.size(); ++i) v[i] = static_cast<std::uint8_t>(data[i]);
    ColumnView c{std::move(name), "-", std::move(doc), std::span<const std::uint8_t>(v)};
    c.enum_type = &type;
    table_.columns.push_back(std::move(c));
  }

  /// A derived column computed per row.
  template <class T, class F>
  void derived(std::string name, std::size_t rows, F&& f, std::string unit, std::string doc) {
    if constexpr (std::is_same_v<T, double>) {
      auto& v = double_.emplace_back(rows);
      for (std::size_t i = 0; i < rows; ++i) v[i] = f(i);
      table_.columns.push_back(
          {std::move(name), std::move(unit), std::move(doc), std::span<const double>(v)});
    } else {
      auto& v = int64_.emplace_back(rows);
      for (std::size_t i = 0; i < rows; ++i) v[i] = f(i);
      table_.columns.push_back(
          {std::move(name), std::move(unit), std::move(doc), std::span<const std::int64_t>(v)});
    }
  }

  const TableView& view() const { return table_; }

 private:
  /// How a column of T is written: enums and flags as uint8, 64-bit
  /// integers as int64, other integers as int32 (column() above does the same).
  template <class T>
  using Stored = std::conditional_t<
      std::is_same_v<T, double>, double,
      std::conditional_t<std::is_same_v<T, std::int64_t> || std::is_same_v<T, std::uint64_t>,
                         std::int64_t,
                         std::conditional_t<std::is_enum_v<T> || std::is_same_v<T, std::uint8_t>,
                                            std::uint8_t, std::int32_t>>>;

  TableView table_;
  std::deque<std::vector<double>> double_;
  std::deque<std::vector<std::int64_t>> int64_;
  std::deque<std::vector<std::int32_t>> int32_;
  std::deque<std::vector<std::uint8_t>> uint8_;
  std::unique_ptr<std::byte[]> built_;  // firm_column's buffer
  std::size_t built_bytes_ = 0;
};

struct Enums {
  EnumType stage = output::make_enum_type<Stage>("stage", kStageCount);
  EnumType status = output::make_enum_type<FirmStatus>("firm_status", kFirmStatusCount);
  EnumType origin = output::make_enum_type<Origin>("origin", kOriginCount);
  EnumType career = output::make_enum_type<Career>("career", kCareerCount);
  EnumType institution = output::make_enum_type<InstitutionKind>("institution_kind", 2);
  EnumType op = output::make_enum_type<Operator>("operator", 2);
  EnumType tier = output::make_enum_type<Tier>("tier", kTierCount);
  EnumType fund_type = output::make_enum_type<FundType>("fund_type", kFundTypeCount);
  EnumType fund_status = output::make_enum_type<FundStatus>("fund_status", 3);
  EnumType tie = output::make_enum_type<TieType>("tie_type", kTieTypeCount);
  EnumType agent = output::make_enum_type<AgentKind>("agent_kind", kAgentKindCount);
  EnumType sector;
};

void firms_table(TableSink& w, const WorldState& st, const Enums& e) {
  const auto& F = st.firms;
  TableBuilder t;
  t.firm_column("lineage_key", F, F.key, "-",
                "Key of the firm's random streams (same firm across policy arms)");
  t.firm_column("sector", F, F.sector, "-", "Sector", &e.sector);
  t.firm_column("origin", F, F.origin, "-", "How the firm came to exist", &e.origin);
  t.firm_column("founded", F, F.founded, "quarter", "Founding quarter (negative: before the run)");
  t.firm_column("founder", F, F.founder, "-", "Founding researcher of a spin-off (-1: none)");
  t.firm_column("status", F, F.status, "-", "Alive, dead, acquired or listed at the end",
                &e.status);
  t.firm_column("exit_quarter", F, F.exit_quarter, "quarter",
                "Quarter of death or exit (-1: alive)");
  t.column("exit_value", F.exit_value, "M yuan", "Price at acquisition or listing");
  t.firm_column("stage", F, F.stage, "-", "Stage reached", &e.stage);
  t.firm_column("quality", F, F.quality, "sd", "Latent technology quality");
  t.firm_column("maturity", F, F.maturity, "share", "Product maturity (1: selling)");
  t.firm_column("selling", F, F.selling, "flag", "Has a product on the market");
  t.firm_column("ip_count", F, F.ip_count, "patents", "Patents and other IP");
  t.firm_column("rd_intensity", F, F.rd_intensity, "share", "R&D / revenue once selling");
  t.firm_column("revenue", F, F.revenue, "M yuan/quarter",
                "Revenue in the last quarter alive (size at exit or end)");
  t.firm_column("employees", F, F.employees, "employees",
                "Employees in the last quarter alive (size at exit or end)");
  t.firm_column("rd_total", F, F.rd_total, "M yuan", "Cumulative R&D spending");
  t.firm_column("cash", F, F.cash, "M yuan", "Cash at exit or end");
  t.firm_column("last_round", F, F.last_round, "-",
                "Last round raised: -1 none, 0 seed, 1 series A, 2 series B, 3 growth");
  t.firm_column("rounds_raised", F, F.rounds_raised, "rounds", "Rounds raised");
  t.firm_column("raised_total", F, F.raised_total, "M yuan", "Equity raised from funds");
  t.firm_column("valuation", F, F.valuation, "M yuan", "Last post-money valuation");
  t.firm_column("incubator", F, F.incubator, "-", "Incubator at the end (-1: none)");
  t.firm_column("ever_incubated", F, F.ever_incubated, "flag", "Was ever an incubator tenant");
  t.firm_column("graduated", F, F.graduated, "flag", "Graduated from an incubator");
  t.firm_column("tech_sme", F, F.tech_sme, "flag", "Certified tech-based SME at the last review");
  t.firm_column("high_tech", F, F.high_tech, "flag",
                "Certified high-tech enterprise at the last review");
  t.firm_column("above_size", F, F.above_size, "flag", "Above designated size at the last review");
  t.firm_column("loan_balance", F, F.loan_balance, "M yuan", "Index loan outstanding");
  t.firm_column("secondees", F, F.secondees, "researchers",
                "Seconded researchers hosted at the end");
  t.firm_column("grants_received", F, F.grants_received, "M yuan",
                "Project and programme grants received");
  t.firm_column("tax_benefits", F, F.tax_benefits, "M yuan",
                "Tax forgone in the firm's favour (R&D incentives)");
  w.table("/agents/firms", t.view());
}

void researchers_table(TableSink& w, const WorldState& st, const Enums& e) {
  const auto& R = st.researchers;
  TableBuilder t;
  t.column("lineage_key", R.key, "-", "Key of the researcher's random streams");
  t.column("institution", R.institution, "-", "Institution id");
  t.enumeration("sector", R.sector, e.sector, "Field");
  t.column("productivity", R.productivity, "inventions/quarter", "Expected inventions per quarter");
  t.column("risk_aversion", R.risk_aversion, "-",
           "Weight on expected liability (rises after failures)");
  t.enumeration("career", R.career, e.career, "Career state at the end");
  t.column("entered", R.entered, "quarter", "Quarter of entry (-1: initial)");
  t.column("left", R.left, "quarter", "Quarter of leaving research (-1: still in)");
  t.column("inventions", R.inventions, "inventions", "Inventions disclosed");
  t.column("licences", R.licences, "transfers", "Licences made");
  t.column("spinoffs", R.spinoffs, "transfers", "Spin-offs founded");
  t.column("failures", R.failures, "transfers", "Transfers that failed within the window");
  t.column("liability", R.liability, "M yuan", "Liability borne for failed transfers");
  t.column("host_firm", R.host_firm, "-", "Firm hosting a current secondment (-1: none)");
  w.table("/agents/researchers", t.view());

  const auto& In = st.institutions;
  TableBuilder i;
  i.column("lineage_key", In.key, "-", "Key of the institution's random streams");
  i.enumeration("kind", In.kind, e.institution, "University or research institute");
  i.column("pilot", In.pilot, "flag", "In a policy pilot");
  i.column("transfers", In.transfers, "transfers", "Licences and spin-offs by its researchers");
  i.column("failures", In.failures, "transfers", "Failed transfers");
  i.column("liability", In.liability, "M yuan", "Liability borne");
  w.table("/agents/institutions", i.view());
}

void incubators_table(TableSink& w, const WorldState& st, const Enums& e) {
  const auto& I = st.incubators;
  TableBuilder t;
  t.column("lineage_key", I.key, "-", "Key of the incubator's random streams");
  t.column("capacity", I.capacity, "tenants", "Places");
  t.column("service_quality", I.service_quality, "share", "Service quality in [0, 1]");
  t.enumeration("operator", I.op, e.op, "Government or professional operator");
  t.enumeration("tier", I.tier, e.tier, "Tier at the end");
  t.column("tenants", I.tenants, "firms", "Tenants at the end");
  t.column("admitted_total", I.admitted_total, "firms", "Firms admitted during the run");
  t.column("graduated_total", I.graduated_total, "firms",
           "Tenants graduated (incl. acquired/listed)");
  t.column("left_total", I.left_total, "firms", "Tenants that left at the maximum stay or died");
  t.column("policy_quality_boost", I.policy_quality_boost, "quality",
           "Service quality added by policy at the end");
  w.table("/agents/incubators", t.view());
}

void funds_table(TableSink& w, const WorldState& st, const Enums& e) {
  const auto& Fu = st.funds;
  TableBuilder t;
  t.column("lineage_key", Fu.key, "-", "Key of the fund's random streams");
  t.enumeration("type", Fu.type, e.fund_type, "Fund type");
  t.column("manager", Fu.manager, "-", "First fund of the manager's family");
  t.column("predecessor", Fu.predecessor, "-", "Fund this one succeeds (-1: none)");
  t.column("vintage", Fu.vintage, "quarter", "Vintage quarter");
  t.column("committed", Fu.committed, "M yuan", "Committed capital");
  t.column("sector", Fu.sector, "-", "Sector index of a specialist (-1: generalist)");
  t.column("round_mask", Fu.round_mask, "bits", "Rounds invested in: bit 0 seed .. bit 3 growth");
  t.enumeration("status", Fu.status, e.fund_status, "Lifecycle state at the end");
  t.column("closed_quarter", Fu.closed_quarter, "quarter", "Quarter liquidated (-1: open)");
  t.column("uninvested", Fu.uninvested, "M yuan", "Capital not invested or paid as fees");
  t.column("invested", Fu.invested, "M yuan", "Capital invested");
  t.column("fees", Fu.fees, "M yuan", "Management fees");
  t.column("distributions", Fu.distributions, "M yuan", "Proceeds from exits and liquidation");
  t.column("nav", Fu.nav, "M yuan", "Value of remaining holdings");
  t.column("deals", Fu.deals, "deals", "Deals made");
  t.column("exits", Fu.exits, "exits", "Portfolio exits with proceeds");
  t.column("write_offs", Fu.write_offs, "firms", "Portfolio firms that died");
  t.derived<double>(
      "tvpi", Fu.size(), [&](std::size_t g) { return Fu.tvpi(static_cast<AgentId>(g)); }, "x",
      "Total value to paid-in");
  t.derived<double>(
      "dpi", Fu.size(), [&](std::size_t g) { return Fu.dpi(static_cast<AgentId>(g)); }, "x",
      "Distributions to paid-in (realised multiple)");
  t.column("succeeded", Fu.succeeded, "flag", "Raised a successor fund");
  t.column("public_capital", Fu.public_capital, "M yuan", "Public part of committed capital");
  t.column("hurdle_shift", Fu.hurdle_shift, "sd", "Hurdle lowered by a policy mandate");
  w.table("/agents/funds", t.view());
}

/// Live ties at the end. Endpoints are oriented so that the source has the
/// lower agent-kind code (researcher < firm < incubator < fund).
void network_tables(TableSink& w, const WorldState& st, const Enums& e) {
  const std::size_t n = static_cast<std::size_t>(st.graph.tie_count());
  std::vector<TieType> type;
  std::vector<AgentKind> source_kind, target_kind;
  std::vector<std::int64_t> source, target;
  std::vector<std::int32_t> since, weight;
  std::vector<double> amount, stake;
  type.reserve(n);
  st.graph.for_each_tie_in_order([&](AgentGraph::Vertex va, AgentGraph::Vertex vb,
                                     const TieInfo& t) {
    VertexInfo a = st.graph.vertex(va);
    VertexInfo b = st.graph.vertex(vb);
    if (static_cast<int>(b.kind) < static_cast<int>(a.kind) || (b.kind == a.kind && b.id < a.id))
      std::swap(a, b);
    type.push_back(t.type);
    source_kind.push_back(a.kind);
    source.push_back(a.id);
    target_kind.push_back(b.kind);
    target.push_back(b.id);
    since.push_back(t.since);
    weight.push_back(t.weight);
    amount.push_back(t.amount);
    stake.push_back(t.type == TieType::investment
                        ? t.units * st.firms.dilution_factor[static_cast<std::size_t>(a.id)]
                        : 0.0);
  });
  TableBuilder t;
  t.enumeration("type", type, e.tie, "Tie type");
  t.enumeration("source_kind", source_kind, e.agent, "Agent kind of the source");
  t.column("source", source, "-", "Id of the source in its agent table");
  t.enumeration("target_kind", target_kind, e.agent, "Agent kind of the target");
  t.column("target", target, "-", "Id of the target in its agent table");
  t.column("since", since, "quarter", "Quarter the tie formed");
  t.column("weight", weight, "-", "Repeated interactions (co-investments, licences, follow-ons)");
  t.column("amount", amount, "M yuan",
           "Invested (investment) or invention value (licence, founding)");
  t.column("stake", stake, "share", "Fund's current ownership of the firm (investment ties)");
  w.table("/network/ties", t.view());

  const NetworkMeasures& m = st.network;
  std::vector<output::NamedValue> values = {
      {"active_agents", static_cast<double>(m.active_vertices), "Agents still active"},
      {"mean_degree", m.mean_degree, "Ties per active agent"},
      {"components", static_cast<double>(m.components), "Connected components among active agents"},
      {"largest_component_share", m.largest_component_share,
       "Share of active agents in the largest component"},
      {"clustering", m.clustering, "Mean local clustering coefficient (degree >= 2)"},
      {"brokerage_incubators", m.brokerage_incubators,
       "Incubators' mean share of unlinked neighbour pairs"},
      {"brokerage_funds", m.brokerage_funds, "Funds' mean share of unlinked neighbour pairs"},
  };
  for (int k = 0; k < kTieTypeCount; ++k)
    values.push_back({"ties_" + std::string(to_string(static_cast<TieType>(k))),
                      static_cast<double>(st.graph.tie_count(static_cast<TieType>(k))),
                      "Ties of this type"});
  w.values("/network/measures", values);
}

}  // namespace

void build_final_tables(TableSink& sink, const WorldState& state, const Scenario& scenario) {
  Enums e;
  e.sector.name = "sector";
  for (std::size_t s = 0; s < scenario.market.sectors.size(); ++s)
    e.sector.members.emplace_back(scenario.market.sectors[s], static_cast<int>(s));
  firms_table(sink, state, e);
  researchers_table(sink, state, e);
  incubators_table(sink, state, e);
  funds_table(sink, state, e);
  network_tables(sink, state, e);
}

void write_final_tables(output::RunWriter& writer, const WorldState& state,
                        const Scenario& scenario) {
  struct WriterSink final : TableSink {
    explicit WriterSink(output::RunWriter& w) : w_(w) {}
    void table(const std::string& group, const output::TableView& t) override {
      w_.write_table(group, t);
    }
    void values(const std::string& group, const std::vector<output::NamedValue>& v) override {
      w_.write_values(group, v);
    }
    output::RunWriter& w_;
  } sink(writer);
  build_final_tables(sink, state, scenario);
}

}  // namespace incubsim
