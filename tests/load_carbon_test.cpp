// Loading emissions trading systems: the `carbon_markets` section, its defaults, every key,
// and its refusals with `file:line:col`.
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "tests/load_fixtures.h"
#include "world/world.h"

namespace entrepot::load_testing {
namespace {

// kTiny with a second region of AAA (A2); kEmitting adds emissions in ore and goods. Regions
// A1 (0), A2 (1), B1 (2); countries AAA (0), BBB (1); sectors ore (0), goods (1), care (2).
const std::string kTwoInAAA =
    tiny_with("  - name: B1\n",
              "  - {name: A2, country: AAA, lat: 12, lon: 22, population: 2, gdp: 300,"
              " productivity: 1}\n  - name: B1\n");
const std::string kEmitting = kTwoInAAA + "emissions: {sectors: {ore: 1.2, goods: 0.3}}\n";
constexpr int kAAA = 0, kBBB = 1;
constexpr int kA1 = 0, kA2 = 1, kB1 = 2;
constexpr int kOre = 0, kGoods = 1, kCare = 2;

const std::string kMinimal = "  - {name: ets, country: AAA, sectors: [ore], cap: 0.9}\n";

std::string with_markets(const std::string& markets) {
  return kEmitting + "carbon_markets:\n" + markets;
}

TEST(Load, CarbonMarketsAreNoneByDefault) {
  EXPECT_TRUE(parse_scenario(kTiny, "t.yaml").carbon_markets.empty());
  EXPECT_TRUE(parse_scenario(kEmitting, "t.yaml").carbon_markets.empty());
  EXPECT_TRUE(parse_scenario(kEmitting + "carbon_markets:\n", "t.yaml").carbon_markets.empty());
}

TEST(Load, CarbonMarketDefaults) {
  const Scenario s = parse_scenario(with_markets(kMinimal), "t.yaml");
  ASSERT_EQ(s.carbon_markets.size(), 1u);
  const CarbonMarket& m = s.carbon_markets[0];
  EXPECT_EQ(m.name, "ets");
  EXPECT_EQ(m.country, kAAA);
  EXPECT_EQ(m.regions, (std::vector<int>{kA1, kA2}));  // all of AAA's
  EXPECT_EQ(m.sectors, std::vector<int>{kOre});
  EXPECT_DOUBLE_EQ(m.cap, 0.9);
  EXPECT_DOUBLE_EQ(m.cap_decline, 0.0);
  EXPECT_DOUBLE_EQ(m.free_share, 0.0);
  EXPECT_DOUBLE_EQ(m.floor, 0.0);
  EXPECT_DOUBLE_EQ(m.abatement_slope, 0.0);
  EXPECT_DOUBLE_EQ(m.abatement_max, 0.0);
  EXPECT_EQ(m.start, 1);
  // An empty list of regions is all of them too.
  const Scenario empty = parse_scenario(
      with_markets("  - {name: ets, country: AAA, regions: [], sectors: ore, cap: 1}\n"), "t.yaml");
  EXPECT_EQ(empty.carbon_markets[0].regions, (std::vector<int>{kA1, kA2}));
  EXPECT_EQ(empty.carbon_markets[0].sectors, std::vector<int>{kOre});
}

TEST(Load, CarbonMarketsReadEveryKey) {
  const std::string text = with_markets(
      "  - name: aaa-ets\n"
      "    country: AAA\n"
      "    regions: [A2]\n"
      "    sectors: [goods, ore]\n"
      "    cap: 0.85\n"
      "    cap_decline: 0.022\n"
      "    free_share: 0.4\n"
      "    floor: 25\n"
      "    abatement_slope: 300\n"
      "    abatement_max: 0.5\n"
      "    start: 13\n"
      "  - {name: a1-ore, country: AAA, regions: [A1], sectors: [ore], cap: 1.2}\n"
      "  - {name: bbb, country: BBB, sectors: all, cap: 0.3, free_share: 1}\n");
  const Scenario s = parse_scenario(text, "t.yaml");
  ASSERT_EQ(s.carbon_markets.size(), 3u);
  const CarbonMarket& m = s.carbon_markets[0];
  EXPECT_EQ(m.name, "aaa-ets");
  EXPECT_EQ(m.country, kAAA);
  EXPECT_EQ(m.regions, std::vector<int>{kA2});
  EXPECT_EQ(m.sectors, (std::vector<int>{kOre, kGoods}));  // sorted
  EXPECT_DOUBLE_EQ(m.cap, 0.85);
  EXPECT_DOUBLE_EQ(m.cap_decline, 0.022);
  EXPECT_DOUBLE_EQ(m.free_share, 0.4);
  EXPECT_DOUBLE_EQ(m.floor, 25.0);
  EXPECT_DOUBLE_EQ(m.abatement_slope, 300.0);
  EXPECT_DOUBLE_EQ(m.abatement_max, 0.5);
  EXPECT_EQ(m.start, 13);
  // A1's ore is free for another market of AAA.
  EXPECT_EQ(s.carbon_markets[1].regions, std::vector<int>{kA1});
  EXPECT_DOUBLE_EQ(s.carbon_markets[1].cap, 1.2);
  const CarbonMarket& b = s.carbon_markets[2];
  EXPECT_EQ(b.country, kBBB);
  EXPECT_EQ(b.regions, std::vector<int>{kB1});
  EXPECT_EQ(b.sectors, (std::vector<int>{kOre, kGoods, kCare}));
  EXPECT_DOUBLE_EQ(b.free_share, 1.0);

  // The scenario as validated reads back as the same markets.
  const Scenario again = parse_scenario(s.resolved, "r.yaml");
  ASSERT_EQ(again.carbon_markets.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(again.carbon_markets[i].name, s.carbon_markets[i].name);
    EXPECT_EQ(again.carbon_markets[i].regions, s.carbon_markets[i].regions);
    EXPECT_EQ(again.carbon_markets[i].sectors, s.carbon_markets[i].sectors);
    EXPECT_DOUBLE_EQ(again.carbon_markets[i].cap, s.carbon_markets[i].cap);
    EXPECT_EQ(again.carbon_markets[i].start, s.carbon_markets[i].start);
  }
}

TEST(LoadOverrides, CarbonMarkets) {
  const Scenario s = parse_scenario(with_markets(kMinimal), "t.yaml",
                                    {"carbon_markets.ets.cap=0.7", "carbon_markets.ets.start=5",
                                     "carbon_markets.ets.regions=[A2]"});
  ASSERT_EQ(s.carbon_markets.size(), 1u);
  EXPECT_DOUBLE_EQ(s.carbon_markets[0].cap, 0.7);
  EXPECT_EQ(s.carbon_markets[0].start, 5);
  EXPECT_EQ(s.carbon_markets[0].regions, std::vector<int>{kA2});
  const Scenario added = parse_scenario(
      kEmitting, "t.yaml", {"carbon_markets=[{name: x, country: BBB, sectors: [goods], cap: 1}]"});
  ASSERT_EQ(added.carbon_markets.size(), 1u);
  EXPECT_EQ(added.carbon_markets[0].country, kBBB);
  EXPECT_EQ(added.carbon_markets[0].sectors, std::vector<int>{kGoods});
  expect_error(error_of(with_markets(kMinimal), {"carbon_markets.ets.cap=0"}),
               "--set carbon_markets.ets.cap=0: ", {"cap is 0, out of range", "(0, 10]"});
  expect_error(error_of(with_markets(kMinimal), {"carbon_markets.ets.caps=1"}),
               "--set carbon_markets.ets.caps=1: ",
               {"unknown key 'caps' in carbon market; did you mean 'cap'?"});
  expect_error(error_of(with_markets(kMinimal), {"carbon_markets.ets.regions=[B1]"}),
               "--set carbon_markets.ets.regions=[B1]: ", {"region 'B1' is in BBB"});
}

void check(const std::string& markets, const std::string& needle, std::size_t skip,
           std::initializer_list<std::string> words) {
  const std::string text = with_markets(markets);
  expect_error(error_of(text), where(text, needle, skip), words);
}

TEST(LoadErrors, CarbonMarketKeys) {
  check("  - {name: ets, country: AAA, sectors: [ore]}\n", "{name: ets", 0,
        {"carbon market 'ets' is missing 'cap'", "required: name, country, sectors, cap"});
  check("  - {name: ets, country: AAA, cap: 1}\n", "{name: ets", 0,
        {"carbon market 'ets' is missing 'sectors'"});
  check("  - {name: ets, sectors: [ore], cap: 1}\n", "{name: ets", 0,
        {"carbon market 'ets' is missing 'country'"});
  check("  - {country: AAA, sectors: [ore], cap: 1}\n", "{country: AAA, sectors", 0,
        {"carbon market is missing 'name'"});
  check("  - {name: ets, country: AAA, sectors: [ore], cap: 1, caps: 1}\n", "caps:", 0,
        {"unknown key 'caps' in carbon market; did you mean 'cap'?", "abatement_max, start"});
  check(kMinimal + "  - {name: ets, country: BBB, sectors: [ore], cap: 1}\n", "ets, country: BBB",
        0, {"duplicate carbon market 'ets' (first at t.yaml:", "allowed: each name once"});
  check("  - {name: e.t.s, country: AAA, sectors: [ore], cap: 1}\n", "e.t.s", 0,
        {"name 'e.t.s' contains '.'"});
  check("  {name: ets, country: AAA, sectors: [ore], cap: 1}\n", "{name: ets", 0,
        {"carbon_markets is a map", "a list of carbon market maps"});
  check("  - {name: ets, country: AAB, sectors: [ore], cap: 1}\n", "AAB", 0,
        {"unknown country 'AAB'; did you mean 'AAA'?"});
  check("  - {name: ets, country: AAA, sectors: [ores], cap: 1}\n", "ores", 0,
        {"unknown sector 'ores'; did you mean 'ore'?"});
  check("  - {name: ets, country: AAA, sectors: [], cap: 1}\n", "[], cap", 0,
        {"sectors is an empty list", "a list of sector names, or all"});
  check("  - {name: ets, country: AAA, sectors: [ore, ore], cap: 1}\n", "ore], cap", 0,
        {"sector 'ore' is listed twice"});
}

TEST(LoadErrors, CarbonMarketRegions) {
  check("  - {name: ets, country: AAA, regions: [A1, B1], sectors: [ore], cap: 1}\n", "B1]", 0,
        {"region 'B1' is in BBB, not in AAA, the country of carbon market 'ets'",
         "allowed: a list of regions of AAA: A1, A2"});
  check("  - {name: ets, country: AAA, regions: [A1, A1], sectors: [ore], cap: 1}\n", "A1]", 0,
        {"region 'A1' is listed twice; allowed: each once"});
  check("  - {name: ets, country: AAA, regions: [A3], sectors: [ore], cap: 1}\n", "A3", 0,
        {"unknown region 'A3'", "A1, A2, B1"});
  check("  - {name: ets, country: AAA, regions: A1, sectors: [ore], cap: 1}\n", "A1, sectors", 0,
        {"regions is 'A1'", "a list of regions of AAA", "left out: all of them"});
  // A (region, sector) in two markets: the second names the first; at its region as written,
  // or at its country where its regions are all of the country's.
  check(
      kMinimal + "  - {name: local, country: AAA, regions: [A2], sectors: [goods, ore], cap: 1}\n",
      "A2]", 0,
      {"carbon market 'local' covers sector 'ore' in region 'A2', already covered by carbon "
       "market 'ets'",
       "allowed: each region's sector in one market at most"});
  check(
      "  - {name: a1, country: AAA, regions: [A1], sectors: [goods], cap: 1}\n"
      "  - {name: all, country: AAA, sectors: all, cap: 1}\n",
      "AAA, sectors: all", 0,
      {"carbon market 'all' covers sector 'goods' in region 'A1', already covered by carbon "
       "market 'a1'"});
}

TEST(LoadErrors, CarbonMarketNumbers) {
  const std::string head = "  - {name: ets, country: AAA, sectors: [ore], ";
  check(head + "cap: 0}\n", "cap: 0}", 5, {"cap is 0, out of range", "(0, 10]"});
  check(head + "cap: 80}\n", "cap: 80}", 5, {"cap is 80", "write 0.8 for 80%", "(0, 10]"});
  check(head + "cap: [1]}\n", "cap: [1]", 5, {"cap is a list"});
  check(head + "cap: 1, cap_decline: 1.5}\n", "cap_decline: 1.5", 13,
        {"cap_decline is 1.5", "[0, 1]"});
  check(head + "cap: 1, free_share: -0.1}\n", "free_share: -0.1", 12,
        {"free_share is -0.1", "[0, 1]"});
  check(head + "cap: 1, floor: -1}\n", "floor: -1", 7, {"floor is -1", ">= 0"});
  check(head + "cap: 1, abatement_slope: -5}\n", "abatement_slope: -5", 17,
        {"abatement_slope is -5", ">= 0"});
  check(head + "cap: 1, abatement_slope: 10, abatement_max: 1}\n", "abatement_max: 1", 15,
        {"abatement_max is 1, out of range", "[0, 1)"});
  check(head + "cap: 1, start: 0}\n", "start: 0", 7, {"start is 0", "[1, 24]"});
  check(head + "cap: 1, start: 25}\n", "start: 25", 7, {"start is 25", "[1, 24]"});
  check(head + "cap: 1, start: 2.5}\n", "start: 2.5", 7, {"start is 2.5", "a whole number"});
  // Abatement needs both a cost and room.
  check(head + "cap: 1, abatement_slope: 100}\n", "abatement_slope: 100", 17,
        {"carbon market 'ets' has an abatement_slope but abatement_max is 0",
         "allowed: abatement_slope and abatement_max both above 0"});
  check(head + "cap: 1, abatement_max: 0.3}\n", "abatement_max: 0.3", 15,
        {"carbon market 'ets' has an abatement_max but abatement_slope is 0",
         "abating would cost nothing"});
}

TEST(LoadErrors, CarbonMarketsMustCoverEmitters) {
  // No emissions section: nothing to cap.
  std::string text = kTiny + "carbon_markets:\n" + kMinimal;
  expect_error(error_of(text), where(text, "{name: ets"),
               {"carbon market 'ets' covers firms that emit nothing",
                "emissions.sectors above 0 in at least one of its sectors"});
  check("  - {name: ets, country: AAA, sectors: [care], cap: 1}\n", "[care]", 0,
        {"carbon market 'ets' covers sectors that emit nothing",
         "allowed: sectors among which at least one emits: ore, goods"});
  // A country whose factor is 0 emits nothing in any sector.
  text = kTwoInAAA + "emissions: {sectors: {ore: 1}, countries: {AAA: 0}}\ncarbon_markets:\n" +
         kMinimal;
  expect_error(error_of(text), where(text, "AAA, sectors: [ore]"),
               {"carbon market 'ets' is in AAA, whose emissions.countries factor is 0"});
  // BBB's factor is 1: its market is fine.
  EXPECT_NO_THROW(
      parse_scenario(kTiny + "emissions: {sectors: {ore: 1}, countries: {AAA: 0}}\n" +
                         "carbon_markets:\n  - {name: ets, country: BBB, sectors: [ore], cap: 1}\n",
                     "t.yaml"));
}

TEST(LoadErrors, CarbonMarketsImplausible) {
  const std::string head = "  - {name: ets, country: AAA, sectors: [ore], ";
  struct Case {
    std::string keys, needle;
    std::size_t skip;
    std::string words;
  };
  const std::vector<Case> cases{
      {"cap: 2", "cap: 2", 5, "cap is 2, outside its plausible range"},
      {"cap: 0.1", "cap: 0.1", 5, "cap is 0.1, outside its plausible range"},
      {"cap: 1, cap_decline: 0.2", "cap_decline: 0.2", 13,
       "cap_decline is 0.2, outside its plausible range"},
      {"cap: 1, floor: 500", "floor: 500", 7, "floor is 500, outside its plausible range"},
      {"cap: 1, abatement_slope: 5000, abatement_max: 0.5", "abatement_slope: 5000", 17,
       "abatement_slope is 5000, outside its plausible range"},
      {"cap: 1, abatement_slope: 100, abatement_max: 0.95", "abatement_max: 0.95", 15,
       "abatement_max is 0.95, outside its plausible range"},
  };
  for (const Case& c : cases) {
    check(head + c.keys + "}\n", c.needle, c.skip,
          {c.words, "allow_implausible: [carbon_markets]",
           "--set allow_implausible=[carbon_markets]"});
    // On purpose, a study of extreme values.
    const std::string allowed =
        "allow_implausible: [carbon_markets]\n" + with_markets(head + c.keys + "}\n");
    EXPECT_NO_THROW(parse_scenario(allowed, "t.yaml")) << c.keys;
  }
  // Hard limits hold even on purpose.
  const std::string text =
      "allow_implausible: [carbon_markets]\n" + with_markets(head + "cap: 11}\n");
  expect_error(error_of(text), where(text, "cap: 11", 5), {"cap is 11, out of range"});
}

// kMinimal's market with a border carbon adjustment event `event` (one list item) after
// kTiny's tariff event.
std::string with_adjustment(const std::string& event) {
  std::string text = with_markets(kMinimal);
  const std::string tariff = "rate: 0.2}\n";  // kTiny's one event, the end of its events
  return text.insert(text.find(tariff) + tariff.size(), event);
}

TEST(Load, BorderCarbonAdjustmentEvents) {
  const Scenario s = parse_scenario(
      with_adjustment("  - {step: 14, type: border_carbon_adjustment, importer: AAA, "
                      "sectors: [ore, goods], share: 0.25}\n"),
      "t.yaml");
  ASSERT_EQ(s.events.size(), 2u);  // kTiny's tariff at step 12, then this
  const Event& e = s.events[1];
  EXPECT_EQ(e.kind, EventKind::carbon_adjustment);
  EXPECT_EQ(e.step, 14);
  EXPECT_EQ(e.importer, kAAA);
  EXPECT_EQ(e.sectors, (std::vector<int>{kOre, kGoods}));
  EXPECT_DOUBLE_EQ(e.share, 0.25);
  // Every sector and the whole gap by default; the world charges from the event's step.
  const Scenario all = parse_scenario(
      with_adjustment("  - {step: 14, type: border_carbon_adjustment, importer: AAA}\n"), "t.yaml");
  EXPECT_EQ(all.events[1].sectors, (std::vector<int>{kOre, kGoods, kCare}));
  EXPECT_DOUBLE_EQ(all.events[1].share, 1.0);
  World world(all);
  EXPECT_FALSE(world.apply_policy(13));
  EXPECT_EQ(world.carbon_adjustment[kAAA * 3 + kOre], 0.0);
  EXPECT_TRUE(world.apply_policy(14));
  EXPECT_EQ(world.carbon_adjustment[kAAA * 3 + kOre], 1.0);
  EXPECT_EQ(world.carbon_adjustment[kBBB * 3 + kOre], 0.0);
}

TEST(LoadErrors, BorderCarbonAdjustmentEvents) {
  const auto check_event = [](const std::string& event, const std::string& needle,
                              std::initializer_list<std::string> words) {
    const std::string text = with_adjustment(event);
    // The needle as the event writes it, after any earlier use in kTiny.
    const std::size_t skip = text.find(needle, text.find("{step: 14")) - text.find(needle);
    expect_error(error_of(text), where(text, needle, skip), words);
  };
  check_event(
      "  - {step: 14, type: border_carbon_adjustment, importer: BBB}\n", "BBB}",
      {"border_carbon_adjustment event for BBB, which runs no carbon market", "carbon_markets"});
  check_event("  - {step: 14, type: border_carbon_adjustment, sectors: [ore]}\n",
              "{step: 14, type: border", {"needs 'importer'"});
  check_event("  - {step: 14, type: border_carbon_adjustment, importer: AAA, exporter: BBB}\n",
              "BBB}", {"border_carbon_adjustment event has 'exporter'", "step, type, importer"});
  check_event("  - {step: 14, type: border_carbon_adjustment, importer: AAA, share: 1.5}\n", "1.5",
              {"share", "1.5"});
}

}  // namespace
}  // namespace entrepot::load_testing
