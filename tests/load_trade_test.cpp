// Scenario loading: retail markets and traders (presence, hub tax, transshipment), their errors.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/load_fixtures.h"
#include "world/load.h"

namespace entrepot::load_testing {
namespace {

TEST(Load, RetailMarkets) {
  const Scenario off = parse_scenario(kTiny, "t.yaml", {});
  EXPECT_FALSE(off.retail.on());
  const Scenario on = parse_scenario(kTiny +
                                         "retail: {households_per_market: 50, "
                                         "retailers_per_sector: 3, markup: 0.3, "
                                         "inventory_target: 2, local_services: false}\n",
                                     "t.yaml", {});
  EXPECT_TRUE(on.retail.on());
  EXPECT_FALSE(on.retail.local_services);
  EXPECT_FALSE(on.retail.households_local());
  EXPECT_TRUE(parse_scenario(kTiny + "retail: {households_per_market: 50}\n", "t.yaml", {})
                  .retail.households_local());
  EXPECT_EQ(on.retail.households_per_market, 50);
  EXPECT_EQ(on.retail.retailers_per_sector, 3);
  EXPECT_DOUBLE_EQ(on.retail.markup, 0.3);
  EXPECT_DOUBLE_EQ(on.retail.inventory_target, 2.0);
}

TEST(Load, Traders) {
  const Scenario off = parse_scenario(kTiny, "t.yaml", {});
  EXPECT_FALSE(off.traders.on());
  const Scenario on = parse_scenario(kTiny +
                                         "traders: {per_sector: 2, hub_per_sector: 5, "
                                         "markup: 0.1, inventory_target: 1.5, presence: 3, "
                                         "friction_cut: 0.8, enforcement: 0.6}\n",
                                     "t.yaml", {});
  EXPECT_TRUE(on.traders.on());
  EXPECT_EQ(on.traders.per_sector, 2);
  EXPECT_EQ(on.traders.hub_per_sector, 5);
  EXPECT_DOUBLE_EQ(on.traders.markup, 0.1);
  EXPECT_DOUBLE_EQ(on.traders.inventory_target, 1.5);
  EXPECT_DOUBLE_EQ(on.traders.presence, 3.0);
  EXPECT_DOUBLE_EQ(on.traders.hub_presence, 1.0);
  EXPECT_DOUBLE_EQ(on.traders.region_presence(true), 4.0);
  EXPECT_DOUBLE_EQ(on.traders.region_presence(false), 3.0);
  EXPECT_DOUBLE_EQ(on.traders.region_presence(true, 0.25), 3.25) << "a hub's own weight";
  EXPECT_LT(on.regions[0].trader_presence, 0.0);
  const Scenario own = parse_scenario(
      tiny_with("flags: [hub, port]}", "flags: [hub, port], trader_presence: 0.75}"), "t.yaml", {});
  EXPECT_DOUBLE_EQ(own.regions[0].trader_presence, 0.75);
  // Any region's own wholesale weight; 0 there, or traders.presence 0 where a region gives
  // none of its own: no wholesalers.
  const Scenario wholesale = parse_scenario(
      tiny_with("flags: [hub, port]}", "flags: [hub, port], wholesale_presence: 0}") +
          "traders: {per_sector: 2, presence: 0.5}\n",
      "t.yaml", {});
  EXPECT_DOUBLE_EQ(wholesale.regions[0].wholesale_presence, 0.0);
  EXPECT_EQ(wholesale.traders.wholesalers(wholesale.regions[0]), 0);
  EXPECT_EQ(wholesale.traders.wholesalers(wholesale.regions[1]), 2);
  EXPECT_DOUBLE_EQ(wholesale.traders.region_presence(wholesale.regions[1]), 0.5);
  const Scenario none =
      parse_scenario(kTiny + "traders: {per_sector: 1, presence: 0}\n", "t.yaml", {});
  EXPECT_EQ(none.traders.wholesalers(none.regions[1]), 0);
  EXPECT_DOUBLE_EQ(on.traders.friction_cut, 0.8);
  EXPECT_DOUBLE_EQ(on.traders.enforcement, 0.6);
  EXPECT_DOUBLE_EQ(off.traders.enforcement, 1.0);
  EXPECT_LT(off.traders.hub_tax, 0.0) << "the profit tax";
  EXPECT_DOUBLE_EQ(
      parse_scenario(kTiny + "traders: {hub_per_sector: 1, hub_tax: 0.15}\n", "t.yaml", {})
          .traders.hub_tax,
      0.15);
  const Scenario event = parse_scenario(
      tiny_with(
          "{step: 12, type: tariff, importer: AAA, exporter: BBB, sectors: [goods], rate: 0.2}",
          "{step: 12, type: transshipment, importer: BBB, share: 0.9, rate: 0.25}"),
      "t.yaml", {});
  ASSERT_EQ(event.events.size(), 1u);
  EXPECT_EQ(event.events[0].kind, EventKind::transshipment);
  EXPECT_EQ(event.events[0].importer, 1);
  EXPECT_DOUBLE_EQ(event.events[0].share, 0.9);
  EXPECT_DOUBLE_EQ(event.events[0].rate, 0.25);
  const Scenario set = parse_scenario(kTiny, "t.yaml", {"traders.hub_per_sector=4"});
  EXPECT_EQ(set.traders.hub_per_sector, 4);
  EXPECT_EQ(set.traders.per_sector, 0);
  // Keys left out keep their defaults, also when the section is set whole from the command
  // line.
  const Scenario map = parse_scenario(kTiny, "t.yaml", {"traders={hub_per_sector: 3}"});
  EXPECT_TRUE(map.traders.on());
  EXPECT_EQ(map.traders.hub_per_sector, 3);
  EXPECT_EQ(map.traders.per_sector, 0);
  EXPECT_DOUBLE_EQ(map.traders.markup, 0.06);
  EXPECT_DOUBLE_EQ(map.traders.inventory_target, 1.3);
  EXPECT_DOUBLE_EQ(map.traders.presence, 1.0);
  EXPECT_DOUBLE_EQ(map.traders.friction_cut, 0.5);
}

TEST(LoadErrors, Traders) {
  const std::string count = kTiny + "traders: {per_sector: 17}\n";
  expect_error(error_of(count), where(count, "17}"), {"per_sector is 17", "[0, 16]"});
  const std::string hub = kTiny + "traders: {hub_per_sector: -1}\n";
  expect_error(error_of(hub), where(hub, "-1}"), {"hub_per_sector is -1", "[0, 16]"});
  const std::string markup = kTiny + "traders: {per_sector: 1, markup: 10.5}\n";
  expect_error(error_of(markup), where(markup, "10.5}"), {"markup is 10.5", "[0, 10]"});
  const std::string stock = kTiny + "traders: {per_sector: 1, inventory_target: 13}\n";
  expect_error(error_of(stock), where(stock, "13}"), {"inventory_target is 13", "[0, 12]"});
  const std::string crowd = kTiny + "traders: {per_sector: 1, presence: 101}\n";
  expect_error(error_of(crowd), where(crowd, "101}"), {"presence is 101", "[0, 100]"});
  expect_error(error_of(kTiny, {"traders={hub_per_sector: 99}"}),
               "--set traders={hub_per_sector: 99}: ", {"hub_per_sector is 99", "[0, 16]"});
  const std::string cut = kTiny + "traders: {hub_per_sector: 2, friction_cut: 1.5}\n";
  expect_error(error_of(cut), where(cut, "1.5}"), {"friction_cut", "[0, 1]"});
  // presence may be 0 (wholesalers only where a region weighs its own); a hub's may not.
  const std::string presence = kTiny + "traders: {per_sector: 1, presence: -0.5}\n";
  expect_error(error_of(presence), where(presence, "-0.5}"), {"presence is -0.5", "[0, 100]"});
  const std::string hub_presence = kTiny + "traders: {hub_per_sector: 1, hub_presence: 0.0}\n";
  expect_error(error_of(hub_presence), where(hub_presence, "0.0}"),
               {"hub_presence is 0", "(0, 100]"});
  const std::string unknown = kTiny + "traders: {per_sectors: 1}\n";
  expect_error(error_of(unknown), where(unknown, "per_sectors"), {"unknown key 'per_sectors'"});
  const std::string many = tiny_with("firms: 100", "firms: 2147483600") +
                           "allow_implausible: [agents]\ntraders: {per_sector: 16}\n";
  expect_error(error_of(many), where(many, "16}"),
               {"per_sector is 16", "32-bit seller ids", "at most 11 in every region"});
  // 47 ids left by the firms: 23 traders of each of the two goods sectors, 10 of them in the
  // hub, leave at most (23 - 10) / 2 = 6 to each of the two regions.
  const std::string both = tiny_with("firms: 100", "firms: 2147483600") +
                           "allow_implausible: [agents]\n"
                           "traders: {per_sector: 7, hub_per_sector: 10}\n";
  expect_error(error_of(both), where(both, "7,"), {"per_sector is 7", "at most 6 in every region"});
  EXPECT_EQ(parse_scenario(tiny_with("firms: 100", "firms: 2147483600") +
                               "allow_implausible: [agents]\n"
                               "traders: {per_sector: 6, hub_per_sector: 10}\n",
                           "t.yaml", {})
                .traders.per_sector,
            6);
  // Without traders in every region the hub's overflow; retailers' ids count too (3 markets
  // with 2 retailers of the one consumed good).
  const std::string hubs = tiny_with("firms: 100", "firms: 2147483634") +
                           "allow_implausible: [agents]\n"
                           "retail: {households_per_market: 100}\n"
                           "traders: {hub_per_sector: 4}\n";
  expect_error(error_of(hubs), where(hubs, "hub_per_sector: 4}", 16),
               {"hub_per_sector is 4", "at most 3 in each hub region"});
}

TEST(Load, ForeignTradersAndNegativeLists) {
  const std::string text = tiny_with(
      "{step: 12, type: tariff, importer: AAA, exporter: BBB, sectors: [goods], rate: 0.2}",
      "{step: 14, type: negative_list, region: A1, sectors: [goods]}\n"
      "  - {step: 20, type: negative_list, region: A1, sectors: []}");
  const Scenario sc = parse_scenario(text +
                                         "traders: {foreign_per_sector: 3, foreign_presence: 0.4,"
                                         " negative_list: {A1: [ore, goods]}}\n",
                                     "t.yaml", {});
  EXPECT_TRUE(sc.traders.on()) << "foreign traders alone are traders";
  EXPECT_EQ(sc.traders.foreign_per_sector, 3);
  EXPECT_DOUBLE_EQ(sc.traders.foreign_presence, 0.4);
  ASSERT_EQ(sc.traders.negative_list.size(), 2u);
  EXPECT_EQ(sc.traders.negative_list[0], (std::vector<int>{0, 1}));
  EXPECT_TRUE(sc.traders.negative_list[1].empty());
  ASSERT_EQ(sc.events.size(), 2u);
  EXPECT_EQ(sc.events[0].kind, EventKind::negative_list);
  EXPECT_EQ(sc.events[0].region, 0);
  EXPECT_EQ(sc.events[0].sectors, std::vector<int>{1});
  EXPECT_TRUE(sc.events[1].sectors.empty());
}

TEST(LoadErrors, NegativeLists) {
  const std::string inland =
      kTiny + "traders: {foreign_per_sector: 1, negative_list: {B1: [ore]}}\n";
  expect_error(error_of(inland), where(inland, "B1: [ore]"), {"'B1'", "is no hub"});
  const std::string service =
      kTiny + "traders: {foreign_per_sector: 1, negative_list: {A1: [care]}}\n";
  expect_error(error_of(service), where(service, "care]"), {"'care' is a service"});
  const std::string twice =
      kTiny + "traders: {foreign_per_sector: 1, negative_list: {A1: [ore, ore]}}\n";
  expect_error(error_of(twice), where(twice, "ore]"), {"'ore' is listed twice"});
  // An event may only shorten the list in force.
  const std::string longer =
      tiny_with(
          "{step: 12, type: tariff, importer: AAA, exporter: BBB, sectors: [goods], rate: 0.2}",
          "{step: 14, type: negative_list, region: A1, sectors: [ore, goods]}") +
      "traders: {foreign_per_sector: 1, negative_list: {A1: [ore]}}\n";
  expect_error(error_of(longer), where(longer, "{step: 14"),
               {"puts 'goods' on A1's negative list", "only shortens"});
  const std::string no_hub = tiny_with(
      "{step: 12, type: tariff, importer: AAA, exporter: BBB, sectors: [goods], rate: 0.2}",
      "{step: 14, type: negative_list, region: B1, sectors: []}");
  expect_error(error_of(no_hub), where(no_hub, "B1, sectors"), {"which is no hub"});
  const std::string bare = tiny_with(
      "{step: 12, type: tariff, importer: AAA, exporter: BBB, sectors: [goods], rate: 0.2}",
      "{step: 14, type: negative_list, region: A1}");
  expect_error(error_of(bare), where(bare, "{step: 14"), {"needs 'region' and 'sectors'"});
}

TEST(Load, MerchantsAndTheirSettlementCost) {
  const std::string text = tiny_with(
      "{step: 12, type: tariff, importer: AAA, exporter: BBB, sectors: [goods], rate: 0.2}",
      "{step: 14, type: offshore_settlement, region: A1, rate: 0.002}");
  const Scenario sc = parse_scenario(
      text + "traders: {hub_per_sector: 2, offshore_share: 0.5, settlement_cost: 0.01}\n", "t.yaml",
      {});
  EXPECT_DOUBLE_EQ(sc.traders.offshore_share, 0.5);
  EXPECT_DOUBLE_EQ(sc.traders.settlement_cost, 0.01);
  EXPECT_DOUBLE_EQ(sc.traders.merchant_share(sc.regions[0]), 0.5) << "A1 is a hub";
  EXPECT_DOUBLE_EQ(sc.traders.merchant_share(sc.regions[1]), 0.0) << "B1 is none";
  ASSERT_EQ(sc.events.size(), 1u);
  EXPECT_EQ(sc.events[0].kind, EventKind::offshore_settlement);
  EXPECT_EQ(sc.events[0].region, 0);
  EXPECT_DOUBLE_EQ(sc.events[0].rate, 0.002);
  // A hub's own share replaces the traders' one.
  const std::string own =
      tiny_with("flags: [hub, port]}", "flags: [hub, port], offshore_share: 1}");
  const Scenario mine =
      parse_scenario(own + "traders: {hub_per_sector: 2, offshore_share: 0.5}\n", "t.yaml", {});
  EXPECT_DOUBLE_EQ(mine.traders.merchant_share(mine.regions[0]), 1.0);
}

TEST(LoadErrors, Merchants) {
  const std::string share = kTiny + "traders: {hub_per_sector: 2, offshore_share: 1.5}\n";
  expect_error(error_of(share), where(share, "1.5}"), {"offshore_share is 1.5", "[0, 1]"});
  const std::string no_hub = tiny_with(
      "{step: 12, type: tariff, importer: AAA, exporter: BBB, sectors: [goods], rate: 0.2}",
      "{step: 14, type: offshore_settlement, region: B1, rate: 0.01}");
  expect_error(error_of(no_hub), where(no_hub, "B1, rate"),
               {"offshore_settlement event for region 'B1'", "which is no hub"});
  const std::string bare = tiny_with(
      "{step: 12, type: tariff, importer: AAA, exporter: BBB, sectors: [goods], rate: 0.2}",
      "{step: 14, type: offshore_settlement, region: A1}");
  expect_error(error_of(bare), where(bare, "{step: 14"), {"needs 'region' and 'rate'"});
  const std::string costly = tiny_with(
      "{step: 12, type: tariff, importer: AAA, exporter: BBB, sectors: [goods], rate: 0.2}",
      "{step: 14, type: offshore_settlement, region: A1, rate: 2}");
  expect_error(error_of(costly), where(costly, "rate: 2}", 6), {"rate is 2", "[0, 1]"});
}

}  // namespace
}  // namespace entrepot::load_testing
