// Plausible ranges and unit slips: values inside the hard limits that no economy shows are
// refused with what was read, what is plausible and how to accept them on purpose.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/load_fixtures.h"
#include "world/load.h"

namespace entrepot::load_testing {
namespace {

TEST(Plausible, APercentageWrittenAsARateIsNamed) {
  const std::string message = error_of(kTiny, {"tariffs.mfn.0.rate=25"});
  expect_error(message, "--set tariffs.mfn.0.rate=25: ",
               {"rate is 25", "plausible", "rate 25 is 2500%; write 0.25 for 25%",
                "allow_implausible: [tariffs]", "--set allow_implausible=[tariffs]"});
  // In the file, the place of the value.
  expect_error_in_tiny("sectors: [ore, goods], rate: 0.05", "sectors: [ore, goods], rate: 5",
                       "rate: 5}", 6, {"rate 5 is 500%; write 0.05 for 5%", "[tariffs]"});
  expect_error_in_tiny("type: tariff, importer: AAA, exporter: BBB, sectors: [goods], rate: 0.2",
                       "type: tariff, importer: AAA, exporter: BBB, sectors: [goods], rate: 20",
                       "rate: 20}", 6, {"rate 20 is 2000%", "[events]"});
}

TEST(Plausible, AcceptedOnPurpose) {
  Scenario s = parse_scenario(
      kTiny, "t.yaml",
      {"allow_implausible=[tariffs, sectors]", "tariffs.mfn.0.rate=25", "sectors.goods.markup=15"});
  EXPECT_DOUBLE_EQ(s.mfn[0].rate, 25.0);
  EXPECT_DOUBLE_EQ(s.sectors[1].markup, 15.0);
  s = parse_scenario(
      "allow_implausible: [regions]\n" + tiny_with("productivity: 1.5", "productivity: 500"),
      "t.yaml");
  EXPECT_DOUBLE_EQ(s.regions[0].productivity, 500.0);
  // Only the listed sections.
  expect_error(error_of(kTiny, {"allow_implausible=[sectors]", "tariffs.mfn.0.rate=25"}),
               "--set tariffs.mfn.0.rate=25: ", {"[tariffs]"});
}

TEST(Plausible, EveryKindOfValue) {
  struct Case {
    std::string set, words;
  };
  const std::vector<Case> cases{
      {"sectors.goods.markup=15", "markup 15 is 1500%; write 0.15 for 15%"},
      {"sectors.ore.transport_cost=5", "transport_cost 5 is 500%"},
      {"sectors.goods.value_added_share=1000", "[sectors]"},
      {"sectors.goods.border_cost=30", "border_cost 30 is 3000%"},
      {"regions.A1.productivity=500", "[regions]"},
      {"regions.A1.population=20000", "[regions]"},
      {"recipe.ore.goods=10", "[recipe]"},
      {"agents.consumers=1000000000000", "[agents]"},
      {"behaviour.price_adjust=0.9", "[behaviour]"},
      {"behaviour.candidates=50", "[behaviour]"},
      // Ends no economy shows (docs/scenario.md, behaviour).
      {"behaviour.input_stock_target=0", "[behaviour]"},
      {"behaviour.input_stock_target=12", "[behaviour]"},
      {"behaviour.critical_input_share=0.1", "[behaviour]"},
      {"behaviour.cash_buffer_steps=30", "[behaviour]"},
      {"behaviour.consume_wealth=0", "[behaviour]"},
      {"behaviour.consume_income=0.2", "[behaviour]"},
      {"behaviour.job_search_probability=0", "[behaviour]"},
      {"behaviour.profit_tax=0.8", "[behaviour]"},
      {"behaviour.border_cost=2", "[behaviour]"},
      {"behaviour.distance_elasticity=3", "[behaviour]"},
      {"behaviour.productivity_shape=2", "[behaviour]"},
      {"steps=100000", "[steps]"},
      {"events.0.phase_in=1000", "[events]"},
  };
  for (const Case& c : cases) {
    expect_error(error_of(kTiny, {c.set}), "--set " + c.set + ": ",
                 {"outside its plausible range", c.words});
  }
}

TEST(Plausible, HardLimitsHoldEvenOnPurpose) {
  const std::string all =
      "allow_implausible=[steps, burn_in, steps_per_year, agents, blocs, regions, sectors, "
      "recipe, tariffs, behaviour, events]";
  for (const std::string set : {"sectors.goods.markup=1e300", "regions.A1.productivity=1e20",
                                "recipe.ore.goods=1e20", "sectors.ore.value_added_share=1e308",
                                "sectors.ore.transport_cost=1e300", "tariffs.mfn.0.rate=1e300"}) {
    expect_error(error_of(kTiny, {all, set}), "--set " + set + ": ", {"out of range"});
  }
  expect_error(error_of(kTiny, {all, "agents.firms=3000000000"}),
               "--set agents.firms=3000000000: ", {"32-bit firm ids", "2147483647"});
  // A fraction with hard limits names the likely percentage too.
  expect_error(error_of(kTiny, {"sectors.goods.switching_cost=3"}),
               "--set sectors.goods.switching_cost=3: ",
               {"out of range", "switching_cost 3 is 300%; write 0.03 for 3%"});
}

TEST(Plausible, UnknownSectionsAreNamed) {
  expect_error(error_of(kTiny, {"allow_implausible=[tarifs]"}),
               "--set allow_implausible=[tarifs]: ", {"did you mean 'tariffs'", "behaviour"});
  expect_error(error_of(kTiny, {"allow_implausible=tariffs"}),
               "--set allow_implausible=tariffs: ", {"a list of"});
}

TEST(Plausible, ShippedScenariosArePlausible) {
  for (const char* file : {"baseline.yaml", "us_china_tariffs.yaml", "scenarios/rcep.yaml",
                           "scenarios/full_decoupling.yaml", "scenarios/friend_shoring.yaml",
                           "scenarios/placebo.yaml"}) {
    EXPECT_NO_THROW(load_scenario(kConfigs + file)) << file;
  }
}

TEST(Health, SettingsAreReadAndChecked) {
  const Scenario s =
      parse_scenario(kTiny, "t.yaml", {"health.unemployment_limit=0.8", "health.output_limit=0"});
  EXPECT_DOUBLE_EQ(s.health.unemployment_limit, 0.8);
  EXPECT_DOUBLE_EQ(s.health.output_limit, 0.0);
  EXPECT_DOUBLE_EQ(s.health.price_limit, 100.0);
  expect_error(error_of(kTiny, {"health.unemployment_limit=70"}),
               "--set health.unemployment_limit=70: ", {"70 is 7000%"});
  expect_error(error_of(kTiny, {"health.limit=1"}),
               "--set health.limit=1: ", {"unknown key", "unemployment_limit"});
}

}  // namespace
}  // namespace entrepot::load_testing
