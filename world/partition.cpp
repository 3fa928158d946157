#include "world/partition.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace entrepot {
namespace {

// A cut in agent order: everything of regions before `region`, plus the first `firms`
// firms and `households` households of `region`.
struct Cut {
  int region = 0;
  std::int64_t firms = 0, households = 0;
};

int owner_of(const std::vector<RankShare>& ranks, std::int64_t id, bool firm) {
  int lo = 0, hi = static_cast<int>(ranks.size()) - 1;
  while (lo < hi) {  // the first rank whose range ends after id (empty ranks skipped)
    const int mid = lo + (hi - lo) / 2;
    const std::int64_t end = firm ? ranks[mid].firm_end : ranks[mid].household_end;
    if (end > id) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

}  // namespace

Markets retail_markets(const std::vector<std::int64_t>& households, std::int64_t size) {
  Markets m;
  if (size <= 0) return m;
  std::int64_t first = 0;
  for (std::size_t r = 0; r < households.size(); ++r) {
    const std::int64_t h = households[r], n = (h + size - 1) / size;
    for (std::int64_t i = 0; i < n; ++i) {
      m.start.push_back(first + i * h / n);
      m.region.push_back(static_cast<int>(r));
    }
    first += h;
  }
  m.start.push_back(first);
  return m;
}

std::int64_t Markets::of(std::int64_t id) const {
  return static_cast<std::int64_t>(std::upper_bound(start.begin(), start.end() - 1, id) -
                                   start.begin()) -
         1;
}

int Partition::firm_owner(std::int64_t id) const {
  return owner_of(ranks, id, true);
}

int Partition::household_owner(std::int64_t id) const {
  return owner_of(ranks, id, false);
}

int Partition::seller_owner(std::int64_t id) const {
  if (id < trader_seller_first || trader_total == 0) return firm_owner(id);
  const std::int64_t trader = id - trader_seller_first;
  for (std::size_t k = 0; k < ranks.size(); ++k) {
    if (trader >= ranks[k].trader_begin && trader < ranks[k].trader_end) return static_cast<int>(k);
  }
  throw std::logic_error("partition: seller id " + std::to_string(id) + " is no trader's");
}

void assign_traders(Partition& partition, const std::vector<std::int64_t>& trader_start,
                    std::int64_t seller_first) {
  const int nr = static_cast<int>(trader_start.size()) - 1;
  partition.trader_seller_first = seller_first;
  partition.trader_total = trader_start.back();
  for (RankShare& s : partition.ranks) s.trader_begin = s.trader_end = -1;
  for (int r = 0; r < nr; ++r) {
    RankShare& s = partition.ranks[static_cast<std::size_t>(partition.first_rank[r])];
    if (s.trader_begin < 0) s.trader_begin = trader_start[r];
    s.trader_end = trader_start[r + 1];
  }
  // A rank holding no region's first part owns no traders: an empty range where the next
  // rank's starts, so the ranges stay in rank order.
  std::int64_t next = partition.trader_total;
  for (auto k = partition.ranks.size(); k-- > 0;) {
    RankShare& s = partition.ranks[k];
    if (s.trader_begin < 0) s.trader_begin = s.trader_end = next;
    next = s.trader_begin;
  }
}

std::string Partition::describe() const {
  std::int64_t most = 0, least = -1;
  for (const RankShare& r : ranks) {
    most = std::max(most, r.agents());
    least = least < 0 ? r.agents() : std::min(least, r.agents());
  }
  char line[200];
  std::snprintf(line, sizeof line,
                "partition: %zu ranks, agents per rank %lld to %lld, imbalance (max/mean) %.3f, "
                "%d region(s) split",
                ranks.size(), static_cast<long long>(least < 0 ? 0 : least),
                static_cast<long long>(most), imbalance, split_regions);
  return line;
}

Partition partition_regions(const std::vector<std::int64_t>& firms,
                            const std::vector<std::int64_t>& households, int ranks,
                            double tolerance, std::int64_t markets_of_size) {
  if (ranks < 1) throw std::invalid_argument("partition: at least one rank is needed");
  if (firms.size() != households.size()) {
    throw std::invalid_argument("partition: firm and household counts differ in length");
  }
  const int nr = static_cast<int>(firms.size());
  std::vector<std::int64_t> before(nr + 1, 0);  // agents of the regions before r
  for (int r = 0; r < nr; ++r) {
    if (firms[r] < 0 || households[r] < 0) throw std::invalid_argument("partition: negative count");
    before[r + 1] = before[r] + firms[r] + households[r];
  }
  const std::int64_t total = before[nr];
  const double mean = static_cast<double>(total) / ranks;

  // Cut k (1 ≤ k < ranks) ideally falls after k·total/ranks agents.
  std::vector<Cut> cuts(ranks + 1);
  cuts[0] = Cut{0, 0, 0};
  cuts[ranks] = Cut{nr, 0, 0};
  for (int k = 1; k < ranks; ++k) {
    const std::int64_t ideal = static_cast<std::int64_t>((static_cast<__int128>(total) * k) /
                                                         ranks);  // exact, no rounding drift
    // The region that holds the ideal cut: before[r] ≤ ideal < before[r+1].
    int r =
        static_cast<int>(std::upper_bound(before.begin(), before.end(), ideal) - before.begin()) -
        1;
    r = std::clamp(r, 0, nr);
    Cut cut;
    if (r >= nr) {
      cut = Cut{nr, 0, 0};
    } else {
      const std::int64_t down = ideal - before[r], up = before[r + 1] - ideal;
      const double slack = tolerance * mean;
      if (static_cast<double>(down) <= slack && down <= up) {
        cut = Cut{r, 0, 0};
      } else if (static_cast<double>(up) <= slack) {
        cut = Cut{r + 1, 0, 0};
      } else {
        // Split region r: its first `inside` agents go before the cut, firms and
        // households in proportion.
        const std::int64_t size = firms[r] + households[r];
        const std::int64_t inside = ideal - before[r];
        const auto f = static_cast<std::int64_t>(static_cast<__int128>(firms[r]) * inside / size);
        std::int64_t h = inside - f;
        if (markets_of_size > 0 && households[r] > 0) {
          // The nearest boundary between two of the region's markets (retail_markets).
          const std::int64_t n = (households[r] + markets_of_size - 1) / markets_of_size;
          const std::int64_t i = (2 * h * n + households[r]) / (2 * households[r]);
          h = i * households[r] / n;
        }
        cut = Cut{r, f, h};
      }
    }
    // Cuts never go backwards (a rank may then be empty, never negative).
    const Cut& last = cuts[k - 1];
    if (cut.region < last.region ||
        (cut.region == last.region &&
         (cut.firms < last.firms || cut.households < last.households))) {
      cut = last;
    }
    cuts[k] = cut;
  }

  std::vector<std::int64_t> firm_start(nr + 1, 0), household_start(nr + 1, 0);
  for (int r = 0; r < nr; ++r) {
    firm_start[r + 1] = firm_start[r] + firms[r];
    household_start[r + 1] = household_start[r] + households[r];
  }
  auto firm_id = [&](const Cut& c) {
    return c.region >= nr ? firm_start[nr] : firm_start[c.region] + c.firms;
  };
  auto household_id = [&](const Cut& c) {
    return c.region >= nr ? household_start[nr] : household_start[c.region] + c.households;
  };

  Partition p;
  p.ranks.resize(ranks);
  std::int64_t most = 0;
  for (int k = 0; k < ranks; ++k) {
    RankShare& s = p.ranks[k];
    s.firm_begin = firm_id(cuts[k]);
    s.firm_end = firm_id(cuts[k + 1]);
    s.household_begin = household_id(cuts[k]);
    s.household_end = household_id(cuts[k + 1]);
    most = std::max(most, s.agents());
  }
  if (markets_of_size > 0) {
    const Markets markets = retail_markets(households, markets_of_size);
    // Cuts fall on market boundaries: the market starting at a rank's first household.
    const auto market_at = [&](std::int64_t id) {
      return id >= household_start[nr] ? markets.count() : markets.of(id);
    };
    for (RankShare& s : p.ranks) {
      s.market_begin = market_at(s.household_begin);
      s.market_end = std::max(s.market_begin, market_at(s.household_end));
    }
  }
  p.imbalance = total > 0 ? static_cast<double>(most) / mean : 1.0;

  // Which ranks hold each region's agents.
  p.first_rank.assign(nr, 0);
  p.last_rank.assign(nr, 0);
  for (int r = 0; r < nr; ++r) {
    int first = -1, last = -1;
    for (int k = 0; k < ranks; ++k) {
      const RankShare& s = p.ranks[k];
      const bool holds =
          std::max(s.firm_begin, firm_start[r]) < std::min(s.firm_end, firm_start[r + 1]) ||
          std::max(s.household_begin, household_start[r]) <
              std::min(s.household_end, household_start[r + 1]);
      if (!holds) continue;
      if (first < 0) first = k;
      last = k;
    }
    p.first_rank[r] = first < 0 ? 0 : first;
    p.last_rank[r] = last < 0 ? 0 : last;
    if (last > first) ++p.split_regions;
  }
  return p;
}

}  // namespace entrepot
