// World tables in device memory: block layout, recipe slots, trade costs, search weights.
#include <thrust/copy.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "agents/currency.h"
#include "agents/trade.h"
#include "base/det_math.h"
#include "kernels/carbon.h"
#include "kernels/entities.h"
#include "kernels/model.h"
#include "world/layout.h"

namespace entrepot {
namespace {

template <class T>
thrust::device_vector<T> to_device(const std::vector<T>& host) {
  return thrust::device_vector<T>(host.begin(), host.end());
}

}  // namespace

TablesView Tables::view() const {
  auto p = [](const auto& v) { return thrust::raw_pointer_cast(v.data()); };
  TablesView v{regions,
               sectors,
               countries,
               consumer_slots,
               any_ban,
               p(region_country),
               p(region_tfp),
               p(block_start),
               p(consumer_start),
               p(input_sector),
               p(input_amount),
               p(consumer_sector),
               p(consumer_share),
               p(markup),
               p(loyalty_premium),
               p(iceberg),
               p(trade_factor),
               p(paid_factor),
               p(exchange),
               p(duty_rate),
               p(duty_outside),
               p(rule_bloc),
               p(country_blocs),
               p(bloc_content),
               p(zone_share),
               p(enforcement),
               p(transshipment_penalty),
               p(settlement_cost),
               p(origin_cdf),
               p(seller_cumulative),
               p(export_first),
               markets,
               retailers_per_sector,
               p(market_start),
               p(market_region),
               p(switching_cost),
               retail_slots,
               {},
               {}};
  for (int c = 0; c < kConsumerSlots; ++c) {
    v.retail_slot[c] = retail_slot[c];
    v.retail_household_slot[c] = retail_household_slot[c];
  }
  v.traders = traders;
  v.trader_seller_first = trader_seller_first;
  v.trader_start = p(trader_start);
  v.trader_foreign = p(trader_foreign);
  v.trader_reach = p(trader_reach);
  v.supplier_cdf = p(supplier_cdf);
  v.sourcing_cdf = p(sourcing_cdf);
  v.household_cdf = household_cdf.empty() ? nullptr : p(household_cdf);
  v.region_hub = p(region_hub);
  v.any_entity_ban = any_entity_ban;
  v.entity_lists = entity_lists;
  v.entity_named = static_cast<std::int64_t>(entity_id.size());
  v.entity_share = p(entity_share);
  v.entity_id = p(entity_id);
  v.entity_id_lists = p(entity_id_lists);
  v.entity_ban = p(entity_ban);
  v.free_sites = free_sites.empty() ? nullptr : p(free_sites);
  v.site_open = site_open.empty() ? nullptr : p(site_open);
  v.emission_intensity = emission_intensity.empty() ? nullptr : p(emission_intensity);
  v.carbon_market = carbon_market.empty() ? nullptr : p(carbon_market);
  v.allowance_price = allowance_price.empty() ? nullptr : p(allowance_price);
  v.allowance_reserve = allowance_reserve.empty() ? nullptr : p(allowance_reserve);
  v.abatement_slope = abatement_slope.empty() ? nullptr : p(abatement_slope);
  v.abatement_max = abatement_max.empty() ? nullptr : p(abatement_max);
  v.block_tfp = p(block_tfp);
  v.price_adjust = p(price_adjust);
  return v;
}

namespace {

// The iceberg costs τ and border frictions b of every region pair and sector (agents/trade.h)
// under the world's border factors.
void build_frictions(const Scenario& sc, const World& w, Tables& t) {
  const int nr = w.regions(), ns = w.sectors();
  const Behaviour& b = sc.behaviour;
  // Iceberg costs and border frictions: fixed for the run (agents/trade.h).
  t.host.iceberg.assign(static_cast<std::size_t>(nr) * nr * ns, 1.0);
  t.host.friction.assign(t.host.iceberg.size(), 1.0);
  for (int o = 0; o < nr; ++o) {
    for (int d = 0; d < nr; ++d) {
      const double km = w.distance_km[static_cast<std::size_t>(o) * nr + d];
      const int exporter = w.region_country[o], importer = w.region_country[d];
      // A flow's border cost is its sector's times the mean of its two countries' factors.
      const double factor = 0.5 * (w.border_factor[exporter] + w.border_factor[importer]);
      for (int s = 0; s < ns; ++s) {
        const Sector& sector = sc.sectors[s];
        const double sector_border = sector.border_cost >= 0.0 ? sector.border_cost
                                     : sector.digital          ? b.data_flow_cost
                                                               : b.border_cost;
        t.host.iceberg[w.rrs(o, d, s)] =
            iceberg_cost(km, sector.digital, sector.transport_cost, b.distance_elasticity);
        t.host.friction[w.rrs(o, d, s)] =
            border_friction(exporter != importer, factor * sector_border);
      }
    }
  }
  t.iceberg = to_device(t.host.iceberg);
}

// Rules of origin: each country's blocs, each bloc's regional value content, and for each
// region pair the bloc whose preference it trades under, where that bloc has a rule.
void build_origin_rules(const Scenario& sc, const World& w, Tables& t) {
  const int nr = w.regions(), nc = w.countries();
  std::vector<std::uint32_t> member(static_cast<std::size_t>(nc), 0);
  for (int c = 0; c < nc; ++c) {
    for (int b : sc.countries[c].blocs) member[c] |= std::uint32_t{1} << b;
  }
  std::vector<double> content(std::max<std::size_t>(sc.blocs.size(), 1), 0.0);
  for (std::size_t b = 0; b < sc.blocs.size(); ++b) content[b] = sc.blocs[b].regional_value_content;
  std::vector<std::int32_t> rule(static_cast<std::size_t>(nr) * nr, -1);
  for (int o = 0; o < nr; ++o) {
    for (int d = 0; d < nr; ++d) {
      const int bloc =
          w.preference[static_cast<std::size_t>(w.region_country[o]) * nc + w.region_country[d]];
      if (bloc >= 0 && content[bloc] > 0.0) rule[static_cast<std::size_t>(o) * nr + d] = bloc;
    }
  }
  t.country_blocs = to_device(member);
  t.bloc_content = to_device(content);
  t.rule_bloc = to_device(rule);
}

}  // namespace

void build_tables(const Scenario& sc, const World& w, Tables& t) {
  const int nr = w.regions(), ns = w.sectors();
  t.regions = nr;
  t.sectors = ns;
  t.countries = w.countries();

  std::vector<double> tfp(nr);
  for (int r = 0; r < nr; ++r) tfp[r] = sc.regions[r].productivity;
  const AgentLayout layout = agent_layout(sc);
  const std::vector<std::int64_t>& firms = layout.firms;
  const std::vector<std::int64_t>& households = layout.households;
  t.host.block_start.assign(firms.size() + 1, 0);
  for (std::size_t b = 0; b < firms.size(); ++b)
    t.host.block_start[b + 1] = t.host.block_start[b] + firms[b];
  t.host.consumer_start.assign(households.size() + 1, 0);
  for (std::size_t r = 0; r < households.size(); ++r) {
    t.host.consumer_start[r + 1] = t.host.consumer_start[r] + households[r];
  }

  // Recipe: each sector's inputs, largest first, in its K slots.
  std::vector<std::int32_t> input_sector(static_cast<std::size_t>(ns) * kInputSlots, -1);
  std::vector<double> input_amount(input_sector.size(), 0.0);
  for (int s = 0; s < ns; ++s) {
    std::vector<RecipeEntry> inputs;
    for (const RecipeEntry& e : sc.recipe) {
      if (e.output == s && e.amount > 0.0) inputs.push_back(e);
    }
    std::stable_sort(inputs.begin(), inputs.end(), [](const RecipeEntry& a, const RecipeEntry& b) {
      return a.amount > b.amount;
    });
    for (std::size_t k = 0; k < inputs.size(); ++k) {
      input_sector[s * kInputSlots + k] = inputs[k].input;
      input_amount[s * kInputSlots + k] = inputs[k].amount;
    }
  }

  // Household slots: the sectors with a positive budget share.
  std::vector<double> share, markup, premium, switching, eta;
  t.host.consumer_sector.clear();
  for (int s = 0; s < ns; ++s) {
    markup.push_back(sc.sectors[s].markup);
    const double own = sc.sectors[s].price_adjust;
    eta.push_back(own >= 0.0 ? own : sc.behaviour.price_adjust);
    switching.push_back(sc.sectors[s].switching_cost);
    premium.push_back(
        switching_premium(sc.sectors[s].switching_cost, sc.behaviour.variety_elasticity));
    if (sc.sectors[s].consumer_share > 0.0) t.host.consumer_sector.push_back(s);
  }
  t.consumer_slots = static_cast<int>(t.host.consumer_sector.size());
  // Budget shares per region and slot: [r·slots + c]. The scenario's are at producers'
  // prices; households buying goods at retailers pay the retail markup on top, so their
  // shares at the prices they pay weigh goods by 1 + μ_R (renormalised), and the goods
  // retailers buy for them are worth at producers' prices what households bought from
  // producers without retail markets.
  for (int r = 0; r < static_cast<int>(sc.regions.size()); ++r) {
    const std::vector<double> budget = household_budget(sc, r);
    const std::size_t first = share.size();
    double before = 0.0, after = 0.0;
    for (int sector : t.host.consumer_sector) {
      const bool at_retailer = sc.retail.on() && sc.sectors[sector].kind != SectorKind::service;
      share.push_back(budget[sector] * (at_retailer ? 1.0 + sc.retail.markup : 1.0));
      before += budget[sector];
      after += share.back();
    }
    for (std::size_t c = first; c < share.size() && after > 0.0; ++c) share[c] *= before / after;
  }
  for (int s = 0; s < ns && t.host.distribution_sector < 0; ++s) {
    if (sc.sectors[s].kind == SectorKind::service) t.host.distribution_sector = s;
  }

  t.region_country = to_device(w.region_country);
  t.host.productivity = tfp;
  t.block_start = to_device(t.host.block_start);
  if (sc.relocation.on()) {
    t.host.free_sites = layout.free_sites;
    t.free_sites = to_device(layout.free_sites);
  }
  // Until the economy chooses its exporters, every firm may sell abroad.
  t.export_first.assign(t.block_start.begin(), t.block_start.end() - 1);
  t.consumer_start = to_device(t.host.consumer_start);
  t.input_sector = to_device(input_sector);
  t.input_amount = to_device(input_amount);
  t.consumer_sector = to_device(t.host.consumer_sector);
  t.consumer_share = to_device(share);
  t.host.consumer_share = share;
  t.markup = to_device(markup);
  t.price_adjust = to_device(eta);
  t.loyalty_premium = to_device(premium);
  t.switching_cost = to_device(switching);
  // Retail markets and their retailers (world/partition.h retail_markets).
  const Markets markets = retail_markets(households, sc.retail.households_per_market);
  t.markets = markets.count();
  t.retailers_per_sector = t.markets > 0 ? sc.retail.retailers_per_sector : 0;
  // Goods are bought at retailers, services from their producers.
  t.retail_slots = 0;
  for (int c = 0; c < kConsumerSlots; ++c) {
    t.retail_slot[c] = -1;
    t.retail_household_slot[c] = -1;
  }
  for (int c = 0; c < t.consumer_slots; ++c) {
    if (sc.sectors[t.host.consumer_sector[c]].kind == SectorKind::service) continue;
    t.retail_household_slot[t.retail_slots] = c;
    t.retail_slot[c] = t.retail_slots++;
  }
  t.market_start = to_device(markets.start);
  t.market_region =
      to_device(std::vector<std::int32_t>(markets.region.begin(), markets.region.end()));
  // Traders of each goods sector in every region, and more in hub regions: of the goods
  // someone buys from traders, firms as inputs or retailers for households.
  std::vector<bool> dealt(static_cast<std::size_t>(ns), false);
  for (const RecipeEntry& e : sc.recipe) dealt[static_cast<std::size_t>(e.input)] = true;
  for (int s = 0; s < ns; ++s) {
    if (sc.retail.on() && sc.sectors[s].consumer_share > 0.0)
      dealt[static_cast<std::size_t>(s)] = true;
  }
  t.host.trader_start.assign(static_cast<std::size_t>(nr) * ns + 1, 0);
  t.host.trader_foreign.assign(static_cast<std::size_t>(nr) * ns, 0);
  for (int r = 0; r < nr; ++r) {
    for (int s = 0; s < ns; ++s) {
      const std::size_t b = static_cast<std::size_t>(r) * ns + s;
      const bool goods =
          sc.sectors[s].kind != SectorKind::service && dealt[static_cast<std::size_t>(s)];
      const bool hub = goods && sc.regions[r].hub;
      const int n =
          goods ? sc.traders.wholesalers(sc.regions[r]) + (hub ? sc.traders.hub_per_sector : 0) : 0;
      t.host.trader_foreign[b] = hub ? sc.traders.foreign_per_sector : 0;
      t.host.trader_start[b + 1] = t.host.trader_start[b] + n + t.host.trader_foreign[b];
    }
  }
  t.trader_foreign = to_device(t.host.trader_foreign);
  t.traders = t.host.trader_start.back();
  std::vector<double> trader_tax(static_cast<std::size_t>(nr), sc.behaviour.profit_tax);
  for (int r = 0; r < nr; ++r) {
    if (sc.regions[r].hub && sc.traders.hub_tax >= 0.0) trader_tax[r] = sc.traders.hub_tax;
  }
  t.trader_tax = to_device(trader_tax);
  t.region_hub = to_device(std::vector<std::int32_t>(w.region_hub.begin(), w.region_hub.end()));
  t.trader_start = to_device(t.host.trader_start);
  build_frictions(sc, w, t);
  build_origin_rules(sc, w, t);
  // The search tables follow from the agents: Model::Model builds them after the set-up.
  refresh_trade_costs(w, std::vector<double>(w.countries(), 1.0), t);
}

void place_traders(const Tables& tables, Partition& partition) {
  std::vector<std::int64_t> by_region(static_cast<std::size_t>(tables.regions) + 1, 0);
  for (int r = 0; r <= tables.regions; ++r) {
    by_region[static_cast<std::size_t>(r)] =
        tables.host.trader_start[static_cast<std::size_t>(r) * tables.sectors];
  }
  assign_traders(partition, by_region, tables.trader_seller_first);
}

void Model::refresh_trade_costs() {
  tables.host.border_carbon = border_carbon_rates(scenario, world, economy);
  entrepot::refresh_trade_costs(world, economy.exchange_rate, tables, &tables.host.border_carbon);
  refresh_search(scenario, world, economy, tables);
}

void refresh_trade_costs(const World& world, const std::vector<double>& exchange_rate,
                         Tables& tables, const std::vector<double>* carbon) {
  const int nr = world.regions(), ns = world.sectors();
  const std::vector<double>& iceberg = tables.host.iceberg;
  std::vector<double>& factor = tables.host.trade_factor;
  std::vector<double> duty(iceberg.size()), outside(iceberg.size()), exchange(iceberg.size()),
      paid(iceberg.size());
  factor.assign(iceberg.size(), 0.0);
  for (int o = 0; o < nr; ++o) {
    for (int d = 0; d < nr; ++d) {
      const int exporter = world.region_country[o], importer = world.region_country[d];
      const double x = cross_rate(exchange_rate[exporter], exchange_rate[importer]);
      for (int s = 0; s < ns; ++s) {
        const std::size_t cell = world.rrs(o, d, s);
        const std::size_t pair = world.flow_cell(exporter, importer, s);
        // A border carbon adjustment is paid as a duty on top of the tariff.
        const double levy = carbon != nullptr && !carbon->empty() ? (*carbon)[pair] : 0.0;
        const double tariff = world.tariff[pair] + levy;
        duty[cell] = tariff;
        outside[cell] = world.tariff_outside[pair] + levy;
        exchange[cell] = x;
        // The landed cost in the buyer's currency as buyers weigh it, price × τ·b·(1+t) × x,
        // and as they pay it, without the friction.
        const bool banned = world.banned[pair] != 0;
        factor[cell] =
            banned ? kBannedFactor
                   : trade_factor(iceberg[cell], tables.host.friction[cell], tariff, false) * x;
        paid[cell] = banned ? kBannedFactor : trade_factor(iceberg[cell], 1.0, tariff, false) * x;
      }
    }
  }
  tables.exchange = to_device(exchange);
  tables.any_ban = false;
  for (std::uint8_t b : world.banned) tables.any_ban = tables.any_ban || b != 0;
  tables.trade_factor = to_device(factor);
  tables.paid_factor = to_device(paid);
  tables.duty_rate = to_device(duty);
  tables.duty_outside = to_device(outside);
  tables.zone_share = to_device(world.zone_share);
  build_entity_tables(world, tables);
  tables.enforcement = to_device(world.enforcement);
  tables.transshipment_penalty = to_device(world.transshipment_penalty);
  tables.settlement_cost = to_device(world.settlement_cost);
  // The traders buyers can find: foreign ones only where the negative list lets them trade.
  const std::vector<std::int64_t>& start = tables.host.trader_start;
  tables.host.trader_reach.assign(tables.host.trader_foreign.size(), 0);
  for (std::size_t b = 0; b < tables.host.trader_reach.size(); ++b) {
    tables.host.trader_reach[b] =
        start[b + 1] - start[b] -
        (world.closed_to_foreign[b] != 0 ? tables.host.trader_foreign[b] : 0);
  }
  tables.trader_reach = to_device(tables.host.trader_reach);
  // Output per worker under the capacity events in force: the region's, then its blocks'.
  std::vector<double> tfp(tables.host.productivity), block(world.block_capacity);
  for (int r = 0; r < nr; ++r) tfp[r] *= world.region_capacity[r];
  for (std::size_t b = 0; b < block.size(); ++b) block[b] *= tfp[b / static_cast<std::size_t>(ns)];
  tables.region_tfp = to_device(tfp);
  tables.block_tfp = to_device(block);
}

namespace {

// Integer thresholds on a 2^32 scale of `weight` (n entries) into `cdf`, so a 32-bit draw
// picks an entry exactly; all 0 when no entry has weight.
void cumulate(const double* weight, int n, std::uint64_t* cdf) {
  double total = 0.0;
  int last = -1;
  for (int o = 0; o < n; ++o) {
    total += weight[o];
    last = weight[o] > 0.0 ? o : last;
  }
  double running = 0.0;
  for (int o = 0; o < n && last >= 0; ++o) {
    running += weight[o];
    cdf[o] = o >= last ? (1ULL << 32) : static_cast<std::uint64_t>(running / total * 4294967296.0);
  }
}

// Producers and traders as firms and retailers find them: a region's traders of a sector
// together weigh `presence` (and in a hub `hub_presence` more) times the sector's mean
// presence per region (whatever the
// numbers of firms and traders), at the traders' mean price and at trade costs
// whose border friction is cut by `friction_cut` (traders know the markets they sell in:
// Ahn, Khandelwal & Wei 2011; Antràs & Costinot 2011).
void refresh_supplier_search(const Scenario& scenario, const World& world, const Economy& economy,
                             Tables& tables) {
  const int nr = world.regions(), ns = world.sectors();
  const TraderSettings& traders = scenario.traders;
  const std::vector<std::int64_t>& start = tables.host.trader_start;
  // A sector's mean presence per region, whatever the number of firms.
  std::vector<double> per_region(ns, 0.0);
  for (int r = 0; r < nr; ++r) {
    for (int s = 0; s < ns; ++s) {
      per_region[s] += economy.presence[static_cast<std::size_t>(r) * ns + s] / nr;
    }
  }
  std::vector<std::uint64_t> cdf(static_cast<std::size_t>(nr) * ns * 2 * nr, 0);
  std::vector<std::uint64_t> sourcing(static_cast<std::size_t>(nr) * ns * nr, 0);
  std::vector<double> weight, both(static_cast<std::size_t>(2 * nr)),
      own(static_cast<std::size_t>(nr));
  for (int d = 0; d < nr; ++d) {
    for (int s = 0; s < ns; ++s) {
      origin_weights(scenario, world, tables, economy.presence, economy.block_price, d, s, weight);
      // Region h's producers and its traders, both at the border friction traders spare their
      // buyers; traders also buy from producers at it (they buy as they sell).
      for (int h = 0; h < nr; ++h) {
        const std::size_t b = static_cast<std::size_t>(h) * ns + s, cell = world.rrs(h, d, s);
        const double factor = tables.host.trade_factor[cell] /
                              det_pow(tables.host.friction[cell], traders.friction_cut);
        own[static_cast<std::size_t>(h)] =
            origin_weight(economy.presence[b], economy.block_price[b], factor,
                          scenario.behaviour.trade_elasticity);
        const std::int64_t domestic = start[b + 1] - start[b] - tables.host.trader_foreign[b];
        const bool foreign = tables.host.trader_reach[b] > domestic;  // open to them
        const double presence =
            (domestic > 0 ? traders.region_presence(scenario.regions[h]) : 0.0) +
            (foreign ? traders.foreign_presence : 0.0);
        both[static_cast<std::size_t>(h)] = weight[static_cast<std::size_t>(h)];
        both[static_cast<std::size_t>(nr + h)] =
            origin_weight(presence * per_region[s], economy.trader_price[b], factor,
                          scenario.behaviour.trade_elasticity);
      }
      cumulate(own.data(), nr, &sourcing[(static_cast<std::size_t>(d) * ns + s) * nr]);
      cumulate(both.data(), 2 * nr, &cdf[(static_cast<std::size_t>(d) * ns + s) * 2 * nr]);
    }
  }
  tables.supplier_cdf = to_device(cdf);
  tables.sourcing_cdf = to_device(sourcing);
}

}  // namespace

void refresh_search(const Scenario& scenario, const World& world, const Economy& economy,
                    Tables& tables) {
  const int nr = world.regions(), ns = world.sectors();
  const bool households = !economy.home_share.empty();
  std::vector<std::uint64_t> cdf(static_cast<std::size_t>(nr) * ns * nr, 0);
  std::vector<std::uint64_t> household(households ? cdf.size() : 0, 0);
  std::vector<double> weight, mix(static_cast<std::size_t>(nr));
  for (int d = 0; d < nr; ++d) {
    for (int s = 0; s < ns; ++s) {
      const std::size_t b = static_cast<std::size_t>(d) * ns + s;
      origin_weights(scenario, world, tables, economy.presence, economy.block_price, d, s, weight);
      cumulate(weight.data(), nr, &cdf[b * nr]);
      if (!households) continue;
      // Households' row: at the own region for the share of their services it makes
      // (regional_spending), the rest as every other buyer's.
      const double home = economy.home_share[b];
      if (home <= 0.0 || tables.host.block_start[b + 1] == tables.host.block_start[b] ||
          economy.presence[b] <= 0.0) {
        std::copy(cdf.begin() + b * nr, cdf.begin() + (b + 1) * nr, household.begin() + b * nr);
        continue;
      }
      double total = 0.0;
      for (double x : weight) total += x;
      for (int o = 0; o < nr; ++o) {
        mix[o] = (o == d ? home : 0.0) + (total > 0.0 ? (1.0 - home) * weight[o] / total : 0.0);
      }
      cumulate(mix.data(), nr, &household[b * nr]);
    }
  }
  tables.origin_cdf = to_device(cdf);
  if (households) tables.household_cdf = to_device(household);
  if (tables.traders > 0) refresh_supplier_search(scenario, world, economy, tables);
}

std::vector<double> calibrate_presence(const Scenario& scenario, const World& world,
                                       const Tables& tables, const std::vector<double>& supply,
                                       const std::vector<double>& price,
                                       std::vector<double>& home_share) {
  const int nr = world.regions(), ns = world.sectors();
  const RegionalSpending spending = regional_spending(scenario, supply, price, nr, ns);
  home_share = scenario.retail.households_local() ? spending.home_share : std::vector<double>();
  std::vector<double> presence(supply), met(presence.size()), weight, by_origin;
  double world_total = 0.0;
  for (double v : supply) world_total += v;
  if (world_total <= 0.0) return presence;
  for (int round = 0; round < 500; ++round) {
    std::fill(met.begin(), met.end(), 0.0);
    for (int d = 0; d < nr; ++d) {
      for (int s = 0; s < ns; ++s) {
        spending_by_origin(scenario, world, tables, presence, price, spending, d, s, weight,
                           by_origin);
        for (int o = 0; o < nr; ++o) met[static_cast<std::size_t>(o) * ns + s] += by_origin[o];
      }
    }
    // Only the searched part of a block's demand follows its presence: its own households'
    // services (at_home) come to it whatever its weight.
    for (std::size_t b = 0; b < presence.size(); ++b) {
      const double home = presence[b] > 0.0 ? spending.at_home[b] : 0.0;
      const double searched = met[b] - home;
      if (searched > 0.0) presence[b] *= std::max(supply[b] - home, 1e-9 * supply[b]) / searched;
    }
  }
  return presence;
}

}  // namespace entrepot
