// One economy and its step: the nine phases of DESIGN §4 in order, with the money check.
#include <thrust/fill.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/reduce.h>
#include <thrust/transform.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>

#include "agents/carbon.h"
#include "kernels/carbon.h"
#include "kernels/entities.h"
#include "kernels/host_copy.h"
#include "kernels/model.h"
#include "kernels/retail.h"
#include "kernels/traders.h"
#include "kernels/venues.h"
#include "world/layout.h"

namespace entrepot {

namespace {

// The region of the agent `id` given the starts of its groups (blocks or regions).
int group_of(const std::vector<std::int64_t>& start, std::int64_t id) {
  return static_cast<int>(std::upper_bound(start.begin() + 1, start.end(), id) -
                          (start.begin() + 1));
}

// The agents a rank owns, and the firms of every region it holds agents of: a region split
// between ranks has one labour market, spanning all its firms.
Domain domain_of(const RankShare& mine, const std::vector<std::int64_t>& block_start,
                 const std::vector<std::int64_t>& consumer_start, int sectors,
                 std::int64_t retailers_per_market, std::int64_t markets, std::int64_t traders) {
  Domain d;
  d.firm_first = mine.firm_begin;
  d.firm_count = mine.firm_end - mine.firm_begin;
  d.firm_total = block_start.back();
  d.household_first = mine.household_begin;
  d.household_count = mine.household_end - mine.household_begin;
  d.household_total = consumer_start.back();
  // Firms are the goods market's first kind of seller (kFirmSellers), retailers its second:
  // seller ids are firm ids, then retailers' after them.
  d.sellers.add(d.firm_first, d.firm_count);
  d.retailer_first = mine.market_begin * retailers_per_market;
  d.retailer_count = (mine.market_end - mine.market_begin) * retailers_per_market;
  d.retailer_total = markets * retailers_per_market;
  d.sellers.add(d.firm_total + d.retailer_first, d.retailer_count);
  // Traders are its third kind, after all retailers.
  d.trader_first = mine.trader_begin;
  d.trader_count = mine.trader_end - mine.trader_begin;
  d.trader_total = traders;
  d.sellers.add(d.firm_total + d.retailer_total + d.trader_first, d.trader_count);
  d.seller_total = d.firm_total + d.retailer_total + d.trader_total;
  int low = static_cast<int>(consumer_start.size()), high = -1;
  if (mine.firm_end > mine.firm_begin) {
    low = std::min(low, group_of(block_start, mine.firm_begin) / sectors);
    high = std::max(high, group_of(block_start, mine.firm_end - 1) / sectors);
  }
  if (mine.household_end > mine.household_begin) {
    low = std::min(low, group_of(consumer_start, mine.household_begin));
    high = std::max(high, group_of(consumer_start, mine.household_end - 1));
  }
  d.labour_first =
      high >= 0 ? block_start[static_cast<std::size_t>(low) * sectors] : mine.firm_begin;
  d.labour_end =
      high >= 0 ? block_start[static_cast<std::size_t>(high + 1) * sectors] : mine.firm_end;
  return d;
}

}  // namespace

Model::Model(const Scenario& sc, World& w, const Comm* c) : scenario(sc), world(w), rng{sc.seed} {
  build_tables(sc, w, tables);
  ranks.comm = c;
  ranks.partition = partition_agents(sc, c != nullptr ? c->size() : 1);
  // Traders' seller ids follow the firms' and the retailers'.
  tables.trader_seller_first =
      tables.host.block_start.back() + tables.markets * tables.retailers_per_market();
  place_traders(tables, ranks.partition);
  const RankShare& mine = ranks.partition.ranks[ranks.rank()];
  ranks.domain =
      domain_of(mine, tables.host.block_start, tables.host.consumer_start, tables.sectors,
                tables.retailers_per_market(), tables.markets, tables.traders);
  if (ranks.distributed()) {
#if defined(ENTREPOT_BACKEND_CUDA)
    ranks.exchange_in_place = c->cuda_aware();
#else
    ranks.exchange_in_place = !c->staged();
#endif
    for (auto* x : {&ranks.quote_exchange, &ranks.offer_exchange, &ranks.spill_exchange,
                    &ranks.round_two_exchange, &ranks.labour_exchange}) {
      *x = std::make_unique<SellerExchange>(*c, ranks.partition);
    }
    std::vector<std::int64_t> others;
    for (std::int64_t id = ranks.domain.labour_first; id < ranks.domain.labour_end; ++id) {
      if (id < mine.firm_begin || id >= mine.firm_end) others.push_back(id);
    }
    ranks.labour_exchange->ask(others);
  }
  const int nr = tables.regions, ns = tables.sectors;
  scratch.trade.flows.assign(static_cast<std::size_t>(nr) * nr * ns * kFlows, 0);
  scratch.trade.household_flows.assign(static_cast<std::size_t>(nr) * tables.consumer_slots * 2, 0);
  scratch.trade.input_use.assign(static_cast<std::size_t>(nr) * ns * nr * ns, 0);
  scratch.trade.handled.assign(static_cast<std::size_t>(nr) * nr * ns * world.hub_name.size(), 0);
  scratch.trade.offshore.assign(scratch.trade.handled.size(), 0);
  scratch.trade.offshore_bought.assign(static_cast<std::size_t>(nr) * ns * world.hub_name.size(),
                                       0);
  Economy& e = economy;
  e.government.assign(world.countries(), 0);
  e.owners.assign(nr, 0);
  e.unemployment_rate.assign(nr, sc.behaviour.target_unemployment);
  e.mean_wage.resize(nr);
  for (int r = 0; r < nr; ++r) {
    e.mean_wage[r] = sc.regions[r].productivity * static_cast<double>(kMoneyScale);
  }
  e.base_unit_value.assign(static_cast<std::size_t>(nr) * tables.consumer_slots, 0.0);
  // Every currency starts at 1 US$, so the calibration's prices hold in every country.
  e.exchange_rate.assign(world.countries(), 1.0);
  e.foreign_held.assign(world.countries(), 0);
  e.official_held.assign(world.countries(), 0);
  e.reserves.assign(world.countries(), 0.0);
  // Where buyers search follows from the population: each block's presence is set so that,
  // at the starting prices, it meets demand equal to its output at capacity. Trade then
  // loses goods on the way (iceberg costs) in proportions the gravity guess of the first
  // pass only approximates where sectors are specialised; the second pass sizes output
  // for the losses of the first pass's flows.
  // The exporters the first pass chooses leave room in the second for their fixed cost, and
  // are staffed for the foreign sales only they can make.
  StartingFlows start;
  for (int pass = 0; pass < 2; ++pass) {
    populate(sc, setting(), economy, ranks, scratch, start);
    refresh_sellers(sc.behaviour, economy, ranks, tables);
    const std::vector<double> supply = block_supply(setting(), economy, ranks);
    e.presence = calibrate_presence(sc, world, tables, supply, e.block_price, e.home_share);
    // What the second pass sizes firms by; no pass reads the second's.
    if (pass == 0) learn_flows(sc, world, tables, economy, supply, start);
    update_exporters(supply);
    start.overhead.assign(static_cast<std::size_t>(world.regions()), 0.0);
    const std::vector<std::int64_t> exporters = exporter_counts(tables, economy);
    for (std::size_t b = 0; b < exporters.size(); ++b) {
      start.overhead[b / static_cast<std::size_t>(world.sectors())] +=
          sc.behaviour.export_cost * static_cast<double>(exporters[b]);
    }
  }
  refresh_search(sc, world, economy, tables);
  // With retail markets, retailers open for their markets' budgets and households are
  // placed at them; the retailers' suppliers are searched below like firms'.
  open_retailers(sc.retail, setting(), economy, ranks, scratch.search, true);
  // Every buyer slot starts with the first of its candidates with goods to spare, and every firm
  // with the staff its buyers' orders take. The next searches weigh sellers at those prices,
  // with presence calibrated again to the blocks' output at them. The first round's draws
  // were weighed at the sector costs of the passes above, which overstate the productive
  // firms' prices (their costs are mostly inputs, bought from productive suppliers): left
  // so, the routine searches would move buyers to them over a decade and output per worker
  // would drift up. The second round draws every slot afresh at the prices firms settled at.
  for (int round = 0; round < 2; ++round) {
    if (round > 0) {
      thrust::fill(economy.firms.supplier.begin(), economy.firms.supplier.end(), -1);
      // Households' slots at retailers keep their shop; the others search again.
      thrust::fill(economy.retailers.supplier.begin(), economy.retailers.supplier.end(), -1);
      const std::size_t n = economy.consumers.size;
      for (int c = 0; c < kConsumerSlots; ++c) {
        if (c < tables.consumer_slots && tables.markets > 0 && tables.retail_slot[c] >= 0) continue;
        auto from = economy.consumers.retailer.begin() + static_cast<std::ptrdiff_t>(c * n);
        thrust::fill(from, from + static_cast<std::ptrdiff_t>(n), -1);
      }
    }
    search_suppliers(setting(), economy, ranks, scratch.search, 0, 1.0);
    staff_by_orders(sc, setting(), economy, ranks, scratch, start);
    update_block_prices(setting(), economy, ranks);
    refresh_sellers(sc.behaviour, economy, ranks, tables);
    e.presence = calibrate_presence(sc, world, tables, block_supply(setting(), economy, ranks),
                                    e.block_price, e.home_share);
    refresh_search(sc, world, economy, tables);
    // Retailers re-priced at the prices firms settled at.
    open_retailers(sc.retail, setting(), economy, ranks, scratch.search, false);
  }
  // Traders open once the producers have settled, draw their suppliers and price at what
  // those charge. Firms and retailers then draw theirs again with the traders among them, and
  // each trader is sized by what its buyers order: so traders trade from the first step at
  // the price they will pay and the scale their place in buyers' search brings them.
  if (tables.traders > 0) {
    open_traders(sc, setting(), economy, ranks);
    update_trader_prices(setting(), economy, ranks);
    refresh_search(sc, world, economy, tables);
    search_suppliers(setting(), economy, ranks, scratch.search, 0, 1.0);
    price_traders_at_suppliers(setting(), economy, ranks, scratch.search, sc.traders.markup);
    refresh_search(sc, world, economy, tables);
    thrust::fill(economy.firms.supplier.begin(), economy.firms.supplier.end(), -1);
    thrust::fill(economy.retailers.supplier.begin(), economy.retailers.supplier.end(), -1);
    search_suppliers(setting(), economy, ranks, scratch.search, 0, 1.0);
    size_traders(setting(), economy, ranks, scratch.search, sc.traders.inventory_target);
  }
  open_banks(setting(), economy, ranks);
  share_sites(economy, ranks, tables);
  if (sc.emissions.on()) {
    // At the set-up prices: a block's emissions per unit stay as its goods are made.
    tables.host.emission_intensity.resize(economy.block_price.size());
    for (std::size_t b = 0; b < economy.block_price.size(); ++b) {
      const int region = static_cast<int>(b) / tables.sectors;
      const int sector = static_cast<int>(b) % tables.sectors;
      tables.host.emission_intensity[b] = unit_intensity(
          sc.emissions.sector[sector], sc.emissions.country[world.region_country[region]],
          economy.block_price[b]);
    }
    tables.emission_intensity.assign(tables.host.emission_intensity.begin(),
                                     tables.host.emission_intensity.end());
  }
  set_up_carbon_markets(sc, economy, ranks, tables);
  set_up_venues(sc, world, economy);
  initial_money = total_money();
  initial_country_money = country_money();
}

std::int64_t Model::total_money() const {
  const Economy& e = economy;
  // Deposits plus banks' equity less loans: the money identity of agents/credit.h.
  std::int64_t total = thrust::reduce(e.firms.cash.begin(), e.firms.cash.end(), std::int64_t{0});
  total += thrust::reduce(e.consumers.cash.begin(), e.consumers.cash.end(), std::int64_t{0});
  total += thrust::reduce(e.retailers.cash.begin(), e.retailers.cash.end(), std::int64_t{0});
  total += thrust::reduce(e.traders.cash.begin(), e.traders.cash.end(), std::int64_t{0});
  total -= thrust::reduce(e.firms.loan.begin(), e.firms.loan.end(), std::int64_t{0});
  total -= thrust::reduce(e.retailers.loan.begin(), e.retailers.loan.end(), std::int64_t{0});
  total -= thrust::reduce(e.traders.loan.begin(), e.traders.loan.end(), std::int64_t{0});
  total = ranks.sum_over_ranks(total);
  for (std::int64_t g : e.government) total += g;
  for (std::int64_t o : e.owners) total += o;
  for (std::int64_t k : e.bank_equity) total += k;
  for (std::int64_t x : e.foreign_held) total += x;
  return total;
}

void Model::step(int step) {
  auto mark = std::chrono::steady_clock::now();
  // Closes the part that ran since the last mark.
  const auto part_ends = [&](StepPart part) {
    const auto now = std::chrono::steady_clock::now();
    part_seconds[part] = std::chrono::duration<double>(now - mark).count();
    mark = now;
  };
  if (world.apply_policy(step)) {  // 1. policy
    refresh_trade_costs();
    admit_foreign_traders(scenario, setting(), economy, ranks);
  }
  part_ends(kPolicyPart);
  const std::vector<std::int64_t> government_at_start = economy.government;
  const Setting set = setting();
  const Behaviour& b = scenario.behaviour;
  const std::int64_t switches =  // 2. search
      search_suppliers(set, economy, ranks, scratch.search, step, b.search_probability);
  part_ends(kSearchPart);
  const AllowanceTrade allowances =  // 3a. carbon markets
      trade_allowances(scenario, set, economy, ranks, tables, step);
  part_ends(kCarbonPart);
  plan(scenario, set, economy, ranks, scratch.search);  // 3. plan
  part_ends(kPlanPart);
  labour_market(set, economy, ranks, scratch.labour, step);  // 4. labour market
  part_ends(kLabourPart);
  const std::int64_t used = produce(set, economy.firms, ranks);  // 5. produce
  part_ends(kProducePart);
  TradeFlows flows =  // 6. trade
      trade(set, economy, ranks, scratch.trade, trade_chunk, step);
  part_ends(kTradePart);
  const VenueTrade venues =  // 6b. commodity exchanges
      trade_on_venues(scenario, set, economy, ranks, flows);
  part_ends(kVenuesPart);
  const Exits exits =  // 7. accounts
      settle_accounts(set, economy, ranks, scratch.labour, government_at_start);
  part_ends(kAccountsPart);
  const Relocations moved = relocate_firms(scenario, set, economy, ranks, tables, step);  // 7b
  part_ends(kRelocationPart);
  adjust_prices(set, economy.firms, economy.unemployment_rate);  // 8. prices
  part_ends(kPricesPart);
  stats = collect_statistics(set, economy, ranks, step, flows);  // 9. statistics
  carbon_statistics(scenario, set, economy, ranks, allowances, stats);
  venue_statistics(scenario, world, economy, venues, flows, stats);
  part_ends(kStatisticsPart);
  // Next step's search weighs origins and sellers at this step's prices, and trades at the
  // rates this step's payments across borders set.
  update_block_prices(set, economy, ranks);
  refresh_sellers(b, economy, ranks, tables);
  clear_currency_market(set, scenario.reference_currency, economy, flows, initial_country_money,
                        step);
  stats.reserves = economy.reserves;
  refresh_trade_costs();
  // Firms decide once a year whether to serve foreign markets, at this step's demand.
  if (step % scenario.steps_per_year == 0) {
    update_exporters(block_supply(setting(), economy, ranks));
  }
  part_ends(kNextStepPart);
  stats.supplier_switches = switches;
  stats.used = used;
  stats.firm_exits = exits.firms;
  stats.relocations = moved.by_route;
  stats.stockist_exits = exits.stockists;
  economy.step = step;

  std::int64_t money = 0;
  for (std::int64_t held : stats.money) money += held;
  for (std::size_t c = 0; c < initial_country_money.size(); ++c) {
    if (stats.country_money[c] != initial_country_money[c]) {
      throw std::logic_error("step " + std::to_string(step) + ": money in the currency of " +
                             world.country_code[c] +
                             " is not conserved (deposits + bank equity + foreign holdings − "
                             "loans = " +
                             std::to_string(stats.country_money[c]) + ", " +
                             std::to_string(initial_country_money[c]) + " at the start)");
    }
  }
  if (money != initial_money) {
    throw std::logic_error(
        "step " + std::to_string(step) +
        ": money is not conserved (deposits + bank equity + foreign holdings − loans = " +
        std::to_string(money) + ", " + std::to_string(initial_money) + " at the start)");
  }
}

void Model::update_exporters(const std::vector<double>& supply) {
  economy.export_first = choose_exporters(scenario, world, tables, economy, supply);
  tables.export_first.assign(economy.export_first.begin(), economy.export_first.end());
}

namespace {

// The entity lists each firm is on, for its snapshot (whether or not a ban covers them).
struct FirmEntityLists {
  TablesView t;
  FirmStore::ConstView f;
  Philox rng;
  std::uint64_t first;  // global id of this rank's first firm
  ENTREPOT_HD std::uint8_t operator()(std::size_t j) const {
    return entity_lists_of(t, rng, first + j, f.block[j]);
  }
};

}  // namespace

FirmSnapshot Model::snapshot(int step) const {
  FirmSnapshot s;
  s.step = step;
  const std::vector<std::int32_t> block = to_host(economy.firms.block);
  s.region.resize(block.size());
  s.sector.resize(block.size());
  for (std::size_t j = 0; j < block.size(); ++j) {
    s.region[j] = block[j] / tables.sectors;
    s.sector[j] = block[j] % tables.sectors;
  }
  s.productivity = to_host(economy.firms.productivity);
  s.employees = to_host(economy.firms.employees);
  s.output = to_host(economy.firms.output);
  s.sales_value = to_host(economy.firms.sales_value);
  s.export_value = to_host(economy.firms.export_value);
  s.cash = to_host(economy.firms.cash);
  s.price = to_host(economy.firms.price);
  thrust::device_vector<std::uint8_t> lists(economy.firms.size);
  auto first = thrust::counting_iterator<std::size_t>(0);
  thrust::transform(first, first + economy.firms.size, lists.begin(),
                    FirmEntityLists{tables.view(), economy.firms.view(), rng,
                                    static_cast<std::uint64_t>(ranks.domain.firm_first)});
  s.entity_lists = to_host(lists);
  s.open = to_host(economy.firms.open);
  return s;
}

}  // namespace entrepot
