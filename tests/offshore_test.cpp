// Offshore (merchanting) trade (docs/model.md §4.13): a hub's merchants buy goods where
// they are made and hold them there, paying no duty and shipping nothing; their buyers
// receive the goods straight from that origin, under the origin's duty and haul, while the
// payment and the margin are booked in the hub. Settling their sales abroad in foreign
// currency costs them a share paid to their banks, which an offshore_settlement event
// changes. Money is conserved every step and the run keeps the determinism contract.
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

// The small world's port (a hub here).
constexpr int kPort = 0;

// Two entrepôt traders of each goods sector in the port, one of them a merchant; settling a
// sale abroad costs 2% until `cheaper` (none: 0), then 0.5%.
Scenario merchant_world(int steps, int cheaper = 0) {
  Scenario sc = testing::small_world(8000, 800);
  sc.steps = steps;
  sc.burn_in = 6;
  sc.regions[kPort].hub = true;
  sc.traders.per_sector = 1;
  sc.traders.hub_per_sector = 2;
  sc.traders.offshore_share = 0.5;
  sc.traders.settlement_cost = 0.02;
  if (cheaper > 0) {
    Event e;
    e.step = cheaper;
    e.kind = EventKind::offshore_settlement;
    e.region = kPort;
    e.rate = 0.005;
    sc.events.push_back(e);
  }
  return sc;
}

using testing::differing_traders;

TEST(Merchants, OnlyTheShareOfAHubsTradersChosenAreMerchants) {
  ENTREPOT_REQUIRE_DEVICE();
  const Scenario sc = merchant_world(2);
  World world(sc);
  Model model(sc, world);
  const auto region = to_host(model.economy.traders.region);
  const auto offshore = to_host(model.economy.traders.offshore);
  int merchants = 0, hub_traders = 0;
  for (std::size_t i = 0; i < region.size(); ++i) {
    if (region[i] != kPort) {
      EXPECT_EQ(offshore[i], 0) << "a merchant outside the hub";
      continue;
    }
    ++hub_traders;
    merchants += offshore[i];
  }
  // The two goods sectors firms buy as inputs (ore, chips; without retail markets nobody buys
  // phones or food from traders), three traders each in the port: one wholesaler, one
  // entrepôt trader and one merchant.
  EXPECT_EQ(hub_traders, 6);
  EXPECT_EQ(merchants, 2);
}

// A region's own wholesale weight: none where it is 0, and a hub without wholesalers still
// has its merchants first among its entrepôt traders.
TEST(Merchants, WholesalersOnlyWhereTheirRegionWeighsThem) {
  ENTREPOT_REQUIRE_DEVICE();
  Scenario sc = merchant_world(3);
  sc.regions[kPort].wholesale_presence = 0.0;
  sc.regions[1].wholesale_presence = 0.0;
  sc.regions[2].wholesale_presence = 2.5;
  EXPECT_DOUBLE_EQ(sc.traders.region_presence(sc.regions[2]), 2.5);
  EXPECT_DOUBLE_EQ(sc.traders.region_presence(sc.regions[kPort]), sc.traders.hub_presence);
  World world(sc);
  Model model(sc, world);
  const auto region = to_host(model.economy.traders.region);
  const auto offshore = to_host(model.economy.traders.offshore);
  std::vector<int> traders(static_cast<std::size_t>(world.regions()), 0);
  int merchants = 0;
  for (std::size_t i = 0; i < region.size(); ++i) {
    ++traders[region[i]];
    merchants += offshore[i];
  }
  // Two goods sectors bought from traders: in the port its two entrepôt traders of each (one
  // a merchant), in region 1 none, elsewhere one wholesaler of each.
  EXPECT_EQ(traders[kPort], 4);
  EXPECT_EQ(merchants, 2);
  EXPECT_EQ(traders[1], 0);
  for (int r = 2; r < world.regions(); ++r) EXPECT_EQ(traders[r], 2) << "region " << r;
  for (int step = 1; step <= sc.steps; ++step) model.step(step);  // money conserved
}

// The merchants' purchases are settled at origin: they pay the price alone (no duty), and
// what they pay is tallied as the hub's offshore purchases, not as goods shipped to the hub.
TEST(Merchants, TheirPurchasesPayNoDutyAndShipNothingToTheHub) {
  ENTREPOT_REQUIRE_DEVICE();
  const Scenario sc = merchant_world(12);
  World world(sc);
  Model m(sc, world);
  const Setting set = testing::up_to_trade(m, 1);
  const TradeFlows flows = trade(set, m.economy, m.ranks, m.scratch.trade, m.trade_chunk, 1);
  const auto offshore = to_host(m.economy.traders.offshore);
  const auto purchases = to_host(m.economy.traders.purchases);
  std::int64_t merchant_purchases = 0;
  for (std::size_t i = 0; i < offshore.size(); ++i) {
    if (offshore[i] != 0) merchant_purchases += purchases[i];
  }
  ASSERT_GT(merchant_purchases, 0) << "the merchants bought nothing";
  std::int64_t bought = 0;
  for (std::int64_t v : flows.offshore_bought) bought += v;
  // Purchases count duty too: equal only where none was charged.
  EXPECT_EQ(bought, merchant_purchases);
  // The bilateral flows hold no purchase of theirs: every cell into the hub from a producer
  // of a goods sector is paid for by the hub's firms and its other traders. Summed over the
  // world, value and duty are what buyers other than the merchants spent.
  std::int64_t bilateral = 0;
  const auto cells = flows.bilateral.size() / kFlows;
  for (std::size_t c = 0; c < cells; ++c) {
    bilateral += flows.bilateral[c * kFlows + kFlowValue] + flows.bilateral[c * kFlows + kFlowDuty];
  }
  std::int64_t spent = 0;
  for (std::size_t i = 0; i < offshore.size(); ++i) {
    if (offshore[i] == 0) spent += purchases[i];
  }
  for (std::int64_t v : to_host(m.economy.firms.input_cost)) spent += v;
  for (std::size_t k = 0; k < flows.household.size(); k += 2) spent += flows.household[k];
  EXPECT_EQ(bilateral, spent);
}

// Over a run: what buyers paid the merchants is part of what they paid the hub's traders, and
// each such sale shows in the trade from where the goods were made to the buyer, not from the
// hub; the merchants' sales abroad are no exports of the hub's country.
TEST(Merchants, TheirGoodsGoStraightFromWhereTheyWereMadeToTheBuyer) {
  ENTREPOT_REQUIRE_DEVICE();
  const Scenario sc = merchant_world(24);
  World world(sc);
  Model model(sc, world);
  const auto nr = static_cast<std::size_t>(model.tables.regions);
  const auto ns = static_cast<std::size_t>(model.tables.sectors);
  std::int64_t offshore_total = 0, from_elsewhere = 0, margin = 0;
  for (int step = 1; step <= sc.steps; ++step) {
    model.step(step);  // throws unless money is conserved
    const std::vector<std::int64_t>& offshore = model.stats.offshore_trade_value;
    const std::vector<std::int64_t>& handled = model.stats.handled_trade_value;
    ASSERT_EQ(offshore.size(), nr * nr * ns);
    for (std::size_t route = 0; route < offshore.size(); ++route) {
      ASSERT_GE(offshore[route], 0);
      EXPECT_LE(offshore[route], handled[route]) << "step " << step << ", route " << route;
      if (offshore[route] == 0) continue;
      offshore_total += offshore[route];
      const std::size_t origin = route / (nr * ns);
      if (origin != kPort) from_elsewhere += offshore[route];
      // The same cell of the region trade: goods from `origin` to the buyer's region.
      EXPECT_GE(model.stats.region_trade_value[route], offshore[route])
          << "step " << step << ": an offshore sale missing from the trade it shipped in";
    }
    const auto offshore_flag = to_host(model.economy.traders.offshore);
    const auto sales = to_host(model.economy.traders.sales_value);
    const auto cost = to_host(model.economy.traders.cost_of_sales);
    const auto exports = to_host(model.economy.traders.export_value);
    const auto region = to_host(model.economy.traders.region);
    std::int64_t sold_abroad = 0;
    for (std::size_t i = 0; i < offshore_flag.size(); ++i) {
      if (offshore_flag[i] != 0) {
        margin += sales[i] - cost[i];
      } else if (region[i] == kPort) {
        sold_abroad += exports[i];
      }
    }
    const auto totals = trader_totals(model.setting(), model.economy, model.ranks);
    std::int64_t port_exports = 0;
    for (std::size_t s = 0; s < ns; ++s) port_exports += totals[kPort * ns + s].v[4];
    EXPECT_EQ(port_exports, sold_abroad) << "step " << step;
  }
  EXPECT_GT(offshore_total, 0) << "the merchants sold nothing";
  EXPECT_GT(from_elsewhere, 0) << "no merchant sold goods made outside the hub";
  EXPECT_GT(margin, 0) << "the merchants earned no margin in the hub";
}

// Settling a sale abroad in foreign currency costs the merchant its hub's rate on it, paid to
// its bank; the event lowers the rate from its step on.
TEST(Merchants, SettlingTheirSalesAbroadCostsTheHubsRateUntilAnEventLowersIt) {
  ENTREPOT_REQUIRE_DEVICE();
  const int cheaper = 14;
  const Scenario sc = merchant_world(20, cheaper);
  World world(sc);
  Model model(sc, world);
  std::int64_t before = 0, after = 0;
  for (int step = 1; step <= sc.steps; ++step) {
    model.step(step);
    const double rate = step < cheaper ? 0.02 : 0.005;
    const auto offshore = to_host(model.economy.traders.offshore);
    const auto exports = to_host(model.economy.traders.export_value);
    const auto fee = to_host(model.economy.traders.settlement_fee);
    for (std::size_t i = 0; i < offshore.size(); ++i) {
      const auto expected =
          offshore[i] != 0 ? static_cast<std::int64_t>(static_cast<double>(exports[i]) * rate) : 0;
      ASSERT_EQ(fee[i], expected) << "step " << step << ", trader " << i;
      (step < cheaper ? before : after) += fee[i];
    }
  }
  EXPECT_GT(before, 0) << "no merchant paid to settle a sale abroad";
  EXPECT_GT(after, 0);
}

TEST(Merchants, SameBytesOnAnyNumberOfThreads) {
  ENTREPOT_REQUIRE_DEVICE();
  testing::expect_same_on_threads(merchant_world(16, 10), differing_traders);
}

TEST(Merchants, ACheckpointResumesToTheSameBytes) {
  ENTREPOT_REQUIRE_DEVICE();
  testing::expect_resumes(merchant_world(16, 10), 6, differing_traders);
}

}  // namespace
}  // namespace entrepot
