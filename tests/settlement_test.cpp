// Goods move only for money, through the whole trade phase: firms whose cash is taken away
// after they planned their purchases receive no inputs, pay nothing, and their suppliers
// keep the goods.
#include <gtest/gtest.h>
#include <thrust/copy.h>
#include <thrust/reduce.h>

#include <cstdint>
#include <vector>

#include "kernels/host_copy.h"
#include "kernels/model.h"
#include "tests/device_required.h"
#include "tests/small_world.h"
#include "world/world.h"

namespace entrepot {
namespace {

TEST(SettlementTest, BuyersWithoutCashReceiveNoGoods) {
  ENTREPOT_REQUIRE_DEVICE();
  const Scenario scenario = testing::small_world(20000, 2000);
  World world(scenario);
  Model m(scenario, world);
  for (int step = 1; step <= 3; ++step) m.step(step);

  // Step 4 up to trade, phase by phase.
  const int step = 4;
  if (world.apply_policy(step)) m.refresh_trade_costs();
  const Setting set = m.setting();
  search_suppliers(set, m.economy, m.ranks, m.scratch.search, step,
                   scenario.behaviour.search_probability);
  plan_production(set, m.economy.firms, m.ranks, m.scratch.search);
  labour_market(set, m.economy, m.ranks, m.scratch.labour, step);
  produce(set, m.economy.firms, m.ranks);
  // Every other firm loses its cash to its region's owners (money stays conserved), after
  // it planned what to buy.
  FirmStore& firms = m.economy.firms;
  std::vector<std::int64_t> cash = to_host(firms.cash);
  const std::vector<std::int32_t> block = to_host(firms.block);
  const std::vector<std::int64_t> ordered = to_host(firms.input_order);
  std::vector<bool> broke(cash.size(), false);
  std::int64_t broke_with_orders = 0;
  for (std::size_t j = 0; j < cash.size(); j += 2) {
    m.economy.owners[block[j] / m.tables.sectors] += cash[j];
    cash[j] = 0;
    broke[j] = true;
    for (int k = 0; k < kInputSlots; ++k) {
      broke_with_orders += ordered[k * cash.size() + j] > 0 ? 1 : 0;
    }
  }
  thrust::copy(cash.begin(), cash.end(), firms.cash.begin());
  const std::vector<std::int64_t> stock_before = to_host(firms.input_stock);
  const std::int64_t inventory_before =
      thrust::reduce(firms.inventory.begin(), firms.inventory.end(), std::int64_t{0});

  const TradeFlows flows = trade(set, m.economy, m.ranks, m.scratch.trade, m.trade_chunk, step);

  ASSERT_GT(broke_with_orders, 100) << "too few input orders to test";
  const std::vector<std::int64_t> stock_after = to_host(firms.input_stock);
  const std::vector<std::int64_t> cost = to_host(firms.input_cost);
  const std::vector<std::int64_t> cash_after = to_host(firms.cash);
  for (std::size_t j = 0; j < cash.size(); ++j) {
    if (!broke[j]) continue;
    ASSERT_EQ(cost[j], 0) << "firm " << j << " paid for inputs without cash";
    for (int k = 0; k < kInputSlots; ++k) {
      const std::size_t i = k * cash.size() + j;
      ASSERT_EQ(stock_after[i], stock_before[i]) << "firm " << j << " received inputs unpaid";
    }
  }
  // What left the sellers' inventories is exactly what the buyers' payments cover: the
  // goods shipped equal the flows' shipped total, and the sellers still hold the rest.
  std::int64_t shipped = 0, value = 0;
  for (std::size_t c = 0; c < flows.bilateral.size(); c += kFlows) {
    shipped += flows.bilateral[c + kFlowShipped];
    value += flows.bilateral[c + kFlowValue];
  }
  const std::int64_t inventory_after =
      thrust::reduce(firms.inventory.begin(), firms.inventory.end(), std::int64_t{0});
  EXPECT_EQ(inventory_before - inventory_after, shipped);
  EXPECT_GT(value, 0);
  for (std::int64_t c : cash_after) ASSERT_GE(c, 0);
}

}  // namespace
}  // namespace entrepot
