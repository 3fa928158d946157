// The state of one simulated economy: agent stores, the world tables in device memory,
// the small host-side accounts (governments, owners) and the step's statistics. The
// phases of a step (kernels/phases.h) are functions of this state.
#pragma once

#include <thrust/device_vector.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "agents/stores.h"
#include "agents/trade.h"
#include "base/records.h"
#include "base/rng.h"
#include "kernels/reduce.h"
#include "world/comm.h"
#include "world/exchange.h"
#include "world/partition.h"
#include "world/scenario.h"
#include "world/world.h"

namespace entrepot {

// A seller as buyers see it in one trade round, with what that round sold, in one cache
// line: a purchase reads and updates a single line instead of a handful of arrays.
struct Offer {
  double price;
  std::int64_t stock;    // what this round shares out
  std::int64_t orders;   // ordered from the seller this round
  std::int64_t shipped;  // goods shipped this round
  std::int64_t sales;    // money received this round
  std::int64_t exports;  // of which from foreign buyers
  std::int32_t origin;   // the seller's region
};

// A seller as searching buyers see it: 16 bytes, so a candidate is one random read.
struct Quote {
  double price;
  std::int32_t origin;     // the seller's region
  std::int32_t rationing;  // 1 if it shipped less than was ordered last step
};

// The agents this rank owns, out of the whole economy: the firms [firm_first, firm_first +
// stored) and households likewise, in global id order. Stores hold the owned agents only;
// links (suppliers, retailers, employers) and Philox counters use global ids, so a run
// draws the same numbers on any number of ranks.
struct Domain {
  std::int64_t firm_first = 0, firm_total = 0;
  std::int64_t household_first = 0, household_total = 0;
  // The firms of every region this rank holds agents of: its own, plus the other parts of a
  // region split between ranks, whose labour market it shares.
  std::int64_t labour_first = 0, labour_end = 0;
  // Philox counter ids: firms first, then households.
  ENTREPOT_HD std::uint64_t firm_id(std::size_t j) const {
    return static_cast<std::uint64_t>(firm_first) + j;
  }
  ENTREPOT_HD std::uint64_t household_id(std::size_t n) const {
    return static_cast<std::uint64_t>(firm_total + household_first) + n;
  }
};

// Where a seller sits in this rank's books: its own firms first, then the ghosts (sellers
// of other ranks that its buyers need this phase) in id order. A ghost is found from its
// id's bucket (a span of 2^shift ids) and the ghosts that bucket holds: two reads, as in a
// hash table, but built by a parallel search over the sorted ids, on the device. A one-rank
// run has no ghosts: the index is the id.
struct SellerIndex {
  std::int64_t first = 0, owned = 0;
  const std::int64_t* ghost_ids = nullptr;  // sorted; a ghost's place is its position
  const std::int32_t* bucket = nullptr;     // [buckets + 1]: the first ghost of each bucket
  std::int64_t buckets = 0;
  int shift = 0;
  ENTREPOT_HD bool owns(std::int64_t id) const { return id >= first && id - first < owned; }
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
    return owns(id) ? id - first : owned + ghost(id);
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
  // The index of a book of `owned` sellers from global id `first` on, with these ghosts.
  SellerIndex index(std::int64_t first, std::int64_t owned) const;
};

// A book of seller records indexed by global seller id.
template <class Entry>
struct Book {
  Entry* entries = nullptr;
  SellerIndex index;
  ENTREPOT_HD Entry& operator[](std::int64_t id) const { return entries[index(id)]; }
};

// Flow accumulator components, per (destination region, origin region, sector).
enum Flow : int { kFlowValue = 0, kFlowDuty = 1, kFlowShipped = 2, kFlowDelivered = 3, kFlows = 4 };

// Read-only tables as kernels see them.
struct TablesView {
  int regions, sectors, countries, consumer_slots;
  bool any_ban;  // whether some flow is banned now (most steps of most runs: no)
  const std::int32_t* region_country;
  const double* region_tfp;
  const std::int64_t* block_start;  // firms of block b = r·S+s: [block_start[b], block_start[b+1])
  const std::int64_t* consumer_start;   // consumers of region r: [consumer_start[r], …[r+1])
  const std::int32_t* input_sector;     // [s·K + k], −1 when unused
  const double* input_amount;           // a[k][s]
  const std::int32_t* consumer_sector;  // sector of each household slot
  const double* consumer_share;         // β of each household slot
  const double* markup;
  const double* switching_cost;
  const double* iceberg;            // [(o·R + d)·S + s]
  const double* trade_factor;       // τ(1+t), +∞ when banned
  const double* duty_rate;          // t of the importer on the exporter
  const std::uint64_t* origin_cdf;  // [(d·S + s)·R + o], cumulative, last = 2^32 (0 if none)

  // The region of a seller, from the block layout alone (the last block starting at or
  // before the id holds it; empty blocks start where the next one does).
  ENTREPOT_HD int origin_of(std::int64_t seller) const {
    int lo = 0, hi = regions * sectors - 1;
    while (lo < hi) {
      const int mid = (lo + hi + 1) / 2;
      if (block_start[mid] <= seller) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo / sectors;
  }

  ENTREPOT_HD std::size_t rrs(int o, int d, int s) const {
    return (static_cast<std::size_t>(o) * regions + d) * sectors + s;
  }

  // A seller of `sector` found by a buyer in `dest` from two random words: the origin
  // region from the gravity table, then a seller uniformly in that (region, sector) block.
  // −1 when no origin is reachable.
  ENTREPOT_HD std::int32_t find_seller(int dest, int sector, std::uint32_t origin_word,
                                       std::uint32_t seller_word) const {
    const std::uint64_t* cdf =
        origin_cdf + (static_cast<std::size_t>(dest) * sectors + sector) * regions;
    if (cdf[regions - 1] == 0) return -1;
    int origin = 0;
    while (static_cast<std::uint64_t>(origin_word) >= cdf[origin]) ++origin;
    const std::int64_t first = block_start[origin * sectors + sector];
    const std::int64_t count = block_start[origin * sectors + sector + 1] - first;
    return static_cast<std::int32_t>(
        first + static_cast<std::int64_t>((static_cast<std::uint64_t>(seller_word) * count) >> 32));
  }
};

// The first index in [first, last) whose inclusive running total exceeds `target`.
ENTREPOT_HD std::int64_t first_above(const std::int64_t* cumulative, std::int64_t first,
                                     std::int64_t last, std::int64_t target) {
  std::int64_t lo = first, hi = last - 1;
  while (lo < hi) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    if (cumulative[mid] > target) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

// A firm of the ids [first, last) drawn ∝ weight with the 64-bit `draw`: `cumulative` is
// an inclusive running total of weights over firms from global id `base` on (the labour
// mirror's). −1 when the range has no firm or no weight.
ENTREPOT_HD std::int64_t draw_weighted(const std::int64_t* cumulative, std::int64_t base,
                                       std::int64_t first, std::int64_t last, std::uint64_t draw) {
  first -= base;
  last -= base;
  if (last <= first) return -1;
  const std::int64_t before = first > 0 ? cumulative[first - 1] : 0;
  const std::int64_t total = cumulative[last - 1] - before;
  if (total <= 0) return -1;
  const std::int64_t target =
      before + static_cast<std::int64_t>(draw % static_cast<std::uint64_t>(total));
  return first_above(cumulative, first, last, target) + base;
}

struct Tables {
  int regions = 0, sectors = 0, countries = 0, consumer_slots = 0;
  bool any_ban = false;
  thrust::device_vector<std::int32_t> region_country;
  thrust::device_vector<double> region_tfp;
  thrust::device_vector<std::int64_t> block_start, consumer_start;
  thrust::device_vector<std::int32_t> input_sector;
  thrust::device_vector<double> input_amount;
  thrust::device_vector<std::int32_t> consumer_sector;
  thrust::device_vector<double> consumer_share, markup, switching_cost;
  thrust::device_vector<double> iceberg, trade_factor, duty_rate;
  thrust::device_vector<std::uint64_t> origin_cdf;
  TablesView view() const;
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

struct Model {
  // `comm`: the ranks this economy is stepped over; none (or one rank) steps it whole here.
  Model(const Scenario& scenario, World& world, const Comm* comm = nullptr);

  const Scenario& scenario;
  World& world;
  Philox rng;
  FirmStore firms;
  ConsumerStore consumers;
  Tables tables;

  // Host copies of the static layout (small).
  std::vector<std::int64_t> block_start, consumer_start;
  std::vector<std::int32_t> consumer_sector;
  std::vector<double> iceberg;  // τ_s(o,d): origin × dest × sector, ≥ 1

  // Accounts of governments (per country) and owners (per region), money.
  std::vector<std::int64_t> government, owners;

  // Per-step accumulators and scratch in device memory.
  thrust::device_vector<std::int64_t> flows;                   // [((d·R + o)·S + s)·kFlows + f]
  std::vector<std::int64_t> host_flows, host_household_flows;  // summed over ranks
  thrust::device_vector<Offer> offers, spill_offers;  // the two trade rounds: owned, then ghosts
  thrust::device_vector<Quote> quotes;  // sellers as the search sees them: owned, then ghosts
  thrust::device_vector<std::int64_t> household_flows;  // [(r·slots + c)·2]: spent, delivered
  thrust::device_vector<std::int64_t> applicants;       // household ids
  thrust::device_vector<std::uint64_t> applicant_key;
  thrust::device_vector<std::int32_t> applicant_rank;

  // Buyers per thread of the trade's settling passes (0: one per buyer, no local table).
  // A speed setting only: every value gives the same bytes.
  std::size_t trade_chunk = kTradeChunk;

  // Regional conditions from the previous step, read by this step's rules.
  std::vector<double> unemployment_rate, mean_wage;  // mean_wage in money micro-units
  thrust::device_vector<double> unemployment_device;
  std::vector<double> base_unit_value;  // CPI base: region × household slot

  // The run over ranks: who owns what, and the ghost sellers of the current phase.
  const Comm* comm = nullptr;
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
  SellerIndex seller_index(const Ghosts& ghosts) const;
  // This rank's own sellers, no ghosts: tells remote ids apart.
  SellerIndex owned_index() const { return seller_index(Ghosts{}); }
  // Sums int64 totals over ranks in place (nothing to do on one rank).
  void sum_over_ranks(std::int64_t* values, std::size_t count) const;
  std::int64_t sum_over_ranks(std::int64_t value) const;
  template <int N>
  void sum_over_ranks(std::vector<Totals<N>>& rows) const {
    if (!rows.empty()) sum_over_ranks(&rows[0].v[0], rows.size() * N);
  }

  // Firm fields over [domain.labour_first, labour_end), for the labour market and incomes.
  thrust::device_vector<std::int64_t> labour_employees, labour_demand, labour_wage_paid,
      labour_exited, labour_vacancies;

  StepStatistics stats;
  std::int64_t initial_money = 0;

  // Runs the nine phases of one step (kernels/step.cpp); steps count from 1.
  void step(int step);
  // Firm state for a snapshot.
  FirmSnapshot snapshot(int step) const;

  // Rebuilds trade_factor and duty_rate after the tariff or ban tables changed.
  void refresh_trade_costs();
  std::int64_t total_money() const;
};

}  // namespace entrepot
