// Trade over several ranks. A rank's buyers order from ghost sellers as from its own; the
// exchange then carries, per distinct remote seller: its opening offer (price, stock,
// region), the orders summed here to its owner and the total back, what each round sold
// to the owner, and round two's stock and orders. Every sum is int64 at the owner, so the
// fills, and so the bytes, are those of one rank.
#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>

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

// What a round left in the ghost entries: sold (shipped, sales, exports), and in round one
// the orders placed for round two.
struct GhostSales {
  const Offer* book;
  const Offer* spill_book;  // null in round two
  std::size_t owned;
  int width;
  std::int64_t* words;
  ENTREPOT_HD void operator()(std::size_t g) const {
    const Offer& o = book[owned + g];
    std::int64_t* w = words + g * static_cast<std::size_t>(width);
    w[0] = o.shipped;
    w[1] = o.sales;
    w[2] = o.exports;
    if (spill_book != nullptr) w[3] = spill_book[owned + g].orders;
  }
};

// The owner's side: what other ranks' buyers did at its sellers, added in.
struct AddSales {
  Offer* book;
  Offer* spill_book;  // null in round two
  const std::int64_t* ids;
  const std::int64_t* words;
  std::int64_t first;
  int width;
  ENTREPOT_HD void operator()(std::size_t i) const {
    const std::size_t j = static_cast<std::size_t>(ids[i] - first);
    const std::int64_t* w = words + i * static_cast<std::size_t>(width);
    atomic_add(&book[j].shipped, w[0]);
    atomic_add(&book[j].sales, w[1]);
    atomic_add(&book[j].exports, w[2]);
    if (spill_book != nullptr) atomic_add(&spill_book[j].orders, w[3]);
  }
};

struct AddOrders {
  Offer* offers;
  const std::int64_t* ids;
  const std::int64_t* orders;
  std::int64_t first;
  ENTREPOT_HD void operator()(std::size_t i) const {
    atomic_add(&offers[ids[i] - first].orders, orders[i]);
  }
};

struct GhostOrders {
  const Offer* offers;
  std::size_t owned;
  ENTREPOT_HD std::int64_t operator()(std::size_t g) const { return offers[owned + g].orders; }
};

// Sets field words on the ghost entries: totals of orders (round one) or round two's book.
struct SetGhosts {
  Offer* book;
  std::size_t owned;
  const std::int64_t* words;
  bool spill_round;
  ENTREPOT_HD void operator()(std::size_t g) const {
    Offer& o = book[owned + g];
    if (spill_round) {
      o.stock = words[2 * g];
      o.orders = words[2 * g + 1];
    } else {
      o.orders = words[g];
    }
  }
};

Offer* raw(thrust::device_vector<Offer>& book) {
  return thrust::raw_pointer_cast(book.data());
}

std::vector<Offer> opening_offers(const std::vector<std::int64_t>& words, int width) {
  std::vector<Offer> out(words.size() / static_cast<std::size_t>(width));
  for (std::size_t i = 0; i < out.size(); ++i) {
    const std::int64_t* w = &words[i * static_cast<std::size_t>(width)];
    const std::int64_t orders = width > 3 ? w[3] : 0;
    out[i] = Offer{double_of(w[0]), w[1], orders, 0, 0, 0, static_cast<std::int32_t>(w[2])};
  }
  return out;
}

// Adds ghosts to both books (round two's opens like round one's, its totals come later).
void add_ghosts(Model& m, const std::vector<std::int64_t>& ids, const std::vector<Offer>& offers) {
  const std::vector<std::int64_t>& old_ids = m.offer_ghosts.ids;
  merge_ghosts(m.offers, m.firms.size, old_ids, ids, offers);
  std::vector<Offer> spill = offers;
  for (Offer& o : spill) o.orders = 0;
  merge_ghosts(m.spill_offers, m.firms.size, old_ids, ids, spill);
  const std::vector<std::int64_t> all = merge_ids(old_ids, ids);
  m.offer_ghosts.assign(all);
}

void set_ghosts(Model& m, thrust::device_vector<Offer>& book,
                const std::vector<std::int64_t>& words, bool spill_round) {
  const thrust::device_vector<std::int64_t> device_words(words.begin(), words.end());
  auto first = thrust::counting_iterator<std::size_t>(0);
  thrust::for_each(first, first + m.offer_ghosts.size(),
                   SetGhosts{raw(book), m.firms.size, thrust::raw_pointer_cast(device_words.data()),
                             spill_round});
}

}  // namespace

void open_ghost_books(Model& m) {
  SellerExchange& x = *m.offer_exchange;
  const std::vector<std::int64_t> ids = linked_sellers(m, m.seller_index(m.offer_ghosts));
  x.ask(ids);
  add_ghosts(
      m, ids,
      opening_offers(x.answer(pack_owned(m, x.asked(), 3, PackOpening{raw(m.offers)}), 3), 3));
}

void total_orders(Model& m) {
  SellerExchange& x = *m.offer_exchange;
  const std::size_t owned = m.firms.size;
  auto first = thrust::counting_iterator<std::size_t>(0);
  // Orders placed here at remote sellers go to their owners, and the totals come back.
  thrust::device_vector<std::int64_t> placed(m.offer_ghosts.size());
  thrust::transform(first, first + placed.size(), placed.begin(),
                    GhostOrders{raw(m.offers), owned});
  const std::vector<std::int64_t> received = x.send_to_owners(to_host(placed), 1);
  if (!received.empty()) {
    const thrust::device_vector<std::int64_t> ids(x.asked().begin(), x.asked().end());
    const thrust::device_vector<std::int64_t> orders(received.begin(), received.end());
    thrust::for_each(first, first + ids.size(),
                     AddOrders{raw(m.offers), thrust::raw_pointer_cast(ids.data()),
                               thrust::raw_pointer_cast(orders.data()), m.domain.firm_first});
  }
  set_ghosts(m, m.offers, x.answer(pack_owned(m, x.asked(), 1, PackOrders{raw(m.offers)}), 1),
             false);
}

void fetch_spill_sellers(Model& m, int step) {
  SellerExchange& x = *m.offer_exchange;
  // The sellers that short slots will try: their round-one totals decide the spill seller.
  const SpillSeller spill{m.tables.view(), round_book(m, false), m.rng, step};
  const std::vector<std::int64_t> more = subtract_ids(
      merge_ids(spill_candidates_of_firms(m, spill), spill_candidates_of_households(m, spill)),
      m.offer_ghosts.ids);
  x.ask(more);
  add_ghosts(
      m, more,
      opening_offers(x.answer(pack_owned(m, x.asked(), 4, PackRoundOne{raw(m.offers)}), 4), 4));
  // From here on the owners hear from every ghost, old and new.
  x.ask(m.offer_ghosts.ids);
}

void return_sales(Model& m, bool second) {
  SellerExchange& x = *m.offer_exchange;
  const std::size_t owned = m.firms.size;
  const int width = second ? 3 : 4;
  thrust::device_vector<Offer>& book = second ? m.spill_offers : m.offers;
  Offer* spill_book = second ? nullptr : raw(m.spill_offers);
  thrust::device_vector<std::int64_t> words(m.offer_ghosts.size() *
                                            static_cast<std::size_t>(width));
  auto first = thrust::counting_iterator<std::size_t>(0);
  thrust::for_each(
      first, first + m.offer_ghosts.size(),
      GhostSales{raw(book), spill_book, owned, width, thrust::raw_pointer_cast(words.data())});
  const std::vector<std::int64_t> received = x.send_to_owners(to_host(words), width);
  if (received.empty()) return;
  const thrust::device_vector<std::int64_t> ids(x.asked().begin(), x.asked().end());
  const thrust::device_vector<std::int64_t> device_words(received.begin(), received.end());
  thrust::for_each(
      first, first + ids.size(),
      AddSales{raw(book), spill_book, thrust::raw_pointer_cast(ids.data()),
               thrust::raw_pointer_cast(device_words.data()), m.domain.firm_first, width});
}

void open_ghost_spill_round(Model& m) {
  SellerExchange& x = *m.offer_exchange;
  set_ghosts(m, m.spill_offers,
             x.answer(pack_owned(m, x.asked(), 2, PackSpillRound{raw(m.spill_offers)}), 2), true);
}

}  // namespace entrepot
