// The call auction that clears an exchange venue's book once a step: orders to buy (bids)
// and to sell (asks), each a limit price and a quantity, cleared at one price that
// maximises the quantity traded (kernels/auction.cpp runs it over many books at once).
// Prices and quantities are int64 fixed point, so the clearing price and every fill are
// exact and the same on any number of threads. Equations in docs/model.md §4.15.
#pragma once

#include <cstdint>

#include "base/backend.h"

namespace entrepot {

// A side of a venue's book.
enum AuctionSide : std::int8_t { kBid = 0, kAsk = 1 };

// One order in a call auction: in book `book`, to buy (kBid) or sell (kAsk) `quantity`
// at `price` or better. A market order is a bid at the largest price or an ask at 0. `id`
// breaks ties (the member's id); orders with equal ids keep the order they came in.
struct AuctionOrder {
  std::int64_t price = 0;
  std::int64_t quantity = 0;
  std::int64_t id = 0;
  std::int32_t book = 0;
  std::int8_t side = kBid;
};

// What a book clears at: a price and the quantity traded there. A book where no bid meets an
// ask trades nothing and keeps its reference price.
struct AuctionClearing {
  std::int64_t price = 0;
  std::int64_t volume = 0;
};

// A candidate clearing price with what the book does there: `demand`, the bids at that price
// or above, and `supply`, the asks at that price or below; `distance` from the book's
// reference price (the last clearing price).
struct AuctionLevel {
  std::int64_t price = 0;
  std::int64_t volume = 0;   // min(demand, supply): what trades at this price
  std::int64_t surplus = 0;  // |demand − supply|: what is left unmatched
  std::int64_t distance = 0;
};

ENTREPOT_HD AuctionLevel auction_level(std::int64_t price, std::int64_t demand, std::int64_t supply,
                                       std::int64_t reference) {
  const std::int64_t gap = price > reference ? price - reference : reference - price;
  return AuctionLevel{price, demand < supply ? demand : supply,
                      demand > supply ? demand - supply : supply - demand, gap};
}

// Whether price level `a` clears a book better than `b`, by the opening-auction rules of
// the large exchanges (Euronext, Xetra): the most volume; then the least surplus; then the
// price nearest the reference; then the lower price. A total order on the levels of one
// book (their prices differ), so the best of them is the same whatever order they are
// compared in.
ENTREPOT_HD bool clears_better(const AuctionLevel& a, const AuctionLevel& b) {
  if (a.volume != b.volume) return a.volume > b.volume;
  if (a.surplus != b.surplus) return a.surplus < b.surplus;
  if (a.distance != b.distance) return a.distance < b.distance;
  return a.price < b.price;
}

// An order's fill by price priority, then pro rata (Madhavan 1992: a call market clears
// all orders at one price): `ahead` of the order's side trades at strictly better prices
// (higher bids, lower asks), `level` is all of its side at its own price, `volume` what the
// book trades. Orders ahead fill first; the price level where the volume runs out shares
// what is left in proportion to quantity, rounded down; orders behind it get nothing.
// Returns the rounded-down share; the units the rounding leaves go one each to the level's
// orders in id order (auction_remainder).
ENTREPOT_HD std::int64_t auction_fill(std::int64_t quantity, std::int64_t ahead, std::int64_t level,
                                      std::int64_t volume) {
  const std::int64_t left = volume - ahead;
  if (left <= 0 || level <= 0) return 0;
  if (left >= level) return quantity;
  return static_cast<std::int64_t>(static_cast<__int128>(quantity) * left / level);
}

// The units a price level's rounding left, `volume − ahead − Σ fills` (fewer than the
// level's orders): one more to each of the first of its orders by id.
ENTREPOT_HD std::int64_t auction_remainder(std::int64_t rank, std::int64_t ahead,
                                           std::int64_t level, std::int64_t volume,
                                           std::int64_t filled) {
  const std::int64_t left = volume - ahead;
  if (left <= 0 || left >= level) return 0;
  return rank < left - filled ? 1 : 0;
}

}  // namespace entrepot
