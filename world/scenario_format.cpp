// The scenario format as data: every section, its keys and which are required. Validation
// and the walk of --set paths both read it, so the two cannot disagree.
#include <limits>

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
  static const std::vector<RealParameter> table{
      {"search_probability", &Behaviour::search_probability, between(0, 1)},
      {"distance_elasticity", &Behaviour::distance_elasticity, at_least(0)},
      {"border_cost", &Behaviour::border_cost, at_least(0)},
      {"data_flow_cost", &Behaviour::data_flow_cost, at_least(0)},
      {"trade_elasticity", &Behaviour::trade_elasticity, between(1, 10)},
      {"inventory_target", &Behaviour::inventory_target, at_least(0)},
      {"inventory_adjust_steps", &Behaviour::inventory_adjust_steps, at_least(1)},
      {"input_stock_target", &Behaviour::input_stock_target, at_least(0)},
      {"expectation_weight", &Behaviour::expectation_weight, between(0, 1)},
      {"price_adjust", &Behaviour::price_adjust, between(0, 1)},
      {"cost_pass_through", &Behaviour::cost_pass_through, between(0, 1)},
      {"wage_adjust", &Behaviour::wage_adjust, between(0, 1)},
      {"wage_cut_limit", &Behaviour::wage_cut_limit, between(0, 1)},
      {"target_unemployment", &Behaviour::target_unemployment, between(0, 1)},
      {"separation_rate", &Behaviour::separation_rate, between(0, 1)},
      {"job_search_probability", &Behaviour::job_search_probability, between(0, 1)},
      {"consume_income", &Behaviour::consume_income, between(0, 1)},
      {"consume_wealth", &Behaviour::consume_wealth, between(0, 1)},
      {"profit_tax", &Behaviour::profit_tax, between(0, 1)},
      {"dividend_share", &Behaviour::dividend_share, between(0, 1)},
      {"cash_buffer_steps", &Behaviour::cash_buffer_steps, at_least(0)},
      {"unemployment_benefit", &Behaviour::unemployment_benefit, between(0, 1)},
      {"government_transfer", &Behaviour::government_transfer, between(0, 1)},
      {"government_deficit", &Behaviour::government_deficit, between(0, 0.1)},
      // A Pareto shape of 1 or less has no finite mean productivity.
      {"productivity_shape", &Behaviour::productivity_shape, above(1)},
  };
  return table;
}

const std::vector<WholeParameter>& whole_parameters() {
  static const std::vector<WholeParameter> table{
      {"candidates", &Behaviour::candidates, 1, kMaxInt},
      {"exit_patience", &Behaviour::exit_patience, 1, kMaxInt},
  };
  return table;
}

const Section& scenario_format() {
  static const Section agents{"agents", "", {{"consumers"}, {"firms"}}};
  static const Section bloc{"bloc", "name", {{"name", true}, {"tariff_factor"}}};
  static const Section country{"country", "code", {{"code", true}, {"name"}, {"blocs"}}};
  static const Section region{"region",
                              "name",
                              {{"name", true},
                               {"country", true},
                               {"lat", true},
                               {"lon", true},
                               {"population", true},
                               {"gdp", true},
                               {"productivity", true},
                               {"flags"}}};
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
                               {"border_cost"}}};
  static const Section mfn{"mfn tariff", "", {{"importer", true}, {"sectors"}, {"rate", true}}};
  static const Section bilateral{
      "bilateral tariff",
      "",
      {{"importer", true}, {"exporter", true}, {"sectors"}, {"rate", true}}};
  static const Section tariffs{
      "tariffs",
      "",
      {{"mfn", false, Shape::list, &mfn}, {"bilateral", false, Shape::list, &bilateral}}};
  static const Section ban{"export ban", "", {{"exporter", true}, {"importer"}, {"sectors", true}}};
  static const Section behaviour = behaviour_section();
  static const Section checkpoint{"checkpoint", "", {{"every"}, {"path"}}};
  static const Section output{"output",
                              "",
                              {{"path"},
                               {"flush_every"},
                               {"snapshots"},
                               {"progress_every"},
                               {"checkpoint", false, Shape::map, &checkpoint}}};
  static const Section event{"event",
                             "",
                             {{"step", true},
                              {"type", true},
                              {"importer"},
                              {"exporter"},
                              {"sectors"},
                              {"rate"},
                              {"mode"},
                              {"phase_in"}}};
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
                            {"blocs", false, Shape::named_list, &bloc},
                            {"regions", true, Shape::named_list, &region},
                            {"sectors", true, Shape::named_list, &sector},
                            {"recipe", false, Shape::recipe, &recipe},
                            {"tariffs", false, Shape::map, &tariffs},
                            {"export_bans", false, Shape::list, &ban},
                            {"behaviour", false, Shape::map, &behaviour},
                            {"output", false, Shape::map, &output},
                            {"events", false, Shape::list, &event}}};
  return top;
}

}  // namespace entrepot::yaml
