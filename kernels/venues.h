// Commodity exchanges (docs/model.md §4.18): after the goods market, the member traders of
// each venue offer the stock they hold beyond a step's sales and bid for their next
// purchases; every venue's books clear on a call auction (kernels/auction.h) over all ranks'
// orders, and the fills move goods, money, duty and payments across borders.
#pragma once

#include <cstdint>
#include <vector>

#include "base/records.h"
#include "kernels/economy.h"
#include "kernels/phases.h"
#include "kernels/ranks.h"
#include "kernels/scratch.h"
#include "world/scenario.h"

namespace entrepot {

// What a step's venues did, summed over ranks. Books are venue × sector, [v·S + s].
struct VenueTrade {
  std::vector<std::int64_t> volume;  // goods traded, delivered at the venue
  std::vector<std::int64_t> value;   // their value at the clearing price, venue currency
  std::vector<std::int64_t> fees;    // fees and rounding the venue kept, venue currency
  std::vector<std::int64_t> legs;    // per sector: goods shipped to and from the venues
  std::int64_t shipped = 0;          // goods the sellers shipped to the venues
  std::int64_t received = 0;         // goods the buyers received from them
};

// Each book's opening reference price: the mean producer price of its sector over the
// regions that make it, in the venue's currency. Every book's history starts empty.
void set_up_venues(const Scenario& scenario, const World& world, Economy& economy);

// Phase 6b: the member traders' orders, the venues' auctions and their settlement. The
// payments across borders, the duty and the flows of goods through the venues' warehouses
// are added to `flows` (the currency market and the statistics read them), and the
// foreigners' holdings, governments and the venues' owners take their parts. Nothing to do
// without venues.
VenueTrade trade_on_venues(const Scenario& scenario, const Setting& setting, Economy& economy,
                           const Ranks& ranks, TradeFlows& flows);

// The step's figures per book into `stats`: prices and values in US$, volumes, each venue's
// share of the sector's venue trade and of its world trade, and price leadership over the
// run so far (lagged correlations of the books' returns, docs/model.md §4.18).
void venue_statistics(const Scenario& scenario, const World& world, const Economy& economy,
                      const VenueTrade& trade, const TradeFlows& flows, StepStatistics& stats);

}  // namespace entrepot
