#pragma once
// The typed, validated scenario. Loaded once (scenario/loader.hpp), then
// frozen: a Simulation holds it const. Every field here is a scenario key of
// the same name (section.field); scenario/params.cpp gives each one's range,
// unit, meaning and the source of its default, and docs/ODD.md lists them.
//
// Units: money in million yuan (CNY 1e6), time in quarters, rates per
// quarter unless the name says otherwise; latent quality in standard
// deviations of the population of inventions.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "scenario/policies.hpp"

namespace incubsim {

/// Financing rounds, in order.
enum class Round : std::uint8_t { seed = 0, series_a = 1, series_b = 2, growth = 3 };
inline constexpr int kRoundCount = 4;

/// Fund types; each has its own parameter section [funds.<type>].
enum class FundType : std::uint8_t { angel = 0, vc = 1, guidance = 2, corporate = 3 };
inline constexpr int kFundTypeCount = 4;

/// Incubator tiers, earned by performance.
enum class Tier : std::uint8_t { municipal = 0, provincial = 1, national = 2 };
inline constexpr int kTierCount = 3;

struct SimulationParams {
  int quarters = 40;             // recorded quarters
  int burn_in = 8;               // simulated before recording starts
  std::int64_t seed = 20240601;  // master seed of all random streams
  bool record_events = true;     // write the /events table
  bool record_agents = true;     // write the final /agents and /network tables
};

struct MarketParams {
  std::vector<std::string> sectors{"digital_economy", "life_science", "advanced_manufacturing",
                                   "new_materials", "new_energy"};
  std::vector<double> sector_weights{0.30, 0.20, 0.25, 0.15, 0.10};
  std::vector<double> sector_growth{0.030, 0.025, 0.015, 0.015, 0.025};
  double revenue_volatility = 0.20;
  double growth_size_drag = 0.015;
  double gross_margin = 0.50;
  double wage = 0.05;
  double revenue_per_employee = 0.30;
  double exogenous_exit_hazard = 0.008;
  double acquisition_hazard = 0.006;
  double acquisition_quality_effect = 0.5;
  double acquisition_revenue_multiple = 4.0;
  double acquihire_value_share = 1.0;
  double ipo_revenue_threshold = 50.0;
  double ipo_hazard = 0.04;
  double ipo_revenue_multiple = 8.0;
};

struct ResearcherParams {
  int count = 4000;
  int institutions = 12;
  double university_share = 0.5;
  double inventions_per_year = 0.3;
  double productivity_sigma = 0.9;
  double risk_aversion_mean = 1.0;
  double risk_aversion_sd = 0.4;
  double self_assessment_noise = 0.5;
  double collaborators_mean = 3.0;
  double collaboration_spillover = 0.15;
  double entry_rate = 0.008;
  double exit_rate = 0.006;
};

struct InventionParams {
  double quality_mean = 0.0;
  double quality_sd = 1.0;
  double maturity_a = 2.0;
  double maturity_b = 5.0;
  double institute_maturity_shift = 0.1;
  double value_mean = 2.0;
  double value_sigma = 1.0;
};

struct TransferParams {
  double publish_value = 0.6;
  double royalty_share = 0.5;
  double licence_fee_share = 0.2;
  double spinoff_equity = 0.7;
  double spinoff_value_multiplier = 2.0;
  double spinoff_cost = 4.0;
  double success_intercept = -0.5;
  double success_quality = 1.0;
  double success_maturity = 1.5;
  double liability_share = 0.3;
  double decision_noise = 0.5;
  int failure_window = 8;
  int licensee_candidates = 8;
  double licence_maturity_boost = 0.5;
  double liability_learning = 0.2;
  double personal_liability_share = 0.3;
};

struct FirmParams {
  int initial_count = 1200;
  int initial_age_max = 40;
  double founders_per_quarter = 35.0;
  double quality_mean = -0.3;
  double quality_sd = 1.0;
  double founder_cash_mean = 1.0;
  double founder_cash_sigma = 0.8;
  double spinoff_cash_mean = 1.0;
  int founding_employees = 3;
  double fixed_cost = 0.03;
  double development_rate = 0.1;
  double development_quality_effect = 0.3;
  double development_noise = 0.3;
  double rd_share_pre_revenue = 0.6;
  double rd_intensity = 0.04;
  double rd_intensity_sigma = 0.7;
  double launch_revenue = 0.3;
  double launch_quality_effect = 0.5;
  double revenue_quality_drift = 0.02;
  double venture_growth_boost = 0.04;
  double staffing_adjustment = 0.3;
  double seek_runway = 4.0;
  double target_runway = 8.0;
  std::vector<double> round_burn_multiplier{1.5, 3.0, 3.0, 2.5};
  double ip_per_rd = 0.3;
  double growth_revenue = 5.0;
  int tech_sme_max_employees = 500;
  double tech_sme_max_revenue = 200.0;
  double tech_sme_min_rd_intensity = 0.03;
  int high_tech_min_age = 4;
  int high_tech_min_ip = 1;
  int high_tech_validity = 12;
  std::vector<double> high_tech_rd_intensity{0.05, 0.04, 0.03};
  double above_size_revenue = 20.0;
};

struct IncubatorParams {
  int count = 20;
  double capacity_mean = 30.0;
  double capacity_sigma = 0.5;
  double service_quality_a = 2.0;
  double service_quality_b = 2.0;
  double professional_share = 0.35;
  std::vector<double> tier_shares{0.6, 0.3, 0.1};
  double application_rate = 0.5;
  int application_max_age = 8;
  int applications_per_firm = 2;
  double signal_noise_government = 1.0;
  double signal_noise_professional = 0.6;
  double admission_threshold = -0.5;
  int max_stay = 16;
  double rent_subsidy = 0.5;
  double development_boost = 0.5;
  double hazard_reduction = 0.5;
  double graduation_revenue = 2.0;
  double initial_occupancy = 0.7;
  double affiliated_funds_mean = 2.0;
  double promotion_graduates_per_slot = 0.15;
  double tier_quality_step = 0.1;
};

/// Parameters of one fund type, section [funds.<type>].
struct FundTypeParams {
  int initial_count = 0;
  double size_mean = 100.0;
  double size_sigma = 0.6;
  std::vector<std::string> rounds{"seed"};
  double specialist_share = 0.5;
  double round_share = 0.5;
  double max_position = 0.1;
  int screening_capacity = 4;
  double dd_noise = 0.8;
  double hurdle = 0.5;
  double reserve_share = 0.3;
  double entry_rate = 0.0;
};

/// Per-type defaults: angel, vc, guidance, corporate (see params.cpp).
std::array<FundTypeParams, kFundTypeCount> default_fund_types();

struct FundParams {
  int life = 40;
  int investment_period = 20;
  double management_fee = 0.005;
  double successor_tvpi = 1.5;
  double successor_size_growth = 1.3;
  double dilution = 0.25;
  double valuation_signal_effect = 0.3;
  double liquidation_haircut = 0.5;
  int co_investor_invitations = 3;
  double shared_signal_noise = 0.5;
  double min_fill = 0.3;
  double insider_signal_noise = 0.5;
  std::array<FundTypeParams, kFundTypeCount> types = default_fund_types();
};

struct NetworkParams {
  double alliance_rate = 0.03;
  double alliance_spillover = 0.2;
  double alliance_decay = 0.02;
  double collaboration_rate = 0.01;
  double collaboration_decay = 0.01;
  double collaboration_locality = 0.8;
  double affiliation_rate = 0.3;
  int measure_every = 1;
};

struct Scenario {
  SimulationParams simulation;
  MarketParams market;
  ResearcherParams researchers;
  InventionParams inventions;
  TransferParams transfer;
  FirmParams firms;
  IncubatorParams incubators;
  FundParams funds;
  NetworkParams network;
  PolicyParams policy;

  int sector_count() const { return static_cast<int>(market.sectors.size()); }
  int total_quarters() const { return simulation.burn_in + simulation.quarters; }
};

std::string_view to_string(Round r);
std::string_view to_string(FundType t);
std::string_view to_string(Tier t);

}  // namespace incubsim
