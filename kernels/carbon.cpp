// Emissions trading: the allowances' issue, their call auctions and their settlement
// (kernels/carbon.h; the rules are agents/carbon.h's).
#include "kernels/carbon.h"

#include <thrust/copy.h>
#include <thrust/fill.h>
#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/scan.h>
#include <thrust/transform.h>

#include <algorithm>
#include <utility>

#include "agents/carbon.h"
#include "agents/prices.h"
#include "agents/rules.h"
#include "kernels/auction.h"
#include "kernels/host_copy.h"
#include "kernels/reduce.h"

namespace entrepot {
namespace {

// The free allowances a firm site gets this step (none at a site no firm works), and the
// issue itself; a free site's holdings are cancelled.
struct IssueAllowances {
  FirmStore::View f;
  const std::int32_t* market;   // per block: its running market, −1 none
  const double* free_per_site;  // per block, micro-kg at the first cap
  const double* issue_factor;   // per market: this step's cap over its first
  ENTREPOT_HD std::int64_t free_of(std::size_t j) const {
    const int m = market[f.block[j]];
    if (m < 0 || f.open[j] == 0) return 0;
    return static_cast<std::int64_t>(free_per_site[f.block[j]] * issue_factor[m]);
  }
  ENTREPOT_HD void operator()(std::size_t j) const {
    if (market[f.block[j]] < 0) return;
    f.allowances[j] = f.open[j] == 0 ? 0 : f.allowances[j] + free_of(j);
  }
};

struct FreeIssued {
  IssueAllowances issue;
  ENTREPOT_HD Totals<1> operator()(std::size_t j) const { return Totals<1>{{issue.free_of(j)}}; }
};

// A covered firm's position in its market's book (agents/carbon.h AllowanceNeed).
struct FirmNeed {
  TablesView t;
  FirmStore::View f;
  Philox rng;
  std::int64_t first_id;
  double inventory_target, adjust_steps;

  ENTREPOT_HD AllowanceNeed operator()(std::size_t j) const {
    AllowanceNeed n;
    const int b = f.block[j], m = t.carbon_market[b];
    n.id = first_id + static_cast<std::int64_t>(j);
    n.book = m < 0 ? 0 : m;
    if (m < 0 || f.open[j] == 0) return n;  // no need, nothing held: no orders
    const double e = t.emission_intensity[b];
    const double scale = static_cast<double>(kGoodsScale);
    const double desired =
        desired_output(f.expected_sales[j], static_cast<double>(f.inventory[j]) / scale,
                       inventory_target, adjust_steps);
    n.need = emitted(static_cast<std::int64_t>(desired * scale), e);
    n.abatement_max = t.abatement_max[m];
    n.slope = site_abatement_slope(t, rng, static_cast<std::uint64_t>(n.id), m);
    // The firm's unit cost last step less what carbon added to it at last step's price.
    const double last = t.allowance_price[m];
    const double carbon =
        carbon_unit_cost(e, last, n.slope, abated_share(last, n.slope, n.abatement_max));
    const double other =
        unit_cost(money_units(f.wage[j]), f.productivity[j], t.block_tfp[b], f.input_unit_cost[j]) -
        carbon;
    n.value = allowance_value(f.price[j], other, e);
    n.held = f.allowances[j];
    n.cash = f.cash[j];
    n.reserve = static_cast<std::int64_t>(t.allowance_reserve[m] * kCarbonPriceScale);
    return n;
  }
};

struct CountOrders {
  FirmNeed need;
  ENTREPOT_HD std::int64_t operator()(std::size_t j) const {
    return allowance_orders(need(j), nullptr);
  }
};

struct WriteOrders {
  FirmNeed need;
  const std::int64_t* offset;  // per firm, where its orders start
  AuctionOrder* orders;
  ENTREPOT_HD void operator()(std::size_t j) const {
    allowance_orders(need(j), orders + offset[j]);
  }
};

// What each firm's orders filled: its allowances and cash move by the net, paid at the
// clearing price (agents/carbon.h allowance_payment), and it cuts what pays at that price.
struct SettleAllowances {
  FirmNeed need;
  const std::int64_t* offset;  // per firm and one past the last
  const AuctionOrder* orders;
  const std::int64_t* fills;
  const std::int64_t* clearing;  // per market, micro-money per tonne
  std::int64_t* paid;
  ENTREPOT_HD void operator()(std::size_t j) const {
    FirmStore::View f = need.f;
    const int m = need.t.carbon_market[f.block[j]];
    paid[j] = 0;
    f.abated[j] = 0.0f;
    if (m < 0) return;
    std::int64_t net = 0;
    for (std::int64_t i = offset[j]; i < offset[j + 1]; ++i) {
      net += orders[i].side == kBid ? fills[i] : -fills[i];
    }
    const std::int64_t pay = allowance_payment(net, clearing[m]);
    f.allowances[j] += net;
    f.cash[j] -= pay;
    paid[j] = pay;
    if (f.open[j] == 0) return;
    const double price = static_cast<double>(clearing[m]) / kCarbonPriceScale;
    const double slope =
        site_abatement_slope(need.t, need.rng, static_cast<std::uint64_t>(need.first_id) + j, m);
    f.abated[j] = static_cast<float>(abated_share(price, slope, need.t.abatement_max[m]));
  }
};

struct Paid {
  const std::int64_t* paid;
  ENTREPOT_HD Totals<1> operator()(std::size_t j) const { return Totals<1>{{paid[j]}}; }
};

struct EmittedAndHeld {
  FirmStore::ConstView f;
  ENTREPOT_HD Totals<2> operator()(std::size_t j) const {
    return Totals<2>{{f.emitted[j], f.allowances[j]}};
  }
};

// What a firm would emit making its expected sales (none at a free site).
struct ExpectedEmissions {
  FirmStore::ConstView f;
  const double* intensity;  // per block
  ENTREPOT_HD Totals<1> operator()(std::size_t j) const {
    const double made = f.expected_sales[j] * static_cast<double>(kGoodsScale);
    return Totals<1>{
        {f.open[j] == 0 ? 0 : emitted(static_cast<std::int64_t>(made), intensity[f.block[j]])}};
  }
};

// The markets' last clearing prices into the tables, and the least their firms' surplus
// sells for.
void load_prices(const Scenario& sc, const Economy& economy, Tables& tables) {
  std::vector<double> price, reserve;
  for (std::size_t m = 0; m < sc.carbon_markets.size(); ++m) {
    price.push_back(static_cast<double>(economy.allowance_price[m]) / kCarbonPriceScale);
    reserve.push_back(price.back() * sc.carbon_markets[m].auction_reserve);
  }
  tables.allowance_price.assign(price.begin(), price.end());
  tables.allowance_reserve.assign(reserve.begin(), reserve.end());
}

}  // namespace

void set_up_carbon_markets(const Scenario& sc, Economy& economy, const Ranks& ranks,
                           Tables& tables) {
  const std::vector<CarbonMarket>& markets = sc.carbon_markets;
  economy.allowance_price.assign(markets.size(), 0);
  economy.unsold_allowances.assign(markets.size(), 0);
  if (markets.empty()) return;
  const int ns = tables.sectors, blocks = tables.regions * ns;
  HostTables& host = tables.host;
  host.carbon_market.assign(static_cast<std::size_t>(blocks), -1);
  for (std::size_t m = 0; m < markets.size(); ++m) {
    for (int r : markets[m].regions) {
      for (int s : markets[m].sectors) {
        host.carbon_market[static_cast<std::size_t>(r) * ns + s] = static_cast<std::int32_t>(m);
      }
    }
  }
  // What each block emits at set-up: its firms' expected sales at its intensity.
  const FirmStore::ConstView f = std::as_const(economy.firms).view();
  const double* e = thrust::raw_pointer_cast(tables.emission_intensity.data());
  auto emits = totals_by_key<1>(f.size, blocks, FirmBlock{f.block}, ExpectedEmissions{f, e});
  ranks.sum_over_ranks(emits);
  host.covered_emissions.assign(markets.size(), 0.0);
  host.free_per_site.assign(static_cast<std::size_t>(blocks), 0.0);
  // Free allowances by grandfathering: each block's share of its market's set-up emissions,
  // split equally among its sites.
  for (int b = 0; b < blocks; ++b) {
    const int m = host.carbon_market[b];
    const std::int64_t sites = host.block_start[b + 1] - host.block_start[b];
    if (m < 0) continue;
    host.covered_emissions[m] += static_cast<double>(emits[b].v[0]);
    if (sites == 0) continue;
    host.free_per_site[b] = markets[m].free_share * markets[m].cap *
                            static_cast<double>(emits[b].v[0]) / static_cast<double>(sites);
  }
  tables.free_per_site.assign(host.free_per_site.begin(), host.free_per_site.end());
  std::vector<double> slope, most;
  for (const CarbonMarket& market : markets) {
    slope.push_back(market.abatement_slope / 1000.0);  // per tonne to per kg
    most.push_back(market.abatement_max);
  }
  tables.abatement_slope.assign(slope.begin(), slope.end());
  tables.abatement_max.assign(most.begin(), most.end());
}

AllowanceTrade trade_allowances(const Scenario& sc, const Setting& setting, Economy& economy,
                                const Ranks& ranks, Tables& tables, int step) {
  const std::vector<CarbonMarket>& markets = sc.carbon_markets;
  const std::size_t nm = markets.size();
  AllowanceTrade out;
  out.issued.assign(nm, 0);
  out.traded.assign(nm, 0);
  FirmStore& firms = economy.firms;
  // Nothing is cut where no market runs (where one does, every firm's share is set below).
  const auto none_running = [&] {
    thrust::fill(firms.abated.begin(), firms.abated.end(), 0.0f);
    return out;
  };
  if (nm == 0) return none_running();
  const HostTables& host = tables.host;
  const int blocks = tables.regions * tables.sectors;
  std::vector<std::int32_t> running(static_cast<std::size_t>(blocks), -1);
  std::vector<double> factor(nm, 0.0);
  bool any = false;
  for (std::size_t m = 0; m < nm; ++m) {
    if (step < markets[m].start) continue;
    any = true;
    // The cap falls by cap_decline of its first year's each whole year the market has run.
    const int years = (step - markets[m].start) / sc.steps_per_year;
    factor[m] = std::max(0.0, 1.0 - markets[m].cap_decline * years);
    out.issued[m] =
        static_cast<std::int64_t>(markets[m].cap * factor[m] * host.covered_emissions[m]);
  }
  if (!any) {
    tables.carbon_market.clear();
    return none_running();
  }
  for (int b = 0; b < blocks; ++b) {
    const int m = host.carbon_market[b];
    if (m >= 0 && step >= markets[m].start) running[b] = m;
  }
  tables.carbon_market.assign(running.begin(), running.end());
  load_prices(sc, economy, tables);
  const thrust::device_vector<double> issue_factor(factor.begin(), factor.end());

  const std::size_t n = firms.size;
  auto first = thrust::counting_iterator<std::size_t>(0);
  const IssueAllowances issue{firms.view(), thrust::raw_pointer_cast(tables.carbon_market.data()),
                              thrust::raw_pointer_cast(tables.free_per_site.data()),
                              thrust::raw_pointer_cast(issue_factor.data())};
  auto free_by_block =
      totals_by_key<1>(n, blocks, FirmBlock{firms.view().block}, FreeIssued{issue});
  ranks.sum_over_ranks(free_by_block);
  thrust::for_each(first, first + n, issue);

  // Every covered firm's orders, then the governments' sale of the rest of the cap.
  const Behaviour& b = setting.behaviour;
  const FirmNeed need{tables.view(),           firms.view(),       setting.rng,
                      ranks.domain.firm_first, b.inventory_target, b.inventory_adjust_steps};
  thrust::device_vector<std::int64_t> offset(n + 1, 0);
  thrust::transform(first, first + n, offset.begin() + 1, CountOrders{need});
  thrust::inclusive_scan(offset.begin() + 1, offset.end(), offset.begin() + 1);
  const std::int64_t* offsets = thrust::raw_pointer_cast(offset.data());
  thrust::device_vector<AuctionOrder> mine(static_cast<std::size_t>(offset.back()));
  thrust::for_each(first, first + n,
                   WriteOrders{need, offsets, thrust::raw_pointer_cast(mine.data())});
  std::size_t my_first = 0;
  thrust::device_vector<AuctionOrder> orders = orders_of_all_ranks(ranks, mine, my_first);
  std::vector<std::int64_t> free_issued(nm, 0), reference(nm, 0);
  for (int blk = 0; blk < blocks; ++blk) {
    if (running[blk] >= 0) free_issued[running[blk]] += free_by_block[blk].v[0];
  }
  std::vector<AuctionOrder> sold;
  std::vector<std::int64_t> offered(nm, 0);
  for (std::size_t m = 0; m < nm; ++m) {
    // The floor is the reference: a cap that does not bind prices allowances at it.
    reference[m] = static_cast<std::int64_t>(markets[m].floor * 1e6);
    if (step < markets[m].start) continue;
    // The government offers the cap less the free allowances, and what went unsold before,
    // at no less than the floor and its reserve share of the last price (EU Regulation
    // 1031/2010, art. 7(6): an auction clearing well under the market's price is cancelled
    // and its volume offered again later).
    offered[m] =
        std::max<std::int64_t>(0, out.issued[m] - free_issued[m]) + economy.unsold_allowances[m];
    const auto reserve = static_cast<std::int64_t>(markets[m].auction_reserve *
                                                   static_cast<double>(economy.allowance_price[m]));
    if (offered[m] > 0) {
      sold.push_back(AuctionOrder{std::max(reference[m], reserve), offered[m], -1,
                                  static_cast<std::int32_t>(m), kAsk});
    }
  }
  const std::size_t firm_orders = orders.size();
  orders.resize(firm_orders + sold.size());
  thrust::copy(sold.begin(), sold.end(), orders.begin() + static_cast<std::ptrdiff_t>(firm_orders));
  thrust::device_vector<std::int64_t> fills;
  const std::vector<AuctionClearing> cleared = clear_auctions(orders, reference, fills);
  // What the governments did not sell waits for the next step's auction.
  std::vector<std::int64_t> government_sold(sold.size());
  thrust::copy(fills.begin() + static_cast<std::ptrdiff_t>(firm_orders), fills.end(),
               government_sold.begin());
  for (std::size_t i = 0; i < sold.size(); ++i) {
    const std::size_t m = static_cast<std::size_t>(sold[i].book);
    economy.unsold_allowances[m] = offered[m] - government_sold[i];
  }

  std::vector<std::int64_t> price(nm, 0);
  for (std::size_t m = 0; m < nm; ++m) {
    if (step < markets[m].start) continue;
    price[m] = cleared[m].price;
    out.traded[m] = cleared[m].volume;
    economy.allowance_price[m] = cleared[m].price;
  }
  const thrust::device_vector<std::int64_t> clearing(price.begin(), price.end());
  thrust::device_vector<std::int64_t> paid(n, 0);
  thrust::for_each(first, first + n,
                   SettleAllowances{need, offsets, thrust::raw_pointer_cast(mine.data()),
                                    thrust::raw_pointer_cast(fills.data()) + my_first,
                                    thrust::raw_pointer_cast(clearing.data()),
                                    thrust::raw_pointer_cast(paid.data())});
  // The proceeds go to the market's government (the sellers among the firms are paid out of
  // what the buyers pay).
  auto paid_by_block = totals_by_key<1>(n, blocks, FirmBlock{firms.view().block},
                                        Paid{thrust::raw_pointer_cast(paid.data())});
  ranks.sum_over_ranks(paid_by_block);
  for (int blk = 0; blk < blocks; ++blk) {
    if (running[blk] >= 0) {
      economy.government[markets[running[blk]].country] += paid_by_block[blk].v[0];
    }
  }
  load_prices(sc, economy, tables);
  return out;
}

std::vector<double> border_carbon_rates(const Scenario& sc, const World& world,
                                        const Economy& economy) {
  const int nc = world.countries(), ns = world.sectors();
  std::vector<double> rate(static_cast<std::size_t>(nc) * nc * ns, 0.0);
  if (std::all_of(world.carbon_adjustment.begin(), world.carbon_adjustment.end(),
                  [](double share) { return share <= 0.0; })) {
    return rate;
  }
  // Each country's allowance price for a sector, US$ per kg (0 where none covers it).
  std::vector<double> price(static_cast<std::size_t>(nc) * ns, 0.0);
  for (std::size_t m = 0; m < sc.carbon_markets.size(); ++m) {
    const CarbonMarket& market = sc.carbon_markets[m];
    const double us = static_cast<double>(economy.allowance_price[m]) / kCarbonPriceScale *
                      economy.exchange_rate[market.country];
    for (int s : market.sectors) {
      double& p = price[static_cast<std::size_t>(market.country) * ns + s];
      p = std::max(p, us);
    }
  }
  for (int imp = 0; imp < nc; ++imp) {
    for (int s = 0; s < ns; ++s) {
      const double share = world.carbon_adjustment[static_cast<std::size_t>(imp) * ns + s];
      if (share <= 0.0) continue;
      for (int exp = 0; exp < nc; ++exp) {
        if (exp == imp) continue;
        const double gap = price[static_cast<std::size_t>(imp) * ns + s] -
                           price[static_cast<std::size_t>(exp) * ns + s];
        const double per_dollar = sc.emissions.sector[s] * sc.emissions.country[exp];
        rate[world.flow_cell(exp, imp, s)] = gap > 0.0 ? share * gap * per_dollar : 0.0;
      }
    }
  }
  return rate;
}

void carbon_statistics(const Scenario& sc, const Setting& setting, const Economy& economy,
                       const Ranks& ranks, const AllowanceTrade& trade, StepStatistics& st) {
  const std::size_t nm = sc.carbon_markets.size();
  st.carbon_price.assign(nm, 0.0);
  st.carbon_issued = trade.issued;
  st.carbon_traded = trade.traded;
  st.carbon_emitted.assign(nm, 0);
  st.carbon_held.assign(nm, 0);
  const Tables& tables = setting.tables;
  if (nm == 0 || tables.carbon_market.empty()) return;
  for (std::size_t m = 0; m < nm; ++m) {
    st.carbon_price[m] = static_cast<double>(economy.allowance_price[m]) / 1e6;
  }
  const int blocks = tables.regions * tables.sectors;
  const FirmStore::ConstView f = economy.firms.view();
  auto totals = totals_by_key<2>(f.size, blocks, FirmBlock{f.block}, EmittedAndHeld{f});
  ranks.sum_over_ranks(totals);
  const std::vector<std::int32_t> running = to_host(tables.carbon_market);
  for (int b = 0; b < blocks; ++b) {
    const int m = running[b];
    if (m < 0) continue;
    st.emissions[b] = totals[b].v[0];
    st.carbon_emitted[m] += totals[b].v[0];
    st.carbon_held[m] += totals[b].v[1];
  }
}

}  // namespace entrepot
