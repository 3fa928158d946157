// The scenario format as data: every section, its keys and which are required. Validation
// and the walk of --set paths both read it, so the two cannot disagree.
#include <limits>
#include <sstream>

#include "world/load.h"
#include "world/yaml_reader.h"

namespace entrepot::yaml {
namespace {

constexpr std::int64_t kMaxInt = std::numeric_limits<int>::max();

Section behaviour_section() {
  Section section{"behaviour", "", {}};
  for (const auto& p : real_parameters()) section.fields.push_back({p.key});
  for (const auto& p : whole_parameters()) section.fields.push_back({p.key});
  return section;
}

}  // namespace

// Every Behaviour field, its key in the file and what it may be.
const std::vector<RealParameter>& real_parameters() {
  // Hard limits first, then the plausible range (docs/scenario.md justifies its ends).
  // Fractions (0.25 for 25%) are read as such, so a likely percentage is named in the
  // message.
  static const std::vector<RealParameter> table{
      {"search_probability", &Behaviour::search_probability, fraction(), fraction()},
      {"distance_elasticity", &Behaviour::distance_elasticity, between(0, 10), between(0, 1.5)},
      {"border_cost", &Behaviour::border_cost, between(0, kHuge), fraction(0, 1)},
      {"data_flow_cost", &Behaviour::data_flow_cost, between(0, kHuge), fraction(0, 2)},
      {"trade_elasticity", &Behaviour::trade_elasticity, between(1, 10), between(1, 10)},
      // Above 1: at σ ≤ 1 a seller's revenue would not fall with its price.
      {"variety_elasticity", &Behaviour::variety_elasticity, {1, 10, true, false}, between(2, 8)},
      {"inventory_target", &Behaviour::inventory_target, between(0, kHuge), between(0, 12)},
      {"inventory_adjust_steps", &Behaviour::inventory_adjust_steps, between(1, kHuge),
       between(1, 24)},
      // Inputs bought in a step arrive after its production: below one step a firm cannot
      // produce its plan.
      {"input_stock_target", &Behaviour::input_stock_target, between(0, kHuge), between(1, 6)},
      // Above 2.2%, fuel for mines and farms, and above 4% chips for carmakers, would not limit
      // output (docs/scenario.md).
      {"critical_input_share", &Behaviour::critical_input_share, between(0, kHuge),
       fraction(0, 0.02)},
      {"expectation_weight", &Behaviour::expectation_weight, fraction(), fraction()},
      {"price_adjust", &Behaviour::price_adjust, fraction(), fraction(0, 0.5)},
      {"markdown", &Behaviour::markdown, between(0, kHuge), between(0, 2)},
      {"cost_pass_through", &Behaviour::cost_pass_through, fraction(), fraction()},
      {"wage_adjust", &Behaviour::wage_adjust, fraction(), fraction(0, 0.5)},
      {"wage_cut_limit", &Behaviour::wage_cut_limit, fraction(), fraction(0, 0.5)},
      {"target_unemployment", &Behaviour::target_unemployment, fraction(), fraction(0, 0.3)},
      {"separation_rate", &Behaviour::separation_rate, fraction(), fraction(0, 0.1)},
      {"job_search_probability", &Behaviour::job_search_probability, fraction(), fraction(0.05, 1)},
      {"consume_income", &Behaviour::consume_income, fraction(), fraction(0.5, 1)},
      {"consume_wealth", &Behaviour::consume_wealth, fraction(), fraction(0.01, 0.5)},
      {"profit_tax", &Behaviour::profit_tax, fraction(), fraction(0, 0.5)},
      {"dividend_share", &Behaviour::dividend_share, fraction(), fraction()},
      {"cash_buffer_steps", &Behaviour::cash_buffer_steps, between(0, kHuge), between(0, 24)},
      {"unemployment_benefit", &Behaviour::unemployment_benefit, fraction(), fraction()},
      {"government_transfer", &Behaviour::government_transfer, fraction(), fraction()},
      {"government_deficit", &Behaviour::government_deficit, fraction(0, 0.1), fraction(0, 0.1)},
      {"credit_line", &Behaviour::credit_line, between(0, kHuge), between(0, 12)},
      {"loan_rate", &Behaviour::loan_rate, fraction(), fraction(0, 0.3)},
      // A bank without a capital requirement could lend without limit.
      {"bank_capital_ratio",
       &Behaviour::bank_capital_ratio,
       {0, 1, true, false, true},
       fraction(0.02, 0.5)},
      // Above 0.5 a step's full pressure would more than halve a rate (agents/currency.h).
      {"exchange_response", &Behaviour::exchange_response, fraction(0, 0.5), fraction(0, 0.3)},
      // Below a quarter, foreign holdings are sold within weeks and rates overshoot.
      {"capital_horizon", &Behaviour::capital_horizon, between(1, kHuge), between(3, 120)},
      {"capital_anchor", &Behaviour::capital_anchor, between(0, kHuge), between(0, 2)},
      // A Pareto shape of 1 or less has no finite mean productivity; below about ε − 1 firm
      // sizes have none either (docs/scenario.md).
      {"productivity_shape",
       &Behaviour::productivity_shape,
       {1, kHuge, true, false},
       between(3.5, 20)},
      // Workers per step; an average firm has about ten (docs/scenario.md).
      {"export_cost", &Behaviour::export_cost, between(0, kHuge), between(0, 2)},
  };
  return table;
}

const std::vector<WholeParameter>& whole_parameters() {
  static const std::vector<WholeParameter> table{
      {"candidates", &Behaviour::candidates, 1, kMaxInt, 20},
      {"exit_patience", &Behaviour::exit_patience, 1, kMaxInt, 120},
  };
  return table;
}

const Section& scenario_format() {
  static const Section agents{"agents", "", {{"consumers"}, {"firms"}}};
  static const Section bloc{
      "bloc", "name", {{"name", true}, {"tariff_factor"}, {"regional_value_content"}}};
  static const Section currency{"currency", "", {{"regime"}, {"parity"}, {"band"}, {"reserves"}}};
  static const Section country{"country",
                               "code",
                               {{"code", true},
                                {"name"},
                                {"blocs"},
                                {"currency", false, Shape::map, &currency},
                                {"specialisation", false, Shape::sector_map},
                                {"border_factor"}}};
  static const Section region{"region",
                              "name",
                              {{"name", true},
                               {"country", true},
                               {"lat", true},
                               {"lon", true},
                               {"population", true},
                               {"gdp", true},
                               {"productivity", true},
                               {"flags"},
                               {"zone_share"},
                               {"trader_presence"},
                               {"offshore_share"},
                               {"wholesale_presence"}}};
  static const Section sector{"sector",
                              "name",
                              {{"name", true},
                               {"kind", true},
                               {"transport_cost"},
                               {"markup"},
                               {"switching_cost"},
                               {"value_added_share"},
                               {"consumer_share"},
                               {"digital"},
                               {"border_cost"},
                               {"price_adjust"}}};
  static const Section mfn{"mfn tariff", "", {{"importer", true}, {"sectors"}, {"rate", true}}};
  static const Section bilateral{
      "bilateral tariff",
      "",
      {{"importer", true}, {"exporter", true}, {"sectors"}, {"rate", true}}};
  static const Section tariffs{
      "tariffs",
      "",
      {{"mfn", false, Shape::list, &mfn}, {"bilateral", false, Shape::list, &bilateral}}};
  static const Section entity_list{
      "entity list", "name", {{"name", true}, {"regions"}, {"sectors"}, {"share"}, {"firms"}}};
  static const Section ban{
      "export ban", "", {{"exporter", true}, {"importer"}, {"sectors", true}, {"entities"}}};
  static const Section behaviour = behaviour_section();
  static const Section checkpoint{"checkpoint", "", {{"every"}, {"path"}}};
  static const Section output{"output",
                              "",
                              {{"path"},
                               {"flush_every"},
                               {"snapshots"},
                               {"progress_every"},
                               {"checkpoint", false, Shape::map, &checkpoint}}};
  static const Section health{"health",
                              "",
                              {{"unemployment_warning"},
                               {"unemployment_limit"},
                               {"price_warning"},
                               {"price_limit"},
                               {"output_warning"},
                               {"output_limit"},
                               {"unemployment_min_households"}}};
  static const Section retail{"retail",
                              "",
                              {{"households_per_market"},
                               {"retailers_per_sector"},
                               {"markup"},
                               {"inventory_target"},
                               {"local_services"}}};
  static const Section traders{"traders",
                               "",
                               {{"per_sector"},
                                {"hub_per_sector"},
                                {"markup"},
                                {"inventory_target"},
                                {"presence"},
                                {"hub_presence"},
                                {"friction_cut"},
                                {"enforcement"},
                                {"hub_tax"},
                                {"foreign_per_sector"},
                                {"foreign_presence"},
                                {"negative_list"},
                                {"offshore_share"},
                                {"settlement_cost"}}};
  static const Section subsidy{
      "relocation subsidy", "", {{"country", true}, {"from"}, {"sectors"}, {"share", true}}};
  static const Section emissions{
      "emissions",
      "",
      {{"sectors", false, Shape::sector_map}, {"countries", false, Shape::country_map}}};
  static const Section carbon_market{"carbon market",
                                     "name",
                                     {{"name", true},
                                      {"country", true},
                                      {"regions"},
                                      {"sectors", true},
                                      {"cap", true},
                                      {"cap_decline"},
                                      {"free_share"},
                                      {"floor"},
                                      {"auction_reserve"},
                                      {"abatement_slope"},
                                      {"abatement_max"},
                                      {"start"}}};
  static const Section venue{
      "venue",
      "name",
      {{"name", true}, {"region", true}, {"sectors", true}, {"members"}, {"fee"}, {"impact"}}};
  static const Section relocation{"relocation",
                                  "",
                                  {{"reserve"},
                                   {"review"},
                                   {"cost"},
                                   {"horizon_years"},
                                   {"sectors"},
                                   {"subsidies", false, Shape::list, &subsidy}}};
  static const Section event{
      "event", "", {{"step", true}, {"type", true}, {"importer"}, {"exporter"}, {"sectors"},
                    {"rate"},       {"mode"},       {"phase_in"}, {"region"},   {"factor"},
                    {"duration"},   {"share"},      {"country"},  {"regime"},   {"parity"},
                    {"band"},       {"reserves"},   {"entities"}, {"from"},     {"venue"},
                    {"members"}}};
  static const Section recipe{"recipe", "", {}};
  static const Section top{"",
                           "",
                           {{"name"},
                            {"base"},
                            {"seed"},
                            {"steps"},
                            {"burn_in"},
                            {"steps_per_year"},
                            {"agents", false, Shape::map, &agents},
                            {"countries", true, Shape::named_list, &country},
                            {"reference_currency"},
                            {"blocs", false, Shape::named_list, &bloc},
                            {"regions", true, Shape::named_list, &region},
                            {"sectors", true, Shape::named_list, &sector},
                            {"recipe", false, Shape::recipe, &recipe},
                            {"tariffs", false, Shape::map, &tariffs},
                            {"entity_lists", false, Shape::named_list, &entity_list},
                            {"export_bans", false, Shape::list, &ban},
                            {"behaviour", false, Shape::map, &behaviour},
                            {"retail", false, Shape::map, &retail},
                            {"traders", false, Shape::map, &traders},
                            {"relocation", false, Shape::map, &relocation},
                            {"emissions", false, Shape::map, &emissions},
                            {"carbon_markets", false, Shape::named_list, &carbon_market},
                            {"venues", false, Shape::named_list, &venue},
                            {"output", false, Shape::map, &output},
                            {"events", false, Shape::list, &event},
                            {"health", false, Shape::map, &health},
                            {"allow_implausible"}}};
  return top;
}

}  // namespace entrepot::yaml

namespace entrepot {

std::string behaviour_table(const Scenario& sc) {
  std::ostringstream out;
  out.precision(15);
  out << "key\tvalue\tplausible_low\tplausible_high\tlow_open\thigh_open\twhole\n";
  for (const auto& p : yaml::real_parameters()) {
    out << p.key << '\t' << sc.behaviour.*p.member << '\t' << p.plausible.lo << '\t'
        << p.plausible.hi << '\t' << p.plausible.lo_open << '\t' << p.plausible.hi_open << "\t0\n";
  }
  for (const auto& p : yaml::whole_parameters()) {
    out << p.key << '\t' << sc.behaviour.*p.member << '\t' << p.lo << '\t' << p.plausible_hi
        << "\t0\t0\t1\n";
  }
  return out.str();
}

}  // namespace entrepot
