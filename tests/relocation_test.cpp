// Firms that move between regions: a US tariff on Chinese electronics with a US subsidy of
// the whole cost of moving in makes Chinese electronics makers move to the United States; the firms
// a region loses are the firms another gains, money stays conserved every step, no household works
// at a site its firm left, no buyer keeps ordering from one, and a left site holds nothing.
// Without free sites or reviews no firm moves.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <vector>

#include "kernels/checkpoint.h"
#include "kernels/host_copy.h"
#include "kernels/model.h"
#include "tests/device_required.h"
#include "tests/same_bytes.h"
#include "world/generated.h"
#include "world/layout.h"

namespace entrepot {
namespace {

constexpr int kChina = 0, kUsa = 1;
constexpr int kElectronics = 5;
constexpr int kShock = 15, kSteps = 45;

// Electronics makers may move (a fifth of a block's sites free); from kShock the US charges
// 60% on Chinese electronics and pays `subsidy` of the cost of moves into its regions.
Scenario relocating_world(bool shock, double subsidy, double review = 0.25) {
  Scenario sc = generated_world(40000, 5);
  sc.steps = kSteps;
  sc.burn_in = kShock - 1;
  sc.relocation.reserve = 0.2;
  sc.relocation.review = review;
  sc.relocation.sectors = {kElectronics};
  if (shock) {
    Event tariff;
    tariff.step = kShock;
    tariff.kind = EventKind::tariff;
    tariff.importer = kUsa;
    tariff.exporter = kChina;
    tariff.sectors = {kElectronics};
    tariff.rate = 0.60;
    sc.events.push_back(tariff);
    Event help;
    help.step = kShock;
    help.kind = EventKind::relocation_subsidy;
    help.country = kUsa;
    help.sectors = {kElectronics};
    help.share = subsidy;
    sc.events.push_back(help);
  }
  return sc;
}

// Moves summed over the run, [o·R + d], and the checks that hold after every step.
struct Moved {
  std::vector<std::int64_t> moves;
  std::int64_t total = 0;
};

std::int64_t moves_between(const Moved& run, const World& world, int from, int to) {
  const int nr = world.regions();
  std::int64_t n = 0;
  for (int o = 0; o < nr; ++o) {
    for (int d = 0; d < nr; ++d) {
      if (world.region_country[o] == from && world.region_country[d] == to) {
        n += run.moves[static_cast<std::size_t>(o) * nr + d];
      }
    }
  }
  return n;
}

void expect_sites_consistent(const Model& m, int step) {
  const auto open = to_host(m.economy.firms.open);
  const auto cash = to_host(m.economy.firms.cash);
  const auto loan = to_host(m.economy.firms.loan);
  const auto staff = to_host(m.economy.firms.employees);
  const auto employer = to_host(m.economy.consumers.employer);
  ASSERT_EQ(open, m.tables.host.site_open) << "step " << step;
  for (std::size_t j = 0; j < open.size(); ++j) {
    if (open[j] != 0) continue;
    ASSERT_EQ(cash[j], 0) << "a free site holds cash, step " << step;
    ASSERT_EQ(loan[j], 0) << "a free site owes, step " << step;
    ASSERT_EQ(staff[j], 0) << "a free site employs, step " << step;
  }
  for (std::int32_t e : employer) {
    if (e >= 0) {
      ASSERT_NE(open[static_cast<std::size_t>(e)], 0) << "step " << step;
    }
  }
}

Moved run(const Scenario& sc, World& world, std::vector<std::int64_t>* open_by_block = nullptr) {
  Model model(sc, world);
  const int nr = world.regions(), ns = world.sectors();
  Moved out;
  out.moves.assign(static_cast<std::size_t>(nr) * nr, 0);
  const auto count_open = [&] {
    const auto open = to_host(model.economy.firms.open);
    const auto block = to_host(model.economy.firms.block);
    std::vector<std::int64_t> n(static_cast<std::size_t>(nr) * ns, 0);
    for (std::size_t j = 0; j < open.size(); ++j) n[static_cast<std::size_t>(block[j])] += open[j];
    return n;
  };
  const std::vector<std::int64_t> at_start = count_open();
  for (int step = 1; step <= sc.steps; ++step) {
    model.step(step);  // throws where money is not conserved
    for (std::size_t i = 0; i < out.moves.size(); ++i) out.moves[i] += model.stats.relocations[i];
    expect_sites_consistent(model, step);
    // After the next step's search no buyer holds a vacated supplier; this step's plan
    // ordered nothing from one (free sites plan and sell nothing).
    const auto supplier = to_host(model.economy.firms.supplier);
    const auto order = to_host(model.economy.firms.input_order);
    for (std::size_t i = 0; i < supplier.size(); ++i) {
      if (supplier[i] >= 0 && model.tables.host.site_open.size() > 0 &&
          model.tables.host.site_open[static_cast<std::size_t>(supplier[i])] == 0) {
        EXPECT_EQ(order[i], 0) << "an order to a free site, step " << step;
      }
    }
  }
  for (std::int64_t x : out.moves) out.total += x;
  // Moves conserve firms: what a sector lost in one region it gained in another.
  const std::vector<std::int64_t> at_end = count_open();
  for (int s = 0; s < ns; ++s) {
    std::int64_t before = 0, after = 0;
    for (int r = 0; r < nr; ++r) {
      before += at_start[static_cast<std::size_t>(r) * ns + s];
      after += at_end[static_cast<std::size_t>(r) * ns + s];
    }
    EXPECT_EQ(before, after) << "sector " << s;
  }
  // No block is emptied below the layout's floor by moves out of it.
  for (std::size_t b = 0; b < at_end.size(); ++b) {
    EXPECT_GE(at_end[b], std::min(at_start[b], kMinBlockFirms)) << "block " << b;
  }
  if (open_by_block != nullptr) *open_by_block = at_end;
  return out;
}

TEST(Relocation, ATariffAndASubsidyBringChineseElectronicsMakersToTheUnitedStates) {
  ENTREPOT_REQUIRE_DEVICE();
  const Scenario shocked = relocating_world(true, 1.0), calm = relocating_world(false, 0.0);
  World ws(shocked), wc(calm);
  std::vector<std::int64_t> open_shocked, open_calm;
  const Moved a = run(shocked, ws, &open_shocked), b = run(calm, wc, &open_calm);
  const std::int64_t chn_usa = moves_between(a, ws, kChina, kUsa),
                     calm_chn_usa = moves_between(b, wc, kChina, kUsa);
  std::cout << "moves: shocked " << a.total << " (CHN→USA " << chn_usa << "), calm " << b.total
            << " (CHN→USA " << calm_chn_usa << ")\n";
  EXPECT_GT(chn_usa, 0);
  EXPECT_GT(chn_usa, calm_chn_usa);
  // China's electronics blocks end with fewer firms than without the shock, the US's with more.
  const int ns = ws.sectors();
  std::int64_t chn = 0, chn_calm = 0, usa = 0, usa_calm = 0;
  for (int r = 0; r < ws.regions(); ++r) {
    const std::size_t b_ = static_cast<std::size_t>(r) * ns + kElectronics;
    if (ws.region_country[r] == kChina) {
      chn += open_shocked[b_];
      chn_calm += open_calm[b_];
    }
    if (ws.region_country[r] == kUsa) {
      usa += open_shocked[b_];
      usa_calm += open_calm[b_];
    }
  }
  EXPECT_LT(chn, chn_calm);
  EXPECT_GT(usa, usa_calm);
}

TEST(Relocation, NoFirmMovesWithoutReviewsOrFreeSites) {
  ENTREPOT_REQUIRE_DEVICE();
  Scenario none = relocating_world(true, 1.0, 0.0);
  World w(none);
  EXPECT_EQ(run(none, w).total, 0);
  Scenario closed = relocating_world(true, 1.0);
  closed.relocation.reserve = 0.0;
  World wc(closed);
  Model m(closed, wc);
  for (int step = 1; step <= 20; ++step) {
    m.step(step);
    for (std::int64_t x : m.stats.relocations) ASSERT_EQ(x, 0);
  }
  EXPECT_TRUE(m.tables.host.site_open.empty());
}

// A run restored from a checkpoint taken after firms began to move steps on as the original:
// the sites, the settled profits and the moves all come back.
TEST(Relocation, RestoredRunMovesAsTheOriginal) {
  ENTREPOT_REQUIRE_DEVICE();
  const Scenario sc = relocating_world(true, 1.0);
  constexpr int kSaved = kShock + 8;
  World wa(sc), wb(sc);
  Model original(sc, wa), resumed(sc, wb);
  std::int64_t before = 0;
  for (int step = 1; step <= kSaved; ++step) {
    original.step(step);
    for (std::int64_t x : original.stats.relocations) before += x;
  }
  ASSERT_GT(before, 0) << "no firm moved before the checkpoint";
  restore(resumed, capture(original));
  EXPECT_EQ(resumed.tables.host.site_open, original.tables.host.site_open);
  for (int step = kSaved + 1; step <= sc.steps; ++step) {
    original.step(step);
    resumed.step(step);
    const auto differ = testing::differing_statistics(original.stats, resumed.stats);
    ASSERT_TRUE(differ.empty()) << "step " << step << ": " << testing::joined(differ);
  }
  EXPECT_EQ(to_host(original.economy.firms.open), to_host(resumed.economy.firms.open));
  EXPECT_EQ(to_host(original.economy.firms.cash), to_host(resumed.economy.firms.cash));
}

}  // namespace
}  // namespace entrepot
