// Trade over several ranks. A rank's buyers order from ghost sellers as from its own. Three
// lists of other ranks' sellers carry the exchange, each with only what it needs
// (kernels/messages.h names the records):
// - the sellers the rank's links name: their OpeningOffer, the PlacedOrders summed here to
//   the owner and the OrderTotal back, and round one's RoundSales;
// - the sellers that slots left short will try: their RoundOneTotals, which decide the
//   second seller;
// - the sellers given round-two orders: those PlacedOrders to the owner, RoundTwoTotals
//   back, and round two's RoundSales.
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

// What an owner answers about its sellers, from its books.
struct OpeningOfferOf {
  const Offer* offers;
  ENTREPOT_HD OpeningOffer operator()(std::size_t j) const {
    return OpeningOffer{
        offers[j].price, offers[j].stock, pack_origin(offers[j].origin, offers[j].preferences),
        pack_zone_or_origin(offers[j].zone_rate, offers[j].goods_origin, offers[j].offshore != 0)};
  }
};

struct OrderTotalOf {
  const Offer* offers;
  ENTREPOT_HD OrderTotal operator()(std::size_t j) const { return OrderTotal{offers[j].orders}; }
};

struct RoundOneTotalsOf {
  const Offer* offers;
  ENTREPOT_HD RoundOneTotals operator()(std::size_t j) const {
    return RoundOneTotals{OpeningOfferOf{offers}(j), offers[j].orders};
  }
};

struct RoundTwoTotalsOf {
  const Offer* spill_offers;
  ENTREPOT_HD RoundTwoTotals operator()(std::size_t j) const {
    return RoundTwoTotals{spill_offers[j].stock, spill_offers[j].orders};
  }
};

// A ghost seller's entry in a book as it reports to the owner (report), the report added to
// the owner's entry (add_in), and the owner's totals set on the ghost's entry (set_in).
ENTREPOT_HD void report(const Offer& o, PlacedOrders& r) {
  r.orders = o.orders;
}
ENTREPOT_HD void report(const Offer& o, RoundSales& r) {
  r = RoundSales{o.shipped, o.sales, o.exports};
}
ENTREPOT_HD void add_in(Offer& o, const PlacedOrders& r) {
  atomic_add(&o.orders, r.orders);
}
ENTREPOT_HD void add_in(Offer& o, const RoundSales& r) {
  atomic_add(&o.shipped, r.shipped);
  atomic_add(&o.sales, r.sales);
  atomic_add(&o.exports, r.exports);
}
ENTREPOT_HD void set_in(Offer& o, const OrderTotal& r) {
  o.orders = r.orders;
}
ENTREPOT_HD void set_in(Offer& o, const RoundTwoTotals& r) {
  o.stock = r.stock;
  o.orders = r.orders;
}

// A ghost seller's opening entry in round one's book, or in round two's, which opens with no
// orders yet.
ENTREPOT_HD Offer opening_entry(const OpeningOffer& r, std::int64_t orders) {
  return Offer{r.price,
               r.stock,
               orders,
               0,
               0,
               0,
               origin_of(r),
               preferences_of(r),
               zone_rate_of(r),
               goods_origin_of(r),
               offshore_of(r)};
}
ENTREPOT_HD Offer opening_entry(const OpeningOffer& r, bool) {
  return opening_entry(r, std::int64_t{0});
}
ENTREPOT_HD Offer opening_entry(const RoundOneTotals& r, bool round_two) {
  return opening_entry(r.offer, round_two ? std::int64_t{0} : r.orders);
}

// The book position of each id of a list (all held by the book).
struct PlaceOf {
  SellerIndex index;
  ENTREPOT_HD std::int64_t operator()(std::int64_t id) const { return index(id); }
};

// A list's entries in a book, as the records their owners read.
template <class Record>
struct Reported {
  const Offer* book;
  const std::int64_t* place;
  ENTREPOT_HD Record operator()(std::size_t g) const {
    Record r{};
    report(book[place[g]], r);
    return r;
  }
};

// The owner's side: what other ranks' buyers did at its sellers, added in.
template <class Record>
struct AddIn {
  Offer* book;
  const std::int64_t* ids;
  const Record* reports;
  OwnedSellers owned;
  ENTREPOT_HD void operator()(std::size_t i) const {
    add_in(book[owned.place(ids[i])], reports[i]);
  }
};

// Totals from the owners onto a list's entries: orders (round one) or round two's book.
template <class Record>
struct SetIn {
  Offer* book;
  const std::int64_t* place;
  const Record* totals;
  ENTREPOT_HD void operator()(std::size_t g) const { set_in(book[place[g]], totals[g]); }
};

struct Ordered {
  const Offer* spill_book;
  std::size_t owned;
  ENTREPOT_HD bool operator()(std::size_t g) const { return spill_book[owned + g].orders > 0; }
};

Offer* raw(thrust::device_vector<Offer>& book) {
  return thrust::raw_pointer_cast(book.data());
}

thrust::device_vector<std::int64_t> places(const Market& m, const std::vector<std::int64_t>& ids) {
  const thrust::device_vector<std::int64_t> device_ids = on_device(ids);
  thrust::device_vector<std::int64_t> out(ids.size());
  thrust::transform(device_ids.begin(), device_ids.end(), out.begin(),
                    PlaceOf{m.ranks.seller_index(m.ranks.offer_ghosts)});
  return out;
}

// A ghost seller's opening entry in round one's book or round two's.
template <class Record>
struct OpeningEntry {
  const Record* answers;
  bool round_two;
  ENTREPOT_HD Offer operator()(std::size_t i) const { return opening_entry(answers[i], round_two); }
};

// Adds the ghosts `ids` to both books, from the owners' answers.
template <class Record>
void add_ghosts(Market& m, const std::vector<std::int64_t>& ids,
                const thrust::device_vector<Record>& answers) {
  const thrust::device_vector<std::int64_t> new_ids = on_device(ids);
  thrust::device_vector<Offer> offers(ids.size());
  thrust::device_vector<std::int64_t> keys;
  auto first = thrust::counting_iterator<std::size_t>(0);
  for (bool round_two : {false, true}) {
    thrust::transform(first, first + ids.size(), offers.begin(),
                      OpeningEntry<Record>{thrust::raw_pointer_cast(answers.data()), round_two});
    keys = merge_ghosts(round_two ? m.scratch.spill_offers : m.scratch.offers,
                        static_cast<std::size_t>(m.ranks.domain.sellers.total()),
                        m.ranks.offer_ghosts, new_ids, offers);
  }
  m.ranks.offer_ghosts.assign(merge_ids(m.ranks.offer_ghosts.ids, ids), std::move(keys));
}

// What this rank's buyers did at a list's sellers, reported to the owners and added there.
template <class Record>
void report_to_owners(Market& m, const SellerExchange& x, thrust::device_vector<Offer>& book) {
  const thrust::device_vector<std::int64_t> place = places(m, x.ghosts());
  thrust::device_vector<Record> reports(place.size());
  auto first = thrust::counting_iterator<std::size_t>(0);
  thrust::transform(first, first + place.size(), reports.begin(),
                    Reported<Record>{raw(book), thrust::raw_pointer_cast(place.data())});
  const thrust::device_vector<Record> received = to_owners(m.ranks, x, reports);
  if (received.empty()) return;
  const thrust::device_vector<std::int64_t> ids = on_device(x.asked());
  thrust::for_each(
      first, first + ids.size(),
      AddIn<Record>{raw(book), thrust::raw_pointer_cast(ids.data()),
                    thrust::raw_pointer_cast(received.data()), m.ranks.domain.sellers});
}

// Totals the owners answered, onto a list's entries in `book`.
template <class Record>
void set_totals(Market& m, const SellerExchange& x, thrust::device_vector<Offer>& book,
                const thrust::device_vector<Record>& totals) {
  const thrust::device_vector<std::int64_t> place = places(m, x.ghosts());
  auto first = thrust::counting_iterator<std::size_t>(0);
  thrust::for_each(first, first + place.size(),
                   SetIn<Record>{raw(book), thrust::raw_pointer_cast(place.data()),
                                 thrust::raw_pointer_cast(totals.data())});
}

}  // namespace

void open_ghost_books(Market& m) {
  SellerExchange& x = *m.ranks.offer_exchange;
  x.ask(linked_sellers(m.ranks, m.economy, m.setting.tables.consumer_slots));
  add_ghosts(
      m, x.ghosts(),
      answer(m.ranks, x,
             pack_owned<OpeningOffer>(m.ranks, x.asked(), OpeningOfferOf{raw(m.scratch.offers)})));
}

void total_orders(Market& m) {
  SellerExchange& x = *m.ranks.offer_exchange;
  report_to_owners<PlacedOrders>(m, x, m.scratch.offers);
  set_totals(
      m, x, m.scratch.offers,
      answer(m.ranks, x,
             pack_owned<OrderTotal>(m.ranks, x.asked(), OrderTotalOf{raw(m.scratch.offers)})));
}

void fetch_spill_sellers(Market& m) {
  SellerExchange& x = *m.ranks.spill_exchange;
  // The sellers that short slots will try: their round-one totals decide the second seller.
  const SpillSeller spill = m.spill_seller();
  x.ask(subtract_ids(merge_ids(merge_ids(spill_candidates_of_firms(m, spill),
                                         spill_candidates_of_households(m, spill)),
                               spill_candidates_of_stockists(m, spill)),
                     m.ranks.offer_ghosts.ids));
  add_ghosts(m, x.ghosts(),
             answer(m.ranks, x,
                    pack_owned<RoundOneTotals>(m.ranks, x.asked(),
                                               RoundOneTotalsOf{raw(m.scratch.offers)})));
}

void return_sales(Market& m, bool second) {
  if (second) {
    report_to_owners<RoundSales>(m, *m.ranks.round_two_exchange, m.scratch.spill_offers);
    return;
  }
  report_to_owners<RoundSales>(m, *m.ranks.offer_exchange, m.scratch.offers);
  // The sellers given round-two orders, and those orders.
  const std::size_t owned = static_cast<std::size_t>(m.ranks.domain.sellers.total());
  thrust::device_vector<std::int64_t> ordered(m.ranks.offer_ghosts.size());
  auto first = thrust::counting_iterator<std::size_t>(0);
  auto end = thrust::copy_if(first, first + m.ranks.offer_ghosts.size(), ordered.begin(),
                             Ordered{raw(m.scratch.spill_offers), owned});
  ordered.resize(static_cast<std::size_t>(end - ordered.begin()));
  const std::vector<std::int64_t> at = to_host(ordered);
  std::vector<std::int64_t> chosen(at.size());
  for (std::size_t i = 0; i < at.size(); ++i) chosen[i] = m.ranks.offer_ghosts.ids[at[i]];
  m.ranks.round_two_exchange->ask(chosen);
  report_to_owners<PlacedOrders>(m, *m.ranks.round_two_exchange, m.scratch.spill_offers);
}

void open_ghost_spill_round(Market& m) {
  SellerExchange& x = *m.ranks.round_two_exchange;
  set_totals(m, x, m.scratch.spill_offers,
             answer(m.ranks, x,
                    pack_owned<RoundTwoTotals>(m.ranks, x.asked(),
                                               RoundTwoTotalsOf{raw(m.scratch.spill_offers)})));
}

}  // namespace entrepot
