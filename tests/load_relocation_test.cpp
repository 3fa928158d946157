// Loading firms' relocation: the `relocation` section, its subsidies, relocation_subsidy
// events, and the subsidy table the world builds from them.
#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <vector>

#include "tests/load_fixtures.h"
#include "world/world.h"

namespace entrepot::load_testing {
namespace {

const std::string kTinyEvent =
    "{step: 12, type: tariff, importer: AAA, exporter: BBB, sectors: [goods], rate: 0.2}";

// kTiny's countries AAA (0), BBB (1); sectors ore (0), goods (1), care (2).
constexpr int kAAA = 0, kBBB = 1;
constexpr int kOre = 0, kGoods = 1, kCare = 2;

TEST(Load, RelocationIsOffByDefault) {
  const Scenario s = parse_scenario(kTiny, "t.yaml");
  EXPECT_FALSE(s.relocation.on());
  EXPECT_DOUBLE_EQ(s.relocation.reserve, 0.0);
  EXPECT_DOUBLE_EQ(s.relocation.review, 1.0 / 12.0);
  EXPECT_DOUBLE_EQ(s.relocation.cost, 0.1);
  EXPECT_DOUBLE_EQ(s.relocation.horizon_years, 5.0);
  EXPECT_TRUE(s.relocation.sectors.empty());
  EXPECT_TRUE(s.relocation.subsidies.empty());
  const World world(s);
  ASSERT_EQ(world.relocation_subsidy.size(), 2u * 2u * 3u);
  for (double share : world.relocation_subsidy) EXPECT_EQ(share, 0.0);
}

TEST(Load, RelocationAndItsSubsidies) {
  // The tariff event at 12, then the subsidies' events (written out of step order).
  const std::string events =
      "\n  - {step: 14, type: relocation_subsidy, country: AAA, share: 0.5, from: [BBB]}"
      "\n  - {step: 13, type: relocation_subsidy, country: BBB, share: 0, sectors: [care]}";
  const std::string text = tiny_with(kTinyEvent, kTinyEvent + events) +
                           "relocation:\n"
                           "  reserve: 0.1\n"
                           "  review: 0.05\n"
                           "  cost: 1.5\n"
                           "  horizon_years: 3\n"
                           "  sectors: [goods, ore]\n"
                           "  subsidies:\n"
                           "    - {country: AAA, sectors: [goods], share: 0.25, from: [BBB]}\n"
                           "    - {country: BBB, share: 0.4}\n"
                           "    - {country: BBB, from: AAA, sectors: goods, share: 0.1}\n";
  const Scenario s = parse_scenario(text, "t.yaml");
  const RelocationSettings& r = s.relocation;
  EXPECT_TRUE(r.on());
  EXPECT_DOUBLE_EQ(r.reserve, 0.1);
  EXPECT_DOUBLE_EQ(r.review, 0.05);
  EXPECT_DOUBLE_EQ(r.cost, 1.5);
  EXPECT_DOUBLE_EQ(r.horizon_years, 3.0);
  EXPECT_EQ(r.sectors, (std::vector<int>{kOre, kGoods}));  // sorted
  ASSERT_EQ(r.subsidies.size(), 3u);
  EXPECT_EQ(r.subsidies[0].country, kAAA);
  EXPECT_EQ(r.subsidies[0].from, std::vector<int>{kBBB});
  EXPECT_EQ(r.subsidies[0].sectors, std::vector<int>{kGoods});
  EXPECT_DOUBLE_EQ(r.subsidies[0].share, 0.25);
  EXPECT_TRUE(r.subsidies[1].from.empty());                // every country
  EXPECT_TRUE(r.subsidies[1].sectors.empty());             // every sector
  EXPECT_EQ(r.subsidies[2].from, std::vector<int>{kAAA});  // a single code
  EXPECT_EQ(r.subsidies[2].sectors, std::vector<int>{kGoods});
  ASSERT_EQ(s.events.size(), 3u);  // in due order: 12, 13, 14
  const Event& into_bbb = s.events[1];
  EXPECT_EQ(into_bbb.kind, EventKind::relocation_subsidy);
  EXPECT_EQ(into_bbb.country, kBBB);
  EXPECT_TRUE(into_bbb.from.empty());
  EXPECT_EQ(into_bbb.sectors, std::vector<int>{kCare});
  EXPECT_DOUBLE_EQ(into_bbb.share, 0.0);
  const Event& into_aaa = s.events[2];
  EXPECT_EQ(into_aaa.country, kAAA);
  EXPECT_EQ(into_aaa.from, std::vector<int>{kBBB});
  EXPECT_TRUE(into_aaa.sectors.empty());
  EXPECT_DOUBLE_EQ(into_aaa.share, 0.5);

  // The scenario's subsidies in order: a later one replaces an earlier one's cells.
  World world(s);
  auto at = [&](int dest, int origin, int sector) {
    return world.relocation_subsidy[world.subsidy_cell(dest, origin, sector)];
  };
  EXPECT_DOUBLE_EQ(at(kAAA, kBBB, kGoods), 0.25);
  EXPECT_DOUBLE_EQ(at(kAAA, kBBB, kOre), 0.0);
  EXPECT_DOUBLE_EQ(at(kAAA, kAAA, kGoods), 0.0);
  for (int sector : {kOre, kCare}) {
    EXPECT_DOUBLE_EQ(at(kBBB, kAAA, sector), 0.4);
    EXPECT_DOUBLE_EQ(at(kBBB, kBBB, sector), 0.4);  // its own regions' firms too
  }
  EXPECT_DOUBLE_EQ(at(kBBB, kAAA, kGoods), 0.1);
  EXPECT_DOUBLE_EQ(at(kBBB, kBBB, kGoods), 0.4);
  const std::vector<double> before = world.relocation_subsidy;
  world.apply_policy(12);  // the tariff only
  EXPECT_EQ(world.relocation_subsidy, before);
  // BBB's care subsidy ends at step 13, from every country.
  EXPECT_TRUE(world.apply_policy(13));
  EXPECT_DOUBLE_EQ(at(kBBB, kAAA, kCare), 0.0);
  EXPECT_DOUBLE_EQ(at(kBBB, kBBB, kCare), 0.0);
  EXPECT_DOUBLE_EQ(at(kBBB, kAAA, kOre), 0.4);
  // AAA's subsidy of moves from BBB in every sector from step 14.
  EXPECT_TRUE(world.apply_policy(14));
  for (int sector : {kOre, kGoods, kCare}) {
    EXPECT_DOUBLE_EQ(at(kAAA, kBBB, sector), 0.5);
    EXPECT_DOUBLE_EQ(at(kAAA, kAAA, sector), 0.0);
  }
  EXPECT_DOUBLE_EQ(at(kBBB, kAAA, kGoods), 0.1);
  const std::vector<double> after = world.relocation_subsidy;
  world.apply_policy(15);
  EXPECT_EQ(world.relocation_subsidy, after);

  // Replaying every step from the start, as a resumed run does, gives the same table.
  World resumed(s);
  for (int step = 1; step <= 15; ++step) resumed.apply_policy(step);
  EXPECT_EQ(resumed.relocation_subsidy, after);

  // The scenario as validated reads back as the same relocation settings.
  const Scenario again = parse_scenario(s.resolved, "r.yaml");
  EXPECT_DOUBLE_EQ(again.relocation.reserve, 0.1);
  EXPECT_EQ(again.relocation.sectors, r.sectors);
  ASSERT_EQ(again.relocation.subsidies.size(), 3u);
  EXPECT_EQ(again.relocation.subsidies[0].from, r.subsidies[0].from);
  EXPECT_EQ(World(again).relocation_subsidy, World(s).relocation_subsidy);
  ASSERT_EQ(again.events.size(), 3u);
  EXPECT_EQ(again.events[2].from, into_aaa.from);
}

TEST(LoadOverrides, Relocation) {
  const Scenario s =
      parse_scenario(kTiny, "t.yaml",
                     {"relocation.reserve=0.1", "relocation.cost=2", "relocation.sectors=[goods]",
                      "relocation.subsidies=[{country: BBB, share: 0.3, from: [AAA]}]"});
  EXPECT_TRUE(s.relocation.on());
  EXPECT_DOUBLE_EQ(s.relocation.reserve, 0.1);
  EXPECT_DOUBLE_EQ(s.relocation.cost, 2.0);
  EXPECT_EQ(s.relocation.sectors, std::vector<int>{kGoods});
  ASSERT_EQ(s.relocation.subsidies.size(), 1u);
  EXPECT_EQ(s.relocation.subsidies[0].country, kBBB);
  const Scenario one = parse_scenario(kTiny +
                                          "relocation:\n  subsidies:\n"
                                          "    - {country: AAA, share: 0.2}\n",
                                      "t.yaml", {"relocation.subsidies.0.share=0.6"});
  EXPECT_DOUBLE_EQ(one.relocation.subsidies[0].share, 0.6);
  expect_error(error_of(kTiny, {"relocation.reserve=2"}),
               "--set relocation.reserve=2: ", {"reserve is 2", "[0, 1]"});
  expect_error(error_of(kTiny, {"relocation.reserv=0.1"}), "--set relocation.reserv=0.1: ",
               {"unknown key 'reserv' in relocation; did you mean 'reserve'?"});
  expect_error(
      error_of(kTiny, {"relocation.subsidies=[{country: CCC, share: 0.1}]"}),
      "--set relocation.subsidies=[{country: CCC, share: 0.1}]: ", {"unknown country 'CCC'"});
}

TEST(LoadErrors, Relocation) {
  auto with = [](const std::string& section) { return kTiny + "relocation:\n" + section; };
  auto check = [&](const std::string& section, const std::string& needle, std::size_t skip,
                   std::initializer_list<std::string> words) {
    const std::string text = with(section);
    expect_error(error_of(text), where(text, needle, skip), words);
  };
  check("  reserv: 0.1\n", "reserv:", 0,
        {"unknown key 'reserv' in relocation; did you mean 'reserve'?", "horizon_years"});
  check("  reserve: 1.5\n", "reserve: 1.5", 9, {"reserve is 1.5", "[0, 1]"});
  check("  reserve: 10\n", "reserve: 10", 9, {"reserve is 10", "write 0.1 for 10%"});
  check("  review: -0.1\n", "-0.1", 0, {"review is -0.1", "[0, 1]"});
  check("  cost: -1\n", "cost: -1", 6, {"cost is -1", ">= 0"});
  check("  horizon_years: 0\n", "horizon_years: 0", 15, {"horizon_years is 0", "> 0"});
  check("  sectors: [goods, gods]\n", "gods", 0, {"unknown sector 'gods'; did you mean 'goods'?"});
  check("  sectors: []\n", "[]", 0, {"sectors is an empty list"});
  check("  reserve: [0.1]\n", "[0.1]", 0, {"reserve is a list"});
  check("  subsidies: {country: AAA, share: 0.1}\n", "{country", 0,
        {"subsidies is a map", "allowed: a list of {country, from, sectors, share}"});
  check("  subsidies:\n    - {share: 0.1}\n", "{share", 0,
        {"relocation subsidy is missing 'country'; required: country, share"});
  check("  subsidies:\n    - {country: AAA}\n", "{country", 0,
        {"relocation subsidy is missing 'share'"});
  check("  subsidies:\n    - {country: AAA, share: 1.2}\n", "share: 1.2", 7,
        {"share is 1.2", "[0, 1]"});
  check("  subsidies:\n    - {country: AAB, share: 0.1}\n", "AAB", 0,
        {"unknown country 'AAB'; did you mean 'AAA'?"});
  check("  subsidies:\n    - {country: AAA, share: 0.1, from: [BBB, CCC]}\n", "CCC", 0,
        {"unknown country 'CCC'"});
  check("  subsidies:\n    - {country: AAA, share: 0.1, from: [BBB, BBB]}\n", "BBB]", 0,
        {"country 'BBB' is listed twice"});
  check("  subsidies:\n    - {country: AAA, share: 0.1, from: []}\n", "[]", 0,
        {"from is an empty list", "left out: every country"});
  check("  subsidies:\n    - {country: AAA, share: 0.1, rate: 0.2}\n", "0.1, rate", 5,
        {"unknown key 'rate' in relocation subsidy", "country, from, sectors, share"});
}

TEST(LoadErrors, RelocationSubsidyEvents) {
  auto check = [&](const std::string& event, const std::string& needle, std::size_t skip,
                   std::initializer_list<std::string> words) {
    const std::string text = tiny_with(kTinyEvent, event);
    expect_error(error_of(text), where(text, needle, skip), words);
  };
  check("{step: 12, type: relocation_subsidy, country: AAA}", "{step: 12", 0,
        {"relocation_subsidy event needs 'country' and 'share'"});
  check("{step: 12, type: relocation_subsidy, share: 0.2}", "{step: 12", 0,
        {"relocation_subsidy event needs 'country' and 'share'"});
  check("{step: 12, type: relocation_subsidy, country: AAA, share: 1.5}", "share: 1.5", 7,
        {"share is 1.5", "[0, 1]"});
  check("{step: 12, type: relocation_subsidy, country: ABA, share: 0.5}", "ABA", 0,
        {"unknown country 'ABA'"});
  check("{step: 12, type: relocation_subsidy, country: AAA, share: 0.5, from: [XXX]}", "XXX", 0,
        {"unknown country 'XXX'"});
  check("{step: 12, type: relocation_subsidy, country: AAA, share: 0.5, sectors: [ores]}", "ores",
        0, {"unknown sector 'ores'; did you mean 'ore'?"});
  check("{step: 12, type: relocation_subsidy, country: AAA, share: 0.5, importer: BBB}",
        "0.5, importer: BBB", 15,
        {"relocation_subsidy event has 'importer'", "step, type, country, share, from, sectors"});
  check("{step: 12, type: relocation_subsidy, country: AAA, share: 0.5, rate: 0.1}",
        "0.5, rate: 0.1}", 11, {"relocation_subsidy event has 'rate'"});
  check("{step: 12, type: relocation_subsidy, country: AAA, share: 0.5, region: A1}", "region: A1}",
        8, {"relocation_subsidy event has 'region'"});
  check("{step: 12, type: relocation_subsidy, country: AAA, share: 0.5, entities: x}",
        "entities: x}", 10, {"event has 'entities'"});
  check("{step: 11, type: relocation_subsidy, country: AAA, share: 0.5}", "step: 11", 6,
        {"event step 11 falls outside the run"});
  // `from` belongs to relocation_subsidy events only; `country` to them and currency events.
  check("{step: 12, type: tariff, rate: 0.1, from: [AAA]}", "[AAA]", 0,
        {"event has 'from'", "only in a relocation_subsidy event"});
  check("{step: 12, type: bonded_zone, region: A1, share: 0.5, from: [AAA]}", "[AAA]", 0,
        {"event has 'from'"});
  check("{step: 12, type: tariff, rate: 0.1, country: AAA}", "country: AAA}", 9,
        {"event has 'country'", "relocation_subsidy"});
  check("{step: 12, type: relocation, country: AAA, share: 0.5}", "relocation,", 0,
        {"unknown event type 'relocation'", "entity_list, relocation_subsidy"});
}

// The library's reshoring scenario: relocation on, with the US and Japanese subsidies due
// at their steps.
TEST(LoadConfigs, ReshoringSubsidisesMovesIntoTheUsAndJapan) {
  const Scenario s = load_scenario(kConfigs + "scenarios/reshoring.yaml");
  EXPECT_TRUE(s.relocation.on());
  EXPECT_DOUBLE_EQ(s.relocation.reserve, 0.1);
  EXPECT_FALSE(s.relocation.sectors.empty());
  World world(s);
  auto index = [](const std::vector<std::string>& names, const std::string& name) {
    const auto it = std::find(names.begin(), names.end(), name);
    EXPECT_NE(it, names.end()) << name;
    return static_cast<int>(it - names.begin());
  };
  const int usa = index(world.country_code, "USA"), jpn = index(world.country_code, "JPN");
  const int chn = index(world.country_code, "CHN"), kor = index(world.country_code, "KOR");
  const int chips = index(world.sector_name, "semiconductors");
  const int cars = index(world.sector_name, "vehicles");
  int usa_events = 0, jpn_events = 0;
  for (const Event& e : s.events) {
    if (e.kind != EventKind::relocation_subsidy) continue;
    usa_events += e.country == usa ? 1 : 0;
    jpn_events += e.country == jpn ? 1 : 0;
  }
  EXPECT_GE(usa_events, 1);
  EXPECT_GE(jpn_events, 1);
  for (double share : world.relocation_subsidy) EXPECT_EQ(share, 0.0);
  for (int step = 1; step < s.steps; ++step) world.apply_policy(step);
  auto at = [&](int dest, int origin, int sector) {
    return world.relocation_subsidy[world.subsidy_cell(dest, origin, sector)];
  };
  EXPECT_DOUBLE_EQ(at(usa, chn, chips), 0.25);
  EXPECT_DOUBLE_EQ(at(usa, kor, chips), 0.25);
  EXPECT_DOUBLE_EQ(at(usa, chn, cars), 0.0);
  EXPECT_DOUBLE_EQ(at(jpn, chn, cars), 0.5);
  EXPECT_DOUBLE_EQ(at(jpn, chn, chips), 0.5);
  EXPECT_DOUBLE_EQ(at(jpn, kor, cars), 0.0);
}

}  // namespace
}  // namespace entrepot::load_testing
