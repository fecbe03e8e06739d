#pragma once
// Parameters of the policy instruments, scenario sections [policy.<name>].
// Every instrument is off unless `enabled = true`, acts in quarters
// start_quarter .. end_quarter (inclusive) and never spends more than
// budget_per_year in a simulated year (quarters 4k .. 4k+3).
#include <string>
#include <vector>

namespace incubsim {

struct PolicyCommon {
  bool enabled = false;
  int start_quarter = 0;
  int end_quarter = 2000;
  double budget_per_year = 0.0;  // million yuan
};

/// Insurance of technology transfers ("secondary relief"): pilot
/// institutions' researchers can insure the liability of a failed transfer.
struct TechTransferInsurancePolicy : PolicyCommon {
  TechTransferInsurancePolicy() { budget_per_year = 5.0; }
  int pilot_count = 11;           // largest institutions by researchers; 0 = all
  double pilot_share = 0.0;       // if > 0: this share of institutions instead of pilot_count
  std::vector<double> pilot_ids;  // explicit pilots (institution ids); override pilot_count
  double take_up = 1.0;           // share of pilot transfers registered in the scheme
  double coverage = 0.8;          // share of the liability paid on a covered failure
  double premium_rate = 0.05;     // premium as a share of the insured exposure
  double premium_subsidy = 0.5;   // share of the premium the government pays
  int claim_window = 8;           // quarters after the transfer in which failures are covered
  double max_claim = 5.0;         // M yuan per transfer
  double insurer_capital = 20.0;
};

/// Incubation: more space, operating subsidies, professional operators and
/// easier tier promotion with awards.
struct IncubatorSupportPolicy : PolicyCommon {
  IncubatorSupportPolicy() { budget_per_year = 100.0; }
  double places_per_year = 100.0;
  double cost_per_place = 0.5;
  double operating_subsidy = 0.02;      // M yuan per tenant per quarter
  double subsidy_quality_boost = 0.15;  // service quality added while subsidised
  double conversions_per_year = 1.0;    // government incubators handed to professional operators
  double conversion_cost = 2.0;
  double promotion_threshold_factor = 0.8;
  double tier_award = 1.0;  // M yuan per promotion
};

/// Government guidance funds with private matching and a stage mandate.
struct GuidanceFundPolicy : PolicyCommon {
  GuidanceFundPolicy() { budget_per_year = 300.0; }
  double public_capital = 200.0;  // per fund
  double private_matching = 1.5;  // private capital per unit of public capital
  double funds_per_year = 1.0;
  std::vector<std::string> rounds{"seed", "series_a"};
  double hurdle_discount = 0.3;  // lower hurdle than a guidance fund's default
};

/// Sci-tech index loans: banks lend to firms by an innovation score, the
/// government subsidises interest.
struct IndexLoansPolicy : PolicyCommon {
  IndexLoansPolicy() { budget_per_year = 5.0; }
  double credit_line = 1000.0;  // M yuan the partner banks will have outstanding
  double min_score = 3.0;
  double score_ip_weight = 1.0;             // per log(1 + IP count)
  double score_rd_weight = 10.0;            // per unit of R&D intensity (capped at 1)
  double score_certification_weight = 2.0;  // tech SME 1x, high-tech 2x
  double loan_share = 0.5;                  // share of the sought amount lent
  double max_loan = 5.0;
  double interest_rate = 0.045;   // per year
  double interest_subsidy = 0.5;  // share of interest the government pays
  int term = 8;                   // quarters to repayment
};

/// Science vice-presidents: researchers seconded into firms.
struct ScienceVpPolicy : PolicyCommon {
  ScienceVpPolicy() { budget_per_year = 2.0; }
  double secondments_per_year = 12.0;
  int duration = 8;                // quarters
  double stipend = 0.03;           // M yuan per secondee per quarter
  double development_boost = 0.3;  // host's development speed multiplier - 1
  double ip_boost = 0.5;           // host's IP rate multiplier - 1
  double researcher_output = 0.5;  // secondee's invention rate multiplier
};

/// Competitive key-project grants.
struct ProjectGrantsPolicy : PolicyCommon {
  ProjectGrantsPolicy() { budget_per_year = 30.0; }
  double grants_per_year = 10.0;
  double max_grant = 3.0;         // M yuan (Ouhai's cap)
  double rd_multiple = 1.0;       // grant = min(max_grant, rd_multiple x annual R&D)
  double application_rate = 0.3;  // share of eligible firms applying each year
  double review_noise = 0.7;      // sd of the reviewers' error on quality
};

/// Talent programmes and entrepreneurship competitions: extra inflow.
struct TalentProgrammePolicy : PolicyCommon {
  TalentProgrammePolicy() { budget_per_year = 10.0; }
  double extra_founders = 5.0;         // per quarter (Poisson)
  double founder_quality_bonus = 0.3;  // sd of quality above independent founders
  double extra_researchers = 5.0;      // per quarter (Poisson)
  double founder_grant = 0.5;          // M yuan start-up grant per founder
  double researcher_grant = 0.2;       // M yuan settlement grant per researcher
};

/// R&D incentives tied to certification: high-tech tax rate, R&D super
/// deduction, awards for new certificates.
struct RdIncentivesPolicy : PolicyCommon {
  RdIncentivesPolicy() { budget_per_year = 50.0; }
  double corporate_tax_rate = 0.25;
  double high_tech_tax_rate = 0.15;
  double super_deduction = 1.0;      // extra deduction per yuan of R&D (tech SMEs, high-tech)
  double certification_award = 0.2;  // M yuan per new high-tech certificate
  double threshold_response = 0.02;  // firms this close below an R&D threshold raise R&D to it
};

struct PolicyParams {
  TechTransferInsurancePolicy tech_transfer_insurance;
  IncubatorSupportPolicy incubator_support;
  GuidanceFundPolicy guidance_fund;
  IndexLoansPolicy index_loans;
  ScienceVpPolicy science_vp;
  ProjectGrantsPolicy project_grants;
  TalentProgrammePolicy talent_programme;
  RdIncentivesPolicy rd_incentives;
};

}  // namespace incubsim
