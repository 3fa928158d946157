// What retailers and traders share as stockists (docs/model.md §4.12, §4.13): they buy
// one sector's goods from producers through supplier slots, hold them at their landed cost,
// price at a markup on it and order towards a stock target within their cash, and pay profit
// tax and dividends. Each rule is written once over a store view (RetailerStore's or
// TraderStore's); sold_sector says which sector an agent sells.
#pragma once

#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "agents/accounts.h"
#include "agents/credit.h"
#include "agents/retail.h"
#include "agents/rules.h"
#include "kernels/phases.h"
#include "kernels/reduce.h"

namespace entrepot {

ENTREPOT_HD int sold_sector(const TablesView& t, const RetailerStore::View& r, std::size_t i) {
  return t.consumer_sector[r.slot[i]];
}
ENTREPOT_HD int sold_sector(const TablesView& t, const RetailerStore::ConstView& r, std::size_t i) {
  return t.consumer_sector[r.slot[i]];
}
ENTREPOT_HD int sold_sector(const TablesView&, const TraderStore::View& r, std::size_t i) {
  return r.sector[i];
}
ENTREPOT_HD int sold_sector(const TablesView&, const TraderStore::ConstView& r, std::size_t i) {
  return r.sector[i];
}

// Whether a stockist is a merchant (traders.offshore_share), holding its goods where it bought
// them, and what settling its sales abroad cost it this step: retailers never are, and pay
// nothing.
ENTREPOT_HD bool is_merchant(const RetailerStore::View&, std::size_t) {
  return false;
}
ENTREPOT_HD bool is_merchant(const TraderStore::View& r, std::size_t i) {
  return r.offshore[i] != 0;
}
template <class Retailers>
ENTREPOT_HD auto settlement_fee_of(const Retailers&, std::size_t)
    -> decltype(Retailers{}.slot, std::int64_t{}) {
  return 0;
}
template <class Traders>
ENTREPOT_HD auto settlement_fee_of(const Traders& r, std::size_t i)
    -> decltype(r.settlement_fee, std::int64_t{}) {
  return r.settlement_fee[i];
}

// Who takes over an exited stockist: an owner of its region, so a foreign trader's new owner
// is local.
ENTREPOT_HD void take_over(const RetailerStore::View&, std::size_t) {}
ENTREPOT_HD void take_over(const TraderStore::View& r, std::size_t i) {
  r.abroad[i] = 0;
}

// What `goods` of a stockist's stock cost it at its unit cost, money: the cost of goods it
// sells, on its buyers' market or on a venue.
ENTREPOT_HD std::int64_t stock_cost(std::int64_t goods, double unit_cost) {
  return static_cast<std::int64_t>(static_cast<double>(goods) / static_cast<double>(kGoodsScale) *
                                   unit_cost * static_cast<double>(kMoneyScale));
}

// A trader's share of its stock's cost bought abroad once `paid` (money, `abroad` or not)
// joins stock worth `held_value`: the share its sales abroad count as re-exports (§4.13).
ENTREPOT_HD double share_bought_abroad(double held_value, double share, double paid, bool abroad) {
  const double total = held_value + paid;
  if (!(paid > 0.0) || !(total > 0.0)) return share;
  return (held_value * share + (abroad ? paid : 0.0)) / total;
}

// The trade cell through which stockist i buys at each supplier slot as the quotes hold it
// (−1: no supplier, or its flow is banned), and how many slots have one.
struct SupplierCells {
  long long cell[kRetailSlots];
  int used;
};

template <class Stockists>
ENTREPOT_HD SupplierCells supplier_cells(const TablesView& t, const Stockists& r, std::size_t i,
                                         const Book<const Quote>& quotes) {
  SupplierCells out{};
  const int region = r.region[i], sector = sold_sector(t, r, i);
  for (int k = 0; k < kRetailSlots; ++k) {
    out.cell[k] = input_cell(t, sector, r.supplier[k * r.size + i], region, quotes);
    out.used += out.cell[k] >= 0 ? 1 : 0;
  }
  return out;
}

// What a unit a stockist buys at `price` in trade cell `cell` costs it: the price with trade
// costs and duty, or for a merchant the price at origin only, since nothing is shipped or
// imported yet.
ENTREPOT_HD double stockist_cost(const TablesView& t, double price, std::size_t cell,
                                 bool merchant) {
  return merchant ? t.buyer_price(price, cell) : landed_cost(price, t.paid_factor[cell]);
}

// What a unit of stockist i's goods costs from its supplier slot k, whose trade cell is
// `cell` (≥ 0), at the supplier's quoted price.
template <class Stockists>
ENTREPOT_HD double landed_at(const TablesView& t, const Stockists& r, std::size_t i, int k,
                             long long cell, const Book<const Quote>& quotes) {
  return stockist_cost(t, quotes[r.supplier[k * r.size + i]].price, static_cast<std::size_t>(cell),
                       is_merchant(r, i));
}

// The settings a kind of stockist plans with: its markup and stock target, and the shared
// behaviour (adjustment, expectations, markdown, credit line).
struct StockPolicy {
  double markup, inventory_target, adjust_steps, expectation_weight, markdown, credit_line;
};

// Phase 3: expected sales, price at a markup on the stock's unit cost (marked down when
// overstocked), and orders at the suppliers that bring the stock towards its target, within
// its cash and what its bank lends.
template <class Stockists>
struct PlanStock {
  TablesView t;
  Stockists r;
  Book<const Quote> quotes;  // suppliers as the search saw them
  const double* lending;     // the bank's lending factor, by region
  StockPolicy policy;
  ENTREPOT_HD void operator()(std::size_t i) const {
    const double goods = static_cast<double>(kGoodsScale);
    const double money = static_cast<double>(kMoneyScale);
    const double expected = update_expectation(
        r.expected_sales[i], static_cast<double>(r.demand[i]) / goods, policy.expectation_weight);
    r.expected_sales[i] = expected;
    const double held = static_cast<double>(r.inventory[i]) / goods;
    // A merchant prices the cost of settling its sales in foreign currency in with its goods'.
    const bool at_origin = is_merchant(r, i);
    const double settling = at_origin ? 1.0 + t.settlement_cost[r.region[i]] : 1.0;
    if (r.unit_cost[i] > 0.0) {
      r.price[i] = stockist_price(r.unit_cost[i] * settling, policy.markup, held, expected,
                                  policy.inventory_target, policy.markdown);
    }
    const double wanted =
        retail_purchases(expected, held, policy.inventory_target, policy.adjust_steps);
    const SupplierCells cells = supplier_cells(t, r, i, quotes);
    double landed[kRetailSlots], iceberg[kRetailSlots];
    for (int k = 0; k < kRetailSlots; ++k) {
      landed[k] = 0.0;
      iceberg[k] = 1.0;
      if (cells.cell[k] < 0) continue;
      landed[k] = landed_at(t, r, i, k, cells.cell[k], quotes);
      if (!at_origin) iceberg[k] = t.iceberg[static_cast<std::size_t>(cells.cell[k])];
    }
    const double each = cells.used > 0 ? wanted / static_cast<double>(cells.used) : 0.0;
    double bill = 0.0;
    for (int k = 0; k < kRetailSlots; ++k) bill = bill + landed[k] * each;
    // What its cash cannot pay for it borrows within its credit line (agents/credit.h); what
    // neither covers is not ordered.
    r.borrowed[i] = 0;
    if (bill > static_cast<double>(r.cash[i]) / money) {
      const std::int64_t drawn =
          credit_drawn(bill - static_cast<double>(r.cash[i]) / money, r.price[i] * expected,
                       policy.credit_line, r.loan[i], lending[r.region[i]]);
      r.cash[i] += drawn;
      r.loan[i] += drawn;
      r.borrowed[i] = drawn;
    }
    const double cash = static_cast<double>(r.cash[i]) / money;
    const double affordable = bill > cash && bill > 0.0 ? cash / bill : 1.0;
    for (int k = 0; k < kRetailSlots; ++k) {
      // Ordered at origin: enough that its share arrives after iceberg melt.
      r.order[k * r.size + i] =
          landed[k] > 0.0 ? static_cast<std::int64_t>(each * affordable * iceberg[k] * goods) : 0;
    }
  }
};

// The settings a kind of stockist settles with: profit tax (by region where given),
// dividends, its cash buffer, credit and exit.
struct PayPolicy {
  double tax_rate, dividend_share, buffer_steps, loan_rate, credit_line;
  int patience;
  const double* region_tax;  // per region, in place of tax_rate where not null
};

// Phase 7: interest, profit tax on the margin (sales less the cost of the goods sold and
// interest), repayment from cash above its buffer, and dividends, from which the loan is
// served first. After `patience` insolvent steps in a row it exits: the bank takes what cash
// there is and writes off the rest of the loan, and the remaining cash goes to the owners
// (the firms' rules, kernels/accounts.cpp PayFirm; docs/model.md §4.3).
template <class Stockists>
struct PayStockist {
  Stockists r;
  PayPolicy p;
  ENTREPOT_HD void operator()(std::size_t i) const {
    // A merchant pays its bank for settling its sales abroad in foreign currency, out of what
    // they brought in (so before interest, which may take all the cash there is).
    const std::int64_t fee = settlement_fee_of(r, i);
    r.cash[i] -= fee;
    const std::int64_t interest = charge_interest(r.loan[i], r.cash[i], p.loan_rate);
    const std::int64_t profit = r.sales_value[i] - r.cost_of_sales[i] - interest - fee;
    const double rate = p.region_tax != nullptr ? p.region_tax[r.region[i]] : p.tax_rate;
    const std::int64_t tax = profit_tax(profit, rate, r.cash[i]);
    r.cash[i] -= tax;
    const auto costs = static_cast<std::int64_t>(r.expected_sales[i] * r.unit_cost[i] *
                                                 static_cast<double>(kMoneyScale));
    repay_from_cash(r.loan[i], r.cash[i],
                    static_cast<std::int64_t>(p.buffer_steps * static_cast<double>(costs)));
    const std::int64_t dividend =
        dividend_payout(profit, tax, r.cash[i], costs, p.dividend_share, p.buffer_steps);
    const double room = credit_room(r.price[i] * r.expected_sales[i], p.credit_line, r.loan[i]);
    const double liquid = static_cast<double>(r.cash[i]) + (room > 0.0 ? room : 0.0);
    // One with nothing at all (a foreign trader of a sector closed to it) is not in business.
    const bool idle = r.expected_sales[i] <= 0.0 && r.inventory[i] == 0 && r.cash[i] == 0 &&
                      r.loan[i] == 0 && r.sales_value[i] == 0;
    r.distress[i] = next_distress(
        r.distress[i],
        !idle && stockist_insolvent(r.sales_value[i], profit, liquid, static_cast<double>(costs)));
    r.exited[i] = exits(r.distress[i], p.patience) ? 1 : 0;
    const LoanSettlement settled = settle_loan(r.exited[i] != 0, r.loan[i], r.cash[i], dividend);
    r.written_off[i] = settled.written_off;
    r.granted[i] = 0;  // EnterStockist's, where it exits
    r.interest[i] = interest;
    r.tax[i] = tax;
    r.dividend[i] = settled.dividend;
  }
};

// The entrant that takes over an exited stockist's shop, stock and suppliers: owners put in
// its opening cash, up to `cap` each in its region (agents/retail.h, stockist_grant).
template <class Stockists>
struct EnterStockist {
  Stockists r;
  const std::int64_t* cap;  // per region
  double buffer_steps;
  ENTREPOT_HD void operator()(std::size_t i) const {
    if (!r.exited[i]) return;
    const std::int64_t grant =
        stockist_grant(r.expected_sales[i], r.unit_cost[i], buffer_steps, cap[r.region[i]]);
    r.cash[i] += grant;
    r.granted[i] = grant;
    r.distress[i] = 0;
    take_over(r, i);
  }
};

// Per region, in the layout of the firms' payouts (kernels/accounts.cpp): tax, dividends,
// exits, the margin of their sales, what banks earned of them (interest and merchants'
// settlement fees), write-offs and loans left.
inline constexpr int kPayouts = 7;
template <class Stockists>
struct StockistPayouts {
  Stockists r;
  ENTREPOT_HD Totals<kPayouts> operator()(std::size_t i) const {
    return Totals<kPayouts>{{r.tax[i], r.dividend[i], r.exited[i],
                             r.sales_value[i] - r.cost_of_sales[i],
                             r.interest[i] + settlement_fee_of(r, i), r.written_off[i], r.loan[i]}};
  }
};

// Per region: what stockists owe, drew, were charged and had written off this step, and their
// deposits (the layout of the firms' credit totals, kernels/statistics.cpp).
template <class Stockists>
struct StockistCredit {
  Stockists r;
  ENTREPOT_HD Totals<5> operator()(std::size_t i) const {
    return Totals<5>{{r.loan[i], r.borrowed[i], r.interest[i], r.written_off[i], r.cash[i]}};
  }
};

template <class Stockists>
struct StockistGrant {
  Stockists r;
  ENTREPOT_HD Totals<1> operator()(std::size_t i) const { return Totals<1>{{r.granted[i]}}; }
};

// Per region, all ranks: what a store's stockists each hold by `Of` (StockistPayouts,
// StockistCredit, ...).
template <int N, template <class> class Of, class Store>
std::vector<Totals<N>> stockists_by_region(const Setting& setting, const Store& store,
                                           const Ranks& ranks) {
  const auto view = store.view();
  auto totals = totals_by_key<N>(view.size, setting.tables.regions, HouseholdRegion{view.region},
                                 Of<decltype(view)>{view});
  ranks.sum_over_ranks(totals);
  return totals;
}

// Phase 7 for one kind of stockist: PayStockist over its store. Per region, all ranks: its
// StockistPayouts.
template <class Store>
std::vector<Totals<kPayouts>> pay_stockists(const Setting& setting, Store& store,
                                            const Ranks& ranks,
                                            const double* region_tax = nullptr) {
  const Behaviour& b = setting.behaviour;
  auto at = thrust::counting_iterator<std::size_t>(0);
  thrust::for_each(
      at, at + store.size,
      PayStockist<typename Store::View>{
          store.view(), PayPolicy{b.profit_tax, b.dividend_share, b.cash_buffer_steps,
                                  b.loan_rate / static_cast<double>(setting.steps_per_year),
                                  b.credit_line, b.exit_patience, region_tax}});
  return stockists_by_region<kPayouts, StockistPayouts>(setting, std::as_const(store), ranks);
}

// The entrants of one kind of stockist (EnterStockist). Per region, all ranks: what owners
// put in.
template <class Store>
std::vector<Totals<1>> enter_stockists(const Setting& setting, Store& store, const Ranks& ranks,
                                       const thrust::device_vector<std::int64_t>& cap) {
  auto at = thrust::counting_iterator<std::size_t>(0);
  thrust::for_each(
      at, at + store.size,
      EnterStockist<typename Store::View>{store.view(), thrust::raw_pointer_cast(cap.data()),
                                          setting.behaviour.cash_buffer_steps});
  return stockists_by_region<1, StockistGrant>(setting, std::as_const(store), ranks);
}

}  // namespace entrepot
