// Byte-for-byte comparisons of model state and step statistics, shared by the tests that
// check two runs are the same run (determinism, restart from a checkpoint).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "base/records.h"
#include "kernels/host_copy.h"

namespace entrepot::testing {

// Byte equality, so doubles compare by their bits (−0 ≠ +0, NaN = the same NaN).
template <class T>
inline bool same_bytes(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

template <class T>
inline bool same_bytes(const thrust::device_vector<T>& a, const thrust::device_vector<T>& b) {
  return same_bytes(to_host(a), to_host(b));
}

// The fields of two stores of one kind that differ, per-step ones too, each as
// "group.name", added to `out`.
template <class Store>
inline void add_differing_fields(const Store& a, const Store& b, const std::string& group,
                                 std::vector<std::string>& out) {
  std::vector<std::string> mine;
  a.each_field([&](const char*, const auto& field, int, auto) {
    const auto host = to_host(field);
    mine.emplace_back(reinterpret_cast<const char*>(host.data()),
                      host.size() * sizeof(typename decltype(host)::value_type));
  });
  std::size_t i = 0;
  b.each_field([&](const char* name, const auto& field, int, auto) {
    const auto host = to_host(field);
    const std::string bytes(reinterpret_cast<const char*>(host.data()),
                            host.size() * sizeof(typename decltype(host)::value_type));
    if (bytes != mine[i++]) out.push_back(group + "." + name);
  });
}

// The fields of two steps' statistics that differ, by name; empty when all are identical.
inline std::vector<std::string> differing_statistics(const StepStatistics& a,
                                                     const StepStatistics& b) {
  std::vector<std::string> out;
  auto vec = [&](const char* name, const auto& x, const auto& y) {
    if (!same_bytes(x, y)) out.push_back(name);
  };
  auto one = [&](const char* name, std::int64_t x, std::int64_t y) {
    if (x != y) out.push_back(name);
  };
  one("step", a.step, b.step);
  vec("money", a.money, b.money);
  vec("trade_value", a.trade_value, b.trade_value);
  vec("trade_duty", a.trade_duty, b.trade_duty);
  vec("trade_quantity", a.trade_quantity, b.trade_quantity);
  vec("trade_value_final", a.trade_value_final, b.trade_value_final);
  vec("region_trade_value", a.region_trade_value, b.region_trade_value);
  vec("tariff", a.tariff, b.tariff);
  vec("tariff_outside", a.tariff_outside, b.tariff_outside);
  vec("region_trade_duty", a.region_trade_duty, b.region_trade_duty);
  vec("region_trade_value_final", a.region_trade_value_final, b.region_trade_value_final);
  vec("input_use", a.input_use, b.input_use);
  vec("handled_trade_value", a.handled_trade_value, b.handled_trade_value);
  vec("offshore_trade_value", a.offshore_trade_value, b.offshore_trade_value);
  vec("region_exports", a.region_exports, b.region_exports);
  vec("exporters", a.exporters, b.exporters);
  vec("emissions", a.emissions, b.emissions);
  vec("carbon_price", a.carbon_price, b.carbon_price);
  vec("carbon_adjustment", a.carbon_adjustment, b.carbon_adjustment);
  vec("carbon_issued", a.carbon_issued, b.carbon_issued);
  vec("carbon_traded", a.carbon_traded, b.carbon_traded);
  vec("carbon_emitted", a.carbon_emitted, b.carbon_emitted);
  vec("carbon_held", a.carbon_held, b.carbon_held);
  vec("venue_price", a.venue_price, b.venue_price);
  vec("venue_volume", a.venue_volume, b.venue_volume);
  vec("venue_value", a.venue_value, b.venue_value);
  vec("venue_share", a.venue_share, b.venue_share);
  vec("venue_world_share", a.venue_world_share, b.venue_world_share);
  vec("price_leadership", a.price_leadership, b.price_leadership);
  vec("value_added", a.value_added, b.value_added);
  vec("employment", a.employment, b.employment);
  vec("unemployment", a.unemployment, b.unemployment);
  vec("consumption", a.consumption, b.consumption);
  vec("retail_sales", a.retail_sales, b.retail_sales);
  vec("retail_margin", a.retail_margin, b.retail_margin);
  vec("trader_sales", a.trader_sales, b.trader_sales);
  vec("trader_margin", a.trader_margin, b.trader_margin);
  vec("trader_exports", a.trader_exports, b.trader_exports);
  vec("reexports", a.reexports, b.reexports);
  vec("wage", a.wage, b.wage);
  vec("cpi", a.cpi, b.cpi);
  vec("price", a.price, b.price);
  one("produced", a.produced, b.produced);
  one("used", a.used, b.used);
  one("consumed", a.consumed, b.consumed);
  one("melted", a.melted, b.melted);
  one("inventory", a.inventory, b.inventory);
  one("supplier_switches", a.supplier_switches, b.supplier_switches);
  one("firm_exits", a.firm_exits, b.firm_exits);
  vec("relocations", a.relocations, b.relocations);
  one("stockist_exits", a.stockist_exits, b.stockist_exits);
  return out;
}

// Names joined with commas, for failure messages.
inline std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& n : names) text += (text.empty() ? "" : ", ") + n;
  return text;
}

}  // namespace entrepot::testing
