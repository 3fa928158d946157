// Wholesale and entrepôt traders (docs/model.md §traders): their opening, plan and accounts.
// The rules they share with retailers are in kernels/stockist.h.
#include "kernels/traders.h"

#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>

#include <utility>

#include "kernels/reduce.h"
#include "kernels/stockist.h"

namespace entrepot {
namespace {

struct OpenTrader {
  TablesView t;
  TraderStore::View r;
  const double* sector_price;  // per sector: its mean price, money per unit of goods
  const double* region_sales;  // per sector: its mean sales per region and step, goods
  std::int64_t first;          // this rank's first trader, of all
  const double* presence;      // per region: its traders' weight (TraderSettings)
  double markup, inventory_target, buffer_steps;
  ENTREPOT_HD void operator()(std::size_t i) const {
    const std::int64_t g = first + static_cast<std::int64_t>(i);
    const int block = static_cast<int>(
        TablesView::run_of(t.trader_start, static_cast<std::int64_t>(t.regions) * t.sectors, g));
    const int sector = block % t.sectors;
    const double cost = sector_price[sector];
    // Its share of its region's traders' weight in buyers' search (refresh_search).
    const auto traders = static_cast<double>(t.trader_start[block + 1] - t.trader_start[block]);
    const double expected = presence[block / t.sectors] * region_sales[sector] / traders;
    const double goods = static_cast<double>(kGoodsScale), money = static_cast<double>(kMoneyScale);
    r.region[i] = static_cast<std::uint16_t>(block / t.sectors);
    r.sector[i] = static_cast<std::uint8_t>(sector);
    r.unit_cost[i] = cost;
    r.price[i] = (1.0 + markup) * cost;
    r.foreign_share[i] = 0.0;
    r.goods_origin[i] = r.region[i];
    r.largest_delivery[i] = 0;
    r.expected_sales[i] = expected;
    r.inventory[i] = static_cast<std::int64_t>(inventory_target * expected * goods);
    r.demand[i] = static_cast<std::int64_t>(expected * goods);
    r.shipped[i] = r.demand[i];
    r.cash[i] = static_cast<std::int64_t>((1.0 + buffer_steps) * expected * cost * money);
    r.sales_value[i] = 0;
    r.export_value[i] = 0;
    r.purchases[i] = 0;
    r.cost_of_sales[i] = 0;
    r.tax[i] = 0;
    r.dividend[i] = 0;
    for (int k = 0; k < kRetailSlots; ++k) {
      const std::size_t slot = static_cast<std::size_t>(k) * r.size + i;
      r.supplier[slot] = -1;
      r.order[slot] = 0;
    }
  }
};

// A trader's price and count on its block, money micro-units.
struct TraderBlock {
  int sectors;
  const std::uint16_t* region;
  const std::uint8_t* sector;
  ENTREPOT_HD std::int32_t operator()(std::size_t i) const {
    return region[i] * sectors + sector[i];
  }
};
struct TraderPrice {
  TraderStore::ConstView r;
  ENTREPOT_HD Totals<2> operator()(std::size_t i) const {
    return Totals<2>{{static_cast<std::int64_t>(r.price[i] * static_cast<double>(kMoneyScale)), 1}};
  }
};

struct TraderHoldings {
  TraderStore::ConstView r;
  ENTREPOT_HD Totals<kTraderTotals> operator()(std::size_t i) const {
    return Totals<kTraderTotals>{
        {r.inventory[i], r.cash[i], r.sales_value[i], r.sales_value[i] - r.cost_of_sales[i],
         r.export_value[i],
         static_cast<std::int64_t>(static_cast<double>(r.export_value[i]) * r.foreign_share[i])}};
  }
};

}  // namespace

void open_traders(const Scenario& scenario, const Setting& setting, Economy& economy,
                  const Ranks& ranks) {
  const TraderSettings& traders = scenario.traders;
  const Domain& d = ranks.domain;
  if (d.trader_total == 0) return;
  economy.traders.resize(static_cast<std::size_t>(d.trader_count));
  const Tables& tables = setting.tables;
  const int nr = tables.regions, ns = tables.sectors;
  // A sector's mean price and a typical firm's sales, from the blocks' output at capacity.
  const std::vector<double> supply = block_supply(setting, economy, ranks);
  std::vector<double> value(ns, 0.0), goods(ns, 0.0);
  for (int r = 0; r < nr; ++r) {
    for (int s = 0; s < ns; ++s) {
      const std::size_t b = static_cast<std::size_t>(r) * ns + s;
      const double price = economy.block_price[b];
      value[s] += supply[b];
      goods[s] += price > 0.0 ? supply[b] / price : 0.0;
    }
  }
  std::vector<double> price(ns, 0.0), sales(ns, 0.0);
  for (int s = 0; s < ns; ++s) {
    price[s] = goods[s] > 0.0 ? value[s] / goods[s] : 0.0;
    sales[s] = goods[s] / nr;
  }
  const thrust::device_vector<double> price_device(price.begin(), price.end());
  const thrust::device_vector<double> sales_device(sales.begin(), sales.end());
  std::vector<double> presence(static_cast<std::size_t>(nr));
  for (int r = 0; r < nr; ++r)
    presence[r] =
        traders.region_presence(scenario.regions[r].hub, scenario.regions[r].trader_presence);
  const thrust::device_vector<double> presence_device(presence.begin(), presence.end());
  auto at = thrust::counting_iterator<std::size_t>(0);
  thrust::for_each(at, at + economy.traders.size,
                   OpenTrader{tables.view(), economy.traders.view(),
                              thrust::raw_pointer_cast(price_device.data()),
                              thrust::raw_pointer_cast(sales_device.data()), d.trader_first,
                              thrust::raw_pointer_cast(presence_device.data()), traders.markup,
                              traders.inventory_target, setting.behaviour.cash_buffer_steps});
}

void update_trader_prices(const Setting& setting, Economy& economy, const Ranks& ranks) {
  const int ns = setting.tables.sectors, blocks = setting.tables.regions * ns;
  economy.trader_price.assign(static_cast<std::size_t>(blocks), 0.0);
  if (setting.tables.traders == 0) return;
  const TraderStore::ConstView r = std::as_const(economy.traders).view();
  auto totals =
      totals_by_key<2>(r.size, blocks, TraderBlock{ns, r.region, r.sector}, TraderPrice{r});
  ranks.sum_over_ranks(totals);
  for (int b = 0; b < blocks; ++b) {
    if (totals[b].v[1] > 0) {
      economy.trader_price[b] = static_cast<double>(totals[b].v[0]) /
                                static_cast<double>(totals[b].v[1]) /
                                static_cast<double>(kMoneyScale);
    }
  }
}

void plan_traders(const TraderSettings& traders, const Setting& setting, Economy& economy,
                  const Ranks& ranks, const SearchScratch& search, const double* lending) {
  const Behaviour& b = setting.behaviour;
  auto at = thrust::counting_iterator<std::size_t>(0);
  thrust::for_each(
      at, at + economy.traders.size,
      PlanStock<TraderStore::View>{
          setting.tables.view(), economy.traders.view(),
          Book<const Quote>{thrust::raw_pointer_cast(search.quotes.data()),
                            ranks.seller_index(ranks.quote_ghosts)},
          lending,
          StockPolicy{traders.markup, traders.inventory_target, b.inventory_adjust_steps,
                      b.expectation_weight, b.markdown, b.credit_line}});
}

std::vector<Totals<kTraderTotals>> trader_totals(const Setting& setting, const Economy& economy,
                                                 const Ranks& ranks) {
  const TraderStore::ConstView r = economy.traders.view();
  const int blocks = setting.tables.regions * setting.tables.sectors;
  auto totals = totals_by_key<kTraderTotals>(
      r.size, blocks, TraderBlock{setting.tables.sectors, r.region, r.sector}, TraderHoldings{r});
  ranks.sum_over_ranks(totals);
  return totals;
}

}  // namespace entrepot
