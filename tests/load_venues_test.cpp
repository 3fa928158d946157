// Loading commodity exchanges: the `venues` section, its defaults, every key, the
// venue_access events, and their refusals with `file:line:col`.
#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "tests/load_fixtures.h"
#include "world/world.h"

namespace entrepot::load_testing {
namespace {

// kTiny with a second commodity (oil) and traders. Countries AAA (0), BBB (1); regions A1 (0),
// B1 (1); sectors ore (0), oil (1), goods (2), care (3). Its events list ends the text, so an
// event appended to it joins that list.
const std::string kTrading =
    "traders: {per_sector: 1}\n" +
    tiny_with("  - {name: goods,",
              "  - {name: oil, kind: commodity, value_added_share: 0.5}\n  - {name: goods,");
constexpr int kAAA = 0, kBBB = 1;
constexpr int kA1 = 0, kB1 = 1;
constexpr int kOre = 0, kOil = 1;

const std::string kVenues =
    "  - {name: SHFE, region: A1, sectors: [oil, ore], members: [BBB, AAA], fee: 0.001,\n"
    "     impact: 0.2}\n"
    "  - {name: NYMEX, region: B1, sectors: [ore], members: all}\n"
    "  - {name: LME, region: B1, sectors: [ore]}\n";

// The venues first: every needle in them is found before kTiny's text.
std::string with_venues(const std::string& venues) {
  return "venues:\n" + venues + kTrading;
}

TEST(Load, VenuesAreNoneByDefault) {
  const Scenario s = parse_scenario(kTrading, "t.yaml");
  EXPECT_TRUE(s.venues.empty());
  EXPECT_TRUE(parse_scenario(with_venues(""), "t.yaml").venues.empty());
  // No traders are needed for no venues.
  EXPECT_TRUE(parse_scenario("venues: []\n" + kTiny, "t.yaml").venues.empty());
  const World world(s);
  EXPECT_TRUE(world.venue_name.empty());
  EXPECT_TRUE(world.venue_member.empty());
}

TEST(Load, VenuesReadEveryKey) {
  const Scenario s = parse_scenario(with_venues(kVenues), "t.yaml");
  ASSERT_EQ(s.venues.size(), 3u);
  const Venue& shfe = s.venues[0];
  EXPECT_EQ(shfe.name, "SHFE");
  EXPECT_EQ(shfe.region, kA1);
  EXPECT_EQ(shfe.sectors, (std::vector<int>{kOre, kOil}));  // sorted
  EXPECT_FALSE(shfe.open);
  EXPECT_EQ(shfe.members, (std::vector<int>{kAAA, kBBB}));  // sorted
  EXPECT_DOUBLE_EQ(shfe.fee, 0.001);
  EXPECT_DOUBLE_EQ(shfe.impact, 0.2);
  // `all`, or members left out: every country's traders, and the default fee.
  for (const Venue* v : {&s.venues[1], &s.venues[2]}) {
    EXPECT_EQ(v->region, kB1);
    EXPECT_EQ(v->sectors, std::vector<int>{kOre});
    EXPECT_TRUE(v->open) << v->name;
    EXPECT_TRUE(v->members.empty()) << v->name;
    EXPECT_DOUBLE_EQ(v->fee, 0.0005);
    EXPECT_DOUBLE_EQ(v->impact, 0.05);
  }
  // Two venues in one region trading the same commodity compete; a single name is a list.
  const Scenario same = parse_scenario(with_venues("  - {name: X, region: A1, sectors: ore}\n"
                                                   "  - {name: Y, region: A1, sectors: [ore]}\n"),
                                       "t.yaml");
  ASSERT_EQ(same.venues.size(), 2u);
  EXPECT_EQ(same.venues[0].sectors, same.venues[1].sectors);

  // The scenario as validated reads back as the same venues.
  const Scenario again = parse_scenario(s.resolved, "r.yaml");
  ASSERT_EQ(again.venues.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(again.venues[i].name, s.venues[i].name);
    EXPECT_EQ(again.venues[i].region, s.venues[i].region);
    EXPECT_EQ(again.venues[i].sectors, s.venues[i].sectors);
    EXPECT_EQ(again.venues[i].open, s.venues[i].open);
    EXPECT_EQ(again.venues[i].members, s.venues[i].members);
    EXPECT_DOUBLE_EQ(again.venues[i].fee, s.venues[i].fee);
  }
}

TEST(LoadOverrides, Venues) {
  const Scenario s = parse_scenario(
      with_venues(kVenues), "t.yaml",
      {"venues.SHFE.fee=0.002", "venues.SHFE.members=all", "venues.LME.members=[BBB]"});
  EXPECT_DOUBLE_EQ(s.venues[0].fee, 0.002);
  EXPECT_TRUE(s.venues[0].open);
  EXPECT_FALSE(s.venues[2].open);
  EXPECT_EQ(s.venues[2].members, std::vector<int>{kBBB});
  expect_error(error_of(with_venues(kVenues), {"venues.SHFE.members=[]"}),
               "--set venues.SHFE.members=[]: ", {"members is an empty list"});
  expect_error(error_of(with_venues(kVenues), {"venues.SHFE.fees=0"}),
               "--set venues.SHFE.fees=0: ", {"unknown key 'fees' in venue; did you mean 'fee'?"});
}

void check(const std::string& venues, const std::string& needle, std::size_t skip,
           std::initializer_list<std::string> words) {
  const std::string text = with_venues(venues);
  expect_error(error_of(text), where(text, needle, skip), words);
}

TEST(LoadErrors, VenueKeys) {
  check("  - {name: X, sectors: [ore]}\n", "{name: X", 0,
        {"venue 'X' is missing 'region'", "required: name, region, sectors"});
  check("  - {name: X, region: A1}\n", "{name: X", 0, {"venue 'X' is missing 'sectors'"});
  check("  - {region: A1, sectors: [ore]}\n", "{region: A1", 0, {"venue is missing 'name'"});
  check("  - {name: X, region: A1, sectors: [ore], fees: 0.001}\n", "fees:", 0,
        {"unknown key 'fees' in venue; did you mean 'fee'?",
         "allowed: name, region, sectors, members, fee, impact"});
  check(kVenues + "  - {name: SHFE, region: B1, sectors: [ore]}\n", "SHFE, region: B1", 0,
        {"duplicate venue 'SHFE' (first at t.yaml:2:12)", "allowed: each name once"});
  check("  {name: X, region: A1, sectors: [ore]}\n", "{name: X", 0,
        {"venues is a map", "a list of venue maps"});
}

TEST(LoadErrors, VenueRegionAndSectors) {
  check("  - {name: X, region: A9, sectors: [ore]}\n", "A9", 0,
        {"unknown region 'A9'", "allowed: A1, B1"});
  check("  - {name: X, region: A1, sectors: [ores]}\n", "ores", 0,
        {"unknown sector 'ores'; did you mean 'ore'?"});
  check("  - {name: X, region: A1, sectors: [ore, goods]}\n", "goods]", 0,
        {"venue 'X' trades sector 'goods', of kind final", "allowed: commodity sectors: ore, oil"});
  check("  - {name: X, region: A1, sectors: all}\n", "all}", 0,
        {"venue 'X' trades sector 'goods', of kind final", "allowed: commodity sectors: ore, oil"});
  check("  - {name: X, region: A1, sectors: [ore, oil, ore]}\n", "ore]", 0,
        {"sector 'ore' is listed twice"});
  check("  - {name: X, region: A1, sectors: []}\n", "[]}", 0, {"sectors is an empty list"});
}

TEST(LoadErrors, VenueMembers) {
  const std::string head = "  - {name: X, region: A1, sectors: [ore], members: ";
  check(head + "[AAA, CCC]}\n", "CCC", 0, {"unknown country 'CCC'", "allowed: AAA, BBB"});
  check(head + "[BBB, AAA, BBB]}\n", "BBB]", 0,
        {"country 'BBB' is listed twice", "allowed: a list of country codes, each once, or all"});
  check(head + "[]}\n", "[]}", 0,
        {"members is an empty list: no country's traders could join venue 'X'",
         "allowed: a list of country codes, each once, or all"});
  check(head + "[all, AAA]}\n", "all, AAA", 0, {"'all' is listed with other countries"});
  check(head + "{AAA: 1}}\n", "{AAA: 1}", 0, {"members is a map", "a list of country codes"});
  EXPECT_TRUE(parse_scenario(with_venues(head + "[all]}\n"), "t.yaml").venues[0].open);
}

TEST(LoadErrors, VenueFee) {
  const std::string head = "  - {name: X, region: A1, sectors: [ore], ";
  check(head + "fee: -0.1}\n", "fee: -0.1", 5, {"fee is -0.1, out of range", "[0, 1)"});
  check(head + "fee: 1}\n", "fee: 1}", 5, {"fee is 1, out of range", "[0, 1)"});
  check(head + "fee: 5}\n", "fee: 5}", 5, {"fee is 5", "write 0.05 for 5%", "[0, 1)"});
  // Plausible up to 1%: beyond it only on purpose.
  check(head + "fee: 0.05}\n", "fee: 0.05", 5,
        {"fee is 0.05, outside its plausible range", "[0, 0.01]", "allow_implausible: [venues]",
         "--set allow_implausible=[venues]"});
  const Scenario s = parse_scenario(
      "allow_implausible: [venues]\n" + with_venues(head + "fee: 0.05}\n"), "t.yaml");
  EXPECT_DOUBLE_EQ(s.venues[0].fee, 0.05);
  EXPECT_DOUBLE_EQ(parse_scenario(with_venues(head + "fee: 0}\n"), "t.yaml").venues[0].fee, 0.0);
  // What a thin book costs: a fraction, plausible up to half the price.
  check(head + "impact: 1.5}\n", "impact: 1.5", 8, {"impact is 1.5, out of range", "[0, 1]"});
  check(head + "impact: 0.8}\n", "impact: 0.8", 8,
        {"impact is 0.8, outside its plausible range", "[0, 0.5]"});
  EXPECT_DOUBLE_EQ(parse_scenario(with_venues(head + "impact: 0}\n"), "t.yaml").venues[0].impact,
                   0.0);
}

TEST(LoadErrors, VenuesNeedTraders) {
  const std::string text = "venues:\n" + kVenues + kTiny;
  expect_error(error_of(text), where(text, "  - {name: SHFE", 2),
               {"venues' members are traders, and the scenario has none",
                "allowed: venues with a traders: section"});
  // Traders in name only (none per sector) are none.
  const std::string zero = "traders: {per_sector: 0}\nvenues:\n" + kVenues + kTiny;
  expect_error(error_of(zero), where(zero, "  - {name: SHFE", 2), {"the scenario has none"});
}

// kVenues with `events` (list items) after kTiny's tariff event at step 12.
std::string with_events(const std::string& events) {
  return with_venues(kVenues) + events;
}

TEST(Load, VenueAccessEvents) {
  const Scenario s = parse_scenario(
      with_events("  - {step: 15, type: venue_access, venue: NYMEX, members: [BBB]}\n"
                  "  - {step: 14, type: venue_access, venue: SHFE, members: all}\n"),
      "t.yaml");
  ASSERT_EQ(s.events.size(), 3u);  // kTiny's tariff at step 12, then these in due order
  const Event& open = s.events[1];
  EXPECT_EQ(open.kind, EventKind::venue_access);
  EXPECT_EQ(open.step, 14);
  EXPECT_EQ(open.venue, 0);
  EXPECT_TRUE(open.open);
  EXPECT_TRUE(open.members.empty());
  const Event& closed = s.events[2];
  EXPECT_EQ(closed.venue, 1);
  EXPECT_FALSE(closed.open);
  EXPECT_EQ(closed.members, std::vector<int>{kBBB});

  // Rows per venue × country: the scenario's members, then each event's from its step.
  World world(s);
  EXPECT_EQ(world.venue_name, (std::vector<std::string>{"SHFE", "NYMEX", "LME"}));
  EXPECT_EQ(world.venue_member, (std::vector<std::uint8_t>{1, 1, 1, 1, 1, 1}));
  EXPECT_TRUE(world.apply_policy(12));  // the tariff
  EXPECT_FALSE(world.apply_policy(13));
  EXPECT_TRUE(world.apply_policy(14));
  EXPECT_EQ(world.venue_member, (std::vector<std::uint8_t>{1, 1, 1, 1, 1, 1}));
  EXPECT_TRUE(world.apply_policy(15));
  EXPECT_EQ(world.venue_member, (std::vector<std::uint8_t>{1, 1, 0, 1, 1, 1}));
  EXPECT_FALSE(world.apply_policy(16));

  // A venue of some countries opens to all.
  const Scenario narrow =
      parse_scenario(with_venues("  - {name: X, region: A1, sectors: [ore], members: [AAA]}\n") +
                         "  - {step: 14, type: venue_access, venue: X, members: all}\n",
                     "t.yaml");
  World widened(narrow);
  EXPECT_EQ(widened.venue_member, (std::vector<std::uint8_t>{1, 0}));
  widened.apply_policy(12);
  EXPECT_TRUE(widened.apply_policy(14));
  EXPECT_EQ(widened.venue_member, (std::vector<std::uint8_t>{1, 1}));
}

TEST(LoadErrors, VenueAccessEvents) {
  const auto check_event = [](const std::string& text, const std::string& event,
                              const std::string& needle, std::initializer_list<std::string> words) {
    const std::string all = text + event;
    // The needle as the event writes it, after any earlier use.
    const std::size_t skip = all.find(needle, text.size()) - all.find(needle);
    expect_error(error_of(all), where(all, needle, skip), words);
  };
  const std::string text = with_venues(kVenues);
  check_event(text, "  - {step: 14, type: venue_access, venue: CME, members: all}\n", "CME",
              {"unknown venue 'CME'", "allowed: SHFE, NYMEX, LME"});
  check_event(text, "  - {step: 14, type: venue_access, venue: SHFE}\n", "{step: 14",
              {"venue_access event needs 'venue' and 'members'"});
  check_event(text, "  - {step: 14, type: venue_access, members: all}\n", "{step: 14",
              {"venue_access event needs 'venue' and 'members'"});
  check_event(text, "  - {step: 14, type: venue_access, venue: SHFE, members: []}\n", "[]}",
              {"members is an empty list: no country's traders could join venue 'SHFE'"});
  check_event(text, "  - {step: 14, type: venue_access, venue: SHFE, members: [DDD]}\n", "DDD",
              {"unknown country 'DDD'"});
  check_event(text, "  - {step: 14, type: venue_access, venue: SHFE, members: all, rate: 0.1}\n",
              "0.1}", {"venue_access event has 'rate'", "allowed: step, type, venue, members"});
  check_event(text, "  - {step: 14, type: tariff, rate: 0.1, venue: SHFE}\n", "SHFE}",
              {"event has 'venue'", "allowed: venue and members only in a venue_access event"});
  check_event(kTrading, "  - {step: 14, type: venue_access, venue: SHFE, members: all}\n", "SHFE",
              {"venue_access event for 'SHFE', but the scenario has no venues"});
  check_event(text, "  - {step: 14, type: venue_acces, venue: SHFE, members: all}\n",
              "venue_acces,", {"unknown event type 'venue_acces'; did you mean 'venue_access'?"});
}

}  // namespace
}  // namespace entrepot::load_testing
