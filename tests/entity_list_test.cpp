// Export controls on named firms: an export ban on an entity list keeps the listed firms
// from buying the banned sector from the exporter (their suppliers there are replaced, none
// is ordered from), while the unlisted firms of the same blocks still buy from it; an
// entity_list event that widens the list takes in more firms; money stays conserved.
#include <gtest/gtest.h>

#include <iostream>
#include <vector>

#include "kernels/entities.h"
#include "kernels/host_copy.h"
#include "kernels/model.h"
#include "tests/device_required.h"
#include "world/generated.h"

namespace entrepot {
namespace {

constexpr int kChina = 0, kUsa = 1;
constexpr int kSemiconductors = 4;
constexpr int kBan = 15, kWiden = 25, kSteps = 34;

// China's makers of electronics, vehicles and components (the buyers of chips), half of
// them on the list; US chips banned to the list from kBan; the whole of them listed from
// kWiden when `widen`.
Scenario controlled_world(bool ban, bool widen) {
  Scenario sc = generated_world(40000, 11);
  sc.steps = kSteps;
  sc.burn_in = kBan - 1;
  EntityList list;
  list.name = "fabs";
  for (std::size_t r = 0; r < sc.regions.size(); ++r) {
    if (sc.regions[r].country == kChina) list.regions.push_back(static_cast<int>(r));
  }
  list.sectors = {3, 5, 6};
  list.share = 0.5;
  sc.entity_lists = {list};
  if (ban) {
    Event e;
    e.step = kBan;
    e.kind = EventKind::export_ban;
    e.exporter = kUsa;
    e.sectors = {kSemiconductors};
    e.entities = 0;
    sc.events.push_back(e);
  }
  if (widen) {
    Event e;
    e.step = kWiden;
    e.kind = EventKind::entity_list;
    e.entities = 0;
    e.share = 1.0;
    sc.events.push_back(e);
  }
  return sc;
}

// Chinese chip buyers' slots for chips, by whether the firm is listed and whether the
// supplier is American and ordered from.
struct ChipSlots {
  int listed = 0, unlisted = 0;                        // firms of the list's blocks
  int listed_us = 0, unlisted_us = 0;                  // slots with a US supplier
  int listed_us_ordered = 0, unlisted_us_ordered = 0;  // of which ordered from this step
};

ChipSlots chip_slots(const Model& m, const World& world) {
  const TablesView t = m.tables.view();
  const auto block = to_host(m.economy.firms.block);
  const auto supplier = to_host(m.economy.firms.supplier);
  const auto order = to_host(m.economy.firms.input_order);
  const std::size_t nf = block.size();
  const int ns = world.sectors();
  ChipSlots out;
  for (std::size_t j = 0; j < nf; ++j) {
    const int region = block[j] / ns, sector = block[j] % ns;
    if (world.region_country[region] != kChina || (sector != 3 && sector != 5 && sector != 6)) {
      continue;
    }
    const bool listed = entity_lists_of(t, m.rng, j, block[j]) != 0;
    (listed ? out.listed : out.unlisted) += 1;
    for (int k = 0; k < kInputSlots; ++k) {
      if (t.input_sector[sector * kInputSlots + k] != kSemiconductors) continue;
      const std::int32_t s = supplier[k * nf + j];
      if (s < 0 || world.region_country[t.origin_of(s)] != kUsa) continue;
      (listed ? out.listed_us : out.unlisted_us) += 1;
      if (order[k * nf + j] > 0) (listed ? out.listed_us_ordered : out.unlisted_us_ordered) += 1;
    }
  }
  return out;
}

TEST(EntityLists, ListedFirmsStopBuyingTheBannedSectorFromTheExporterOthersDoNot) {
  ENTREPOT_REQUIRE_DEVICE();
  const Scenario sc = controlled_world(true, true);
  World world(sc);
  Model model(sc, world);
  ChipSlots before{}, banned{}, widened{};
  for (int step = 1; step <= kSteps; ++step) {
    model.step(step);
    ASSERT_EQ(model.total_money(), model.initial_money) << "step " << step;
    if (step == kBan - 1) before = chip_slots(model, world);
    if (step == kWiden - 1) banned = chip_slots(model, world);
    if (step == kSteps) widened = chip_slots(model, world);
  }
  std::cout << "US chip slots, listed/unlisted: before " << before.listed_us << "/"
            << before.unlisted_us << ", banned " << banned.listed_us << "/" << banned.unlisted_us
            << " (ordered " << banned.listed_us_ordered << "/" << banned.unlisted_us_ordered
            << "), widened " << widened.listed_us << "/" << widened.unlisted_us << "\n";
  // Before the ban listed firms bought US chips like the others (the list is a fair half).
  EXPECT_GT(before.listed_us, 0);
  EXPECT_GT(before.unlisted_us, 0);
  EXPECT_NEAR(static_cast<double>(before.listed) / (before.listed + before.unlisted), 0.5, 0.1);
  // Under the ban no listed firm keeps a US chip supplier it orders from; others still buy.
  EXPECT_EQ(banned.listed_us_ordered, 0);
  EXPECT_GT(banned.unlisted_us_ordered, 0);
  EXPECT_LT(banned.listed_us, before.listed_us);
  // Widened to all of them: none left unlisted, none ordering US chips.
  EXPECT_EQ(widened.unlisted, 0);
  EXPECT_EQ(widened.listed_us_ordered, 0);
}

TEST(EntityLists, AListWithoutABanChangesNothing) {
  ENTREPOT_REQUIRE_DEVICE();
  Scenario listed = controlled_world(false, false), plain = controlled_world(false, false);
  plain.entity_lists.clear();
  World wa(listed), wb(plain);
  Model a(listed, wa), b(plain, wb);
  for (int step = 1; step <= 20; ++step) {
    a.step(step);
    b.step(step);
    ASSERT_EQ(a.stats.trade_value, b.stats.trade_value) << "step " << step;
  }
}

}  // namespace
}  // namespace entrepot
