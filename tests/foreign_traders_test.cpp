// Foreign-invested traders in a hub (docs/model.md §4.13): a sector on the hub's negative
// list is closed to them until a negative_list event takes it off; they then open with capital
// from abroad, and what they pay out goes abroad.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/host_copy.h"
#include "kernels/model.h"
#include "kernels/traders.h"
#include "tests/device_required.h"
#include "tests/same_runs.h"
#include "tests/small_world.h"
#include "tests/up_to_trade.h"
#include "world/world.h"

namespace entrepot {
namespace {

// The small world's port (a hub here) and its chips sector.
constexpr int kPort = 0, kChips = 1;

// Two domestic and two foreign entrepôt traders of each goods sector in the port, chips on
// its negative list until `opening` (none: 0).
Scenario open_hub(int steps, int opening) {
  Scenario sc = testing::small_world(8000, 800);
  sc.steps = steps;
  sc.burn_in = 6;
  sc.regions[kPort].hub = true;
  sc.traders.hub_per_sector = 2;
  sc.traders.foreign_per_sector = 2;
  sc.traders.foreign_presence = 0.5;
  sc.traders.negative_list.assign(sc.regions.size(), {});
  sc.traders.negative_list[kPort] = {kChips};
  if (opening > 0) {
    Event e;
    e.step = opening;
    e.kind = EventKind::negative_list;
    e.region = kPort;
    sc.events.push_back(e);
  }
  return sc;
}

using testing::differing_traders;

TEST(ForeignTraders, ASectorOnTheNegativeListIsClosedToThemUntilAnEventTakesItOff) {
  ENTREPOT_REQUIRE_DEVICE();
  const int opening = 12;
  const Scenario sc = open_hub(24, opening);
  World world(sc);
  Model model(sc, world);
  std::int64_t closed = 0, open_elsewhere = 0, opened = 0;
  for (int step = 1; step <= sc.steps; ++step) {
    model.step(step);  // throws unless money is conserved
    const auto abroad = to_host(model.economy.traders.abroad);
    const auto sector = to_host(model.economy.traders.sector);
    const auto sales = to_host(model.economy.traders.sales_value);
    const auto cash = to_host(model.economy.traders.cash);
    const auto expected = to_host(model.economy.traders.expected_sales);
    for (std::size_t i = 0; i < abroad.size(); ++i) {
      if (abroad[i] == 0) continue;
      if (sector[i] != kChips) {
        open_elsewhere += step < opening ? sales[i] : 0;
      } else if (step < opening) {
        closed += sales[i];
        EXPECT_EQ(cash[i], 0) << "step " << step << ": a closed sector's trader holds cash";
        EXPECT_EQ(expected[i], 0.0) << "step " << step;
      } else {
        opened += sales[i];
        EXPECT_GT(expected[i], 0.0) << "step " << step << ": admitted, it expects to sell";
      }
    }
  }
  EXPECT_EQ(closed, 0) << "a foreign trader sold goods on the negative list";
  EXPECT_GT(open_elsewhere, 0) << "foreign traders of open sectors sold nothing";
  EXPECT_GT(opened, 0) << "once off the list, chips' foreign traders sold nothing";
}

// Step 14 phase by phase, once the foreign traders have repaid the loans that bought their
// opening stock: the accounts move foreigners' holdings of the hub's currency by what its
// foreign traders paid out, and nobody else's.
TEST(ForeignTraders, TheirDividendsArePaidAbroadInTheHubsCurrency) {
  ENTREPOT_REQUIRE_DEVICE();
  const Scenario sc = open_hub(16, 0);
  World world(sc);
  Model m(sc, world);
  const int step = 14;
  const Setting set = testing::up_to_trade(m, step);
  const std::vector<std::int64_t> government = m.economy.government;
  trade(set, m.economy, m.ranks, m.scratch.trade, m.trade_chunk, step);
  const std::vector<std::int64_t> held = m.economy.foreign_held;
  const auto abroad = to_host(m.economy.traders.abroad);  // before any takeover
  settle_accounts(set, m.economy, m.ranks, m.scratch.labour, government);
  const auto dividend = to_host(m.economy.traders.dividend);
  std::int64_t dividends = 0;
  for (std::size_t i = 0; i < abroad.size(); ++i) dividends += abroad[i] != 0 ? dividend[i] : 0;
  ASSERT_GT(dividends, 0) << "foreign traders paid no dividend";
  const int hub_country = sc.regions[kPort].country;
  EXPECT_EQ(m.economy.foreign_held[hub_country] - held[hub_country], dividends);
  for (std::size_t c = 0; c < held.size(); ++c) {
    if (static_cast<int>(c) != hub_country) {
      EXPECT_EQ(m.economy.foreign_held[c], held[c]) << "country " << c;
    }
  }
}

TEST(ForeignTraders, SameBytesOnAnyNumberOfThreads) {
  ENTREPOT_REQUIRE_DEVICE();
  testing::expect_same_on_threads(open_hub(16, 10), differing_traders);
}

TEST(ForeignTraders, ACheckpointResumesToTheSameBytes) {
  ENTREPOT_REQUIRE_DEVICE();
  testing::expect_resumes(open_hub(16, 10), 6, differing_traders);
}

}  // namespace
}  // namespace entrepot
