// The run's own settings in a scenario: where and how often it writes (`output`) and when it
// stops as broken (`health`); the keys each allows are in world/scenario_format.cpp.
#include <algorithm>
#include <limits>
#include <string>

#include "base/limits.h"
#include "world/yaml_reader.h"

namespace entrepot::yaml {
namespace {

constexpr std::int64_t kMaxInt = std::numeric_limits<int>::max();
constexpr std::int64_t kMaxCount = std::numeric_limits<std::int64_t>::max();

const Section& section_of(const std::string& key) {
  return *scenario_format().find(key)->items;
}

}  // namespace

OutputSettings read_output(const Origins& origins, const YAML::Node& node, int steps) {
  MapReader output(origins, node, section_of("output"));
  OutputSettings o;
  o.path = output.text("path", o.path);
  o.flush_every = static_cast<int>(output.integer("flush_every", 1, kMaxInt, o.flush_every));
  o.progress_every =
      static_cast<int>(output.integer("progress_every", 1, kMaxInt, o.progress_every));
  MapReader checkpoint(origins, output.get("checkpoint"),
                       *section_of("output").find("checkpoint")->items);
  o.checkpoint_every =
      static_cast<int>(checkpoint.integer("every", 0, kMaxInt, o.checkpoint_every));
  o.checkpoint_path = checkpoint.text("path", o.checkpoint_path);
  for (const auto& item : read_list(origins, output.get("snapshots"), "snapshots",
                                    "a list of steps such as [60, 120]")) {
    const int step = static_cast<int>(read_integer(origins, item, "snapshot step", 0, kMaxInt));
    if (step < 1 || step > steps) {
      origins.fail(item, "snapshot step " + std::to_string(step) +
                             " falls outside the run; allowed: a step in [1, " +
                             std::to_string(steps) +
                             "] (a shorter run also needs --set output.snapshots=[...])");
    }
    o.snapshots.push_back(step);
  }
  // The final state is always kept, so a finished run can be inspected or continued.
  o.snapshots.push_back(steps);
  std::sort(o.snapshots.begin(), o.snapshots.end());
  o.snapshots.erase(std::unique(o.snapshots.begin(), o.snapshots.end()), o.snapshots.end());
  return o;
}

HealthSettings read_health(const Origins& origins, const YAML::Node& node) {
  MapReader health(origins, node, section_of("health"));
  HealthSettings h;
  h.unemployment_warning =
      health.number("unemployment_warning", fraction(), h.unemployment_warning);
  h.unemployment_limit = health.number("unemployment_limit", fraction(), h.unemployment_limit);
  h.price_warning = health.number("price_warning", between(0, kHuge), h.price_warning);
  h.price_limit = health.number("price_limit", between(0, kHuge), h.price_limit);
  h.output_warning = health.number("output_warning", fraction(), h.output_warning);
  h.output_limit = health.number("output_limit", fraction(), h.output_limit);
  h.unemployment_min_households =
      health.integer("unemployment_min_households", 0, kMaxCount, h.unemployment_min_households);
  return h;
}

RetailSettings read_retail(const Origins& origins, const YAML::Node& node, const Scenario& s) {
  MapReader retail(origins, node, section_of("retail"));
  RetailSettings r;
  r.households_per_market =
      retail.integer("households_per_market", 0, kMaxCount, r.households_per_market);
  r.retailers_per_sector = static_cast<int>(
      retail.integer("retailers_per_sector", 1, kMaxRetailersPerSector, r.retailers_per_sector));
  r.markup = retail.number("markup", between(0, 10), r.markup);
  r.inventory_target = retail.number("inventory_target", between(0, 12), r.inventory_target);
  r.local_services = retail.flag("local_services", r.local_services);
  if (!r.on()) return r;
  // Retailers' seller ids follow the firms' within the same 32 bits: at most a market per H
  // households of each region (and a part market), each with K retailers per consumed good.
  std::int64_t goods = 0;
  for (const Sector& sector : s.sectors) {
    if (sector.consumer_share > 0.0 && sector.kind != SectorKind::service) ++goods;
  }
  const std::int64_t markets =
      s.consumers / r.households_per_market + static_cast<std::int64_t>(s.regions.size());
  const __int128 ids = static_cast<__int128>(markets) * goods * r.retailers_per_sector + s.firms;
  if (ids > kMaxSellers) {
    origins.fail(
        node["households_per_market"],
        "households_per_market is " + std::to_string(r.households_per_market) +
            ": its retailers and the firms would number more than 32-bit seller ids "
            "do; allowed: a larger market (at least " +
            std::to_string(s.consumers * goods * r.retailers_per_sector / (kMaxSellers - s.firms) +
                           1) +
            " households)");
  }
  return r;
}

TraderSettings read_traders(const Origins& origins, const YAML::Node& node, const Scenario& s) {
  MapReader traders(origins, node, section_of("traders"));
  TraderSettings t;
  t.per_sector =
      static_cast<int>(traders.integer("per_sector", 0, kMaxTradersPerSector, t.per_sector));
  t.hub_per_sector = static_cast<int>(
      traders.integer("hub_per_sector", 0, kMaxTradersPerSector, t.hub_per_sector));
  t.markup = traders.number("markup", between(0, 10), t.markup);
  t.inventory_target = traders.number("inventory_target", between(0, 12), t.inventory_target);
  Range presence = above(0);
  presence.hi = 100;
  // 0: wholesalers only in the regions that give their own weight (wholesale_presence).
  t.presence = traders.number("presence", Range{0, 100, false, false}, t.presence);
  t.hub_presence = traders.number("hub_presence", presence, t.hub_presence);
  t.friction_cut = traders.number("friction_cut", fraction(), t.friction_cut);
  t.enforcement = traders.number("enforcement", fraction(), t.enforcement);
  if (traders.has("hub_tax")) t.hub_tax = traders.number("hub_tax", fraction(), 0.0);
  t.foreign_per_sector = static_cast<int>(
      traders.integer("foreign_per_sector", 0, kMaxTradersPerSector, t.foreign_per_sector));
  t.foreign_presence = traders.number("foreign_presence", presence, t.foreign_presence);
  t.offshore_share = traders.number("offshore_share", fraction(), t.offshore_share);
  t.settlement_cost = traders.number("settlement_cost", fraction(), t.settlement_cost);
  if (!t.on()) return t;
  // Traders' seller ids follow the firms' and the retailers' within the same 32 bits.
  std::int64_t goods = 0, consumed = 0, hubs = 0;
  for (const Sector& sector : s.sectors) {
    if (sector.kind == SectorKind::service) continue;
    ++goods;
    if (sector.consumer_share > 0.0) ++consumed;
  }
  for (const Region& region : s.regions) hubs += region.hub ? 1 : 0;
  const auto regions = static_cast<std::int64_t>(s.regions.size());
  __int128 others = s.firms;
  if (s.retail.on()) {
    const std::int64_t markets = s.consumers / s.retail.households_per_market + regions;
    others += static_cast<__int128>(markets) * consumed * s.retail.retailers_per_sector;
  }
  const __int128 own = static_cast<__int128>(regions * t.per_sector +
                                             hubs * (t.hub_per_sector + t.foreign_per_sector)) *
                       goods;
  if (others + own > kMaxSellers) {
    // At the key that overflows, the most traders it may have beside the firms, the retailers
    // and the other key's traders.
    const bool per_region = t.per_sector > 0;
    const char* key = per_region ? "per_sector" : "hub_per_sector";
    const __int128 left = (kMaxSellers - others) / goods;
    const __int128 most =
        per_region
            ? (left - static_cast<__int128>(hubs) * (t.hub_per_sector + t.foreign_per_sector)) /
                  regions
            : left / hubs - t.foreign_per_sector;
    origins.fail(node[key],
                 std::string(key) + " is " +
                     std::to_string(per_region ? t.per_sector : t.hub_per_sector) +
                     ": the traders, retailers and firms would number more than 32-bit seller "
                     "ids do; allowed: at most " +
                     std::to_string(static_cast<std::int64_t>(most < 0 ? 0 : most)) +
                     (per_region ? " in every region" : " in each hub region") +
                     " with these firms and retailers");
  }
  return t;
}

}  // namespace entrepot::yaml
