// Wholesale and entrepôt traders (docs/model.md §4.13): their opening, plan and accounts.
// The rules they share with retailers are in kernels/stockist.h.
#include "kernels/traders.h"

#include <thrust/copy.h>
#include <thrust/device_vector.h>
#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>

#include <cmath>
#include <utility>

#include "agents/rules.h"
#include "kernels/rank_sums.h"
#include "kernels/reduce.h"
#include "kernels/stockist.h"

namespace entrepot {
namespace {

// The merchants among a sector's traders when there are `mean` per sector on average: ⌊(s+1)m⌋ −
// ⌊s·m⌋ for sector s, whole numbers that add up over the sectors to the mean's share.
ENTREPOT_HD std::int64_t merchants_of(double mean, int sector) {
  const double s = static_cast<double>(sector);
  return static_cast<std::int64_t>(std::floor((s + 1.0) * mean)) -
         static_cast<std::int64_t>(std::floor(s * mean));
}

// What a trader's goods cost it landed in its region, bought as its sourcing table draws its
// origins (TablesView::sourcing_cdf) at each origin block's price: with the trade costs to
// its region, or for a merchant at origin, where it takes them (PlanStock). `fallback` where
// the table draws nothing.
ENTREPOT_HD double sourcing_cost(const TablesView& t, const double* block_price, int region,
                                 int sector, bool merchant, double fallback) {
  const std::uint64_t* cdf =
      t.sourcing_cdf + (static_cast<std::size_t>(region) * t.sectors + sector) * t.regions;
  double cost = 0.0;
  std::uint64_t below = 0;
  for (int o = 0; o < t.regions; ++o) {
    const double share = static_cast<double>(cdf[o] - below) / 4294967296.0;
    below = cdf[o];
    if (!(share > 0.0)) continue;
    const double price = block_price[static_cast<std::size_t>(o) * t.sectors + sector];
    cost = cost + share * stockist_cost(t, price, t.rrs(o, region, sector), merchant);
  }
  return below > 0 ? cost : fallback;
}

// Trader i's stock, cash and loan for `expected` sales a step at its unit cost: `stock`
// steps of them in stock, financed by its country's bank and repaid as the stock sells (a
// hub's traders sell many times its own output, and an opening stock that was nobody's debt
// would be a windfall of months of that trade to the hub's owners), and the cash buffer it
// keeps (PayStockist), so none of it is paid out. An admitted trader buys its stock with the
// owners' grant of a step's purchases more.
ENTREPOT_HD void stock_trader(const TraderStore::View& r, std::size_t i, double expected,
                              double stock, double buffer_steps, bool admit) {
  const double goods = static_cast<double>(kGoodsScale), money = static_cast<double>(kMoneyScale);
  const double cost = r.unit_cost[i];
  r.expected_sales[i] = expected;
  r.inventory[i] = static_cast<std::int64_t>(stock * expected * goods);
  r.demand[i] = static_cast<std::int64_t>(expected * goods);
  r.shipped[i] = r.demand[i];
  r.cash[i] = static_cast<std::int64_t>((admit ? 1.0 + buffer_steps : buffer_steps) * expected *
                                        cost * money);
  r.granted[i] = admit ? r.cash[i] : 0;
  r.loan[i] = static_cast<std::int64_t>(stock * expected * cost * money);
}

// A trader's opening (or, for a foreign-invested trader, its admission once its sector leaves
// the negative list): its share of its region's traders' weight in buyers' search as expected
// sales (a first guess, which size_traders replaces at the start by its buyers' orders),
// priced at its goods' landed cost marked up, with cash for a step's purchases and its buffer.
// `stock` steps of expected sales in stock (none for an admitted trader: it buys them). A
// foreign trader of a closed sector opens with nothing and is not in business.
struct OpenTrader {
  TablesView t;
  TraderStore::View r;
  const double* sector_price;  // per sector: its mean price, money per unit of goods
  const double* block_price;   // per block: its producers' mean price
  const double* region_sales;  // per sector: its mean sales per region and step, goods
  std::int64_t first;          // this rank's first trader, of all
  const double* presence;      // per region: its own traders' weight (TraderSettings)
  double foreign_presence, markup, stock, buffer_steps;
  bool admit;  // only foreign traders now open and not yet in business, with no stock
  // The merchants of a region's block: the first of its entrepôt traders (after its `local`
  // wholesalers, per region) and the first of its foreign ones, `hub_merchants` and
  // `foreign_merchants` of them per sector on average (per region; none outside hubs).
  const std::int32_t* local;
  const double* hub_merchants;
  const double* foreign_merchants;
  ENTREPOT_HD void operator()(std::size_t i) const {
    const std::int64_t g = first + static_cast<std::int64_t>(i);
    const int block = static_cast<int>(
        TablesView::run_of(t.trader_start, static_cast<std::int64_t>(t.regions) * t.sectors, g));
    const int sector = block % t.sectors;
    const std::int64_t count = t.trader_start[block + 1] - t.trader_start[block];
    const std::int64_t domestic = count - t.trader_foreign[block];
    const std::int64_t k = g - t.trader_start[block];  // its place in its block
    const bool abroad = k >= domestic;
    const bool open = k < t.trader_reach[block];
    const int region = block / t.sectors;
    const bool merchant =
        abroad
            ? k - domestic < merchants_of(foreign_merchants[region], sector)
            : k >= local[region] && k < local[region] + merchants_of(hub_merchants[region], sector);
    if (admit && !(abroad && open && r.expected_sales[i] <= 0.0 && r.cash[i] == 0)) {
      r.granted[i] = 0;
      return;
    }
    const double cost =
        sourcing_cost(t, block_price, region, sector, merchant, sector_price[sector]);
    // Its share of its region's traders' weight in buyers' search (refresh_search).
    double expected = 0.0;
    if (open && abroad) {
      expected =
          foreign_presence * region_sales[sector] / static_cast<double>(t.trader_foreign[block]);
    } else if (open) {
      expected = presence[block / t.sectors] * region_sales[sector] / static_cast<double>(domestic);
    }
    r.region[i] = static_cast<std::uint16_t>(region);
    r.sector[i] = static_cast<std::uint8_t>(sector);
    r.abroad[i] = abroad ? 1 : 0;
    r.offshore[i] = merchant ? 1 : 0;
    r.settlement_fee[i] = 0;
    r.unit_cost[i] = cost;
    r.price[i] = (1.0 + markup) * cost;
    r.foreign_share[i] = 0.0;
    r.goods_origin[i] = r.region[i];
    r.largest_delivery[i] = 0;
    stock_trader(r, i, expected, stock, buffer_steps, admit);
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

// A merchant's sales abroad are no exports of its country's goods (they never cross its
// border): its margin is value added in the hub, its sales offshore trade.
struct TraderHoldings {
  TraderStore::ConstView r;
  ENTREPOT_HD Totals<kTraderTotals> operator()(std::size_t i) const {
    const std::int64_t exported = r.offshore[i] != 0 ? 0 : r.export_value[i];
    return Totals<kTraderTotals>{
        {r.inventory[i], r.cash[i], r.sales_value[i], r.sales_value[i] - r.cost_of_sales[i],
         exported, static_cast<std::int64_t>(static_cast<double>(exported) * r.foreign_share[i])}};
  }
};

}  // namespace

namespace {

// Opens (admit false) or admits (true) this rank's traders at their goods' landed cost and
// their share of each sector's mean sales per region, from the blocks' output at capacity.
void open_or_admit(const Scenario& scenario, const Setting& setting, Economy& economy,
                   const Ranks& ranks, bool admit) {
  const TraderSettings& traders = scenario.traders;
  const Tables& tables = setting.tables;
  const int nr = tables.regions, ns = tables.sectors;
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
  const thrust::device_vector<double> block_price_device(economy.block_price.begin(),
                                                         economy.block_price.end());
  std::vector<double> presence(static_cast<std::size_t>(nr)),
      hub_merchants(static_cast<std::size_t>(nr), 0.0), foreign_merchants(hub_merchants);
  std::vector<std::int32_t> wholesalers(static_cast<std::size_t>(nr), 0);
  for (int r = 0; r < nr; ++r) {
    presence[r] = traders.region_presence(scenario.regions[r]);
    wholesalers[r] = traders.wholesalers(scenario.regions[r]);
    const double share = traders.merchant_share(scenario.regions[r]);
    hub_merchants[r] = share * traders.hub_per_sector;
    foreign_merchants[r] = share * traders.foreign_per_sector;
  }
  const thrust::device_vector<double> presence_device(presence.begin(), presence.end());
  const thrust::device_vector<double> hub_merchants_device(hub_merchants.begin(),
                                                           hub_merchants.end());
  const thrust::device_vector<double> foreign_merchants_device(foreign_merchants.begin(),
                                                               foreign_merchants.end());
  const thrust::device_vector<std::int32_t> wholesalers_device(wholesalers.begin(),
                                                               wholesalers.end());
  auto at = thrust::counting_iterator<std::size_t>(0);
  thrust::for_each(
      at, at + economy.traders.size,
      OpenTrader{tables.view(), economy.traders.view(),
                 thrust::raw_pointer_cast(price_device.data()),
                 thrust::raw_pointer_cast(block_price_device.data()),
                 thrust::raw_pointer_cast(sales_device.data()), ranks.domain.trader_first,
                 thrust::raw_pointer_cast(presence_device.data()), traders.foreign_presence,
                 traders.markup, admit ? 0.0 : traders.inventory_target,
                 setting.behaviour.cash_buffer_steps, admit,
                 thrust::raw_pointer_cast(wholesalers_device.data()),
                 thrust::raw_pointer_cast(hub_merchants_device.data()),
                 thrust::raw_pointer_cast(foreign_merchants_device.data())});
}

// `ordered` goods added to trader `seller`'s tally (by its place among all traders).
ENTREPOT_HD void tally_order(const TablesView& t, std::int32_t seller, double ordered,
                             std::int64_t* goods) {
  atomic_add(&goods[seller - t.trader_seller_first],
             static_cast<std::int64_t>(ordered * static_cast<double>(kGoodsScale)));
}

// The goods firms order at the traders they buy from (by the traders' place among all
// traders, `goods`), a_k per unit of their capacity at origin, τ of it for the melt: as they
// order from producers at the start (staff_by_orders).
struct OrdersFromFirms {
  TablesView t;
  FirmStore::ConstView f;
  Book<const Quote> quotes;
  std::int64_t* goods;
  ENTREPOT_HD void operator()(std::size_t j) const {
    const int region = f.block[j] / t.sectors, sector = f.block[j] % t.sectors;
    const double capacity = labour_capacity(f.productivity[j], t.block_tfp[f.block[j]],
                                            static_cast<double>(f.employees[j]));
    for (int k = 0; k < kInputSlots; ++k) {
      const std::int32_t seller = f.supplier[k * f.size + j];
      if (!t.is_trader(seller)) continue;
      const long long c =
          input_cell(t, t.input_sector[sector * kInputSlots + k], seller, region, quotes);
      if (c < 0) continue;
      tally_order(t, seller,
                  t.input_amount[sector * kInputSlots + k] * capacity *
                      t.iceberg[static_cast<std::size_t>(c)],
                  goods);
    }
  }
};

// Likewise retailers, whose orders share their expected sales over their suppliers (PlanStock
// at their stock target).
struct OrdersFromRetailers {
  TablesView t;
  RetailerStore::ConstView r;
  Book<const Quote> quotes;
  std::int64_t* goods;
  ENTREPOT_HD void operator()(std::size_t i) const {
    const SupplierCells cells = supplier_cells(t, r, i, quotes);
    if (cells.used == 0) return;
    const double each = r.expected_sales[i] / static_cast<double>(cells.used);
    for (int k = 0; k < kRetailSlots; ++k) {
      const std::int32_t seller = r.supplier[k * r.size + i];
      if (cells.cell[k] < 0 || !t.is_trader(seller)) continue;
      tally_order(t, seller, each * t.iceberg[static_cast<std::size_t>(cells.cell[k])], goods);
    }
  }
};

// An open trader's goods at what its suppliers, as it drew them, charge landed (the mean
// over its slots), marked up: what it will pay from the first step, at the draw's mix of
// producers rather than the blocks' price indices.
struct PriceAtSuppliers {
  TablesView t;
  TraderStore::View r;
  Book<const Quote> quotes;
  double markup;
  ENTREPOT_HD void operator()(std::size_t i) const {
    const SupplierCells cells = supplier_cells(t, r, i, quotes);
    if (cells.used == 0 || r.expected_sales[i] <= 0.0) return;
    double cost = 0.0;
    for (int k = 0; k < kRetailSlots; ++k) {
      if (cells.cell[k] >= 0) cost = cost + landed_at(t, r, i, k, cells.cell[k], quotes);
    }
    r.unit_cost[i] = cost / static_cast<double>(cells.used);
    r.price[i] = (1.0 + markup) * r.unit_cost[i];
  }
};

// An open trader's expected sales become what its buyers order (`goods`, all traders), its
// stock and finance with them; its price stays.
struct SizeTrader {
  TraderStore::View r;
  const std::int64_t* goods;
  std::int64_t first;  // this rank's first trader, of all
  double stock, buffer_steps;
  ENTREPOT_HD void operator()(std::size_t i) const {
    if (r.expected_sales[i] <= 0.0) return;  // not in business (a closed sector's)
    const std::int64_t ordered = goods[first + static_cast<std::int64_t>(i)];
    stock_trader(r, i, static_cast<double>(ordered) / static_cast<double>(kGoodsScale), stock,
                 buffer_steps, false);
  }
};

template <class Traders>
struct PaidAbroad {
  Traders r;
  ENTREPOT_HD Totals<1> operator()(std::size_t i) const {
    return Totals<1>{{r.abroad[i] != 0 ? r.dividend[i] : 0}};
  }
};

}  // namespace

void open_traders(const Scenario& scenario, const Setting& setting, Economy& economy,
                  const Ranks& ranks) {
  if (ranks.domain.trader_total == 0) return;
  economy.traders.resize(static_cast<std::size_t>(ranks.domain.trader_count));
  open_or_admit(scenario, setting, economy, ranks, false);
}

void price_traders_at_suppliers(const Setting& setting, Economy& economy, const Ranks& ranks,
                                const SearchScratch& search, double markup) {
  if (ranks.domain.trader_total == 0) return;
  auto at = thrust::counting_iterator<std::size_t>(0);
  thrust::for_each(
      at, at + economy.traders.size,
      PriceAtSuppliers{setting.tables.view(), economy.traders.view(),
                       Book<const Quote>{thrust::raw_pointer_cast(search.quotes.data()),
                                         ranks.seller_index(ranks.quote_ghosts)},
                       markup});
  update_trader_prices(setting, economy, ranks);
}

void size_traders(const Setting& setting, Economy& economy, Ranks& ranks, SearchScratch& search,
                  double inventory_target) {
  if (ranks.domain.trader_total == 0) return;
  const TablesView t = setting.tables.view();
  const Book<const Quote> quotes{thrust::raw_pointer_cast(search.quotes.data()),
                                 ranks.seller_index(ranks.quote_ghosts)};
  thrust::device_vector<std::int64_t> goods(static_cast<std::size_t>(ranks.domain.trader_total), 0);
  std::int64_t* ordered = thrust::raw_pointer_cast(goods.data());
  auto at = thrust::counting_iterator<std::size_t>(0);
  thrust::for_each(at, at + economy.firms.size,
                   OrdersFromFirms{t, std::as_const(economy.firms).view(), quotes, ordered});
  thrust::for_each(
      at, at + economy.retailers.size,
      OrdersFromRetailers{t, std::as_const(economy.retailers).view(), quotes, ordered});
  sum_over_ranks(ranks, goods);
  thrust::for_each(at, at + economy.traders.size,
                   SizeTrader{economy.traders.view(), ordered, ranks.domain.trader_first,
                              inventory_target, setting.behaviour.cash_buffer_steps});
}

void admit_foreign_traders(const Scenario& scenario, const Setting& setting, Economy& economy,
                           const Ranks& ranks) {
  if (scenario.traders.foreign_per_sector == 0 || setting.tables.traders == 0) return;
  open_or_admit(scenario, setting, economy, ranks, true);
  // Their capital comes from abroad: foreigners spend what they hold of the hub's currency.
  const auto capital =
      stockists_by_region<1, StockistGrant>(setting, std::as_const(economy.traders), ranks);
  for (int region = 0; region < setting.tables.regions; ++region) {
    economy.foreign_held[setting.world.region_country[region]] -= capital[region].v[0];
  }
}

std::vector<Totals<1>> dividends_abroad(const Setting& setting, const Economy& economy,
                                        const Ranks& ranks) {
  return stockists_by_region<1, PaidAbroad>(setting, economy.traders, ranks);
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
