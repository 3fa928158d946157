// The world as flat tables the kernels read: distances, tariffs and bans, rebuilt from
// the scenario plus the events that have fired. Trade costs follow from them by the rules
// of agents/trade.h (kernels/tables.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "world/scenario.h"

namespace entrepot {

class World {
 public:
  explicit World(const Scenario& scenario);

  int countries() const { return static_cast<int>(country_code.size()); }
  int regions() const { return static_cast<int>(region_name.size()); }
  int sectors() const { return static_cast<int>(sector_name.size()); }

  // Applies the timeline events due at `step` (phase-ins included); true if a table changed.
  bool apply_policy(int step);

  // Index helpers for the flat tables.
  std::size_t rrs(int origin, int dest, int sector) const {
    return (static_cast<std::size_t>(origin) * regions() + dest) * sectors() + sector;
  }
  // Every trade table, from the tariffs to /series, is laid out exporter × importer × sector:
  // the cell of a flow from `exporter` to `importer` in `sector`. Region tables likewise
  // (rrs: origin × destination × sector).
  // Firms' inputs by the buying firms' sector: origin × sector × destination × buyer sector.
  std::size_t input_use_cell(int origin, int sector, int dest, int buyer_sector) const {
    return ((static_cast<std::size_t>(origin) * sectors() + sector) * regions() + dest) *
               sectors() +
           buyer_sector;
  }
  std::size_t flow_cell(int exporter, int importer, int sector) const {
    return (static_cast<std::size_t>(exporter) * countries() + importer) * sectors() + sector;
  }

  // Names and coordinates (also written to /world in the output).
  std::vector<std::string> country_code, country_name, region_name, sector_name;
  // The hubs whose traders' trade is followed (/series/handled_trade_value): the regions
  // flagged `hub` where the world has traders, none otherwise; region_hub[r] is a region's
  // place among them, −1 where it is not one.
  std::vector<std::string> hub_name;
  std::vector<int> region_hub;
  // The carbon markets (/series/carbon_price and the like), as the scenario names them.
  std::vector<std::string> carbon_market_name;
  // The commodity venues (/series/venue_price and the like), as the scenario names them.
  std::vector<std::string> venue_name;
  std::vector<int> region_country;
  std::vector<double> distance_km;  // region × region, great-circle
  std::vector<double> tariff;       // of the importer on the exporter: flow_cell(e, i, s), now
  std::vector<double> base_tariff;  // the same at step 0
  // The rate on goods that fail the rule of origin of the pair's preference (the rate
  // without the bloc factor), same layout; equal to `tariff` where no bloc is shared.
  std::vector<double> tariff_outside;
  // Per country pair, exporter × importer: the bloc whose preference the pair trades under
  // (the shared bloc with the lowest tariff factor), −1 when they share none.
  std::vector<int> preference;
  std::vector<std::uint8_t> banned;  // exports banned: flow_cell(e, i, s)
  // Entity lists: per list, the share of the firms of its regions × sectors on it (the
  // scenario's, then its entity_list events'); per exporting country × sector, a bit per
  // list whose firms may not buy that sector from it ([e·S + s]; export bans with entities).
  std::vector<double> entity_share;
  std::vector<std::uint8_t> entity_ban;
  // Per country: the factor on the border costs of its trade (a flow bears its sector's
  // border cost times the mean of its two countries' factors), the scenario's.
  std::vector<double> border_factor;
  // Per region: the product of the factors of the capacity events in force, 1 without any;
  // per region × sector, [r·S + s], that of the events in force for some of its sectors.
  std::vector<double> region_capacity, block_capacity;
  // Per region: the share of its firms inside its bonded zone (the scenario's, then its
  // bonded-zone events').
  std::vector<double> zone_share;
  // Per importing country: the share of goods traders ship from a third country whose
  // origin its customs enforce, and the penalty rate on those goods on top of the origin's
  // duty (traders' enforcement, then its transshipment events').
  std::vector<double> enforcement, transshipment_penalty;
  // Per region: the share of its merchants' sales abroad that settling them in foreign
  // currency costs (traders.settlement_cost in hubs, offshore_settlement events).
  std::vector<double> settlement_cost;
  // Per region × sector: 1 where the sector is on the region's negative list (closed to its
  // foreign traders), the scenario's, then its negative_list events'.
  std::vector<std::uint8_t> closed_to_foreign;
  // Per importing country × sector: the share of the carbon price gap its border carbon
  // adjustment charges (border_carbon_adjustment events; 0: none).
  std::vector<double> carbon_adjustment;
  // Per venue × country, [v·C + c]: 1 where the country's traders may join the venue (the
  // scenario's members, then its venue_access events').
  std::vector<std::uint8_t> venue_member;
  // The share of a move's cost the destination's government pays (RelocationSubsidy): per
  // destination country × origin country × sector, [(d·C + o)·S + s]; the scenario's
  // relocation.subsidies, then its relocation_subsidy events' (a later one for the same
  // cells replaces the earlier share).
  std::vector<double> relocation_subsidy;
  std::size_t subsidy_cell(int dest_country, int origin_country, int sector) const {
    return (static_cast<std::size_t>(dest_country) * countries() + origin_country) * sectors() +
           sector;
  }
  // Per country: its central bank's currency regime in force (the scenario's, then its
  // currency events').
  std::vector<Currency> currency;
  // Per country: the step its regime last changed by an event (0: the scenario's since set-up).
  std::vector<int> currency_since;

  const Scenario& scenario() const { return *scenario_; }

 private:
  // An export ban: on the flows importer × exporter × sectors, or with `entities` ≥ 0 on the
  // exporter's sales of the sectors to that list's firms (`which` empty: every sector).
  void ban_exports(int exporter, int importer, const std::vector<int>& which, int entities);
  // Moves `rates` one step along the tariff event's phase-in, from the rates of `start`
  // (set at the event's first step).
  void move_tariff(const Event& event, int step, std::vector<double>& rates,
                   std::vector<double>& start) const;

  const Scenario* scenario_;
  // The rates when each tariff event began, with the bloc's preference and without.
  std::vector<std::vector<double>> event_start_, event_start_outside_;
};

}  // namespace entrepot
