// Phase 2: supplier search. Each buyer slot, at staggered reviews a share ψ of the steps
// (and whenever it has no seller), draws m candidate sellers (origin region
// from the CES search table of its destination and sector, then a seller of that block ∝
// its CES weight). With one candidate the draw is the buyer's choice, unless the
// incumbent's loyalty (the switching cost as a premium) keeps it; with several, the
// cheapest is taken if it beats the current landed cost by more than the switching cost,
// and a rationed slot searches at once. Banned or missing suppliers are always replaced.
//
// Over several ranks, the quotes of other ranks' sellers are fetched first: those of the
// firms' current suppliers (the search reads whether they rationed, the plan their prices),
// then, for the
// slots that search, those of their current seller and candidates. Candidates come from
// Philox counters alone, so they are known before any quote is read.
#include <thrust/copy.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/scan.h>
#include <thrust/transform.h>
#include <thrust/transform_reduce.h>

#include <initializer_list>
#include <utility>

#include "agents/rules.h"
#include "kernels/entities.h"
#include "kernels/ghosts.h"
#include "kernels/phases.h"
#include "kernels/rank_sums.h"
#include "kernels/reduce.h"
#include "kernels/retail.h"
#include "kernels/stockist.h"
#include "kernels/traders.h"

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
  bool suppliers = false;  // the buyer finds traders too (TablesView::find_supplier)
  bool trader = false;     // the buyer is a trader, which shops around (agents/trade.h)
  OriginTable table = OriginTable::common;  // whose producers' table (TablesView::producer_cdf)

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
  // `lists`: the entity lists the buyer is on (kernels/entities.h), 0 for none.
  ENTREPOT_HD bool banned(std::int32_t current, int dest, int sector,
                          std::uint8_t lists = 0) const {
    if (t.vacated(current)) return true;  // its firm moved away: replaced like a ban
    if (current < 0 || (!t.any_ban && lists == 0)) return false;
    const int origin = t.origin_of(current);
    return banned_from(origin, dest, sector) || entity_banned(t, lists, origin, dest, sector);
  }

  // Whether the slot draws candidates: it has no usable supplier, reviews, or was rationed
  // and shops around (several candidates, or a trader's slot; otherwise a stockout is
  // covered by the spill of trade round 2 and the buyer waits for its review: leaving at once
  // would drain the buyers of small sellers, whose stockouts are frequent, far below their
  // CES shares).
  ENTREPOT_HD bool looks(std::uint64_t buyer, std::uint32_t slot, std::int32_t current,
                         bool banned_now, bool rationed) const {
    return current < 0 || banned_now || reviews(buyer, slot) ||
           (rationed && shops_around(candidates, trader));
  }

  // Candidate c of the slot; −1 when no origin is reachable (the search ends there).
  ENTREPOT_HD std::int32_t candidate(std::uint64_t buyer, std::uint32_t slot, int c, int dest,
                                     int sector) const {
    // Two 32-bit words per candidate (origin, seller): one Philox draw serves two.
    const auto w = rng.words(buyer, step, Draw::search,
                             (slot + 1) * 16 + 1 + static_cast<std::uint32_t>(c / 2));
    return suppliers ? t.find_supplier(dest, sector, w[2 * (c % 2)], w[2 * (c % 2) + 1])
                     : t.find_seller(dest, sector, w[2 * (c % 2)], w[2 * (c % 2) + 1], table);
  }

  // `rationed`: the slot was left short last step, so the buyer looks for a seller with
  // goods to spare and takes one even at a higher price.
  // `drawn`: the slot's candidates as drawn for the list of quotes to fetch (runs over
  // several ranks), or null to draw them here.
  ENTREPOT_HD std::int32_t operator()(std::uint64_t buyer, std::uint32_t slot, int dest, int sector,
                                      std::int32_t current, bool rationed,
                                      const std::int32_t* drawn, bool& switched,
                                      std::uint8_t lists = 0) const {
    switched = false;
    const bool banned_now = banned(current, dest, sector, lists);
    if (!looks(buyer, slot, current, banned_now, rationed)) return current;
    // A banned supplier (export ban) is replaced at once, not at the next routine search.
    const bool must_replace = current < 0 || banned_now;
    // The first candidate with goods to spare is the choice: the draws are already the
    // buyer's discrete choice over landed costs (§4.2), so taking the cheapest of several
    // would sharpen every price gap beyond the trade elasticity and herd buyers onto the
    // cheapest sellers. More candidates let a buyer pass over sellers out of stock.
    std::int32_t chosen = -1;
    for (int c = 0; c < candidates && chosen < 0; ++c) {
      const std::int32_t seller =
          drawn != nullptr ? drawn[c] : candidate(buyer, slot, c, dest, sector);
      if (seller < 0) return current;  // nothing reachable
      // A seller that rationed its buyers last step has no goods to spare for new ones.
      if (quotes[seller].rationing != 0 || t.vacated(seller)) continue;
      if (is_banned(factor(seller, dest, sector)) ||
          entity_banned(t, lists, quotes[seller].origin, dest, sector)) {
        continue;
      }
      chosen = seller;
    }
    if (chosen < 0 || chosen == current) return current;
    if (!replaces_at_once(must_replace, rationed, shops_around(candidates, trader))) {
      const double loyalty = incumbent_loyalty(
          t.draw_probability(dest, sector, quotes[current].origin, current, suppliers, table),
          t.loyalty_premium[sector]);
      if (loyalty > 0.0 && to_unit(rng.words(buyer, step, Draw::loyalty, slot)[0]) < loyalty) {
        return current;
      }
    }
    switched = true;
    return chosen;
  }

  // Draws the m candidates of a slot that searches into `out`; −1 from the first that
  // finds no reachable origin on (where the search stops).
  ENTREPOT_HD void draw(std::uint64_t buyer, std::uint32_t slot, int dest, int sector,
                        std::int32_t* out) const {
    bool reachable = true;
    for (int c = 0; c < candidates; ++c) {
      out[c] = reachable ? candidate(buyer, slot, c, dest, sector) : -1;
      reachable = out[c] >= 0;
    }
  }
};

// A seller's quote: price, region and the share of last step's orders it could not serve.
struct QuoteOf {
  TablesView t;
  FirmStore::View f;
  ENTREPOT_HD Quote operator()(std::size_t j) const {
    return Quote{f.price[j], f.block[j] / t.sectors, unmet_share(f.shipped[j], f.demand[j])};
  }
};

// A retailer's quote, likewise.
struct RetailerQuoteOf {
  RetailerStore::View r;
  ENTREPOT_HD Quote operator()(std::size_t i) const {
    return Quote{r.price[i], r.region[i], unmet_share(r.shipped[i], r.demand[i])};
  }
};

// A trader's quote, likewise.
struct TraderQuoteOf {
  TraderStore::View r;
  ENTREPOT_HD Quote operator()(std::size_t i) const {
    return Quote{r.price[i], r.region[i], unmet_share(r.shipped[i], r.demand[i])};
  }
};

// The quotes of this rank's own sellers, every kind at its places (OwnedSellers).
void quote_owned(const Setting& setting, Economy& economy, const Ranks& ranks,
                 SearchScratch& scratch) {
  const OwnedSellers& owned = ranks.domain.sellers;
  scratch.quotes.resize(static_cast<std::size_t>(owned.total()));
  auto first = thrust::counting_iterator<std::size_t>(0);
  thrust::transform(first, first + economy.firms.size,
                    scratch.quotes.begin() + owned.start(kFirmSellers),
                    QuoteOf{setting.tables.view(), economy.firms.view()});
  if (economy.retailers.size > 0) {
    thrust::transform(first, first + economy.retailers.size,
                      scratch.quotes.begin() + owned.start(kRetailSellers),
                      RetailerQuoteOf{economy.retailers.view()});
  }
  if (economy.traders.size > 0) {
    thrust::transform(first, first + economy.traders.size,
                      scratch.quotes.begin() + owned.start(kTraderSellers),
                      TraderQuoteOf{economy.traders.view()});
  }
}

// The input slots of firm j: `visit(k, dest, input, current, rationed, lists)` for each used
// one, `lists` the entity lists the firm is on.
struct FirmSlots {
  SupplierSearch search;
  FirmStore::View f;
  std::uint64_t first;  // global id of firm 0
  ENTREPOT_HD std::uint64_t id(std::size_t j) const { return first + j; }
  ENTREPOT_HD std::int32_t& link(std::size_t j, int k) const { return f.supplier[k * f.size + j]; }
  template <class Visit>
  ENTREPOT_HD void each(std::size_t j, Visit&& visit) const {
    const int sector = f.block[j] % search.t.sectors;
    const int dest = f.block[j] / search.t.sectors;
    const std::uint8_t lists = barred_lists(search.t, search.rng, id(j), f.block[j]);
    for (int k = 0; k < kInputSlots; ++k) {
      const int input = search.t.input_sector[sector * kInputSlots + k];
      if (input < 0) continue;
      const std::int32_t current = link(j, k);
      // A firm knows only that its supplier rationed its buyers.
      const bool rationed = current >= 0 && search.quotes[current].rationing != 0;
      visit(k, dest, input, current, rationed, lists);
    }
  }
};

// The retailer slots of household n, likewise.
struct HouseholdSlots {
  SupplierSearch search;
  ConsumerStore::View h;
  std::uint64_t first;  // Philox id of household 0
  ENTREPOT_HD std::uint64_t id(std::size_t n) const { return first + n; }
  ENTREPOT_HD std::int32_t& link(std::size_t n, int c) const { return h.retailer[c * h.size + n]; }
  template <class Visit>
  ENTREPOT_HD void each(std::size_t n, Visit&& visit) const {
    for (int c = 0; c < search.t.consumer_slots; ++c) {
      // Slots bought at retailers choose among their market's (review_shops).
      if (search.t.at_retailer(c)) continue;
      visit(c, static_cast<int>(h.region[n]), search.t.consumer_sector[c], link(n, c),
            ((h.spill[n] >> c) & 1u) != 0, std::uint8_t{0});
    }
  }
};

// The supplier slots of stockist i (a retailer or a trader), likewise: all buy the sector it
// sells.
template <class Stockists>
struct StockistSupplierSlots {
  SupplierSearch search;
  Stockists r;
  std::uint64_t first;  // Philox id of stockist 0
  ENTREPOT_HD std::uint64_t id(std::size_t i) const { return first + i; }
  ENTREPOT_HD std::int32_t& link(std::size_t i, int k) const {
    return r.supplier[static_cast<std::size_t>(k) * r.size + i];
  }
  template <class Visit>
  ENTREPOT_HD void each(std::size_t i, Visit&& visit) const {
    const int sector = sold_sector(search.t, r, i);
    for (int k = 0; k < kRetailSlots; ++k) {
      const std::int32_t current = link(i, k);
      const bool rationed = current >= 0 && search.quotes[current].rationing != 0;
      visit(k, static_cast<int>(r.region[i]), sector, current, rationed, std::uint8_t{0});
    }
  }
};
using RetailSupplierSlots = StockistSupplierSlots<RetailerStore::View>;
using TraderSupplierSlots = StockistSupplierSlots<TraderStore::View>;

// Candidates drawn once per step over several ranks: for buyer i, its searching slots'
// candidates start at slot offset[i]; null offsets mean the search draws for itself.
struct Drawn {
  const std::int64_t* offset = nullptr;
  const std::int32_t* sellers = nullptr;
  int m = 0;
};

template <class Slots>
struct Search {
  Slots slots;
  Drawn drawn;
  ENTREPOT_HD std::int64_t operator()(std::size_t i) const {
    std::int64_t switches = 0, at = drawn.offset != nullptr ? drawn.offset[i] : 0;
    const SupplierSearch& search = slots.search;
    slots.each(i, [&](int k, int dest, int sector, std::int32_t current, bool rationed,
                      std::uint8_t lists) {
      const auto slot = static_cast<std::uint32_t>(k);
      const std::int32_t* mine = nullptr;
      if (drawn.offset != nullptr &&
          search.looks(slots.id(i), slot, current, search.banned(current, dest, sector, lists),
                       rationed)) {
        mine = drawn.sellers + at++ * drawn.m;
      }
      bool switched = false;
      slots.link(i, k) =
          search(slots.id(i), slot, dest, sector, current, rationed, mine, switched, lists);
      switches += switched ? 1 : 0;
    });
    return switches;
  }
};

// The slots of buyer i that search this step.
template <class Slots>
struct CountSearching {
  Slots slots;
  ENTREPOT_HD std::int64_t operator()(std::size_t i) const {
    std::int64_t n = 0;
    const SupplierSearch& search = slots.search;
    slots.each(i, [&](int k, int dest, int sector, std::int32_t current, bool rationed,
                      std::uint8_t lists) {
      n += search.looks(slots.id(i), static_cast<std::uint32_t>(k), current,
                        search.banned(current, dest, sector, lists), rationed)
               ? 1
               : 0;
    });
    return n;
  }
};

// Draws the candidates of buyer i's searching slots, and notes each slot's current seller
// (its quote is needed too).
template <class Slots>
struct DrawSearching {
  Slots slots;
  const std::int64_t* offset;
  std::int32_t* sellers;
  std::int32_t* current_of;
  ENTREPOT_HD void operator()(std::size_t i) const {
    std::int64_t at = offset[i];
    const SupplierSearch& search = slots.search;
    const int m = search.candidates;
    slots.each(i, [&](int k, int dest, int sector, std::int32_t current, bool rationed,
                      std::uint8_t lists) {
      const auto slot = static_cast<std::uint32_t>(k);
      if (!search.looks(slots.id(i), slot, current, search.banned(current, dest, sector, lists),
                        rationed)) {
        return;
      }
      current_of[at] = current;
      search.draw(slots.id(i), slot, dest, sector, sellers + at * m);
      ++at;
    });
  }
};

// The searching slots of one kind of buyer, drawn: offsets, candidates, current sellers.
struct SearchDraws {
  thrust::device_vector<std::int64_t> offset;
  thrust::device_vector<std::int32_t> sellers, current_of;
  Drawn view(int m) const {
    if (offset.empty()) return Drawn{};
    return Drawn{thrust::raw_pointer_cast(offset.data()), thrust::raw_pointer_cast(sellers.data()),
                 m};
  }
};

template <class Slots>
void draw_searching(std::size_t n, const Slots& slots, SearchDraws& out) {
  out.offset.resize(n + 1);
  auto first = thrust::counting_iterator<std::size_t>(0);
  thrust::transform(first, first + n, out.offset.begin(), CountSearching<Slots>{slots});
  out.offset[n] = 0;
  thrust::exclusive_scan(out.offset.begin(), out.offset.end(), out.offset.begin());
  const auto searching = static_cast<std::size_t>(static_cast<std::int64_t>(out.offset[n]));
  const int m = slots.search.candidates;
  out.sellers.resize(searching * static_cast<std::size_t>(m));
  out.current_of.resize(searching);
  thrust::for_each(first, first + n,
                   DrawSearching<Slots>{slots, thrust::raw_pointer_cast(out.offset.data()),
                                        thrust::raw_pointer_cast(out.sellers.data()),
                                        thrust::raw_pointer_cast(out.current_of.data())});
}

// The sellers of other ranks in lists of ids (−1: none), sorted and unique.
struct MarkRemote {
  const std::int32_t* ids;
  SellerIndex owned;
  Marker mark;
  ENTREPOT_HD void operator()(std::size_t i) const {
    if (ids[i] >= 0 && !owned.owns(ids[i])) mark(ids[i]);
  }
};

std::vector<std::int64_t> remote_sellers(
    const Ranks& ranks, std::initializer_list<const thrust::device_vector<std::int32_t>*> lists) {
  SellerSet set(ranks.domain.seller_total);
  auto first = thrust::counting_iterator<std::size_t>(0);
  for (const auto* ids : lists) {
    thrust::for_each(
        first, first + ids->size(),
        MarkRemote{thrust::raw_pointer_cast(ids->data()), ranks.owned_index(), set.marker()});
  }
  return set.ids();
}

// An owned seller's quote, as the searching ranks receive it.
struct SellerQuoteOf {
  const Quote* quotes;
  ENTREPOT_HD SellerQuote operator()(std::size_t j) const { return quotes[j]; }
};

// Fetches the quotes of `ids` (remote, sorted) and adds them to the ghosts of the book.
void fetch_quotes(Ranks& ranks, SearchScratch& scratch, const std::vector<std::int64_t>& ids) {
  SellerExchange& exchange = *ranks.quote_exchange;
  exchange.ask(ids);
  const Quote* own = thrust::raw_pointer_cast(scratch.quotes.data());
  const thrust::device_vector<SellerQuote> fetched =
      answer(ranks, exchange, pack_owned<SellerQuote>(ranks, exchange.asked(), SellerQuoteOf{own}));
  thrust::device_vector<std::int64_t> keys =
      merge_ghosts(scratch.quotes, static_cast<std::size_t>(ranks.domain.sellers.total()),
                   ranks.quote_ghosts, on_device(ids), fetched);
  ranks.quote_ghosts.assign(merge_ids(ranks.quote_ghosts.ids, ids), std::move(keys));
}

}  // namespace

void quote_suppliers(const Setting& setting, Economy& economy, Ranks& ranks,
                     SearchScratch& scratch) {
  ranks.quote_ghosts.clear();
  quote_owned(setting, economy, ranks, scratch);
  if (ranks.distributed()) {
    fetch_quotes(ranks, scratch,
                 remote_sellers(ranks, {&economy.firms.supplier, &economy.retailers.supplier,
                                        &economy.traders.supplier}));
  }
}

std::int64_t search_suppliers(const Setting& setting, Economy& economy, Ranks& ranks,
                              SearchScratch& scratch, int step, double probability) {
  const Behaviour& b = setting.behaviour;
  FirmStore::View f = economy.firms.view();
  ConsumerStore::View h = economy.consumers.view();
  const TablesView t = setting.tables.view();
  RetailerStore::View r = economy.retailers.view();
  TraderStore::View w = economy.traders.view();
  // With retail markets households choose among their market's retailers for goods
  // (review_shops) and search producers for services; the retailers search producers.
  const bool retail = t.markets > 0;
  // One 16-byte quote per seller, so each candidate costs a single random read; in the
  // books' order, every kind of seller at its places (OwnedSellers).
  ranks.quote_ghosts.clear();
  quote_owned(setting, economy, ranks, scratch);
  auto first = thrust::counting_iterator<std::size_t>(0);
  const bool every_step = probability >= 1.0;
  const auto rate = every_step ? 0u : static_cast<std::uint32_t>(probability * 4294967296.0);
  const int m_candidates = b.candidates < 15 ? b.candidates : 15;
  auto make_search = [&]() {
    return SupplierSearch{t,
                          Book<const Quote>{thrust::raw_pointer_cast(scratch.quotes.data()),
                                            ranks.seller_index(ranks.quote_ghosts)},
                          setting.rng,
                          step,
                          every_step,
                          rate,
                          m_candidates};
  };
  // Firms and retailers find traders too; households and traders producers only, each by
  // their own table.
  auto supplier_search = [&]() {
    SupplierSearch search = make_search();
    search.suppliers = true;
    return search;
  };
  auto sourcing_search = [&]() {
    SupplierSearch search = make_search();
    search.table = OriginTable::trader;
    search.trader = true;
    return search;
  };
  auto household_search = [&]() {
    SupplierSearch search = make_search();
    search.table = OriginTable::household;
    return search;
  };
  const std::uint64_t firm0 = ranks.domain.firm_id(0), household0 = ranks.domain.household_id(0);
  const std::uint64_t retailer0 = ranks.domain.retailer_id(0);
  const std::uint64_t trader0 = ranks.domain.trader_id(0);
  SearchDraws firm_draws, household_draws, retailer_draws, trader_draws;
  if (ranks.distributed()) {
    // Firms', retailers' and traders' suppliers' quotes come first: the search reads whether
    // they rationed, and the plans price the goods at them.
    fetch_quotes(ranks, scratch,
                 remote_sellers(ranks, {&economy.firms.supplier, &economy.retailers.supplier,
                                        &economy.traders.supplier}));
    // Then every searching slot's candidates, drawn once and kept for the search, and its
    // current seller.
    const SupplierSearch suppliers = supplier_search();
    draw_searching(f.size, FirmSlots{suppliers, f, firm0}, firm_draws);
    draw_searching(h.size, HouseholdSlots{household_search(), h, household0}, household_draws);
    draw_searching(r.size, RetailSupplierSlots{suppliers, r, retailer0}, retailer_draws);
    draw_searching(w.size, TraderSupplierSlots{sourcing_search(), w, trader0}, trader_draws);
    fetch_quotes(
        ranks, scratch,
        subtract_ids(remote_sellers(ranks, {&firm_draws.sellers, &household_draws.sellers,
                                            &household_draws.current_of, &retailer_draws.sellers,
                                            &trader_draws.sellers}),
                     ranks.quote_ghosts.ids));
  }
  const SupplierSearch suppliers = supplier_search();
  const std::int64_t by_firms = thrust::transform_reduce(
      first, first + f.size,
      Search<FirmSlots>{FirmSlots{suppliers, f, firm0}, firm_draws.view(m_candidates)},
      std::int64_t{0}, thrust::plus<std::int64_t>());
  std::int64_t by_households = thrust::transform_reduce(
      first, first + h.size,
      Search<HouseholdSlots>{HouseholdSlots{household_search(), h, household0},
                             household_draws.view(m_candidates)},
      std::int64_t{0}, thrust::plus<std::int64_t>());
  if (retail) by_households += review_shops(setting, economy, ranks, scratch, step, probability);
  const std::int64_t by_retailers = thrust::transform_reduce(
      first, first + r.size,
      Search<RetailSupplierSlots>{RetailSupplierSlots{suppliers, r, retailer0},
                                  retailer_draws.view(m_candidates)},
      std::int64_t{0}, thrust::plus<std::int64_t>());
  const std::int64_t by_traders = thrust::transform_reduce(
      first, first + w.size,
      Search<TraderSupplierSlots>{TraderSupplierSlots{sourcing_search(), w, trader0},
                                  trader_draws.view(m_candidates)},
      std::int64_t{0}, thrust::plus<std::int64_t>());
  return ranks.sum_over_ranks(by_firms + by_households + by_retailers + by_traders);
}

}  // namespace entrepot

namespace entrepot {
namespace {

struct SellerWeight {
  FirmStore::ConstView f;
  const double* block_price;
  double elasticity;
  ENTREPOT_HD std::int64_t operator()(std::size_t j) const {
    return f.open[j] != 0 ? seller_weight(f.price[j], block_price[f.block[j]], elasticity) : 0;
  }
};

struct BlockWeight {
  FirmStore::ConstView f;
  const double* block_price;
  double elasticity;
  ENTREPOT_HD Totals<2> operator()(std::size_t j) const {
    if (f.open[j] == 0) return Totals<2>{{0, 0}};  // a free site sells nothing
    return Totals<2>{{seller_weight(f.price[j], block_price[f.block[j]], elasticity), 1}};
  }
};

}  // namespace

void update_block_prices(const Setting& setting, Economy& economy, const Ranks& ranks) {
  const int blocks = setting.tables.regions * setting.tables.sectors;
  const double elasticity = setting.behaviour.variety_elasticity;
  const thrust::device_vector<double> before(economy.block_price.begin(),
                                             economy.block_price.end());
  const FirmStore::ConstView f = std::as_const(economy.firms).view();
  auto totals =
      totals_by_key<2>(f.size, blocks, FirmBlock{f.block},
                       BlockWeight{f, thrust::raw_pointer_cast(before.data()), elasticity});
  ranks.sum_over_ranks(totals);
  for (int b = 0; b < blocks; ++b) {
    economy.block_price[b] =
        price_index(economy.block_price[b], totals[b].v[0], totals[b].v[1], elasticity);
  }
  update_trader_prices(setting, economy, ranks);
}

void refresh_sellers(const Behaviour& behaviour, const Economy& economy, const Ranks& ranks,
                     Tables& tables) {
  const Domain& d = ranks.domain;
  const thrust::device_vector<double> block_price(economy.block_price.begin(),
                                                  economy.block_price.end());
  thrust::device_vector<std::int64_t>& running = tables.seller_cumulative;
  running.assign(static_cast<std::size_t>(d.firm_total), 0);
  auto first = thrust::counting_iterator<std::size_t>(0);
  thrust::transform(
      first, first + economy.firms.size, running.begin() + d.firm_first,
      SellerWeight{std::as_const(economy.firms).view(),
                   thrust::raw_pointer_cast(block_price.data()), behaviour.variety_elasticity});
  // Each rank filled its own firms; the sum over ranks is every firm's weight.
  sum_over_ranks(ranks, running);
  thrust::inclusive_scan(running.begin(), running.end(), running.begin());
}

}  // namespace entrepot
