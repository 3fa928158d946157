// Goods move only for money, through the whole trade phase: firms whose cash is taken away
// after they planned their purchases receive no inputs, pay nothing, and their suppliers
// keep the goods. What households and firms spend is the value the flow table sold them
// plus the duty.
#include <gtest/gtest.h>
#include <thrust/copy.h>
#include <thrust/reduce.h>

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/host_copy.h"
#include "kernels/model.h"
#include "tests/device_required.h"
#include "tests/small_world.h"
#include "tests/up_to_trade.h"
#include "world/world.h"

namespace entrepot {
namespace {

using testing::up_to_trade;

TEST(SettlementTest, BuyersWithoutCashReceiveNoGoods) {
  ENTREPOT_REQUIRE_DEVICE();
  const Scenario scenario = testing::small_world(20000, 2000);
  World world(scenario);
  Model m(scenario, world);
  const int step = 4;
  const Setting set = up_to_trade(m, step);
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

// Per region, what households spent (duty included) is the final-use value they bought plus
// their duty, and what firms spent on inputs the rest of the value bought plus theirs: the
// two duties are the region's duty in the flow table, and without duty both are exact.
TEST(SettlementTest, FinalUseIsWhatHouseholdsSpentLessDuty) {
  ENTREPOT_REQUIRE_DEVICE();
  for (const double rate : {0.0, 0.05}) {
    SCOPED_TRACE("tariff " + std::to_string(rate));
    const Scenario scenario = testing::small_world_at_tariff(rate);
    World world(scenario);
    Model m(scenario, world);
    const int step = 4;
    const Setting set = up_to_trade(m, step);
    const TradeFlows flows = trade(set, m.economy, m.ranks, m.scratch.trade, m.trade_chunk, step);

    const int nr = m.tables.regions, ns = m.tables.sectors, slots = m.tables.consumer_slots;
    std::vector<std::int64_t> spent(nr, 0), inputs(nr, 0), final_use(nr, 0), value(nr, 0),
        duty(nr, 0);
    for (int r = 0; r < nr; ++r) {
      for (int c = 0; c < slots; ++c) spent[r] += flows.household[(r * slots + c) * 2];
    }
    const std::vector<std::int32_t> block = to_host(m.economy.firms.block);
    const std::vector<std::int64_t> cost = to_host(m.economy.firms.input_cost);
    for (std::size_t j = 0; j < block.size(); ++j) inputs[block[j] / ns] += cost[j];
    for (int o = 0; o < nr; ++o) {
      for (int d = 0; d < nr; ++d) {
        for (int s = 0; s < ns; ++s) {
          const std::int64_t* cell = &flows.bilateral[world.rrs(o, d, s) * kFlows];
          ASSERT_GE(cell[kFlowFinalValue], 0);
          ASSERT_LE(cell[kFlowFinalValue], cell[kFlowValue]);
          final_use[d] += cell[kFlowFinalValue];
          value[d] += cell[kFlowValue];
          duty[d] += cell[kFlowDuty];
        }
      }
    }
    for (int r = 0; r < nr; ++r) {
      SCOPED_TRACE("region " + std::to_string(r));
      const std::int64_t households_paid = spent[r] - final_use[r];
      const std::int64_t firms_paid = inputs[r] - (value[r] - final_use[r]);
      EXPECT_GT(final_use[r], 0);
      EXPECT_GE(households_paid, 0);
      EXPECT_GE(firms_paid, 0);
      EXPECT_EQ(households_paid + firms_paid, duty[r]);
      if (rate == 0.0) {
        EXPECT_EQ(duty[r], 0);
        EXPECT_EQ(spent[r], final_use[r]);
      }
    }
  }
}

}  // namespace
}  // namespace entrepot
