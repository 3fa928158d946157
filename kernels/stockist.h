// What retailers and traders share as stockists (docs/model.md §retail, §traders): they buy
// one sector's goods from producers through supplier slots, hold them at their landed cost,
// price at a markup on it and order towards a stock target within their cash, and pay profit
// tax and dividends. Each rule is written once over a store view (RetailerStore's or
// TraderStore's); sold_sector says which sector an agent sells.
#pragma once

#include <cstdint>

#include "agents/accounts.h"
#include "agents/retail.h"
#include "agents/rules.h"
#include "kernels/phases.h"

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

// Phase 3: expected sales, price at a markup on the stock's unit cost, and orders at the
// suppliers that bring the stock towards its target, within its cash.
template <class Stockists>
struct PlanStock {
  TablesView t;
  Stockists r;
  Book<const Quote> quotes;  // suppliers as the search saw them
  double markup, inventory_target, adjust_steps, expectation_weight;
  ENTREPOT_HD void operator()(std::size_t i) const {
    const double goods = static_cast<double>(kGoodsScale);
    const double expected = update_expectation(
        r.expected_sales[i], static_cast<double>(r.demand[i]) / goods, expectation_weight);
    r.expected_sales[i] = expected;
    if (r.unit_cost[i] > 0.0) r.price[i] = (1.0 + markup) * r.unit_cost[i];
    const double wanted = retail_purchases(expected, static_cast<double>(r.inventory[i]) / goods,
                                           inventory_target, adjust_steps);
    const SupplierCells cells = supplier_cells(t, r, i, quotes);
    double landed[kRetailSlots], iceberg[kRetailSlots];
    for (int k = 0; k < kRetailSlots; ++k) {
      landed[k] = 0.0;
      iceberg[k] = 1.0;
      if (cells.cell[k] < 0) continue;
      landed[k] =
          landed_cost(quotes[r.supplier[k * r.size + i]].price, t.paid_factor[cells.cell[k]]);
      iceberg[k] = t.iceberg[cells.cell[k]];
    }
    const double each = cells.used > 0 ? wanted / static_cast<double>(cells.used) : 0.0;
    double bill = 0.0;
    for (int k = 0; k < kRetailSlots; ++k) bill = bill + landed[k] * each;
    // What its cash cannot pay for is not ordered.
    const double cash = static_cast<double>(r.cash[i]) / static_cast<double>(kMoneyScale);
    const double affordable = bill > cash && bill > 0.0 ? cash / bill : 1.0;
    for (int k = 0; k < kRetailSlots; ++k) {
      // Ordered at origin: enough that its share arrives after iceberg melt.
      r.order[k * r.size + i] =
          landed[k] > 0.0 ? static_cast<std::int64_t>(each * affordable * iceberg[k] * goods) : 0;
    }
  }
};

// Phase 7: profit tax on the margin (sales less the cost of the goods sold), then dividends
// out of what exceeds the cash buffer.
template <class Stockists>
struct PayStockist {
  Stockists r;
  double tax_rate, dividend_share, buffer_steps;
  const double* region_tax = nullptr;  // per region, in place of tax_rate where given
  ENTREPOT_HD void operator()(std::size_t i) const {
    const std::int64_t profit = r.sales_value[i] - r.cost_of_sales[i];
    const double rate = region_tax != nullptr ? region_tax[r.region[i]] : tax_rate;
    const std::int64_t tax = profit_tax(profit, rate, r.cash[i]);
    r.cash[i] -= tax;
    const auto costs = static_cast<std::int64_t>(r.expected_sales[i] * r.unit_cost[i] *
                                                 static_cast<double>(kMoneyScale));
    const std::int64_t dividend =
        dividend_payout(profit, tax, r.cash[i], costs, dividend_share, buffer_steps);
    r.cash[i] -= dividend;
    r.tax[i] = tax;
    r.dividend[i] = dividend;
  }
};

// Per region: tax, dividends and the margin of the stockists' sales.
template <class Stockists>
struct StockistPayouts {
  Stockists r;
  ENTREPOT_HD Totals<3> operator()(std::size_t i) const {
    return Totals<3>{{r.tax[i], r.dividend[i], r.sales_value[i] - r.cost_of_sales[i]}};
  }
};

}  // namespace entrepot
