// Call auctions (agents/auction.h, kernels/auction.cpp): hand-worked books, then random
// books against a brute-force clearing that tries every price and fills level by level,
// the same fills whatever order the orders come in and on one thread or two, and bad
// orders refused.
#include "kernels/auction.h"

#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <stdexcept>
#include <vector>

#include "tests/device_required.h"

namespace entrepot {
namespace {

AuctionOrder bid(std::int64_t price, std::int64_t quantity, std::int64_t id, int book = 0) {
  return AuctionOrder{price, quantity, id, book, kBid};
}
AuctionOrder ask(std::int64_t price, std::int64_t quantity, std::int64_t id, int book = 0) {
  return AuctionOrder{price, quantity, id, book, kAsk};
}

struct Cleared {
  std::vector<AuctionClearing> books;
  std::vector<std::int64_t> fills;
};

Cleared clear(const std::vector<AuctionOrder>& orders, const std::vector<std::int64_t>& reference) {
  const thrust::device_vector<AuctionOrder> on_device(orders.begin(), orders.end());
  thrust::device_vector<std::int64_t> fills;
  Cleared c;
  c.books = clear_auctions(on_device, reference, fills);
  c.fills.assign(fills.size(), 0);
  thrust::copy(fills.begin(), fills.end(), c.fills.begin());
  return c;
}

// The clearing worked out the long way: every distinct price of the book tried, the best
// by volume, surplus, distance to the reference and price; then each side filled level by
// level from its best price, the last level pro rata with what rounding leaves going one
// unit each to its orders by id (equal ids in input order).
Cleared brute_force(const std::vector<AuctionOrder>& orders,
                    const std::vector<std::int64_t>& reference) {
  Cleared c;
  c.fills.assign(orders.size(), 0);
  for (std::size_t b = 0; b < reference.size(); ++b) {
    std::vector<std::size_t> mine;
    for (std::size_t i = 0; i < orders.size(); ++i) {
      if (orders[i].book == static_cast<std::int32_t>(b)) mine.push_back(i);
    }
    AuctionClearing best{reference[b], 0};
    std::int64_t best_surplus = 0, best_distance = 0;
    bool any = false;
    for (std::size_t k : mine) {
      const std::int64_t p = orders[k].price;
      std::int64_t demand = 0, supply = 0;
      for (std::size_t i : mine) {
        if (orders[i].side == kBid && orders[i].price >= p) demand += orders[i].quantity;
        if (orders[i].side == kAsk && orders[i].price <= p) supply += orders[i].quantity;
      }
      const std::int64_t volume = std::min(demand, supply);
      const std::int64_t surplus = demand > supply ? demand - supply : supply - demand;
      const std::int64_t distance = p > reference[b] ? p - reference[b] : reference[b] - p;
      const bool better =
          !any || volume > best.volume ||
          (volume == best.volume &&
           (surplus < best_surplus ||
            (surplus == best_surplus &&
             (distance < best_distance || (distance == best_distance && p < best.price)))));
      if (better) {
        best = AuctionClearing{p, volume};
        best_surplus = surplus;
        best_distance = distance;
        any = true;
      }
    }
    if (best.volume == 0) best = AuctionClearing{reference[b], 0};
    c.books.push_back(best);
    for (const std::int8_t side : {kBid, kAsk}) {
      std::vector<std::size_t> own;
      for (std::size_t i : mine) {
        if (orders[i].side == side) own.push_back(i);
      }
      // Best price first; within a price by id, then input order.
      std::stable_sort(own.begin(), own.end(), [&](std::size_t x, std::size_t y) {
        if (orders[x].price != orders[y].price) {
          return side == kBid ? orders[x].price > orders[y].price
                              : orders[x].price < orders[y].price;
        }
        return orders[x].id < orders[y].id;
      });
      std::int64_t left = best.volume;
      for (std::size_t a = 0; a < own.size();) {
        std::size_t z = a;
        std::int64_t level = 0;
        while (z < own.size() && orders[own[z]].price == orders[own[a]].price) {
          level += orders[own[z]].quantity;
          ++z;
        }
        if (left >= level) {
          for (std::size_t k = a; k < z; ++k) c.fills[own[k]] = orders[own[k]].quantity;
          left -= level;
        } else if (left > 0) {
          std::int64_t given = 0;
          for (std::size_t k = a; k < z; ++k) {
            c.fills[own[k]] = static_cast<std::int64_t>(
                static_cast<__int128>(orders[own[k]].quantity) * left / level);
            given += c.fills[own[k]];
          }
          for (std::size_t k = a; k < z && given < left; ++k, ++given) ++c.fills[own[k]];
          left = 0;
        }
        a = z;
      }
    }
  }
  return c;
}

void expect_same(const Cleared& got, const Cleared& want, const char* what) {
  ASSERT_EQ(got.books.size(), want.books.size()) << what;
  for (std::size_t b = 0; b < want.books.size(); ++b) {
    EXPECT_EQ(got.books[b].price, want.books[b].price) << what << ": book " << b;
    EXPECT_EQ(got.books[b].volume, want.books[b].volume) << what << ": book " << b;
  }
  EXPECT_EQ(got.fills, want.fills) << what;
}

// A random set of books: prices on a coarse grid (so levels hold several orders), some
// market orders, quantities from one unit to 10¹², ids that sometimes repeat.
std::vector<AuctionOrder> random_books(std::mt19937_64& gen, int books) {
  std::vector<AuctionOrder> orders;
  std::uniform_int_distribution<int> count(0, 40), grid(90, 110), side(0, 1), id(0, 60);
  std::uniform_int_distribution<std::int64_t> small(1, 50), large(1, 1'000'000'000'000);
  for (int b = 0; b < books; ++b) {
    const int n = count(gen);
    const bool huge = gen() % 4 == 0;
    for (int k = 0; k < n; ++k) {
      AuctionOrder o;
      o.book = b;
      o.side = static_cast<std::int8_t>(side(gen));
      o.price = 1000 * grid(gen);
      if (gen() % 20 == 0) o.price = o.side == kBid ? std::numeric_limits<std::int64_t>::max() : 0;
      o.quantity = huge ? large(gen) : small(gen);
      o.id = id(gen);
      orders.push_back(o);
    }
  }
  std::shuffle(orders.begin(), orders.end(), gen);
  return orders;
}

TEST(AuctionTest, ClearsWhereMostTradesAndFillsByPricePriority) {
  ENTREPOT_REQUIRE_DEVICE();
  // Demand and supply: at 98 and 99, 15 and 8 (8 trade); at 100, 10 and 18 (10 trade).
  const Cleared c = clear({bid(100, 10, 1), bid(99, 5, 2), ask(98, 8, 3), ask(100, 10, 4)}, {0});
  EXPECT_EQ(c.books[0].price, 100);
  EXPECT_EQ(c.books[0].volume, 10);
  // The bid at 99 is below the price; the cheaper ask fills first, the other takes the rest.
  EXPECT_EQ(c.fills, (std::vector<std::int64_t>{10, 0, 8, 2}));
}

TEST(AuctionTest, TheLastLevelSharesProRataAndTheRemainderGoesByIdOrder) {
  ENTREPOT_REQUIRE_DEVICE();
  // Two units for three bids of one unit at one price: ids 3 and 5 get them, not 9.
  const Cleared c = clear({bid(100, 1, 5), bid(100, 1, 9), bid(100, 1, 3), ask(100, 2, 7)}, {0});
  EXPECT_EQ(c.books[0].volume, 2);
  EXPECT_EQ(c.fills, (std::vector<std::int64_t>{1, 0, 1, 2}));
  // Pro rata: 60 asked of 30 and 90 at one price gets 15 and 45.
  const Cleared d = clear({ask(50, 30, 1), ask(50, 90, 2), bid(60, 60, 3)}, {55});
  EXPECT_EQ(d.books[0].price, 50);  // 50 and 60 clear alike, equally near 55
  EXPECT_EQ(d.fills, (std::vector<std::int64_t>{15, 45, 60}));
}

TEST(AuctionTest, ABookWhereNothingCrossesTradesNothingAndKeepsItsReferencePrice) {
  ENTREPOT_REQUIRE_DEVICE();
  const Cleared c = clear({bid(90, 10, 1), ask(95, 10, 2), bid(200, 3, 3, 1)}, {93, 150, 7});
  EXPECT_EQ(c.books[0].price, 93);
  EXPECT_EQ(c.books[0].volume, 0);
  EXPECT_EQ(c.books[1].price, 150);  // bids only
  EXPECT_EQ(c.books[2].price, 7);    // no orders
  EXPECT_EQ(c.fills, (std::vector<std::int64_t>{0, 0, 0}));
}

TEST(AuctionTest, AmongEqualVolumesAndSurplusesThePriceNearestTheReferenceWins) {
  ENTREPOT_REQUIRE_DEVICE();
  // 10 trade at 95 and at 105 with no surplus.
  const std::vector<AuctionOrder> book{bid(105, 10, 1), ask(95, 10, 2)};
  EXPECT_EQ(clear(book, {104}).books[0].price, 105);
  EXPECT_EQ(clear(book, {96}).books[0].price, 95);
  EXPECT_EQ(clear(book, {100}).books[0].price, 95);  // equally near: the lower
  // Less surplus before nearness: at 100, 10 trade with nothing left; at 95, 5 bids are left.
  const Cleared c = clear({bid(105, 10, 1), bid(95, 5, 2), ask(95, 10, 3), ask(100, 0, 4)}, {95});
  EXPECT_EQ(c.books[0].price, 100);
}

TEST(AuctionTest, RandomBooksClearAsTheBruteForceClearingDoes) {
  ENTREPOT_REQUIRE_DEVICE();
  std::mt19937_64 gen(20200101);
  for (int trial = 0; trial < 300; ++trial) {
    const int books = 1 + static_cast<int>(gen() % 4);
    const std::vector<AuctionOrder> orders = random_books(gen, books);
    std::vector<std::int64_t> reference(books);
    for (auto& r : reference) r = 1000 * (90 + static_cast<std::int64_t>(gen() % 21));
    const Cleared got = clear(orders, reference);
    expect_same(got, brute_force(orders, reference), "random books");
    // Every book's buyers take what its sellers give, no order beyond its quantity or limit.
    std::vector<std::int64_t> bought(books, 0), sold(books, 0);
    for (std::size_t i = 0; i < orders.size(); ++i) {
      const AuctionOrder& o = orders[i];
      ASSERT_GE(got.fills[i], 0);
      ASSERT_LE(got.fills[i], o.quantity);
      if (got.fills[i] > 0) {
        const std::int64_t price = got.books[o.book].price;
        EXPECT_TRUE(o.side == kBid ? o.price >= price : o.price <= price) << "order " << i;
      }
      (o.side == kBid ? bought : sold)[o.book] += got.fills[i];
    }
    for (int b = 0; b < books; ++b) {
      EXPECT_EQ(bought[b], got.books[b].volume);
      EXPECT_EQ(sold[b], got.books[b].volume);
    }
    if (HasFailure()) {
      ADD_FAILURE() << "trial " << trial;
      return;
    }
  }
}

TEST(AuctionTest, TheFillsDoNotDependOnTheOrderOfTheOrdersNorOnTheThreads) {
  ENTREPOT_REQUIRE_DEVICE();
  std::mt19937_64 gen(7);
  std::vector<AuctionOrder> orders;
  for (int b = 0; b < 3; ++b) {
    const std::vector<AuctionOrder> more = random_books(gen, 1);
    for (int copy = 0; copy < 2000; ++copy) {
      for (AuctionOrder o : more) {
        o.book = b;
        o.id = static_cast<std::int64_t>(orders.size());  // unique
        // Limits spread around the grid; market orders stay market orders.
        if (o.price > 0 && o.price < std::numeric_limits<std::int64_t>::max()) {
          o.price += 1000 * static_cast<std::int64_t>(gen() % 5) - 2000;
        }
        orders.push_back(o);
      }
    }
  }
  const std::vector<std::int64_t> reference{100000, 95000, 105000};
  const int saved = omp_get_max_threads();
  omp_set_num_threads(1);
  const Cleared one = clear(orders, reference);
  omp_set_num_threads(2);
  const Cleared two = clear(orders, reference);
  omp_set_num_threads(saved);
  expect_same(two, one, "two threads against one");

  std::vector<std::size_t> order(orders.size());
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), gen);
  std::vector<AuctionOrder> shuffled(orders.size());
  for (std::size_t k = 0; k < order.size(); ++k) shuffled[k] = orders[order[k]];
  const Cleared again = clear(shuffled, reference);
  std::vector<std::int64_t> back(orders.size());
  for (std::size_t k = 0; k < order.size(); ++k) back[order[k]] = again.fills[k];
  expect_same(Cleared{again.books, back}, one, "shuffled orders");
  std::int64_t volume = 0;
  for (const AuctionClearing& c : one.books) volume += c.volume;
  EXPECT_GT(volume, 0);
}

TEST(AuctionTest, BadOrdersAreRefusedAndNothingIsWritten) {
  ENTREPOT_REQUIRE_DEVICE();
  for (const AuctionOrder& bad :
       {bid(-1, 5, 1), ask(10, -5, 1), bid(10, 5, 1, 2), bid(10, 5, 1, -1)}) {
    const std::vector<AuctionOrder> book{ask(9, 5, 2), bad};
    const thrust::device_vector<AuctionOrder> orders(book.begin(), book.end());
    thrust::device_vector<std::int64_t> fills(3, 42);
    EXPECT_THROW(clear_auctions(orders, {0, 0}, fills), std::invalid_argument);
    EXPECT_EQ(fills.size(), 3u);
    EXPECT_EQ(fills[0], 42);
  }
  // Quantities whose sum would overflow the int64 totals.
  const std::vector<AuctionOrder> huge{bid(10, std::numeric_limits<std::int64_t>::max(), 1),
                                       ask(9, 5, 2)};
  const thrust::device_vector<AuctionOrder> orders(huge.begin(), huge.end());
  thrust::device_vector<std::int64_t> fills(2, 42);
  EXPECT_THROW(clear_auctions(orders, {0}, fills), std::invalid_argument);
  EXPECT_EQ(fills[1], 42);
  // One just below the limit clears.
  const std::vector<AuctionOrder> most{bid(10, std::numeric_limits<std::int64_t>::max() - 5, 1),
                                       ask(9, 4, 2)};
  EXPECT_EQ(clear(most, {0}).books[0].volume, 4);
}

}  // namespace
}  // namespace entrepot
