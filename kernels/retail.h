// Retail markets' phases (docs/model.md §4.12; kernels/retail.cpp): retailers opened at
// set-up, households' choice of shop, retailers' purchase plans, their accounts and their
// totals for the statistics. The market passes are in kernels/trade_stockists.cpp.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/phases.h"

namespace entrepot {

// The retailers of this rank's markets, each stocked for its share of its market's budget
// for its sector at the blocks' prices marked up; households go to one retailer of their
// market per slot. `first`: the first opening (no supplier yet, priced at the blocks' price
// indices); later ones keep the supplier links and price at what the suppliers' quotes in
// `search` make the goods cost landed.
void open_retailers(const RetailSettings& retail, const Setting& setting, Economy& economy,
                    const Ranks& ranks, const SearchScratch& search, bool first);
// What each producer's retailers mean to spend there in a step of the starting state, money
// in the producer's currency net of duty, added to `value` (over all firms, global ids).
void add_retail_orders(const Setting& setting, const Economy& economy, const Ranks& ranks,
                       const SearchScratch& search, std::int64_t* value);
// Phase 2 for households with retail markets: a household that reviews where it shops (at
// the staggered reviews of the supplier search, or when turned away) compares its retailer
// with another of its market (agents/retail.h moves_to_retailer). Returns this rank's moves.
std::int64_t review_shops(const Setting& setting, Economy& economy, const Ranks& ranks,
                          const SearchScratch& search, int step, double probability);
// Phase 3 for retailers: expected sales, price at a markup on the stock's unit cost, and
// orders at the suppliers that bring the stock towards its target, within their cash and
// credit (`lending`: lending_by_region, on the device).
void plan_retail(const RetailSettings& retail, const Setting& setting, Economy& economy,
                 const Ranks& ranks, const SearchScratch& search, const double* lending);
// Per region, all ranks: retailers' stock (goods), cash, sales, and their margin per
// household slot (value added, money).
inline constexpr int kRetailTotals = 3 + kConsumerSlots;
std::vector<Totals<kRetailTotals>> retail_totals(const Setting& setting, const Economy& economy,
                                                 const Ranks& ranks);

}  // namespace entrepot
