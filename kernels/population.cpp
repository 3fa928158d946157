// The synthetic population (DESIGN §4): households by region ∝ population, firms by
// (region, sector) ∝ value added, Pareto productivity, dense ids sorted by (region,
// sector). Wages start ∝ regional productivity and prices at (1+μ)·unit cost, so the
// economy starts near a steady state; the burn-in does the rest.
#include <thrust/binary_search.h>
#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/scan.h>
#include <thrust/transform.h>

#include "agents/rules.h"
#include "kernels/ghosts.h"
#include "kernels/phases.h"

namespace entrepot {
namespace {

// Trade cost assumed for inputs when setting the first prices.
constexpr double kTypicalTradeFactor = 1.15;

struct FoundFirm {
  TablesView t;
  FirmStore::View f;
  const double* input_cost;  // per sector, at the starting prices
  Philox rng;
  Domain domain;
  double shape;
  ENTREPOT_HD void operator()(std::size_t j) const {
    const int region = f.block[j] / t.sectors, sector = f.block[j] % t.sectors;
    const double phi =
        pareto_productivity(rng.uniform(domain.firm_id(j), 0, Draw::productivity, 0), shape);
    f.productivity[j] = static_cast<float>(phi);
    const double tfp = t.region_tfp[region];
    f.wage[j] = starting_wage(tfp);
    // Starting wages equal regional productivity A, so labour costs 1/φ a unit.
    f.price[j] =
        cost_price(unit_cost(1.0, f.productivity[j], 1.0, input_cost[sector]), t.markup[sector]);
    for (int k = 0; k < kInputSlots; ++k) f.supplier[k * f.size + j] = -1;
  }
};

// Weight for the first hiring: ∝ productivity × the sector's labour need per firm, in
// fixed point so the scan is exact.
struct HiringWeight {
  const float* productivity;
  const std::int32_t* block;
  int sectors;
  const double* sector_weight;
  ENTREPOT_HD std::int64_t operator()(std::size_t j) const {
    return hiring_weight(productivity[j], sector_weight[block[j] % sectors]);
  }
};

struct FirstJob {
  TablesView t;
  ConsumerStore::View h;
  const std::int64_t* cumulative;  // over the labour mirror's firms
  std::int64_t base;               // global id of the mirror's first firm
  Philox rng;
  Domain domain;
  double unemployment;
  ENTREPOT_HD void operator()(std::size_t n) const {
    const int region = h.region[n];
    const auto w = rng.words(domain.household_id(n), 0, Draw::employer_init, 0);
    h.employer[n] = -1;
    if (to_unit(w[0]) < unemployment) return;
    h.employer[n] = static_cast<std::int32_t>(draw_weighted(
        cumulative, base, t.block_start[region * t.sectors],
        t.block_start[(region + 1) * t.sectors], (static_cast<std::uint64_t>(w[1]) << 32) | w[2]));
  }
};

struct StockFirm {
  TablesView t;
  FirmStore::View f;
  const double* input_cost;
  double inventory_target, stock_target, buffer_steps;
  ENTREPOT_HD void operator()(std::size_t j) const {
    const int region = f.block[j] / t.sectors, sector = f.block[j] % t.sectors;
    const double capacity = labour_capacity(f.productivity[j], t.region_tfp[region],
                                            static_cast<double>(f.employees[j]));
    f.expected_sales[j] = capacity;
    f.inventory[j] = starting_stock(inventory_target, 1.0, capacity);
    for (int k = 0; k < kInputSlots; ++k) {
      const double a = t.input_sector[sector * kInputSlots + k] >= 0
                           ? t.input_amount[sector * kInputSlots + k]
                           : 0.0;
      f.input_stock[k * f.size + j] = starting_stock(stock_target, a, capacity);
    }
    f.cash[j] =
        starting_cash(buffer_steps, f.wage[j], f.employees[j], input_cost[sector], capacity);
    f.input_unit_cost[j] = input_cost[sector];
  }
};

struct SettleHousehold {
  TablesView t;
  ConsumerStore::View h;
  double profit_share;
  ENTREPOT_HD void operator()(std::size_t n) const {
    // Income as in a steady state: the wage plus the region's share of profits, and the
    // cash a household keeps when it spends what it earns (budget = income at M = 3·I).
    h.income[n] = starting_income(t.region_tfp[h.region[n]], profit_share);
    h.cash[n] = starting_household_cash(h.income[n]);
    for (int c = 0; c < kConsumerSlots; ++c) h.retailer[c * h.size + n] = -1;
  }
};

}  // namespace

void populate(const Scenario& sc, const Setting& setting, Economy& economy, Ranks& ranks,
              Scratch& scratch) {
  const Behaviour& b = sc.behaviour;
  const int ns = setting.tables.sectors;
  const Domain& d = ranks.domain;
  economy.firms.resize(static_cast<std::size_t>(d.firm_count));
  economy.consumers.resize(static_cast<std::size_t>(d.household_count));
  FirmStore::View f = economy.firms.view();
  ConsumerStore::View h = economy.consumers.view();
  const TablesView t = setting.tables.view();
  auto first = thrust::counting_iterator<std::size_t>(0);

  // Dense ids: block and region follow from the (global) id by the layout tables.
  auto firm_ids = thrust::counting_iterator<std::int64_t>(d.firm_first);
  auto household_ids = thrust::counting_iterator<std::int64_t>(d.household_first);
  thrust::upper_bound(setting.tables.block_start.begin() + 1, setting.tables.block_start.end(),
                      firm_ids, firm_ids + static_cast<std::ptrdiff_t>(f.size),
                      economy.firms.block.begin());
  thrust::upper_bound(
      setting.tables.consumer_start.begin() + 1, setting.tables.consumer_start.end(), household_ids,
      household_ids + static_cast<std::ptrdiff_t>(h.size), economy.consumers.region.begin());

  // Starting sector prices p_s = (1+μ_s)·(1 + Σ_k a_ks·p_k·τ̄), by iteration.
  std::vector<double> price(ns, 1.0), input_cost(ns, 0.0);
  for (int round = 0; round < 200; ++round) {
    for (int s = 0; s < ns; ++s) {
      input_cost[s] = 0.0;
      for (const RecipeEntry& e : sc.recipe) {
        if (e.output == s) input_cost[s] += e.amount * price[e.input] * kTypicalTradeFactor;
      }
      price[s] = cost_price(unit_cost(1.0, 1.0, 1.0, input_cost[s]), sc.sectors[s].markup);
    }
  }
  // Gross output (value) that household budgets need through the recipe, X = c + A·X, and
  // the labour it takes; first jobs go to sectors in that proportion, so the economy starts
  // with the capacity its demand implies even where firm counts (∝ value added) differ.
  std::vector<double> gross(ns, 0.0), labour(ns, 0.0), hiring(ns, 0.0);
  for (int round = 0; round < 500; ++round) {
    std::vector<double> next(ns, 0.0);
    for (int s = 0; s < ns; ++s) next[s] = sc.sectors[s].consumer_share;
    for (const RecipeEntry& e : sc.recipe) {
      next[e.input] +=
          e.amount * price[e.input] * kTypicalTradeFactor / price[e.output] * gross[e.output];
    }
    gross = next;
  }
  for (int s = 0; s < ns; ++s) {
    // Labour cost per unit of revenue: 1/(1+μ) − input cost share.
    const double share = 1.0 / (1.0 + sc.sectors[s].markup) - input_cost[s] / price[s];
    labour[s] = gross[s] * (share > 0.0 ? share : 0.0);
    hiring[s] =
        sc.sectors[s].value_added_share > 0.0 ? labour[s] / sc.sectors[s].value_added_share : 0.0;
  }
  thrust::device_vector<double> input_cost_device(input_cost.begin(), input_cost.end());
  const double* cost = thrust::raw_pointer_cast(input_cost_device.data());
  thrust::for_each(first, first + f.size,
                   FoundFirm{t, f, cost, setting.rng, d, b.productivity_shape});

  // First jobs over the firms of each household's region, split between ranks or not.
  thrust::device_vector<double> hiring_device(hiring.begin(), hiring.end());
  mirror_firms(
      ranks,
      HiringWeight{f.productivity, f.block, ns, thrust::raw_pointer_cast(hiring_device.data())},
      scratch.labour.vacancies);
  thrust::inclusive_scan(scratch.labour.vacancies.begin(), scratch.labour.vacancies.end(),
                         scratch.labour.vacancies.begin());
  thrust::for_each(first, first + h.size,
                   FirstJob{t, h, thrust::raw_pointer_cast(scratch.labour.vacancies.data()),
                            d.labour_first, setting.rng, d, b.target_unemployment});
  recount_staff(economy, ranks);
  thrust::for_each(
      first, first + f.size,
      StockFirm{t, f, cost, b.inventory_target, b.input_stock_target, b.cash_buffer_steps});
  double markup = 0.0;
  for (const Sector& sector : sc.sectors) markup += sector.consumer_share * sector.markup;
  thrust::for_each(first, first + h.size, SettleHousehold{t, h, markup});
  search_suppliers(setting, economy, ranks, scratch.search, 0, 1.0);
}

}  // namespace entrepot
