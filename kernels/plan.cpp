// Phase 3 (plan) and phase 5 (produce) for firms.
#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/transform_reduce.h>

#include "agents/rules.h"
#include "kernels/carbon.h"
#include "kernels/entities.h"
#include "kernels/phases.h"
#include "kernels/reduce.h"
#include "kernels/retail.h"
#include "kernels/stockist.h"
#include "kernels/traders.h"

namespace entrepot {
namespace {

struct PlanFirm {
  TablesView t;
  FirmStore::View f;
  Book<const Quote> quotes;  // suppliers as the search saw them (prices are unchanged since)
  const double* lending;     // the bank's lending factor, by region
  double inventory_target, adjust_steps, stock_target, credit_line;
  std::int64_t first_id;  // global id of this rank's first firm
  double export_cost;     // f_x: workers an exporter employs to serve abroad
  Philox rng;

  ENTREPOT_HD void operator()(std::size_t j) const {
    if (f.open[j] == 0) {  // a free site: no firm to plan
      vacant(j);
      return;
    }
    const int region = f.block[j] / t.sectors, sector = f.block[j] % t.sectors;
    const double tfp = t.block_tfp[f.block[j]];
    const double scale = static_cast<double>(kGoodsScale);
    const double expected_sales = f.expected_sales[j];
    double planned = desired_output(expected_sales, static_cast<double>(f.inventory[j]) / scale,
                                    inventory_target, adjust_steps);
    // Inside a bonded zone imports pay no duty; the duty on their content is deferred to the
    // goods' sale to the domestic market. The firm's draw is taken only where the region's
    // zone holds some of its firms but not all.
    const double share = t.zone_share[region];
    const bool zone =
        share > 0.0 &&
        (share >= 1.0 || in_bonded_zone(rng.uniform(static_cast<std::uint64_t>(first_id) + j, 0,
                                                    Draw::bonded_zone, 0),
                                        share));
    // Landed cost and deficit of each input; an unavailable input is not ordered.
    double landed[kInputSlots], deficit[kInputSlots], iceberg[kInputSlots];
    int origin[kInputSlots];
    double unit_inputs = 0.0, deferred = 0.0;
    // A supplier the firm's entity lists bar it from (and none found in its place) is not
    // ordered from.
    const std::uint8_t lists =
        barred_lists(t, rng, static_cast<std::uint64_t>(first_id) + j, f.block[j]);
    for (int k = 0; k < kInputSlots; ++k) {
      origin[k] = -1;
      landed[k] = 0.0;
      deficit[k] = 0.0;
      iceberg[k] = 1.0;
      const std::int32_t seller = f.supplier[k * f.size + j];
      const int input = t.input_sector[sector * kInputSlots + k];
      const long long c = input_cell(t, input, seller, region, quotes);
      if (c < 0 || entity_banned(t, lists, quotes[seller].origin, region, input)) continue;
      const auto cell = static_cast<std::size_t>(c);
      // What the input costs: the border friction weighed in its choice is not paid.
      landed[k] = landed_cost(quotes[seller].price, t.paid_factor[cell]);
      iceberg[k] = t.iceberg[cell];
      origin[k] = quotes[seller].origin;
      if (zone && t.crosses_border(cell)) {
        landed[k] = quotes[seller].price * (t.iceberg[cell] * t.exchange[cell]);
        deferred =
            deferred + t.input_amount[sector * kInputSlots + k] * landed[k] * t.duty_rate[cell];
      }
      unit_inputs = unit_inputs + t.input_amount[sector * kInputSlots + k] * landed[k];
    }
    const double wage = static_cast<double>(f.wage[j]) / static_cast<double>(kMoneyScale);
    // Under an emissions trading system: output within the allowances held, and carbon in
    // the unit cost, its cutting paid as wages (agents/carbon.h).
    const Carbon carbon = carbon_of(j);
    if (carbon.room >= 0) {
      const double room = static_cast<double>(carbon.room) / scale;
      if (room < planned) planned = room;
      unit_inputs = unit_inputs + carbon.unit_cost;
    }
    // An exporter's fixed cost, as the output its f_x workers would otherwise make.
    const bool exporter = first_id + static_cast<std::int64_t>(j) >= t.export_first[f.block[j]];
    const double overhead = exporter ? export_cost * f.productivity[j] * tfp : 0.0;
    std::int32_t workers = workers_needed(planned + overhead, f.productivity[j], tfp) +
                           abatement_workers(planned, carbon.cutting, wage);
    double inputs_bill = 0.0;
    for (int k = 0; k < kInputSlots; ++k) {
      if (landed[k] <= 0.0) continue;
      deficit[k] =
          input_deficit(t.input_amount[sector * kInputSlots + k], planned, expected_sales,
                        static_cast<double>(f.input_stock[k * f.size + j]) / scale, stock_target);
      inputs_bill = inputs_bill + landed[k] * deficit[k];
    }
    // Inputs are paid from cash during trade; wages at the end of the step, from cash plus
    // this step's sales. The firm borrows what that leaves short, within its credit line,
    // and scales the plan down to what it can then finance.
    const double sales = f.price[j] * (expected_sales < planned ? expected_sales : planned);
    const double bill = wage * static_cast<double>(workers);
    const std::int64_t drawn = credit_drawn(
        financing_gap(static_cast<double>(f.cash[j]) / static_cast<double>(kMoneyScale), sales,
                      inputs_bill, bill),
        f.price[j] * expected_sales, credit_line, f.loan[j], lending[region]);
    f.cash[j] += drawn;
    f.loan[j] += drawn;
    f.borrowed[j] = drawn;
    const double cash = static_cast<double>(f.cash[j]) / static_cast<double>(kMoneyScale);
    const double affordable = financing_scale(cash, sales, inputs_bill, bill);
    if (affordable < 1.0) {
      planned = planned * affordable;
      workers = workers_needed(planned + overhead, f.productivity[j], tfp) +
                abatement_workers(planned, carbon.cutting, wage);
      for (int k = 0; k < kInputSlots; ++k) deficit[k] = deficit[k] * affordable;
    }
    for (int k = 0; k < kInputSlots; ++k) {
      // Ordered at origin: enough that deficit arrives after iceberg melt.
      f.input_order[k * f.size + j] = static_cast<std::int64_t>(deficit[k] * iceberg[k] * scale);
    }
    f.planned_output[j] = static_cast<std::int64_t>(planned * scale);
    if (carbon.room >= 0 && f.planned_output[j] > carbon.room) f.planned_output[j] = carbon.room;
    f.labour_demand[j] = workers;
    f.input_unit_cost[j] = unit_inputs;
    f.preferences[j] = preferences(j, sector, region, landed, origin);
    f.in_zone[j] = zone ? 1 : 0;
    f.zone_rate[j] = zone && f.price[j] > 0.0 ? static_cast<float>(deferred / f.price[j]) : 0.0f;
  }

  // A covered firm's room to make goods (micro-units; −1: not covered), what carbon adds to
  // its unit cost and what cutting costs per unit, money.
  struct Carbon {
    std::int64_t room = -1;
    double unit_cost = 0.0, cutting = 0.0;
  };
  ENTREPOT_HD Carbon carbon_of(std::size_t j) const {
    Carbon c;
    if (t.carbon_market == nullptr) return c;
    const int m = t.carbon_market[f.block[j]];
    if (m < 0) return c;
    const double e = t.emission_intensity[f.block[j]];
    const double abated = static_cast<double>(f.abated[j]);
    const double slope = site_abatement_slope(t, rng, static_cast<std::uint64_t>(first_id) + j, m);
    c.room = output_room(f.allowances[j], e * (1.0 - abated));
    c.unit_cost = carbon_unit_cost(e, t.allowance_price[m], slope, abated);
    c.cutting = carbon_unit_cost(e, 0.0, slope, abated);
    return c;
  }

  ENTREPOT_HD void vacant(std::size_t j) const {
    for (int k = 0; k < kInputSlots; ++k) f.input_order[k * f.size + j] = 0;
    f.planned_output[j] = 0;
    f.labour_demand[j] = 0;
    f.borrowed[j] = 0;
    f.input_unit_cost[j] = 0.0;
    f.preferences[j] = 0;
    f.in_zone[j] = 0;
    f.zone_rate[j] = 0.0f;
  }

  // The blocs whose rules of origin the firm's goods meet at its current suppliers: a bit
  // per bloc of its country (agents/trade.h, meets_origin_rule).
  ENTREPOT_HD std::uint32_t preferences(std::size_t j, int sector, int region, const double* landed,
                                        const int* origin) const {
    const std::uint32_t blocs = t.country_blocs[t.region_country[region]];
    std::uint32_t met = 0;
    for (int b = 0; b < kMaxBlocs && (blocs >> b) != 0; ++b) {
      if (((blocs >> b) & 1u) == 0) continue;
      double outside = 0.0;
      for (int k = 0; k < kInputSlots; ++k) {
        if (origin[k] < 0 || ((t.country_blocs[t.region_country[origin[k]]] >> b) & 1u) != 0) {
          continue;
        }
        outside = outside + t.input_amount[sector * kInputSlots + k] * landed[k];
      }
      if (meets_origin_rule(outside, f.price[j], t.bloc_content[b])) met |= std::uint32_t{1} << b;
    }
    return met;
  }
};

struct ProduceFirm {
  TablesView t;
  FirmStore::View f;
  double critical_share;  // inputs below this amount per unit of output do not limit output

  ENTREPOT_HD std::int64_t operator()(std::size_t j) const {
    const int sector = f.block[j] % t.sectors;
    const double scale = static_cast<double>(kGoodsScale);
    const double labour = labour_capacity(f.productivity[j], t.block_tfp[f.block[j]],
                                          static_cast<double>(f.employees[j]));
    double amount[kInputSlots], stocks[kInputSlots];
    for (int k = 0; k < kInputSlots; ++k) {
      const bool in_recipe = t.input_sector[sector * kInputSlots + k] >= 0;
      amount[k] = in_recipe ? t.input_amount[sector * kInputSlots + k] : 0.0;
      stocks[k] = static_cast<double>(f.input_stock[k * f.size + j]) / scale;
    }
    const double inputs = critical_input_capacity(stocks, amount, kInputSlots, critical_share);
    const double q =
        leontief_output(labour, inputs, static_cast<double>(f.planned_output[j]) / scale);
    const std::int64_t made = static_cast<std::int64_t>(q * scale);
    // Every input is used as far as its stock allows, critical or not.
    std::int64_t used_total = 0;
    for (int k = 0; k < kInputSlots; ++k) {
      const double a = amount[k];
      if (a <= 0.0) continue;
      std::int64_t& stock = f.input_stock[k * f.size + j];
      const std::int64_t used = input_used(a, made, stock);
      stock -= used;
      used_total += used;
    }
    f.output[j] = made;
    f.inventory[j] += made;
    // A covered firm surrenders an allowance per kg it emits (it planned within them).
    std::int64_t emits = 0;
    if (t.carbon_market != nullptr && t.carbon_market[f.block[j]] >= 0) {
      emits = emitted(made,
                      t.emission_intensity[f.block[j]] * (1.0 - static_cast<double>(f.abated[j])));
      f.allowances[j] -= emits;
    }
    f.emitted[j] = emits;
    return used_total;
  }
};

}  // namespace

std::vector<double> lending_by_region(const Setting& setting, const Economy& economy,
                                      const Ranks& ranks) {
  const Tables& tables = setting.tables;
  const World& world = setting.world;
  const FirmStore::ConstView f = economy.firms.view();
  auto owed = totals_by_key<1>(f.size, tables.regions, FirmRegion{tables.sectors, f.block},
                               FirmLoan{f.loan});
  ranks.sum_over_ranks(owed);
  std::vector<std::int64_t> loans(world.countries(), 0);
  for (int r = 0; r < tables.regions; ++r) loans[world.region_country[r]] += owed[r].v[0];
  for (const auto& stockists :
       {stockists_by_region<5, StockistCredit>(setting, economy.retailers, ranks),
        stockists_by_region<5, StockistCredit>(setting, economy.traders, ranks)}) {
    for (int r = 0; r < tables.regions; ++r) loans[world.region_country[r]] += stockists[r].v[0];
  }
  std::vector<double> lending(tables.regions, 0.0);
  for (int r = 0; r < tables.regions; ++r) {
    const int c = world.region_country[r];
    lending[r] =
        bank_lending(economy.bank_equity[c], loans[c], setting.behaviour.bank_capital_ratio);
  }
  return lending;
}

void plan_production(const Setting& setting, Economy& economy, const Ranks& ranks,
                     const SearchScratch& search, const double* lending) {
  const Behaviour& b = setting.behaviour;
  FirmStore& firms = economy.firms;
  auto first = thrust::counting_iterator<std::size_t>(0);
  thrust::for_each(
      first, first + firms.size,
      PlanFirm{setting.tables.view(), firms.view(),
               Book<const Quote>{thrust::raw_pointer_cast(search.quotes.data()),
                                 ranks.seller_index(ranks.quote_ghosts)},
               lending, b.inventory_target, b.inventory_adjust_steps, b.input_stock_target,
               b.credit_line, ranks.domain.firm_first, b.export_cost, setting.rng});
}

void plan(const Scenario& scenario, const Setting& setting, Economy& economy, const Ranks& ranks,
          const SearchScratch& search) {
  const std::vector<double> lending = lending_by_region(setting, economy, ranks);
  const thrust::device_vector<double> lending_device(lending.begin(), lending.end());
  const double* lends = thrust::raw_pointer_cast(lending_device.data());
  plan_production(setting, economy, ranks, search, lends);
  plan_retail(scenario.retail, setting, economy, ranks, search, lends);
  plan_traders(scenario.traders, setting, economy, ranks, search, lends);
}

std::int64_t produce(const Setting& setting, FirmStore& firms, const Ranks& ranks) {
  auto first = thrust::counting_iterator<std::size_t>(0);
  return ranks.sum_over_ranks(thrust::transform_reduce(
      first, first + firms.size,
      ProduceFirm{setting.tables.view(), firms.view(), setting.behaviour.critical_input_share},
      std::int64_t{0}, thrust::plus<std::int64_t>()));
}

}  // namespace entrepot
