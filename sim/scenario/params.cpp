#include "scenario/params.hpp"

#include <charconv>
#include <cmath>

#include "scenario/param_table.hpp"

namespace incubsim {
namespace {

constexpr const char* kTransferLaw =
    "PRC Law on Promoting the Transformation of S&T Achievements (2015 rev.), art. 45";
constexpr const char* kHteRules =
    "Administrative Measures for High-Tech Enterprise Recognition (2016), art. 11";
constexpr const char* kTechSmeRules = "Evaluation Measures for Tech-Based SMEs (2017), art. 6";
constexpr const char* kIncubatorRules =
    "MoST Measures for the Administration of S&T Business Incubators (2018)";
constexpr const char* kFundTerms = "model brief; Metrick & Yasuda (2010), Rev. Financ. Stud. 23(6)";
constexpr const char* kNbsAboveSize =
    "NBS threshold for above-designated-size industrial enterprises (2011), applied to all "
    "sectors";

constexpr double kInf = std::numeric_limits<double>::infinity();

using Table = ParamTable;

void simulation_params(Table& t, SimulationParams& p) {
  t.add("simulation.quarters", &p.quarters, 1, 2000, "quarters",
        "Quarters recorded in the output (after burn-in).", "model brief: 10 years of quarters");
  t.add("simulation.burn_in", &p.burn_in, 0, 2000, "quarters",
        "Quarters simulated before recording starts, to let the initial population settle.",
        kAssumption);
  t.add("simulation.seed", &p.seed, 0, 9.007199254740992e15, "-",
        "Master seed of every random stream; same seed and scenario give bit-identical output.",
        "arbitrary");
  t.add("simulation.record_events", &p.record_events, 0, 1, "-",
        "Write the append-only /events table.", "-");
  t.add("simulation.record_agents", &p.record_agents, 0, 1, "-",
        "Write the final agent tables and the network (/agents, /network); sweeps of many small "
        "runs often need only the time series.",
        "-");
}

void market_params(Table& t, MarketParams& p) {
  auto& sectors = t.add("market.sectors", &p.sectors, 0, 0, "-",
                        "Names of the sectors firms, researchers and funds belong to.",
                        "Ouhai priority industries, " + std::string(kOuhai000));
  sectors.min_items = 1;
  sectors.max_items = 32;
  auto& w =
      t.add("market.sector_weights", &p.sector_weights, 0, 1e6, "weight",
            "Relative share of each sector among firms, founders and researchers.", kAssumption);
  w.min_items = 1;
  w.max_items = 32;
  auto& g =
      t.add("market.sector_growth", &p.sector_growth, -0.5, 0.5, "log/quarter",
            "Growth of expected revenue per quarter (log scale) of selling firms in each sector.",
            kAssumption);
  g.min_items = 1;
  g.max_items = 32;
  t.add("market.revenue_volatility", &p.revenue_volatility, 0, 2, "log sd/quarter",
        "Standard deviation of the multiplicative (Gibrat) revenue shock per quarter.",
        "assumption; Gibrat-type growth, cf. Stanley et al. (1996) Nature 379");
  t.add("market.growth_size_drag", &p.growth_size_drag, 0, 1, "log/quarter per log size",
        "Fall in expected revenue growth per unit of log(revenue / firms.launch_revenue): "
        "larger firms grow more slowly, so each firm's revenue settles around its own level.",
        "assumption; growth falls with size, Evans (1987) J. Ind. Econ. 35(4)");
  t.add("market.gross_margin", &p.gross_margin, 0, 1, "share",
        "Share of revenue left to pay wages, fixed costs and R&D.", kAssumption);
  t.add("market.wage", &p.wage, 0, 10, "M yuan/employee/quarter",
        "Cost of one employee per quarter.", "assumption: 200k yuan a year");
  t.add("market.revenue_per_employee", &p.revenue_per_employee, 0.001, 100, "M yuan/quarter",
        "Revenue one employee supports; sets the target headcount of selling firms.",
        "assumption: 1.2M yuan a year");
  t.add("market.exogenous_exit_hazard", &p.exogenous_exit_hazard, 0, 1, "1/quarter",
        "Probability per quarter a firm closes for reasons other than running out of cash.",
        kAssumption);
  t.add("market.acquisition_hazard", &p.acquisition_hazard, 0, 1, "1/quarter",
        "Base probability per quarter that a selling or venture-backed firm is acquired.",
        kAssumption);
  t.add("market.acquisition_quality_effect", &p.acquisition_quality_effect, 0, 5, "log-odds/sd",
        "Increase in the log-odds of acquisition per standard deviation of quality.", kAssumption);
  t.add("market.acquisition_revenue_multiple", &p.acquisition_revenue_multiple, 0, 100, "x",
        "Acquisition price as a multiple of annual revenue.", kAssumption);
  t.add("market.acquihire_value_share", &p.acquihire_value_share, 0, 10, "x",
        "Least acquisition price as a multiple of the last post-money valuation (acquirers pay "
        "for technology and team even before revenue).",
        kAssumption);
  t.add("market.ipo_revenue_threshold", &p.ipo_revenue_threshold, 0, 1e6, "M yuan/year",
        "Annual revenue a firm needs before it can list.", kAssumption);
  t.add("market.ipo_hazard", &p.ipo_hazard, 0, 1, "1/quarter",
        "Probability per quarter that an eligible venture-backed firm lists.", kAssumption);
  t.add("market.ipo_revenue_multiple", &p.ipo_revenue_multiple, 0, 1000, "x",
        "Market value at listing as a multiple of annual revenue.", kAssumption);
}

void researcher_params(Table& t, ResearcherParams& p) {
  t.add("researchers.count", &p.count, 0, 1e7, "researchers",
        "Researchers at the start (universities, institutes, new R&D institutions).", kAssumption);
  t.add("researchers.institutions", &p.institutions, 1, 1e5, "institutions",
        "Research institutions the researchers are spread over.",
        "order of Ouhai's 11 pilot institutions, shared/reference/seeds/002");
  t.add("researchers.university_share", &p.university_share, 0, 1, "share",
        "Share of institutions that are universities; the rest are research institutes, whose "
        "inventions are more mature (inventions.institute_maturity_shift).",
        kAssumption);
  t.add("researchers.inventions_per_year", &p.inventions_per_year, 0, 100, "1/year",
        "Mean inventions (disclosures) per researcher per year before the collaboration "
        "spillover (researchers.collaboration_spillover raises it).",
        kAssumption);
  t.add("researchers.productivity_sigma", &p.productivity_sigma, 0, 5, "log sd",
        "Dispersion of individual productivity (lognormal).",
        "assumption; skewed output, Lotka (1926)");
  t.add("researchers.risk_aversion_mean", &p.risk_aversion_mean, 0, 100, "-",
        "Mean weight a researcher puts on expected liability relative to expected reward.",
        kAssumption);
  t.add("researchers.risk_aversion_sd", &p.risk_aversion_sd, 0, 100, "-",
        "Standard deviation of risk aversion (truncated at 0).", kAssumption);
  t.add("researchers.self_assessment_noise", &p.self_assessment_noise, 0, 10, "sd",
        "Noise in a researcher's own view of an invention's quality.", kAssumption);
  t.add("researchers.collaborators_mean", &p.collaborators_mean, 0, 100, "ties",
        "Mean initial collaboration ties per researcher.", kAssumption);
  t.add("researchers.collaboration_spillover", &p.collaboration_spillover, 0, 5, "elasticity",
        "Invention rate multiplier per log(1 + collaborators).", kAssumption);
  t.add("researchers.entry_rate", &p.entry_rate, 0, 1, "1/quarter",
        "New researchers per quarter as a share of the initial population.", kAssumption);
  t.add("researchers.exit_rate", &p.exit_rate, 0, 1, "1/quarter",
        "Probability per quarter that a researcher retires or leaves.", kAssumption);
}

void invention_params(Table& t, InventionParams& p) {
  t.add("inventions.quality_mean", &p.quality_mean, -10, 10, "sd",
        "Mean latent quality of inventions (the scale of all quality terms).", "normalisation");
  t.add("inventions.quality_sd", &p.quality_sd, 0, 10, "sd",
        "Standard deviation of invention quality.", "normalisation");
  t.add("inventions.maturity_a", &p.maturity_a, 0.01, 100, "-",
        "Beta(a, b) distribution of invention maturity (0 = idea, 1 = product): a.",
        "assumption: mean 0.29, early technology readiness");
  t.add("inventions.maturity_b", &p.maturity_b, 0.01, 100, "-",
        "Beta(a, b) distribution of invention maturity: b.", "assumption");
  t.add("inventions.institute_maturity_shift", &p.institute_maturity_shift, 0, 1, "maturity",
        "Maturity added to inventions from research institutes (applied work), capped at 1.",
        kAssumption);
  t.add("inventions.value_mean", &p.value_mean, 0, 1e5, "M yuan",
        "Mean value of a successfully transferred invention (the state asset at stake).",
        "assumption; for scale, an Ouhai institute spin-off raised a 3.5M seed round, "
        "seeds/002");
  t.add("inventions.value_sigma", &p.value_sigma, 0, 5, "log sd",
        "Dispersion of invention value (lognormal, rising with quality).", kAssumption);
}

void transfer_params(Table& t, TransferParams& p) {
  t.add("transfer.publish_value", &p.publish_value, 0, 1e4, "M yuan",
        "Value to a researcher of shelving an invention (publication, no risk).", kAssumption);
  t.add("transfer.royalty_share", &p.royalty_share, 0, 1, "share",
        "Share of the licence income (the invention's value) that goes to the inventing "
        "researcher.",
        std::string(kTransferLaw) + ": at least 0.5 of net licence income");
  t.add("transfer.licence_fee_share", &p.licence_fee_share, 0, 1, "share",
        "Part of the licence income the licensee pays upfront (the rest is running royalties, "
        "not modelled in the firm's cash).",
        kAssumption);
  t.add("transfer.spinoff_equity", &p.spinoff_equity, 0, 1, "share",
        "Equity share of a spin-off held by its founding researcher.",
        "assumption; " + std::string(kTransferLaw) +
            " sets a floor of 0.5 on the inventors' share of equity from the achievement");
  t.add("transfer.spinoff_value_multiplier", &p.spinoff_value_multiplier, 0, 100, "x",
        "Upside of founding relative to licensing the same invention.", kAssumption);
  t.add("transfer.spinoff_cost", &p.spinoff_cost, 0, 1e4, "M yuan",
        "Personal cost of leaving academia to found a firm.", kAssumption);
  t.add("transfer.success_intercept", &p.success_intercept, -20, 20, "log-odds",
        "Perceived success probability of a transfer: intercept of the logistic.", kAssumption);
  t.add("transfer.success_quality", &p.success_quality, 0, 20, "log-odds/sd",
        "Perceived success probability: weight of perceived quality.", kAssumption);
  t.add("transfer.success_maturity", &p.success_maturity, 0, 20, "log-odds",
        "Perceived success probability: weight of maturity.", kAssumption);
  t.add("transfer.liability_share", &p.liability_share, 0, 1, "share",
        "Share of a failed transfer's value the researcher and institution are held liable "
        "for (loss of state assets). The insurance policy covers part of it.",
        "assumption; the liability Ouhai's insurance pilot addresses, seeds/000");
  t.add("transfer.decision_noise", &p.decision_noise, 0, 100, "M yuan",
        "Scale of Gumbel taste shocks in the shelve/licence/spin-off choice (logit).", kAssumption);
  t.add("transfer.failure_window", &p.failure_window, 1, 200, "quarters",
        "Quarters after a transfer during which its failure triggers liability.",
        "assumption; Ouhai claim window unknown");
  t.add("transfer.licensee_candidates", &p.licensee_candidates, 1, 1000, "firms",
        "Firms of the sector a researcher considers when looking for a licensee.", kAssumption);
  t.add("transfer.licence_maturity_boost", &p.licence_maturity_boost, 0, 1, "share",
        "Share of an invention's maturity a licensee adds to its product maturity.", kAssumption);
  t.add("transfer.liability_learning", &p.liability_learning, 0, 10, "-",
        "Increase of a researcher's risk aversion after a failed transfer, scaled by the "
        "share of the liability that was not covered.",
        kAssumption);
  t.add("transfer.personal_liability_share", &p.personal_liability_share, 0, 1, "share",
        "Share of the liability borne for a failed transfer that falls on the researcher "
        "personally; the rest falls on the institution. Ledgers only: the choice to transfer "
        "weighs the whole exposure.",
        kAssumption);
}

void firm_params(Table& t, FirmParams& p) {
  t.add("firms.initial_count", &p.initial_count, 0, 1e8, "firms",
        "Firms alive at the start, of ages spread over initial_age_max.", kAssumption);
  t.add("firms.initial_age_max", &p.initial_age_max, 0, 400, "quarters",
        "Oldest age of an initial firm.", kAssumption);
  t.add("firms.founders_per_quarter", &p.founders_per_quarter, 0, 1e6, "firms/quarter",
        "Mean independent founders entering per quarter (Poisson), besides spin-offs.",
        "assumption; for scale, Ouhai admitted 214 firms to incubators in H1 2024, seeds/002");
  t.add("firms.quality_mean", &p.quality_mean, -10, 10, "sd",
        "Mean latent quality of independent founders' ventures.",
        "assumption: below spin-offs' invention quality");
  t.add("firms.quality_sd", &p.quality_sd, 0, 10, "sd",
        "Standard deviation of independent founders' quality.", kAssumption);
  t.add("firms.founder_cash_mean", &p.founder_cash_mean, 0, 1e4, "M yuan",
        "Mean founders' own cash at start (lognormal).", kAssumption);
  t.add("firms.founder_cash_sigma", &p.founder_cash_sigma, 0, 5, "log sd",
        "Dispersion of founders' cash.", kAssumption);
  t.add("firms.spinoff_cash_mean", &p.spinoff_cash_mean, 0, 1e4, "M yuan",
        "Mean starting cash of a spin-off (founder and institution).", kAssumption);
  t.add("firms.founding_employees", &p.founding_employees, 1, 1e4, "employees",
        "Employees of a new firm.", kAssumption);
  t.add("firms.fixed_cost", &p.fixed_cost, 0, 1e4, "M yuan/quarter",
        "Rent and overheads per quarter (incubators subsidise part).", kAssumption);
  t.add("firms.development_rate", &p.development_rate, 0, 1, "maturity/quarter",
        "Product maturity gained per quarter at average quality (1 = product ready).",
        "assumption: about two and a half years from idea to product");
  t.add("firms.development_quality_effect", &p.development_quality_effect, 0, 5, "log/sd",
        "Log development speed per standard deviation of quality.", kAssumption);
  t.add("firms.development_noise", &p.development_noise, 0, 5, "log sd",
        "Noise of development progress per quarter.", kAssumption);
  t.add("firms.rd_share_pre_revenue", &p.rd_share_pre_revenue, 0, 1, "share",
        "Share of a pre-revenue firm's wage bill that is R&D; a founding team's R&D is the "
        "reference for development effort.",
        kAssumption);
  t.add("firms.rd_intensity", &p.rd_intensity, 0, 1, "share of revenue",
        "Mean R&D spending of selling firms as a share of revenue.",
        "assumption; near the high-tech thresholds, " + std::string(kHteRules));
  t.add("firms.rd_intensity_sigma", &p.rd_intensity_sigma, 0, 5, "log sd",
        "Dispersion of R&D intensity across firms (lognormal, each firm keeps its own).",
        kAssumption);
  t.add("firms.launch_revenue", &p.launch_revenue, 0, 1e4, "M yuan/quarter",
        "Revenue in the first selling quarter at average quality.", kAssumption);
  t.add("firms.launch_quality_effect", &p.launch_quality_effect, 0, 5, "log/sd",
        "Log launch revenue per standard deviation of quality.", kAssumption);
  t.add("firms.revenue_quality_drift", &p.revenue_quality_drift, 0, 1, "log/quarter/sd",
        "Extra revenue growth per quarter per standard deviation of quality.", kAssumption);
  t.add("firms.venture_growth_boost", &p.venture_growth_boost, 0, 1, "log/quarter",
        "Extra revenue growth per quarter of a selling firm backed by equity funds (money "
        "spent on sales and capacity).",
        "assumption; VC-backed firms grow faster, Puri & Zarutskie (2012) J. Finance 67(6)");
  t.add("firms.staffing_adjustment", &p.staffing_adjustment, 0, 1, "share/quarter",
        "Share of the gap to target headcount closed each quarter.", kAssumption);
  t.add("firms.seek_runway", &p.seek_runway, 0, 100, "quarters",
        "A firm seeks funding when its cash covers fewer quarters of net burn than this.",
        kAssumption);
  t.add("firms.target_runway", &p.target_runway, 0.1, 100, "quarters",
        "Quarters of planned burn a round is sized to cover.", kAssumption);
  auto& m = t.add("firms.round_burn_multiplier", &p.round_burn_multiplier, 0.1, 100, "x",
                  "Planned burn after a seed / series A / series B / growth round, as a "
                  "multiple of current burn.",
                  kAssumption);
  m.min_items = m.max_items = kRoundCount;
  t.add("firms.ip_per_rd", &p.ip_per_rd, 0, 100, "patents/M yuan",
        "Expected patents and other IP per million yuan of R&D.", kAssumption);
  t.add("firms.growth_revenue", &p.growth_revenue, 0, 1e6, "M yuan/year",
        "Annual revenue at which a firm counts as in the growth stage.", kAssumption);
  t.add("firms.tech_sme_max_employees", &p.tech_sme_max_employees, 0, 1e6, "employees",
        "Largest headcount of a certified tech-based SME.", kTechSmeRules);
  t.add("firms.tech_sme_max_revenue", &p.tech_sme_max_revenue, 0, 1e6, "M yuan/year",
        "Largest annual revenue of a certified tech-based SME.", kTechSmeRules);
  t.add("firms.tech_sme_min_rd_intensity", &p.tech_sme_min_rd_intensity, 0, 1, "share of revenue",
        "Least R&D intensity of a certified tech-based SME.",
        "assumption; simplifies the 2017 scoring rule");
  t.add("firms.high_tech_min_age", &p.high_tech_min_age, 0, 400, "quarters",
        "Least age of a certified high-tech enterprise.", kHteRules);
  t.add("firms.high_tech_min_ip", &p.high_tech_min_ip, 0, 1e4, "patents",
        "Least IP count of a certified high-tech enterprise.", kHteRules);
  t.add("firms.high_tech_validity", &p.high_tech_validity, 1, 400, "quarters",
        "How long a high-tech certificate lasts before the firm is reviewed again.",
        std::string(kHteRules) + " (three years)");
  auto& h =
      t.add("firms.high_tech_rd_intensity", &p.high_tech_rd_intensity, 0, 1, "share of revenue",
            "Least R&D intensity of a high-tech enterprise with annual revenue up to "
            "50M / up to 200M / above 200M yuan.",
            kHteRules);
  h.min_items = h.max_items = 3;
  t.add("firms.above_size_revenue", &p.above_size_revenue, 0, 1e6, "M yuan/year",
        "Annual revenue from which a firm is above designated size.", kNbsAboveSize);
}

void incubator_params(Table& t, IncubatorParams& p) {
  t.add("incubators.count", &p.count, 0, 1e6, "incubators", "Incubators at the start.",
        "order of Ouhai's 18 provincial-or-above incubators, " + std::string(kOuhai000));
  t.add("incubators.capacity_mean", &p.capacity_mean, 1, 1e5, "tenants",
        "Mean number of tenant firms an incubator can host (lognormal).", kAssumption);
  t.add("incubators.capacity_sigma", &p.capacity_sigma, 0, 5, "log sd",
        "Dispersion of incubator capacity.", kAssumption);
  t.add("incubators.service_quality_a", &p.service_quality_a, 0.01, 100, "-",
        "Beta(a, b) distribution of service quality in [0, 1]: a.", kAssumption);
  t.add("incubators.service_quality_b", &p.service_quality_b, 0.01, 100, "-",
        "Beta(a, b) distribution of service quality: b.", kAssumption);
  t.add("incubators.professional_share", &p.professional_share, 0, 1, "share",
        "Share of incubators run by professional operators (sharper admission signal).",
        "7 professional operators among about 20 incubators, " + std::string(kOuhai000));
  auto& ts = t.add("incubators.tier_shares", &p.tier_shares, 0, 1e6, "weight",
                   "Relative shares of municipal / provincial / national incubators at start.",
                   kAssumption);
  ts.min_items = ts.max_items = kTierCount;
  t.add("incubators.application_rate", &p.application_rate, 0, 1, "1/quarter",
        "Probability per quarter an eligible young firm applies to incubators.", kAssumption);
  t.add("incubators.application_max_age", &p.application_max_age, 0, 400, "quarters",
        "Oldest age at which a firm may be admitted.",
        std::string(kIncubatorRules) + ": registered at most 24 months");
  t.add("incubators.applications_per_firm", &p.applications_per_firm, 1, 100, "incubators",
        "Incubators one applicant applies to in a quarter.", kAssumption);
  t.add("incubators.signal_noise_government", &p.signal_noise_government, 0, 10, "sd",
        "Noise of a government-run incubator's signal of an applicant's quality.", kAssumption);
  t.add("incubators.signal_noise_professional", &p.signal_noise_professional, 0, 10, "sd",
        "Noise of a professionally run incubator's signal.", kAssumption);
  t.add("incubators.admission_threshold", &p.admission_threshold, -10, 10, "sd",
        "Least signal an applicant needs to be admitted.", kAssumption);
  t.add("incubators.max_stay", &p.max_stay, 1, 400, "quarters",
        "Longest stay before a tenant must leave.", std::string(kIncubatorRules) + ": 48 months");
  t.add("incubators.rent_subsidy", &p.rent_subsidy, 0, 1, "share",
        "Share of a tenant's fixed cost the incubator bears.", kAssumption);
  t.add("incubators.development_boost", &p.development_boost, 0, 10, "x per quality",
        "Extra development speed of a tenant per unit of service quality.", kAssumption);
  t.add("incubators.hazard_reduction", &p.hazard_reduction, 0, 1, "share per quality",
        "Cut in a tenant's exogenous exit hazard per unit of service quality.", kAssumption);
  t.add("incubators.graduation_revenue", &p.graduation_revenue, 0, 1e6, "M yuan/year",
        "Annual revenue at which a tenant graduates (a series A round also graduates it).",
        kAssumption);
  t.add("incubators.initial_occupancy", &p.initial_occupancy, 0, 1, "share",
        "Chance that an initial firm young enough to be a tenant starts in an incubator "
        "(if one has room).",
        kAssumption);
  t.add("incubators.affiliated_funds_mean", &p.affiliated_funds_mean, 0, 1000, "funds",
        "Mean initial ties from an incubator to funds that see its tenants as deal flow.",
        kAssumption);
  t.add("incubators.promotion_graduates_per_slot", &p.promotion_graduates_per_slot, 0, 100,
        "graduates/slot/year",
        "Graduates per unit capacity in a year that promote an incubator one tier "
        "(fewer than a third of it demote).",
        kAssumption);
  t.add("incubators.tier_quality_step", &p.tier_quality_step, 0, 1, "quality",
        "Service quality gained with each promotion (and lost with a demotion).", kAssumption);
}

void fund_type_params(Table& t, const std::string& prefix, FundTypeParams& p) {
  t.add(prefix + "initial_count", &p.initial_count, 0, 1e7, "funds", "Funds of this type at start.",
        "order of Ouhai's 187 fund institutions, " + std::string(kOuhai000));
  t.add(prefix + "size_mean", &p.size_mean, 0, 1e6, "M yuan",
        "Mean committed capital of a fund of this type (lognormal).",
        "Ouhai funds average about 140M yuan, " + std::string(kOuhai000));
  t.add(prefix + "size_sigma", &p.size_sigma, 0, 5, "log sd", "Dispersion of fund size.",
        kAssumption);
  auto& r = t.add(prefix + "rounds", &p.rounds, 0, 0, "-", "Rounds this type of fund invests in.",
                  kAssumption);
  r.choices = round_names();
  r.min_items = 1;
  r.max_items = kRoundCount;
  t.add(prefix + "specialist_share", &p.specialist_share, 0, 1, "share",
        "Share of funds of this type that invest in one sector only.", kAssumption);
  t.add(prefix + "round_share", &p.round_share, 0, 1, "share",
        "Share of a round one fund of this type offers to take.", kAssumption);
  t.add(prefix + "max_position", &p.max_position, 0, 1, "share of fund",
        "Largest amount in one firm, as a share of fund size.",
        "assumption; a typical partnership concentration limit");
  t.add(prefix + "screening_capacity", &p.screening_capacity, 0, 1e4, "firms/quarter",
        "Firms a fund can examine with due diligence per quarter.", kAssumption);
  t.add(prefix + "dd_noise", &p.dd_noise, 0, 10, "sd",
        "Noise of due diligence: the sd of the error in a fund's signal of quality.", kAssumption);
  t.add(prefix + "hurdle", &p.hurdle, -10, 10, "sd", "Least signal a fund needs to invest.",
        kAssumption);
  t.add(prefix + "reserve_share", &p.reserve_share, 0, 1, "share",
        "Share of a fund kept back for follow-on rounds in its portfolio.", kAssumption);
  t.add(prefix + "entry_rate", &p.entry_rate, 0, 1e4, "funds/quarter",
        "New funds of this type per quarter (Poisson), besides successor funds.", kAssumption);
}

void fund_params(Table& t, FundParams& p) {
  t.add("funds.life", &p.life, 1, 400, "quarters", "Fund life; holdings are liquidated at its end.",
        kFundTerms);
  t.add("funds.investment_period", &p.investment_period, 1, 400, "quarters",
        "Quarters in which a fund makes new investments (follow-ons continue).", kFundTerms);
  t.add("funds.management_fee", &p.management_fee, 0, 0.25, "share/quarter",
        "Fee drawn from committed capital each quarter of the investment period.",
        "2 % a year, " + std::string(kFundTerms));
  t.add("funds.successor_tvpi", &p.successor_tvpi, 0, 100, "x",
        "Total value to paid-in at the end of the investment period above which the "
        "manager raises a successor fund.",
        kAssumption);
  t.add("funds.successor_size_growth", &p.successor_size_growth, 0, 100, "x",
        "Size of a successor fund relative to its predecessor.", kAssumption);
  t.add("funds.dilution", &p.dilution, 0.001, 0.99, "share",
        "Share of the firm sold in a round at an average signal.",
        "assumption; about 20 % per round in practice");
  t.add("funds.valuation_signal_effect", &p.valuation_signal_effect, 0, 5, "log/sd",
        "Log post-money valuation gained per sd of the lead's signal (the share sold is "
        "funds.dilution * exp(-effect * signal), within [0.02, 0.9]).",
        kAssumption);
  t.add("funds.liquidation_haircut", &p.liquidation_haircut, 0, 1, "share",
        "Discount on remaining holdings sold at the end of a fund's life.", kAssumption);
  t.add("funds.co_investor_invitations", &p.co_investor_invitations, 0, 100, "funds",
        "Co-investment partners a lead invites when a round is not filled.", kAssumption);
  t.add("funds.shared_signal_noise", &p.shared_signal_noise, 0, 10, "x",
        "Noise of an invited co-investor's signal relative to its own due diligence "
        "(the lead shares its findings).",
        kAssumption);
  t.add("funds.insider_signal_noise", &p.insider_signal_noise, 0, 10, "x",
        "Noise of an existing investor's signal about a portfolio firm relative to its "
        "due diligence on strangers.",
        kAssumption);
  t.add("funds.min_fill", &p.min_fill, 0, 1, "share",
        "Least share of the sought amount that must be offered for a round to close.", kAssumption);
  for (int i = 0; i < kFundTypeCount; ++i) {
    const std::string prefix = "funds." + std::string(to_string(static_cast<FundType>(i))) + ".";
    fund_type_params(t, prefix, p.types[static_cast<std::size_t>(i)]);
  }
}

void network_params(Table& t, NetworkParams& p) {
  t.add("network.alliance_rate", &p.alliance_rate, 0, 1, "1/quarter",
        "Probability per quarter a tenant forms an alliance with another tenant.", kAssumption);
  t.add("network.alliance_spillover", &p.alliance_spillover, 0, 10, "x",
        "Development speed gained per unit of allies' mean product maturity.", kAssumption);
  t.add("network.alliance_decay", &p.alliance_decay, 0, 1, "1/quarter",
        "Probability per quarter an alliance ends.", kAssumption);
  t.add("network.collaboration_rate", &p.collaboration_rate, 0, 1, "1/quarter",
        "Probability per quarter a researcher forms a new collaboration tie.", kAssumption);
  t.add("network.collaboration_decay", &p.collaboration_decay, 0, 1, "1/quarter",
        "Probability per quarter a collaboration tie ends.", kAssumption);
  t.add("network.collaboration_locality", &p.collaboration_locality, 0, 1, "share",
        "Share of collaboration ties formed within the researcher's own institution.", kAssumption);
  t.add("network.affiliation_rate", &p.affiliation_rate, 0, 1, "probability",
        "Chance that a fund investing in an incubator's tenant forms a lasting tie to the "
        "incubator (more deal flow from it).",
        kAssumption);
  t.add("network.measure_every", &p.measure_every, 1, 400, "quarters",
        "Quarters between network measurements (between them the last values repeat).", "-");
}

}  // namespace

ParamSpec& ParamTable::add(std::string key, ParamTarget target, double lo, double hi,
                           std::string unit, std::string doc, std::string source) {
  ParamSpec p;
  p.key = std::move(key);
  p.target = target;
  p.min = lo;
  p.max = hi;
  p.unit = std::move(unit);
  p.doc = std::move(doc);
  p.source = std::move(source);
  out_.push_back(std::move(p));
  return out_.back();
}

const std::vector<std::string>& round_names() {
  static const std::vector<std::string> names{"seed", "series_a", "series_b", "growth"};
  return names;
}

std::array<FundTypeParams, kFundTypeCount> default_fund_types() {
  std::array<FundTypeParams, kFundTypeCount> t{};
  auto& angel = t[static_cast<std::size_t>(FundType::angel)];
  angel.initial_count = 40;
  angel.size_mean = 30;
  angel.size_sigma = 0.6;
  angel.rounds = {"seed"};
  angel.specialist_share = 0.3;
  angel.round_share = 0.4;
  angel.max_position = 0.1;
  angel.screening_capacity = 3;
  angel.dd_noise = 1.0;
  angel.hurdle = 0.4;
  angel.reserve_share = 0.2;
  angel.entry_rate = 1.0;
  auto& vc = t[static_cast<std::size_t>(FundType::vc)];
  vc.initial_count = 50;
  vc.size_mean = 200;
  vc.size_sigma = 0.7;
  vc.rounds = {"seed", "series_a", "series_b", "growth"};
  vc.specialist_share = 0.4;
  vc.round_share = 0.5;
  vc.max_position = 0.1;
  vc.screening_capacity = 6;
  vc.dd_noise = 0.6;
  vc.hurdle = 0.7;
  vc.reserve_share = 0.4;
  vc.entry_rate = 1.2;
  auto& gov = t[static_cast<std::size_t>(FundType::guidance)];
  gov.initial_count = 3;
  gov.size_mean = 500;
  gov.size_sigma = 0.3;
  gov.rounds = {"seed", "series_a"};
  gov.specialist_share = 0.0;
  gov.round_share = 0.3;
  gov.max_position = 0.05;
  gov.screening_capacity = 8;
  gov.dd_noise = 0.9;
  gov.hurdle = 0.3;
  gov.reserve_share = 0.3;
  gov.entry_rate = 0.0;
  auto& corp = t[static_cast<std::size_t>(FundType::corporate)];
  corp.initial_count = 8;
  corp.size_mean = 150;
  corp.size_sigma = 0.5;
  corp.rounds = {"series_a", "series_b", "growth"};
  corp.specialist_share = 1.0;
  corp.round_share = 0.4;
  corp.max_position = 0.15;
  corp.screening_capacity = 3;
  corp.dd_noise = 0.5;
  corp.hurdle = 0.6;
  corp.reserve_share = 0.3;
  corp.entry_rate = 0.2;
  return t;
}

std::vector<ParamSpec> bind_params(Scenario& s) {
  std::vector<ParamSpec> out;
  out.reserve(200);
  Table t(out);
  simulation_params(t, s.simulation);
  market_params(t, s.market);
  researcher_params(t, s.researchers);
  invention_params(t, s.inventions);
  transfer_params(t, s.transfer);
  firm_params(t, s.firms);
  incubator_params(t, s.incubators);
  fund_params(t, s.funds);
  network_params(t, s.network);
  bind_policy_params(t, s.policy);
  return out;
}

std::string_view to_string(ParamType t) {
  switch (t) {
    case ParamType::boolean: return "boolean";
    case ParamType::integer: return "integer";
    case ParamType::real: return "number";
    case ParamType::text_list: return "list of strings";
    case ParamType::real_list: return "list of numbers";
  }
  return "unknown";
}

ParamType ParamSpec::type() const {
  struct V {
    ParamType operator()(bool*) const { return ParamType::boolean; }
    ParamType operator()(int*) const { return ParamType::integer; }
    ParamType operator()(std::int64_t*) const { return ParamType::integer; }
    ParamType operator()(double*) const { return ParamType::real; }
    ParamType operator()(std::vector<std::string>*) const { return ParamType::text_list; }
    ParamType operator()(std::vector<double>*) const { return ParamType::real_list; }
  };
  return std::visit(V{}, target);
}

namespace {
std::string number_text(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  // Whole numbers print in full ("9007199254740992", "10000000"), others in
  // their shortest exact form.
  if (v == std::floor(v) && std::abs(v) < 1e18) return std::to_string(static_cast<long long>(v));
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}
}  // namespace

std::string ParamSpec::range_text() const {
  const std::string interval = "[" + number_text(min) + ", " + number_text(max) + "]";
  switch (type()) {
    case ParamType::boolean: return "true or false";
    case ParamType::integer: return "integer in " + interval;
    case ParamType::real: return "number in " + interval;
    case ParamType::real_list: {
      std::string n = min_items == max_items
                          ? std::to_string(min_items)
                          : std::to_string(min_items) + " to " + std::to_string(max_items);
      return n + " numbers, each in " + interval;
    }
    case ParamType::text_list: {
      std::string n = min_items == max_items
                          ? std::to_string(min_items)
                          : std::to_string(min_items) + " to " + std::to_string(max_items);
      if (choices.empty()) return n + " distinct names";
      std::string c;
      for (const auto& x : choices) c += (c.empty() ? "" : ", ") + x;
      return n + " of: " + c;
    }
  }
  return interval;
}

std::string ParamSpec::section() const {
  return key.substr(0, key.rfind('.'));
}
std::string ParamSpec::name() const {
  return key.substr(key.rfind('.') + 1);
}

std::optional<ConsistencyIssue> check_consistency(const Scenario& s) {
  const std::size_t n = s.market.sectors.size();
  const std::string sectors = std::to_string(n);
  if (s.market.sector_weights.size() != n)
    return ConsistencyIssue{
        "market.sector_weights",
        "market.sector_weights has " + std::to_string(s.market.sector_weights.size()) +
            " entries but market.sectors names " + sectors + " sectors; give one weight per sector",
        {"market.sectors"}};
  if (s.market.sector_growth.size() != n)
    return ConsistencyIssue{"market.sector_growth",
                            "market.sector_growth has " +
                                std::to_string(s.market.sector_growth.size()) +
                                " entries but market.sectors names " + sectors +
                                " sectors; give one growth rate per sector",
                            {"market.sectors"}};
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j)
      if (s.market.sectors[i] == s.market.sectors[j])
        return ConsistencyIssue{
            "market.sectors",
            "market.sectors names sector '" + s.market.sectors[i] + "' twice; names must differ"};
  double wsum = 0;
  for (double w : s.market.sector_weights) wsum += w;
  if (!(wsum > 0))
    return ConsistencyIssue{"market.sector_weights",
                            "market.sector_weights must contain at least one positive weight"};
  double tsum = 0;
  for (double w : s.incubators.tier_shares) tsum += w;
  if (!(tsum > 0))
    return ConsistencyIssue{"incubators.tier_shares",
                            "incubators.tier_shares must contain at least one positive weight"};
  const auto window = [](const PolicyCommon& c,
                         const std::string& name) -> std::optional<ConsistencyIssue> {
    if (c.end_quarter < c.start_quarter)
      return ConsistencyIssue{"policy." + name + ".end_quarter",
                              "policy." + name + ".end_quarter (" + std::to_string(c.end_quarter) +
                                  ") is before its start_quarter (" +
                                  std::to_string(c.start_quarter) + ")",
                              {"policy." + name + ".start_quarter"}};
    return std::nullopt;
  };
  const auto& pol = s.policy;
  for (const auto& issue :
       {window(pol.tech_transfer_insurance, "tech_transfer_insurance"),
        window(pol.incubator_support, "incubator_support"),
        window(pol.guidance_fund, "guidance_fund"), window(pol.index_loans, "index_loans"),
        window(pol.science_vp, "science_vp"), window(pol.project_grants, "project_grants"),
        window(pol.talent_programme, "talent_programme"),
        window(pol.rd_incentives, "rd_incentives")})
    if (issue) return issue;
  for (const double id : pol.tech_transfer_insurance.pilot_ids)
    if (id != std::floor(id) || id >= s.researchers.institutions)
      return ConsistencyIssue{
          "policy.tech_transfer_insurance.pilot_ids",
          "policy.tech_transfer_insurance.pilot_ids must be whole numbers below "
          "researchers.institutions (" +
              std::to_string(s.researchers.institutions) + ")",
          {"researchers.institutions"}};
  if (pol.rd_incentives.high_tech_tax_rate > pol.rd_incentives.corporate_tax_rate)
    return ConsistencyIssue{"policy.rd_incentives.high_tech_tax_rate",
                            "policy.rd_incentives.high_tech_tax_rate must not exceed "
                            "policy.rd_incentives.corporate_tax_rate",
                            {"policy.rd_incentives.corporate_tax_rate"}};
  if (s.funds.investment_period > s.funds.life)
    return ConsistencyIssue{
        "funds.investment_period",
        "funds.investment_period (" + std::to_string(s.funds.investment_period) +
            ") must not exceed funds.life (" + std::to_string(s.funds.life) + ")",
        {"funds.life"}};
  for (int i = 0; i < kFundTypeCount; ++i) {
    const auto& ft = s.funds.types[static_cast<std::size_t>(i)];
    const std::string key = "funds." + std::string(to_string(static_cast<FundType>(i))) + ".rounds";
    for (std::size_t a = 0; a < ft.rounds.size(); ++a)
      for (std::size_t b = a + 1; b < ft.rounds.size(); ++b)
        if (ft.rounds[a] == ft.rounds[b])
          return ConsistencyIssue{key, key + " lists '" + ft.rounds[a] + "' twice"};
  }
  return std::nullopt;
}

std::string_view to_string(Round r) {
  switch (r) {
    case Round::seed: return "seed";
    case Round::series_a: return "series_a";
    case Round::series_b: return "series_b";
    case Round::growth: return "growth";
  }
  return "unknown";
}

std::string_view to_string(FundType t) {
  switch (t) {
    case FundType::angel: return "angel";
    case FundType::vc: return "vc";
    case FundType::guidance: return "guidance";
    case FundType::corporate: return "corporate";
  }
  return "unknown";
}

std::string_view to_string(Tier t) {
  switch (t) {
    case Tier::municipal: return "municipal";
    case Tier::provincial: return "provincial";
    case Tier::national: return "national";
  }
  return "unknown";
}

}  // namespace incubsim
