// Local retail (docs/model.md §4.12): households buy only at their own market's
// retailers, retailers buy from producers, money and goods add up every step, and a run
// with retailers keeps the determinism contract (threads, checkpoints).
#include "agents/retail.h"

#include <gtest/gtest.h>
#include <omp.h>
#include <thrust/fill.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "agents/rules.h"
#include "kernels/checkpoint.h"
#include "kernels/host_copy.h"
#include "kernels/model.h"
#include "tests/device_required.h"
#include "tests/same_bytes.h"
#include "tests/same_runs.h"
#include "tests/small_world.h"
#include "world/layout.h"
#include "world/partition.h"

namespace entrepot {
namespace {

using testing::differing_statistics;
using testing::joined;

constexpr std::int64_t kMarket = 250;  // households per market
constexpr int kRetailers = 3;          // per market and consumed sector

Scenario retail_world(int steps = 24) {
  Scenario sc = testing::small_world(8000, 800);
  sc.steps = steps;
  sc.burn_in = 6;
  sc.retail.households_per_market = kMarket;
  sc.retail.retailers_per_sector = kRetailers;
  return sc;
}

// Every field of the retailers', households' and firms' stores that differs between two models.
std::vector<std::string> differing_retail(const Model& a, const Model& b) {
  std::vector<std::string> out;
  testing::add_differing_fields(a.economy.retailers, b.economy.retailers, "retailers", out);
  testing::add_differing_fields(a.economy.consumers, b.economy.consumers, "households", out);
  testing::add_differing_fields(a.economy.firms, b.economy.firms, "firms", out);
  return out;
}

TEST(RetailRules, StockIsValuedAtTheAverageCostOfWhatArrived) {
  EXPECT_DOUBLE_EQ(stock_unit_cost(10.0, 2.0, 10.0, 40.0), 3.0);
  EXPECT_DOUBLE_EQ(stock_unit_cost(0.0, 2.0, 5.0, 25.0), 5.0);
  EXPECT_DOUBLE_EQ(stock_unit_cost(10.0, 2.0, 0.0, 0.0), 2.0);  // nothing arrived
}

TEST(RetailRules, PurchasesMeetSalesAndCloseAShareOfTheStockGap) {
  EXPECT_DOUBLE_EQ(retail_purchases(10.0, 10.0, 1.0, 2.0), 10.0);  // at target
  EXPECT_DOUBLE_EQ(retail_purchases(10.0, 0.0, 1.0, 2.0), 15.0);
  EXPECT_DOUBLE_EQ(retail_purchases(10.0, 40.0, 1.0, 2.0), 0.0);  // never negative
}

TEST(RetailRules, ShoppersMoveForAClearlyLowerPriceOrWhenTurnedAway) {
  EXPECT_TRUE(moves_to_retailer(1.0, false, 0.8, false, 0.1));
  EXPECT_FALSE(moves_to_retailer(1.0, false, 0.95, false, 0.1));  // within the switching cost
  EXPECT_TRUE(moves_to_retailer(1.0, true, 1.2, false, 0.1));     // turned away: leaves
  EXPECT_FALSE(moves_to_retailer(1.0, true, 0.5, true, 0.1));     // not to one that rations
}

TEST(StockistRules, PriceIsMarkedDownWhenOverstockedButNeverBelowCost) {
  EXPECT_DOUBLE_EQ(stockist_price(2.0, 0.25, 10.0, 10.0, 1.0, 0.5), 2.5);  // at target
  EXPECT_DOUBLE_EQ(stockist_price(2.0, 0.25, 5.0, 10.0, 1.0, 0.5), 2.5);   // below target
  EXPECT_DOUBLE_EQ(stockist_price(2.0, 0.25, 30.0, 10.0, 1.0, 0.0), 2.5);  // no markdown
  // Twice its target: (1+μ)c/(1 + δ·1) = 2.5/1.1.
  EXPECT_DOUBLE_EQ(stockist_price(2.0, 0.25, 20.0, 10.0, 1.0, 0.1), 2.5 / 1.1);
  EXPECT_DOUBLE_EQ(stockist_price(2.0, 0.25, 200.0, 10.0, 1.0, 0.5), 2.0);  // at cost at most
  EXPECT_DOUBLE_EQ(stockist_price(2.0, 0.25, 20.0, 0.0, 1.0, 0.5), 2.5);    // nothing expected
}

TEST(StockistRules, InsolventWhenUnsoldOrLosingWithoutTheMeansToRestock) {
  EXPECT_TRUE(stockist_insolvent(0, 100, 1e9, 10.0));    // sold nothing
  EXPECT_TRUE(stockist_insolvent(50, -1, 9.0, 10.0));    // losing, cannot restock
  EXPECT_FALSE(stockist_insolvent(50, -1, 10.0, 10.0));  // losing, can restock
  EXPECT_FALSE(stockist_insolvent(50, 0, 0.0, 10.0));    // not losing
}

TEST(StockistRules, AnEntrantsCapitalIsItsOpeningCashCappedByTheOwnersShare) {
  // (1 + 2)·10 goods·1.5 = 45 money units.
  EXPECT_EQ(stockist_grant(10.0, 1.5, 2.0, 100 * kMoneyScale), 45 * kMoneyScale);
  EXPECT_EQ(stockist_grant(10.0, 1.5, 2.0, 7), 7);
  EXPECT_EQ(stockist_grant(10.0, 1.5, 2.0, 0), 0);
  EXPECT_EQ(stockist_grant(10.0, 1.5, 2.0, -5), 0);
}

TEST(RetailMarkets, PartitionCutsHouseholdsAtMarketBoundaries) {
  const Scenario sc = retail_world();
  const Markets markets = retail_markets(agent_layout(sc).households, kMarket);
  ASSERT_GT(markets.count(), 0);
  for (int ranks : {2, 3, 4}) {
    const Partition p = partition_agents(sc, ranks);
    for (const RankShare& r : p.ranks) {
      ASSERT_LE(r.market_begin, r.market_end);
      EXPECT_EQ(r.household_begin, markets.start[r.market_begin]) << ranks << " ranks";
      EXPECT_EQ(r.household_end, markets.start[r.market_end]) << ranks << " ranks";
    }
  }
}

TEST(RetailMarkets, HouseholdsBuyOnlyAtTheirMarketsRetailers) {
  ENTREPOT_REQUIRE_DEVICE();
  Scenario sc = retail_world();
  sc.behaviour.markdown = 0.0;  // the margin is then the markup
  World world(sc);
  Model model(sc, world);
  const Domain& d = model.ranks.domain;
  const int slots = model.tables.consumer_slots;
  const std::int64_t per_market = model.tables.retailers_per_market();
  ASSERT_GT(model.tables.retail_slots, 0);
  ASSERT_LT(model.tables.retail_slots, slots) << "services are bought from producers";
  ASSERT_GT(d.retailer_total, 0);
  ASSERT_EQ(static_cast<std::int64_t>(model.economy.retailers.size), d.retailer_total);
  const std::vector<std::int64_t> market_start = to_host(model.tables.market_start);
  std::int64_t sold = 0, margin = 0, stock = 0;
  for (int step = 1; step <= sc.steps; ++step) {
    model.step(step);  // throws unless money is conserved
    const std::vector<std::int32_t> shop = to_host(model.economy.consumers.retailer);
    const auto households = static_cast<std::int64_t>(model.economy.consumers.size);
    for (std::int64_t n = 0; n < households; ++n) {
      for (int c = 0; c < slots; ++c) {
        const std::int64_t local = shop[c * households + n] - d.firm_total;
        if (model.tables.retail_slot[c] < 0) {
          ASSERT_LT(local, 0) << "household " << n << " buys a service at a retailer";
          continue;
        }
        ASSERT_GE(local, 0) << "household " << n << " slot " << c << " buys from a producer";
        const std::int64_t market = local / per_market;
        ASSERT_LT(market, static_cast<std::int64_t>(market_start.size()) - 1);
        EXPECT_TRUE(market_start[market] <= n && n < market_start[market + 1])
            << "household " << n << " shops outside its market";
        EXPECT_EQ((local % per_market) / kRetailers, model.tables.retail_slot[c])
            << "the retailer sells the slot's sector";
      }
    }
    // What households spent (value and duty) on goods is what retailers took in: nobody
    // else sold goods to them, and a shop's counter charges no duty.
    const std::vector<std::int64_t> spent = to_host(model.scratch.trade.household_flows);
    std::int64_t households_spent = 0;
    for (int r = 0; r < model.tables.regions; ++r) {
      for (int c = 0; c < slots; ++c) {
        if (model.tables.retail_slot[c] >= 0) households_spent += spent[(r * slots + c) * 2];
      }
    }
    const std::vector<std::int64_t> sales = to_host(model.economy.retailers.sales_value);
    const std::vector<std::int64_t> cost = to_host(model.economy.retailers.cost_of_sales);
    std::int64_t retail_sales = 0;
    for (std::size_t i = 0; i < sales.size(); ++i) {
      retail_sales += sales[i];
      margin += sales[i] - cost[i];
    }
    EXPECT_EQ(households_spent, retail_sales) << "step " << step;
    sold += retail_sales;
    // Goods balance: made = used + consumed + melted + Δstock, retailers' stock included.
    if (step > 1) {
      EXPECT_EQ(model.stats.produced - model.stats.used - model.stats.consumed - model.stats.melted,
                model.stats.inventory - stock)
          << "step " << step;
    }
    stock = model.stats.inventory;
  }
  ASSERT_GT(sold, 0);
  const double share = static_cast<double>(margin) / static_cast<double>(sold);
  const double markup = sc.retail.markup / (1.0 + sc.retail.markup);
  EXPECT_NEAR(share, markup, 0.05) << "the margin is the markup on what the goods cost";
}

// Of households' service slots, the share whose producer is in the household's own region,
// over every step of a run, and the same where the region makes all its households buy
// of the sector (home_share 1).
struct ServicesAtHome {
  double all = 0.0, where_made = 0.0;
};

ServicesAtHome services_bought_at_home(const Scenario& sc) {
  World world(sc);
  Model model(sc, world);
  const std::vector<std::int64_t>& block_start = model.tables.host.block_start;
  const auto region = to_host(model.economy.consumers.region);
  const int slots = model.tables.consumer_slots, ns = model.tables.sectors;
  const auto households = static_cast<std::int64_t>(model.economy.consumers.size);
  std::int64_t slots_seen = 0, home = 0, made_seen = 0, made_home = 0;
  for (int step = 1; step <= sc.steps; ++step) {
    model.step(step);
    const std::vector<std::int32_t> seller = to_host(model.economy.consumers.retailer);
    for (int c = 0; c < slots; ++c) {
      if (model.tables.retail_slot[c] >= 0) continue;  // goods, at the market's retailers
      const int sector = model.tables.host.consumer_sector[c];
      for (std::int64_t n = 0; n < households; ++n) {
        const std::int32_t firm = seller[c * households + n];
        if (firm < 0) continue;
        const auto block = std::upper_bound(block_start.begin(), block_start.end(), firm) -
                           block_start.begin() - 1;
        const bool at_home = block / ns == region[n];
        const std::size_t own = static_cast<std::size_t>(region[n]) * ns + sector;
        ++slots_seen;
        home += at_home ? 1 : 0;
        if (!model.economy.home_share.empty() && model.economy.home_share[own] == 1.0) {
          ++made_seen;
          made_home += at_home ? 1 : 0;
        }
      }
    }
  }
  EXPECT_GT(slots_seen, 0);
  return ServicesAtHome{static_cast<double>(home) / static_cast<double>(slots_seen),
                        made_seen > 0 ? static_cast<double>(made_home) / made_seen : 0.0};
}

// With retail markets households shop where they live: services from their own region's
// producers wherever it makes what they buy of them, the rest where others buy.
TEST(RetailMarkets, HouseholdsBuyServicesWhereTheyLive) {
  ENTREPOT_REQUIRE_DEVICE();
  const Scenario sc = retail_world(12);
  const ServicesAtHome local = services_bought_at_home(sc);
  EXPECT_EQ(local.where_made, 1.0);
  EXPECT_GT(local.all, 0.9);
  Scenario anywhere = sc;
  anywhere.retail.local_services = false;
  const ServicesAtHome searched = services_bought_at_home(anywhere);
  EXPECT_EQ(searched.where_made, 0.0) << "no home shares without local services";
  EXPECT_LT(searched.all, local.all);
}

// Retailers' and traders' margins are value added of distributive trade, a service: each
// goods sector's value added is its producers' alone, and the first service sector's adds
// the region's margins (national accounts put trade margins in trade services).
TEST(RetailMarkets, DistributorsMarginsAreServicesValueAdded) {
  ENTREPOT_REQUIRE_DEVICE();
  Scenario sc = retail_world(12);
  sc.traders.per_sector = 1;
  World world(sc);
  Model model(sc, world);
  const int nr = model.tables.regions, ns = model.tables.sectors;
  const int services = model.tables.host.distribution_sector;
  ASSERT_GE(services, 0);
  ASSERT_EQ(sc.sectors[services].kind, SectorKind::service);
  std::int64_t margins = 0;
  for (int step = 1; step <= sc.steps; ++step) {
    model.step(step);
    const StepStatistics& st = model.stats;
    // Producers' value added per block, in local money, as the statistics sum it.
    const std::vector<std::int32_t> block = to_host(model.economy.firms.block);
    const std::vector<std::int64_t> sales = to_host(model.economy.firms.sales_value);
    const std::vector<std::int64_t> inputs = to_host(model.economy.firms.input_cost);
    std::vector<std::int64_t> added(static_cast<std::size_t>(nr) * ns, 0);
    for (std::size_t j = 0; j < block.size(); ++j) added[block[j]] += sales[j] - inputs[j];
    for (int r = 0; r < nr; ++r) {
      const double rate = st.exchange_rate[world.region_country[r]];
      margins += st.retail_margin[r] + st.trader_margin[r];
      for (int s = 0; s < ns; ++s) {
        const std::size_t b = static_cast<std::size_t>(r) * ns + s;
        const auto producers = static_cast<std::int64_t>(static_cast<double>(added[b]) * rate);
        if (s != services) {
          EXPECT_EQ(st.sector_value_added[b], producers) << "step " << step << " block " << b;
        } else {
          // Summed before the conversion: a unit of truncation per part at most.
          EXPECT_NEAR(static_cast<double>(st.sector_value_added[b]),
                      static_cast<double>(producers + st.retail_margin[r] + st.trader_margin[r]),
                      3.0)
              << "step " << step << " region " << r;
        }
      }
    }
  }
  EXPECT_GT(margins, 0);
}

// With retail markets households' budget shares are at the prices they pay: goods weigh
// 1 + μ_R more than the scenario's shares at producers' prices, and the shares still sum
// as before.
TEST(RetailMarkets, BudgetSharesAreAtThePricesHouseholdsPay) {
  ENTREPOT_REQUIRE_DEVICE();
  Scenario sc = retail_world(1);
  sc.retail.markup = 0.5;
  Scenario plain = sc;
  plain.retail.households_per_market = 0;
  World world(sc);
  const Model retail(sc, world), producers(plain, world);
  const int slots = retail.tables.consumer_slots;
  ASSERT_EQ(slots, producers.tables.consumer_slots);
  for (int r = 0; r < retail.tables.regions; ++r) {
    double goods = 0.0, services = 0.0, sum = 0.0, plain_sum = 0.0;
    for (int c = 0; c < slots; ++c) {
      const double at_shop = retail.tables.host.consumer_share[r * slots + c];
      const double at_producer = producers.tables.host.consumer_share[r * slots + c];
      sum += at_shop;
      plain_sum += at_producer;
      if (retail.tables.retail_slot[c] >= 0) {
        goods = at_shop / at_producer;
      } else {
        services = at_shop / at_producer;
      }
    }
    EXPECT_NEAR(goods / services, 1.5, 1e-12) << "region " << r;
    EXPECT_NEAR(sum, plain_sum, 1e-12) << "region " << r;
  }
}

TEST(RetailRules, TheUnmetShareIsZeroOnlyForASellerThatServedEveryOrder) {
  EXPECT_EQ(unmet_share(10, 10), 0);
  EXPECT_EQ(unmet_share(12, 10), 0);           // round two's sales on top
  EXPECT_EQ(unmet_share(0, 0), 0);             // nothing asked
  EXPECT_EQ(unmet_share(999999, 1000000), 1);  // short by a hair is short
  EXPECT_EQ(unmet_share(5, 10), kUnmetScale / 2);
  EXPECT_EQ(unmet_share(0, 10), kUnmetScale);
}

// Over every draw, exactly the unmet share of rationed customers counts as turned away.
TEST(RetailRules, AShopsUnmetShareOfItsRationedCustomersIsTurnedAway) {
  for (std::int32_t unmet : {1, 655, kUnmetScale / 2, kUnmetScale}) {
    std::int64_t away = 0;
    for (std::uint32_t x = 0; x < static_cast<std::uint32_t>(kUnmetScale); ++x) {
      away += turned_away((x << 16) | 0x1234u, unmet) ? 1 : 0;
    }
    EXPECT_EQ(away, unmet);
  }
}

// A retailer short of stock rations all its customers pro rata, but only its unmet share of
// them leave for another shop at the next step: a shop a little short keeps most of them,
// so a market's custom does not swing from shop to shop.
TEST(RetailMarkets, AShopALittleShortKeepsMostOfItsRationedCustomers) {
  ENTREPOT_REQUIRE_DEVICE();
  Scenario sc = retail_world(30);
  World world(sc);
  Model model(sc, world);
  const std::int64_t first_retailer = model.ranks.domain.firm_total;
  const int slots = model.tables.consumer_slots;
  double rationed = 0.0, unmet = 0.0, moved = 0.0;
  std::vector<std::int32_t> shop;
  std::vector<std::uint8_t> spill;
  std::vector<std::int32_t> short_by;  // per retailer, after the step
  for (int step = 1; step <= sc.steps; ++step) {
    model.step(step);
    const std::vector<std::int32_t> now = to_host(model.economy.consumers.retailer);
    const std::size_t households = model.economy.consumers.size;
    if (step > 8) {
      for (std::size_t n = 0; n < households; ++n) {
        for (int c = 0; c < slots; ++c) {
          const std::size_t at = static_cast<std::size_t>(c) * households + n;
          if (model.tables.retail_slot[c] < 0 || ((spill[n] >> c) & 1u) == 0) continue;
          const std::int32_t u = short_by[static_cast<std::size_t>(shop[at] - first_retailer)];
          rationed += 1.0;
          unmet += static_cast<double>(u) / kUnmetScale;
          moved += now[at] != shop[at] ? 1.0 : 0.0;
        }
      }
    }
    shop = now;
    spill = to_host(model.economy.consumers.spill);
    const std::vector<std::int64_t> shipped = to_host(model.economy.retailers.shipped);
    const std::vector<std::int64_t> demand = to_host(model.economy.retailers.demand);
    short_by.assign(shipped.size(), 0);
    for (std::size_t i = 0; i < shipped.size(); ++i)
      short_by[i] = unmet_share(shipped[i], demand[i]);
  }
  ASSERT_GT(rationed, 100.0);
  // Those that leave are about the unmet share u of them (a few more for a lower price, a few
  // fewer where the other shop rationed too); when every rationed customer left, about 90%
  // of them moved here.
  const double away = unmet / rationed, left = moved / rationed;
  EXPECT_LT(away, 0.5);
  EXPECT_GT(left, 0.5 * away);
  EXPECT_LT(left, 1.5 * away + 0.02);
}

TEST(RetailMarkets, SameBytesOnAnyNumberOfThreads) {
  ENTREPOT_REQUIRE_DEVICE();
  testing::expect_same_on_threads(retail_world(10), differing_retail);
}

TEST(RetailMarkets, ACheckpointResumesToTheSameBytes) {
  ENTREPOT_REQUIRE_DEVICE();
  testing::expect_resumes(retail_world(12), 5, differing_retail);
}

}  // namespace
}  // namespace entrepot
