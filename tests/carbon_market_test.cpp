// Emissions trading (agents/carbon.h, kernels/carbon.cpp, docs/model.md §4.17): the rules on
// hand-worked numbers and random ones; the cap holds, allowances are never overdrawn and
// the allowance market's money goes where it should; a binding cap prices allowances and cuts
// emissions; the same bytes on one and two threads and after a restart.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "agents/carbon.h"
#include "kernels/carbon.h"
#include "kernels/host_copy.h"
#include "kernels/model.h"
#include "tests/device_required.h"
#include "tests/same_runs.h"
#include "tests/small_world.h"

namespace entrepot {
namespace {

TEST(CarbonRulesTest, BuyersPayRoundedUpAndSellersGetRoundedDown) {
  // 1.5 t at 10 money per tonne: 15 money either way.
  EXPECT_EQ(allowance_payment(1'500'000'000, 10'000'000), 15'000'000);
  // 1 micro-kg at 1.5 money per tonne: 1.5e-9 money, a buyer pays one micro-unit, a seller
  // gets none.
  EXPECT_EQ(allowance_payment(1, 1'500'000), 1);
  EXPECT_EQ(allowance_payment(-1, 1'500'000), 0);
  EXPECT_EQ(allowance_payment(0, 1'500'000), 0);
  // Beyond int64 before the division.
  EXPECT_EQ(allowance_payment(std::int64_t{1} << 50, std::int64_t{1} << 40),
            static_cast<std::int64_t>(((static_cast<__int128>(1) << 90) + kMicroKgPerTonne - 1) /
                                      kMicroKgPerTonne));
}

TEST(CarbonRulesTest, OutputRoomIsTheMostTheAllowancesCover) {
  std::mt19937_64 random(5);
  for (int i = 0; i < 20000; ++i) {
    const std::int64_t held = static_cast<std::int64_t>(random() % 4'000'000'000'000ull);
    const double e = std::uniform_real_distribution<double>(1e-4, 20.0)(random);
    const std::int64_t room = output_room(held, e);
    ASSERT_LE(emitted(room, e), held) << held << " at " << e;
    ASSERT_GT(emitted(room + 1, e), held) << held << " at " << e;
  }
  EXPECT_EQ(output_room(0, 2.0), 0);
  EXPECT_EQ(output_room(-5, 2.0), 0);
  EXPECT_GT(output_room(1, 0.0), std::int64_t{1} << 60);  // what emits nothing is not capped
}

TEST(CarbonRulesTest, AFirmCutsTheTranchesCheaperThanThePrice) {
  // Slope 0.2 per kg, at most 0.4 cut: four tranches of 0.1 at 0.01, 0.03, 0.05, 0.07 per kg.
  EXPECT_DOUBLE_EQ(tranche_cost(0.2, 0.4, 0), 0.01);
  EXPECT_DOUBLE_EQ(tranche_cost(0.2, 0.4, 3), 0.07);
  EXPECT_DOUBLE_EQ(abated_share(0.0, 0.2, 0.4), 0.0);
  EXPECT_DOUBLE_EQ(abated_share(0.01, 0.2, 0.4), 0.0);  // not cheaper: not cut
  EXPECT_DOUBLE_EQ(abated_share(0.04, 0.2, 0.4), 0.2);
  EXPECT_DOUBLE_EQ(abated_share(1.0, 0.2, 0.4), 0.4);
  // Carbon in a unit's cost: 2 kg a unit, 0.2 cut at 0.04 per kg: 1.6 kg paid at 0.04, and
  // cutting 0.2 of 2 kg costs 0.2 · 0.2²/2 per kg of the 2.
  EXPECT_NEAR(carbon_unit_cost(2.0, 0.04, 0.2, 0.2), 1.6 * 0.04 + 2.0 * 0.2 * 0.02, 1e-15);
  EXPECT_EQ(firm_abatement_slope(0.2, 0.0), 0.1);
  EXPECT_EQ(abatement_workers(10.0, 0.5, 2.0), 3);  // 5 money of cutting at 2 a worker
  EXPECT_EQ(abatement_workers(10.0, 0.0, 2.0), 0);
}

TEST(CarbonRulesTest, AllowanceValueIsTheMarginPerTonne) {
  // Price 3, other costs 2 a unit, 0.5 kg a unit: 2 per kg, 2000 per tonne.
  EXPECT_EQ(allowance_value(3.0, 2.0, 0.5), 2'000'000'000);
  EXPECT_EQ(allowance_value(2.0, 3.0, 0.5), 0);
  EXPECT_EQ(allowance_value(3.0, 2.0, 1e-30), kMaxCarbonBid);
}

struct Sums {
  std::int64_t bid = 0, ask = 0, surplus = 0, cost = 0;
};

Sums sum_orders(const AllowanceNeed& n, std::vector<AuctionOrder>& orders) {
  orders.assign(kMaxAllowanceOrders, AuctionOrder{});
  const int count = allowance_orders(n, orders.data());
  EXPECT_EQ(count, allowance_orders(n, nullptr));
  EXPECT_LE(count, kMaxAllowanceOrders);
  orders.resize(static_cast<std::size_t>(count));
  Sums s;
  for (const AuctionOrder& o : orders) {
    EXPECT_GT(o.quantity, 0);
    EXPECT_GE(o.price, 0);
    EXPECT_EQ(o.id, n.id);
    EXPECT_EQ(o.book, n.book);
    if (o.side == kBid) {
      s.bid += o.quantity;
      s.cost += allowance_payment(o.quantity, o.price);
    } else if (o.price == 0 && o.quantity > 0 && &o == &orders.back() && n.held > n.need) {
      s.surplus += o.quantity;
    } else {
      s.ask += o.quantity;
    }
  }
  return s;
}

TEST(CarbonRulesTest, OrdersCoverTheNeedFromHoldingsFirstAndBidWithinTheCash) {
  AllowanceNeed n;
  n.need = 1'000'000;
  n.value = 80'000'000;  // 80 money per tonne
  n.slope = 0.2;         // per kg: tranches at 10, 30, 50, 70 per tonne
  n.abatement_max = 0.4;
  n.id = 42;
  n.book = 1;
  n.cash = 1'000'000'000;
  std::vector<AuctionOrder> orders;
  // Nothing held, cash enough: bids for the whole need, the dearest first.
  Sums s = sum_orders(n, orders);
  EXPECT_EQ(s.bid, n.need);
  EXPECT_EQ(s.ask, 0);
  ASSERT_EQ(orders.size(), 5u);
  EXPECT_EQ(orders[0].price, 80'000'000);
  EXPECT_EQ(orders[0].quantity, 600'000);
  EXPECT_EQ(orders[1].price, 70'000'000);
  EXPECT_EQ(orders[4].price, 10'000'000);
  EXPECT_EQ(orders[4].quantity, 100'000);
  // Holding 650,000: the unabatable 600,000 and half a tranche offered, the rest bid for.
  n.held = 650'000;
  s = sum_orders(n, orders);
  EXPECT_EQ(s.ask, 650'000);
  EXPECT_EQ(s.bid, 350'000);
  // Holding more than the need: the surplus offered at any price.
  n.held = 1'300'000;
  s = sum_orders(n, orders);
  EXPECT_EQ(s.ask, n.need);
  EXPECT_EQ(s.bid, 0);
  EXPECT_EQ(orders.back().price, 0);
  EXPECT_EQ(orders.back().quantity, 300'000);
  // Little cash: bids no more than it can pay at their limits.
  n.held = 0;
  n.cash = 30;  // micro-money: 375,000 micro-kg at 80 per tonne
  s = sum_orders(n, orders);
  EXPECT_LE(s.cost, n.cash);
  EXPECT_LT(s.bid, n.need);
  // A margin below a tranche's cutting cost: that tranche is worth the margin.
  n.cash = 1'000'000'000;
  n.value = 40'000'000;
  s = sum_orders(n, orders);
  for (const AuctionOrder& o : orders) EXPECT_LE(o.price, n.value);
  for (std::size_t i = 1; i < orders.size(); ++i) EXPECT_LE(orders[i].price, orders[i - 1].price);
}

TEST(CarbonRulesTest, RandomPositionsKeepTheirBalance) {
  std::mt19937_64 random(11);
  std::vector<AuctionOrder> orders;
  for (int i = 0; i < 5000; ++i) {
    AllowanceNeed n;
    n.need = static_cast<std::int64_t>(random() % 10'000'000'000ull);
    n.held = static_cast<std::int64_t>(random() % 10'000'000'000ull);
    n.value = static_cast<std::int64_t>(random() % 500'000'000ull);
    n.cash = static_cast<std::int64_t>(random() % 2'000'000ull);
    n.slope = std::uniform_real_distribution<double>(0.0, 1.0)(random);
    n.abatement_max = std::uniform_real_distribution<double>(0.0, 0.9)(random);
    const Sums s = sum_orders(n, orders);
    ASSERT_EQ(s.ask + s.surplus, n.held);
    ASSERT_LE(s.ask + s.bid, n.need);
    ASSERT_LE(s.cost, n.cash);
    if (n.held >= n.need) {
      ASSERT_EQ(s.bid, 0);
    }
  }
}

// The small world where Alpha's ore and food makers are under a cap of `cap` of what they
// emit at set-up, half of it given free.
Scenario capped_world(double cap, int start = 3) {
  Scenario sc = testing::small_world();
  sc.steps = 30;
  sc.emissions.sector = {2.0, 0.3, 0.0, 0.5, 0.0};
  sc.emissions.country = {2.0, 1.0, 1.0};
  CarbonMarket m;
  m.name = "alpha_ets";
  m.country = 0;
  m.regions = {0, 1};
  m.sectors = {0, 3};
  m.cap = cap;
  m.free_share = 0.5;
  m.abatement_slope = 300.0;
  m.abatement_max = 0.5;
  m.start = start;
  sc.carbon_markets = {m};
  return sc;
}

TEST(CarbonMarketTest, TheCapHoldsAndNoFirmOverdrawsItsAllowances) {
  ENTREPOT_REQUIRE_DEVICE();
  const Scenario sc = capped_world(0.6);
  World world(sc);
  Model model(sc, world);
  std::int64_t issued = 0, emitted_total = 0, traded = 0;
  double highest = 0.0;
  for (int step = 1; step <= sc.steps; ++step) {
    model.step(step);  // throws where money is not conserved
    const StepStatistics& st = model.stats;
    ASSERT_EQ(st.carbon_issued.size(), 1u);
    if (step < sc.carbon_markets[0].start) {
      EXPECT_EQ(st.carbon_issued[0], 0);
      EXPECT_EQ(st.carbon_emitted[0], 0);
      continue;
    }
    issued += st.carbon_issued[0];
    emitted_total += st.carbon_emitted[0];
    traded += st.carbon_traded[0];
    highest = std::max(highest, st.carbon_price[0]);
    // Every kg emitted was covered by an allowance issued before it: what is held is what
    // was issued less what was surrendered (and less what free sites lost).
    ASSERT_LE(emitted_total, issued) << "step " << step;
    ASSERT_LE(st.carbon_held[0], issued - emitted_total) << "step " << step;
    const std::vector<std::int64_t> held = to_host(model.economy.firms.allowances);
    ASSERT_GE(*std::min_element(held.begin(), held.end()), 0) << "step " << step;
    // The covered blocks' emissions are their firms'.
    const int ns = model.tables.sectors;
    std::int64_t covered = 0;
    for (int r : sc.carbon_markets[0].regions) {
      for (int s : sc.carbon_markets[0].sectors) covered += st.emissions[r * ns + s];
    }
    EXPECT_EQ(covered, st.carbon_emitted[0]);
  }
  EXPECT_GT(issued, 0);
  EXPECT_GT(traded, 0);
  // A cap of 60% binds: allowances are scarce and priced.
  EXPECT_GT(highest, 0.0);
}

TEST(CarbonMarketTest, ABindingCapCutsEmissionsAndALooseOneCostsNothing) {
  ENTREPOT_REQUIRE_DEVICE();
  const auto covered_emissions = [](const Scenario& sc, std::vector<double>* prices) {
    World world(sc);
    Model model(sc, world);
    std::int64_t total = 0;
    const int ns = model.tables.sectors;
    for (int step = 1; step <= sc.steps; ++step) {
      model.step(step);
      if (step <= 10) continue;
      for (int r : {0, 1}) {
        for (int s : {0, 3}) total += model.stats.emissions[r * ns + s];
      }
      if (prices != nullptr) prices->push_back(model.stats.carbon_price[0]);
    }
    return total;
  };
  Scenario none = capped_world(0.6);
  none.carbon_markets.clear();
  std::vector<double> tight_prices, loose_prices;
  const std::int64_t free = covered_emissions(none, nullptr);
  const std::int64_t tight = covered_emissions(capped_world(0.6), &tight_prices);
  const std::int64_t loose = covered_emissions(capped_world(5.0), &loose_prices);
  EXPECT_LT(tight, free * 7 / 10);
  EXPECT_GT(*std::max_element(tight_prices.begin(), tight_prices.end()), 1.0);
  // Five times what they emit is never short: allowances cost the floor, 0.
  for (double p : loose_prices) EXPECT_EQ(p, 0.0);
  EXPECT_GT(loose, free * 9 / 10);
}

TEST(BorderCarbonTest, TheImporterChargesTheGapInCarbonPricesOnTheExportersEmissions) {
  Scenario sc = capped_world(0.6);
  CarbonMarket beta = sc.carbon_markets[0];
  beta.name = "beta_ets";
  beta.country = 1;
  beta.regions = {2};
  sc.carbon_markets.push_back(beta);
  World world(sc);
  Economy economy;
  // Alpha's allowances at 80 a tonne, Beta's at 30, each currency at 1 US$ but Beta's at 2.
  economy.allowance_price = {80'000'000, 30'000'000};
  economy.exchange_rate = {1.0, 2.0, 1.0};
  const int ns = world.sectors();
  // No adjustment in force: nothing charged.
  for (double r : border_carbon_rates(sc, world, economy)) EXPECT_EQ(r, 0.0);
  world.carbon_adjustment[0 * ns + 0] = 1.0;  // Alpha on ore
  world.carbon_adjustment[0 * ns + 1] = 1.0;  // and on chips, which no market covers
  std::vector<double> rate = border_carbon_rates(sc, world, economy);
  // Gamma has no market: the whole 0.08 US$ a kg on its 2 kg per US$ of ore (factor 1).
  EXPECT_DOUBLE_EQ(rate[world.flow_cell(2, 0, 0)], 0.08 * 2.0 * 1.0);
  // Beta pays 0.06 US$ a kg at its rate: the gap is 0.02.
  EXPECT_NEAR(rate[world.flow_cell(1, 0, 0)], 0.02 * 2.0 * 1.0, 1e-15);
  // Alpha's own ore, its imports of food, chips (no price at home) and Beta's imports: none.
  EXPECT_EQ(rate[world.flow_cell(0, 0, 0)], 0.0);
  EXPECT_EQ(rate[world.flow_cell(2, 0, 3)], 0.0);
  EXPECT_EQ(rate[world.flow_cell(2, 0, 1)], 0.0);
  EXPECT_EQ(rate[world.flow_cell(0, 1, 0)], 0.0);
  // A higher price at origin: no charge, never a rebate.
  economy.exchange_rate[1] = 4.0;
  rate = border_carbon_rates(sc, world, economy);
  EXPECT_EQ(rate[world.flow_cell(1, 0, 0)], 0.0);
  // Half the gap where the adjustment charges half (free allocation still being phased out).
  world.carbon_adjustment[0 * ns + 0] = 0.5;
  rate = border_carbon_rates(sc, world, economy);
  EXPECT_DOUBLE_EQ(rate[world.flow_cell(2, 0, 0)], 0.5 * 0.08 * 2.0);
}

TEST(BorderCarbonTest, AnAdjustmentIsPaidAsDutyAndCutsTheTaxedImports) {
  ENTREPOT_REQUIRE_DEVICE();
  const auto run = [](bool adjusted, std::int64_t& duty, std::int64_t& bought) {
    Scenario sc = capped_world(0.5);
    sc.steps = 24;
    if (adjusted) {
      Event e;
      e.step = 12;
      e.kind = EventKind::carbon_adjustment;
      e.importer = 0;
      e.sectors = {0};
      e.share = 1.0;
      sc.events = {e};
    }
    World world(sc);
    Model model(sc, world);
    duty = bought = 0;
    for (int step = 1; step <= sc.steps; ++step) {
      model.step(step);
      const StepStatistics& st = model.stats;
      const std::size_t cell = world.flow_cell(2, 0, 0);  // Gamma's ore into Alpha
      if (step >= 14) {
        duty += st.trade_duty[cell];
        bought += st.trade_quantity[cell];
      }
      if (adjusted && step >= 13) {
        // In force from the event on, at the prices of the step before.
        EXPECT_GT(st.carbon_adjustment[cell], 0.0) << "step " << step;
      }
      if (step < 12) {
        EXPECT_EQ(st.carbon_adjustment[cell], 0.0);
      }
    }
  };
  std::int64_t duty_without = 0, bought_without = 0, duty_with = 0, bought_with = 0;
  run(false, duty_without, bought_without);
  run(true, duty_with, bought_with);
  EXPECT_GT(duty_with, duty_without);
  EXPECT_LT(bought_with, bought_without);
}

std::vector<std::string> firm_fields(const Model& a, const Model& b) {
  std::vector<std::string> out;
  testing::add_differing_fields(a.economy.firms, b.economy.firms, "firms", out);
  testing::add_differing_fields(a.economy.consumers, b.economy.consumers, "households", out);
  return out;
}

TEST(CarbonMarketTest, SameBytesOnOneAndTwoThreads) {
  ENTREPOT_REQUIRE_DEVICE();
  Scenario sc = capped_world(0.6);
  sc.steps = 16;
  testing::expect_same_on_threads(sc, firm_fields);
}

TEST(CarbonMarketTest, ResumesFromACheckpointToTheSameBytes) {
  ENTREPOT_REQUIRE_DEVICE();
  Scenario sc = capped_world(0.6);
  sc.steps = 16;
  testing::expect_resumes(sc, 9, firm_fields);
}

}  // namespace
}  // namespace entrepot
