// Property tests of the model's invariants (DESIGN §4), checked after every step of a run:
// money is conserved exactly, goods balance exactly, no account or stock goes negative,
// every household is either employed by a firm of its region or unemployed, the trade
// series hold no negative values, their final-use and export parts add up exactly, and the
// region series add up to the country series exactly.
#include <gtest/gtest.h>
#include <thrust/copy.h>
#include <thrust/reduce.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "kernels/host_copy.h"
#include "kernels/model.h"
#include "tests/device_required.h"
#include "tests/small_world.h"
#include "world/generated.h"
#include "world/world.h"

namespace entrepot {
namespace {

template <class T>
std::int64_t device_sum(const thrust::device_vector<T>& v) {
  return thrust::reduce(v.begin(), v.end(), std::int64_t{0}, thrust::plus<std::int64_t>());
}

// Goods held by firms: output inventories plus input stocks (goods micro-units).
std::int64_t goods_held(const Model& m) {
  return device_sum(m.economy.firms.inventory) + device_sum(m.economy.firms.input_stock);
}

// Success, or the first entry of `values` below zero and how many there are.
template <class T>
::testing::AssertionResult none_negative(const std::vector<T>& values, const char* what) {
  std::size_t count = 0, first = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i] < 0) {
      if (count == 0) first = i;
      ++count;
    }
  }
  if (count == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << count << " negative " << what << ", first [" << first << "] = " << values[first];
}

// Checks one step's invariants; `previous_goods` carries the stock of goods across steps.
class InvariantChecker {
 public:
  explicit InvariantChecker(const Model& model) : m_(model), previous_goods_(goods_held(model)) {}

  void check(int step) {
    SCOPED_TRACE("after step " + std::to_string(step));
    const StepStatistics& st = m_.stats;
    EXPECT_EQ(st.step, step);

    // Money: exact, no tolerance, both from the statistics and from the accounts.
    ASSERT_EQ(st.money.size(), money_holders().size());
    std::int64_t money = 0;
    for (std::int64_t held : st.money) money += held;
    EXPECT_EQ(money, m_.initial_money);
    EXPECT_EQ(m_.total_money(), m_.initial_money);
    EXPECT_EQ(st.country_money, m_.initial_country_money) << "some currency's money changed";
    EXPECT_EQ(m_.country_money(), m_.initial_country_money);

    // Goods: produced = used + consumed + melted + Δinventory, exactly.
    const std::int64_t goods = goods_held(m_);
    EXPECT_EQ(st.inventory, goods) << "the inventory statistic is not the firms' stock";
    EXPECT_EQ(st.produced, st.used + st.consumed + st.melted + (goods - previous_goods_))
        << "produced " << st.produced << ", used " << st.used << ", consumed " << st.consumed
        << ", melted " << st.melted << ", Δinventory " << goods - previous_goods_;
    EXPECT_GE(st.produced, 0);
    EXPECT_GE(st.used, 0);
    EXPECT_GE(st.consumed, 0);
    EXPECT_GE(st.melted, 0);
    previous_goods_ = goods;

    // No negative cash, inventory or stock; prices positive and finite.
    EXPECT_TRUE(none_negative(to_host(m_.economy.firms.cash), "firm cash"));
    EXPECT_TRUE(none_negative(to_host(m_.economy.firms.inventory), "firm inventories"));
    EXPECT_TRUE(none_negative(to_host(m_.economy.firms.input_stock), "firm input stocks"));
    EXPECT_TRUE(none_negative(to_host(m_.economy.consumers.cash), "household cash"));
    EXPECT_TRUE(none_negative(to_host(m_.economy.firms.employees), "firm staff counts"));
    const std::vector<double> price = to_host(m_.economy.firms.price);
    std::size_t bad_prices = 0, first_bad = 0;
    for (std::size_t j = 0; j < price.size(); ++j) {
      if (std::isfinite(price[j]) && price[j] > 0.0) continue;
      if (bad_prices++ == 0) first_bad = j;
    }
    EXPECT_EQ(bad_prices, 0u) << "firm prices not positive and finite, first: firm " << first_bad
                              << " at " << price[first_bad];

    check_labour();
    check_demand();

    // Trade series: values, duties and quantities are never negative.
    EXPECT_TRUE(none_negative(st.trade_value, "trade values"));
    EXPECT_TRUE(none_negative(st.trade_duty, "trade duties"));
    EXPECT_TRUE(none_negative(st.trade_quantity, "trade quantities"));
    EXPECT_TRUE(none_negative(st.consumption, "regional consumption values"));
    EXPECT_TRUE(none_negative(st.trade_value_final, "final-use trade values"));
    EXPECT_TRUE(none_negative(st.region_exports, "regional exports"));
    EXPECT_TRUE(none_negative(st.region_output, "regional output"));
    // Output by region and sector adds up to the goods produced, exactly.
    std::int64_t made = 0;
    for (std::int64_t x : st.region_output) made += x;
    EXPECT_EQ(made, st.produced) << "step " << st.step;
    // Value added by sector adds up to the region's, within a micro-unit per sector (each
    // block is converted to US$ on its own).
    const std::size_t sectors = st.sector_value_added.size() / st.value_added.size();
    for (std::size_t r = 0; r < st.value_added.size(); ++r) {
      std::int64_t added = 0;
      for (std::size_t s = 0; s < sectors; ++s) added += st.sector_value_added[r * sectors + s];
      EXPECT_LE(std::abs(added - st.value_added[r]), static_cast<std::int64_t>(sectors))
          << "step " << st.step << " region " << r;
    }

    // Buyers' and sellers' tallies agree exactly only at one rate: a payment across a border
    // is then the same sum for both (with moving rates their sides differ by the conversion,
    // and the per-currency money check above covers it).
    one_rate_ = std::all_of(st.exchange_rate.begin(), st.exchange_rate.end(),
                            [](double e) { return e == 1.0; });
    if (one_rate_) check_final_use();
    if (one_rate_) check_region_buyers();
    check_exports();
    check_region_trade();
  }

  // Duty the households and the firms of each importing country paid on top of the value
  // they bought, as the identities of check_final_use() leave it (last step checked).
  const std::vector<std::int64_t>& household_duty() const { return household_duty_; }
  const std::vector<std::int64_t>& firm_duty() const { return firm_duty_; }

 private:
  int country_of_firm(std::int32_t block) const {
    return m_.world.region_country[block / m_.tables.sectors];
  }

  // trade_value_final is the households' part of trade_value: never more, never negative.
  // Per importing country, households spent (consumption, duty included) the final value
  // plus their duty, and firms (input_cost, duty included) the rest of the value plus
  // theirs; the two duties are what trade_duty collected. Buyers tally what they spend, the
  // flow table what was sold, so these are independent tallies that must agree exactly.
  void check_final_use() {
    const StepStatistics& st = m_.stats;
    const int nc = m_.world.countries(), ns = m_.tables.sectors;
    ASSERT_EQ(st.trade_value_final.size(), st.trade_value.size());
    std::size_t above = 0;
    for (std::size_t c = 0; c < st.trade_value.size(); ++c) {
      above += st.trade_value_final[c] > st.trade_value[c] ? 1 : 0;
    }
    EXPECT_EQ(above, 0u) << "cells where the final-use value exceeds the trade value";

    std::vector<std::int64_t> spent(nc, 0), inputs(nc, 0), final_use(nc, 0), intermediate(nc, 0),
        duty(nc, 0);
    for (int r = 0; r < m_.tables.regions; ++r)
      spent[m_.world.region_country[r]] += st.consumption[r];
    const std::vector<std::int32_t> block = to_host(m_.economy.firms.block);
    const std::vector<std::int64_t> cost = to_host(m_.economy.firms.input_cost);
    for (std::size_t j = 0; j < block.size(); ++j) inputs[country_of_firm(block[j])] += cost[j];
    std::int64_t cross_final = 0, cross_intermediate = 0, cross_value = 0;
    for (int e = 0; e < nc; ++e) {
      for (int i = 0; i < nc; ++i) {
        for (int s = 0; s < ns; ++s) {
          const std::size_t c = m_.world.flow_cell(e, i, s);
          final_use[i] += st.trade_value_final[c];
          intermediate[i] += st.trade_value[c] - st.trade_value_final[c];
          duty[i] += st.trade_duty[c];
          if (e == i) continue;
          cross_final += st.trade_value_final[c];
          cross_intermediate += st.trade_value[c] - st.trade_value_final[c];
          cross_value += st.trade_value[c];
        }
      }
    }
    EXPECT_LE(cross_final, cross_value);
    EXPECT_EQ(cross_final + cross_intermediate, cross_value);
    household_duty_.assign(nc, 0);
    firm_duty_.assign(nc, 0);
    for (int i = 0; i < nc; ++i) {
      SCOPED_TRACE("importer " + std::to_string(i));
      household_duty_[i] = spent[i] - final_use[i];
      firm_duty_[i] = inputs[i] - intermediate[i];
      EXPECT_GE(household_duty_[i], 0) << "households spent less than the final value they bought";
      EXPECT_GE(firm_duty_[i], 0) << "firms paid less than the intermediate value they bought";
      EXPECT_EQ(household_duty_[i] + firm_duty_[i], duty[i])
          << "spending of households " << spent[i] << " and firms " << inputs[i] << " is not final "
          << final_use[i] << " + intermediate " << intermediate[i] << " + duty " << duty[i];
    }
  }

  // region_exports against the sellers' own tally (export_value: paid by buyers of another
  // country) per region and sector, and summed per country and sector against the
  // cross-border rows of trade_value.
  void check_exports() {
    const StepStatistics& st = m_.stats;
    const int nc = m_.world.countries(), nr = m_.tables.regions, ns = m_.tables.sectors;
    ASSERT_EQ(st.region_exports.size(), static_cast<std::size_t>(nr) * ns);
    std::vector<std::int64_t> sold(static_cast<std::size_t>(nr) * ns, 0);
    const std::vector<std::int32_t> block = to_host(m_.economy.firms.block);
    const std::vector<std::int64_t> exported = to_host(m_.economy.firms.export_value);
    for (std::size_t j = 0; j < block.size(); ++j) sold[block[j]] += exported[j];
    if (one_rate_) {
      EXPECT_EQ(st.region_exports, sold) << "region_exports is not the sellers' export_value";
    }
    std::vector<std::int64_t> by_country(static_cast<std::size_t>(nc) * ns, 0);
    std::vector<std::int64_t> rows(static_cast<std::size_t>(nc) * ns, 0);
    for (int r = 0; r < nr; ++r) {
      for (int s = 0; s < ns; ++s) {
        by_country[static_cast<std::size_t>(m_.world.region_country[r]) * ns + s] +=
            st.region_exports[static_cast<std::size_t>(r) * ns + s];
      }
    }
    for (int e = 0; e < nc; ++e) {
      for (int i = 0; i < nc; ++i) {
        if (e == i) continue;
        for (int s = 0; s < ns; ++s) {
          rows[static_cast<std::size_t>(e) * ns + s] += st.trade_value[m_.world.flow_cell(e, i, s)];
        }
      }
    }
    EXPECT_EQ(by_country, rows) << "region_exports summed to countries is not cross-border trade";
  }

  // The region series: never negative, the households' part never above the value; summed
  // over each country's regions they are the country series, and their cross-border part
  // by origin is region_exports, cell by cell and exactly (each cell is converted once).
  void check_region_trade() {
    const StepStatistics& st = m_.stats;
    const World& w = m_.world;
    const int nc = w.countries(), nr = m_.tables.regions, ns = m_.tables.sectors;
    const std::size_t pairs = static_cast<std::size_t>(nr) * nr * ns;
    ASSERT_EQ(st.region_trade_value.size(), pairs);
    ASSERT_EQ(st.region_trade_duty.size(), pairs);
    ASSERT_EQ(st.region_trade_value_final.size(), pairs);
    EXPECT_TRUE(none_negative(st.region_trade_value, "region trade values"));
    EXPECT_TRUE(none_negative(st.region_trade_duty, "region trade duties"));
    EXPECT_TRUE(none_negative(st.region_trade_value_final, "region final-use values"));
    const std::size_t cube = static_cast<std::size_t>(nc) * nc * ns;
    std::vector<std::int64_t> value(cube, 0), duty(cube, 0), final_use(cube, 0);
    std::vector<std::int64_t> exports(static_cast<std::size_t>(nr) * ns, 0);
    std::size_t above = 0;
    for (int o = 0; o < nr; ++o) {
      for (int d = 0; d < nr; ++d) {
        const int exporter = w.region_country[o], importer = w.region_country[d];
        for (int s = 0; s < ns; ++s) {
          const std::size_t pair = w.rrs(o, d, s), cell = w.flow_cell(exporter, importer, s);
          value[cell] += st.region_trade_value[pair];
          duty[cell] += st.region_trade_duty[pair];
          final_use[cell] += st.region_trade_value_final[pair];
          above += st.region_trade_value_final[pair] > st.region_trade_value[pair] ? 1 : 0;
          if (exporter != importer) {
            exports[static_cast<std::size_t>(o) * ns + s] += st.region_trade_value[pair];
          }
        }
      }
    }
    EXPECT_EQ(above, 0u) << "region pairs where the final-use value exceeds the value";
    EXPECT_EQ(value, st.trade_value) << "region_trade_value summed to countries is not trade_value";
    EXPECT_EQ(duty, st.trade_duty) << "region_trade_duty summed to countries is not trade_duty";
    EXPECT_EQ(final_use, st.trade_value_final)
        << "region_trade_value_final summed to countries is not trade_value_final";
    EXPECT_EQ(exports, st.region_exports)
        << "region_trade_value across borders, by origin, is not region_exports";
  }

  // Per destination region, as check_final_use() per importing country: its households
  // spent the final value shipped into the region plus their duty, its firms the rest of
  // that value plus theirs, and the two duties are the region series' duty into it.
  void check_region_buyers() {
    const StepStatistics& st = m_.stats;
    const int nr = m_.tables.regions, ns = m_.tables.sectors;
    std::vector<std::int64_t> inputs(nr, 0), final_use(nr, 0), intermediate(nr, 0), duty(nr, 0);
    const std::vector<std::int32_t> block = to_host(m_.economy.firms.block);
    const std::vector<std::int64_t> cost = to_host(m_.economy.firms.input_cost);
    for (std::size_t j = 0; j < block.size(); ++j) inputs[block[j] / ns] += cost[j];
    for (int o = 0; o < nr; ++o) {
      for (int d = 0; d < nr; ++d) {
        for (int s = 0; s < ns; ++s) {
          const std::size_t pair = m_.world.rrs(o, d, s);
          final_use[d] += st.region_trade_value_final[pair];
          intermediate[d] += st.region_trade_value[pair] - st.region_trade_value_final[pair];
          duty[d] += st.region_trade_duty[pair];
        }
      }
    }
    for (int d = 0; d < nr; ++d) {
      SCOPED_TRACE("destination region " + std::to_string(d));
      const std::int64_t households = st.consumption[d] - final_use[d];
      const std::int64_t firms = inputs[d] - intermediate[d];
      EXPECT_GE(households, 0) << "households spent less than the final value shipped to them";
      EXPECT_GE(firms, 0) << "firms paid less than the intermediate value shipped to them";
      EXPECT_EQ(households + firms, duty[d])
          << "the region's buyers spent " << st.consumption[d] << " and " << inputs[d]
          << ", not final " << final_use[d] << " + intermediate " << intermediate[d] << " + duty "
          << duty[d];
    }
  }

  // A firm's demand is its round-1 orders and its round-2 sales, from the step's two books:
  // the part of a round-2 order it could not fill is counted once, unfilled, by the seller
  // the buyer ordered from first. It never ships more than that demand.
  void check_demand() {
    const std::vector<Offer> one = to_host(m_.scratch.trade.offers),
                             two = to_host(m_.scratch.trade.spill_offers);
    const auto place = static_cast<std::size_t>(m_.ranks.domain.sellers.start(kFirmSellers));
    const std::vector<std::int64_t> demand = to_host(m_.economy.firms.demand);
    const std::vector<std::int64_t> shipped = to_host(m_.economy.firms.shipped);
    ASSERT_GE(one.size(), place + demand.size());
    ASSERT_GE(two.size(), place + demand.size());
    std::size_t miscounted = 0, overshipped = 0;
    for (std::size_t j = 0; j < demand.size(); ++j) {
      miscounted += demand[j] != one[place + j].orders + two[place + j].shipped ? 1 : 0;
      overshipped += shipped[j] > demand[j] ? 1 : 0;
    }
    EXPECT_EQ(miscounted, 0u) << "firms whose demand is not round-1 orders + round-2 sales";
    EXPECT_EQ(overshipped, 0u) << "firms that shipped more than their demand";
  }

  // Every household is employed by a firm of its own region or unemployed; a firm's staff
  // count is the number of households naming it; the regional series add up.
  void check_labour() {
    const StepStatistics& st = m_.stats;
    const int regions = m_.tables.regions, sectors = m_.tables.sectors;
    const std::vector<std::int32_t> employer = to_host(m_.economy.consumers.employer);
    const std::vector<std::uint16_t> home = to_host(m_.economy.consumers.region);
    const std::vector<std::int32_t> block = to_host(m_.economy.firms.block);
    const std::vector<std::int32_t> staff = to_host(m_.economy.firms.employees);
    std::vector<std::int32_t> named(block.size(), 0);
    std::size_t elsewhere = 0, dangling = 0;
    for (std::size_t n = 0; n < employer.size(); ++n) {
      const std::int32_t firm = employer[n];
      if (firm < 0) continue;
      if (static_cast<std::size_t>(firm) >= block.size()) {
        ++dangling;
        continue;
      }
      ++named[firm];
      if (block[firm] / sectors != home[n]) ++elsewhere;
    }
    EXPECT_EQ(dangling, 0u) << "households name a firm id out of range";
    EXPECT_EQ(elsewhere, 0u) << "households work for a firm outside their region";
    std::size_t miscounted = 0;
    for (std::size_t j = 0; j < block.size(); ++j) miscounted += named[j] != staff[j] ? 1 : 0;
    EXPECT_EQ(miscounted, 0u) << "firms whose staff count differs from the households naming them";

    ASSERT_EQ(st.employment.size(), static_cast<std::size_t>(regions));
    ASSERT_EQ(st.unemployment.size(), static_cast<std::size_t>(regions));
    for (int r = 0; r < regions; ++r) {
      const std::int64_t people =
          m_.tables.host.consumer_start[r + 1] - m_.tables.host.consumer_start[r];
      EXPECT_EQ(st.employment[r] + st.unemployment[r], people) << "region " << r;
      EXPECT_GE(st.employment[r], 0) << "region " << r;
      EXPECT_GE(st.unemployment[r], 0) << "region " << r;
    }
  }

  const Model& m_;
  std::int64_t previous_goods_;
  bool one_rate_ = true;
  std::vector<std::int64_t> household_duty_, firm_duty_;
};

// Steps a model built from `scenario`, checking the invariants after every step; stops at
// the first step that breaks one, so a failure reports where it started.
void run_checked(const Scenario& scenario, int steps) {
  World world(scenario);
  Model model(scenario, world);
  ASSERT_GT(model.economy.firms.size, 0u);
  ASSERT_GT(model.economy.consumers.size, 0u);
  ASSERT_GT(model.initial_money, 0);
  InvariantChecker checker(model);
  std::int64_t produced = 0, traded = 0;
  for (int step = 1; step <= steps; ++step) {
    ASSERT_NO_THROW(model.step(step)) << "step " << step;
    checker.check(step);
    if (::testing::Test::HasFailure()) return;
    produced += model.stats.produced;
    for (std::int64_t v : model.stats.trade_value) traded += v;
  }
  // The economy is alive: the checks above were not run on an idle world.
  EXPECT_GT(produced, 0);
  EXPECT_GT(traded, 0);
}

// Without duty, household spending is exactly the final-use value the country's households
// bought, and firms' input costs exactly the rest of what the country bought; with duty
// (small_world levies 5 %), both differ from it by what each paid in duty.
TEST(InvariantsTest, FinalUseAndDutySplitBetweenBuyers) {
  ENTREPOT_REQUIRE_DEVICE();
  for (const double rate : {0.0, 0.05}) {
    SCOPED_TRACE("tariff " + std::to_string(rate));
    // One rate for every currency (no response to the currency market), so the buyers' and
    // sellers' tallies are the same sums.
    Scenario scenario = testing::small_world_at_tariff(rate);
    scenario.behaviour.exchange_response = 0.0;
    World world(scenario);
    Model model(scenario, world);
    InvariantChecker checker(model);
    std::int64_t final_use = 0, households_paid = 0, firms_paid = 0, exports = 0;
    for (int step = 1; step <= 8; ++step) {
      ASSERT_NO_THROW(model.step(step)) << "step " << step;
      checker.check(step);
      if (HasFailure()) return;
      for (std::int64_t v : model.stats.trade_value_final) final_use += v;
      for (std::int64_t v : model.stats.region_exports) exports += v;
      for (std::int64_t d : checker.household_duty()) households_paid += d;
      for (std::int64_t d : checker.firm_duty()) firms_paid += d;
    }
    EXPECT_GT(final_use, 0);
    EXPECT_GT(exports, 0);
    if (rate == 0.0) {
      EXPECT_EQ(households_paid, 0);
      EXPECT_EQ(firms_paid, 0);
    } else {
      EXPECT_GT(households_paid, 0);
      EXPECT_GT(firms_paid, 0);
    }
  }
}

// Firms' inputs by their sector (the intermediate block of the input–output table): each
// region pair's shipments of a sector less their final use is what firms of every sector
// there bought of it (to a micro-dollar per cell and buyer sector, each converted alone),
// and a firm buys only its recipe's inputs. With retail markets the retailers' purchases
// are final use and stay out of it.
TEST(InvariantsTest, InputUseIsWhatFirmsOfEachSectorBought) {
  ENTREPOT_REQUIRE_DEVICE();
  for (const bool retail : {false, true}) {
    SCOPED_TRACE(retail ? "retail markets" : "households at producers");
    Scenario scenario = testing::small_world();
    if (retail) scenario.retail.households_per_market = 250;
    World world(scenario);
    Model model(scenario, world);
    const int nr = world.regions(), ns = world.sectors();
    std::vector<bool> recipe(static_cast<std::size_t>(ns) * ns, false);
    for (const RecipeEntry& e : scenario.recipe) recipe[e.input * ns + e.output] = e.amount > 0.0;
    std::int64_t bought = 0;
    for (int step = 1; step <= 6; ++step) {
      model.step(step);
      const StepStatistics& st = model.stats;
      ASSERT_EQ(st.input_use.size(), static_cast<std::size_t>(nr) * ns * nr * ns);
      for (int o = 0; o < nr; ++o) {
        for (int d = 0; d < nr; ++d) {
          for (int s = 0; s < ns; ++s) {
            std::int64_t inputs = 0;
            for (int b = 0; b < ns; ++b) {
              const std::int64_t v = st.input_use[world.input_use_cell(o, s, d, b)];
              EXPECT_GE(v, 0);
              if (!recipe[s * ns + b]) {
                EXPECT_EQ(v, 0) << "sector " << b << " buys " << s;
              }
              inputs += v;
            }
            const std::size_t cell = world.rrs(o, d, s);
            EXPECT_NEAR(static_cast<double>(inputs),
                        static_cast<double>(st.region_trade_value[cell] -
                                            st.region_trade_value_final[cell]),
                        static_cast<double>(ns + 2))
                << "step " << step << " origin " << o << " destination " << d << " sector " << s;
            bought += inputs;
          }
        }
      }
    }
    EXPECT_GT(bought, 0);
  }
}

// The region series over a few steps of a small world at floating rates add up to the
// country series exactly (the checker), and hold what the country series merge: a region's
// shipments abroad, to another region of its own country, and from abroad into it.
TEST(InvariantsTest, RegionTradeAddsUpToCountries) {
  ENTREPOT_REQUIRE_DEVICE();
  const Scenario scenario = testing::small_world();
  World world(scenario);
  Model model(scenario, world);
  InvariantChecker checker(model);
  // small_world's regions: AAA-Port, AAA-Inland, BBB, CCC.
  const int port = 0, inland = 1, beta = 2, gamma = 3;
  std::int64_t port_abroad = 0, port_inland = 0, into_port = 0;
  bool rates_moved = false;
  for (int step = 1; step <= 6; ++step) {
    ASSERT_NO_THROW(model.step(step)) << "step " << step;
    checker.check(step);
    if (HasFailure()) return;
    const StepStatistics& st = model.stats;
    for (double rate : st.exchange_rate) rates_moved = rates_moved || rate != 1.0;
    for (int s = 0; s < world.sectors(); ++s) {
      port_abroad += st.region_trade_value[world.rrs(port, beta, s)];
      port_inland += st.region_trade_value[world.rrs(port, inland, s)];
      into_port += st.region_trade_value[world.rrs(gamma, port, s)];
    }
  }
  EXPECT_TRUE(rates_moved) << "every rate stayed at 1: the conversion of each cell went unchecked";
  EXPECT_GT(port_abroad, 0) << "AAA-Port shipped nothing to BBB";
  EXPECT_GT(port_inland, 0) << "AAA-Port shipped nothing to AAA-Inland";
  EXPECT_GT(into_port, 0) << "CCC shipped nothing to AAA-Port";
}

// With floating rates, and with every rate held at 1 so that the exact tallies of buyers
// against sellers are checked every step too.
TEST(InvariantsTest, SmallWorldEveryStep) {
  ENTREPOT_REQUIRE_DEVICE();
  run_checked(testing::small_world(20000, 2000), 40);
  if (HasFailure()) return;
  Scenario one_rate = testing::small_world(20000, 2000);
  one_rate.behaviour.exchange_response = 0.0;
  run_checked(one_rate, 40);
}

TEST(InvariantsTest, GeneratedWorldEveryStep) {
  ENTREPOT_REQUIRE_DEVICE();
  run_checked(generated_world(50000, 3), 10);
}

// Few firms per (region, sector) block, so rationing, spill-over and exit run with few
// or no alternative sellers.
TEST(InvariantsTest, SparseWorldEveryStep) {
  ENTREPOT_REQUIRE_DEVICE();
  run_checked(testing::small_world(3000, 40), 30);
}

// A tiny world, where every firm of a region can run out of cash and pay no wages: the
// entrants of the next step then meet a regional mean wage of 0. (Seed 1 breaks the price
// invariant at step 24: an entrant without inputs is priced at 0 and stays there.)
TEST(InvariantsTest, TinyWorldEveryStep) {
  ENTREPOT_REQUIRE_DEVICE();
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Scenario scenario = testing::small_world(40, 20);
    scenario.seed = seed;
    run_checked(scenario, 60);
    if (HasFailure()) return;
  }
}

}  // namespace
}  // namespace entrepot
