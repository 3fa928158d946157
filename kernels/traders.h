// Wholesale and entrepôt traders' phases (docs/model.md §4.13; kernels/traders.cpp): their
// opening, their purchase plans, their accounts and their totals for the statistics. The
// market passes are in kernels/trade_stockists.cpp, their search in kernels/search.cpp.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/phases.h"

namespace entrepot {

// The traders of this rank's regions, each opening with its share of `presence` times its
// sector's mean sales per region as expected sales: those in stock for ι_T steps, and cash for a
// step's purchases and its buffer, priced at their goods' landed cost as their sourcing table
// draws origins, marked up. They have no suppliers yet: each slot searches at the first step.
void open_traders(const Scenario& scenario, const Setting& setting, Economy& economy,
                  const Ranks& ranks);
// Each open trader priced at what the suppliers it drew charge landed, marked up, and every
// block's traders' mean price updated (update_trader_prices).
void price_traders_at_suppliers(const Setting& setting, Economy& economy, const Ranks& ranks,
                                const SearchScratch& search, double markup);
// Once firms and retailers have drawn their suppliers with the open traders among them, each
// trader's expected sales become what its buyers then order, with its stock (ι_T steps of
// them), cash and loan: so a trader opens with the custom its place in buyers' search brings,
// not a guess that the first years would correct.
void size_traders(const Setting& setting, Economy& economy, Ranks& ranks, SearchScratch& search,
                  double inventory_target);
// Foreign-invested traders whose sector the negative list no longer closes and that are not
// yet in business open (no stock), with capital from abroad: foreigners' holdings of the
// hub's currency fall by it (its currency market sees an inflow).
void admit_foreign_traders(const Scenario& scenario, const Setting& setting, Economy& economy,
                           const Ranks& ranks);
// Each block's traders' mean price last step (0 where it has none), over all ranks: what
// buyers' search weighs them at (refresh_search).
void update_trader_prices(const Setting& setting, Economy& economy, const Ranks& ranks);
// Phase 3 for traders: expected sales, price at a markup on the stock's unit cost, and
// orders that bring the stock towards its target, within their cash and credit (`lending`:
// lending_by_region, on the device).
void plan_traders(const TraderSettings& traders, const Setting& setting, Economy& economy,
                  const Ranks& ranks, const SearchScratch& search, const double* lending);
// Per region, all ranks: the dividends its foreign-invested traders paid this step.
std::vector<Totals<1>> dividends_abroad(const Setting& setting, const Economy& economy,
                                        const Ranks& ranks);
// Per block (region × sector), all ranks: traders' stock (goods), cash, sales, margin,
// sales abroad and, of those, re-exports (their share bought abroad), money.
inline constexpr int kTraderTotals = 6;
std::vector<Totals<kTraderTotals>> trader_totals(const Setting& setting, const Economy& economy,
                                                 const Ranks& ranks);

}  // namespace entrepot
