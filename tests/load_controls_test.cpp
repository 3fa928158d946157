// Loading export controls: entity lists, export bans on them, and their events.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/load_fixtures.h"
#include "world/world.h"

namespace entrepot::load_testing {
namespace {

const std::string kTinyEvent =
    "{step: 12, type: tariff, importer: AAA, exporter: BBB, sectors: [goods], rate: 0.2}";

TEST(Load, EntityListsAndTheirBans) {
  const std::string text =
      tiny_with(kTinyEvent,
                "{step: 12, type: export_ban, exporter: AAA, sectors: [ore], "
                "entities: labs}\n"
                "  - {step: 14, type: entity_list, entities: fabs, share: 0.6}") +
      "entity_lists:\n"
      "  - {name: fabs, regions: [B1], sectors: [goods], share: 0.25}\n"
      "  - {name: labs, firms: [7, 3]}\n"
      "export_bans:\n"
      "  - {exporter: AAA, sectors: [ore], entities: fabs}\n";
  const Scenario s = parse_scenario(text, "t.yaml");
  ASSERT_EQ(s.entity_lists.size(), 2u);
  EXPECT_EQ(s.entity_lists[0].name, "fabs");
  EXPECT_EQ(s.entity_lists[0].regions, std::vector<int>{1});
  EXPECT_EQ(s.entity_lists[0].sectors, std::vector<int>{1});
  EXPECT_DOUBLE_EQ(s.entity_lists[0].share, 0.25);
  EXPECT_EQ(s.entity_lists[1].firms, (std::vector<std::int64_t>{3, 7}));  // ascending
  ASSERT_EQ(s.export_bans.size(), 1u);
  EXPECT_EQ(s.export_bans[0].entities, 0);
  EXPECT_EQ(s.export_bans[0].importer, -1);
  ASSERT_EQ(s.events.size(), 2u);
  EXPECT_EQ(s.events[0].kind, EventKind::export_ban);
  EXPECT_EQ(s.events[0].entities, 1);
  EXPECT_EQ(s.events[1].kind, EventKind::entity_list);
  EXPECT_EQ(s.events[1].entities, 0);
  EXPECT_DOUBLE_EQ(s.events[1].share, 0.6);
  // The bans and the list's share as the world holds them, then after the event.
  World world(s);
  EXPECT_EQ(world.entity_ban[0 * 3 + 0], 1u);  // AAA's ore, list 0 (fabs)
  EXPECT_EQ(world.entity_ban[1 * 3 + 0], 0u);
  world.apply_policy(12);
  EXPECT_EQ(world.entity_ban[0 * 3 + 0], 3u);  // and list 1 (labs) from step 12
  EXPECT_DOUBLE_EQ(world.entity_share[0], 0.25);
  world.apply_policy(14);
  EXPECT_DOUBLE_EQ(world.entity_share[0], 0.6);
  // A ban on a list bans no country's trade.
  for (std::uint8_t b : world.banned) EXPECT_EQ(b, 0u);
}

TEST(LoadErrors, EntityLists) {
  auto with = [](const std::string& lists) { return kTiny + "entity_lists:\n" + lists; };
  const std::string empty = with("  - {name: none}\n");
  expect_error(error_of(empty), where(empty, "{name: none}"), {"'none' names no firm"});
  const std::string region = with("  - {name: x, regions: [Z9], share: 0.1}\n");
  expect_error(error_of(region), where(region, "Z9"), {"unknown region 'Z9'"});
  const std::string share = with("  - {name: x, regions: [A1], share: 2}\n");
  expect_error(error_of(share), where(share, "[A1], share: 2", 13), {"share is 2", "[0, 1]"});
  const std::string no_regions = with("  - {name: x, share: 0.5, firms: [1]}\n");
  expect_error(error_of(no_regions), where(no_regions, "share: 0.5", 7),
               {"has a share but no regions"});
  const std::string id = with("  - {name: x, firms: [100]}\n");
  expect_error(error_of(id), where(id, "100]"), {"firm id is 100", "99"});
  const std::string twice = with("  - {name: x, firms: [4, 4]}\n");
  expect_error(error_of(twice), where(twice, "4]"), {"firm 4 is listed twice"});
  std::string nine;
  for (int l = 0; l < 9; ++l) nine += "  - {name: l" + std::to_string(l) + ", firms: [1]}\n";
  const std::string many = with(nine);
  expect_error(error_of(many), where(many, "{name: l8"), {"at most 8 entity lists"});
}

TEST(LoadErrors, EntityBans) {
  const std::string lists = "entity_lists:\n  - {name: fabs, regions: [B1], share: 0.5}\n";
  const std::string unknown =
      kTiny + lists + "export_bans:\n  - {exporter: AAA, sectors: [ore], entities: labs}\n";
  expect_error(error_of(unknown), where(unknown, "labs}"), {"unknown entity list 'labs'"});
  const std::string importer = kTiny + lists +
                               "export_bans:\n  - {exporter: AAA, importer: BBB, sectors: [ore], "
                               "entities: fabs}\n";
  expect_error(error_of(importer), where(importer, "importer: BBB, sectors: [ore]", 10),
               {"has 'importer'"});
  const std::string event_importer =
      tiny_with(kTinyEvent,
                "{step: 12, type: export_ban, exporter: AAA, importer: BBB, sectors: [ore], "
                "entities: fabs}") +
      lists;
  expect_error(error_of(event_importer), where(event_importer, "importer: BBB, sectors: [ore]", 10),
               {"has 'importer'"});
  const std::string tariff = tiny_with(kTinyEvent,
                                       "{step: 12, type: tariff, importer: AAA, rate: 0.1, "
                                       "entities: fabs}") +
                             lists;
  expect_error(error_of(tariff), where(tariff, "fabs}"), {"has 'entities'"});
  const std::string bare =
      tiny_with(kTinyEvent, "{step: 12, type: entity_list, entities: fabs}") + lists;
  expect_error(error_of(bare), where(bare, "{step: 12"), {"needs 'entities' and 'share'"});
  const std::string by_id =
      tiny_with(kTinyEvent, "{step: 12, type: entity_list, entities: labs, share: 1}") +
      "entity_lists:\n  - {name: labs, firms: [2]}\n";
  expect_error(error_of(by_id), where(by_id, "labs, share"), {"which has no regions"});
}

}  // namespace
}  // namespace entrepot::load_testing
