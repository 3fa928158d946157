// The goods market's passes, generic over buyer slots: firms' input slots and households'
// consumption slots go through the same passes, and so will any later buyer. A kind of
// buyer is described by a `Slots` type that says, for buyer j and its slot k, what the slot
// orders in round one, what round one left unbought, what it orders from a second seller,
// and where a purchase lands (kernels/trade.cpp: InputSlots; kernels/trade_households.cpp:
// ConsumerSlots). Sellers are addressed by seller id through the round's Book, whatever
// agent stands behind the id. Every purchase settles by one rule (Settle, settle_purchase).
//
// A Slots type has, all ENTREPOT_HD and const:
//   using Sink; static constexpr int kKinds;      where flows are tallied, and their kinds
//   std::size_t size(); int slots(); int kinds(); buyers, slots per buyer, kinds in use
//   int region(j); std::uint64_t id(j);           the buyer's region and Philox id
//   int flow_key(j);                              what the buyer's flows are tallied under
//                                                 (the Sink's first argument): its region,
//                                                 or for firms its block
//   bool bonded(j);                               whether the buyer is inside a bonded zone
//   void plan(j);                                 before round one's orders (a budget)
//   void prepare(j, bool second);                 before a round's purchases (prefetch)
//   bool in_round_two(j);                         whether any slot may go to round two
//   SlotOrder first_order(j, k);                  round one's order (seller < 0: none)
//   bool short_slot(j, k);                        the seller rationed the slot in round one
//   bool may_spill(j, k);                         a cheap bound: only such slots of a buyer
//                                                 in round two may order there
//   double unserved(j, k);                        what round one left unbought, money
//   int sector(j, k); std::int32_t seller(j, k);  the slot's sector and current seller
//   std::int32_t second_seller(spill, j, k)       where round two goes (−1: nowhere)
//   bool spills_to_producers(k)                   round two draws producers (SpillSeller)
//   SlotOrder second_order(j, k, seller, value, book)   `value` at `seller`, priced in `book`
//   std::int64_t cash(j);                         what the buyer holds
//   void bought(j, k, order, purchase, bool second, std::uint8_t& marks)
//   void close(j, cash, spent, marks, bool second)
//
// A kind of seller is described by a `Sellers` type (kernels/trade.cpp: FirmSellers), all
// ENTREPOT_HD and const:
//   std::size_t size();                            the sellers of this kind this rank owns
//   Offer opening(j);                              price, stock to share out, origin region
//   void sold(j, const Offer& one, const Offer& two)   both rounds into its accounts
// Its sellers sit in the books from their kind's first place on (OwnedSellers::start).
#pragma once

#include <thrust/for_each.h>
#include <thrust/functional.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/transform_scan.h>

#include <stdexcept>

#include "kernels/trade.h"

namespace entrepot {

// What one slot orders in a round: from `seller`, `quantity` goods at origin, in trade cell
// `cell` (origin, buyer's region, sector), tallied under flow kind `kind`.
struct SlotOrder {
  std::int32_t seller = -1;
  std::int64_t quantity = 0;
  std::size_t cell = 0;
  int kind = 0;
};

// What a slot that orders goods from a supplier (a firm's input, a retailer's stock) does
// between and in the rounds, from the round-one order of the Slots type `Buyers` derived
// from it (its t, offers, first_order, order_at, bonded and the buyer's id, region, sector
// and seller): the fill round one gives the order, from the round's totals alone; what it
// left unbought as money; and the order of that money at a second producer, drawn by the
// spill seller's gravity draws.
template <class Buyers>
struct SupplierRounds {
  ENTREPOT_HD const Buyers& buyers() const { return static_cast<const Buyers&>(*this); }
  ENTREPOT_HD bool short_slot(std::size_t j, int k) const {
    const SlotOrder o = buyers().first_order(j, k);
    if (o.seller < 0) return false;
    const Offer& offer = buyers().offers[o.seller];
    return filled_quantity(o.quantity, offer.stock, offer.orders) < o.quantity;
  }
  ENTREPOT_HD double unserved(std::size_t j, int k) const {
    const SlotOrder o = buyers().first_order(j, k);
    if (o.seller < 0) return 0.0;
    const Offer& offer = buyers().offers[o.seller];
    const TablesView& t = buyers().t;
    return unserved_value(o.quantity, filled_quantity(o.quantity, offer.stock, offer.orders),
                          t.buyer_price(offer.price, o.cell),
                          purchase_duty_rate(t, o.cell, offer, buyers().bonded(j)));
  }
  ENTREPOT_HD bool may_spill(std::size_t, int) const { return true; }
  ENTREPOT_HD bool spills_to_producers(int) const { return true; }
  ENTREPOT_HD std::int32_t second_seller(const SpillSeller& spill, std::size_t j, int k) const {
    const Buyers& b = buyers();
    return spill(b.id(j), k, b.region(j), b.sector(j, k), b.seller(j, k));
  }
  ENTREPOT_HD SlotOrder second_order(std::size_t j, int k, std::int32_t other, double value,
                                     const Book<Offer>& book) const {
    SlotOrder o = buyers().order_at(other, 0, j, k);
    const TablesView& t = buyers().t;
    o.quantity = order_for_value(value, t.buyer_price(book[other].price, o.cell),
                                 purchase_duty_rate(t, o.cell, book[other], buyers().bonded(j)));
    return o;
  }
};

// Round two's orders as the pass between the rounds drew them (SecondOrderStore): drawing
// a second seller costs a Philox draw, gravity searches and reads of seller records across
// the world, so it is done once, not once to place the order and again to settle it.
struct SecondOrders {
  const std::uint32_t* first = nullptr;
  std::int32_t* seller = nullptr;
  explicit SecondOrders(SecondOrderStore& store)
      : first(thrust::raw_pointer_cast(store.first.data())),
        seller(thrust::raw_pointer_cast(store.seller.data())) {}
  SecondOrders() = default;
};

// Round one's orders, summed per seller (int64, so the order of work does not matter).
template <class Slots>
struct PlaceOrders {
  Slots slots;
  Book<Offer> book;  // round one
  ENTREPOT_HD void operator()(std::size_t j) const {
    slots.plan(j);
    for (int k = 0; k < slots.slots(); ++k) {
      const SlotOrder o = slots.first_order(j, k);
      if (o.seller >= 0 && o.quantity > 0) atomic_add(&book[o.seller].orders, o.quantity);
    }
  }
};

// Settles one round for a chunk of buyers, tallying flows per origin and kind.
template <class Slots, bool Local>
struct BuyRound {
  Slots slots;
  Settle settle;       // the round's book
  bool second;         // false: the suppliers' round; true: the spill round
  SecondOrders drawn;  // round two's, drawn between the rounds
  typename Slots::Sink sink;
  std::size_t chunk;

  ENTREPOT_HD void operator()(std::size_t c) const {
    const TablesView& t = settle.t;
    const std::size_t end = (c + 1) * chunk < slots.size() ? (c + 1) * chunk : slots.size();
    FlowTally<Local, Slots::kKinds, typename Slots::Sink> tally(sink, t.regions, slots.kinds(),
                                                                slots.flow_key(c * chunk));
    for (std::size_t j = c * chunk; j < end; ++j) {
      slots.prepare(j, second);
      const int region = slots.region(j);
      tally.region(slots.flow_key(j));
      if (second && !slots.in_round_two(j)) continue;
      std::int64_t cash = slots.cash(j);
      const std::int64_t held = cash;
      std::uint8_t marks = 0;
      std::size_t at = second ? drawn.first[j] : 0;
      for (int k = 0; k < slots.slots(); ++k) {
        SlotOrder o;
        if (!second) {
          o = slots.first_order(j, k);
        } else {
          if (!slots.may_spill(j, k)) continue;
          const std::int32_t other = drawn.seller[at++];
          if (other < 0) continue;
          o = slots.second_order(j, k, other, slots.unserved(j, k), settle.book);
        }
        if (o.seller < 0 || o.quantity <= 0) continue;
        // The record settling reads next: both books hold the same origins.
        const Offer& seen = settle.book[o.seller];
        const int origin = seen.origin;
        std::int64_t flow[kPurchaseFlows] = {0, 0, 0, 0};
        // Paid across a border when the seller is abroad; the goods come from the seller's
        // region, or a merchant's from where it bought them.
        const Purchase p = settle(o.seller, o.quantity, o.cell,
                                  t.region_country[origin] != t.region_country[region],
                                  slots.bonded(j), cash, flow);
        slots.bought(j, k, o, p, second, marks);
        tally.add(shipped_from(seen), o.kind, flow);
      }
      slots.close(j, cash, held - cash, marks, second);
    }
    tally.flush();
  }
};

template <class Slots>
struct BuyRoundOf {
  template <bool Local>
  using type = BuyRound<Slots, Local>;
};

// Between the rounds: each slot round one left short orders what it could not buy from
// another seller with stock to spare, in round two's book. Only round-one totals decide it,
// so it runs after round one has settled everywhere. Each slot that may go to round two
// keeps what it drew for round two's settling (SecondOrders).
template <class Slots>
struct PlaceSpillOrders {
  Slots slots;
  SpillSeller spill;
  Book<Offer> spill_book;
  SecondOrders drawn;
  ENTREPOT_HD void operator()(std::size_t j) const {
    if (!slots.in_round_two(j)) return;
    std::size_t at = drawn.first[j];
    for (int k = 0; k < slots.slots(); ++k) {
      if (!slots.may_spill(j, k)) continue;
      const double value = slots.unserved(j, k);
      const std::int32_t other = value > 0.0 ? slots.second_seller(spill, j, k) : -1;
      drawn.seller[at++] = other;
      if (other < 0) continue;
      const SlotOrder more = slots.second_order(j, k, other, value, spill.offers);
      if (more.quantity > 0) atomic_add(&spill_book[other].orders, more.quantity);
    }
  }
};

// How many entries buyer j keeps in SecondOrders (0 past the last buyer, so that an
// exclusive scan over size() + 1 ends with the total).
template <class Slots>
struct SpillSlotCount {
  Slots slots;
  ENTREPOT_HD std::uint32_t operator()(std::size_t j) const {
    if (j >= slots.size() || !slots.in_round_two(j)) return 0;
    std::uint32_t n = 0;
    for (int k = 0; k < slots.slots(); ++k) n += slots.may_spill(j, k) ? 1u : 0u;
    return n;
  }
};

// The sellers the slots left short will try, for fetching their round-one totals from the
// ranks that own them.
template <class Slots>
struct ShortSlotSellers {
  Slots slots;
  SpillSeller spill;
  SellerIndex owned;
  template <class Emit>
  ENTREPOT_HD void operator()(std::size_t j, Emit& emit) const {
    if (!slots.in_round_two(j)) return;
    for (int k = 0; k < slots.slots(); ++k) {
      if (slots.short_slot(j, k) && slots.spills_to_producers(k)) {
        spill.draw_all(slots.id(j), k, slots.region(j), slots.sector(j, k), owned, emit);
      }
    }
  }
};

// A kind's sellers open both rounds' books with their offers.
template <class Sellers>
struct OpenOffers {
  Sellers sellers;
  Offer* offers;
  Offer* spill_offers;
  std::size_t place;  // the kind's first place in the books
  ENTREPOT_HD void operator()(std::size_t j) const {
    const Offer open = sellers.opening(j);
    offers[place + j] = open;
    spill_offers[place + j] = open;
  }
};

// Both rounds into a kind's sellers' accounts.
template <class Sellers>
struct CloseOffers {
  Sellers sellers;
  const Offer* offers;
  const Offer* spill_offers;
  std::size_t place;
  ENTREPOT_HD void operator()(std::size_t j) const {
    sellers.sold(j, offers[place + j], spill_offers[place + j]);
  }
};

// Round two shares out what round one left of every owned seller's stock.
struct CloseFirstRound {
  const Offer* offers;
  Offer* spill_offers;
  ENTREPOT_HD void operator()(std::size_t j) const {
    spill_offers[j].stock = offers[j].stock - offers[j].shipped;
  }
};

// The passes over all sellers of a kind, at `place` in the books `offers`, `spill_offers`.
template <class Sellers>
void open_offers(const Sellers& sellers, Offer* offers, Offer* spill_offers, std::size_t place) {
  auto first = thrust::counting_iterator<std::size_t>(0);
  thrust::for_each(first, first + sellers.size(),
                   OpenOffers<Sellers>{sellers, offers, spill_offers, place});
}

template <class Sellers>
void close_offers(const Sellers& sellers, const Offer* offers, const Offer* spill_offers,
                  std::size_t place) {
  auto first = thrust::counting_iterator<std::size_t>(0);
  thrust::for_each(first, first + sellers.size(),
                   CloseOffers<Sellers>{sellers, offers, spill_offers, place});
}

// The passes over all buyers of a kind.
template <class Slots>
void place_orders(const Slots& slots, Book<Offer> book) {
  auto first = thrust::counting_iterator<std::size_t>(0);
  thrust::for_each(first, first + slots.size(), PlaceOrders<Slots>{slots, book});
}

// Round two reads `store`, which place_spill_orders filled for the same slots.
template <class Slots>
void settle_round(const Slots& slots, const Settle& settle, bool second,
                  const typename Slots::Sink& sink, std::size_t chunk, SecondOrderStore& store) {
  if (slots.size() == 0) return;
  settle_buyers<BuyRoundOf<Slots>::template type>(slots.size(), chunk, slots, settle, second,
                                                  second ? SecondOrders(store) : SecondOrders(),
                                                  sink);
}

template <class Slots>
void place_spill_orders(const Slots& slots, const SpillSeller& spill, Book<Offer> spill_book,
                        SecondOrderStore& store) {
  const std::size_t n = slots.size();
  if (n * static_cast<std::size_t>(slots.slots()) > std::size_t{0xffffffffu}) {
    throw std::runtime_error(
        "more buyer slots on one rank than round two's offsets hold (2^32); "
        "run on more ranks");
  }
  auto first = thrust::counting_iterator<std::size_t>(0);
  store.first.resize(n + 1);
  thrust::transform_exclusive_scan(first, first + n + 1, store.first.begin(),
                                   SpillSlotCount<Slots>{slots}, std::uint32_t{0},
                                   thrust::plus<std::uint32_t>());
  const std::uint32_t entries = store.first[n];
  // Released before it grows, so the old and the new never both take memory (a rationed
  // world's households may draw for most of their slots).
  if (entries > store.seller.capacity()) thrust::device_vector<std::int32_t>().swap(store.seller);
  store.seller.resize(entries);
  thrust::for_each(first, first + n,
                   PlaceSpillOrders<Slots>{slots, spill, spill_book, SecondOrders(store)});
}

}  // namespace entrepot
