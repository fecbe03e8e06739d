// Registry entries of the policy instruments ([policy.<name>] sections).
#include "scenario/param_table.hpp"

namespace incubsim {
namespace {

constexpr const char* kOuhai002 = "Ouhai S&T bureau H1 2024 report, shared/reference/seeds/002";
constexpr const char* kEitLaw = "PRC Enterprise Income Tax Law (2007), arts. 4 and 28";
constexpr const char* kSuperDeduction =
    "MoF/SAT announcement 2023 No. 7 (100 % extra R&D deduction)";

void common(ParamTable& t, const std::string& prefix, PolicyCommon& p,
            const std::string& budget_doc, const std::string& budget_source) {
  t.add(prefix + "enabled", &p.enabled, 0, 1, "-", "Switches the instrument on.", "-");
  t.add(prefix + "start_quarter", &p.start_quarter, 0, 10000, "quarter",
        "First simulated quarter in which the instrument acts (burn-in quarters count).", "-");
  t.add(prefix + "end_quarter", &p.end_quarter, 0, 10000, "quarter",
        "Last simulated quarter in which the instrument acts.", "-");
  t.add(prefix + "budget_per_year", &p.budget_per_year, 0, 1e7, "M yuan/year", budget_doc,
        budget_source);
}

void insurance(ParamTable& t, TechTransferInsurancePolicy& p) {
  const std::string k = "policy.tech_transfer_insurance.";
  common(t, k, p, "Cap on the government's premium subsidies in a year.", kAssumption);
  t.add(k + "pilot_count", &p.pilot_count, 0, 1e5, "institutions",
        "Pilot institutions (the largest by researchers); 0 makes every institution a pilot.",
        "11 pilot universities and institutes, " + std::string(kOuhai000));
  t.add(k + "pilot_share", &p.pilot_share, 0, 1, "share",
        "If positive, this share of institutions (rounded, the largest first) are pilots "
        "instead of pilot_count.",
        "-");
  auto& ids = t.add(k + "pilot_ids", &p.pilot_ids, 0, 1e5, "institution ids",
                    "Explicit pilot institutions (row numbers of /agents/institutions); when "
                    "given, pilot_count is ignored.",
                    "-");
  ids.min_items = 0;
  ids.max_items = 1000;
  t.add(k + "take_up", &p.take_up, 0, 1, "share",
        "Share of pilot institutions' transfers that are registered in the scheme (offered "
        "cover); the others are decided without it.",
        "assumption; Ouhai aimed at 10 or more insured cases in the first year, " +
            std::string(kOuhai002));
  t.add(k + "coverage", &p.coverage, 0, 1, "share",
        "Share of the liability of a failed transfer the insurer pays. With 0 the instrument "
        "offers nothing and the run equals one without it.",
        kAssumption);
  t.add(k + "premium_rate", &p.premium_rate, 0, 1, "share of exposure",
        "Premium per insured transfer as a share of its exposure (the liability at stake).",
        kAssumption);
  t.add(k + "premium_subsidy", &p.premium_subsidy, 0, 1, "share",
        "Share of each premium the government pays (within the budget).", kAssumption);
  t.add(k + "claim_window", &p.claim_window, 1, 200, "quarters",
        "Quarters after a transfer in which its failure is covered (failures count only within "
        "transfer.failure_window too).",
        kAssumption);
  t.add(k + "max_claim", &p.max_claim, 0, 1e5, "M yuan", "Largest claim paid for one transfer.",
        kAssumption);
  t.add(k + "insurer_capital", &p.insurer_capital, 0, 1e7, "M yuan",
        "Insurer's reserve at the start of the scheme.", kAssumption);
}

void incubators(ParamTable& t, IncubatorSupportPolicy& p) {
  const std::string k = "policy.incubator_support.";
  common(t, k, p, "Cap on space, subsidies, operator conversions and awards in a year.",
         kAssumption);
  t.add(k + "places_per_year", &p.places_per_year, 0, 1e6, "places/year",
        "Incubator places added each year (spread over incubators in proportion to capacity).",
        "assumption; Ouhai added 193,800 m2 of incubation space in H1 2024, " +
            std::string(kOuhai002));
  t.add(k + "cost_per_place", &p.cost_per_place, 0, 1e4, "M yuan/place",
        "Public cost of one new place.", kAssumption);
  t.add(k + "operating_subsidy", &p.operating_subsidy, 0, 1e3, "M yuan/tenant/quarter",
        "Operating subsidy per tenant per quarter.", kAssumption);
  t.add(k + "subsidy_quality_boost", &p.subsidy_quality_boost, 0, 1, "quality",
        "Service quality added to a subsidised incubator (capped at 1).", kAssumption);
  t.add(k + "conversions_per_year", &p.conversions_per_year, 0, 1e4, "incubators/year",
        "Government incubators handed to professional operators each year.",
        "assumption; Ouhai brought in 7 professional operators, " + std::string(kOuhai000));
  t.add(k + "conversion_cost", &p.conversion_cost, 0, 1e4, "M yuan",
        "Public cost of one conversion.", kAssumption);
  t.add(k + "promotion_threshold_factor", &p.promotion_threshold_factor, 0.01, 10, "x",
        "Multiplies incubators.promotion_graduates_per_slot while active (below 1: easier "
        "promotion).",
        kAssumption);
  t.add(k + "tier_award", &p.tier_award, 0, 1e4, "M yuan", "Award for each tier promotion.",
        kAssumption);
}

void guidance(ParamTable& t, GuidanceFundPolicy& p) {
  const std::string k = "policy.guidance_fund.";
  common(t, k, p, "Cap on public capital committed in a year.", kAssumption);
  t.add(k + "public_capital", &p.public_capital, 0, 1e6, "M yuan",
        "Public capital committed to each new guidance fund.", kAssumption);
  t.add(k + "private_matching", &p.private_matching, 0, 100, "x",
        "Private capital raised per yuan of public capital.", kAssumption);
  t.add(k + "funds_per_year", &p.funds_per_year, 0, 1e3, "funds/year",
        "Guidance funds launched each year (at the first quarter of the year).", kAssumption);
  auto& r = t.add(k + "rounds", &p.rounds, 0, 0, "-",
                  "Rounds the mandate lets the funds invest in.", kAssumption);
  r.choices = round_names();
  r.min_items = 1;
  r.max_items = kRoundCount;
  t.add(k + "hurdle_discount", &p.hurdle_discount, -10, 10, "sd",
        "How much lower the mandate sets the investment hurdle than funds.guidance.hurdle.",
        kAssumption);
}

void loans(ParamTable& t, IndexLoansPolicy& p) {
  const std::string k = "policy.index_loans.";
  common(t, k, p, "Cap on interest subsidies in a year.",
         "assumption; Ouhai expected 1.25M yuan of subsidies on 66M yuan of loans in H1 2024, " +
             std::string(kOuhai002));
  t.add(k + "credit_line", &p.credit_line, 0, 1e7, "M yuan",
        "Most the partner banks will have lent at once.",
        "assumption; 11 banks with more than 10 billion yuan, " + std::string(kOuhai002));
  t.add(k + "min_score", &p.min_score, 0, 1e3, "points", "Least innovation-index score to borrow.",
        kAssumption);
  t.add(k + "score_ip_weight", &p.score_ip_weight, 0, 100, "points", "Score per log(1 + IP count).",
        kAssumption);
  t.add(k + "score_rd_weight", &p.score_rd_weight, 0, 1000, "points",
        "Score per unit of R&D intensity (intensity capped at 1).", kAssumption);
  t.add(k + "score_certification_weight", &p.score_certification_weight, 0, 100, "points",
        "Score for a tech-SME certificate (twice that for high-tech).", kAssumption);
  t.add(k + "loan_share", &p.loan_share, 0, 1, "share",
        "Share of the amount a firm seeks that a loan covers.", kAssumption);
  t.add(k + "max_loan", &p.max_loan, 0, 1e5, "M yuan", "Largest loan to one firm.", kAssumption);
  t.add(k + "interest_rate", &p.interest_rate, 0, 1, "1/year", "Loan interest rate.", kAssumption);
  t.add(k + "interest_subsidy", &p.interest_subsidy, 0, 1, "share",
        "Share of the interest the government pays.", kAssumption);
  t.add(k + "term", &p.term, 1, 200, "quarters", "Quarters until a loan is repaid.", kAssumption);
}

void science_vp(ParamTable& t, ScienceVpPolicy& p) {
  const std::string k = "policy.science_vp.";
  common(t, k, p, "Cap on stipends in a year.", kAssumption);
  t.add(k + "secondments_per_year", &p.secondments_per_year, 0, 1e5, "researchers/year",
        "Researchers seconded into firms each year.",
        "assumption; Ouhai seconded 48 experts into 40 firms, " + std::string(kOuhai000));
  t.add(k + "duration", &p.duration, 1, 200, "quarters", "Length of a secondment.", kAssumption);
  t.add(k + "stipend", &p.stipend, 0, 1e3, "M yuan/quarter", "Public stipend per secondee.",
        kAssumption);
  t.add(k + "development_boost", &p.development_boost, 0, 10, "x",
        "Extra development speed of a host firm (multiplier minus 1).", kAssumption);
  t.add(k + "ip_boost", &p.ip_boost, 0, 10, "x",
        "Extra IP per R&D yuan of a host firm (multiplier minus 1).", kAssumption);
  t.add(k + "researcher_output", &p.researcher_output, 0, 1, "x",
        "Secondee's invention rate relative to working full time in research.", kAssumption);
}

void grants(ParamTable& t, ProjectGrantsPolicy& p) {
  const std::string k = "policy.project_grants.";
  common(t, k, p, "Cap on grants awarded in a year.", kAssumption);
  t.add(k + "grants_per_year", &p.grants_per_year, 0, 1e5, "grants/year",
        "Grants awarded at each year-end competition.", kAssumption);
  t.add(k + "max_grant", &p.max_grant, 0, 1e4, "M yuan", "Largest grant.",
        "3 million yuan per key project, " + std::string(kOuhai000));
  t.add(k + "rd_multiple", &p.rd_multiple, 0, 100, "x",
        "A grant is this multiple of the winner's annual R&D, up to max_grant.", kAssumption);
  t.add(k + "application_rate", &p.application_rate, 0, 1, "share",
        "Share of eligible firms (doing R&D) that apply each year.", kAssumption);
  t.add(k + "review_noise", &p.review_noise, 0, 10, "sd",
        "Reviewers' error in judging an applicant's quality.", kAssumption);
}

void talent(ParamTable& t, TalentProgrammePolicy& p) {
  const std::string k = "policy.talent_programme.";
  common(t, k, p, "Cap on start-up and settlement grants in a year.", kAssumption);
  t.add(k + "extra_founders", &p.extra_founders, 0, 1e5, "founders/quarter",
        "Extra founders per quarter (Poisson), e.g. from entrepreneurship competitions.",
        "assumption; 30 competition projects landed over 6 years, " + std::string(kOuhai000));
  t.add(k + "founder_quality_bonus", &p.founder_quality_bonus, -10, 10, "sd",
        "Quality of programme founders above firms.quality_mean (they are selected).", kAssumption);
  t.add(k + "extra_researchers", &p.extra_researchers, 0, 1e5, "researchers/quarter",
        "Extra researchers per quarter (Poisson).", kAssumption);
  t.add(k + "founder_grant", &p.founder_grant, 0, 1e4, "M yuan",
        "Start-up grant paid into each programme firm.", kAssumption);
  t.add(k + "researcher_grant", &p.researcher_grant, 0, 1e4, "M yuan",
        "Settlement grant per programme researcher.", kAssumption);
}

void rd_incentives(ParamTable& t, RdIncentivesPolicy& p) {
  const std::string k = "policy.rd_incentives.";
  common(t, k, p, "Cap on tax forgone and awards in a year.", kAssumption);
  t.add(k + "corporate_tax_rate", &p.corporate_tax_rate, 0, 1, "share",
        "Standard corporate income tax rate.", kEitLaw);
  t.add(k + "high_tech_tax_rate", &p.high_tech_tax_rate, 0, 1, "share",
        "Tax rate of certified high-tech enterprises.", kEitLaw);
  t.add(k + "super_deduction", &p.super_deduction, 0, 10, "x",
        "Extra deduction from taxable profit per yuan of R&D (tech SMEs and high-tech firms).",
        kSuperDeduction);
  t.add(k + "certification_award", &p.certification_award, 0, 1e4, "M yuan",
        "Award for each new high-tech certificate.",
        "assumption; local awards for new high-tech enterprises");
  t.add(k + "threshold_response", &p.threshold_response, 0, 1, "share of revenue",
        "Firms whose R&D intensity is at most this far below a high-tech threshold raise it to "
        "the threshold at the year-end review.",
        kAssumption);
}

}  // namespace

void bind_policy_params(ParamTable& t, PolicyParams& p) {
  insurance(t, p.tech_transfer_insurance);
  incubators(t, p.incubator_support);
  guidance(t, p.guidance_fund);
  loans(t, p.index_loans);
  science_vp(t, p.science_vp);
  grants(t, p.project_grants);
  talent(t, p.talent_programme);
  rd_incentives(t, p.rd_incentives);
}

}  // namespace incubsim
