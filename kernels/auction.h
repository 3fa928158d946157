// Call auctions over many books at once (agents/auction.h has the rule): the exchange
// venues' books, one per venue and commodity, cleared in one pass of sorts and scans.
#pragma once

#include <thrust/device_vector.h>

#include <cstdint>
#include <vector>

#include "agents/auction.h"
#include "kernels/ranks.h"

namespace entrepot {

// Clears every book of `orders`, books numbered from 0 to reference.size() − 1, where
// `reference[b]` is book b's reference price (its last clearing price). Returns each book's
// clearing; `fills[i]` becomes what order i trades. The result depends on the orders, not
// on the order they come in (up to orders of equal id, which keep theirs), nor on the
// number of threads. Throws std::invalid_argument, touching nothing, on an order with a
// negative price or quantity or a book outside the range, and on quantities that sum to
// 2⁶³ − 1 or more (the int64 totals of demand and supply would overflow).
std::vector<AuctionClearing> clear_auctions(const thrust::device_vector<AuctionOrder>& orders,
                                            const std::vector<std::int64_t>& reference,
                                            thrust::device_vector<std::int64_t>& fills);

// The orders of every rank, in rank order, on every rank (one all-to-all), and where this
// rank's start among them (`my_first`), so that each rank clears the same books and reads
// its own fills.
thrust::device_vector<AuctionOrder> orders_of_all_ranks(
    const Ranks& ranks, const thrust::device_vector<AuctionOrder>& mine, std::size_t& my_first);

}  // namespace entrepot
