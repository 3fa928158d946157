#include "world/world.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "base/det_math.h"

namespace entrepot {
namespace {

constexpr double kEarthRadiusKm = 6371.0;

double great_circle_km(const Region& a, const Region& b) {
  const double to_rad = kPi / 180.0;
  const double dlat = (b.lat - a.lat) * to_rad, dlon = (b.lon - a.lon) * to_rad;
  const double s1 = det_sin(0.5 * dlat), s2 = det_sin(0.5 * dlon);
  const double h = s1 * s1 + det_cos(a.lat * to_rad) * det_cos(b.lat * to_rad) * s2 * s2;
  const double hc = std::min(1.0, std::max(0.0, h));
  // 2·atan2(√h, √(1−h)), with atan2 written through atan for 0 ≤ h ≤ 1.
  const double root = std::sqrt(hc), co = std::sqrt(1.0 - hc);
  const double angle = co > 0.0 ? det_atan(root / co) : 0.5 * kPi;
  return 2.0 * kEarthRadiusKm * angle;
}

// The bloc whose preference two countries trade under: the shared bloc with the lowest
// tariff factor (the first listed of equals), or −1 when they share none.
int preference_bloc(const Country& a, const Country& b, const std::vector<Bloc>& blocs) {
  int best = -1;
  for (int x : a.blocs) {
    if (std::find(b.blocs.begin(), b.blocs.end(), x) == b.blocs.end()) continue;
    if (best < 0 || blocs[x].tariff_factor < blocs[best].tariff_factor) best = x;
  }
  return best;
}

template <class Fn>
void for_each_cell(int importer, int exporter, const std::vector<int>& sectors, int countries,
                   int sector_count, Fn&& fn) {
  for (int i = 0; i < countries; ++i) {
    if (importer >= 0 && i != importer) continue;
    for (int e = 0; e < countries; ++e) {
      if ((exporter >= 0 && e != exporter) || e == i) continue;
      if (sectors.empty()) {
        for (int s = 0; s < sector_count; ++s) fn(i, e, s);
      } else {
        for (int s : sectors) fn(i, e, s);
      }
    }
  }
}

// The share of a move's cost that `dest`'s government pays for moves from the countries
// `from` (empty: every country) in the sectors `which` (empty: every sector); it replaces the
// share in force on those cells.
void subsidise_moves(World& world, int dest, const std::vector<int>& from,
                     const std::vector<int>& which, double share) {
  for (int o = 0; o < world.countries(); ++o) {
    if (!from.empty() && std::find(from.begin(), from.end(), o) == from.end()) continue;
    for (int s = 0; s < world.sectors(); ++s) {
      if (!which.empty() && std::find(which.begin(), which.end(), s) == which.end()) continue;
      world.relocation_subsidy[world.subsidy_cell(dest, o, s)] = share;
    }
  }
}

// Who may join venue `v` from now on: every country's traders when `open`, else those of
// `members`; it replaces the venue's row in force.
void admit_to_venue(World& world, int v, bool open, const std::vector<int>& members) {
  const auto first = static_cast<std::size_t>(v) * static_cast<std::size_t>(world.countries());
  for (int c = 0; c < world.countries(); ++c) {
    const bool member = open || std::find(members.begin(), members.end(), c) != members.end();
    world.venue_member[first + static_cast<std::size_t>(c)] = member ? 1 : 0;
  }
}

// The model's fixed limits, checked here so `validate` reports them and a run that would
// exceed them fails before anything is written.
void check_limits(const Scenario& sc) {
  auto fail = [&](const std::string& what, std::size_t count, int limit) {
    throw ConfigError(sc.source_path + ": the world has " + std::to_string(count) + " " + what +
                      "; allowed: at most " + std::to_string(limit));
  };
  if (sc.regions.size() > static_cast<std::size_t>(kMaxRegions))
    fail("regions", sc.regions.size(), kMaxRegions);
  if (sc.sectors.size() > static_cast<std::size_t>(kMaxSectors))
    fail("sectors", sc.sectors.size(), kMaxSectors);
  if (sc.countries.size() > static_cast<std::size_t>(kMaxCountries)) {
    fail("countries", sc.countries.size(), kMaxCountries);
  }
  if (sc.blocs.size() > static_cast<std::size_t>(kMaxBlocs))
    fail("blocs", sc.blocs.size(), kMaxBlocs);
  for (std::size_t s = 0; s < sc.sectors.size(); ++s) {
    std::size_t inputs = 0;
    for (const RecipeEntry& e : sc.recipe)
      inputs += e.output == static_cast<int>(s) && e.amount > 0.0 ? 1 : 0;
    if (inputs > static_cast<std::size_t>(kInputSlots)) {
      fail("inputs to sector '" + sc.sectors[s].name + "'", inputs, kInputSlots);
    }
  }
  std::size_t bought = 0;
  for (const Sector& s : sc.sectors) bought += s.consumer_share > 0.0 ? 1 : 0;
  if (bought > static_cast<std::size_t>(kConsumerSlots)) {
    fail("sectors with a consumer_share above 0", bought, kConsumerSlots);
  }
}

}  // namespace

World::World(const Scenario& scenario) : scenario_(&scenario) {
  check_limits(scenario);
  for (const Country& c : scenario.countries) {
    country_code.push_back(c.code);
    country_name.push_back(c.name);
    currency.push_back(c.currency);
    currency_since.push_back(0);
    border_factor.push_back(c.border_factor);
  }
  for (const Region& r : scenario.regions) {
    region_name.push_back(r.name);
    region_country.push_back(r.country);
    const bool followed = r.hub && scenario.traders.on();
    region_hub.push_back(followed ? static_cast<int>(hub_name.size()) : -1);
    if (followed) hub_name.push_back(r.name);
  }
  for (const Sector& s : scenario.sectors) sector_name.push_back(s.name);
  for (const CarbonMarket& m : scenario.carbon_markets) carbon_market_name.push_back(m.name);
  for (const Venue& v : scenario.venues) venue_name.push_back(v.name);

  const int nr = regions(), ns = sectors(), nc = countries();
  distance_km.assign(static_cast<std::size_t>(nr) * nr, 0.0);
  for (int o = 0; o < nr; ++o) {
    for (int d = 0; d < nr; ++d) {
      distance_km[static_cast<std::size_t>(o) * nr + d] =
          o == d ? 0.0 : great_circle_km(scenario.regions[o], scenario.regions[d]);
    }
  }

  // Tariffs: MFN by importer, bloc preferences, then bilateral overrides. Goods that fail
  // the preference's rule of origin pay the rate without it (tariff_outside).
  tariff.assign(static_cast<std::size_t>(nc) * nc * ns, 0.0);
  for (const TariffRule& rule : scenario.mfn) {
    for_each_cell(rule.importer, -1, rule.sectors, nc, ns,
                  [&](int i, int e, int s) { tariff[flow_cell(e, i, s)] = rule.rate; });
  }
  tariff_outside = tariff;
  preference.assign(static_cast<std::size_t>(nc) * nc, -1);
  for (int i = 0; i < nc; ++i) {
    for (int e = 0; e < nc; ++e) {
      const int bloc =
          i == e ? -1
                 : preference_bloc(scenario.countries[i], scenario.countries[e], scenario.blocs);
      if (bloc < 0) continue;
      preference[static_cast<std::size_t>(e) * nc + i] = bloc;
      for (int s = 0; s < ns; ++s) tariff[flow_cell(e, i, s)] *= scenario.blocs[bloc].tariff_factor;
    }
  }
  for (const TariffRule& rule : scenario.bilateral) {
    for_each_cell(rule.importer, rule.exporter, rule.sectors, nc, ns, [&](int i, int e, int s) {
      tariff[flow_cell(e, i, s)] = rule.rate;
      tariff_outside[flow_cell(e, i, s)] = rule.rate;
    });
  }
  base_tariff = tariff;

  banned.assign(static_cast<std::size_t>(nc) * nc * ns, 0);
  entity_ban.assign(static_cast<std::size_t>(nc) * ns, 0);
  for (const EntityList& list : scenario.entity_lists) entity_share.push_back(list.share);
  for (const ExportBan& ban : scenario.export_bans)
    ban_exports(ban.exporter, ban.importer, ban.sectors, ban.entities);
  event_start_.resize(scenario.events.size());
  event_start_outside_.resize(scenario.events.size());
  region_capacity.assign(nr, 1.0);
  block_capacity.assign(static_cast<std::size_t>(nr) * ns, 1.0);
  for (const Region& r : scenario.regions) zone_share.push_back(r.zone_share);
  enforcement.assign(scenario.countries.size(), scenario.traders.enforcement);
  transshipment_penalty.assign(scenario.countries.size(), 0.0);
  settlement_cost.assign(nr, 0.0);
  for (int r = 0; r < nr; ++r) {
    if (scenario.regions[r].hub) settlement_cost[r] = scenario.traders.settlement_cost;
  }
  closed_to_foreign.assign(static_cast<std::size_t>(nr) * ns, 0);
  carbon_adjustment.assign(static_cast<std::size_t>(nc) * ns, 0.0);
  for (std::size_t r = 0; r < scenario.traders.negative_list.size(); ++r) {
    for (int s : scenario.traders.negative_list[r]) {
      closed_to_foreign[r * static_cast<std::size_t>(ns) + static_cast<std::size_t>(s)] = 1;
    }
  }
  relocation_subsidy.assign(static_cast<std::size_t>(nc) * nc * ns, 0.0);
  for (const RelocationSubsidy& g : scenario.relocation.subsidies) {
    subsidise_moves(*this, g.country, g.from, g.sectors, g.share);
  }
  venue_member.assign(scenario.venues.size() * static_cast<std::size_t>(nc), 0);
  for (std::size_t v = 0; v < scenario.venues.size(); ++v) {
    const Venue& venue = scenario.venues[v];
    admit_to_venue(*this, static_cast<int>(v), venue.open, venue.members);
  }
}

void World::move_tariff(const Event& event, int step, std::vector<double>& rates,
                        std::vector<double>& start) const {
  const int nc = countries(), ns = sectors();
  if (step == event.step) {
    start.clear();
    for_each_cell(event.importer, event.exporter, event.sectors, nc, ns,
                  [&](int i, int e, int s) { start.push_back(rates[flow_cell(e, i, s)]); });
  }
  // Move by an equal share of the way each step, so events that overlap on the same
  // cells add up instead of overwriting each other.
  const double steps = static_cast<double>(std::max(1, event.phase_in));
  std::size_t cell = 0;
  for_each_cell(event.importer, event.exporter, event.sectors, nc, ns, [&](int i, int e, int s) {
    const double from = start[cell++];
    const double target = event.add ? from + event.rate : event.rate;
    rates[flow_cell(e, i, s)] += (target - from) / steps;
  });
}

void World::ban_exports(int exporter, int importer, const std::vector<int>& which, int entities) {
  const int nc = countries(), ns = sectors();
  if (entities < 0) {
    for_each_cell(importer, exporter, which, nc, ns,
                  [&](int i, int e, int s) { banned[flow_cell(e, i, s)] = 1; });
    return;
  }
  // The list's firms wherever they are: a bit of the exporter's row, per sector.
  const auto bit = static_cast<std::uint8_t>(1u << entities);
  for (int s = 0; s < ns; ++s) {
    if (which.empty() || std::find(which.begin(), which.end(), s) != which.end()) {
      entity_ban[static_cast<std::size_t>(exporter) * ns + s] |= bit;
    }
  }
}

bool World::apply_policy(int step) {
  bool changed = false;
  // Capacity in force at this step, recomputed from the events so that it returns to
  // exactly 1 when they end.
  std::vector<double> capacity(region_capacity.size(), 1.0), block(block_capacity.size(), 1.0);
  for (const Event& event : scenario_->events) {
    if (event.kind == EventKind::capacity && step >= event.step &&
        step < event.step + event.duration) {
      const auto region = static_cast<std::size_t>(event.region);
      if (event.sectors.empty()) capacity[region] *= event.factor;
      for (int s : event.sectors) block[region * sectors() + s] *= event.factor;
    }
  }
  if (capacity != region_capacity || block != block_capacity) {
    region_capacity = capacity;
    block_capacity = block;
    changed = true;
  }
  for (std::size_t k = 0; k < scenario_->events.size(); ++k) {
    const Event& event = scenario_->events[k];
    if (event.kind == EventKind::capacity) continue;
    if (event.kind == EventKind::bonded_zone) {
      if (step == event.step) {
        zone_share[static_cast<std::size_t>(event.region)] = event.share;
        changed = true;
      }
      continue;
    }
    if (event.kind == EventKind::entity_list) {
      if (step == event.step) {
        entity_share[static_cast<std::size_t>(event.entities)] = event.share;
        changed = true;
      }
      continue;
    }
    if (event.kind == EventKind::negative_list) {
      if (step == event.step) {
        const auto first = static_cast<std::size_t>(event.region) * sectors();
        std::fill(closed_to_foreign.begin() + static_cast<std::ptrdiff_t>(first),
                  closed_to_foreign.begin() + static_cast<std::ptrdiff_t>(first) + sectors(), 0);
        for (int s : event.sectors) closed_to_foreign[first + static_cast<std::size_t>(s)] = 1;
        changed = true;
      }
      continue;
    }
    if (event.kind == EventKind::offshore_settlement) {
      if (step == event.step) {
        settlement_cost[static_cast<std::size_t>(event.region)] = event.rate;
        changed = true;
      }
      continue;
    }
    if (event.kind == EventKind::transshipment) {
      for (std::size_t c = 0; c < enforcement.size() && step == event.step; ++c) {
        if (event.importer >= 0 && static_cast<int>(c) != event.importer) continue;
        enforcement[c] = event.share;
        transshipment_penalty[c] = event.rate;
        changed = true;
      }
      continue;
    }
    if (event.kind == EventKind::carbon_adjustment) {
      if (step == event.step) {
        for (int s : event.sectors) {
          carbon_adjustment[static_cast<std::size_t>(event.importer) * sectors() +
                            static_cast<std::size_t>(s)] = event.share;
        }
        changed = true;
      }
      continue;
    }
    if (event.kind == EventKind::venue_access) {
      if (step == event.step) {
        admit_to_venue(*this, event.venue, event.open, event.members);
        changed = true;
      }
      continue;
    }
    if (event.kind == EventKind::relocation_subsidy) {
      if (step == event.step) {
        subsidise_moves(*this, event.country, event.from, event.sectors, event.share);
        changed = true;
      }
      continue;
    }
    if (event.kind == EventKind::currency) {
      // The reserves are the central bank's, whatever its regime (the economy holds them).
      if (step == event.step) {
        currency[static_cast<std::size_t>(event.country)] = event.currency;
        currency_since[static_cast<std::size_t>(event.country)] = step;
      }
      continue;
    }
    if (step < event.step || step >= event.step + std::max(1, event.phase_in)) continue;
    if (event.kind == EventKind::export_ban) {
      ban_exports(event.exporter, event.importer, event.sectors, event.entities);
      changed = true;
      continue;
    }
    // Tariff: remember the rates when the event begins, then move linearly to the target.
    // The event sets the rate for goods with and without the bloc's preference alike.
    move_tariff(event, step, tariff, event_start_[k]);
    move_tariff(event, step, tariff_outside, event_start_outside_[k]);
    changed = true;
  }
  return changed;
}

}  // namespace entrepot
