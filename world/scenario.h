// The scenario as the user wrote it, after validation: names resolved to indices,
// defaults filled in. Everything the model needs to build a world comes from here.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "base/errors.h"
#include "base/limits.h"

namespace entrepot {

// A position in a scenario file (1-based), so later checks can still point at the text.
struct SourcePos {
  std::string file;
  int line = 0;
  int column = 0;
};

enum class SectorKind : std::uint8_t { commodity, intermediate, final_good, service };

// How a country's central bank treats its exchange rate (agents/currency.h): floating, or
// managed within parity·(1 ± band) with interventions from its reserves (a peg: band 0).
enum class CurrencyRegime : std::uint8_t { floating, managed };

struct Currency {
  CurrencyRegime regime = CurrencyRegime::floating;
  double parity = 1.0;          // US$ per unit at the centre of the band (1 at the start)
  double band = 0.0;            // ± share of parity the rate may move
  double reserve_months = 0.0;  // reserves at the start, in months of the country's imports
};

struct Country {
  std::string code;  // ISO-3, or a bloc-like aggregate such as EU27 / RoW
  std::string name;
  std::vector<int> blocs;  // indices into Scenario::blocs
  Currency currency;       // its own, one per country (the EU27's is the euro)
  // Per sector: the country's share of its value added in the sector relative to the
  // world's share (1: the world's mix; 0: no production, a resource it lacks). Empty: all 1.
  std::vector<double> specialisation;
  // The factor on the border frictions of the country's trade (World::border_factor).
  double border_factor = 1.0;

  // The factor of sector s: 1 where the scenario gives none (the world's mix).
  double specialisation_in(int s) const {
    return specialisation.empty() ? 1.0 : specialisation[static_cast<std::size_t>(s)];
  }
};

// A trade agreement: tariffs between two members are multiplied by `tariff_factor`
// (0 = free trade inside the bloc), for goods that meet its rule of origin: at least
// `regional_value_content` of the good's price must originate in the bloc (0: no rule).
struct Bloc {
  std::string name;
  double tariff_factor = 0.0;
  double regional_value_content = 0.0;
};

struct Region {
  std::string name;
  int country = 0;
  double lat = 0.0, lon = 0.0;
  double population_m = 0.0;  // millions of people
  double gdp_musd = 0.0;      // value added, millions of US$ (2020)
  double productivity = 1.0;  // A_r, output per worker relative to the world mean
  bool hub = false, port = false, bonded_zone = false;
  // The share of the region's firms inside its bonded zone (0 without one; 1 by default
  // where the region is flagged bonded_zone).
  double zone_share = 0.0;
  // A hub's own weight of its entrepôt traders in buyers' search (traders.hub_presence where
  // below 0): hubs in home markets of very different sizes need different ones.
  double trader_presence = -1.0;
  // A hub's own share of merchants among its entrepôt and foreign traders
  // (traders.offshore_share where below 0).
  double offshore_share = -1.0;
  // The region's own weight of its wholesalers (traders.presence where below 0); 0: the region
  // has none. Intermediaries' share of exports differs much between countries.
  double wholesale_presence = -1.0;
};

struct Sector {
  std::string name;
  SectorKind kind = SectorKind::final_good;
  double transport_cost = 0.05;    // iceberg cost per 1000 km
  double markup = 0.15;            // μ
  double switching_cost = 0.03;    // relative saving needed to change supplier
  double value_added_share = 0.1;  // share of world value added (firm counts ∝ this)
  double consumer_share = 0.0;     // household budget share
  bool digital = false;            // not hauled; the data-flow friction across borders
  // The border friction in place of behaviour.border_cost (services: barriers to
  // cross-border supply); negative: the behaviour's.
  double border_cost = -1.0;
  // η of the sector's producers in place of behaviour.price_adjust (auction markets of
  // commodities clear fast, customer markets of manufactures slowly); negative: the behaviour's.
  double price_adjust = -1.0;
};

// a[input][output]: units of `input` per unit of `output`.
struct RecipeEntry {
  int input = 0, output = 0;
  double amount = 0.0;
};

// A tariff rule. importer/exporter = -1 means "every country"; empty sectors = every sector.
struct TariffRule {
  int importer = -1, exporter = -1;
  std::vector<int> sectors;
  double rate = 0.0;
};

// An entity list: a named set of firms that export controls can single out (the US Entity
// List, for one). On it are `share` of the firms of each of its regions × sectors (each
// firm's fixed draw decides, so a larger share only adds firms) and the firms named by id.
struct EntityList {
  std::string name;
  std::vector<int> regions, sectors;
  double share = 0.0;
  std::vector<std::int64_t> firms;  // global firm ids, ascending
};

// An export ban on the exporter's sales of `sectors` to the importer, or, with `entities`
// (an entity list), to the firms on that list wherever they are (importer −1).
struct ExportBan {
  int exporter = -1, importer = -1;
  std::vector<int> sectors;
  int entities = -1;
};

enum class EventKind : std::uint8_t {
  tariff,
  export_ban,
  capacity,
  currency,
  bonded_zone,
  transshipment,
  negative_list,
  offshore_settlement,
  entity_list,
  relocation_subsidy,
  carbon_adjustment,
  venue_access
};

// A scheduled policy change. A tariff event sets (or adds to) the bilateral rate of
// importer × exporter × sectors, reaching its full value after `phase_in` steps.
struct Event {
  int step = 0;
  EventKind kind = EventKind::tariff;
  int importer = -1, exporter = -1;
  std::vector<int> sectors;
  double rate = 0.0;
  bool add = false;
  int phase_in = 1;
  // A capacity event: the region's output per worker times `factor` for `duration` steps
  // (a lockdown, a disaster), then back; with `sectors`, only that of the region's firms of
  // those sectors (a mine closure, a drought), with none, every sector's.
  int region = -1;
  double factor = 1.0;
  int duration = 1;
  // A bonded-zone event: from `step` on, `share` of the region's firms are inside its zone
  // (widening it, narrowing it, opening or closing one). A transshipment event: from `step`
  // on, the importer's customs enforce the origin of `share` of the goods traders ship from
  // a third country, and charge `rate` on top of the origin's duty on them (a penalty).
  // A negative_list event: from `step` on, the hub `region`'s negative list is `sectors`
  // (shorter than before: the sectors left out open to foreign traders). An
  // offshore_settlement event: from `step` on, the hub `region`'s merchants pay `rate` of
  // their sales abroad to settle them in foreign currency.
  double share = 0.0;
  // An export_ban event with `entities` bans sales to the firms of that entity list; an
  // entity_list event sets the list's `share` from `step` on (adding firms to it).
  int entities = -1;
  // A relocation_subsidy event: from `step` on, the government of `country` pays `share` of
  // the cost of moves into its regions of firms of `sectors` from the countries `from`
  // (empty: every country).
  std::vector<int> from;
  // A border_carbon_adjustment event: from `step` on, the `importer` charges on its imports
  // of `sectors` `share` of the gap between its carbon price and the exporter's, on their
  // emissions (docs/model.md §4.17); a share of 0 ends it.
  // A venue_access event: from `step` on, the traders of the countries `members` may join
  // venue `venue` (every country's when `open`), in place of those the scenario or an
  // earlier event admitted.
  int venue = -1;
  std::vector<int> members;
  bool open = false;
  // A currency event: the country's central bank takes a new regime (its reserves stay).
  int country = -1;
  Currency currency;
  SourcePos where;
};

// Behaviour parameters; defaults and meanings in docs/model.md.
struct Behaviour {
  double search_probability = 0.10;  // ψ: chance a buyer slot searches each step
  int candidates = 1;                // m: candidate sellers drawn per search
  double distance_elasticity = 1.0;  // ρ in τ = 1 + t·(d/1000)^ρ
  double border_cost = 0.10;         // border friction when countries differ (not paid)
  double data_flow_cost = 0.05;      // digital sectors across borders
  double trade_elasticity = 4.0;     // ε: origin weight ∝ presence·(price·landed factor)^−ε
  double variety_elasticity = 4.0;   // ν: a seller's weight in its block ∝ (p/P)^−ν
  double inventory_target = 1.0;     // ι: steps of expected sales kept as stock
  double inventory_adjust_steps = 3;    // T
  double input_stock_target = 1.5;      // steps of input needs kept in stock
  double critical_input_share = 0.015;  // a_c: an input below it per unit of output is not limiting
  double expectation_weight = 0.3;      // λ in Dᵉ ← Dᵉ + λ(sales − Dᵉ)
  double price_adjust = 0.05;           // η: price step when rationing or overstocked
  double cost_pass_through = 0.25;      // share of the gap to (1+μ)·unit cost closed per step
  double markdown = 0.5;                // δ: stockists' price cut when overstocked
  double wage_adjust = 0.05;
  double wage_cut_limit = 0.01;  // largest wage cut per step (wages are sticky downward)
  double target_unemployment = 0.05;
  double separation_rate = 0.01;  // quits per step
  double job_search_probability = 1.0;
  double consume_income = 0.90;  // share of last income spent
  double consume_wealth = 0.05;  // share of cash spent each step
  double profit_tax = 0.20;
  double dividend_share = 0.80;        // share of profit after tax paid to owners
  double cash_buffer_steps = 2.0;      // steps of costs kept as cash
  double unemployment_benefit = 0.40;  // replacement rate of the regional mean wage
  double government_transfer = 0.10;   // share of a government surplus returned per step
  double government_deficit = 0.0;     // deficit allowed per step, share of value added
  double credit_line = 2.0;            // ℓ: steps of expected revenue a firm may owe its bank
  double loan_rate = 0.05;             // yearly interest rate on firms' loans
  double bank_capital_ratio = 0.10;    // k: equity a bank keeps per unit of loans
  double exchange_response = 0.10;     // κ: rate change per unit of currency-market pressure
  double capital_horizon = 12.0;       // H: steps over which foreign holdings seek to unwind
  double capital_anchor = 0.5;         // φ_F: money stock foreigners hold per expected gain
  int exit_patience = 6;               // insolvent steps before a firm exits
  double productivity_shape = 4.5;     // Pareto α of firm productivity φ (above ν − 1)
  double export_cost = 1.0;            // f_x: workers an exporter employs to serve abroad
};

// Local retail (docs/model.md §4.12): households buy only from the retailers of their
// market, a run of neighbouring households of one region, and retailers buy from producers
// anywhere. With 0 households per market there are no retailers and households buy from
// producers directly.
struct RetailSettings {
  std::int64_t households_per_market = 0;
  int retailers_per_sector = 2;   // per market and consumed sector
  double markup = 0.25;           // μ_R on the landed cost of the goods sold
  double inventory_target = 1.3;  // ι_R: steps of expected sales kept in stock
  // Households buy services from producers of their own region (where it has any), not
  // anywhere: with retail markets, households shop only where they live.
  bool local_services = true;
  bool on() const { return households_per_market > 0; }
  bool households_local() const { return on() && local_services; }
};

// Wholesale and entrepôt traders (docs/model.md §4.13): traders of each goods sector in
// every region (wholesalers and importers) and, on top, in each region flagged `hub`
// (entrepôt traders). They buy from producers anywhere and sell to firms and retailers
// anywhere. With no traders per sector anywhere, there are none.
struct TraderSettings {
  int per_sector = 0;      // traders per goods sector in every region
  int hub_per_sector = 0;  // more per goods sector in each hub region
  double markup = 0.06;    // μ_T on the landed cost of the goods sold
  // ι_T: steps of expected sales kept in stock; US merchant wholesalers held 1.3 months of
  // sales in 2020 (Census, Monthly Wholesale Trade).
  double inventory_target = 1.3;
  // The weight of a region's traders of a sector, together, in buyers' search, as a share of
  // the sector's mean presence per region.
  double presence = 1.0;
  double hub_presence = 1.0;  // the same of a hub's traders on top (hub_per_sector of them)
  double friction_cut = 0.5;  // the share of the border friction its buyers are spared
  // The share of goods traders ship from a third country whose origin importers' customs
  // enforce (duty by the goods' origin, not by where they were shipped from), until a
  // transshipment event changes it.
  double enforcement = 1.0;
  // The profit tax on the trading income of hub regions' traders (the seed study's lever: a
  // lower rate for entrepôt and offshore trade, 15%); below 0: the behaviour's profit tax.
  double hub_tax = -1.0;
  // Foreign-invested traders of each goods sector in each hub, on top of hub_per_sector,
  // weighing foreign_presence together; closed to the sectors of the hub's negative list
  // (per region, empty where it has none), which negative_list events shorten. Their
  // dividends are paid abroad.
  int foreign_per_sector = 0;
  double foreign_presence = 0.25;
  std::vector<std::vector<int>> negative_list;
  // The share of a hub's entrepôt and foreign-invested traders of each sector that trade
  // offshore (merchants): they hold their goods where they bought them and ship them straight
  // to their buyers, booking the contract, payment and margin in the hub. Settling their
  // sales abroad in foreign currency costs them `settlement_cost` of the sales, paid to their
  // country's banks, until an offshore_settlement event changes it.
  double offshore_share = 0.0;
  double settlement_cost = 0.0;
  // The share of merchants in a region: a hub's own, or offshore_share; none elsewhere.
  double merchant_share(const Region& r) const {
    if (!r.hub) return 0.0;
    return r.offshore_share >= 0.0 ? r.offshore_share : offshore_share;
  }
  bool on() const { return per_sector > 0 || hub_per_sector > 0 || foreign_per_sector > 0; }
  // A region's wholesalers' weight: its own, or presence. They exist only where it is above 0.
  double wholesale_weight(const Region& r) const {
    return r.wholesale_presence >= 0.0 ? r.wholesale_presence : presence;
  }
  int wholesalers(const Region& r) const { return wholesale_weight(r) > 0.0 ? per_sector : 0; }
  // The weight of a region's traders of a sector, together: its wholesalers' presence (or
  // their own wholesale_presence), and a hub's hub_presence (or its own trader_presence) on
  // top.
  double region_presence(bool hub, double own = -1.0, double wholesale = -1.0) const {
    const double entrepot = own >= 0.0 ? own : hub_presence;
    const double local = wholesale >= 0.0 ? wholesale : presence;
    return (per_sector > 0 ? local : 0.0) + (hub && hub_per_sector > 0 ? entrepot : 0.0);
  }
  double region_presence(const Region& r) const {
    return region_presence(r.hub, r.trader_presence, r.wholesale_presence);
  }
};

// A government's subsidy for firms moving into its regions: `share` of a move's cost, for
// firms of `sectors` (empty: every sector) coming from the countries `from` (empty: every
// country, its own included).
struct RelocationSubsidy {
  int country = -1;
  std::vector<int> from, sectors;
  double share = 0.0;
};

// Firms that move between regions (docs/model.md §4.14). Every block keeps `reserve`
// sites per firm free for firms moving in; with none, firms never move. Each step a share
// `review` of the firms weighs a move to one other region; a move is worth it when the
// destination block's profit per firm, over `horizon_years`, beats the home block's by more
// than the move's cost net of subsidy, `cost` years of the firm's sales.
struct RelocationSettings {
  double reserve = 0.0;
  double review = 1.0 / 12.0;
  double cost = 0.1;
  double horizon_years = 5.0;
  std::vector<int> sectors;  // the sectors whose firms may move; empty: every sector
  std::vector<RelocationSubsidy> subsidies;
  bool on() const { return reserve > 0.0; }
};

// CO2 emissions (docs/model.md §4.16): a firm emits in proportion to its output, at its
// sector's intensity times its country's factor. With no sector intensity, nothing is emitted.
struct EmissionSettings {
  // kg CO2 per US$ of output at the set-up prices, per sector (0: none).
  std::vector<double> sector;
  // The country's intensity relative to the sectors' (1: theirs), per country.
  std::vector<double> country;
  bool on() const {
    for (double e : sector) {
      if (e > 0.0) return true;
    }
    return false;
  }
};

// An emissions trading system (docs/model.md §4.17): the covered sectors' firms in its
// regions must hold an allowance for each kg of CO2 they emit. Each step the government
// issues the cap, the free share of it to the firms' sites, the rest sold on the system's
// own call auction, where firms also trade among themselves. Prices in the country's
// currency (worth 1 US$ at set-up) per tonne.
struct CarbonMarket {
  std::string name;
  int country = -1;
  std::vector<int> regions;  // of the country, sorted; all of its regions when not given
  std::vector<int> sectors;  // covered, sorted
  // The cap per step, as a share of what the covered firms emit at set-up.
  double cap = 1.0;
  // What the cap falls by each year, as a share of its first year's (the EU's linear
  // reduction factor).
  double cap_decline = 0.0;
  double free_share = 0.0;  // of the cap, given to the covered firms' sites
  double floor = 0.0;       // the lowest price the government sells at, per tonne
  // The government sells at no less than this share of the last clearing price; what it
  // does not sell it offers again the next step.
  double auction_reserve = 0.9;
  // Abatement: cutting a share a of a unit's emissions costs, at the margin, slope·a per
  // tonne (a firm's own slope is this times a draw in [½, 1½]), up to a share of at most
  // abatement_max; the cost is paid as wages.
  double abatement_slope = 0.0;
  double abatement_max = 0.0;
  int start = 1;  // the first step it runs
};

struct OutputSettings {
  std::string path = "results/out.h5";
  int flush_every = 12;        // steps between flushes to disk
  std::vector<int> snapshots;  // steps with a firm snapshot (the last is always added)
  int progress_every = 12;     // steps between progress lines in a batch log
  int checkpoint_every = 0;    // steps between checkpoints, 0: none (SIGTERM still writes one)
  // Empty: next to the result file (checkpoint_path_of).
  std::string checkpoint_path;
};

// The run's health checks (docs/scenario.md, `health`), on figures every step reports: past
// a warning the step is flagged in /series/health; past a limit the run stops, marked
// failed. A limit of 0 (output), 1 (unemployment) or below 1 (price) switches it off.
struct HealthSettings {
  double unemployment_warning = 0.5;  // a country's unemployed share of its households
  double unemployment_limit = 0.7;
  double price_warning = 10.0;  // a region's consumer price level × or ÷ this vs its start
  double price_limit = 100.0;
  double output_warning = 0.25;  // world output as a share of step 1's
  double output_limit = 0.1;
  // Countries with fewer households are left out of the unemployment check: a handful of
  // households (a small world's city state) swings by whole percentage points.
  std::int64_t unemployment_min_households = 1000;
};

// Where a run's checkpoints go: `output.checkpoint.path`, or by default the result file's
// name with `.checkpoint.h5` in place of `.h5` (results/out.h5 → results/out.checkpoint.h5).
inline std::string checkpoint_path_of(const OutputSettings& output) {
  if (!output.checkpoint_path.empty()) return output.checkpoint_path;
  const std::string& out = output.path;
  const bool h5 = out.size() > 3 && out.compare(out.size() - 3, 3, ".h5") == 0;
  return (h5 ? out.substr(0, out.size() - 3) : out) + ".checkpoint.h5";
}

// A commodity exchange (docs/model.md §4.18): in `region`, it clears each of its `sectors`
// (commodities) once a step on a call auction among its member traders, who pay `fee` of the
// value of what they buy or sell, and members expect thin books to move against them. The traders
// of the countries in `members` may join, or those of every country when `open`; events change who
// may (venue_access).
struct Venue {
  std::string name;
  int region = -1;
  std::vector<int> sectors;  // sorted
  bool open = false;
  std::vector<int> members;  // countries, sorted; empty when open
  double fee = 0.0005;
  // What a thin book costs an order there, as a share of the price: κ·q/(q + V) for an order
  // of q against the book's last volume V (docs/model.md §4.18).
  double impact = 0.05;
};

struct Scenario {
  std::string name;
  std::string source_path;             // the file it was read from
  std::string text;                    // the full file text, stored in the output for provenance
  std::string resolved;                // the validated tree as YAML (bases merged, --set applied)
  std::vector<std::string> overrides;  // --set path=value, as given
  std::uint64_t seed = 1;
  int steps = 120;
  int burn_in = 60;  // steps before any event may fire
  int steps_per_year = 12;
  std::int64_t consumers = 900000;
  std::int64_t firms = 100000;

  std::vector<Country> countries;
  // The country whose currency rates are quoted in (its rate stays 1): the USA by default.
  int reference_currency = 0;
  std::vector<Bloc> blocs;
  std::vector<Region> regions;
  std::vector<Sector> sectors;
  std::vector<RecipeEntry> recipe;
  std::vector<TariffRule> mfn;        // importer × sectors, exporter = -1
  std::vector<TariffRule> bilateral;  // importer × exporter × sectors
  std::vector<EntityList> entity_lists;
  std::vector<ExportBan> export_bans;
  Behaviour behaviour;
  RetailSettings retail;
  TraderSettings traders;
  RelocationSettings relocation;
  EmissionSettings emissions;
  std::vector<CarbonMarket> carbon_markets;
  std::vector<Venue> venues;
  OutputSettings output;
  HealthSettings health;
  std::vector<Event> events;
};

}  // namespace entrepot
