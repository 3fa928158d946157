// Scenario loading: a sector's own price step (price_adjust) and capacity events that hit
// some sectors of a region only.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/load_fixtures.h"
#include "world/load.h"

namespace entrepot::load_testing {
namespace {

const std::string kOre = "{name: ore, kind: commodity, transport_cost: 0.05, value_added_share: 1}";

// kTiny with the ore sector given `keys` on top of its own.
std::string ore_with(const std::string& keys) {
  return tiny_with(kOre,
                   "{name: ore, kind: commodity, transport_cost: 0.05, "
                   "value_added_share: 1, " +
                       keys + "}");
}

const std::string kEvent =
    "{step: 12, type: tariff, importer: AAA, exporter: BBB, sectors: [goods], rate: 0.2}";

TEST(Load, PriceAdjustOfASector) {
  // Left out: the behaviour's (a negative value says so).
  const Scenario plain = parse_scenario(kTiny, "t.yaml");
  for (const Sector& s : plain.sectors) EXPECT_LT(s.price_adjust, 0.0) << s.name;
  const Scenario own = parse_scenario(ore_with("price_adjust: 0.3"), "t.yaml");
  EXPECT_DOUBLE_EQ(own.sectors[0].price_adjust, 0.3);
  EXPECT_LT(own.sectors[1].price_adjust, 0.0);
  // The ends of the hard range: 1 is allowed where implausible values are.
  const Scenario full =
      parse_scenario(ore_with("price_adjust: 1") + "allow_implausible: [sectors]\n", "t.yaml");
  EXPECT_DOUBLE_EQ(full.sectors[0].price_adjust, 1.0);
  // --set reaches it by the sector's name.
  const Scenario set = parse_scenario(kTiny, "t.yaml", {"sectors.ore.price_adjust=0.25"});
  EXPECT_DOUBLE_EQ(set.sectors[0].price_adjust, 0.25);
}

TEST(LoadErrors, PriceAdjustOfASector) {
  auto check = [](const std::string& keys, std::initializer_list<std::string> words) {
    const std::string text = ore_with(keys);
    expect_error(error_of(text), where(text, "price_adjust: ", 14), words);
  };
  check("price_adjust: 0", {"price_adjust is 0", "(0, 1]"});
  check("price_adjust: 1.5", {"price_adjust is 1.5", "(0, 1]"});
  check("price_adjust: -0.1", {"price_adjust is -0.1"});
  check("price_adjust: 5", {"price_adjust is 5", "(price_adjust 5 is 500%; write 0.05 for 5%)"});
  check("price_adjust: 0.8",
        {"outside its plausible range", "[0.01, 0.5]", "allow_implausible: [sectors]"});
  check("price_adjust: 0.005", {"outside its plausible range"});
  check("price_adjust: fast", {"price_adjust"});
}

TEST(Load, CapacityEventsOfSomeSectors) {
  auto with_event = [](const std::string& replacement) {
    std::string text = kTiny;
    return text.replace(text.find(kEvent), kEvent.size(), replacement);
  };
  const Scenario some =
      parse_scenario(with_event("{step: 14, type: capacity, region: B1, factor: 0.5, duration: 3, "
                                "sectors: [goods, ore]}"),
                     "t.yaml");
  ASSERT_EQ(some.events.size(), 1u);
  EXPECT_EQ(some.events[0].kind, EventKind::capacity);
  EXPECT_EQ(some.events[0].region, 1);
  EXPECT_DOUBLE_EQ(some.events[0].factor, 0.5);
  EXPECT_EQ(some.events[0].duration, 3);
  EXPECT_EQ(some.events[0].sectors, (std::vector<int>{0, 1}));  // sorted
  const Scenario one = parse_scenario(
      with_event("{step: 14, type: capacity, region: A1, factor: 0.2, sectors: care}"), "t.yaml");
  EXPECT_EQ(one.events[0].sectors, (std::vector<int>{2}));
  // Without sectors: the whole region, as before.
  const Scenario whole =
      parse_scenario(with_event("{step: 14, type: capacity, region: A1, factor: 0.2}"), "t.yaml");
  EXPECT_TRUE(whole.events[0].sectors.empty());
}

TEST(LoadErrors, CapacityEventsOfSomeSectors) {
  auto check = [](const std::string& replacement, const std::string& needle, std::size_t skip,
                  std::initializer_list<std::string> words) {
    std::string text = kTiny;
    text.replace(text.find(kEvent), kEvent.size(), replacement);
    expect_error(error_of(text), where(text, needle, skip), words);
  };
  check("{step: 12, type: capacity, region: A1, factor: 0.5, sectors: [ores]}", "ores", 0,
        {"unknown sector 'ores'", "did you mean 'ore'?"});
  check("{step: 12, type: capacity, region: A1, factor: 0.5, sectors: []}", "[]", 0,
        {"sectors is an empty list"});
  check("{step: 12, type: capacity, region: A1, factor: 0.5, sectors: [ore, ore]}", "ore]", 0,
        {"sector 'ore' is listed twice"});
  // A bonded zone holds firms of every sector.
  check("{step: 12, type: bonded_zone, region: A1, share: 0.5, sectors: [ore]}", "sectors: [ore]}",
        9, {"bonded_zone event has 'sectors'", "step, type, region, share"});
}

}  // namespace
}  // namespace entrepot::load_testing
