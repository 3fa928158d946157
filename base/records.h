// What one step reports: int64 fixed-point totals (exact, order-free) plus a few
// ratios derived from them. Host-side; the recorder writes these to /series.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace entrepot {

// Money is int64 micro-units of a currency: each country's own in its accounts, US$ in the
// value series (national accounts and trade, converted at the step's exchange rate).
inline constexpr std::int64_t kMoneyScale = 1000000;
// Goods are int64 micro-units of a sector's good.
inline constexpr std::int64_t kGoodsScale = 1000000;
// CO2 in micro-kilograms.
inline constexpr std::int64_t kCarbonScale = 1000000;

// Holders of money, in the order of StepStatistics::money: deposits of firms, consumers,
// governments and owners, the banks' equity, the firms' loans as a negative holder, and what
// foreigners hold of each currency (the currency market's accounts), so that each
// currency's sum is what the run started with. Summed over currencies in their own units.
inline const std::vector<std::string>& money_holders() {
  static const std::vector<std::string> names{"firms", "consumers", "governments", "owners",
                                              "banks", "loans",     "foreign"};
  return names;
}

struct StepStatistics {
  int step = 0;
  std::vector<std::int64_t> money;  // per holder (money_holders())
  // Per country, in its currency: all its holders together (constant: checked every step).
  std::vector<std::int64_t> country_money;

  // Country level, flattened [exporter][importer][sector]; value and duty in US$,
  // quantity in goods units as shipped (before iceberg melt). Domestic flows included.
  // trade_value_final is the part of trade_value households bought (final use); the rest
  // firms bought as inputs.
  std::vector<std::int64_t> trade_value, trade_duty, trade_quantity, trade_value_final;
  // Region level, flattened [origin][destination][sector] (World::rrs), US$: the value
  // shipped, its duty and the households' part, each cell converted once. The country
  // series above are these cells summed over each country's regions, exactly.
  std::vector<std::int64_t> region_trade_value, region_trade_duty, region_trade_value_final;
  // Firms' inputs by the buyers' sector, flattened [origin][sector][destination][buyer
  // sector] (World::input_use_cell), US$ at the importer's rate: the intermediate block of
  // an inter-regional input–output table. Summed over the buyers' sectors it is
  // region_trade_value less region_trade_value_final where no trader buys (traders' own
  // purchases are neither).
  std::vector<std::int64_t> input_use;
  // What buyers paid the traders of each followed hub, by where the goods were made:
  // hub × origin × destination × sector (World::hub_name), US$ micro-units.
  std::vector<std::int64_t> handled_trade_value;
  // Of it, what buyers paid the hub's merchants for goods shipped straight from `origin`
  // (offshore trade), in the same layout.
  std::vector<std::int64_t> offshore_trade_value;
  // Country level, [exporter][importer][sector]: the tariff the policy sets in force this
  // step, for goods with the pair's bloc preference and for goods without it (that fail
  // its rule of origin).
  std::vector<double> tariff, tariff_outside;
  // The same layout: the ad valorem charge of the importer's border carbon adjustment on the
  // exporter's goods (docs/model.md §4.17), on top of the tariff; 0 without one.
  std::vector<double> carbon_adjustment;
  // Per region × sector, US$: what the region's firms sold to buyers of other countries.
  std::vector<std::int64_t> region_exports;
  // Per region × sector, goods: what the region's firms made in the step.
  std::vector<std::int64_t> region_output;
  // Per region × sector, US$: the value its firms added in the step (sales less inputs).
  std::vector<std::int64_t> sector_value_added;
  // Per region × sector, micro-kg of CO2: what the region's firms emitted making the step's
  // output (docs/model.md §4.16; zeros without emissions).
  std::vector<std::int64_t> emissions;
  // Per carbon market (docs/model.md §4.17): its clearing price, in its currency per tonne
  // (0 before it runs); the allowances it issued (the cap), those traded on its auction, its
  // covered firms' emissions and the allowances they hold after surrendering them, micro-kg.
  std::vector<double> carbon_price;
  std::vector<std::int64_t> carbon_issued, carbon_traded, carbon_emitted, carbon_held;
  // Per venue × sector (docs/model.md §4.18): the book's last clearing price in US$ per unit
  // of goods (0 where the venue does not list the sector), the goods traded on it and their
  // value in US$, its share of the value traded on all venues in the sector and of the
  // sector's goods shipped anywhere, and its price leadership over the run so far.
  std::vector<double> venue_price;
  std::vector<std::int64_t> venue_volume, venue_value;
  std::vector<double> venue_share, venue_world_share, price_leadership;
  // Per region × sector: its firms that may sell abroad (agents/exporting.h).
  std::vector<std::int64_t> exporters;

  // Per region.
  std::vector<std::int64_t> value_added;   // US$
  std::vector<std::int64_t> employment;    // workers
  std::vector<std::int64_t> unemployment;  // workers
  std::vector<std::int64_t> consumption;   // US$ spent by households, duty included
  // US$: what the region's retailers sold, and their margin on it (sales less the landed
  // cost of the goods sold); zeros without retail markets.
  std::vector<std::int64_t> retail_sales, retail_margin;
  // US$: what the region's traders sold, their margin, their sales abroad and, of those,
  // re-exports (goods they had bought abroad); zeros without traders.
  std::vector<std::int64_t> trader_sales, trader_margin, trader_exports, reexports;
  std::vector<double> wage;  // mean wage per worker, US$
  std::vector<double> cpi;   // consumer prices (own currency) relative to the first step
  // Per region × sector: mean producer price over the block's firms, US$ per unit.
  std::vector<double> price;

  // Per country, in its currency: firms' loans at the end of the step, new credit drawn,
  // interest charged, loans written off, the bank's equity, and what foreigners hold.
  std::vector<std::int64_t> loans, lending, interest, write_offs, bank_equity, foreign_held;
  // Per country: the exchange rate of the step (US$ per unit) and the central bank's
  // reserves after it (US$ micro-units).
  std::vector<double> exchange_rate, reserves;

  // Goods balance terms (goods units, all sectors): produced = used + consumed + melted
  // + Δinventory.
  std::int64_t produced = 0, used = 0, consumed = 0, melted = 0, inventory = 0;
  std::int64_t supplier_switches = 0;
  std::int64_t firm_exits = 0;
  // Per origin × destination region: the firms that moved this step ([o·R + d]).
  std::vector<std::int64_t> relocations;
  std::int64_t stockist_exits = 0;  // retailers and traders
  // The run's health checks on this step (app/health.h): a bit mask, 0 when all is well.
  std::int64_t health = 0;
};

// Firm state at one step, for /snapshots/<step>/firms.
struct FirmSnapshot {
  int step = 0;
  std::vector<std::int32_t> region, sector;
  std::vector<float> productivity;
  std::vector<std::int32_t> employees;
  std::vector<std::int64_t> output, sales_value, export_value, cash;
  std::vector<double> price;
  std::vector<std::uint8_t> entity_lists;  // a bit per entity list the firm is on
  std::vector<std::uint8_t> open;          // 1 where a firm works the site (relocation)
};

}  // namespace entrepot
