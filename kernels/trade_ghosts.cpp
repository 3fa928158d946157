// Trade over several ranks. A rank's buyers order from ghost sellers as from its own. Three
// lists of other ranks' sellers carry the exchange, each with only what it needs:
// - the sellers the rank's links name: their opening offer (price, stock, region), the
//   orders summed here to the owner and the total back, and round one's sales;
// - the sellers that slots left short will try: their round-one totals, which decide
//   the second seller;
// - the sellers given round-two orders: those orders to the owner, round two's stock and
//   total orders back, and round two's sales.
// Every sum is int64 at the owner, so the fills, and so the bytes, are those of one rank.
#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/transform.h>

#include <utility>

#include "kernels/ghosts.h"
#include "kernels/phases.h"
#include "kernels/trade.h"

namespace entrepot {
namespace {

struct PackOpening {
  const Offer* offers;
  ENTREPOT_HD void operator()(std::size_t j, std::int64_t* w) const {
    w[0] = word_of(offers[j].price);
    w[1] = offers[j].stock;
    w[2] = offers[j].origin;
  }
};

struct PackOrders {
  const Offer* offers;
  ENTREPOT_HD void operator()(std::size_t j, std::int64_t* w) const { w[0] = offers[j].orders; }
};

struct PackRoundOne {
  const Offer* offers;
  ENTREPOT_HD void operator()(std::size_t j, std::int64_t* w) const {
    PackOpening{offers}(j, w);
    w[3] = offers[j].orders;
  }
};

struct PackSpillRound {
  const Offer* spill_offers;
  ENTREPOT_HD void operator()(std::size_t j, std::int64_t* w) const {
    w[0] = spill_offers[j].stock;
    w[1] = spill_offers[j].orders;
  }
};

// The book position of each id of a list (all held by the book).
struct PlaceOf {
  SellerIndex index;
  ENTREPOT_HD std::int64_t operator()(std::int64_t id) const { return index(id); }
};

// A list's entries in a book, as words: what a round sold there, or the orders placed.
struct ListWords {
  const Offer* book;
  const std::int64_t* place;
  bool sales;  // shipped, sales, exports; else the orders alone
  std::int64_t* words;
  ENTREPOT_HD void operator()(std::size_t g) const {
    const Offer& o = book[place[g]];
    if (sales) {
      words[3 * g] = o.shipped;
      words[3 * g + 1] = o.sales;
      words[3 * g + 2] = o.exports;
    } else {
      words[g] = o.orders;
    }
  }
};

// The owner's side: what other ranks' buyers did at its sellers, added in.
struct AddWords {
  Offer* book;
  const std::int64_t* ids;
  const std::int64_t* words;
  std::int64_t first;
  bool sales;
  ENTREPOT_HD void operator()(std::size_t i) const {
    Offer& o = book[ids[i] - first];
    if (sales) {
      atomic_add(&o.shipped, words[3 * i]);
      atomic_add(&o.sales, words[3 * i + 1]);
      atomic_add(&o.exports, words[3 * i + 2]);
    } else {
      atomic_add(&o.orders, words[i]);
    }
  }
};

// Totals from the owners onto a list's entries: orders (round one) or round two's book.
struct SetTotals {
  Offer* book;
  const std::int64_t* place;
  const std::int64_t* words;
  bool spill_round;
  ENTREPOT_HD void operator()(std::size_t g) const {
    Offer& o = book[place[g]];
    if (spill_round) {
      o.stock = words[2 * g];
      o.orders = words[2 * g + 1];
    } else {
      o.orders = words[g];
    }
  }
};

struct Ordered {
  const Offer* spill_book;
  std::size_t owned;
  ENTREPOT_HD bool operator()(std::size_t g) const { return spill_book[owned + g].orders > 0; }
};

Offer* raw(thrust::device_vector<Offer>& book) {
  return thrust::raw_pointer_cast(book.data());
}

thrust::device_vector<std::int64_t> places(const Model& m, const std::vector<std::int64_t>& ids) {
  const thrust::device_vector<std::int64_t> device_ids = on_device(ids);
  thrust::device_vector<std::int64_t> out(ids.size());
  thrust::transform(device_ids.begin(), device_ids.end(), out.begin(),
                    PlaceOf{m.ranks.seller_index(m.ranks.offer_ghosts)});
  return out;
}

// `width`-word opening offers (price, stock, region, and orders when width is 4); round
// two's book opens the same, with no orders yet.
struct OpeningOffer {
  const std::int64_t* words;
  int width;
  bool round_two;
  ENTREPOT_HD Offer operator()(std::size_t i) const {
    const std::int64_t* w = words + i * static_cast<std::size_t>(width);
    const std::int64_t orders = width > 3 && !round_two ? w[3] : 0;
    return Offer{double_of(w[0]), w[1], orders, 0, 0, 0, static_cast<std::int32_t>(w[2])};
  }
};

// Adds the ghosts `ids` to both books, from the owners' `width`-word answer.
void add_ghosts(Model& m, const std::vector<std::int64_t>& ids, const Words& words, int width) {
  const thrust::device_vector<std::int64_t> new_ids = on_device(ids);
  thrust::device_vector<Offer> offers(ids.size());
  thrust::device_vector<std::int64_t> keys;
  auto first = thrust::counting_iterator<std::size_t>(0);
  for (bool round_two : {false, true}) {
    thrust::transform(first, first + ids.size(), offers.begin(),
                      OpeningOffer{thrust::raw_pointer_cast(words.data()), width, round_two});
    keys = merge_ghosts(round_two ? m.scratch.trade.spill_offers : m.scratch.trade.offers,
                        m.economy.firms.size, m.ranks.offer_ghosts, new_ids, offers);
  }
  m.ranks.offer_ghosts.assign(merge_ids(m.ranks.offer_ghosts.ids, ids), std::move(keys));
}

// What this rank's buyers did at a list's sellers, sent to the owners and added there.
void send_to_owners(Model& m, const SellerExchange& x, thrust::device_vector<Offer>& book,
                    bool sales) {
  const thrust::device_vector<std::int64_t> place = places(m, x.ghosts());
  const int width = sales ? 3 : 1;
  Words words(place.size() * static_cast<std::size_t>(width));
  auto first = thrust::counting_iterator<std::size_t>(0);
  thrust::for_each(first, first + place.size(),
                   ListWords{raw(book), thrust::raw_pointer_cast(place.data()), sales,
                             thrust::raw_pointer_cast(words.data())});
  const Words received = words_to_owners(m, x, words, width);
  if (received.empty()) return;
  const thrust::device_vector<std::int64_t> ids = on_device(x.asked());
  thrust::for_each(
      first, first + ids.size(),
      AddWords{raw(book), thrust::raw_pointer_cast(ids.data()),
               thrust::raw_pointer_cast(received.data()), m.ranks.domain.firm_first, sales});
}

// Totals the owners answered, onto a list's entries in `book`.
void set_totals(Model& m, const SellerExchange& x, thrust::device_vector<Offer>& book,
                const Words& words, bool spill_round) {
  const thrust::device_vector<std::int64_t> place = places(m, x.ghosts());
  auto first = thrust::counting_iterator<std::size_t>(0);
  thrust::for_each(first, first + place.size(),
                   SetTotals{raw(book), thrust::raw_pointer_cast(place.data()),
                             thrust::raw_pointer_cast(words.data()), spill_round});
}

}  // namespace

void open_ghost_books(Model& m) {
  SellerExchange& x = *m.ranks.offer_exchange;
  x.ask(linked_sellers(m));
  add_ghosts(
      m, x.ghosts(),
      answer_words(m, x, pack_owned(m, x.asked(), 3, PackOpening{raw(m.scratch.trade.offers)}), 3),
      3);
}

void total_orders(Model& m) {
  SellerExchange& x = *m.ranks.offer_exchange;
  send_to_owners(m, x, m.scratch.trade.offers, false);
  set_totals(
      m, x, m.scratch.trade.offers,
      answer_words(m, x, pack_owned(m, x.asked(), 1, PackOrders{raw(m.scratch.trade.offers)}), 1),
      false);
}

void fetch_spill_sellers(Model& m, int step) {
  SellerExchange& x = *m.ranks.spill_exchange;
  // The sellers that short slots will try: their round-one totals decide the second seller.
  const SpillSeller spill{m.tables.view(), round_book(m, false), m.rng, step};
  x.ask(subtract_ids(
      merge_ids(spill_candidates_of_firms(m, spill), spill_candidates_of_households(m, spill)),
      m.ranks.offer_ghosts.ids));
  add_ghosts(
      m, x.ghosts(),
      answer_words(m, x, pack_owned(m, x.asked(), 4, PackRoundOne{raw(m.scratch.trade.offers)}), 4),
      4);
}

void return_sales(Model& m, bool second) {
  if (second) {
    send_to_owners(m, *m.ranks.round_two_exchange, m.scratch.trade.spill_offers, true);
    return;
  }
  send_to_owners(m, *m.ranks.offer_exchange, m.scratch.trade.offers, true);
  // The sellers given round-two orders, and those orders.
  const std::size_t owned = m.economy.firms.size;
  thrust::device_vector<std::int64_t> ordered(m.ranks.offer_ghosts.size());
  auto first = thrust::counting_iterator<std::size_t>(0);
  auto end = thrust::copy_if(first, first + m.ranks.offer_ghosts.size(), ordered.begin(),
                             Ordered{raw(m.scratch.trade.spill_offers), owned});
  ordered.resize(static_cast<std::size_t>(end - ordered.begin()));
  const std::vector<std::int64_t> at = to_host(ordered);
  std::vector<std::int64_t> chosen(at.size());
  for (std::size_t i = 0; i < at.size(); ++i) chosen[i] = m.ranks.offer_ghosts.ids[at[i]];
  m.ranks.round_two_exchange->ask(chosen);
  send_to_owners(m, *m.ranks.round_two_exchange, m.scratch.trade.spill_offers, false);
}

void open_ghost_spill_round(Model& m) {
  SellerExchange& x = *m.ranks.round_two_exchange;
  set_totals(
      m, x, m.scratch.trade.spill_offers,
      answer_words(
          m, x, pack_owned(m, x.asked(), 2, PackSpillRound{raw(m.scratch.trade.spill_offers)}), 2),
      true);
}

}  // namespace entrepot
