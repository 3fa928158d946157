// Phase 7b: relocation (agents/relocation.h). After the accounts, each block's profit and
// sales per firm (US$, smoothed) say where capital earns most; a share of firms weighs a move
// to one other region, drawn ∝ the sector's firms there, and moves where it pays and it can
// finance it. Every rank learns every move (few a step), so all pair movers with free sites
// alike, in firm-id order: a mover takes the destination block's free site nearest its own
// rank in productivity, and the site's productivity (a plant's is where it stands). The firm
// repays its loan at home, carries its cash (through the currency market when it crosses a
// border), its stocks, its suppliers and its expected sales, and pays the move's cost, less the
// destination government's subsidy, to the destination's owners (the builders' income). Its
// workers are laid off at home; it hires at the destination. Its buyers find the old site
// vacated and look for another seller at once.
#include "agents/relocation.h"

#include <thrust/copy.h>
#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>

#include <algorithm>
#include <cstring>

#include "agents/accounts.h"
#include "agents/prices.h"
#include "kernels/host_copy.h"
#include "kernels/phases.h"
#include "kernels/reduce.h"
#include "world/layout.h"

namespace entrepot {
namespace {

// A mover's record as ranks share it: id, destination region, cash, loan, inventory, wage, the
// bits of price, expected sales and input cost per unit, then per input slot its supplier and
// its stock.
constexpr int kMoverFields = 9 + 2 * kInputSlots;

template <class T>
thrust::device_vector<T> on_device(const std::vector<T>& host) {
  return thrust::device_vector<T>(host.begin(), host.end());
}

// Per block: its firms' profit this step (sales less inputs, wages and interest), their sales,
// and their number.
struct BlockProfit {
  FirmStore::ConstView f;
  ENTREPOT_HD Totals<3> operator()(std::size_t j) const {
    if (f.open[j] == 0) return Totals<3>{{0, 0, 0}};
    const std::int64_t wages = f.wage_paid[j] * static_cast<std::int64_t>(f.employees[j]);
    return Totals<3>{
        {f.sales_value[j] - f.input_cost[j] - wages - f.interest[j], f.sales_value[j], 1}};
  }
};

struct WeighMove {
  TablesView t;
  FirmStore::ConstView f;
  Philox rng;
  int step;
  std::uint64_t first_id;  // global id of this rank's first firm
  double review;
  const std::int64_t* firms_of;  // [s·R + r]: running total over regions of the sector's firms
  const std::uint8_t* pays;      // [(o·R + d)·S + s]: whether a move pays (move_pays)
  const double* subsidy;         // same layout: the share of its cost the destination pays
  double cost_years;
  int steps_per_year;
  std::int32_t* destination;  // out: the region the firm moves to, −1 none
  ENTREPOT_HD void operator()(std::size_t j) const {
    destination[j] = -1;
    if (f.open[j] == 0) return;
    const auto w = rng.words(first_id + j, step, Draw::relocation, 0);
    if (!(to_unit(w[0]) < review)) return;
    const int origin = f.block[j] / t.sectors, sector = f.block[j] % t.sectors;
    const std::int64_t* running = firms_of + static_cast<std::size_t>(sector) * t.regions;
    const std::int64_t total = running[t.regions - 1];
    if (total <= 0) return;
    const std::int64_t target = scale_word(w[1], total);
    int dest = 0;
    while (running[dest] <= target) ++dest;
    const std::size_t cell = t.rrs(origin, dest, sector);
    if (dest == origin || pays[cell] == 0) return;
    const std::int64_t own = unsubsidised(
        move_cost(f.price[j], f.expected_sales[j], cost_years, steps_per_year), subsidy[cell]);
    if (finances_move(f.cash[j], f.loan[j], own)) destination[j] = dest;
  }
};

struct Moves {
  const std::int32_t* destination;
  ENTREPOT_HD bool operator()(std::size_t j) const { return destination[j] >= 0; }
};

ENTREPOT_HD std::int64_t bits_of(double x) {
  std::int64_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}
ENTREPOT_HD double double_of(std::int64_t b) {
  double x;
  std::memcpy(&x, &b, sizeof x);
  return x;
}

struct PackMover {
  FirmStore::ConstView f;
  const std::int64_t* local;  // the movers' places in this rank's store
  const std::int32_t* destination;
  std::uint64_t first_id;
  std::int64_t* out;  // kMoverFields per mover
  ENTREPOT_HD void operator()(std::size_t i) const {
    const auto j = static_cast<std::size_t>(local[i]);
    std::int64_t* r = out + i * kMoverFields;
    r[0] = static_cast<std::int64_t>(first_id + j);
    r[1] = destination[j];
    r[2] = f.cash[j];
    r[3] = f.loan[j];
    r[4] = f.inventory[j];
    r[5] = f.wage[j];
    r[6] = bits_of(f.price[j]);
    r[7] = bits_of(f.expected_sales[j]);
    r[8] = bits_of(f.input_unit_cost[j]);
    for (int k = 0; k < kInputSlots; ++k) {
      r[9 + k] = f.supplier[k * f.size + j];
      r[9 + kInputSlots + k] = f.input_stock[k * f.size + j];
    }
  }
};

// The site a firm leaves: nobody works it, it holds nothing and owes nothing.
struct VacateSite {
  FirmStore::View f;
  const std::int64_t* local;
  ENTREPOT_HD void operator()(std::size_t i) const {
    const auto j = static_cast<std::size_t>(local[i]);
    f.open[j] = 0;
    f.cash[j] = 0;
    f.loan[j] = 0;
    f.inventory[j] = 0;
    f.expected_sales[j] = 0.0;
    f.employees[j] = 0;
    f.distress[j] = 0;
    for (int k = 0; k < kInputSlots; ++k) {
      f.supplier[k * f.size + j] = -1;
      f.input_stock[k * f.size + j] = 0;
    }
  }
};

// A move as the destination's rank applies it.
struct Arrival {
  std::int64_t site;   // the site's place in this rank's store
  std::int64_t cash;   // what the firm brings, after its part of the cost, money of the site
  double conversion;   // units of the destination's currency per unit of the origin's
  std::int64_t mover;  // its record's place among the movers
};

struct OccupySite {
  TablesView t;
  FirmStore::View f;
  const Arrival* arrivals;
  const std::int64_t* movers;  // kMoverFields per mover
  const double* mean_wage;     // by region, money
  ENTREPOT_HD void operator()(std::size_t i) const {
    const Arrival a = arrivals[i];
    const auto j = static_cast<std::size_t>(a.site);
    const std::int64_t* r = movers + a.mover * kMoverFields;
    const int region = f.block[j] / t.sectors, sector = f.block[j] % t.sectors;
    f.open[j] = 1;
    f.cash[j] += a.cash;
    f.loan[j] = 0;
    f.inventory[j] = r[4];
    f.expected_sales[j] = double_of(r[7]);
    f.employees[j] = 0;
    f.distress[j] = 0;
    for (int k = 0; k < kInputSlots; ++k) {
      f.supplier[k * f.size + j] = static_cast<std::int32_t>(r[9 + k]);
      f.input_stock[k * f.size + j] = r[9 + kInputSlots + k];
    }
    // It pays the destination's mean wage and prices at its cost there, as an entrant does.
    f.wage[j] = entrant_wage(mean_wage[region], f.wage[j]);
    f.input_unit_cost[j] = double_of(r[8]) * a.conversion;
    f.price[j] = cost_price(unit_cost(money_units(f.wage[j]), f.productivity[j],
                                      t.block_tfp[f.block[j]], f.input_unit_cost[j]),
                            t.markup[sector]);
  }
};

// Households whose employer's site was vacated lose their job.
struct LayOff {
  TablesView t;
  ConsumerStore::View h;
  ENTREPOT_HD void operator()(std::size_t n) const {
    if (t.vacated(h.employer[n])) h.employer[n] = -1;
  }
};

// The free site of [first, first + m) nearest `target`, the lower of two as near; −1 if none.
std::int64_t nearest_free(const std::vector<std::uint8_t>& open, std::int64_t first, std::int64_t m,
                          std::int64_t target) {
  for (std::int64_t gap = 0; gap < m; ++gap) {
    for (const std::int64_t at : {target - gap, target + gap}) {
      if (at >= first && at < first + m && open[static_cast<std::size_t>(at)] == 0) return at;
    }
  }
  return -1;
}

// Per sector × region, a running total over regions of the sector's firms (for the draw of
// a destination), and whether each move (o, d, s) pays, with its subsidy.
struct MoveTables {
  std::vector<std::int64_t> firms_of;
  std::vector<std::uint8_t> pays;
  std::vector<double> subsidy;
};

MoveTables move_tables(const Scenario& scenario, const World& world, const Tables& tables,
                       const Economy& economy, const std::vector<Totals<3>>& blocks) {
  const int nr = tables.regions, ns = tables.sectors;
  const RelocationSettings& rel = scenario.relocation;
  MoveTables m;
  m.firms_of.assign(static_cast<std::size_t>(ns) * nr, 0);
  for (int s = 0; s < ns; ++s) {
    std::int64_t running = 0;
    for (int r = 0; r < nr; ++r) {
      running += blocks[static_cast<std::size_t>(r) * ns + s].v[2];
      m.firms_of[static_cast<std::size_t>(s) * nr + r] = running;
    }
  }
  // A block can take firms where it has free sites: those it started with (a sector that may
  // move) less those taken since, or left since.
  std::vector<std::int64_t> free(static_cast<std::size_t>(nr) * ns, 0);
  for (std::size_t b = 0; b < free.size(); ++b) {
    const std::int64_t sites = tables.host.block_start[b + 1] - tables.host.block_start[b];
    free[b] = sites - blocks[b].v[2];
  }
  std::vector<double> change(free.size(), 0.0);
  for (std::size_t b = 0; b < change.size(); ++b) {
    change[b] =
        profit_change(economy.block_profit[b], economy.settled_profit[b], economy.settled_sales[b]);
  }
  const double horizon = rel.horizon_years * static_cast<double>(scenario.steps_per_year);
  m.pays.assign(static_cast<std::size_t>(nr) * nr * ns, 0);
  m.subsidy.assign(m.pays.size(), 0.0);
  for (int o = 0; o < nr; ++o) {
    for (int d = 0; d < nr; ++d) {
      for (int s = 0; s < ns; ++s) {
        const std::size_t home = static_cast<std::size_t>(o) * ns + s,
                          away = static_cast<std::size_t>(d) * ns + s;
        if (o == d || tables.host.free_sites[home] == 0 || free[away] <= 0) continue;
        const std::size_t cell = (static_cast<std::size_t>(o) * nr + d) * ns + s;
        m.subsidy[cell] = world.relocation_subsidy[world.subsidy_cell(world.region_country[d],
                                                                      world.region_country[o], s)];
        m.pays[cell] = move_pays(change[home], change[away], horizon, rel.cost,
                                 scenario.steps_per_year, m.subsidy[cell])
                           ? 1
                           : 0;
      }
    }
  }
  return m;
}

}  // namespace

void share_sites(Economy& economy, const Ranks& ranks, Tables& tables) {
  if (tables.free_sites.empty()) return;
  const std::size_t blocks = tables.host.free_sites.size();
  for (auto* v : {&economy.block_profit, &economy.block_sales, &economy.settled_profit,
                  &economy.settled_sales}) {
    v->resize(blocks, 0.0);
  }
  const Domain& d = ranks.domain;
  std::vector<std::int64_t> open(static_cast<std::size_t>(d.firm_total), 0);
  const std::vector<std::uint8_t> own = to_host(economy.firms.open);
  for (std::size_t j = 0; j < own.size(); ++j) {
    open[static_cast<std::size_t>(d.firm_first) + j] = own[j];
  }
  ranks.sum_over_ranks(open.data(), open.size());
  tables.host.site_open.assign(open.begin(), open.end());
  tables.site_open = on_device(tables.host.site_open);
}

Relocations relocate_firms(const Scenario& scenario, const Setting& setting, Economy& economy,
                           Ranks& ranks, Tables& tables, int step) {
  Relocations moved;
  const int nr = tables.regions, ns = tables.sectors;
  moved.by_route.assign(static_cast<std::size_t>(nr) * nr, 0);
  if (!scenario.relocation.on()) return moved;
  const World& world = setting.world;
  FirmStore::View f = economy.firms.view();
  const FirmStore::ConstView cf = std::as_const(economy.firms).view();
  // Profit and sales per firm by block, in US$, smoothed.
  auto blocks = totals_by_key<3>(f.size, nr * ns, FirmBlock{f.block}, BlockProfit{cf});
  ranks.sum_over_ranks(blocks);
  const double memory = profit_memory(step, scenario.steps_per_year);
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    if (blocks[b].v[2] <= 0) continue;
    const double rate = economy.exchange_rate[world.region_country[b / ns]];
    const double firms = static_cast<double>(blocks[b].v[2]);
    economy.block_profit[b] = smoothed(economy.block_profit[b],
                                       static_cast<double>(blocks[b].v[0]) / firms * rate, memory);
    economy.block_sales[b] = smoothed(economy.block_sales[b],
                                      static_cast<double>(blocks[b].v[1]) / firms * rate, memory);
  }
  // No firm moves in the burn-in, where the economy settles from its starting guess; what
  // it settled at is what moves answer changes from.
  if (step <= scenario.burn_in || step == 1) {
    economy.settled_profit = economy.block_profit;
    economy.settled_sales = economy.block_sales;
  }
  if (step <= scenario.burn_in) return moved;

  const MoveTables m = move_tables(scenario, world, tables, economy, blocks);
  const thrust::device_vector<std::int64_t> firms_of = on_device(m.firms_of);
  const thrust::device_vector<std::uint8_t> pays = on_device(m.pays);
  const thrust::device_vector<double> subsidy = on_device(m.subsidy);
  thrust::device_vector<std::int32_t> destination(f.size);
  auto first = thrust::counting_iterator<std::size_t>(0);
  const Domain& d = ranks.domain;
  thrust::for_each(
      first, first + f.size,
      WeighMove{tables.view(), cf, setting.rng, step, static_cast<std::uint64_t>(d.firm_first),
                scenario.relocation.review, thrust::raw_pointer_cast(firms_of.data()),
                thrust::raw_pointer_cast(pays.data()), thrust::raw_pointer_cast(subsidy.data()),
                scenario.relocation.cost, scenario.steps_per_year,
                thrust::raw_pointer_cast(destination.data())});
  // This rank's movers, packed, then every rank's in rank order: ascending firm ids.
  thrust::device_vector<std::int64_t> local(f.size);
  const auto* dest = thrust::raw_pointer_cast(destination.data());
  const auto end = thrust::copy_if(first, first + f.size, local.begin(), Moves{dest});
  const auto count = static_cast<std::size_t>(end - local.begin());
  thrust::device_vector<std::int64_t> packed(count * kMoverFields);
  thrust::for_each(
      first, first + count,
      PackMover{cf, thrust::raw_pointer_cast(local.data()), dest,
                static_cast<std::uint64_t>(d.firm_first), thrust::raw_pointer_cast(packed.data())});
  std::vector<std::int64_t> movers = to_host(packed);
  if (ranks.distributed()) {
    const std::vector<std::vector<std::int64_t>> sent(static_cast<std::size_t>(ranks.comm->size()),
                                                      movers);
    movers.clear();
    for (const auto& from : ranks.comm->exchange(sent)) {
      movers.insert(movers.end(), from.begin(), from.end());
    }
  }
  const std::size_t n = movers.size() / kMoverFields;
  if (n == 0) return moved;

  // Pairing and payments, the same on every rank.
  std::vector<std::uint8_t>& open = tables.host.site_open;
  const std::vector<std::int64_t>& start = tables.host.block_start;
  std::vector<std::int64_t> vacated, vacated_here;
  std::vector<Arrival> arrivals;
  // A block keeps its last kMinBlockFirms firms (world/layout.h): a sector of a region with
  // one or two firms stops with their first exit, and its buyers with it; noise must not
  // empty a small block of the baseline.
  std::vector<std::int64_t> firms(blocks.size());
  for (std::size_t b = 0; b < blocks.size(); ++b) firms[b] = blocks[b].v[2];
  for (std::size_t i = 0; i < n; ++i) {
    const std::int64_t* r = &movers[i * kMoverFields];
    const std::int64_t id = r[0];
    const auto home = static_cast<std::size_t>(
        std::upper_bound(start.begin() + 1, start.end(), id) - (start.begin() + 1));
    const int origin = static_cast<int>(home) / ns, sector = static_cast<int>(home) % ns;
    const auto to = static_cast<int>(r[1]);
    const std::size_t away = static_cast<std::size_t>(to) * ns + sector;
    if (firms[home] <= kMinBlockFirms) continue;
    const std::int64_t sites = start[away + 1] - start[away];
    const std::int64_t rank_at_home = id - start[home], home_sites = start[home + 1] - start[home];
    const std::int64_t site =
        nearest_free(open, start[away], sites, start[away] + rank_at_home * sites / home_sites);
    if (site < 0) continue;  // every free site was taken this step: it stays
    open[static_cast<std::size_t>(site)] = 1;
    --firms[home];
    ++firms[away];
    vacated.push_back(id);
    if (id >= d.firm_first && id < d.firm_first + d.firm_count) vacated_here.push_back(id);
    // Its cash net of its loan, converted where it crosses to another currency.
    const int from_country = world.region_country[origin], to_country = world.region_country[to];
    const bool abroad = from_country != to_country;
    const double conversion =
        abroad ? economy.exchange_rate[from_country] / economy.exchange_rate[to_country] : 1.0;
    const std::int64_t carried = r[2] - r[3];
    const std::int64_t arrived =
        abroad ? static_cast<std::int64_t>(static_cast<double>(carried) * conversion) : carried;
    const std::int64_t cost = static_cast<std::int64_t>(
        static_cast<double>(move_cost(double_of(r[6]), double_of(r[7]), scenario.relocation.cost,
                                      scenario.steps_per_year)) *
        conversion);
    const double share =
        world.relocation_subsidy[world.subsidy_cell(to_country, from_country, sector)];
    const std::int64_t unpaid = unsubsidised(cost, share), subsidised = cost - unpaid;
    const std::int64_t own = unpaid < arrived ? unpaid : arrived;
    if (abroad) {
      economy.foreign_held[from_country] += carried;
      economy.foreign_held[to_country] -= arrived;
    }
    economy.owners[to] += own + subsidised;
    economy.government[to_country] -= subsidised;
    moved.by_route[static_cast<std::size_t>(origin) * nr + to] += 1;
    if (site >= d.firm_first && site < d.firm_first + d.firm_count) {
      arrivals.push_back(
          Arrival{site - d.firm_first, arrived - own, conversion, static_cast<std::int64_t>(i)});
    }
  }
  for (std::int64_t id : vacated) open[static_cast<std::size_t>(id)] = 0;
  tables.site_open = on_device(open);

  for (std::int64_t& id : vacated_here) id -= d.firm_first;
  const thrust::device_vector<std::int64_t> leaving = on_device(vacated_here);
  thrust::for_each(first, first + leaving.size(),
                   VacateSite{f, thrust::raw_pointer_cast(leaving.data())});
  const thrust::device_vector<Arrival> arriving(arrivals.begin(), arrivals.end());
  const thrust::device_vector<std::int64_t> records = on_device(movers);
  const thrust::device_vector<double> wage(economy.mean_wage.begin(), economy.mean_wage.end());
  thrust::for_each(
      first, first + arriving.size(),
      OccupySite{tables.view(), f, thrust::raw_pointer_cast(arriving.data()),
                 thrust::raw_pointer_cast(records.data()), thrust::raw_pointer_cast(wage.data())});
  ConsumerStore::View h = economy.consumers.view();
  thrust::for_each(first, first + h.size, LayOff{tables.view(), h});
  return moved;
}

}  // namespace entrepot
