// Retail markets (docs/model.md §4.12): the retailers' set-up, plan and accounts, and the
// households' choice of shop. The rules are in agents/retail.h.
#include "kernels/retail.h"

#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/transform_reduce.h>

#include <utility>

#include "kernels/reduce.h"
#include "kernels/stockist.h"

namespace entrepot {
namespace {

struct OpenRetailer {
  TablesView t;
  RetailerStore::View r;
  const double* block_price;     // per block, money per unit of goods
  Book<const Quote> quotes;      // the suppliers' prices, once there are suppliers
  const std::int64_t* income;    // per region: a household's income per step, money
  const std::int64_t* shoppers;  // per retailer of this rank: the households that shop there
  std::int64_t first_retailer;   // this rank's first, of all markets' retailers
  double markup, inventory_target, buffer_steps;
  bool first;
  ENTREPOT_HD void operator()(std::size_t i) const {
    const int k = t.retailers_per_sector;
    const std::int64_t g = first_retailer + static_cast<std::int64_t>(i);
    const std::int64_t market = g / t.retailers_per_market();
    const int c = t.retail_household_slot[(g / k) % t.retail_slots];
    const int region = t.market_region[market];
    const int sector = t.consumer_sector[c];
    r.region[i] = static_cast<std::uint16_t>(region);
    r.slot[i] = static_cast<std::uint8_t>(c);
    // What its shoppers spend on the sector, at its price.
    const double budget = static_cast<double>(shoppers[i]) * static_cast<double>(income[region]) *
                          t.consumer_share[region * t.consumer_slots + c];
    // What a unit costs it landed at its suppliers' prices (the block's price index before
    // it has any): its price is then where the run's first purchases leave it.
    double cost = block_price[region * t.sectors + sector];
    if (!first) {
      const SupplierCells cells = supplier_cells(t, r, i, quotes);
      double landed = 0.0;
      for (int s = 0; s < kRetailSlots; ++s) {
        if (cells.cell[s] < 0) continue;
        const std::int32_t seller = r.supplier[static_cast<std::size_t>(s) * r.size + i];
        landed = landed + landed_cost(quotes[seller].price, t.paid_factor[cells.cell[s]]);
      }
      if (cells.used > 0) cost = landed / static_cast<double>(cells.used);
    }
    const double price = (1.0 + markup) * cost;
    const double expected = price > 0.0 ? budget / static_cast<double>(kMoneyScale) / price : 0.0;
    const double goods = static_cast<double>(kGoodsScale);
    r.unit_cost[i] = cost;
    r.price[i] = price;
    r.expected_sales[i] = expected;
    r.inventory[i] = retail_opening_stock(inventory_target, budget, price * kMoneyScale);
    r.demand[i] = static_cast<std::int64_t>(expected * goods);
    r.shipped[i] = r.demand[i];
    // Cash for a step's purchases and the buffer it keeps.
    r.cash[i] = static_cast<std::int64_t>((1.0 + buffer_steps) * expected * cost *
                                          static_cast<double>(kMoneyScale));
    r.sales_value[i] = 0;
    r.purchases[i] = 0;
    r.cost_of_sales[i] = 0;
    r.tax[i] = 0;
    r.dividend[i] = 0;
    for (int s = 0; s < kRetailSlots; ++s) {
      const std::size_t slot = static_cast<std::size_t>(s) * r.size + i;
      r.order[slot] = 0;
      if (first) r.supplier[slot] = -1;
    }
  }
};

// Each household slot goes to one of its market's retailers of the slot, drawn.
struct ChooseShops {
  TablesView t;
  ConsumerStore::View h;
  Philox rng;
  std::uint64_t first_id;        // Philox id of household 0
  std::int64_t first_household;  // its global id
  std::int64_t retail_first;     // the seller id of retailer 0
  ENTREPOT_HD void operator()(std::size_t n) const {
    const std::int64_t market = t.market_of(first_household + static_cast<std::int64_t>(n));
    const int k = t.retailers_per_sector;
    // Slots bought from producers get theirs in the search.
    for (int c = 0; c < kConsumerSlots; ++c) {
      std::int32_t shop = -1;
      if (c < t.consumer_slots && t.at_retailer(c)) {
        const auto w = rng.words(first_id + n, -1, Draw::shop, static_cast<std::uint32_t>(c));
        const std::int64_t local = market * t.retailers_per_market() + t.retail_slot[c] * k +
                                   static_cast<std::int64_t>(w[0] % static_cast<std::uint32_t>(k));
        shop = static_cast<std::int32_t>(retail_first + local);
      }
      h.retailer[static_cast<std::size_t>(c) * h.size + n] = shop;
    }
  }
};

// Each household slot counted at its retailer (this rank's retailers from `first_seller`).
struct CountShoppers {
  TablesView t;
  ConsumerStore::ConstView h;
  std::int64_t first_seller;
  std::int64_t* shoppers;
  ENTREPOT_HD void operator()(std::size_t n) const {
    for (int c = 0; c < t.consumer_slots; ++c) {
      const std::int32_t shop = h.retailer[static_cast<std::size_t>(c) * h.size + n];
      if (t.at_retailer(c) && shop >= 0)
        atomic_add(&shoppers[shop - first_seller], std::int64_t{1});
    }
  }
};

// What a retailer means to spend at each supplier per step at the start: its expected sales
// at its unit cost, shared over its suppliers, net of duty and in the seller's currency.
struct RetailOrders {
  TablesView t;
  RetailerStore::ConstView r;
  Book<const Quote> quotes;
  std::int64_t* value;
  ENTREPOT_HD void operator()(std::size_t i) const {
    const SupplierCells cells = supplier_cells(t, r, i, quotes);
    if (cells.used == 0) return;
    const double spend = r.expected_sales[i] * r.unit_cost[i] * static_cast<double>(kMoneyScale) /
                         static_cast<double>(cells.used);
    for (int k = 0; k < kRetailSlots; ++k) {
      if (cells.cell[k] < 0) continue;
      const std::int32_t seller = r.supplier[k * r.size + i];
      const auto cell = static_cast<std::size_t>(cells.cell[k]);
      atomic_add(&value[seller],
                 static_cast<std::int64_t>(spend / ((1.0 + t.duty_rate[cell]) * t.exchange[cell])));
    }
  }
};

struct ReviewShop {
  TablesView t;
  ConsumerStore::View h;
  Book<const Quote> quotes;
  Philox rng;
  int step;
  bool every_step;
  std::uint32_t rate;
  std::uint64_t first_id;     // Philox id of household 0
  std::int64_t retail_first;  // the seller id of retailer 0
  ENTREPOT_HD std::int64_t operator()(std::size_t n) const {
    const int k = t.retailers_per_sector;
    std::int64_t moves = 0;
    if (k < 2) return 0;
    for (int c = 0; c < t.consumer_slots; ++c) {
      std::int32_t& shop = h.retailer[static_cast<std::size_t>(c) * h.size + n];
      if (!t.at_retailer(c) || shop < 0) continue;
      const bool rationed = ((h.spill[n] >> c) & 1u) != 0;
      const auto slot = static_cast<std::uint32_t>(c);
      const bool review = every_step || reviews_supplier(first_id + n, slot, step, rate);
      if (!review && !rationed) continue;
      const auto w = rng.words(first_id + n, step, Draw::shop, slot);
      const bool away = rationed && turned_away(w[1], quotes[shop].rationing);
      if (!review && !away) continue;
      const auto candidate = static_cast<std::int32_t>(
          t.retailer_after(retail_first, shop, 1 + w[0] % static_cast<std::uint32_t>(k - 1)));
      if (moves_to_retailer(quotes[shop].price, away, quotes[candidate].price,
                            quotes[candidate].rationing != 0,
                            t.switching_cost[t.consumer_sector[c]])) {
        shop = candidate;
        ++moves;
      }
    }
    return moves;
  }
};

struct RetailHoldings {
  RetailerStore::ConstView r;
  ENTREPOT_HD Totals<kRetailTotals> operator()(std::size_t i) const {
    Totals<kRetailTotals> out;
    for (int x = 0; x < kRetailTotals; ++x) out.v[x] = 0;
    out.v[0] = r.inventory[i];
    out.v[1] = r.cash[i];
    out.v[2] = r.sales_value[i];
    out.v[3 + r.slot[i]] = r.sales_value[i] - r.cost_of_sales[i];
    return out;
  }
};

struct IncomeAndCount {
  ConsumerStore::ConstView h;
  ENTREPOT_HD Totals<2> operator()(std::size_t n) const { return Totals<2>{{h.income[n], 1}}; }
};

Book<const Quote> quote_book(const Ranks& ranks, const SearchScratch& search) {
  return Book<const Quote>{thrust::raw_pointer_cast(search.quotes.data()),
                           ranks.seller_index(ranks.quote_ghosts)};
}

// A household's income per step at the start, by region (all households of a region have
// the same then), over all ranks.
std::vector<std::int64_t> income_by_region(const Setting& setting, const Economy& economy,
                                           const Ranks& ranks) {
  const ConsumerStore::ConstView h = economy.consumers.view();
  auto totals = totals_by_key<2>(h.size, setting.tables.regions, HouseholdRegion{h.region},
                                 IncomeAndCount{h});
  ranks.sum_over_ranks(totals);
  std::vector<std::int64_t> income(static_cast<std::size_t>(setting.tables.regions), 0);
  for (std::size_t r = 0; r < income.size(); ++r) {
    if (totals[r].v[1] > 0) income[r] = totals[r].v[0] / totals[r].v[1];
  }
  return income;
}

}  // namespace

void open_retailers(const RetailSettings& retail, const Setting& setting, Economy& economy,
                    const Ranks& ranks, const SearchScratch& search, bool first) {
  const Domain& d = ranks.domain;
  if (d.retailer_total == 0) return;
  if (first) economy.retailers.resize(static_cast<std::size_t>(d.retailer_count));
  const TablesView t = setting.tables.view();
  const std::vector<std::int64_t> income = income_by_region(setting, economy, ranks);
  const thrust::device_vector<std::int64_t> income_device(income.begin(), income.end());
  const thrust::device_vector<double> price(economy.block_price.begin(), economy.block_price.end());
  auto at = thrust::counting_iterator<std::size_t>(0);
  if (first) {
    thrust::for_each(at, at + economy.consumers.size,
                     ChooseShops{t, economy.consumers.view(), setting.rng, d.household_id(0),
                                 d.household_first, d.firm_total});
  }
  thrust::device_vector<std::int64_t> shoppers(economy.retailers.size, 0);
  thrust::for_each(
      at, at + economy.consumers.size,
      CountShoppers{t, std::as_const(economy.consumers).view(), d.firm_total + d.retailer_first,
                    thrust::raw_pointer_cast(shoppers.data())});
  thrust::for_each(
      at, at + economy.retailers.size,
      OpenRetailer{t, economy.retailers.view(), thrust::raw_pointer_cast(price.data()),
                   quote_book(ranks, search), thrust::raw_pointer_cast(income_device.data()),
                   thrust::raw_pointer_cast(shoppers.data()), d.retailer_first, retail.markup,
                   retail.inventory_target, setting.behaviour.cash_buffer_steps, first});
}

void add_retail_orders(const Setting& setting, const Economy& economy, const Ranks& ranks,
                       const SearchScratch& search, std::int64_t* value) {
  auto at = thrust::counting_iterator<std::size_t>(0);
  thrust::for_each(at, at + economy.retailers.size,
                   RetailOrders{setting.tables.view(), economy.retailers.view(),
                                quote_book(ranks, search), value});
}

std::int64_t review_shops(const Setting& setting, Economy& economy, const Ranks& ranks,
                          const SearchScratch& search, int step, double probability) {
  const bool every_step = probability >= 1.0;
  const auto rate = every_step ? 0u : static_cast<std::uint32_t>(probability * 4294967296.0);
  auto at = thrust::counting_iterator<std::size_t>(0);
  return thrust::transform_reduce(
      at, at + economy.consumers.size,
      ReviewShop{setting.tables.view(), economy.consumers.view(), quote_book(ranks, search),
                 setting.rng, step, every_step, rate, ranks.domain.household_id(0),
                 ranks.domain.firm_total},
      std::int64_t{0}, thrust::plus<std::int64_t>());
}

void plan_retail(const RetailSettings& retail, const Setting& setting, Economy& economy,
                 const Ranks& ranks, const SearchScratch& search, const double* lending) {
  const Behaviour& b = setting.behaviour;
  auto at = thrust::counting_iterator<std::size_t>(0);
  thrust::for_each(
      at, at + economy.retailers.size,
      PlanStock<RetailerStore::View>{
          setting.tables.view(), economy.retailers.view(), quote_book(ranks, search), lending,
          StockPolicy{retail.markup, retail.inventory_target, b.inventory_adjust_steps,
                      b.expectation_weight, b.markdown, b.credit_line}});
}

std::vector<Totals<kRetailTotals>> retail_totals(const Setting& setting, const Economy& economy,
                                                 const Ranks& ranks) {
  const RetailerStore::ConstView r = economy.retailers.view();
  auto totals = totals_by_key<kRetailTotals>(r.size, setting.tables.regions,
                                             HouseholdRegion{r.region}, RetailHoldings{r});
  ranks.sum_over_ranks(totals);
  return totals;
}

}  // namespace entrepot
