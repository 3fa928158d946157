// Capacity events that hit some sectors of a region (a mine's closure, a drought) and a
// sector's own price step η_s (auction markets clear faster than customer markets).
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "agents/prices.h"
#include "agents/rules.h"
#include "kernels/host_copy.h"
#include "kernels/model.h"
#include "tests/device_required.h"
#include "tests/same_runs.h"
#include "tests/small_world.h"

namespace entrepot {
namespace {

// The small world's Alpha-Port and its sectors.
constexpr int kPort = 0;
constexpr int kOre = 0, kFood = 3;
constexpr int kShock = 8;

// The small world with the output per worker of Alpha-Port's ore mines at `factor` of
// normal for `duration` steps from kShock (0: no event).
Scenario mine_closure(double factor = 0.3, int duration = 2) {
  Scenario sc = testing::small_world(8000, 800);
  sc.burn_in = 5;
  sc.steps = kShock + 4;
  if (duration > 0) {
    Event closure;
    closure.step = kShock;
    closure.kind = EventKind::capacity;
    closure.region = kPort;
    closure.sectors = {kOre};
    closure.factor = factor;
    closure.duration = duration;
    sc.events = {closure};
  }
  return sc;
}

// The sum of `v` over the firms of block `of`.
std::int64_t block_total(const std::vector<std::int64_t>& v, const std::vector<std::int32_t>& block,
                         int of) {
  std::int64_t sum = 0;
  for (std::size_t j = 0; j < v.size(); ++j) sum += block[j] == of ? v[j] : 0;
  return sum;
}

TEST(SectorCapacity, AnEventCutsOutputPerWorkerOfItsSectorsFirmsOnly) {
  ENTREPOT_REQUIRE_DEVICE();
  const Scenario control_sc = mine_closure(0.3, 0), shocked_sc = mine_closure(0.3, 2);
  World control_world(control_sc), shocked_world(shocked_sc);
  Model control(control_sc, control_world), shocked(shocked_sc, shocked_world);
  for (int step = 1; step <= kShock; ++step) {
    control.step(step);
    shocked.step(step);
  }
  const int mines = kPort * shocked.tables.sectors + kOre;
  // The tables: the mines' output per worker at 30%, every other block's and the region's
  // (its wage level) as without the event.
  const auto tfp = to_host(shocked.tables.block_tfp), plain = to_host(control.tables.block_tfp);
  ASSERT_EQ(tfp.size(), plain.size());
  for (std::size_t b = 0; b < tfp.size(); ++b) {
    if (static_cast<int>(b) == mines) {
      EXPECT_DOUBLE_EQ(tfp[b], 0.3 * plain[b]);
    } else {
      EXPECT_EQ(tfp[b], plain[b]) << "block " << b;
    }
  }
  EXPECT_TRUE(testing::same_bytes(shocked.tables.region_tfp, control.tables.region_tfp));
  // The plan at the event step: the mines want more workers for the same output, every other
  // firm (of the region's other sectors too) exactly what it wanted without the event.
  const auto block = to_host(shocked.economy.firms.block);
  const auto wanted = to_host(shocked.economy.firms.labour_demand);
  const auto wanted_plain = to_host(control.economy.firms.labour_demand);
  std::int64_t mine_staff = 0, mine_staff_plain = 0;
  for (std::size_t j = 0; j < block.size(); ++j) {
    if (block[j] == mines) {
      mine_staff += wanted[j];
      mine_staff_plain += wanted_plain[j];
    } else {
      EXPECT_EQ(wanted[j], wanted_plain[j]) << "firm " << j;
    }
  }
  EXPECT_GT(mine_staff, 2 * mine_staff_plain);
  // Their output: never above what their staff make at 30% output per worker, and well below
  // the control's at this step.
  const auto output = to_host(shocked.economy.firms.output);
  const auto staff = to_host(shocked.economy.firms.employees);
  const auto phi = to_host(shocked.economy.firms.productivity);
  const auto exited = to_host(shocked.economy.firms.exited);
  for (std::size_t j = 0; j < block.size(); ++j) {
    if (block[j] != mines || exited[j] != 0) continue;
    const double cap = labour_capacity(phi[j], tfp[mines], static_cast<double>(staff[j]));
    EXPECT_LE(output[j], static_cast<std::int64_t>(cap * static_cast<double>(kGoodsScale)));
  }
  const std::int64_t made = block_total(output, block, mines);
  const std::int64_t made_plain = block_total(to_host(control.economy.firms.output),
                                              to_host(control.economy.firms.block), mines);
  ASSERT_GT(made_plain, 0);
  EXPECT_LT(static_cast<double>(made), 0.8 * static_cast<double>(made_plain));
  // Over when its duration is: the tables are the control's again.
  for (int step = kShock + 1; step <= kShock + 2; ++step) {
    control.step(step);
    shocked.step(step);
  }
  EXPECT_TRUE(testing::same_bytes(shocked.tables.block_tfp, control.tables.block_tfp));
}

// What phase 8 reads of the firms, copied to the host.
struct PricingState {
  std::vector<std::int32_t> block;
  std::vector<float> productivity;
  std::vector<std::int64_t> wage, demand, shipped, inventory;
  std::vector<double> price, expected_sales, input_unit_cost;
  explicit PricingState(const FirmStore& f)
      : block(to_host(f.block)),
        productivity(to_host(f.productivity)),
        wage(to_host(f.wage)),
        demand(to_host(f.demand)),
        shipped(to_host(f.shipped)),
        inventory(to_host(f.inventory)),
        price(to_host(f.price)),
        expected_sales(to_host(f.expected_sales)),
        input_unit_cost(to_host(f.input_unit_cost)) {}

  // Firm j's price after phase 8 by the rules of agents/prices.h, with the price step `eta`.
  double repriced(const Scenario& sc, const std::vector<double>& block_tfp, std::size_t j,
                  double eta) const {
    const Behaviour& b = sc.behaviour;
    const double scale = static_cast<double>(kGoodsScale);
    const int sector = block[j] % static_cast<int>(sc.sectors.size());
    const double expected = update_expectation(
        expected_sales[j], static_cast<double>(demand[j]) / scale, b.expectation_weight);
    const double cost =
        unit_cost(money_units(wage[j]), productivity[j],
                  block_tfp[static_cast<std::size_t>(block[j])], input_unit_cost[j]);
    const double signal = market_signal(
        static_cast<double>(shipped[j]), static_cast<double>(demand[j]),
        inventory_ratio(static_cast<double>(inventory[j]) / scale, b.inventory_target, expected));
    return adjust_price(price[j], cost, sc.sectors[sector].markup, b.cost_pass_through, eta,
                        signal);
  }
};

TEST(SectorPriceAdjust, EachSectorsProducersStepTheirPricesByItsOwnEta) {
  ENTREPOT_REQUIRE_DEVICE();
  Scenario sc = testing::small_world(8000, 800);
  sc.sectors[kOre].price_adjust = 0.4;
  sc.sectors[kFood].price_adjust = 0.01;
  World world(sc);
  Model model(sc, world);
  // The tables: the sector's own η, the behaviour's where it has none.
  const auto eta = to_host(model.tables.price_adjust);
  ASSERT_EQ(eta.size(), sc.sectors.size());
  for (std::size_t s = 0; s < eta.size(); ++s) {
    const double own = static_cast<int>(s) == kOre    ? 0.4
                       : static_cast<int>(s) == kFood ? 0.01
                                                      : sc.behaviour.price_adjust;
    EXPECT_EQ(eta[s], own) << "sector " << s;
  }
  for (int step = 1; step <= 6; ++step) model.step(step);
  // Phase 8 once more on the firms as the step left them: each price moves by its sector's η.
  const int ns = model.tables.sectors;
  const auto tfp = to_host(model.tables.block_tfp);
  const PricingState before(model.economy.firms);
  adjust_prices(model.setting(), model.economy.firms, model.economy.unemployment_rate);
  const auto price = to_host(model.economy.firms.price);
  int differs = 0;
  for (std::size_t j = 0; j < price.size(); ++j) {
    const int sector = before.block[j] % ns;
    const double own = before.repriced(sc, tfp, j, eta[static_cast<std::size_t>(sector)]);
    EXPECT_EQ(price[j], own) << "firm " << j;
    differs += sector == kOre && own != before.repriced(sc, tfp, j, sc.behaviour.price_adjust);
  }
  EXPECT_GT(differs, 0) << "some ore mines' markets were out of balance";
}

// Mean price of the mines of Alpha-Port.
double mine_price(const Model& m) {
  const auto block = to_host(m.economy.firms.block);
  const auto price = to_host(m.economy.firms.price);
  double sum = 0.0;
  int n = 0;
  for (std::size_t j = 0; j < block.size(); ++j) {
    if (block[j] != kPort * m.tables.sectors + kOre) continue;
    sum += price[j];
    ++n;
  }
  return n > 0 ? sum / n : 0.0;
}

// While the mines' output per worker is at 30%, their prices sit at their unit cost, the
// floor of the rule, whatever η; when it is back, those of a flexibly priced sector fall
// back further in the first step.
TEST(SectorPriceAdjust, AFlexiblyPricedSectorsPricesFallBackFasterAfterItsShock) {
  ENTREPOT_REQUIRE_DEVICE();
  auto fall = [](double eta) {
    Scenario sc = mine_closure(0.3, 3);
    sc.sectors[kOre].price_adjust = eta;
    World world(sc);
    Model model(sc, world);
    for (int step = 1; step <= kShock + 2; ++step) model.step(step);
    const double during = mine_price(model);
    model.step(kShock + 3);
    return mine_price(model) / during;
  };
  const double sticky = fall(0.05), flexible = fall(0.4);
  EXPECT_LT(sticky, 1.0);
  EXPECT_LT(flexible, sticky - 0.1) << "sticky " << sticky << ", flexible " << flexible;
}

std::vector<std::string> firm_fields(const Model& a, const Model& b) {
  std::vector<std::string> out;
  testing::add_differing_fields(a.economy.firms, b.economy.firms, "firms", out);
  testing::add_differing_fields(a.economy.consumers, b.economy.consumers, "households", out);
  return out;
}

Scenario both_features() {
  Scenario sc = mine_closure(0.3, 3);
  sc.sectors[kOre].price_adjust = 0.3;
  return sc;
}

TEST(SectorCapacity, SameBytesOnOneAndTwoThreads) {
  ENTREPOT_REQUIRE_DEVICE();
  testing::expect_same_on_threads(both_features(), firm_fields);
}

TEST(SectorCapacity, ResumesFromACheckpointDuringTheEvent) {
  ENTREPOT_REQUIRE_DEVICE();
  testing::expect_resumes(both_features(), kShock + 1, firm_fields);
}

}  // namespace
}  // namespace entrepot
