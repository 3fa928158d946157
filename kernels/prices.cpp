// Phase 8: prices, wages and expectations. Each firm reads only its own state and the
// previous step's regional conditions, so the pass has no races.
#include <thrust/device_vector.h>
#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>

#include "agents/rules.h"
#include "kernels/phases.h"

namespace entrepot {
namespace {

struct Reprice {
  TablesView t;
  FirmStore::View f;
  const double* unemployment;
  double expectation_weight, inventory_target, pass_through, wage_speed;
  double normal_unemployment, cut_limit;
  ENTREPOT_HD void operator()(std::size_t j) const {
    const int region = f.block[j] / t.sectors, sector = f.block[j] % t.sectors;
    const double scale = static_cast<double>(kGoodsScale);
    const double expected = update_expectation(
        f.expected_sales[j], static_cast<double>(f.demand[j]) / scale, expectation_weight);
    f.expected_sales[j] = expected;
    const double cost = unit_cost(money_units(f.wage[j]), f.productivity[j],
                                  t.block_tfp[f.block[j]], f.input_unit_cost[j]);
    const double signal = market_signal(
        static_cast<double>(f.shipped[j]), static_cast<double>(f.demand[j]),
        inventory_ratio(static_cast<double>(f.inventory[j]) / scale, inventory_target, expected));
    // η of the seller's sector: auction markets' prices move faster than customer markets'.
    f.price[j] = adjust_price(f.price[j], cost, t.markup[sector], pass_through,
                              t.price_adjust[sector], signal);
    const double open_share =
        vacancy_rate(static_cast<double>(f.labour_demand[j]), static_cast<double>(f.employees[j]));
    f.wage[j] = adjust_wage(f.wage[j], open_share, unemployment[region], normal_unemployment,
                            wage_speed, cut_limit);
  }
};

}  // namespace

void adjust_prices(const Setting& setting, FirmStore& firms,
                   const std::vector<double>& unemployment_rate) {
  const Behaviour& b = setting.behaviour;
  // Last step's regional unemployment, as the firms' rules read it.
  const thrust::device_vector<double> unemployment(unemployment_rate.begin(),
                                                   unemployment_rate.end());
  auto first = thrust::counting_iterator<std::size_t>(0);
  thrust::for_each(
      first, first + firms.size,
      Reprice{setting.tables.view(), firms.view(), thrust::raw_pointer_cast(unemployment.data()),
              b.expectation_weight, b.inventory_target, b.cost_pass_through, b.wage_adjust,
              b.target_unemployment, b.wage_cut_limit});
}

}  // namespace entrepot
