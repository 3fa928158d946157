// The tables derived from the world and the policy in force, as kernels read them: the
// agent layout, input recipes, household budget slots, trade costs and search weights.
// Rebuilt from the scenario and the world (kernels/tables.cpp), never saved.
#pragma once

#include <thrust/device_vector.h>

#include <cstdint>
#include <vector>

#include "base/backend.h"
#include "base/limits.h"

namespace entrepot {

// Whose origin table a producer search reads (TablesView::producer_cdf): every buyer's,
// a trader's (sourcing_cdf) or a household's (household_cdf).
enum class OriginTable : std::uint8_t { common, trader, household };

// Read-only tables as kernels see them.
struct TablesView {
  int regions, sectors, countries, consumer_slots;
  bool any_ban;  // whether some flow is banned now (most steps of most runs: no)
  const std::int32_t* region_country;
  const double* region_tfp;         // A_r under the region's capacity events: its wage level
  const std::int64_t* block_start;  // firms of block b = r·S+s: [block_start[b], block_start[b+1])
  const std::int64_t* consumer_start;   // consumers of region r: [consumer_start[r], …[r+1])
  const std::int32_t* input_sector;     // [s·K + k], −1 when unused
  const double* input_amount;           // a[k][s]
  const std::int32_t* consumer_sector;  // sector of each household slot
  const double* consumer_share;         // β of each household slot by region: [r·slots + c]
  const double* markup;
  const double* loyalty_premium;  // B − 1 of each sector (agents/trade.h switching_premium)
  const double* iceberg;          // [(o·R + d)·S + s]
  const double* trade_factor;     // τ·b·(1+t)·x as buyers weigh it, +∞ when banned
  const double* paid_factor;      // τ·(1+t)·x as buyers pay it (no border friction)
  const double* exchange;         // x: units of the buyer's currency per unit of the seller's
  const double* duty_rate;        // t of the importer on the exporter
  const double* duty_outside;     // t on goods that fail the pair's rule of origin
  const std::int32_t* rule_bloc;  // [o·R + d]: the bloc whose rule of origin decides, −1 none
  const std::uint32_t* country_blocs;  // per country: a bit per bloc it belongs to
  const double* bloc_content;          // per bloc: its regional value content (0: no rule)
  const double* zone_share;            // per region: the share of its firms in its bonded zone
  // Per importing country: the share of goods shipped by traders from a third country whose
  // origin its customs enforce, and the penalty rate on them (World::enforcement).
  const double* enforcement;
  const double* transshipment_penalty;
  // Per region: what settling a merchant's sale abroad costs, a share of it
  // (World::settlement_cost).
  const double* settlement_cost;
  const std::uint64_t* origin_cdf;  // [(d·S + s)·R + o], cumulative, last = 2^32 (0 if none)
  // Inclusive running total over all firms (global ids) of their market presence
  // (seller_presence, agents/trade.h); a block's firms are a contiguous range of it.
  const std::int64_t* seller_cumulative;
  const std::int64_t* export_first;  // per block: its exporters are [export_first, block end)
  // Retail markets (none: markets = 0): each market's first household (and, last, the number
  // of households) and region, its retailers per retail slot, and each sector's switching
  // cost c as shoppers weigh it.
  std::int64_t markets;
  int retailers_per_sector;
  const std::int64_t* market_start;
  const std::int32_t* market_region;
  const double* switching_cost;
  // The household slots bought at retailers (goods; services are bought from producers):
  // their number, each household slot's place among them (−1: not one), and back.
  int retail_slots;
  int retail_slot[kConsumerSlots];
  int retail_household_slot[kConsumerSlots];
  // Traders (none: traders = 0), block by block: those of block b = r·S+s are the seller
  // ids trader_seller_first + [trader_start[b], trader_start[b+1]). Firms and retailers
  // search them together with producers through supplier_cdf ([(d·S + s)·2R + o]: the
  // producers of origin o, then at R + h the traders of region h; cumulative, last 2^32).
  std::int64_t traders = 0, trader_seller_first = 0;
  const std::int64_t* trader_start = nullptr;
  // Per block: its foreign traders (the last of its traders), and how many of its traders
  // buyers can find (all but the foreign ones where the sector is on the negative list).
  const std::int64_t* trader_foreign = nullptr;
  const std::int64_t* trader_reach = nullptr;
  const std::uint64_t* supplier_cdf = nullptr;
  // Producers as traders find them when they buy ([(d·S + s)·R + o], as origin_cdf): at
  // trade costs whose border friction is cut by friction_cut, as their buyers weigh them.
  const std::uint64_t* sourcing_cdf = nullptr;
  // Producers as households find them (as origin_cdf), where they shop only in their own
  // region (RetailSettings::local_services): the own region's where it has any.
  const std::uint64_t* household_cdf = nullptr;
  // Per region: its place among the hubs whose traders' trade is followed (World::region_hub).
  const std::int32_t* region_hub = nullptr;
  // Entity lists (kernels/entities.h): per list × block the share of the block's firms on it,
  // the firms named by id (ascending, a bit per list each), and per exporting country ×
  // sector a bit per list its bans cover. any_entity_ban: whether one covers any list now.
  bool any_entity_ban = false;
  int entity_lists = 0;
  std::int64_t entity_named = 0;
  const double* entity_share = nullptr;
  const std::int64_t* entity_id = nullptr;
  const std::uint8_t* entity_id_lists = nullptr;
  const std::uint8_t* entity_ban = nullptr;
  // Relocation (agents/relocation.h; null where firms never move): per block, its sites that
  // start free; per firm site (global id), 1 where a firm works it now.
  const std::int64_t* free_sites = nullptr;
  const std::uint8_t* site_open = nullptr;
  // Emissions (agents/carbon.h; null where nothing is emitted): kg CO2 per unit, per block.
  const double* emission_intensity = nullptr;
  // Emissions trading (kernels/carbon.h; null where no market runs yet): per block its
  // market (−1: none running), and per market this step's allowance price (money per kg),
  // abatement slope (money per kg) and most that can be cut.
  const std::int32_t* carbon_market = nullptr;
  const double* allowance_price = nullptr;
  const double* allowance_reserve = nullptr;  // the least its surplus holdings sell for
  const double* abatement_slope = nullptr;
  const double* abatement_max = nullptr;
  // Per block: its firms' output per worker, A_r under the capacity events in force on the
  // region and on the block's sector. Per sector: η of its producers' prices.
  const double* block_tfp = nullptr;
  const double* price_adjust = nullptr;

  // Whether seller `id` is a firm's site left free (its firm moved away, or none came yet):
  // its buyers look for another seller at once.
  ENTREPOT_HD bool vacated(std::int64_t id) const {
    return site_open != nullptr && id >= 0 && id < block_start[regions * sectors] &&
           site_open[id] == 0;
  }

  ENTREPOT_HD bool is_trader(std::int64_t seller) const {
    return traders > 0 && seller >= trader_seller_first;
  }
  // The block of a trader (seller id).
  ENTREPOT_HD int trader_block(std::int64_t seller) const {
    return static_cast<int>(run_of(trader_start, static_cast<std::int64_t>(regions) * sectors,
                                   seller - trader_seller_first));
  }

  // A market's retailers: per retail slot, retailers_per_sector of them in a row.
  ENTREPOT_HD std::int64_t retailers_per_market() const {
    return static_cast<std::int64_t>(retail_slots) * retailers_per_sector;
  }
  // Whether households buy household slot c at their market's retailers.
  ENTREPOT_HD bool at_retailer(int c) const { return markets > 0 && retail_slot[c] >= 0; }
  // The retailer `ahead` places after `shop` (both seller ids, `retail_first` that of
  // retailer 0) among its market's retailers of the same slot, cyclically (0 < ahead < K).
  ENTREPOT_HD std::int64_t retailer_after(std::int64_t retail_first, std::int64_t shop,
                                          std::int64_t ahead) const {
    const std::int64_t local = shop - retail_first, own = local % retailers_per_sector;
    return retail_first + local - own + (own + ahead) % retailers_per_sector;
  }

  // Of `n` ascending starts, the last at or before `id` (0 when none is): which block, market
  // or other run of ids holds it (empty runs start where the next one does).
  ENTREPOT_HD static std::int64_t run_of(const std::int64_t* start, std::int64_t n,
                                         std::int64_t id) {
    std::int64_t lo = 0, hi = n - 1;
    while (lo < hi) {
      const std::int64_t mid = (lo + hi + 1) / 2;
      if (start[mid] <= id) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }
  // The region of a seller, from the block layout alone.
  ENTREPOT_HD int origin_of(std::int64_t seller) const {
    if (is_trader(seller)) return trader_block(seller) / sectors;
    return static_cast<int>(
               run_of(block_start, static_cast<std::int64_t>(regions) * sectors, seller)) /
           sectors;
  }
  // The retail market of household `id` (global).
  ENTREPOT_HD std::int64_t market_of(std::int64_t id) const {
    return run_of(market_start, markets, id);
  }

  ENTREPOT_HD std::size_t rrs(int o, int d, int s) const {
    return (static_cast<std::size_t>(o) * regions + d) * sectors + s;
  }

  // A seller's price (its currency) in the currency of a buyer of trade cell `cell`.
  ENTREPOT_HD double buyer_price(double price, std::size_t cell) const {
    return price * exchange[cell];
  }

  // A seller of `sector` found by a buyer in `dest` from two random words: the origin
  // region from the search table, then a seller of that (region, sector) block drawn ∝ its
  // market presence, among its exporters when the origin is in another country. −1 when no
  // origin is reachable.
  // `table`: whose origin table the search reads (producer_cdf).
  ENTREPOT_HD std::int32_t find_seller(int dest, int sector, std::uint32_t origin_word,
                                       std::uint32_t seller_word,
                                       OriginTable table = OriginTable::common) const;
  // The same among producers and traders (supplier_cdf), for buyers that may buy from
  // traders (firms' inputs, retailers' stock); find_seller where the world has no traders.
  ENTREPOT_HD std::int32_t find_supplier(int dest, int sector, std::uint32_t origin_word,
                                         std::uint32_t seller_word) const;
  // A producer of block (origin, sector) that a buyer in `dest` finds with `seller_word`.
  ENTREPOT_HD std::int32_t seller_in(int origin, int dest, int sector,
                                     std::uint32_t seller_word) const;

  // The first id of the block's sellers a buyer in `dest` can find: all of them at home,
  // its exporters from another country.
  ENTREPOT_HD std::int64_t sellers_from(int origin, int dest, int sector) const {
    const int block = origin * sectors + sector;
    return region_country[origin] == region_country[dest] ? block_start[block]
                                                          : export_first[block];
  }

  // The probability that find_seller (find_supplier: `suppliers`) draws `seller` for a
  // buyer of `sector` in `dest`.
  ENTREPOT_HD double draw_probability(int dest, int sector, int origin, std::int32_t seller,
                                      bool suppliers = false,
                                      OriginTable table = OriginTable::common) const;
  // The producers' origin table a search reads: a trader's own, households' own, or every
  // other buyer's.
  ENTREPOT_HD const std::uint64_t* producer_cdf(OriginTable table) const {
    if (table == OriginTable::trader && traders > 0) return sourcing_cdf;
    if (table == OriginTable::household && household_cdf != nullptr) return household_cdf;
    return origin_cdf;
  }

  // The buyers' region and the sector of trade cell `cell`.
  ENTREPOT_HD int cell_dest(std::size_t cell) const {
    return static_cast<int>(cell / static_cast<std::size_t>(sectors) %
                            static_cast<std::size_t>(regions));
  }
  ENTREPOT_HD int cell_sector(std::size_t cell) const {
    return static_cast<int>(cell % static_cast<std::size_t>(sectors));
  }
  // A followed hub's route, goods made in `o` sold by its traders to buyers in `d`:
  // [((h·R + o)·R + d)·S + s] (TradeFlows::handled, offshore); and what its merchants bought
  // in `o`: [(h·R + o)·S + s] (TradeFlows::offshore_bought).
  ENTREPOT_HD std::size_t hub_route(int hub, int o, int d, int s) const {
    const auto r = static_cast<std::size_t>(regions);
    return ((static_cast<std::size_t>(hub) * r + static_cast<std::size_t>(o)) * r +
            static_cast<std::size_t>(d)) *
               static_cast<std::size_t>(sectors) +
           static_cast<std::size_t>(s);
  }
  ENTREPOT_HD std::size_t hub_origin(int hub, int o, int s) const {
    return (static_cast<std::size_t>(hub) * static_cast<std::size_t>(regions) +
            static_cast<std::size_t>(o)) *
               static_cast<std::size_t>(sectors) +
           static_cast<std::size_t>(s);
  }

  // Whether the flows of trade cell `cell` cross a border.
  ENTREPOT_HD bool crosses_border(std::size_t cell) const {
    const std::size_t pair = cell / static_cast<std::size_t>(sectors);
    return region_country[pair / static_cast<std::size_t>(regions)] !=
           region_country[pair % static_cast<std::size_t>(regions)];
  }
  // The duty rate on goods of trade cell `cell` from a seller whose goods meet the rules of
  // origin of the blocs in `preferences` (a bit per bloc): the preferential rate unless the
  // pair trades under a bloc whose rule they fail.
  ENTREPOT_HD double duty(std::size_t cell, std::uint32_t preferences) const {
    const std::int32_t bloc = rule_bloc[cell / static_cast<std::size_t>(sectors)];
    return bloc >= 0 && ((preferences >> bloc) & 1u) == 0 ? duty_outside[cell] : duty_rate[cell];
  }
};

// ⌊word·total / 2³²⌋: a 32-bit random word scaled to [0, total), exact for any total < 2⁶³.
ENTREPOT_HD std::int64_t scale_word(std::uint32_t word, std::int64_t total) {
  const auto t = static_cast<std::uint64_t>(total);
  const std::uint64_t high = (t >> 32) * word, low = ((t & 0xffffffffULL) * word) >> 32;
  return static_cast<std::int64_t>(high + low);
}

// The first index in [first, last) whose inclusive running total exceeds `target`.
ENTREPOT_HD std::int64_t first_above(const std::int64_t* cumulative, std::int64_t first,
                                     std::int64_t last, std::int64_t target) {
  std::int64_t lo = first, hi = last - 1;
  while (lo < hi) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    if (cumulative[mid] > target) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

// A firm of the ids [first, last) drawn ∝ weight with the 64-bit `draw`: `cumulative` is
// an inclusive running total of weights over firms from global id `base` on (the labour
// mirror's). −1 when the range has no firm or no weight.
ENTREPOT_HD std::int64_t draw_weighted(const std::int64_t* cumulative, std::int64_t base,
                                       std::int64_t first, std::int64_t last, std::uint64_t draw) {
  first -= base;
  last -= base;
  if (last <= first) return -1;
  const std::int64_t before = first > 0 ? cumulative[first - 1] : 0;
  const std::int64_t total = cumulative[last - 1] - before;
  if (total <= 0) return -1;
  const std::int64_t target =
      before + static_cast<std::int64_t>(draw % static_cast<std::uint64_t>(total));
  return first_above(cumulative, first, last, target) + base;
}

// The firm of the ids [first, last) at position `rank` of `count` evenly spaced points over
// the running total of weights (systematic sampling): where the total crosses
// (rank + ½)/count of the range's; `cumulative` and `base` as in draw_weighted. −1 when the
// range has no firm, no weight, or count ≤ 0.
ENTREPOT_HD std::int64_t pick_systematic(const std::int64_t* cumulative, std::int64_t base,
                                         std::int64_t first, std::int64_t last, std::int64_t rank,
                                         std::int64_t count) {
  first -= base;
  last -= base;
  if (last <= first || count <= 0) return -1;
  const std::int64_t before = first > 0 ? cumulative[first - 1] : 0;
  const std::int64_t total = cumulative[last - 1] - before;
  if (total <= 0) return -1;
  const __int128 point = (static_cast<__int128>(2 * rank + 1) * total) / (2 * count);
  return first_above(cumulative, first, last, before + static_cast<std::int64_t>(point)) + base;
}

ENTREPOT_HD std::int32_t TablesView::seller_in(int origin, int dest, int sector,
                                               std::uint32_t seller_word) const {
  const std::int64_t first = sellers_from(origin, dest, sector);
  const std::int64_t last = block_start[origin * sectors + sector + 1];
  if (last <= first) return -1;
  const std::int64_t before = first > 0 ? seller_cumulative[first - 1] : 0;
  const std::int64_t target =
      before + scale_word(seller_word, seller_cumulative[last - 1] - before);
  return static_cast<std::int32_t>(first_above(seller_cumulative, first, last, target));
}

ENTREPOT_HD std::int32_t TablesView::find_seller(int dest, int sector, std::uint32_t origin_word,
                                                 std::uint32_t seller_word,
                                                 OriginTable table) const {
  const std::uint64_t* cdf =
      producer_cdf(table) + (static_cast<std::size_t>(dest) * sectors + sector) * regions;
  if (cdf[regions - 1] == 0) return -1;
  int origin = 0;
  while (static_cast<std::uint64_t>(origin_word) >= cdf[origin]) ++origin;
  return seller_in(origin, dest, sector, seller_word);
}

ENTREPOT_HD std::int32_t TablesView::find_supplier(int dest, int sector, std::uint32_t origin_word,
                                                   std::uint32_t seller_word) const {
  if (traders == 0) return find_seller(dest, sector, origin_word, seller_word);
  const std::uint64_t* cdf =
      supplier_cdf + (static_cast<std::size_t>(dest) * sectors + sector) * 2 * regions;
  if (cdf[2 * regions - 1] == 0) return -1;
  int origin = 0;
  while (static_cast<std::uint64_t>(origin_word) >= cdf[origin]) ++origin;
  if (origin < regions) return seller_in(origin, dest, sector, seller_word);
  const int block = (origin - regions) * sectors + sector;
  const std::int64_t n = trader_reach[block];
  if (n <= 0) return -1;
  return static_cast<std::int32_t>(trader_seller_first + trader_start[block] +
                                   scale_word(seller_word, n));
}

ENTREPOT_HD double TablesView::draw_probability(int dest, int sector, int origin,
                                                std::int32_t seller, bool suppliers,
                                                OriginTable table) const {
  const bool both = suppliers && traders > 0;
  const int entries = both ? 2 * regions : regions;
  const std::uint64_t* cdf = (both ? supplier_cdf : producer_cdf(table)) +
                             (static_cast<std::size_t>(dest) * sectors + sector) * entries;
  const int at = both && is_trader(seller) ? regions + origin : origin;
  const std::uint64_t below = at > 0 ? cdf[at - 1] : 0;
  const double origin_share = static_cast<double>(cdf[at] - below) / 4294967296.0;
  if (at >= regions) {
    const int block = origin * sectors + sector;
    const std::int64_t n = trader_reach[block];
    return n > 0 ? origin_share / static_cast<double>(n) : 0.0;
  }
  const std::int64_t first = sellers_from(origin, dest, sector);
  if (seller < first) return 0.0;
  const std::int64_t last = block_start[origin * sectors + sector + 1];
  const std::int64_t before = first > 0 ? seller_cumulative[first - 1] : 0;
  const std::int64_t total = seller_cumulative[last - 1] - before;
  if (total <= 0) return 0.0;
  const std::int64_t own =
      seller_cumulative[seller] - (seller > 0 ? seller_cumulative[seller - 1] : 0);
  return origin_share * static_cast<double>(own) / static_cast<double>(total);
}

// The same tables on the host, for the passes that run there (accounts, statistics, the
// trade-cost refresh).
struct HostTables {
  std::vector<std::int64_t> block_start, consumer_start;
  std::vector<std::int32_t> consumer_sector;
  // The sector whose value added retailers' and traders' margins are (distributive trade is
  // a service): the scenario's first service sector; −1 where it has none (then the sector
  // they sell).
  int distribution_sector = -1;
  std::vector<double> consumer_share;      // β by region and household slot: [r·slots + c]
  std::vector<double> iceberg;             // τ_s(o,d): origin × dest × sector, ≥ 1
  std::vector<double> friction;            // border friction b_s(o,d), same layout, ≥ 1
  std::vector<double> trade_factor;        // τ·b·(1+t)·x under the policy in force, same layout
  std::vector<double> productivity;        // A_r as the scenario sets it, before capacity events
  std::vector<std::int64_t> trader_start;  // per block, as TablesView::trader_start
  std::vector<std::int64_t> trader_foreign, trader_reach;  // per block, as TablesView's
  // Relocation: per block, its sites that start free (none: a sector that may not move), and
  // per site, 1 where a firm works it (as Tables::site_open); empty where firms never move.
  std::vector<std::int64_t> free_sites;
  std::vector<std::uint8_t> site_open;
  // kg CO2 per unit of goods, per block (agents/carbon.h); empty where nothing is emitted.
  std::vector<double> emission_intensity;
  // Emissions trading (kernels/carbon.h), fixed at set-up: per block, its market (−1: none)
  // and the free allowances each of its sites gets per step at the first cap, micro-kg; per
  // market, what its covered firms emit per step at set-up, micro-kg. Empty without markets.
  std::vector<std::int32_t> carbon_market;
  std::vector<double> free_per_site, covered_emissions;
  // The border carbon adjustments' ad valorem rates in force, per exporter × importer ×
  // sector (World::flow_cell); all 0 without one.
  std::vector<double> border_carbon;
};

struct Tables {
  int regions = 0, sectors = 0, countries = 0, consumer_slots = 0;
  HostTables host;
  bool any_ban = false;
  thrust::device_vector<std::int32_t> region_country;
  thrust::device_vector<double> region_tfp;
  thrust::device_vector<std::int64_t> block_start, consumer_start;
  thrust::device_vector<std::int32_t> input_sector;
  thrust::device_vector<double> input_amount;
  thrust::device_vector<std::int32_t> consumer_sector;
  thrust::device_vector<double> consumer_share, markup, loyalty_premium;
  thrust::device_vector<double> iceberg, trade_factor, paid_factor, exchange, duty_rate;
  thrust::device_vector<double> duty_outside, bloc_content, zone_share;
  thrust::device_vector<double> enforcement, transshipment_penalty, settlement_cost;
  thrust::device_vector<std::int32_t> rule_bloc;
  thrust::device_vector<std::uint32_t> country_blocs;
  thrust::device_vector<std::uint64_t> origin_cdf;
  thrust::device_vector<std::int64_t> seller_cumulative;
  thrust::device_vector<std::int64_t> export_first;
  std::int64_t markets = 0;
  int retailers_per_sector = 0;
  thrust::device_vector<std::int64_t> market_start;
  thrust::device_vector<std::int32_t> market_region;
  thrust::device_vector<double> switching_cost;
  int retail_slots = 0;
  int retail_slot[kConsumerSlots] = {};
  int retail_household_slot[kConsumerSlots] = {};
  std::int64_t traders = 0, trader_seller_first = 0;
  thrust::device_vector<std::int64_t> trader_start, trader_foreign, trader_reach;
  // Per region: the profit tax on its traders' income (a hub's may be lower).
  thrust::device_vector<double> trader_tax;
  thrust::device_vector<std::uint64_t> supplier_cdf, sourcing_cdf, household_cdf;
  thrust::device_vector<std::int32_t> region_hub;  // World::region_hub
  bool any_entity_ban = false;                     // as TablesView's, and the entity tables below
  int entity_lists = 0;
  thrust::device_vector<double> entity_share;
  thrust::device_vector<std::int64_t> entity_id;
  thrust::device_vector<std::uint8_t> entity_id_lists, entity_ban;
  // Relocation (TablesView::free_sites, site_open): empty where firms never move; site_open
  // is the replicated copy of every rank's firms' `open`, kept by kernels/relocation.cpp.
  thrust::device_vector<std::int64_t> free_sites;
  thrust::device_vector<std::uint8_t> site_open;
  // As TablesView's; carbon_market lists only the markets running this step.
  thrust::device_vector<double> emission_intensity;
  thrust::device_vector<std::int32_t> carbon_market;
  thrust::device_vector<double> allowance_price, allowance_reserve, abatement_slope, abatement_max;
  thrust::device_vector<double> free_per_site;            // as HostTables', for the issue
  thrust::device_vector<double> block_tfp, price_adjust;  // as TablesView's
  // retailers_per_sector is 0 without markets.
  std::int64_t retailers_per_market() const {
    return static_cast<std::int64_t>(retail_slots) * retailers_per_sector;
  }
  TablesView view() const;
};

}  // namespace entrepot
