// Wholesale and entrepôt traders (docs/model.md §4.13): firms and retailers find traders
// among their suppliers, traders buy from producers and sell at home and abroad, their
// margin is value added of their region, re-exports are the part of their sales abroad they
// had bought abroad, money and goods add up every step, and a run with traders keeps the
// determinism contract (threads, checkpoints). The partition gives each rank one range of
// traders.
#include <gtest/gtest.h>
#include <omp.h>
#include <thrust/copy.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "agents/rules.h"
#include "agents/trade.h"
#include "kernels/checkpoint.h"
#include "kernels/host_copy.h"
#include "kernels/model.h"
#include "tests/device_required.h"
#include "tests/same_bytes.h"
#include "tests/same_runs.h"
#include "tests/small_world.h"
#include "world/partition.h"

namespace entrepot {
namespace {

using testing::differing_statistics;
using testing::joined;

// The small world's regions: Alpha's port (a hub here) and inland, Beta, Gamma.
constexpr int kPort = 0, kBeta = 2;

Scenario trader_world(int steps = 24) {
  Scenario sc = testing::small_world(8000, 800);
  sc.steps = steps;
  sc.burn_in = 6;
  sc.regions[kPort].hub = true;
  sc.traders.per_sector = 1;
  sc.traders.hub_per_sector = 3;
  return sc;
}

std::vector<std::string> differing_stores(const Model& a, const Model& b) {
  std::vector<std::string> out;
  testing::add_differing_fields(a.economy.traders, b.economy.traders, "traders", out);
  testing::add_differing_fields(a.economy.consumers, b.economy.consumers, "households", out);
  testing::add_differing_fields(a.economy.firms, b.economy.firms, "firms", out);
  return out;
}

std::int64_t sum(const std::vector<std::int64_t>& v) {
  std::int64_t total = 0;
  for (std::int64_t x : v) total += x;
  return total;
}

TEST(TraderPartition, EachRankOwnsOneRangeOfTradersAndFindsTheirOwner) {
  Partition p;
  p.ranks.resize(3);
  p.ranks[0].firm_begin = 0;
  p.ranks[0].firm_end = 10;
  p.ranks[1].firm_begin = 10;
  p.ranks[1].firm_end = 20;
  p.ranks[2].firm_begin = 20;
  p.ranks[2].firm_end = 30;
  // Four regions: rank 0 holds regions 0 and 1, rank 1 region 2 (and the first part of
  // region 3, split with rank 2).
  p.first_rank = {0, 0, 1, 1};
  p.last_rank = {0, 0, 1, 2};
  assign_traders(p, {0, 2, 4, 7, 9}, 100);
  EXPECT_EQ(p.ranks[0].trader_begin, 0);
  EXPECT_EQ(p.ranks[0].trader_end, 4);
  EXPECT_EQ(p.ranks[1].trader_begin, 4);
  EXPECT_EQ(p.ranks[1].trader_end, 9);
  EXPECT_EQ(p.ranks[2].trader_begin, 9) << "no traders: an empty range at the end";
  EXPECT_EQ(p.ranks[2].trader_end, 9);
  EXPECT_EQ(p.seller_owner(5), 0) << "a firm's owner";
  EXPECT_EQ(p.seller_owner(25), 2);
  EXPECT_EQ(p.seller_owner(100), 0) << "the first trader";
  EXPECT_EQ(p.seller_owner(104), 1);
  EXPECT_EQ(p.seller_owner(108), 1);
  EXPECT_THROW(p.seller_owner(109), std::logic_error);
}

TEST(Traders, FirmsBuyFromTradersWhoBuyFromProducersAndBookTheirMarginAtHome) {
  ENTREPOT_REQUIRE_DEVICE();
  Scenario sc = trader_world();
  sc.behaviour.markdown = 0.0;  // the margin is then the markup
  World world(sc);
  Model model(sc, world);
  const Domain& d = model.ranks.domain;
  ASSERT_GT(d.trader_total, 0);
  ASSERT_EQ(static_cast<std::int64_t>(model.economy.traders.size), d.trader_total);
  const std::int64_t first = model.tables.trader_seller_first;
  ASSERT_EQ(first, d.firm_total) << "no retailers in this world";
  std::int64_t stock = 0, sold = 0, margin = 0, at_traders = 0, exports = 0, reexports = 0;
  std::int64_t hub_margin = 0;
  for (int step = 1; step <= sc.steps; ++step) {
    model.step(step);  // throws unless money is conserved
    // Firms' input slots may name traders; households never do, and traders buy from
    // producers only.
    for (std::int32_t s : to_host(model.economy.firms.supplier)) at_traders += s >= first ? 1 : 0;
    for (std::int32_t s : to_host(model.economy.consumers.retailer)) {
      ASSERT_LT(s, first) << "a household buys from a trader";
    }
    for (std::int32_t s : to_host(model.economy.traders.supplier)) {
      ASSERT_LT(s, first) << "a trader buys from a trader";
    }
    const std::vector<std::int64_t> sales = to_host(model.economy.traders.sales_value);
    const std::vector<std::int64_t> cost = to_host(model.economy.traders.cost_of_sales);
    for (std::size_t i = 0; i < sales.size(); ++i) {
      sold += sales[i];
      margin += sales[i] - cost[i];
    }
    exports += sum(model.stats.trader_exports);
    reexports += sum(model.stats.reexports);
    hub_margin += model.stats.trader_margin[kPort];
    // Goods balance: made = used + consumed + melted + Δstock, traders' stock included.
    if (step > 1) {
      EXPECT_EQ(model.stats.produced - model.stats.used - model.stats.consumed - model.stats.melted,
                model.stats.inventory - stock)
          << "step " << step;
    }
    stock = model.stats.inventory;
  }
  EXPECT_GT(at_traders, 0) << "no firm ever bought from a trader";
  ASSERT_GT(sold, 0);
  const double share = static_cast<double>(margin) / static_cast<double>(sold);
  const double markup = sc.traders.markup / (1.0 + sc.traders.markup);
  EXPECT_NEAR(share, markup, 0.03) << "the margin is the markup on what the goods cost";
  EXPECT_GT(hub_margin, 0) << "the hub's traders' margin is booked in the hub";
  EXPECT_GT(exports, 0) << "traders sell abroad";
  EXPECT_GT(reexports, 0) << "the hub's traders re-export what they bought abroad";
  EXPECT_LE(reexports, exports);
}

TEST(Traders, AHubsTradeIsFollowedFromWhereItsGoodsWereMadeToItsBuyers) {
  ENTREPOT_REQUIRE_DEVICE();
  const Scenario sc = trader_world(12);
  World world(sc);
  Model model(sc, world);
  ASSERT_EQ(world.hub_name, std::vector<std::string>{sc.regions[kPort].name});
  const auto nr = static_cast<std::size_t>(model.tables.regions);
  const auto ns = static_cast<std::size_t>(model.tables.sectors);
  std::int64_t followed = 0;
  for (int step = 1; step <= sc.steps; ++step) {
    // The origin of each hub trader's goods as it opens the step's offers.
    std::vector<bool> made_in(nr, false);
    const auto region = to_host(model.economy.traders.region);
    const auto origin = to_host(model.economy.traders.goods_origin);
    for (std::size_t i = 0; i < region.size(); ++i) {
      if (region[i] == kPort) made_in[origin[i]] = true;
    }
    model.step(step);
    const std::vector<std::int64_t>& handled = model.stats.handled_trade_value;
    ASSERT_EQ(handled.size(), nr * nr * ns);
    std::int64_t total = 0;
    for (std::size_t route = 0; route < handled.size(); ++route) {
      EXPECT_GE(handled[route], 0);
      if (handled[route] == 0) continue;
      total += handled[route];
      EXPECT_TRUE(made_in[route / (nr * ns)])
          << "step " << step << ": goods from region " << route / (nr * ns)
          << ", where no hub trader bought";
    }
    followed += total;
    // At the first step every rate is 1: what buyers paid is what the hub's traders took in.
    if (step == 1) {
      const auto sales = to_host(model.economy.traders.sales_value);
      std::int64_t hub_sales = 0;
      for (std::size_t i = 0; i < region.size(); ++i)
        hub_sales += region[i] == kPort ? sales[i] : 0;
      EXPECT_EQ(total, hub_sales);
    }
  }
  EXPECT_GT(followed, 0) << "the hub's traders sold nothing";
}

TEST(Traders, OffByDefaultWithNoTradersAndNoTraderFlows) {
  ENTREPOT_REQUIRE_DEVICE();
  Scenario sc = testing::small_world(4000, 400);
  sc.steps = 4;
  sc.regions[kPort].hub = true;  // a hub alone opens no traders
  World world(sc);
  Model model(sc, world);
  EXPECT_EQ(model.tables.traders, 0);
  for (int step = 1; step <= sc.steps; ++step) model.step(step);
  EXPECT_EQ(model.economy.traders.size, 0u);
  EXPECT_EQ(sum(model.stats.trader_sales), 0);
  EXPECT_EQ(sum(model.stats.reexports), 0);
}

TEST(Traders, HubTradersOnlyInHubRegions) {
  ENTREPOT_REQUIRE_DEVICE();
  Scenario sc = trader_world(2);
  sc.traders.per_sector = 0;
  World world(sc);
  Model model(sc, world);
  ASSERT_GT(model.economy.traders.size, 0u);
  for (std::uint16_t r : to_host(model.economy.traders.region)) EXPECT_EQ(r, kPort);
  for (std::uint8_t s : to_host(model.economy.traders.sector)) {
    EXPECT_NE(sc.sectors[s].kind, SectorKind::service) << "traders trade goods";
  }
  for (int step = 1; step <= sc.steps; ++step) model.step(step);
  EXPECT_EQ(model.stats.trader_sales[kBeta], 0);
}

// Traders deal only in goods someone buys from them: firms' inputs, and with retail markets
// what retailers sell households. In the small world firms buy ore and chips; households
// phones and food.
TEST(Traders, TradersDealInTheGoodsTheirBuyersBuy) {
  ENTREPOT_REQUIRE_DEVICE();
  auto sectors_traded = [](const Scenario& sc) {
    World world(sc);
    Model model(sc, world);
    std::vector<int> traded(sc.sectors.size(), 0);
    for (std::uint8_t s : to_host(model.economy.traders.sector)) traded[s] = 1;
    return traded;
  };
  Scenario sc = trader_world(2);
  EXPECT_EQ(sectors_traded(sc), (std::vector<int>{1, 1, 0, 0, 0}));
  sc.retail.households_per_market = 400;
  EXPECT_EQ(sectors_traded(sc), (std::vector<int>{1, 1, 1, 1, 0}));
}

TEST(Traders, HubTradersPayTheHubTaxOnTheirMargin) {
  ENTREPOT_REQUIRE_DEVICE();
  Scenario sc = trader_world(12);
  sc.traders.hub_tax = 0.05;
  World world(sc);
  Model model(sc, world);
  double profit[2] = {0.0, 0.0}, tax[2] = {0.0, 0.0};  // [0]: the hub's traders, [1]: others'
  for (int step = 1; step <= sc.steps; ++step) {
    model.step(step);
    const auto region = to_host(model.economy.traders.region);
    const auto sales = to_host(model.economy.traders.sales_value);
    const auto cost = to_host(model.economy.traders.cost_of_sales);
    const auto paid = to_host(model.economy.traders.tax);
    const auto interest = to_host(model.economy.traders.interest);
    for (std::size_t i = 0; i < region.size(); ++i) {
      const std::int64_t margin = sales[i] - cost[i] - interest[i];
      if (margin <= 0) continue;
      const int k = region[i] == kPort ? 0 : 1;
      profit[k] += static_cast<double>(margin);
      tax[k] += static_cast<double>(paid[i]);
    }
  }
  ASSERT_GT(profit[0], 0.0);
  ASSERT_GT(profit[1], 0.0);
  EXPECT_NEAR(tax[0] / profit[0], 0.05, 0.002) << "the hub's rate";
  EXPECT_NEAR(tax[1] / profit[1], sc.behaviour.profit_tax, 0.005) << "the profit tax elsewhere";
}

// A trader opens at what the suppliers it drew charge landed, marked up, with the custom its
// buyers' first draws bring it: its expected sales are what they order at the start (a_k per
// unit of their capacity, τ for the melt), and its first step's orders are of that size.
TEST(Traders, TradersOpenAtTheirSuppliersCostWithTheCustomTheirBuyersBring) {
  ENTREPOT_REQUIRE_DEVICE();
  const Scenario sc = trader_world(1);
  World world(sc);
  Model model(sc, world);
  const Tables& tables = model.tables;
  const auto price = to_host(model.economy.traders.price);
  const auto cost = to_host(model.economy.traders.unit_cost);
  const auto expected = to_host(model.economy.traders.expected_sales);
  const auto trader_region = to_host(model.economy.traders.region);
  const auto supplier = to_host(model.economy.firms.supplier);
  const auto block = to_host(model.economy.firms.block);
  const auto productivity = to_host(model.economy.firms.productivity);
  const auto employees = to_host(model.economy.firms.employees);
  const auto input_sector = to_host(tables.input_sector);
  const auto input_amount = to_host(tables.input_amount);
  const auto tfp = to_host(tables.region_tfp);
  const std::size_t firms = block.size();
  std::vector<double> ordered(expected.size(), 0.0);
  for (std::size_t j = 0; j < firms; ++j) {
    const int region = block[j] / tables.sectors, sector = block[j] % tables.sectors;
    const double capacity =
        labour_capacity(productivity[j], tfp[region], static_cast<double>(employees[j]));
    for (int k = 0; k < kInputSlots; ++k) {
      const std::int64_t trader = supplier[k * firms + j] - tables.trader_seller_first;
      if (supplier[k * firms + j] < 0 || trader < 0 || trader >= tables.traders) continue;
      const int input = input_sector[sector * kInputSlots + k];
      ordered[trader] += input_amount[sector * kInputSlots + k] * capacity *
                         tables.host.iceberg[world.rrs(trader_region[trader], region, input)];
    }
  }
  double opening = 0.0;
  int open = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(expected[i], ordered[i], 1e-5 * ordered[i] + 1e-5) << "trader " << i;
    if (expected[i] <= 0.0) continue;
    ++open;
    opening += expected[i];
    EXPECT_NEAR(price[i], (1.0 + sc.traders.markup) * cost[i], 1e-12 * price[i]) << "trader " << i;
  }
  ASSERT_GT(open, 0) << "no buyer drew a trader";
  model.step(1);
  const auto demand = to_host(model.economy.traders.demand);
  double first = 0.0;
  for (std::int64_t d : demand) first += static_cast<double>(d) / static_cast<double>(kGoodsScale);
  EXPECT_GT(first, 0.7 * opening) << "the first step's orders fell far short of the opening";
  EXPECT_LT(first, 1.4 * opening) << "the first step's orders far exceeded the opening";
}

TEST(TraderCredit, TradersBorrowWhatTheirCashCannotPayAndTheirLoansAreTheBanks) {
  ENTREPOT_REQUIRE_DEVICE();
  Scenario sc = trader_world(12);
  sc.traders.inventory_target = 4.0;  // a stock their opening cash cannot buy
  World world(sc);
  Model model(sc, world);
  std::int64_t borrowed = 0;
  for (int step = 1; step <= sc.steps; ++step) {
    model.step(step);  // throws unless money is conserved, traders' loans included
    borrowed += sum(to_host(model.economy.traders.borrowed));
    // The banks' loans are firms' and traders' together.
    EXPECT_EQ(sum(model.stats.loans),
              sum(to_host(model.economy.firms.loan)) + sum(to_host(model.economy.traders.loan)))
        << "step " << step;
  }
  EXPECT_GT(borrowed, 0) << "no trader ever borrowed";
  EXPECT_GT(sum(to_host(model.economy.traders.interest)), 0) << "loans pay interest";
}

TEST(TraderCredit, TradersThatCannotSellExitTheirBankWritesOffAndANewOwnerTakesOver) {
  ENTREPOT_REQUIRE_DEVICE();
  Scenario sc = trader_world(12);
  sc.traders.inventory_target = 4.0;  // bought with credit at the start
  sc.behaviour.exit_patience = 3;
  World world(sc);
  Model model(sc, world);
  // Then buyers stop finding traders: their weight in search vanishes, and every slot at a
  // trader searches again among producers. Their stock no longer sells.
  sc.traders.presence = 0.0;
  sc.traders.hub_presence = 0.0;
  refresh_search(sc, world, model.economy, model.tables);
  auto supplier = to_host(model.economy.firms.supplier);
  for (std::int32_t& seller : supplier) {
    if (seller >= model.tables.trader_seller_first) seller = -1;
  }
  thrust::copy(supplier.begin(), supplier.end(), model.economy.firms.supplier.begin());
  std::int64_t exits = 0, written_off = 0, granted = 0;
  for (int step = 1; step <= sc.steps; ++step) {
    model.step(step);  // throws unless money is conserved
    exits += model.stats.stockist_exits;
    written_off += sum(model.stats.write_offs);
    const auto exited = to_host(model.economy.traders.exited);
    const auto loan = to_host(model.economy.traders.loan);
    const auto grant = to_host(model.economy.traders.granted);
    const auto distress = to_host(model.economy.traders.distress);
    std::int64_t now = 0;
    for (std::size_t i = 0; i < exited.size(); ++i) {
      if (exited[i] == 0) {
        EXPECT_EQ(grant[i], 0);
        continue;
      }
      ++now;
      EXPECT_EQ(loan[i], 0) << "paid or written off at exit";
      EXPECT_EQ(distress[i], 0) << "the new owner starts afresh";
      granted += grant[i];
    }
    EXPECT_EQ(now, model.stats.stockist_exits) << "step " << step;
  }
  EXPECT_GE(exits, static_cast<std::int64_t>(model.economy.traders.size)) << "each exits once";
  EXPECT_GT(written_off, 0) << "the stock bought on credit did not sell";
  EXPECT_GT(granted, 0) << "owners fund the new owners";
}

TEST(Transshipment, DutyByOriginAsFarAsCustomsEnforceIt) {
  EXPECT_DOUBLE_EQ(transshipped_duty_rate(0.05, 0.5, 0.0, 0.3), 0.05);  // unenforced
  EXPECT_DOUBLE_EQ(transshipped_duty_rate(0.05, 0.5, 1.0, 0.0), 0.5);   // the origin's
  EXPECT_DOUBLE_EQ(transshipped_duty_rate(0.05, 0.5, 1.0, 0.3), 0.8);   // and the penalty
  const double half = transshipped_duty_rate(0.05, 0.5, 0.5, 0.0);
  EXPECT_GT(half, 0.05);
  EXPECT_LT(half, 0.5);
}

// Duty over value of the chips Beta (a hub with traders) ships to Gamma, per step. Only
// Alpha makes chips, and Gamma charges Alpha's 50%, everyone else the MFN 5%: Beta's chips
// are all Alpha's, shipped on by its traders.
std::vector<double> hub_to_gamma_duty(double enforcement, int event_step, double penalty) {
  constexpr int kGamma = 3, kChips = 1;
  Scenario sc = testing::small_world(8000, 800);
  sc.steps = 24;
  sc.burn_in = 6;
  sc.regions[kBeta].hub = true;
  sc.traders.hub_per_sector = 4;
  sc.traders.presence = 4.0;
  sc.traders.friction_cut = 0.9;
  sc.traders.enforcement = enforcement;
  for (Country& c : sc.countries) c.specialisation.assign(sc.sectors.size(), 1.0);
  sc.countries[1].specialisation[kChips] = 0.0;  // Beta
  sc.countries[2].specialisation[kChips] = 0.0;  // Gamma
  TariffRule war;
  war.importer = 2;  // Gamma
  war.exporter = 0;  // Alpha
  war.sectors = {kChips};
  war.rate = 0.5;
  sc.bilateral = {war};
  if (event_step > 0) {
    Event tighten;
    tighten.step = event_step;
    tighten.kind = EventKind::transshipment;
    tighten.importer = 2;
    tighten.share = 1.0;
    tighten.rate = penalty;
    sc.events = {tighten};
  }
  World world(sc);
  Model model(sc, world);
  std::vector<double> rate;
  for (int step = 1; step <= sc.steps; ++step) {
    model.step(step);
    const std::vector<std::int64_t> flows = to_host(model.scratch.trade.flows);
    double value = 0.0, duty = 0.0;
    const std::size_t cell = model.tables.view().rrs(kBeta, kGamma, kChips);
    value += static_cast<double>(flows[cell * kFlows + kFlowValue]);
    duty += static_cast<double>(flows[cell * kFlows + kFlowDuty]);
    rate.push_back(value > 0.0 ? duty / value : 0.0);
  }
  return rate;
}

TEST(Transshipment, RoutingThroughAHubAvoidsTheTariffOnlyAsFarAsEnforcementLetsIt) {
  ENTREPOT_REQUIRE_DEVICE();
  // Unenforced: all that Beta ships pays Beta's MFN rate, whatever its origin.
  const std::vector<double> open = hub_to_gamma_duty(0.0, 0, 0.0);
  for (std::size_t k = 2; k < open.size(); ++k)
    EXPECT_NEAR(open[k], 0.05, 1e-3) << "step " << k + 1;
  // Enforced with a penalty from step 12: goods from Alpha pay Alpha's 50% and more.
  const std::vector<double> tightened = hub_to_gamma_duty(0.0, 12, 0.3);
  for (std::size_t k = 2; k < 11; ++k) EXPECT_NEAR(tightened[k], 0.05, 1e-3) << "step " << k + 1;
  double before = 0.0, after = 0.0;
  for (std::size_t k = 6; k < 11; ++k) before += tightened[k] / 5.0;
  for (std::size_t k = 12; k < 17; ++k) after += tightened[k] / 5.0;
  EXPECT_NEAR(before, 0.05, 1e-3);
  EXPECT_NEAR(after, 0.8, 1e-3) << "Alpha's 50% and the 30% penalty on Alpha's chips";
}

// Traders buy at the border friction their buyers are spared: from their own origin table,
// in which every foreign origin weighs b^χ more than in other buyers' and home origins the
// same, so each trader region draws home producers less often; with no friction cut the two
// tables are one.
TEST(Traders, TradersSourceAtTheBorderFrictionTheirBuyersAreSpared) {
  ENTREPOT_REQUIRE_DEVICE();
  auto home_shares = [](const Scenario& sc) {
    World world(sc);
    Model model(sc, world);
    const auto origin = to_host(model.tables.origin_cdf);
    const auto sourcing = to_host(model.tables.sourcing_cdf);
    const int nr = model.tables.regions, ns = model.tables.sectors;
    EXPECT_EQ(sourcing.size(), origin.size());
    std::vector<std::pair<double, double>> out;  // (other buyers', traders') home share
    for (int d = 0; d < nr; ++d) {
      for (int s = 0; s < ns; ++s) {
        const std::size_t at = (static_cast<std::size_t>(d) * ns + s) * nr;
        auto share = [&](const std::vector<std::uint64_t>& cdf) {
          double home = 0.0;
          for (int o = 0; o < nr; ++o) {
            if (world.region_country[o] != world.region_country[d]) continue;
            const std::uint64_t below = o > 0 ? cdf[at + o - 1] : 0;
            home += static_cast<double>(cdf[at + o] - below) / 4294967296.0;
          }
          return home;
        };
        if (origin[at + nr - 1] == 0) continue;
        out.emplace_back(share(origin), share(sourcing));
      }
    }
    return out;
  };
  Scenario sc = trader_world(2);
  const auto cut = home_shares(sc);
  ASSERT_FALSE(cut.empty());
  int lower = 0;
  for (const auto& [others, traders] : cut) {
    EXPECT_LE(traders, others + 1e-8);
    lower += traders < others - 1e-6 ? 1 : 0;
  }
  EXPECT_GT(lower, 0) << "no trader region sources abroad more than other buyers";
  sc.traders.friction_cut = 0.0;
  for (const auto& [others, traders] : home_shares(sc)) EXPECT_EQ(traders, others);
}

// A trader's slot that its producer left short looks for another at the next step's search
// and takes it at once (agents/trade.h shops_around), where a firm's slot with one candidate
// waits for its routine review.
TEST(Traders, ATraderLeftShortShopsAroundAtOnce) {
  ENTREPOT_REQUIRE_DEVICE();
  const Scenario sc = trader_world(12);
  World world(sc);
  Model model(sc, world);
  const int step = 8;
  for (int past = 1; past < step; ++past) model.step(past);
  // Who rationed last step, as the search's quotes will tell.
  const auto shipped = to_host(model.economy.firms.shipped);
  const auto demand = to_host(model.economy.firms.demand);
  auto short_of = [&](std::int32_t seller) {
    return seller >= 0 && static_cast<std::size_t>(seller) < shipped.size() &&
           shipped[seller] < demand[seller];
  };
  const auto traders_before = to_host(model.economy.traders.supplier);
  const auto firms_before = to_host(model.economy.firms.supplier);
  search_suppliers(model.setting(), model.economy, model.ranks, model.scratch.search, step,
                   sc.behaviour.search_probability);
  const auto traders_after = to_host(model.economy.traders.supplier);
  const auto firms_after = to_host(model.economy.firms.supplier);
  auto moved = [&](const std::vector<std::int32_t>& before,
                   const std::vector<std::int32_t>& after) {
    int left_short = 0, moved_on = 0;
    for (std::size_t k = 0; k < before.size(); ++k) {
      if (!short_of(before[k])) continue;
      ++left_short;
      moved_on += after[k] != before[k] ? 1 : 0;
    }
    return std::pair<int, int>{left_short, moved_on};
  };
  const auto [traders_short, traders_moved] = moved(traders_before, traders_after);
  const auto [firms_short, firms_moved] = moved(firms_before, firms_after);
  ASSERT_GT(traders_short, 10) << "too few traders' producers rationed to tell";
  ASSERT_GT(firms_short, 30);
  const double trader_share = static_cast<double>(traders_moved) / traders_short;
  const double firm_share = static_cast<double>(firms_moved) / firms_short;
  EXPECT_GT(trader_share, 0.5) << traders_moved << " of " << traders_short;
  EXPECT_LT(firm_share, 0.3) << firms_moved << " of " << firms_short;
}

TEST(Traders, SameBytesOnAnyNumberOfThreads) {
  ENTREPOT_REQUIRE_DEVICE();
  testing::expect_same_on_threads(trader_world(10), differing_stores);
}

TEST(Traders, ACheckpointResumesToTheSameBytes) {
  ENTREPOT_REQUIRE_DEVICE();
  testing::expect_resumes(trader_world(12), 5, differing_stores);
}

}  // namespace
}  // namespace entrepot
