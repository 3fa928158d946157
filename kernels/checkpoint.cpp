#include "kernels/checkpoint.h"

#include <thrust/copy.h>

#include <string>
#include <type_traits>
#include <utility>

#include "kernels/host_copy.h"

namespace entrepot {
namespace {

template <class T>
CheckpointArray replicated(const std::string& name, const std::vector<T>& values, bool fill) {
  CheckpointArray a;
  a.name = name;
  a.type = element_of<T>();
  a.replicated = true;
  a.rows = a.total = static_cast<std::int64_t>(values.size());
  if (fill) a.assign(values);
  return a;
}

// The lasting fields of a store, this rank's rows [first, first + size) of `total`.
template <class Store>
void add_fields(const Store& store, const std::string& group, std::int64_t first,
                std::int64_t total, bool fill, std::vector<CheckpointArray>& out) {
  store.each_field([&](const char* name, const auto& field, int slots, Keep keep) {
    if (keep != Keep::lasting) return;
    using T = typename std::decay_t<decltype(field)>::value_type;
    CheckpointArray a;
    a.name = group + "/" + name;
    a.type = element_of<T>();
    a.slots = slots;
    a.first = first;
    a.rows = static_cast<std::int64_t>(store.size);
    a.total = total;
    if (fill) a.assign(to_host(field));
    out.push_back(std::move(a));
  });
}

// The accounts, regional conditions and policy tables, the same on every rank; `m` null
// gives their names and types only.
void add_replicated(const Model* m, bool fill, std::vector<CheckpointArray>& out) {
  const auto of = [&](auto member) {
    using V = std::decay_t<decltype(std::declval<const Economy&>().*member)>;
    return m != nullptr ? m->economy.*member : V{};
  };
  const auto world_of = [&](auto member) {
    using V = std::decay_t<decltype(std::declval<const World&>().*member)>;
    return m != nullptr ? m->world.*member : V{};
  };
  out.push_back(replicated("accounts/government", of(&Economy::government), fill));
  out.push_back(replicated("accounts/owners", of(&Economy::owners), fill));
  out.push_back(replicated("accounts/bank_equity", of(&Economy::bank_equity), fill));
  out.push_back(replicated("accounts/initial_money",
                           std::vector<std::int64_t>{m != nullptr ? m->initial_money : 0}, fill));
  out.push_back(replicated("accounts/initial_country_money",
                           m != nullptr ? m->initial_country_money : std::vector<std::int64_t>{},
                           fill));
  out.push_back(replicated("currencies/exchange_rate", of(&Economy::exchange_rate), fill));
  out.push_back(replicated("currencies/foreign_held", of(&Economy::foreign_held), fill));
  out.push_back(replicated("currencies/official_held", of(&Economy::official_held), fill));
  out.push_back(replicated("currencies/reserves", of(&Economy::reserves), fill));
  out.push_back(replicated("regions/unemployment_rate", of(&Economy::unemployment_rate), fill));
  out.push_back(replicated("regions/mean_wage", of(&Economy::mean_wage), fill));
  out.push_back(replicated("regions/base_unit_value", of(&Economy::base_unit_value), fill));
  out.push_back(replicated("blocks/presence", of(&Economy::presence), fill));
  out.push_back(replicated("blocks/price", of(&Economy::block_price), fill));
  out.push_back(replicated("blocks/trader_price", of(&Economy::trader_price), fill));
  out.push_back(replicated("blocks/export_first", of(&Economy::export_first), fill));
  out.push_back(replicated("blocks/profit", of(&Economy::block_profit), fill));
  out.push_back(replicated("blocks/sales", of(&Economy::block_sales), fill));
  out.push_back(replicated("blocks/settled_profit", of(&Economy::settled_profit), fill));
  out.push_back(replicated("blocks/settled_sales", of(&Economy::settled_sales), fill));
  out.push_back(replicated("carbon/allowance_price", of(&Economy::allowance_price), fill));
  out.push_back(replicated("carbon/unsold_allowances", of(&Economy::unsold_allowances), fill));
  out.push_back(replicated("venues/price", of(&Economy::venue_price), fill));
  out.push_back(replicated("venues/volume", of(&Economy::venue_volume), fill));
  out.push_back(replicated("venues/dollar_price", of(&Economy::venue_dollar_price), fill));
  out.push_back(replicated("venues/return", of(&Economy::venue_return), fill));
  out.push_back(replicated("venues/lead", of(&Economy::venue_lead), fill));
  out.push_back(replicated("policy/tariff", world_of(&World::tariff), fill));
  out.push_back(replicated("policy/banned", world_of(&World::banned), fill));
}

EconomyCheckpoint record(const Model& m, bool fill) {
  EconomyCheckpoint c;
  c.step = m.economy.step;
  c.seed = m.scenario.seed;
  c.ranks = m.ranks.comm != nullptr ? m.ranks.comm->size() : 1;
  add_fields(m.economy.firms, "firms", m.ranks.domain.firm_first, m.ranks.domain.firm_total, fill,
             c.arrays);
  add_fields(m.economy.consumers, "households", m.ranks.domain.household_first,
             m.ranks.domain.household_total, fill, c.arrays);
  add_fields(m.economy.retailers, "retailers", m.ranks.domain.retailer_first,
             m.ranks.domain.retailer_total, fill, c.arrays);
  add_fields(m.economy.traders, "traders", m.ranks.domain.trader_first, m.ranks.domain.trader_total,
             fill, c.arrays);
  add_replicated(&m, fill, c.arrays);
  c.layout = layout_digest(c.arrays);
  return c;
}

// The saved array that `expected` describes, checked against it.
const CheckpointArray& saved(const EconomyCheckpoint& c, const CheckpointArray& expected) {
  const CheckpointArray* a = c.find(expected.name);
  auto refuse = [&](const std::string& why) {
    throw CheckpointError("'" + expected.name + "' " + why);
  };
  if (a == nullptr) refuse("is missing");
  if (a->type != expected.type || a->slots != expected.slots) {
    refuse(std::string("holds ") + element_name(a->type) + " × " + std::to_string(a->slots) +
           ", expected " + element_name(expected.type) + " × " + std::to_string(expected.slots));
  }
  if (a->total != expected.total || a->first != expected.first || a->rows != expected.rows ||
      a->bytes.size() != expected.byte_count()) {
    refuse("holds rows [" + std::to_string(a->first) + ", " + std::to_string(a->first + a->rows) +
           ") of " + std::to_string(a->total) + " (" + std::to_string(a->bytes.size()) +
           " bytes), expected [" + std::to_string(expected.first) + ", " +
           std::to_string(expected.first + expected.rows) + ") of " +
           std::to_string(expected.total));
  }
  return *a;
}

template <class Store>
void restore_fields(Store& store, const std::string& group, const EconomyCheckpoint& c,
                    const EconomyCheckpoint& expected) {
  store.each_field([&](const char* name, auto& field, int, Keep keep) {
    if (keep != Keep::lasting) return;
    using T = typename std::decay_t<decltype(field)>::value_type;
    const std::vector<T> host = saved(c, *expected.find(group + "/" + name)).template values<T>();
    thrust::copy(host.begin(), host.end(), field.begin());
  });
}

template <class T>
void restore_vector(std::vector<T>& to, const std::string& name, const EconomyCheckpoint& c,
                    const EconomyCheckpoint& expected) {
  to = saved(c, *expected.find(name)).template values<T>();
}

}  // namespace

EconomyCheckpoint capture(const Model& model) {
  return record(model, true);
}

EconomyCheckpoint checkpoint_layout(const Model& model) {
  return record(model, false);
}

std::string checkpoint_layout_digest() {
  std::vector<CheckpointArray> arrays;
  add_fields(FirmStore{}, "firms", 0, 0, false, arrays);
  add_fields(ConsumerStore{}, "households", 0, 0, false, arrays);
  add_fields(RetailerStore{}, "retailers", 0, 0, false, arrays);
  add_fields(TraderStore{}, "traders", 0, 0, false, arrays);
  add_replicated(nullptr, false, arrays);
  return layout_digest(arrays);
}

void restore(Model& m, const EconomyCheckpoint& c) {
  const EconomyCheckpoint expected = checkpoint_layout(m);
  if (c.layout != expected.layout) {
    throw CheckpointError("its state layout " + c.layout + " is not this program's " +
                          expected.layout);
  }
  if (c.seed != m.scenario.seed) {
    throw CheckpointError("it is of seed " + std::to_string(c.seed) + ", the scenario's is " +
                          std::to_string(m.scenario.seed));
  }
  if (c.step < 0 || c.step > m.scenario.steps) {
    throw CheckpointError("its step " + std::to_string(c.step) + " is outside the run's 0.." +
                          std::to_string(m.scenario.steps));
  }
  // Every array is checked before any is used.
  for (const CheckpointArray& a : expected.arrays) saved(c, a);

  restore_fields(m.economy.firms, "firms", c, expected);
  restore_fields(m.economy.consumers, "households", c, expected);
  restore_fields(m.economy.retailers, "retailers", c, expected);
  restore_fields(m.economy.traders, "traders", c, expected);
  restore_vector(m.economy.government, "accounts/government", c, expected);
  restore_vector(m.economy.owners, "accounts/owners", c, expected);
  restore_vector(m.economy.bank_equity, "accounts/bank_equity", c, expected);
  m.initial_money = saved(c, *expected.find("accounts/initial_money")).values<std::int64_t>()[0];
  restore_vector(m.initial_country_money, "accounts/initial_country_money", c, expected);
  restore_vector(m.economy.exchange_rate, "currencies/exchange_rate", c, expected);
  restore_vector(m.economy.foreign_held, "currencies/foreign_held", c, expected);
  restore_vector(m.economy.official_held, "currencies/official_held", c, expected);
  restore_vector(m.economy.reserves, "currencies/reserves", c, expected);
  restore_vector(m.economy.unemployment_rate, "regions/unemployment_rate", c, expected);
  restore_vector(m.economy.mean_wage, "regions/mean_wage", c, expected);
  restore_vector(m.economy.base_unit_value, "regions/base_unit_value", c, expected);
  restore_vector(m.economy.presence, "blocks/presence", c, expected);
  restore_vector(m.economy.block_price, "blocks/price", c, expected);
  restore_vector(m.economy.trader_price, "blocks/trader_price", c, expected);
  restore_vector(m.economy.export_first, "blocks/export_first", c, expected);
  m.tables.export_first.assign(m.economy.export_first.begin(), m.economy.export_first.end());
  restore_vector(m.economy.block_profit, "blocks/profit", c, expected);
  restore_vector(m.economy.block_sales, "blocks/sales", c, expected);
  restore_vector(m.economy.settled_profit, "blocks/settled_profit", c, expected);
  restore_vector(m.economy.settled_sales, "blocks/settled_sales", c, expected);
  restore_vector(m.economy.allowance_price, "carbon/allowance_price", c, expected);
  restore_vector(m.economy.unsold_allowances, "carbon/unsold_allowances", c, expected);
  restore_vector(m.economy.venue_price, "venues/price", c, expected);
  restore_vector(m.economy.venue_volume, "venues/volume", c, expected);
  restore_vector(m.economy.venue_dollar_price, "venues/dollar_price", c, expected);
  restore_vector(m.economy.venue_return, "venues/return", c, expected);
  restore_vector(m.economy.venue_lead, "venues/lead", c, expected);
  share_sites(m.economy, m.ranks, m.tables);

  // The world keeps the rates each phased tariff started from, so the timeline is replayed
  // rather than the tables copied; the saved tables check that the replay agrees.
  for (int step = 1; step <= c.step; ++step) m.world.apply_policy(step);
  if (saved(c, *expected.find("policy/tariff")).bytes !=
          replicated("", m.world.tariff, true).bytes ||
      saved(c, *expected.find("policy/banned")).bytes !=
          replicated("", m.world.banned, true).bytes) {
    throw CheckpointError(
        "its tariff and ban tables differ from the scenario's policy timeline at step " +
        std::to_string(c.step));
  }
  m.refresh_trade_costs();
  refresh_sellers(m.scenario.behaviour, m.economy, m.ranks, m.tables);
  m.economy.step = c.step;
  m.stats = StepStatistics{};
  m.stats.step = c.step;

  const std::int64_t money = m.total_money();
  if (money != m.initial_money || m.country_money() != m.initial_country_money) {
    throw CheckpointError("its accounts hold " + std::to_string(money) + " micro-units of money, " +
                          "its start " + std::to_string(m.initial_money) +
                          " (or some currency's total differs from its start)");
  }
}

}  // namespace entrepot
