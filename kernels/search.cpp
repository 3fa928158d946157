// Phase 2: supplier search. Each buyer slot, at staggered reviews a share ψ of the steps
// (and whenever it was rationed or has no seller), draws m candidate sellers
// (origin region from the gravity table of its destination and sector, then a seller of
// that block) and switches to the cheapest if it beats the current landed cost by more
// than the sector's switching cost. Banned or missing suppliers are always replaced.
//
// Over several ranks, the quotes of other ranks' sellers are fetched first: those of the
// firms' current suppliers (a firm searches when its supplier rationed), then, for the
// slots that search, those of their current seller and candidates. Candidates come from
// Philox counters alone, so they are known before any quote is read.
#include <thrust/iterator/counting_iterator.h>
#include <thrust/transform.h>
#include <thrust/transform_reduce.h>

#include "agents/rules.h"
#include "kernels/ghosts.h"
#include "kernels/phases.h"

namespace entrepot {
namespace {

struct SupplierSearch {
  TablesView t;
  Book<const Quote> quotes;
  Philox rng;
  int step;
  bool every_step;            // ψ ≥ 1 (and at set-up): every slot searches
  std::uint32_t review_rate;  // ⌊ψ·2^32⌋, the phase step of the staggered reviews
  int candidates;

  // τ(1+t) from the seller's region to `dest`; infinite-like when the flow is banned.
  ENTREPOT_HD double factor(std::int32_t seller, int dest, int sector) const {
    return t.trade_factor[t.rrs(quotes[seller].origin, dest, sector)];
  }

  // Whether slot `slot` of `buyer` reviews its supplier this step: staggered reviews
  // (agents/rules.h), so no Philox draw is spent on the many slots that do not search.
  ENTREPOT_HD bool reviews(std::uint64_t buyer, std::uint32_t slot) const {
    return every_step || reviews_supplier(buyer, slot, step, review_rate);
  }

  ENTREPOT_HD bool banned_from(int origin, int dest, int sector) const {
    return t.any_ban && is_banned(t.trade_factor[t.rrs(origin, dest, sector)]);
  }
  // From the layout, not the quote: a slot that does not search needs no quote at all.
  ENTREPOT_HD bool banned(std::int32_t current, int dest, int sector) const {
    return t.any_ban && current >= 0 && banned_from(t.origin_of(current), dest, sector);
  }

  // Whether the slot draws candidates: it has no usable supplier, reviews, or was rationed.
  ENTREPOT_HD bool looks(std::uint64_t buyer, std::uint32_t slot, std::int32_t current,
                         bool banned_now, bool rationed) const {
    return current < 0 || banned_now || reviews(buyer, slot) || rationed;
  }

  // Candidate c of the slot; −1 when no origin is reachable (the search ends there).
  ENTREPOT_HD std::int32_t candidate(std::uint64_t buyer, std::uint32_t slot, int c, int dest,
                                     int sector) const {
    // Two 32-bit words per candidate (origin, seller): one Philox draw serves two.
    const auto w = rng.words(buyer, step, Draw::search,
                             (slot + 1) * 16 + 1 + static_cast<std::uint32_t>(c / 2));
    return t.find_seller(dest, sector, w[2 * (c % 2)], w[2 * (c % 2) + 1]);
  }

  // `rationed`: the slot was left short last step, so the buyer looks for a seller with
  // goods to spare and takes one even at a higher price.
  ENTREPOT_HD std::int32_t operator()(std::uint64_t buyer, std::uint32_t slot, int dest, int sector,
                                      std::int32_t current, bool rationed, bool& switched) const {
    switched = false;
    if (!looks(buyer, slot, current, banned(current, dest, sector), rationed)) return current;
    const double current_cost =
        current >= 0 ? landed_cost(quotes[current].price, factor(current, dest, sector)) : 0.0;
    // A banned supplier (export ban) is replaced at once, not at the next routine search.
    const bool must_replace = current < 0 || banned(current, dest, sector);
    std::int32_t best = -1;
    double best_cost = 0.0;
    for (int c = 0; c < candidates; ++c) {
      const std::int32_t seller = candidate(buyer, slot, c, dest, sector);
      if (seller < 0) return current;  // nothing reachable
      // A seller that rationed its buyers last step has no goods to spare for new ones.
      if (quotes[seller].rationing != 0) continue;
      const double trade_factor = factor(seller, dest, sector);
      if (is_banned(trade_factor)) continue;
      const double candidate_cost = landed_cost(quotes[seller].price, trade_factor);
      if (best < 0 || candidate_cost < best_cost ||
          (candidate_cost == best_cost && seller < best)) {
        best = seller;
        best_cost = candidate_cost;
      }
    }
    if (best < 0 || best == current) return current;
    const double switching = t.switching_cost[sector];
    if (must_replace || rationed || should_switch(current_cost, best_cost, switching)) {
      switched = true;
      return best;
    }
    return current;
  }

  // The sellers a slot that searches will compare, its current one and every candidate, for
  // fetching their quotes from other ranks; the current one's region comes from the layout,
  // like the search's own ban check.
  template <class Emit>
  ENTREPOT_HD void draw_all(std::uint64_t buyer, std::uint32_t slot, int dest, int sector,
                            std::int32_t current, bool rationed, const SellerIndex& held,
                            Emit& emit) const {
    if (!looks(buyer, slot, current, banned(current, dest, sector), rationed)) return;
    if (current >= 0 && !held.holds(current)) emit(current);
    for (int c = 0; c < candidates; ++c) {
      const std::int32_t seller = candidate(buyer, slot, c, dest, sector);
      if (seller < 0) return;
      if (!held.holds(seller)) emit(seller);
    }
  }
};

// A seller's quote: price, region and whether it rationed its buyers last step.
struct QuoteOf {
  TablesView t;
  FirmStore::View f;
  ENTREPOT_HD Quote operator()(std::size_t j) const {
    return Quote{f.price[j], f.block[j] / t.sectors, f.shipped[j] < f.demand[j] ? 1 : 0};
  }
};

// The input slots of firm j: `visit(j, k, dest, input, current, rationed)` for each used one.
struct FirmSlots {
  SupplierSearch search;
  FirmStore::View f;
  template <class Visit>
  ENTREPOT_HD void each(std::size_t j, Visit&& visit) const {
    const int sector = f.block[j] % search.t.sectors;
    const int dest = f.block[j] / search.t.sectors;
    for (int k = 0; k < kInputSlots; ++k) {
      const int input = search.t.input_sector[sector * kInputSlots + k];
      if (input < 0) continue;
      const std::int32_t current = f.supplier[k * f.size + j];
      // A firm knows only that its supplier rationed its buyers.
      const bool rationed = current >= 0 && search.quotes[current].rationing != 0;
      visit(k, dest, input, current, rationed);
    }
  }
};

struct FirmSearch {
  FirmSlots slots;
  std::uint64_t first;  // global id of firm 0
  ENTREPOT_HD std::int64_t operator()(std::size_t j) const {
    std::int64_t switches = 0;
    const FirmStore::View& f = slots.f;
    slots.each(j, [&](int k, int dest, int input, std::int32_t current, bool rationed) {
      bool switched = false;
      f.supplier[k * f.size + j] = slots.search(first + j, static_cast<std::uint32_t>(k), dest,
                                                input, current, rationed, switched);
      switches += switched ? 1 : 0;
    });
    return switches;
  }
};

struct FirmCandidates {
  FirmSlots slots;
  std::uint64_t first;
  SellerIndex held;
  template <class Emit>
  ENTREPOT_HD void operator()(std::size_t j, Emit& emit) const {
    slots.each(j, [&](int k, int dest, int input, std::int32_t current, bool rationed) {
      slots.search.draw_all(first + j, static_cast<std::uint32_t>(k), dest, input, current,
                            rationed, held, emit);
    });
  }
};

// The retailer slots of household n.
struct HouseholdSearch {
  SupplierSearch search;
  ConsumerStore::View h;
  std::uint64_t first;  // Philox id of household 0
  ENTREPOT_HD std::int64_t operator()(std::size_t n) const {
    std::int64_t switches = 0;
    for (int c = 0; c < search.t.consumer_slots; ++c) {
      const std::size_t i = c * h.size + n;
      bool switched = false;
      h.retailer[i] =
          search(first + n, static_cast<std::uint32_t>(c), h.region[n], search.t.consumer_sector[c],
                 h.retailer[i], ((h.spill[n] >> c) & 1u) != 0, switched);
      switches += switched ? 1 : 0;
    }
    return switches;
  }
};

struct HouseholdCandidates {
  SupplierSearch search;
  ConsumerStore::View h;
  std::uint64_t first;
  SellerIndex held;
  template <class Emit>
  ENTREPOT_HD void operator()(std::size_t n, Emit& emit) const {
    for (int c = 0; c < search.t.consumer_slots; ++c) {
      search.draw_all(first + n, static_cast<std::uint32_t>(c), h.region[n],
                      search.t.consumer_sector[c], h.retailer[c * h.size + n],
                      ((h.spill[n] >> c) & 1u) != 0, held, emit);
    }
  }
};

// Quote → two words: the price's bits, then region and rationing flag.
struct PackQuote {
  const Quote* quotes;
  ENTREPOT_HD void operator()(std::size_t j, std::int64_t* w) const {
    w[0] = word_of(quotes[j].price);
    w[1] = static_cast<std::int64_t>(quotes[j].origin) * 2 + quotes[j].rationing;
  }
};

// Fetches the quotes of `ids` (remote, sorted) and adds them to the ghosts of the book.
void fetch_quotes(Model& m, const std::vector<std::int64_t>& ids) {
  SellerExchange& exchange = *m.quote_exchange;
  exchange.ask(ids);
  const Quote* own = thrust::raw_pointer_cast(m.quotes.data());
  const std::vector<std::int64_t> words =
      exchange.answer(pack_owned(m, exchange.asked(), 2, PackQuote{own}), 2);
  std::vector<Quote> fetched(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const std::int64_t* w = &words[2 * i];
    fetched[i] = Quote{double_of(w[0]), static_cast<std::int32_t>(w[1] / 2),
                       static_cast<std::int32_t>(w[1] % 2)};
  }
  const std::vector<std::int64_t>& old_ids = m.quote_ghosts.ids;
  merge_ghosts(m.quotes, m.firms.size, old_ids, ids, fetched);
  const std::vector<std::int64_t> all = merge_ids(old_ids, ids);
  m.quote_ghosts.assign(all);
}

}  // namespace

std::int64_t search_suppliers(Model& m, int step, double probability) {
  const Behaviour& b = m.scenario.behaviour;
  FirmStore::View f = m.firms.view();
  ConsumerStore::View h = m.consumers.view();
  const TablesView t = m.tables.view();
  // One 16-byte quote per seller, so each candidate costs a single random read.
  m.quotes.resize(f.size);
  m.quote_ghosts.clear();
  auto first = thrust::counting_iterator<std::size_t>(0);
  thrust::transform(first, first + f.size, m.quotes.begin(), QuoteOf{t, f});
  const bool every_step = probability >= 1.0;
  const auto rate = every_step ? 0u : static_cast<std::uint32_t>(probability * 4294967296.0);
  auto make_search = [&]() {
    return SupplierSearch{t,
                          Book<const Quote>{thrust::raw_pointer_cast(m.quotes.data()),
                                            m.seller_index(m.quote_ghosts)},
                          m.rng,
                          step,
                          every_step,
                          rate,
                          b.candidates < 15 ? b.candidates : 15};
  };
  const std::uint64_t firm0 = m.domain.firm_id(0), household0 = m.domain.household_id(0);
  if (m.distributed()) {
    // Firms search when their supplier rationed: their suppliers' quotes come first.
    fetch_quotes(m, collect_ids(f.size, LinkedSellers{f.supplier, f.size, kInputSlots,
                                                      m.seller_index(Ghosts{})}));
    const SupplierSearch search = make_search();
    // Remote candidates, less those fetched already (checked after the pass: a lookup per
    // candidate would cost more than the longer list).
    const SellerIndex held = m.seller_index(Ghosts{});
    fetch_quotes(
        m, subtract_ids(
               merge_ids(collect_ids(f.size, FirmCandidates{{search, f}, firm0, held}),
                         collect_ids(h.size, HouseholdCandidates{search, h, household0, held})),
               m.quote_ghosts.ids));
  }
  const SupplierSearch search = make_search();
  const std::int64_t by_firms =
      thrust::transform_reduce(first, first + f.size, FirmSearch{{search, f}, firm0},
                               std::int64_t{0}, thrust::plus<std::int64_t>());
  const std::int64_t by_households =
      thrust::transform_reduce(first, first + h.size, HouseholdSearch{search, h, household0},
                               std::int64_t{0}, thrust::plus<std::int64_t>());
  return m.sum_over_ranks(by_firms + by_households);
}

}  // namespace entrepot
