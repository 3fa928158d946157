// The partition of one run over MPI ranks (DESIGN §5). Agents are stored sorted by region,
// so each rank owns one contiguous range of firm ids and one of household ids: whole
// regions where that balances the load, and a region larger than a fair share split by id
// range between neighbouring ranks. Depends on the agent counts per region only, so every
// rank computes the same partition without communicating.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace entrepot {

struct RankShare {
  std::int64_t firm_begin = 0, firm_end = 0;            // firm ids [begin, end)
  std::int64_t household_begin = 0, household_end = 0;  // household ids [begin, end)
  std::int64_t market_begin = 0, market_end = 0;        // retail markets [begin, end)
  std::int64_t trader_begin = 0, trader_end = 0;        // traders [begin, end) (assign_traders)
  std::int64_t agents() const {
    return (firm_end - firm_begin) + (household_end - household_begin);
  }
};

struct Partition {
  std::vector<RankShare> ranks;
  // Which ranks hold agents of each region: [first_rank[r], last_rank[r]].
  std::vector<int> first_rank, last_rank;
  double imbalance = 1.0;  // most agents on a rank / mean agents per rank
  int split_regions = 0;   // regions held by more than one rank
  // Traders' seller ids are [trader_seller_first, trader_seller_first + trader_total).
  std::int64_t trader_seller_first = 0, trader_total = 0;

  // The rank that owns firm `id` (binary search over the ranges).
  int firm_owner(std::int64_t id) const;
  int household_owner(std::int64_t id) const;
  // The rank that owns seller `id`: a firm's, or a trader's (sellers other ranks may buy
  // from; retailers sell only to their own market's households).
  int seller_owner(std::int64_t id) const;
  // One line for the start-up report.
  std::string describe() const;
};

// Retail markets: each region's households in ⌈H/size⌉ runs of neighbouring ids, as even as
// whole households allow. `start` holds each market's first household id and, last, the
// number of households; `region` each market's region. No markets when `size` is 0.
struct Markets {
  std::vector<std::int64_t> start;
  std::vector<int> region;
  std::int64_t count() const { return static_cast<std::int64_t>(region.size()); }
  // The market holding household `id` (binary search).
  std::int64_t of(std::int64_t id) const;
};
Markets retail_markets(const std::vector<std::int64_t>& households, std::int64_t size);

// `firms[r]` and `households[r]` are the agent counts of region r (ids follow region
// order). With retail markets (`markets_of_size` households each, 0: none) a cut through a
// region's households falls between two of its markets, so that a market's households and
// its retailers are owned by one rank. A cut between ranks moves to the nearest region boundary
// when that keeps both sides within `tolerance` (a share of the mean load) of an even split;
// otherwise it splits the region, dividing its firms and households in the same proportion.
Partition partition_regions(const std::vector<std::int64_t>& firms,
                            const std::vector<std::int64_t>& households, int ranks,
                            double tolerance = 0.05, std::int64_t markets_of_size = 0);

// Traders (region by region, `trader_start[r]` the first of region r's and, last, their
// number) go to the first rank holding agents of their region: region order is rank order,
// so each rank owns one contiguous range of traders. Their seller ids start at `seller_first`.
void assign_traders(Partition& partition, const std::vector<std::int64_t>& trader_start,
                    std::int64_t seller_first);

}  // namespace entrepot
