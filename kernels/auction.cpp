// Call auctions as sorts and scans: the orders sorted by (book, side, price, id), each side's
// quantities summed along the price in a running total, every order's price a candidate
// clearing price whose demand and supply two binary searches read, the best candidate per
// book by reduce_by_key, and the fills by price priority and pro rata (agents/auction.h).
#include "kernels/auction.h"

#include <thrust/binary_search.h>
#include <thrust/copy.h>
#include <thrust/count.h>
#include <thrust/for_each.h>
#include <thrust/gather.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/transform_iterator.h>
#include <thrust/reduce.h>
#include <thrust/scan.h>
#include <thrust/sequence.h>
#include <thrust/sort.h>
#include <thrust/transform.h>
#include <thrust/transform_reduce.h>

#include <stdexcept>
#include <string>

#include "kernels/host_copy.h"

namespace entrepot {
namespace {

// The run of book b's side in the sorted orders: a side's orders, by price then id.
ENTREPOT_HD std::int64_t run_of(std::int32_t book, std::int8_t side) {
  return 2 * static_cast<std::int64_t>(book) + side;
}

struct OrderBefore {
  const AuctionOrder* o;
  ENTREPOT_HD bool operator()(std::int64_t a, std::int64_t b) const {
    const AuctionOrder &x = o[a], &y = o[b];
    if (x.book != y.book) return x.book < y.book;
    if (x.side != y.side) return x.side < y.side;
    if (x.price != y.price) return x.price < y.price;
    return x.id < y.id;
  }
};

struct Invalid {
  std::int64_t books;
  ENTREPOT_HD bool operator()(const AuctionOrder& o) const {
    return o.price < 0 || o.quantity < 0 || o.book < 0 || o.book >= books ||
           (o.side != kBid && o.side != kAsk);
  }
};

struct Quantity {
  ENTREPOT_HD std::int64_t operator()(const AuctionOrder& o) const { return o.quantity; }
};

// Quantities (each ≥ 0) summed without overflow: at 2⁶³ − 1 the sum stays there. Saturating
// addition of non-negative numbers is associative, so any grouping gives the same result.
struct SaturatingSum {
  ENTREPOT_HD std::int64_t operator()(std::int64_t a, std::int64_t b) const {
    constexpr std::int64_t kMost = 0x7fffffffffffffff;
    return a > kMost - b ? kMost : a + b;
  }
};

struct RunKey {
  ENTREPOT_HD std::int64_t operator()(const AuctionOrder& o) const {
    return run_of(o.book, o.side);
  }
};

struct SameBook {
  ENTREPOT_HD bool operator()(const AuctionOrder& a, const AuctionOrder& b) const {
    return a.book == b.book;
  }
};

struct SameLevel {
  ENTREPOT_HD bool operator()(const AuctionOrder& a, const AuctionOrder& b) const {
    return a.book == b.book && a.side == b.side && a.price == b.price;
  }
};

// The sorted orders with each side's running total of quantity, and where each run starts:
// what a book's demand and supply at any price are read from.
struct SortedBook {
  const AuctionOrder* order;
  const std::int64_t* total;  // running total of quantity within the order's run
  const std::int64_t* start;  // first order of run r, for r in [0, 2·books]

  // The first order of run r priced at or above p (above p with `above`).
  ENTREPOT_HD std::int64_t first_priced(std::int64_t r, std::int64_t p, bool above) const {
    std::int64_t lo = start[r], hi = start[r + 1];
    while (lo < hi) {
      const std::int64_t mid = lo + (hi - lo) / 2;
      const bool before = above ? order[mid].price <= p : order[mid].price < p;
      if (before) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
  // The quantity of run r's orders before position i.
  ENTREPOT_HD std::int64_t before(std::int64_t r, std::int64_t i) const {
    return i > start[r] ? total[i - 1] : 0;
  }
  ENTREPOT_HD std::int64_t run_total(std::int64_t r) const { return before(r, start[r + 1]); }
};

// Each order's price as a candidate for its book's clearing price.
struct Candidate {
  SortedBook s;
  const std::int64_t* reference;
  ENTREPOT_HD AuctionLevel operator()(std::int64_t i) const {
    const AuctionOrder& o = s.order[i];
    const std::int64_t bids = run_of(o.book, kBid), asks = run_of(o.book, kAsk);
    const std::int64_t demand =
        s.run_total(bids) - s.before(bids, s.first_priced(bids, o.price, false));
    const std::int64_t supply = s.before(asks, s.first_priced(asks, o.price, true));
    return auction_level(o.price, demand, supply, reference[o.book]);
  }
};

struct Best {
  ENTREPOT_HD AuctionLevel operator()(const AuctionLevel& a, const AuctionLevel& b) const {
    return clears_better(a, b) ? a : b;
  }
};

// Where an order stands at its book's clearing: the quantity ahead of it on its side, its
// price level's, its rank by id within that level and the level's last sorted order.
struct Standing {
  std::int64_t ahead, level, rank, last;
};

ENTREPOT_HD Standing standing_of(const SortedBook& s, std::int64_t i) {
  const AuctionOrder& o = s.order[i];
  const std::int64_t r = run_of(o.book, o.side);
  const std::int64_t lo = s.first_priced(r, o.price, false);
  const std::int64_t hi = s.first_priced(r, o.price, true);
  const std::int64_t below = s.before(r, lo), through = s.before(r, hi);
  // Bids ahead are priced higher, asks ahead lower.
  const std::int64_t ahead = o.side == kBid ? s.run_total(r) - through : below;
  return Standing{ahead, through - below, i - lo, hi - 1};
}

struct StandingOf {
  SortedBook s;
  ENTREPOT_HD Standing operator()(std::int64_t i) const { return standing_of(s, i); }
};

// The rounded-down fill of each sorted order.
struct BaseFill {
  const AuctionOrder* order;
  const Standing* at;
  const std::int64_t* volume;  // per book
  ENTREPOT_HD std::int64_t operator()(std::int64_t i) const {
    return auction_fill(order[i].quantity, at[i].ahead, at[i].level, volume[order[i].book]);
  }
};

// Each sorted order's fill with its share of its level's remainder, scattered to the
// order's place in the input.
struct FinalFill {
  const AuctionOrder* order;
  const Standing* at;
  const std::int64_t* volume;
  const std::int64_t* base;
  const std::int64_t* level_filled;  // running total of base within a price level
  const std::int64_t* place;         // input position of sorted order i
  std::int64_t* fills;
  ENTREPOT_HD void operator()(std::int64_t i) const {
    const Standing& a = at[i];
    fills[place[i]] = base[i] + auction_remainder(a.rank, a.ahead, a.level, volume[order[i].book],
                                                  level_filled[a.last]);
  }
};

}  // namespace

std::vector<AuctionClearing> clear_auctions(const thrust::device_vector<AuctionOrder>& orders,
                                            const std::vector<std::int64_t>& reference,
                                            thrust::device_vector<std::int64_t>& fills) {
  const auto books = static_cast<std::int64_t>(reference.size());
  const auto n = static_cast<std::int64_t>(orders.size());
  const auto bad = thrust::count_if(orders.begin(), orders.end(), Invalid{books});
  if (bad > 0) {
    throw std::invalid_argument(std::to_string(bad) +
                                " auction order(s) with a negative price or quantity, or a book "
                                "outside 0.." +
                                std::to_string(books - 1) + " (prices and quantities must be ≥ 0)");
  }
  const std::int64_t quantity = thrust::transform_reduce(orders.begin(), orders.end(), Quantity{},
                                                         std::int64_t{0}, SaturatingSum{});
  if (quantity == SaturatingSum{}(quantity, 1)) {
    throw std::invalid_argument(
        "the auction orders' quantities sum to 2^63 - 1 or more, beyond the int64 totals the "
        "clearing keeps; allowed: quantities that sum below 2^63 - 1 (9.2e18)");
  }
  std::vector<AuctionClearing> clearing(reference.size());
  for (std::size_t b = 0; b < reference.size(); ++b) clearing[b] = AuctionClearing{reference[b], 0};
  fills.assign(orders.size(), 0);
  if (n == 0) return clearing;

  // Sorted by (book, side, price, id); a stable sort keeps equal ids in input order.
  thrust::device_vector<std::int64_t> place(orders.size());
  thrust::sequence(place.begin(), place.end());
  thrust::stable_sort(place.begin(), place.end(),
                      OrderBefore{thrust::raw_pointer_cast(orders.data())});
  thrust::device_vector<AuctionOrder> sorted(orders.size());
  thrust::gather(place.begin(), place.end(), orders.begin(), sorted.begin());
  thrust::device_vector<std::int64_t> run(orders.size()), total(orders.size());
  thrust::transform(sorted.begin(), sorted.end(), run.begin(), RunKey{});
  thrust::inclusive_scan_by_key(run.begin(), run.end(),
                                thrust::make_transform_iterator(sorted.begin(), Quantity{}),
                                total.begin());
  thrust::device_vector<std::int64_t> start(static_cast<std::size_t>(2 * books + 1));
  thrust::lower_bound(run.begin(), run.end(), thrust::counting_iterator<std::int64_t>(0),
                      thrust::counting_iterator<std::int64_t>(2 * books + 1), start.begin());
  const SortedBook s{thrust::raw_pointer_cast(sorted.data()),
                     thrust::raw_pointer_cast(total.data()),
                     thrust::raw_pointer_cast(start.data())};

  // The best candidate of each book that has orders.
  const thrust::device_vector<std::int64_t> ref(reference.begin(), reference.end());
  // One best level per book with orders (they are sorted by book).
  thrust::device_vector<AuctionOrder> book_of(reference.size());
  thrust::device_vector<AuctionLevel> best(reference.size());
  auto first = thrust::counting_iterator<std::int64_t>(0);
  auto levels =
      thrust::make_transform_iterator(first, Candidate{s, thrust::raw_pointer_cast(ref.data())});
  const auto ends = thrust::reduce_by_key(sorted.begin(), sorted.end(), levels, book_of.begin(),
                                          best.begin(), SameBook{}, Best{});
  const auto used = static_cast<std::size_t>(ends.first - book_of.begin());
  std::vector<AuctionOrder> host_books(used);
  std::vector<AuctionLevel> host_best(used);
  thrust::copy(book_of.begin(), book_of.begin() + used, host_books.begin());
  thrust::copy(best.begin(), best.begin() + used, host_best.begin());
  for (std::size_t k = 0; k < used; ++k) {
    // A book where nothing crosses trades nothing and keeps its reference price.
    if (host_best[k].volume > 0) {
      clearing[host_books[k].book] = AuctionClearing{host_best[k].price, host_best[k].volume};
    }
  }

  std::vector<std::int64_t> host_volume(reference.size());
  for (std::size_t b = 0; b < reference.size(); ++b) host_volume[b] = clearing[b].volume;
  const thrust::device_vector<std::int64_t> volume(host_volume.begin(), host_volume.end());
  // Where each order stands, found once for both fill passes.
  thrust::device_vector<Standing> at(orders.size());
  thrust::transform(first, first + n, at.begin(), StandingOf{s});
  const Standing* stands = thrust::raw_pointer_cast(at.data());
  thrust::device_vector<std::int64_t> base(orders.size()), level_filled(orders.size());
  thrust::transform(first, first + n, base.begin(),
                    BaseFill{s.order, stands, thrust::raw_pointer_cast(volume.data())});
  thrust::inclusive_scan_by_key(sorted.begin(), sorted.end(), base.begin(), level_filled.begin(),
                                SameLevel{});
  thrust::for_each(
      first, first + n,
      FinalFill{s.order, stands, thrust::raw_pointer_cast(volume.data()),
                thrust::raw_pointer_cast(base.data()),
                thrust::raw_pointer_cast(level_filled.data()),
                thrust::raw_pointer_cast(place.data()), thrust::raw_pointer_cast(fills.data())});
  return clearing;
}

thrust::device_vector<AuctionOrder> orders_of_all_ranks(
    const Ranks& ranks, const thrust::device_vector<AuctionOrder>& mine, std::size_t& my_first) {
  constexpr int kOrderWords = 5;  // an order on the wire: price, quantity, id, book, side
  my_first = 0;
  if (!ranks.distributed()) return mine;
  const std::vector<AuctionOrder> host = to_host(mine);
  std::vector<std::int64_t> words;
  words.reserve(host.size() * kOrderWords);
  for (const AuctionOrder& o : host) {
    words.insert(words.end(), {o.price, o.quantity, o.id, o.book, o.side});
  }
  const std::vector<std::vector<std::int64_t>> all = ranks.gather_over_ranks(words);
  std::vector<AuctionOrder> orders;
  for (std::size_t r = 0; r < all.size(); ++r) {
    if (static_cast<int>(r) == ranks.rank()) my_first = orders.size();
    for (std::size_t i = 0; i + kOrderWords <= all[r].size(); i += kOrderWords) {
      const std::int64_t* w = &all[r][i];
      orders.push_back(AuctionOrder{w[0], w[1], w[2], static_cast<std::int32_t>(w[3]),
                                    static_cast<std::int8_t>(w[4])});
    }
  }
  return thrust::device_vector<AuctionOrder>(orders.begin(), orders.end());
}

}  // namespace entrepot
