// A run over ranks as kernels see it: which agents this rank owns (Domain), where a seller
// sits in its books (SellerIndex, Ghosts, Book), and the exchanges with other ranks (Ranks).
// None of it is the economy's state: a checkpoint written over R ranks resumes over any
// number, and all of this is rebuilt from the partition.
#pragma once

#include <thrust/device_vector.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "base/backend.h"
#include "kernels/reduce.h"
#include "world/comm.h"
#include "world/exchange.h"
#include "world/partition.h"

namespace entrepot {

// The goods market addresses a seller by a global seller id, whatever agent it is: each
// kind of agent that sells has its own range of ids, firms first ([0, firm_total)), the next
// kind after them. A rank owns a contiguous part of each kind's range; its books hold its
// own sellers kind by kind, then the ghosts (kernels/trade.cpp opens them).
inline constexpr int kMaxSellerKinds = 4;
inline constexpr int kFirmSellers = 0;    // the kind of firms
inline constexpr int kRetailSellers = 1;  // the kind of retailers (with retail markets)
inline constexpr int kTraderSellers = 2;  // the kind of traders (with traders)

// The sellers one rank owns: for each kind, the ids [first, first + count).
struct OwnedSellers {
  std::int64_t first[kMaxSellerKinds] = {};
  std::int64_t count[kMaxSellerKinds] = {};
  int kinds = 0;
  // Adds the next kind; returns its number.
  int add(std::int64_t first_id, std::int64_t owned) {
    first[kinds] = first_id;
    count[kinds] = owned;
    return kinds++;
  }
  // The first place of kind `kind` in the books; with kind == kinds, all owned sellers.
  ENTREPOT_HD std::int64_t start(int kind) const {
    std::int64_t n = 0;
    for (int k = 0; k < kind; ++k) n += count[k];
    return n;
  }
  ENTREPOT_HD std::int64_t total() const { return start(kinds); }
  // The seller's place among the owned sellers, or −1 when another rank owns it.
  ENTREPOT_HD std::int64_t place(std::int64_t id) const {
    std::int64_t before = 0;
    for (int k = 0; k < kinds; ++k) {
      if (id >= first[k] && id - first[k] < count[k]) return before + (id - first[k]);
      before += count[k];
    }
    return -1;
  }
};

// The agents this rank owns, out of the whole economy: the firms [firm_first, firm_first +
// firm_count) of firm_total, and households likewise, in global id order. Stores hold the owned
// agents only; links (suppliers, retailers, employers) and Philox counters use global ids, so a run
// draws the same numbers on any number of ranks.
struct Domain {
  std::int64_t firm_first = 0, firm_count = 0, firm_total = 0;
  std::int64_t household_first = 0, household_count = 0, household_total = 0;
  // Retailers, market by market: those of the markets whose households this rank owns.
  std::int64_t retailer_first = 0, retailer_count = 0, retailer_total = 0;
  // Traders, region by region: those of the regions whose first part this rank holds.
  std::int64_t trader_first = 0, trader_count = 0, trader_total = 0;
  // The firms of every region this rank holds agents of: its own, plus the other parts of a
  // region split between ranks, whose labour market it shares.
  std::int64_t labour_first = 0, labour_end = 0;
  // The goods market's sellers this rank owns (firms are kind 0), and all ranks' together:
  // seller ids are [0, seller_total).
  OwnedSellers sellers;
  std::int64_t seller_total = 0;
  // Philox counter ids: firms first, then households, then retailers, then traders.
  ENTREPOT_HD std::uint64_t firm_id(std::size_t j) const {
    return static_cast<std::uint64_t>(firm_first) + j;
  }
  ENTREPOT_HD std::uint64_t household_id(std::size_t n) const {
    return static_cast<std::uint64_t>(firm_total + household_first) + n;
  }
  ENTREPOT_HD std::uint64_t retailer_id(std::size_t i) const {
    return static_cast<std::uint64_t>(firm_total + household_total + retailer_first) + i;
  }
  ENTREPOT_HD std::uint64_t trader_id(std::size_t i) const {
    return static_cast<std::uint64_t>(firm_total + household_total + retailer_total +
                                      trader_first) +
           i;
  }
  // The seller id of retailer i: retailers' ids follow all firms'.
  ENTREPOT_HD std::int32_t retailer_seller(std::size_t i) const {
    return static_cast<std::int32_t>(firm_total + retailer_first + static_cast<std::int64_t>(i));
  }
};

// Where a seller sits in this rank's books: its own sellers first (OwnedSellers), then the
// ghosts (sellers of other ranks that its buyers need this phase) in id order. A ghost is
// found from its id's bucket (a span of 2^shift ids) and the ghosts that bucket holds: two
// reads, as in a hash table, but built by a parallel search over the sorted ids, on the
// device. A one-rank run has no ghosts.
struct SellerIndex {
  OwnedSellers sellers;
  std::int64_t owned = 0;                   // sellers.total()
  const std::int64_t* ghost_ids = nullptr;  // sorted; a ghost's place is its position
  const std::int32_t* bucket = nullptr;     // [buckets + 1]: the first ghost of each bucket
  std::int64_t buckets = 0;
  int shift = 0;
  ENTREPOT_HD bool owns(std::int64_t id) const { return sellers.place(id) >= 0; }
  // The ghost's place, or −1 when the book does not hold the seller.
  ENTREPOT_HD std::int64_t ghost(std::int64_t id) const {
    const std::int64_t b = id >> shift;
    if (id < 0 || b >= buckets) return -1;
    for (std::int32_t g = bucket[b], end = bucket[b + 1]; g < end; ++g) {
      if (ghost_ids[g] >= id) return ghost_ids[g] == id ? g : -1;
    }
    return -1;
  }
  ENTREPOT_HD std::int64_t operator()(std::int64_t id) const {
    const std::int64_t place = sellers.place(id);
    return place >= 0 ? place : owned + ghost(id);
  }
  // Whether the book has this seller: owned, or among the ghosts.
  ENTREPOT_HD bool holds(std::int64_t id) const { return owns(id) || ghost(id) >= 0; }
};

// The ghost sellers of a book: their ids in order (the book holds them in this order after
// its own sellers), on the host for the exchanges and on the device with the buckets that
// the SellerIndex reads.
struct Ghosts {
  std::vector<std::int64_t> ids;
  thrust::device_vector<std::int64_t> device_ids;
  thrust::device_vector<std::int32_t> bucket;
  int shift = 0;
  // Sets the ghosts to the sorted ids `sorted`, with `on_device` their copy in device memory
  // where the caller has one (kernels/ghosts.cpp).
  void assign(std::vector<std::int64_t> sorted);
  void assign(std::vector<std::int64_t> sorted, thrust::device_vector<std::int64_t> on_device);
  void clear() { assign({}); }
  std::size_t size() const { return ids.size(); }
  // The index of a book of the `owned` sellers, with these ghosts.
  SellerIndex index(const OwnedSellers& owned) const;
};

// A book of seller records indexed by global seller id.
template <class Entry>
struct Book {
  Entry* entries = nullptr;
  SellerIndex index;
  ENTREPOT_HD Entry& operator[](std::int64_t id) const { return entries[index(id)]; }
};

// The exchange between ranks: who owns what, the seller exchanges of the phases and the
// ghost sellers of the current phase. On one rank it holds the domain alone.
struct Ranks {
  const Comm* comm = nullptr;  // none (or one rank): the economy is stepped whole here
  Partition partition;
  Domain domain;
  // Ghost lists: quotes of the search; in trade, the sellers links name, the sellers short
  // slots try, the sellers given round-two orders; firms of split regions (labour).
  std::unique_ptr<SellerExchange> quote_exchange, offer_exchange, spill_exchange,
      round_two_exchange, labour_exchange;
  Ghosts quote_ghosts, offer_ghosts;
  // Whether MPI reads and writes the exchange's words where they are, in device memory
  // (always on CPU threads; on GPUs with a CUDA-aware MPI); else they go through the host.
  bool exchange_in_place = false;

  bool distributed() const { return comm != nullptr && comm->distributed(); }
  int rank() const { return comm != nullptr ? comm->rank() : 0; }
  // The book of this rank's own sellers followed by `ghosts`.
  SellerIndex seller_index(const Ghosts& ghosts) const { return ghosts.index(domain.sellers); }
  // This rank's own sellers, no ghosts: tells remote ids apart.
  SellerIndex owned_index() const { return seller_index(Ghosts{}); }
  // Sums int64 totals over ranks in place (nothing to do on one rank).
  void sum_over_ranks(std::int64_t* values, std::size_t count) const {
    if (distributed()) comm->sum(values, count);
  }
  std::int64_t sum_over_ranks(std::int64_t value) const {
    sum_over_ranks(&value, 1);
    return value;
  }
  template <int N>
  void sum_over_ranks(std::vector<Totals<N>>& rows) const {
    if (!rows.empty()) sum_over_ranks(&rows[0].v[0], rows.size() * N);
  }
  // What every rank holds of `mine`, in rank order, on every rank (only `mine` on one rank).
  std::vector<std::vector<std::int64_t>> gather_over_ranks(
      const std::vector<std::int64_t>& mine) const {
    if (!distributed()) return {mine};
    return comm->exchange(
        std::vector<std::vector<std::int64_t>>(static_cast<std::size_t>(comm->size()), mine));
  }
};

}  // namespace entrepot
