// A scenario's events, each a shock due at a step; the keys each allows: world/scenario_format.cpp.
#include <algorithm>
#include <initializer_list>
#include <limits>
#include <string>
#include <vector>

#include "world/yaml_reader.h"

namespace entrepot::yaml {
namespace {

constexpr std::int64_t kMaxInt = std::numeric_limits<int>::max();

const Section& section_of(const std::string& key) {
  return *scenario_format().find(key)->items;
}

}  // namespace

void SectionReader::read_events(const YAML::Node& list) {
  for (const auto& node :
       read_list(origins_, list, "events", "a list of {step, type, importer, exporter, ...}")) {
    s_.events.push_back(read_event(MapReader(origins_, node, section_of("events"))));
  }
  // Due order; events of one step keep the order they were written in.
  std::stable_sort(s_.events.begin(), s_.events.end(),
                   [](const Event& a, const Event& b) { return a.step < b.step; });
  // A negative list only shortens: each event's list is part of the one in force before it.
  std::vector<std::vector<int>> in_force = s_.traders.negative_list;
  in_force.resize(s_.regions.size());
  for (const Event& e : s_.events) {
    if (e.kind != EventKind::negative_list) continue;
    std::vector<int>& now = in_force[static_cast<std::size_t>(e.region)];
    for (int sector : e.sectors) {
      if (std::find(now.begin(), now.end(), sector) != now.end()) continue;
      throw ConfigError(e.where.file + ":" + std::to_string(e.where.line) + ":" +
                        std::to_string(e.where.column) + ": negative_list event puts '" +
                        sector_names_[static_cast<std::size_t>(sector)] + "' on " +
                        region_names_[static_cast<std::size_t>(e.region)] +
                        "'s negative list, where it is not at step " + std::to_string(e.step) +
                        "; allowed: the sectors of the list in force, fewer of them (a negative "
                        "list only shortens)");
    }
    now = e.sectors;
  }
}

std::vector<int> SectionReader::negative_list_of(const YAML::Node& node) const {
  const std::string allowed = "a list of goods sector names (traders trade goods), [] for none";
  std::vector<int> out;
  for (const auto& item : read_list(origins_, node, "negative_list", allowed)) {
    const int sector = lookup(item, "sector", sector_names_);
    if (s_.sectors[static_cast<std::size_t>(sector)].kind == SectorKind::service) {
      origins_.fail(item, "sector '" + item.Scalar() + "' is a service; allowed: " + allowed);
    }
    if (std::find(out.begin(), out.end(), sector) != out.end()) {
      origins_.fail(item, "sector '" + item.Scalar() + "' is listed twice; allowed: " + allowed);
    }
    out.push_back(sector);
  }
  std::sort(out.begin(), out.end());
  return out;
}

Event SectionReader::read_event(const MapReader& item) const {
  static const std::vector<std::string> types{"tariff",
                                              "export_ban",
                                              "capacity",
                                              "currency",
                                              "bonded_zone",
                                              "transshipment",
                                              "negative_list",
                                              "offshore_settlement",
                                              "entity_list",
                                              "relocation_subsidy",
                                              "border_carbon_adjustment",
                                              "venue_access"};
  static const std::vector<std::string> modes{"set", "add"};
  Event e;
  e.where = origins_.position(item.node());
  const YAML::Node step = item.get("step");
  e.step = static_cast<int>(read_integer(origins_, step, "event step", 0, kMaxInt));
  if (e.step < s_.burn_in || e.step >= s_.steps) {
    const std::string window =
        s_.burn_in < s_.steps
            ? "a step in [" + std::to_string(s_.burn_in) + ", " + std::to_string(s_.steps) + ")"
            : "none, the run of " + std::to_string(s_.steps) + " steps is all burn-in";
    origins_.fail(step, "event step " + std::to_string(e.step) +
                            " falls outside the run; allowed: " + window +
                            " (from burn_in on, since the burn-in must be free of shocks, "
                            "to the last step)");
  }
  e.kind = static_cast<EventKind>(lookup(item.get("type"), "event type", types));
  if (e.kind != EventKind::export_ban && e.kind != EventKind::entity_list) {
    refuse_keys(item, {"entities"}, "event", "entities only in export_ban and entity_list events");
  }
  if (e.kind != EventKind::relocation_subsidy) {
    refuse_keys(item, {"from"}, "event", "from only in a relocation_subsidy event");
  }
  if (e.kind != EventKind::venue_access) {
    refuse_keys(item, {"venue", "members"}, "event",
                "venue and members only in a venue_access event");
  }
  if (e.kind == EventKind::capacity || e.kind == EventKind::bonded_zone) {
    return read_region_event(item, e);
  }
  if (e.kind == EventKind::venue_access) {
    // Whose traders may join a venue from this step: its whole membership, not a change to it.
    refuse_keys(item,
                {"importer", "exporter", "sectors", "rate", "mode", "phase_in", "region", "factor",
                 "duration", "share", "country", "regime", "parity", "band", "reserves"},
                "venue_access event", "step, type, venue, members");
    if (!item.has("venue") || !item.has("members")) {
      origins_.fail(item.node(),
                    "venue_access event needs 'venue' and 'members'; allowed: a venue's name and "
                    "the countries whose traders may join it from this step, a list of country "
                    "codes or all");
    }
    if (venue_names_.empty()) {
      origins_.fail(item.get("venue"),
                    "venue_access event for '" + read_text(origins_, item.get("venue"), "venue") +
                        "', but the scenario has no venues; allowed: a venue of the venues "
                        "section");
    }
    e.venue = lookup(item.get("venue"), "venue", venue_names_);
    read_members(item.get("members"),
                 "venue '" + venue_names_[static_cast<std::size_t>(e.venue)] + "'", e.open,
                 e.members);
    return e;
  }
  if (e.kind == EventKind::entity_list) {
    // More firms on a list from this step: its regions × sectors' share grows (or shrinks).
    refuse_keys(item,
                {"importer", "exporter", "sectors", "rate", "mode", "phase_in", "region", "factor",
                 "duration", "country", "regime", "parity", "band", "reserves"},
                "entity_list event", "step, type, entities, share");
    if (!item.has("entities") || !item.has("share")) {
      origins_.fail(item.node(),
                    "entity_list event needs 'entities' and 'share'; allowed: an entity list's "
                    "name and the share of its regions × sectors' firms on it from this step, a "
                    "fraction in [0, 1]");
    }
    e.entities = entity_list_of(item.get("entities"));
    if (s_.entity_lists[static_cast<std::size_t>(e.entities)].regions.empty()) {
      origins_.fail(item.get("entities"), "entity_list event for '" +
                                              item.get("entities").Scalar() +
                                              "', which has no regions; allowed: a list with "
                                              "regions, whose firms a share selects");
    }
    e.share = item.number("share", fraction());
    return e;
  }
  if (e.kind == EventKind::negative_list) {
    // A hub's new negative list: the sectors still closed to its foreign traders.
    refuse_keys(item,
                {"importer", "exporter", "rate", "mode", "phase_in", "factor", "duration", "share",
                 "country", "regime", "parity", "band", "reserves"},
                "negative_list event", "step, type, region, sectors");
    if (!item.has("region") || !item.has("sectors")) {
      origins_.fail(item.node(),
                    "negative_list event needs 'region' and 'sectors'; allowed: a hub region and "
                    "the goods sectors its list keeps ([] for none)");
    }
    e.region = hub_region(item);
    e.sectors = negative_list_of(item.get("sectors"));
    return e;
  }
  if (e.kind == EventKind::offshore_settlement) {
    // What a hub's merchants pay to settle their sales abroad in foreign currency.
    refuse_keys(item,
                {"importer", "exporter", "sectors", "mode", "phase_in", "factor", "duration",
                 "share", "country", "regime", "parity", "band", "reserves"},
                "offshore_settlement event", "step, type, region, rate");
    if (!item.has("region") || !item.has("rate")) {
      origins_.fail(item.node(),
                    "offshore_settlement event needs 'region' and 'rate'; allowed: a hub region "
                    "and the share of its merchants' sales abroad that settling them costs, a "
                    "fraction in [0, 1]");
    }
    e.region = hub_region(item);
    e.rate = item.number("rate", fraction());
    return e;
  }
  if (e.kind == EventKind::transshipment) {
    // The importer's customs enforce origin on `share` of goods shipped by traders from a
    // third country, with a penalty rate on top of the origin's duty.
    refuse_keys(item,
                {"exporter", "sectors", "mode", "phase_in", "region", "factor", "duration",
                 "country", "regime", "parity", "band", "reserves"},
                "transshipment event", "step, type, importer, share, rate");
    if (!item.has("share")) {
      origins_.fail(item.node(),
                    "transshipment event has no 'share'; allowed: the share of goods whose "
                    "origin customs enforce, a fraction in [0, 1]");
    }
    e.importer = country_or_all(item, "importer");
    e.share = item.number("share", fraction());
    e.rate = item.has("rate") ? tariff_rate(item, "events") : 0.0;
    return e;
  }
  if (e.kind == EventKind::carbon_adjustment) {
    // An importer's charge on the carbon its imports carry, from this step on.
    refuse_keys(item,
                {"exporter", "rate", "mode", "phase_in", "region", "factor", "duration", "country",
                 "regime", "parity", "band", "reserves"},
                "border_carbon_adjustment event", "step, type, importer, sectors, share");
    if (!item.has("importer")) {
      origins_.fail(item.node(),
                    "border_carbon_adjustment event needs 'importer'; allowed: the country that "
                    "charges it, which runs a carbon market");
    }
    e.importer = lookup(item.get("importer"), "country", country_codes_);
    const bool priced = std::any_of(s_.carbon_markets.begin(), s_.carbon_markets.end(),
                                    [&](const CarbonMarket& m) { return m.country == e.importer; });
    if (!priced) {
      origins_.fail(item.get("importer"),
                    "border_carbon_adjustment event for " + country_codes_[e.importer] +
                        ", which runs no carbon market; allowed: a country with one in "
                        "carbon_markets (the adjustment charges its carbon price)");
    }
    e.sectors = sector_list(item);
    e.share = item.number("share", fraction(), 1.0);
    return e;
  }
  if (e.kind == EventKind::relocation_subsidy) {
    // A government's new share of the cost of moves into its regions, from this step on.
    refuse_keys(item,
                {"importer", "exporter", "rate", "mode", "phase_in", "region", "factor", "duration",
                 "regime", "parity", "band", "reserves"},
                "relocation_subsidy event", "step, type, country, share, from, sectors");
    if (!item.has("country") || !item.has("share")) {
      origins_.fail(item.node(),
                    "relocation_subsidy event needs 'country' and 'share'; allowed: the country "
                    "whose government pays and the share of a move's cost it pays, a fraction in "
                    "[0, 1]");
    }
    e.country = lookup(item.get("country"), "country", country_codes_);
    e.from = country_list(item, "from");
    if (item.has("sectors")) e.sectors = sector_list(item);
    e.share = item.number("share", fraction());
    return e;
  }
  refuse_keys(item, {"region", "factor", "duration", "share"}, "event",
              "region, factor and duration only in a capacity event, share in a bonded_zone "
              "event");
  if (e.kind == EventKind::currency) {
    // A central bank's new regime from this step: a float, a new band or parity, a peg.
    refuse_keys(item, {"importer", "exporter", "sectors", "rate", "mode", "phase_in"},
                "currency event", "step, type, country, regime, parity, band");
    e.country = lookup(item.get("country"), "country", country_codes_);
    e.currency = read_currency_map(item, false);
    if (e.country == s_.reference_currency && e.currency.regime != CurrencyRegime::floating) {
      origins_.fail(item.get("regime"), "currency event manages the reference currency (" +
                                            country_codes_[e.country] +
                                            "); allowed: regime float for it");
    }
    return e;
  }
  refuse_keys(item, {"country", "regime", "parity", "band", "reserves"}, "event",
              "country only in currency and relocation_subsidy events, regime, parity and band "
              "only in a currency event");
  if (e.kind == EventKind::export_ban && item.has("entities")) {
    // The list's firms are the buyers, wherever they are.
    refuse_keys(item, {"importer"}, "export_ban event with entities",
                "step, type, exporter, sectors, entities (the list says who the buyers are)");
    e.entities = entity_list_of(item.get("entities"));
  }
  e.importer = country_or_all(item, "importer");
  e.exporter = country_or_all(item, "exporter");
  check_distinct(item, e.importer, e.exporter);
  e.sectors = sector_list(item);
  if (e.kind == EventKind::tariff) {
    if (!item.has("rate")) {
      origins_.fail(item.node(),
                    "tariff event has no 'rate'; allowed: a tariff event with "
                    "rate, a finite number >= 0");
    }
    e.rate = tariff_rate(item, "events");
    e.add = item.has("mode") && lookup(item.get("mode"), "event mode", modes) == 1;
    e.phase_in = static_cast<int>(item.integer("phase_in", 1, kMaxInt, 1));
    plausible(item, "phase_in", e.phase_in, between(1, 240), "events");
    return e;
  }
  // An export ban is all or nothing from its step on.
  refuse_keys(item, {"rate", "mode", "phase_in"}, "export_ban event",
              "step, type, exporter, importer, sectors, entities");
  if (!item.has("exporter") || !item.has("sectors")) {
    origins_.fail(item.node(),
                  "export_ban event needs 'exporter' and 'sectors'; allowed: "
                  "sectors as names or all");
  }
  return e;
}

// A capacity event names a region, a factor on its output per worker (of its firms of
// `sectors` only, where given) and a duration; a bonded-zone event a region and the share of
// its firms inside the zone from then on.
int SectionReader::hub_region(const MapReader& item) const {
  const int region = lookup(item.get("region"), "region", region_names_);
  if (!s_.regions[static_cast<std::size_t>(region)].hub) {
    origins_.fail(item.get("region"), item.text("type") + " event for region '" +
                                          region_names_[static_cast<std::size_t>(region)] +
                                          "', which is no hub; allowed: a region flagged hub");
  }
  return region;
}

Event SectionReader::read_region_event(const MapReader& item, Event e) const {
  const bool zone = e.kind == EventKind::bonded_zone;
  const std::string what = zone ? "bonded_zone event" : "capacity event";
  const std::string allowed =
      zone ? "step, type, region, share" : "step, type, region, factor, duration, sectors";
  refuse_keys(item,
              {"importer", "exporter", "rate", "mode", "phase_in", "country", "regime", "parity",
               "band", "reserves"},
              what, allowed);
  refuse_keys(item,
              zone ? std::initializer_list<const char*>{"factor", "duration", "sectors"}
                   : std::initializer_list<const char*>{"share"},
              what, allowed);
  if (zone) {
    if (!item.has("region") || !item.has("share")) {
      origins_.fail(item.node(),
                    "bonded_zone event needs 'region' and 'share'; allowed: a region name and "
                    "a fraction in [0, 1]");
    }
    e.region = lookup(item.get("region"), "region", region_names_);
    e.share = item.number("share", fraction());
    return e;
  }
  if (!item.has("region") || !item.has("factor")) {
    origins_.fail(item.node(),
                  "capacity event needs 'region' and 'factor'; allowed: a region name and a "
                  "number in (0, 10]");
  }
  e.region = lookup(item.get("region"), "region", region_names_);
  // Above 0: a region without any output per worker would need infinitely many workers.
  e.factor = item.number("factor", Range{0, 10, true, false});
  plausible(item, "factor", e.factor, between(0.05, 2), "events");
  e.duration = static_cast<int>(item.integer("duration", 1, kMaxInt, 1));
  plausible(item, "duration", e.duration, between(1, 120), "events");
  // Only the region's firms of these sectors (a mine closure, a drought); none: all of them.
  if (item.has("sectors")) e.sectors = sector_list(item);
  return e;
}

}  // namespace entrepot::yaml
