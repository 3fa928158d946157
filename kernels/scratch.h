// What lives within one step: the books of the trade rounds, the search's quotes, the
// labour market's applicants and mirrors, and the flows the trade returns. Sized and
// refilled by the phases that use them; nothing here is carried to the next step.
#pragma once

#include <thrust/device_vector.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace entrepot {

// A seller as buyers see it in one trade round, with what that round sold, in one cache
// line: a purchase reads and updates a single line instead of a handful of arrays.
struct Offer {
  double price;
  std::int64_t stock;         // what this round shares out
  std::int64_t orders;        // ordered from the seller this round
  std::int64_t shipped;       // goods shipped this round
  std::int64_t sales;         // money received this round
  std::int64_t exports;       // of which from foreign buyers
  std::int32_t origin;        // the seller's region
  std::uint32_t preferences;  // a bit per bloc whose rule of origin its goods meet
  // The duty on its goods' imported content where they leave its bonded zone for the
  // domestic market, as a rate on its price (0 outside a zone).
  float zone_rate;
  // A trader's: the region its goods came from (the origin of its largest delivery last
  // step), whose duty they pay as far as customs enforce origin; −1 for a producer's.
  std::int16_t goods_origin = -1;
  // 1 for a merchant's: its goods go from `goods_origin` straight to the buyer.
  std::uint16_t offshore = 0;
};

// A seller as searching buyers see it: 16 bytes, so a candidate is one random read.
struct Quote {
  double price;
  std::int32_t origin;  // the seller's region
  // What it could not serve of last step's orders, 1/kUnmetScale-ths (agents/rules.h
  // unmet_share): not 0 when it rationed its buyers.
  std::int32_t rationing;
};

// Flow accumulator components, per (origin region, destination region, sector): the one
// orientation of trade tables (World::flow_cell). A purchase moves the first
// kPurchaseFlows of them (what settling tallies, per thread, in kernels/trade.h); the
// households' sink adds the purchase's value once more as kFlowFinalValue, the part of
// kFlowValue bought for final use (the rest went to firms as inputs).
enum Flow : int {
  kFlowValue = 0,
  kFlowDuty = 1,
  kFlowShipped = 2,
  kFlowDelivered = 3,
  kPurchaseFlows = 4,
  kFlowFinalValue = 4,
  kFlows = 5
};

// What the trade of one step moved, summed over ranks: value (and its final-use part),
// duty, goods shipped and delivered per (origin, destination, sector) cell, and per
// (region, household slot) what households spent (duty included) and received. Phase 6
// returns it; phase 9 reads it.
struct TradeFlows {
  std::vector<std::int64_t> bilateral;  // [((o·R + d)·S + s)·kFlows + f]
  std::vector<std::int64_t> household;  // [(r·slots + c)·2]: spent, delivered
  // Firms' purchases by their sector: [((o·S + s)·R + d)·S + s'], value in the buyers'
  // currencies (StepStatistics::input_use).
  std::vector<std::int64_t> input_use;
  // Per country, in its currency: what its buyers paid sellers abroad (duty excluded) and
  // what its sellers were paid by buyers abroad.
  std::vector<std::int64_t> imports, exports;
  // What buyers paid the traders of each followed hub (World::hub_name), by where the goods
  // were made: [((h·R + o)·R + d)·S + s], in the buyers' currencies.
  std::vector<std::int64_t> handled;
  // Of those, what buyers paid the hub's merchants for goods shipped straight from where they
  // were made (offshore trade), in the same layout; and what the merchants paid producers,
  // [(h·R + o)·S + s], in the hub's currency.
  std::vector<std::int64_t> offshore, offshore_bought;
};

// Round two's orders of one kind of buyer, as the pass between the rounds drew them, so that
// round two does not draw them again (kernels/market.h, SecondOrders): buyer j's entries
// start at first[j], one per slot that may go to round two; each holds the second seller (−1:
// none); what the slot means to spend there is recomputed, cheaply, from round one's totals.
// Counts fit 32 bits: 4·10⁹ slots are far beyond what one rank holds.
struct SecondOrderStore {
  thrust::device_vector<std::uint32_t> first;
  thrust::device_vector<std::int32_t> seller;
};

struct TradeScratch {
  thrust::device_vector<std::int64_t> flows;            // TradeFlows::bilateral, this rank's
  thrust::device_vector<std::int64_t> household_flows;  // TradeFlows::household, this rank's
  thrust::device_vector<std::int64_t> input_use;        // TradeFlows::input_use, this rank's
  thrust::device_vector<Offer> offers, spill_offers;    // the two rounds: owned, then ghosts
  thrust::device_vector<std::int64_t> handled;          // TradeFlows::handled, this rank's
  thrust::device_vector<std::int64_t> offshore, offshore_bought;  // TradeFlows' of the same
  SecondOrderStore firms_second, households_second, retailers_second, traders_second;
};

struct SearchScratch {
  // Sellers as the search saw them: owned, then ghosts. Plan reads them in the same step
  // (prices do not change in between).
  thrust::device_vector<Quote> quotes;
};

struct LabourScratch {
  thrust::device_vector<std::int64_t> applicants;  // household ids
  thrust::device_vector<std::uint64_t> applicant_key;
  thrust::device_vector<std::int32_t> applicant_rank;
  // Firm fields over [domain.labour_first, labour_end), for the labour market and incomes.
  thrust::device_vector<std::int64_t> employees, demand, wage_paid, exited, vacancies;
};

struct Scratch {
  SearchScratch search;
  LabourScratch labour;
  TradeScratch trade;
};

// Buyers per thread of the settling passes, by default (Model::trade_chunk). One thread
// settles a chunk in order, tallying flows in a local table (LocalFlows); 0 means one
// thread per buyer adding each purchase's flows where they belong (DirectFlows). Any value
// gives the same bytes (int64 sums). CPU threads take long chunks, so the table is flushed
// rarely. A GPU needs hundreds of thousands of threads: 4096 buyers each would leave it
// mostly idle, so it takes short chunks (a first guess until measured: `entrepot bench
// --trade-chunk` compares the choices, and scripts/device-check runs that comparison).
#if defined(ENTREPOT_BACKEND_CUDA)
inline constexpr std::size_t kTradeChunk = 64;
#else
inline constexpr std::size_t kTradeChunk = 4096;
#endif

}  // namespace entrepot
