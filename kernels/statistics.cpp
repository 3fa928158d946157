// Phase 9: statistics. Every total is an int64 reduction, so the series are the same
// bytes for any thread count or backend; ratios are formed from those totals on the host.
#include <thrust/copy.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/reduce.h>

#include <initializer_list>
#include <utility>

#include "agents/carbon.h"
#include "agents/rules.h"
#include "kernels/phases.h"
#include "kernels/reduce.h"
#include "kernels/retail.h"
#include "kernels/stockist.h"
#include "kernels/traders.h"

namespace entrepot {
namespace {

// Per region: its firms' staff and wage bill.
struct FirmStaff {
  FirmStore::ConstView f;
  ENTREPOT_HD Totals<2> operator()(std::size_t j) const {
    return Totals<2>{{f.employees[j], f.wage_paid[j] * static_cast<std::int64_t>(f.employees[j])}};
  }
};

// Per block: its firms' prices (for the mean), their count, output and value added (a
// region's value added is the sum over its blocks).
struct BlockTotals {
  FirmStore::ConstView f;
  ENTREPOT_HD Totals<4> operator()(std::size_t j) const {
    if (f.open[j] == 0) return Totals<4>{{0, 0, 0, 0}};  // a free site: no firm
    return Totals<4>{{static_cast<std::int64_t>(f.price[j] * static_cast<double>(kMoneyScale)), 1,
                      f.output[j], f.sales_value[j] - f.input_cost[j]}};
  }
};

// A firm's output at capacity valued at its price, in thousandths of money units (an int64
// sum over 10^7 firms stays far from overflow).
struct CapacityValue {
  FirmStore::ConstView f;
  const double* block_tfp;
  ENTREPOT_HD Totals<1> operator()(std::size_t j) const {
    const double capacity = labour_capacity(f.productivity[j], block_tfp[f.block[j]],
                                            static_cast<double>(f.employees[j]));
    return Totals<1>{{static_cast<std::int64_t>(f.price[j] * capacity * 1000.0)}};
  }
};

// Per region: what its firms owe, drew, were charged and had written off this step, and
// their deposits.
struct FirmCredit {
  FirmStore::ConstView f;
  ENTREPOT_HD Totals<5> operator()(std::size_t j) const {
    return Totals<5>{{f.loan[j], f.borrowed[j], f.interest[j], f.written_off[j], f.cash[j]}};
  }
};

struct HouseholdCash {
  const std::int64_t* cash;
  ENTREPOT_HD Totals<1> operator()(std::size_t n) const { return Totals<1>{{cash[n]}}; }
};

// A sum in a country's currency in US$ micro-units at its rate, truncated (exact at 1).
std::int64_t in_dollars(std::int64_t value, double rate) {
  return static_cast<std::int64_t>(static_cast<double>(value) * rate);
}

template <class T>
std::int64_t sum(const thrust::device_vector<T>& v) {
  return thrust::reduce(v.begin(), v.end(), std::int64_t{0}, thrust::plus<std::int64_t>());
}

// Each currency's money from its regions' deposits and loans (deposits, then the FirmCredit
// totals) and its country's accounts.
std::vector<std::int64_t> country_money(const Setting& setting, const Economy& economy,
                                        const std::vector<Totals<1>>& deposits,
                                        const std::vector<Totals<5>>& firms) {
  std::vector<std::int64_t> money(setting.tables.countries, 0);
  for (int r = 0; r < setting.tables.regions; ++r) {
    money[setting.world.region_country[r]] +=
        deposits[r].v[0] + firms[r].v[4] - firms[r].v[0] + economy.owners[r];
  }
  for (std::size_t c = 0; c < money.size(); ++c) {
    money[c] += economy.government[c] + economy.bank_equity[c] + economy.foreign_held[c];
  }
  return money;
}

std::vector<Totals<1>> deposits_by_region(const Setting& setting, const Economy& economy,
                                          const Ranks& ranks) {
  const ConsumerStore::ConstView h = economy.consumers.view();
  auto deposits = totals_by_key<1>(h.size, setting.tables.regions, HouseholdRegion{h.region},
                                   HouseholdCash{h.cash});
  ranks.sum_over_ranks(deposits);
  return deposits;
}

// Retailers' totals by region (kernels/retail.h), none without retail markets.
std::vector<Totals<kRetailTotals>> retail_by_region(const Setting& setting, const Economy& economy,
                                                    const Ranks& ranks) {
  if (setting.tables.markets == 0) return {};
  return retail_totals(setting, economy, ranks);
}

// Traders' totals by block (kernels/traders.h), none without traders.
std::vector<Totals<kTraderTotals>> traders_by_block(const Setting& setting, const Economy& economy,
                                                    const Ranks& ranks) {
  if (setting.tables.traders == 0) return {};
  return trader_totals(setting, economy, ranks);
}

// Firms', retailers' and traders' credit (FirmCredit's layout): retailers' and traders'
// cash is firms' deposits too. `retail` and `traders` are empty where the world has none.
std::vector<Totals<5>> credit_by_region(const Setting& setting, const Economy& economy,
                                        const Ranks& ranks,
                                        const std::vector<Totals<kRetailTotals>>& retail,
                                        const std::vector<Totals<kTraderTotals>>& traders) {
  const FirmStore::ConstView f = economy.firms.view();
  auto credit = totals_by_key<5>(f.size, setting.tables.regions,
                                 FirmRegion{setting.tables.sectors, f.block}, FirmCredit{f});
  ranks.sum_over_ranks(credit);
  const auto add = [&credit](const std::vector<Totals<5>>& stockists) {
    for (std::size_t r = 0; r < credit.size(); ++r) {
      for (int x = 0; x < 5; ++x) credit[r].v[x] += stockists[r].v[x];
    }
  };
  if (!retail.empty())
    add(stockists_by_region<5, StockistCredit>(setting, economy.retailers, ranks));
  if (!traders.empty())
    add(stockists_by_region<5, StockistCredit>(setting, economy.traders, ranks));
  return credit;
}

}  // namespace

std::vector<std::int64_t> money_by_country(const Setting& setting, const Economy& economy,
                                           const Ranks& ranks) {
  return country_money(
      setting, economy, deposits_by_region(setting, economy, ranks),
      credit_by_region(setting, economy, ranks, retail_by_region(setting, economy, ranks),
                       traders_by_block(setting, economy, ranks)));
}

std::vector<double> block_supply(const Setting& setting, const Economy& economy,
                                 const Ranks& ranks) {
  const int blocks = setting.tables.regions * setting.tables.sectors;
  const FirmStore::ConstView f = economy.firms.view();
  auto totals = totals_by_key<1>(f.size, blocks, FirmBlock{f.block},
                                 CapacityValue{f, setting.tables.view().block_tfp});
  ranks.sum_over_ranks(totals);
  std::vector<double> value(blocks, 0.0);
  for (int b = 0; b < blocks; ++b) value[b] = static_cast<double>(totals[b].v[0]) / 1000.0;
  return value;
}

StepStatistics collect_statistics(const Setting& setting, Economy& economy, const Ranks& ranks,
                                  int step, const TradeFlows& trade) {
  StepStatistics st;
  const Tables& tables = setting.tables;
  const World& world = setting.world;
  const int nr = tables.regions, ns = tables.sectors, nc = tables.countries;
  const int slots = tables.consumer_slots;
  const FirmStore::ConstView f = std::as_const(economy.firms).view();
  const ConsumerStore::ConstView h = std::as_const(economy.consumers).view();
  st.step = step;
  st.relocations.assign(static_cast<std::size_t>(nr) * nr, 0);  // the step's moves, set after

  // Deposits by holder, banks' equity, loans as a negative holder and foreigners' holdings:
  // each currency's sum is the money it started with (agents/credit.h, agents/currency.h).
  const auto deposits = deposits_by_region(setting, economy, ranks);
  const auto retail = retail_by_region(setting, economy, ranks);
  const auto traders = traders_by_block(setting, economy, ranks);
  const auto credit = credit_by_region(setting, economy, ranks, retail, traders);
  st.country_money = country_money(setting, economy, deposits, credit);
  st.money.assign(money_holders().size(), 0);
  st.loans.assign(nc, 0);
  st.lending.assign(nc, 0);
  st.interest.assign(nc, 0);
  st.write_offs.assign(nc, 0);
  for (int r = 0; r < nr; ++r) {
    const int c = world.region_country[r];
    st.loans[c] += credit[r].v[0];
    st.lending[c] += credit[r].v[1];
    st.interest[c] += credit[r].v[2];
    st.write_offs[c] += credit[r].v[3];
    st.money[0] += credit[r].v[4];
    st.money[1] += deposits[r].v[0];
    st.money[3] += economy.owners[r];
    st.money[5] -= credit[r].v[0];
  }
  for (int c = 0; c < nc; ++c) {
    st.money[2] += economy.government[c];
    st.money[4] += economy.bank_equity[c];
    st.money[6] += economy.foreign_held[c];
  }
  st.bank_equity = economy.bank_equity;
  st.foreign_held = economy.foreign_held;
  st.exchange_rate = economy.exchange_rate;
  st.tariff = setting.world.tariff;
  st.carbon_adjustment = setting.tables.host.border_carbon;
  st.carbon_adjustment.resize(st.tariff.size(), 0.0);
  st.tariff_outside = setting.world.tariff_outside;
  const std::vector<double>& rate = economy.exchange_rate;
  const auto region_rate = [&](int r) { return rate[world.region_country[r]]; };

  // Bilateral flows, region level on the device, summed to countries here. Each region
  // cell is converted to US$ once and the country cells add the converted region cells, so
  // the region and country series agree exactly.
  const std::vector<std::int64_t>& flows = trade.bilateral;
  const std::size_t cube = static_cast<std::size_t>(nc) * nc * ns;
  const std::size_t region_cube = static_cast<std::size_t>(nr) * nr * ns;
  st.trade_value.assign(cube, 0);
  st.trade_duty.assign(cube, 0);
  st.trade_quantity.assign(cube, 0);
  st.trade_value_final.assign(cube, 0);
  st.region_trade_value.assign(region_cube, 0);
  st.region_trade_duty.assign(region_cube, 0);
  st.region_trade_value_final.assign(region_cube, 0);
  st.region_exports.assign(static_cast<std::size_t>(nr) * ns, 0);
  std::int64_t shipped = 0, delivered = 0;
  for (int d = 0; d < nr; ++d) {
    const int importer = world.region_country[d];
    for (int o = 0; o < nr; ++o) {
      const int exporter = world.region_country[o];
      for (int s = 0; s < ns; ++s) {
        const std::size_t pair = world.rrs(o, d, s);
        const std::int64_t* cell = &flows[pair * kFlows];
        const std::size_t out = world.flow_cell(exporter, importer, s);
        // Values as the buyers paid them, in US$ at the importer's rate.
        const std::int64_t value = in_dollars(cell[kFlowValue], rate[importer]);
        const std::int64_t duty = in_dollars(cell[kFlowDuty], rate[importer]);
        const std::int64_t final_use = in_dollars(cell[kFlowFinalValue], rate[importer]);
        st.region_trade_value[pair] = value;
        st.region_trade_duty[pair] = duty;
        st.region_trade_value_final[pair] = final_use;
        st.trade_value[out] += value;
        st.trade_duty[out] += duty;
        st.trade_quantity[out] += cell[kFlowShipped];
        st.trade_value_final[out] += final_use;
        if (exporter != importer) st.region_exports[static_cast<std::size_t>(o) * ns + s] += value;
        shipped += cell[kFlowShipped];
        delivered += cell[kFlowDelivered];
      }
    }
  }

  // Firms' inputs by their sector, each cell at its buyers' rate, as above.
  st.input_use.assign(trade.input_use.size(), 0);
  for (std::size_t cell = 0; cell < trade.input_use.size(); ++cell) {
    const int d =
        static_cast<int>(cell / static_cast<std::size_t>(ns) % static_cast<std::size_t>(nr));
    st.input_use[cell] = in_dollars(trade.input_use[cell], rate[world.region_country[d]]);
  }

  // Trade a hub's traders handled: each route converted at its buyers' rate, as above.
  st.handled_trade_value.assign(trade.handled.size(), 0);
  st.offshore_trade_value.assign(trade.offshore.size(), 0);
  for (std::size_t route = 0; route < trade.handled.size(); ++route) {
    const auto dest =
        static_cast<int>(route / static_cast<std::size_t>(ns) % static_cast<std::size_t>(nr));
    st.handled_trade_value[route] = in_dollars(trade.handled[route], region_rate(dest));
    st.offshore_trade_value[route] = in_dollars(trade.offshore[route], region_rate(dest));
  }

  auto firms = totals_by_key<2>(f.size, nr, FirmRegion{ns, f.block}, FirmStaff{f});
  auto unemployed = totals_by_key<1>(h.size, nr, HouseholdRegion{h.region}, Unemployed{h.employer});
  auto blocks = totals_by_key<4>(f.size, nr * ns, FirmBlock{f.block}, BlockTotals{f});
  ranks.sum_over_ranks(firms);
  ranks.sum_over_ranks(unemployed);
  ranks.sum_over_ranks(blocks);
  // Retailers' and traders' margins are value added of distributive trade, a service
  // (HostTables::distribution_sector), in their region; their stock is goods held.
  const int distribution = tables.host.distribution_sector;
  std::int64_t retail_stock = 0;
  st.retail_sales.assign(nr, 0);
  st.retail_margin.assign(nr, 0);
  for (int r = 0; r < static_cast<int>(retail.size()); ++r) {
    retail_stock += retail[r].v[0];
    std::int64_t margin = 0;
    for (int c = 0; c < slots; ++c) {
      const int sector = distribution >= 0 ? distribution : tables.host.consumer_sector[c];
      blocks[r * ns + sector].v[3] += retail[r].v[3 + c];
      margin += retail[r].v[3 + c];
    }
    st.retail_sales[r] = in_dollars(retail[r].v[2], region_rate(r));
    st.retail_margin[r] = in_dollars(margin, region_rate(r));
  }
  std::int64_t trader_stock = 0;
  for (auto* series : {&st.trader_sales, &st.trader_margin, &st.trader_exports, &st.reexports}) {
    series->assign(nr, 0);
  }
  for (int b = 0; b < static_cast<int>(traders.size()); ++b) {
    const int r = b / ns;
    const Totals<kTraderTotals>& x = traders[b];
    trader_stock += x.v[0];
    blocks[distribution >= 0 ? r * ns + distribution : b].v[3] += x.v[3];
    st.trader_sales[r] += x.v[2];
    st.trader_margin[r] += x.v[3];
    st.trader_exports[r] += x.v[4];
    st.reexports[r] += x.v[5];
  }
  for (int r = 0; r < nr && !traders.empty(); ++r) {
    for (auto* series : {&st.trader_sales, &st.trader_margin, &st.trader_exports, &st.reexports}) {
      (*series)[r] = in_dollars((*series)[r], region_rate(r));
    }
  }
  const std::vector<std::int64_t>& household = trade.household;

  st.value_added.assign(nr, 0);
  st.employment.assign(nr, 0);
  st.unemployment.assign(nr, 0);
  st.consumption.assign(nr, 0);
  st.wage.assign(nr, 0.0);
  st.cpi.assign(nr, 1.0);
  st.region_output.assign(static_cast<std::size_t>(nr) * ns, 0);
  st.sector_value_added.assign(static_cast<std::size_t>(nr) * ns, 0);
  st.exporters = exporter_counts(tables, economy);
  st.price.assign(static_cast<std::size_t>(nr) * ns, 0.0);
  st.consumed = 0;
  for (int r = 0; r < nr; ++r) {
    std::int64_t added = 0;
    for (int s = 0; s < ns; ++s) added += blocks[r * ns + s].v[3];
    st.value_added[r] = in_dollars(added, region_rate(r));
    st.employment[r] = firms[r].v[0];
    st.unemployment[r] = unemployed[r].v[0];
    const std::int64_t people = tables.host.consumer_start[r + 1] - tables.host.consumer_start[r];
    economy.unemployment_rate[r] =
        people > 0 ? static_cast<double>(st.unemployment[r]) / static_cast<double>(people) : 0.0;
    if (firms[r].v[0] > 0)
      economy.mean_wage[r] =
          static_cast<double>(firms[r].v[1]) / static_cast<double>(firms[r].v[0]);
    st.wage[r] = economy.mean_wage[r] / static_cast<double>(kMoneyScale) * region_rate(r);
    double now = 0.0, base = 0.0;
    for (int c = 0; c < slots; ++c) {
      const std::size_t cell = static_cast<std::size_t>(r) * slots + c;
      const std::int64_t spent = household[cell * 2], got = household[cell * 2 + 1];
      st.consumption[r] += spent;
      st.consumed += got;
      if (got <= 0) continue;
      const double unit_value = static_cast<double>(spent) / static_cast<double>(got);
      if (economy.base_unit_value[cell] <= 0.0) economy.base_unit_value[cell] = unit_value;
      const double share = tables.host.consumer_share[cell];
      now += share * unit_value;
      base += share * economy.base_unit_value[cell];
    }
    st.cpi[r] = base > 0.0 ? now / base : 1.0;
    st.consumption[r] = in_dollars(st.consumption[r], region_rate(r));
    for (int s = 0; s < ns; ++s) {
      const auto& p = blocks[r * ns + s];
      st.region_output[static_cast<std::size_t>(r) * ns + s] = p.v[2];
      st.sector_value_added[static_cast<std::size_t>(r) * ns + s] =
          in_dollars(p.v[3], region_rate(r));
      st.price[static_cast<std::size_t>(r) * ns + s] =
          p.v[1] > 0 ? static_cast<double>(p.v[0]) / static_cast<double>(p.v[1]) /
                           static_cast<double>(kMoneyScale) * region_rate(r)
                     : 0.0;
    }
  }

  st.emissions.assign(st.region_output.size(), 0);
  const std::vector<double>& intensity = tables.host.emission_intensity;
  for (std::size_t b = 0; b < intensity.size(); ++b) {
    st.emissions[b] = emitted(st.region_output[b], intensity[b]);
  }

  std::int64_t goods[2] = {sum(economy.firms.output),
                           sum(economy.firms.inventory) + sum(economy.firms.input_stock)};
  ranks.sum_over_ranks(goods, 2);
  st.produced = goods[0];
  st.melted = shipped - delivered;
  st.inventory = goods[1] + retail_stock + trader_stock;
  return st;
}

}  // namespace entrepot
