// The synthetic population (DESIGN §4): households by region ∝ population, firms by
// (region, sector) ∝ value added, Pareto productivity rising with the id within a block,
// dense ids sorted by (region, sector). Wages start ∝ regional productivity and prices at
// (1+μ)·unit cost, so the economy starts near a steady state; the burn-in does the rest.
#include <thrust/binary_search.h>
#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/scan.h>
#include <thrust/transform.h>

#include <algorithm>
#include <cmath>

#include "agents/exporting.h"
#include "agents/relocation.h"
#include "agents/rules.h"
#include "kernels/ghosts.h"
#include "kernels/phases.h"
#include "kernels/rank_sums.h"
#include "kernels/reduce.h"
#include "kernels/retail.h"
#include "world/layout.h"

namespace entrepot {
namespace {

// The typical iceberg cost τ̄_s of a sector's trade at set-up: the mean over flows weighted by
// gravity, GDP_o·GDP_d·(τ(1+t))^−ε (banned flows count for nothing). Input costs and the
// gross output demand implies use it, since buyers order τ goods at origin for each one used.
std::vector<double> typical_iceberg(const Scenario& sc, const HostTables& host, int regions,
                                    int sectors) {
  std::vector<double> typical(sectors, 1.0);
  for (int s = 0; s < sectors; ++s) {
    double weight_total = 0.0, weighted = 0.0;
    for (int o = 0; o < regions; ++o) {
      for (int d = 0; d < regions; ++d) {
        const std::size_t cell = (static_cast<std::size_t>(o) * regions + d) * sectors + s;
        if (is_banned(host.trade_factor[cell])) continue;
        const double w = sc.regions[o].gdp_musd * sc.regions[d].gdp_musd *
                         det_pow(host.trade_factor[cell], -sc.behaviour.trade_elasticity);
        weight_total += w;
        weighted += w * host.iceberg[cell];
      }
    }
    if (weight_total > 0.0) typical[s] = weighted / weight_total;
  }
  return typical;
}

// The labour of each block at the start, as value at its region's wage: the regions' sector
// shares (block_shares) fitted biproportionally (RAS) so that each region's total is its GDP
// and each sector's world total is the labour its demand needs (`labour`, any scale). Where
// every region has the world's mix this is the mix itself.
std::vector<double> block_labour(const Scenario& sc, const std::vector<double>& labour) {
  const int nr = static_cast<int>(sc.regions.size()), ns = static_cast<int>(sc.sectors.size());
  std::vector<double> m = block_shares(sc), sector_target(labour);
  double gdp = 0.0, need = 0.0;
  for (int r = 0; r < nr; ++r) gdp += sc.regions[r].gdp_musd;
  for (double x : labour) need += x;
  for (double& x : sector_target) x = need > 0.0 ? x * gdp / need : 0.0;
  for (int b = 0; b < nr * ns; ++b) m[b] *= sc.regions[b / ns].gdp_musd;
  for (int round = 0; round < 200; ++round) {
    std::vector<double> column(ns, 0.0);
    for (int b = 0; b < nr * ns; ++b) column[b % ns] += m[b];
    for (int b = 0; b < nr * ns; ++b) {
      if (column[b % ns] > 0.0) m[b] *= sector_target[b % ns] / column[b % ns];
    }
    for (int r = 0; r < nr; ++r) {
      double row = 0.0;
      for (int s = 0; s < ns; ++s) row += m[r * ns + s];
      for (int s = 0; s < ns; ++s) {
        if (row > 0.0) m[r * ns + s] *= sc.regions[r].gdp_musd / row;
      }
    }
  }
  return m;
}

struct FoundFirm {
  TablesView t;
  FirmStore::View f;
  const double* input_cost;  // per sector, at the starting prices
  Philox rng;
  Domain domain;
  double shape;
  ENTREPOT_HD void operator()(std::size_t j) const {
    const int region = f.block[j] / t.sectors, sector = f.block[j] % t.sectors;
    // Within its block, a firm's productivity rank is its position: exporters are the last.
    const auto id = static_cast<std::int64_t>(domain.firm_id(j));
    const std::int64_t first = t.block_start[f.block[j]];
    const double phi =
        block_productivity(id - first, t.block_start[f.block[j] + 1] - first,
                           rng.uniform(domain.firm_id(j), 0, Draw::productivity, 0), shape);
    f.productivity[j] = static_cast<float>(phi);
    // Where firms may move, some sites start free, spread over the block's ranks.
    f.open[j] =
        t.free_sites != nullptr && starts_free(id - first, t.block_start[f.block[j] + 1] - first,
                                               t.free_sites[f.block[j]])
            ? 0
            : 1;
    const double tfp = t.region_tfp[region];
    f.wage[j] = starting_wage(tfp);
    // Starting wages equal regional productivity A, so labour costs 1/φ a unit.
    f.price[j] =
        cost_price(unit_cost(1.0, f.productivity[j], 1.0, input_cost[sector]), t.markup[sector]);
    f.input_unit_cost[j] = input_cost[sector];
    for (int k = 0; k < kInputSlots; ++k) f.supplier[k * f.size + j] = -1;
  }
};

// The goods a firm's price draws in the search, relative to its block's other firms. Buyers
// find it with probability ∝ (p/P)^−ν (seller_weight); firms then order a quantity,
// households spend a value, which buys P/p times as much, so with h the households' share of
// the sector's demand the goods are ∝ (p/P)^−ν·(h·P/p + 1 − h).
struct DrawnGoods {
  FirmStore::ConstView f;
  const double* block_price;
  const double* household_share;  // per sector
  int sectors;
  double elasticity;
  ENTREPOT_HD double operator()(std::size_t j) const {
    if (f.open[j] == 0) return 0.0;  // a free site: nobody finds it
    const double index = block_price[f.block[j]];
    const double h = household_share[f.block[j] % sectors];
    const double goods = h * index / static_cast<double>(f.price[j]) + (1.0 - h);
    return static_cast<double>(seller_weight(f.price[j], index, elasticity)) * goods;
  }
};

// Per block, in fixed point: the goods drawn by all its firms and by its exporters, the
// labour they take (goods/φ), and its firms. Buyers abroad draw exporters only
// (TablesView::sellers_from), so a block's foreign sales go to its exporters alone.
struct BlockDemand {
  DrawnGoods goods;
  TablesView t;
  Domain domain;
  ENTREPOT_HD bool exporter(std::size_t j) const {
    return static_cast<std::int64_t>(domain.firm_id(j)) >= t.export_first[goods.f.block[j]];
  }
  ENTREPOT_HD Totals<5> operator()(std::size_t j) const {
    const double drawn = goods(j), labour = drawn / static_cast<double>(goods.f.productivity[j]);
    const bool x = exporter(j);
    return Totals<5>{{static_cast<std::int64_t>(drawn), x ? static_cast<std::int64_t>(drawn) : 0,
                      static_cast<std::int64_t>(labour), x ? static_cast<std::int64_t>(labour) : 0,
                      goods.f.open[j]}};
  }
};

// Weight for the first hiring: the firm's labour need relative to its block's average firm,
// times its block's labour need per firm, in fixed point so the scan is exact. The need is
// its share of the block's home sales (a share 1 − f of its goods) by what it draws among
// all the block's firms, plus its share of the foreign sales (f) among the exporters, over φ.
struct HiringWeight {
  BlockDemand demand;
  const std::int64_t* block_totals;  // per block: the five totals of BlockDemand
  const double* foreign_share;       // per block: f; null before the flows are known
  const double* block_weight;
  ENTREPOT_HD std::int64_t operator()(std::size_t j) const {
    if (demand.goods.f.open[j] == 0) return 0;
    const std::int32_t block = demand.goods.f.block[j];
    const std::int64_t* total = block_totals + 5 * block;
    const double f = foreign_share != nullptr && total[1] > 0 ? foreign_share[block] : 0.0;
    const double home = total[0] > 0 ? (1.0 - f) / static_cast<double>(total[0]) : 0.0;
    const double abroad = total[1] > 0 ? f / static_cast<double>(total[1]) : 0.0;
    const double need = demand.goods(j) / static_cast<double>(demand.goods.f.productivity[j]) *
                        (home + (demand.exporter(j) ? abroad : 0.0));
    const double block_need =
        static_cast<double>(total[2]) * home + static_cast<double>(total[3]) * abroad;
    const double relative =
        block_need > 0.0 ? need * static_cast<double>(total[4]) / block_need : 1.0;
    return hiring_weight(relative, block_weight[block]);
  }
};

// First jobs by systematic sampling rather than independent draws: the k-th household of a
// region is employed when ⌊(k+1)(1−u*)⌋ > ⌊k(1−u*)⌋, and the e-th employed one works where the
// running total of hiring weights crosses (e + ½)/E of the region's total. Each firm then
// starts within a worker of its share, where independent draws would leave small firms with
// Poisson noise of ±√L workers against their demand.
struct FirstJob {
  TablesView t;
  ConsumerStore::View h;
  const std::int64_t* cumulative;  // over the labour mirror's firms
  std::int64_t base;               // global id of the mirror's first firm
  Domain domain;
  const double* employed;  // per region: the share of households employed at the start
  ENTREPOT_HD void operator()(std::size_t n) const {
    const int region = h.region[n];
    h.employer[n] = -1;
    const std::int64_t people = t.consumer_start[region + 1] - t.consumer_start[region];
    const std::int64_t k =
        static_cast<std::int64_t>(domain.household_first + n) - t.consumer_start[region];
    const double share = employed[region];
    const auto rank = static_cast<std::int64_t>(static_cast<double>(k) * share);
    const auto next = static_cast<std::int64_t>(static_cast<double>(k + 1) * share);
    if (next == rank) return;  // unemployed
    const auto employed = static_cast<std::int64_t>(static_cast<double>(people) * share);
    h.employer[n] = static_cast<std::int32_t>(
        pick_systematic(cumulative, base, t.block_start[region * t.sectors],
                        t.block_start[(region + 1) * t.sectors], rank, employed));
  }
};

struct StockFirm {
  TablesView t;
  FirmStore::View f;
  double inventory_target, stock_target, buffer_steps;
  ENTREPOT_HD void operator()(std::size_t j) const {
    const int sector = f.block[j] % t.sectors;
    const double capacity = labour_capacity(f.productivity[j], t.block_tfp[f.block[j]],
                                            static_cast<double>(f.employees[j]));
    f.expected_sales[j] = capacity;
    f.inventory[j] = starting_stock(inventory_target, 1.0, capacity);
    for (int k = 0; k < kInputSlots; ++k) {
      const double a = t.input_sector[sector * kInputSlots + k] >= 0
                           ? t.input_amount[sector * kInputSlots + k]
                           : 0.0;
      f.input_stock[k * f.size + j] = starting_stock(stock_target, a, capacity);
    }
    // A free site holds nothing until a firm moves in.
    f.cash[j] = f.open[j] != 0 ? starting_cash(buffer_steps, f.wage[j], f.employees[j],
                                               f.input_unit_cost[j], capacity)
                               : 0;
  }
};

// A firm's value added at capacity: its output at its price less the inputs it takes.
struct ValueAddedAtCapacity {
  TablesView t;
  FirmStore::ConstView f;
  ENTREPOT_HD Totals<1> operator()(std::size_t j) const {
    const double capacity = labour_capacity(f.productivity[j], t.block_tfp[f.block[j]],
                                            static_cast<double>(f.employees[j]));
    const double margin = f.price[j] - f.input_unit_cost[j];
    return Totals<1>{{margin > 0.0 ? static_cast<std::int64_t>(margin * capacity * 1e6) : 0}};
  }
};

struct SettleHousehold {
  TablesView t;
  ConsumerStore::View h;
  const std::int64_t* income;  // per household, by region
  double consume_income, consume_wealth;
  bool keep_retailers;
  ENTREPOT_HD void operator()(std::size_t n) const {
    // Income as in a steady state, and the cash a household keeps when it spends what it
    // earns (budget = income).
    h.income[n] = income[h.region[n]];
    h.cash[n] = starting_household_cash(h.income[n], consume_income, consume_wealth);
    if (keep_retailers) return;
    for (int c = 0; c < kConsumerSlots; ++c) h.retailer[c * h.size + n] = -1;
  }
};

// What each firm's buyers order of it in a step of the starting state, on arrays over all
// firms (global ids): goods from firms, which order a_k per unit of their capacity at
// origin (τ of it for the melt), as plan does at steady state; and value from households,
// which spend their budget share of income (their budget at the start) net of duty, in the
// seller's currency. A buying firm's input cost per unit becomes what its own suppliers
// charge, landed, as plan prices it: the sector's typical cost at set-up overstates it
// where the suppliers drawn are more productive than φ = 1, and households' income (the
// value added at capacity) would fall short of what firms earn.
struct FirmOrders {
  TablesView t;
  FirmStore::View f;
  Book<const Quote> quotes;  // suppliers as the search saw them
  std::int64_t* goods;
  ENTREPOT_HD void operator()(std::size_t j) const {
    const int region = f.block[j] / t.sectors, sector = f.block[j] % t.sectors;
    const double capacity = labour_capacity(f.productivity[j], t.block_tfp[f.block[j]],
                                            static_cast<double>(f.employees[j]));
    double unit_inputs = 0.0;
    for (int k = 0; k < kInputSlots; ++k) {
      const std::int32_t seller = f.supplier[k * f.size + j];
      const long long c =
          input_cell(t, t.input_sector[sector * kInputSlots + k], seller, region, quotes);
      if (c < 0) continue;
      const auto cell = static_cast<std::size_t>(c);
      const double amount = t.input_amount[sector * kInputSlots + k];
      unit_inputs = unit_inputs + amount * landed_cost(quotes[seller].price, t.paid_factor[cell]);
      const double ordered = amount * capacity * t.iceberg[cell];
      atomic_add(&goods[seller],
                 static_cast<std::int64_t>(ordered * static_cast<double>(kGoodsScale)));
    }
    f.input_unit_cost[j] = unit_inputs;
  }
};

struct HouseholdOrders {
  TablesView t;
  ConsumerStore::ConstView h;
  std::int64_t* value;
  ENTREPOT_HD void operator()(std::size_t n) const {
    const int region = h.region[n];
    for (int c = 0; c < t.consumer_slots; ++c) {
      const std::int32_t seller = h.retailer[c * h.size + n];
      // Goods bought at retailers are their orders (add_retail_orders).
      if (seller < 0 || t.at_retailer(c)) continue;
      const std::size_t cell = t.rrs(t.origin_of(seller), region, t.consumer_sector[c]);
      if (is_banned(t.trade_factor[cell])) continue;
      const double spent = t.consumer_share[region * t.consumer_slots + c] *
                           static_cast<double>(h.income[n]) /
                           ((1.0 + t.duty_rate[cell]) * t.exchange[cell]);
      atomic_add(&value[seller], static_cast<std::int64_t>(spent));
    }
  }
};

// The starting price at the firm's own input cost: (1+μ)·(w/(φ·A) + c_in).
struct PriceAtCost {
  TablesView t;
  FirmStore::View f;
  ENTREPOT_HD void operator()(std::size_t j) const {
    const int sector = f.block[j] % t.sectors;
    f.price[j] = cost_price(unit_cost(money_units(f.wage[j]), f.productivity[j],
                                      t.block_tfp[f.block[j]], f.input_unit_cost[j]),
                            t.markup[sector]);
  }
};

// The workers a firm's orders take, φ·A per worker, in 2^-20 workers.
struct OrderedLabour {
  TablesView t;
  FirmStore::ConstView f;
  const std::int64_t* goods;
  const std::int64_t* value;
  Domain domain;
  ENTREPOT_HD std::int64_t operator()(std::size_t j) const {
    const auto id = static_cast<std::size_t>(domain.firm_id(j));
    const double ordered = static_cast<double>(goods[id]) +
                           static_cast<double>(value[id]) / static_cast<double>(f.price[j]);
    const double per_worker = static_cast<double>(f.productivity[j]) * t.block_tfp[f.block[j]];
    return static_cast<std::int64_t>(ordered / static_cast<double>(kGoodsScale) / per_worker *
                                     1048576.0);
  }
};

// Per block: the workers its firms' orders take, its staff and its firms.
struct BlockOrders {
  OrderedLabour labour;
  ENTREPOT_HD Totals<3> operator()(std::size_t j) const {
    return Totals<3>{
        {labour(j), static_cast<std::int64_t>(labour.f.employees[j]), labour.f.open[j]}};
  }
};

// Hiring weight: the block's staff shared over its firms by the labour their orders take
// (equally where nobody ordered), so that blocks keep the staff the calibration gave them
// and only who works where within a block follows the draws.
struct OrderedHiring {
  BlockOrders orders;
  const std::int64_t* block_totals;  // per block: the three totals of BlockOrders
  ENTREPOT_HD std::int64_t operator()(std::size_t j) const {
    if (orders.labour.f.open[j] == 0) return 0;
    const std::int64_t* total = block_totals + 3 * orders.labour.f.block[j];
    const double staff = static_cast<double>(total[1]);
    const double share = total[0] > 0
                             ? static_cast<double>(orders.labour(j)) / static_cast<double>(total[0])
                             : 1.0 / static_cast<double>(total[2] > 0 ? total[2] : 1);
    return static_cast<std::int64_t>(staff * share * 1048576.0) + 1;
  }
};

// First jobs by the cumulative hiring weights in scratch.labour.vacancies (over the labour
// mirror), then each firm's stocks and cash for its staff, and households' income and cash.
void hire_and_settle(const Scenario& sc, const Setting& setting, Economy& economy, Ranks& ranks,
                     Scratch& scratch, const StartingFlows& start, bool keep_retailers) {
  const Behaviour& b = sc.behaviour;
  const int nr = setting.tables.regions, ns = setting.tables.sectors;
  const Domain& d = ranks.domain;
  FirmStore::View f = economy.firms.view();
  ConsumerStore::View h = economy.consumers.view();
  const TablesView t = setting.tables.view();
  auto first = thrust::counting_iterator<std::size_t>(0);
  thrust::inclusive_scan(scratch.labour.vacancies.begin(), scratch.labour.vacancies.end(),
                         scratch.labour.vacancies.begin());
  // Productive jobs for 1 − u* of each region's households, less the exporters' overhead
  // workers (hired in the first step), so that the economy starts at u* with them.
  std::vector<double> employed(static_cast<std::size_t>(nr), 1.0 - b.target_unemployment);
  for (int r = 0; r < nr && !start.overhead.empty(); ++r) {
    const double people = static_cast<double>(setting.tables.host.consumer_start[r + 1] -
                                              setting.tables.host.consumer_start[r]);
    if (people > 0.0)
      employed[r] = std::max(0.5 * employed[r], employed[r] - start.overhead[r] / people);
  }
  const thrust::device_vector<double> employed_device(employed.begin(), employed.end());
  thrust::for_each(first, first + h.size,
                   FirstJob{t, h, thrust::raw_pointer_cast(scratch.labour.vacancies.data()),
                            d.labour_first, d, thrust::raw_pointer_cast(employed_device.data())});
  recount_staff(economy, ranks);
  thrust::for_each(first, first + f.size,
                   StockFirm{t, f, b.inventory_target, b.input_stock_target, b.cash_buffer_steps});
  // Households spend what their region's firms add at capacity, so that at the starting
  // prices final demand meets output.
  auto value_added = totals_by_key<1>(f.size, nr, FirmRegion{ns, f.block},
                                      ValueAddedAtCapacity{t, std::as_const(economy.firms).view()});
  ranks.sum_over_ranks(value_added);
  // Retailers add their margin μ_R to what households spend: their income is the value
  // both add.
  std::vector<std::int64_t> income(nr, 0);
  for (int r = 0; r < nr; ++r) {
    std::int64_t added = value_added[r].v[0];
    if (setting.tables.markets > 0) {
      // Households spend S = Y; the goods part γ of it goes through retailers, who keep
      // μ/(1+μ) of it: S = VA/(1 − γμ/(1+μ)).
      double goods = 0.0;
      for (int c = 0; c < setting.tables.consumer_slots; ++c) {
        if (setting.tables.retail_slot[c] >= 0) {
          goods += setting.tables.host.consumer_share[r * setting.tables.consumer_slots + c];
        }
      }
      const double kept = goods * sc.retail.markup / (1.0 + sc.retail.markup);
      added = static_cast<std::int64_t>(static_cast<double>(added) / (1.0 - kept));
    }
    income[r] = starting_income(
        added, setting.tables.host.consumer_start[r + 1] - setting.tables.host.consumer_start[r]);
  }
  const thrust::device_vector<std::int64_t> income_device(income.begin(), income.end());
  thrust::for_each(first, first + h.size,
                   SettleHousehold{t, h, thrust::raw_pointer_cast(income_device.data()),
                                   b.consume_income, b.consume_wealth, keep_retailers});
}

}  // namespace

void populate(const Scenario& sc, const Setting& setting, Economy& economy, Ranks& ranks,
              Scratch& scratch, const StartingFlows& start) {
  const Behaviour& b = sc.behaviour;
  const int nr = setting.tables.regions, ns = setting.tables.sectors;
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

  // Starting sector prices p_s = (1+μ_s)·(1 + Σ_k a_ks·p_k·τ̄_k), by iteration.
  const std::vector<double> iceberg =
      start.iceberg.empty() ? typical_iceberg(sc, setting.tables.host, nr, ns) : start.iceberg;
  std::vector<double> price(ns, 1.0), input_cost(ns, 0.0);
  for (int round = 0; round < 200; ++round) {
    for (int s = 0; s < ns; ++s) {
      input_cost[s] = 0.0;
      for (const RecipeEntry& e : sc.recipe) {
        if (e.output == s) input_cost[s] += e.amount * price[e.input] * iceberg[e.input];
      }
      price[s] = cost_price(unit_cost(1.0, 1.0, 1.0, input_cost[s]), sc.sectors[s].markup);
    }
  }
  // Gross output (value) that household budgets need through the recipe, X = c + A·X, and
  // the labour it takes; first jobs go to sectors in that proportion, so the economy starts
  // with the capacity its demand implies even where firm counts (∝ value added) differ.
  std::vector<double> gross(ns, 0.0), labour(ns, 0.0), household(ns, 0.0);
  const std::vector<double> budget = world_household_budget(sc);
  for (int round = 0; round < 500; ++round) {
    std::vector<double> next(ns, 0.0);
    for (int s = 0; s < ns; ++s) next[s] = budget[s];
    for (const RecipeEntry& e : sc.recipe) {
      next[e.input] +=
          e.amount * price[e.input] * iceberg[e.input] / price[e.output] * gross[e.output];
    }
    gross = next;
  }
  for (int s = 0; s < ns; ++s) {
    // Labour cost per unit of revenue: 1/(1+μ) − input cost share.
    const double cost_share = 1.0 / (1.0 + sc.sectors[s].markup) - input_cost[s] / price[s];
    labour[s] = gross[s] * (cost_share > 0.0 ? cost_share : 0.0);
    household[s] = gross[s] > 0.0 ? budget[s] / gross[s] : 0.0;
  }
  // Per firm of each block: the block's labour (value at the region's wage) over its firms
  // (small sectors have at least a firm where they produce, so counts are not ∝ shares),
  // scaled to 1 for the region's average firm so the fixed-point weights keep their precision.
  const std::vector<double> labour_value = block_labour(sc, labour);
  const std::vector<std::int64_t>& block_start = setting.tables.host.block_start;
  std::vector<double> hiring(static_cast<std::size_t>(nr) * ns, 0.0);
  for (int r = 0; r < nr; ++r) {
    double need = 0.0, firms = 0.0;
    for (int s = 0; s < ns; ++s) {
      const int b = r * ns + s;
      // Its firms: its sites less those that start free (relocation).
      const std::vector<std::int64_t>& free = setting.tables.host.free_sites;
      const double n =
          static_cast<double>(block_start[b + 1] - block_start[b] - (free.empty() ? 0 : free[b]));
      hiring[b] = n > 0.0 ? labour_value[b] / n : 0.0;
      need += labour_value[b];
      firms += n;
    }
    // At least kMinFirmWork workers for a block's average firm, the work the layout gives each
    // firm of a small block: a small world's tiny sector (lithium, an input others cannot do
    // without) must not start with firms nobody works for.
    const double workers =
        std::floor(static_cast<double>(setting.tables.host.consumer_start[r + 1] -
                                       setting.tables.host.consumer_start[r]) *
                   (1.0 - b.target_unemployment));
    const double floor = workers > 0.0 ? kMinFirmWork * firms / workers : 0.0;
    for (int s = 0; s < ns; ++s) {
      double& h = hiring[r * ns + s];
      h *= need > 0.0 ? firms / need : 0.0;
      if (h > 0.0 && h < floor) h = floor;
    }
  }
  thrust::device_vector<double> input_cost_device(input_cost.begin(), input_cost.end());
  const double* cost = thrust::raw_pointer_cast(input_cost_device.data());
  thrust::for_each(first, first + f.size,
                   FoundFirm{t, f, cost, setting.rng, d, b.productivity_shape});

  // First jobs over the firms of each household's region, split between ranks or not, in
  // proportion to the demand each firm's price draws at the blocks' price indices.
  economy.block_price.assign(static_cast<std::size_t>(nr) * ns, 1.0);
  update_block_prices(setting, economy, ranks);
  const thrust::device_vector<double> block_price(economy.block_price.begin(),
                                                  economy.block_price.end());
  const thrust::device_vector<double> household_device(household.begin(), household.end());
  const DrawnGoods goods{
      std::as_const(economy.firms).view(), thrust::raw_pointer_cast(block_price.data()),
      thrust::raw_pointer_cast(household_device.data()), ns, b.variety_elasticity};
  const BlockDemand demand{goods, t, d};
  auto block_demand = totals_by_key<5>(f.size, nr * ns, FirmBlock{f.block}, demand);
  ranks.sum_over_ranks(block_demand);
  const thrust::device_vector<std::int64_t> block_demand_device(
      &block_demand[0].v[0], &block_demand[0].v[0] + 5 * nr * ns);
  const thrust::device_vector<double> foreign_device(start.foreign_share.begin(),
                                                     start.foreign_share.end());
  thrust::device_vector<double> hiring_device(hiring.begin(), hiring.end());
  mirror_firms(
      ranks,
      HiringWeight{
          demand, thrust::raw_pointer_cast(block_demand_device.data()),
          start.foreign_share.empty() ? nullptr : thrust::raw_pointer_cast(foreign_device.data()),
          thrust::raw_pointer_cast(hiring_device.data())},
      scratch.labour.vacancies);
  hire_and_settle(sc, setting, economy, ranks, scratch, start, false);
}

void staff_by_orders(const Scenario& sc, const Setting& setting, Economy& economy, Ranks& ranks,
                     Scratch& scratch, const StartingFlows& start) {
  const Domain& d = ranks.domain;
  const TablesView t = setting.tables.view();
  auto first = thrust::counting_iterator<std::size_t>(0);
  const auto firms = static_cast<std::size_t>(d.firm_total);
  // Prices at the set-up's sector costs overstate what a firm pays where its suppliers are
  // more productive than φ = 1, and more so for the productive firms, whose costs are
  // mostly inputs; priced so, they would cut prices for a year and take the others'
  // buyers. Each round prices firms at their suppliers' last prices (a contraction: inputs
  // are less than a unit of cost) and sizes them for their buyers, who the round before
  // were resized.
  for (int round = 0; round < 4; ++round) {
    thrust::device_vector<std::int64_t> goods(firms, 0), value(firms, 0);
    thrust::for_each(
        first, first + economy.firms.size,
        FirmOrders{t, economy.firms.view(),
                   Book<const Quote>{thrust::raw_pointer_cast(scratch.search.quotes.data()),
                                     ranks.seller_index(ranks.quote_ghosts)},
                   thrust::raw_pointer_cast(goods.data())});
    thrust::for_each(first, first + economy.firms.size, PriceAtCost{t, economy.firms.view()});
    quote_suppliers(setting, economy, ranks, scratch.search);
    const FirmStore::ConstView f = std::as_const(economy.firms).view();
    thrust::for_each(first, first + economy.consumers.size,
                     HouseholdOrders{t, std::as_const(economy.consumers).view(),
                                     thrust::raw_pointer_cast(value.data())});
    add_retail_orders(setting, economy, ranks, scratch.search,
                      thrust::raw_pointer_cast(value.data()));
    sum_over_ranks(ranks, goods);
    sum_over_ranks(ranks, value);
    const BlockOrders orders{OrderedLabour{t, f, thrust::raw_pointer_cast(goods.data()),
                                           thrust::raw_pointer_cast(value.data()), d}};
    auto block_orders = totals_by_key<3>(f.size, t.regions * t.sectors, FirmBlock{f.block}, orders);
    ranks.sum_over_ranks(block_orders);
    const thrust::device_vector<std::int64_t> block_orders_device(
        &block_orders[0].v[0], &block_orders[0].v[0] + 3 * t.regions * t.sectors);
    mirror_firms(ranks, OrderedHiring{orders, thrust::raw_pointer_cast(block_orders_device.data())},
                 scratch.labour.vacancies);
    hire_and_settle(sc, setting, economy, ranks, scratch, start, true);
  }
}

}  // namespace entrepot
