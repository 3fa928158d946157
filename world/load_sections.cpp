// Validation of a scenario tree, section by section, in an order where every name is defined
// before it is used; the keys each section allows are in world/scenario_format.cpp.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <limits>
#include <map>
#include <set>

#include "base/limits.h"
#include "world/yaml_reader.h"

namespace entrepot::yaml {
namespace {

constexpr std::int64_t kMaxInt = std::numeric_limits<int>::max();
constexpr std::int64_t kMaxCount = std::numeric_limits<std::int64_t>::max();
constexpr double kShareTolerance = 1e-6;  // consumer shares must sum to 1 within this

const Section& section_of(const std::string& key) {
  return *scenario_format().find(key)->items;
}

std::string format_number(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.10g", x);
  return buffer;
}

}  // namespace

void SectionReader::refuse_keys(const MapReader& map, std::initializer_list<const char*> keys,
                                const std::string& what, const std::string& allowed) const {
  for (const char* key : keys) {
    if (map.has(key)) {
      origins_.fail(map.get(key), what + " has '" + key + "'; allowed: " + allowed);
    }
  }
}

void SectionReader::plausible(const MapReader& map, const std::string& key, double value,
                              const Range& range, const std::string& group) const {
  if (map.has(key)) plausibility_.check(origins_, map.get(key), key, value, range, group);
}

int SectionReader::lookup(const YAML::Node& node, const std::string& what,
                          const std::vector<std::string>& names) const {
  std::string name = read_text(origins_, node, what);
  auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) origins_.fail(node, unknown_message(what, name, "", names));
  return static_cast<int>(it - names.begin());
}

int SectionReader::country_or_all(const MapReader& map, const std::string& key) const {
  return map.has(key) ? lookup(map.get(key), "country", country_codes_) : -1;
}

std::vector<int> SectionReader::sector_list(const MapReader& map) const {
  std::vector<int> all(sector_names_.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int>(i);
  if (!map.has("sectors")) return all;
  const YAML::Node node = map.get("sectors");
  const std::string allowed = "a list of sector names, or all";
  if (node.IsScalar() && node.Scalar() == "all") return all;
  if (node.IsScalar()) return {lookup(node, "sector", sector_names_)};
  std::vector<YAML::Node> items = read_list(origins_, node, "sectors", allowed);
  if (items.empty()) origins_.fail(node, "sectors is an empty list; allowed: " + allowed);
  std::vector<int> out;
  for (const auto& item : items) {
    if (item.IsScalar() && item.Scalar() == "all") {
      if (items.size() > 1) {
        origins_.fail(item, "'all' is listed with other sectors; allowed: " + allowed);
      }
      return all;
    }
    int sector = lookup(item, "sector", sector_names_);
    if (std::find(out.begin(), out.end(), sector) != out.end()) {
      origins_.fail(item, "sector '" + item.Scalar() + "' is listed twice; allowed: " + allowed);
    }
    out.push_back(sector);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Beyond 200% (the highest tariffs on record are around 150%) a rate is more likely a
// percentage or a typo than a policy.
double SectionReader::tariff_rate(const MapReader& item, const std::string& group) const {
  const double rate = item.number("rate", {0, kHuge, false, false, true});
  plausible(item, "rate", rate, fraction(0, 2), group);
  return rate;
}

void SectionReader::check_distinct(const MapReader& map, int importer, int exporter) const {
  if (importer >= 0 && importer == exporter) {
    origins_.fail(map.get("exporter"), "importer and exporter are both '" +
                                           country_codes_[importer] +
                                           "'; allowed: two different countries");
  }
}

Currency SectionReader::read_currency_map(const MapReader& map, bool with_reserves) const {
  static const std::vector<std::string> regimes{"float", "managed", "peg"};
  Currency c;
  const int regime = map.has("regime") ? lookup(map.get("regime"), "currency regime", regimes) : 0;
  c.regime = regime == 0 ? CurrencyRegime::floating : CurrencyRegime::managed;
  if (regime == 0) {
    refuse_keys(map, {"parity", "band", "reserves"}, "floating currency",
                "parity, band and reserves with regime managed or peg");
    return c;
  }
  c.parity = map.number("parity", Range{0, kHuge, true, false}, 1.0);
  plausible(map, "parity", c.parity, between(0.2, 5), "countries");
  if (regime == 2) {
    refuse_keys(map, {"band"}, "a peg",
                "band with regime managed (a peg holds the parity exactly)");
  }
  c.band = regime == 2 ? 0.0 : map.number("band", fraction(0, 1), 0.02);
  plausible(map, "band", c.band, fraction(0, 0.3), "countries");
  if (!with_reserves) {
    refuse_keys(map, {"reserves"}, "currency event",
                "regime, parity and band (a central bank keeps the reserves it has)");
    return c;
  }
  c.reserve_months = map.number("reserves", between(0, kHuge), 0.0);
  plausible(map, "reserves", c.reserve_months, between(0, 120), "countries");
  return c;
}

namespace {

// Fills a Scenario from the tree, one section at a time.
class ScenarioReader : public SectionReader {
 public:
  ScenarioReader(const Origins& origins, Scenario& scenario) : SectionReader(origins, scenario) {}

  void read(const YAML::Node& root, const std::string& default_name) {
    MapReader top(origins_, root, scenario_format());
    plausibility_.read(origins_, top.get("allow_implausible"));
    s_.name = top.text("name", default_name);
    s_.seed = top.has("seed") ? read_unsigned(origins_, top.get("seed"), "seed") : s_.seed;
    s_.steps = static_cast<int>(top.integer("steps", 1, kMaxInt, s_.steps));
    // burn_in may exceed steps: a short trial run is then all burn-in.
    s_.burn_in = static_cast<int>(top.integer("burn_in", 0, kMaxInt, s_.burn_in));
    s_.steps_per_year =
        static_cast<int>(top.integer("steps_per_year", 1, kMaxInt, s_.steps_per_year));
    plausible(top, "steps", s_.steps, between(1, 2400), "steps");
    plausible(top, "burn_in", s_.burn_in, between(0, 1200), "burn_in");
    plausible(top, "steps_per_year", s_.steps_per_year, between(1, 365), "steps_per_year");
    read_blocs(top.get("blocs"));
    read_countries(top.get("countries"));
    // Rates are quoted in the reference currency: the US dollar by default, else the first
    // that floats.
    const auto usa = std::find(country_codes_.begin(), country_codes_.end(), "USA");
    const auto floats = std::find_if(
        s_.countries.begin(), s_.countries.end(),
        [](const Country& c) { return c.currency.regime == CurrencyRegime::floating; });
    s_.reference_currency =
        top.has("reference_currency")
            ? lookup(top.get("reference_currency"), "country", country_codes_)
            : (usa != country_codes_.end()    ? int(usa - country_codes_.begin())
               : floats != s_.countries.end() ? int(floats - s_.countries.begin())
                                              : 0);
    if (s_.countries[s_.reference_currency].currency.regime != CurrencyRegime::floating) {
      origins_.fail(top.has("reference_currency") ? top.get("reference_currency") : top.node(),
                    "the reference currency (" + country_codes_[s_.reference_currency] +
                        ") has a managed regime; allowed: a floating reference, since other "
                        "currencies are quoted in it");
    }
    read_regions(top.get("regions"));
    read_sectors(top.get("sectors"));
    for (std::size_t c = 0; c < s_.countries.size(); ++c) {
      s_.countries[c].specialisation = read_specialisation(
          origins_, plausibility_, specialisations_[c], country_codes_[c], sector_names_);
    }
    check_production(origins_, top.get("countries"), s_);
    read_agents(top.get("agents"));
    read_recipe(top.get("recipe"));
    read_tariffs(top.get("tariffs"));
    read_entity_lists(top.get("entity_lists"));
    read_export_bans(top.get("export_bans"));
    read_behaviour(top.get("behaviour"));
    s_.output = read_output(origins_, top.get("output"), s_.steps);
    s_.health = read_health(origins_, top.get("health"));
    s_.retail = read_retail(origins_, top.get("retail"), s_);
    s_.traders = read_traders(origins_, top.get("traders"), s_);
    read_negative_lists(top.get("traders"));
    read_relocation(top.get("relocation"));
    s_.emissions = read_emissions(origins_, plausibility_, top.get("emissions"), sector_names_,
                                  country_codes_);
    read_carbon_markets(top.get("carbon_markets"));
    read_venues(top.get("venues"));
    read_events(top.get("events"));
  }

 private:
  void read_blocs(const YAML::Node& list) {
    read_named(list, "blocs", bloc_names_, [&](const MapReader& item) {
      s_.blocs.push_back({bloc_names_.back(), item.number("tariff_factor", fraction(), 0.0),
                          item.number("regional_value_content", fraction(), 0.0)});
    });
  }

  void read_countries(const YAML::Node& list) {
    read_named(list, "countries", country_codes_, [&](const MapReader& item) {
      Country country{country_codes_.back(), item.text("name", country_codes_.back()), {}, {}, {}};
      for (const auto& node :
           read_list(origins_, item.get("blocs"), "blocs", "a list of bloc names")) {
        int bloc = lookup(node, "bloc", bloc_names_);
        if (std::count(country.blocs.begin(), country.blocs.end(), bloc) > 0) {
          origins_.fail(node, "bloc '" + node.Scalar() + "' is listed twice; allowed: each once");
        }
        country.blocs.push_back(bloc);
      }
      country.currency = read_currency(item);
      country.border_factor = item.number("border_factor", between(0.0, 100.0), 1.0);
      specialisations_.push_back(item.get("specialisation"));  // read once sectors are known
      s_.countries.push_back(country);
    });
    if (s_.countries.empty()) {
      origins_.fail(list, "countries is empty; allowed: a list of at least one country");
    }
  }

  // A country's currency: floating unless managed within a band around a parity, defended
  // with reserves counted in months of imports (the IMF's reserve-adequacy measure).
  Currency read_currency(const MapReader& country) const {
    return read_currency_map(MapReader(origins_, country.get("currency"),
                                       *section_of("countries").find("currency")->items),
                             true);
  }

  void read_regions(const YAML::Node& list) {
    static const std::vector<std::string> flags{"hub", "port", "bonded_zone"};
    read_named(list, "regions", region_names_, [&](const MapReader& item) {
      Region r;
      r.name = region_names_.back();
      r.country = lookup(item.get("country"), "country", country_codes_);
      r.lat = item.number("lat", between(-90, 90));
      r.lon = item.number("lon", between(-180, 180));
      r.population_m = item.number("population", {0, kHuge, true, false});
      r.gdp_musd = item.number("gdp", {0, 1e9, true, false});
      r.productivity = item.number("productivity", {0, kHuge, true, false});
      // A region is at most the world (an aggregate such as ROW): 10 billion people and
      // 200 trillion US$; a productivity 100 times the world mean is a slip.
      plausible(item, "population", r.population_m, between(0.01, 10000), "regions");
      plausible(item, "gdp", r.gdp_musd, between(1, 2e8), "regions");
      plausible(item, "productivity", r.productivity, between(0.01, 100), "regions");
      std::set<int> seen;
      for (const auto& node :
           read_list(origins_, item.get("flags"), "flags", "a list of flags: " + join(flags))) {
        int flag = lookup(node, "flag", flags);
        if (!seen.insert(flag).second) {
          origins_.fail(node, "flag '" + flags[flag] + "' is listed twice; allowed: each once");
        }
        (flag == 0 ? r.hub : flag == 1 ? r.port : r.bonded_zone) = true;
      }
      if (item.has("zone_share") && !r.bonded_zone) {
        origins_.fail(item.get("zone_share"),
                      "zone_share is set but the region has no bonded zone; allowed: "
                      "zone_share with the flag bonded_zone");
      }
      r.zone_share = r.bonded_zone ? item.number("zone_share", fraction(), 1.0) : 0.0;
      // A hub's own trader settings, only with the flag hub.
      auto hub_number = [&](const std::string& key, const Range& range, double& out) {
        if (!item.has(key)) return;
        if (!r.hub) {
          origins_.fail(item.get(key), key + " is set but the region is no hub; allowed: " + key +
                                           " with the flag hub");
        }
        out = item.number(key, range);
      };
      hub_number("trader_presence", Range{0, 100, true, false}, r.trader_presence);
      hub_number("offshore_share", fraction(), r.offshore_share);
      // Any region's own weight of its wholesalers (traders.per_sector), 0 for none.
      if (item.has("wholesale_presence"))
        r.wholesale_presence = item.number("wholesale_presence", Range{0, 100, false, false});
      s_.regions.push_back(r);
    });
    if (s_.regions.empty()) {
      origins_.fail(list, "regions is empty; allowed: a list of at least one region");
    }
    // A country without a region would have no people, firms or government to speak of.
    for (std::size_t c = 0; c < s_.countries.size(); ++c) {
      bool has_region = std::any_of(s_.regions.begin(), s_.regions.end(),
                                    [&](const Region& r) { return r.country == int(c); });
      if (!has_region) {
        origins_.fail(list, "country '" + country_codes_[c] +
                                "' has no region; allowed: every country with at least one region");
      }
    }
  }

  void read_sectors(const YAML::Node& list) {
    static const std::vector<std::string> kinds{"commodity", "intermediate", "final", "service"};
    read_named(list, "sectors", sector_names_, [&](const MapReader& item) {
      Sector sector;
      sector.name = sector_names_.back();
      if (sector.name == "all") {
        origins_.fail(item.get("name"), "sector name 'all' is reserved; allowed: any other name");
      }
      sector.kind = static_cast<SectorKind>(lookup(item.get("kind"), "sector kind", kinds));
      const Range open_ended{0, kHuge, false, false, true};
      sector.transport_cost = item.number("transport_cost", open_ended, sector.transport_cost);
      sector.markup = item.number("markup", open_ended, sector.markup);
      sector.switching_cost = item.number("switching_cost", fraction(), sector.switching_cost);
      sector.value_added_share =
          item.number("value_added_share", open_ended, sector.value_added_share);
      sector.consumer_share = item.number("consumer_share", fraction(), 0.0);
      sector.digital = item.flag("digital", false);
      sector.border_cost = item.number("border_cost", open_ended, sector.border_cost);
      // Above 0: prices that never answer their market are full-cost pricing, the behaviour's
      // price_adjust 0 for every sector, not one sector's market.
      sector.price_adjust =
          item.number("price_adjust", Range{0, 1, true, false, true}, sector.price_adjust);
      plausible(item, "transport_cost", sector.transport_cost, fraction(), "sectors");
      plausible(item, "markup", sector.markup, fraction(), "sectors");
      plausible(item, "switching_cost", sector.switching_cost, fraction(0, 0.5), "sectors");
      // A weight: ratios beyond 100 between sectors are not an economy's.
      plausible(item, "value_added_share", sector.value_added_share, between(0, 100), "sectors");
      // Up to 5: a sector that aggregates services no one trades (docs/scenario.md).
      plausible(item, "border_cost", sector.border_cost, fraction(0, 5), "sectors");
      // From the stickiest customer market to an auction market's monthly swings
      // (docs/scenario.md).
      plausible(item, "price_adjust", sector.price_adjust, fraction(0.01, 0.5), "sectors");
      if (sector.digital && sector.kind != SectorKind::service) {
        origins_.fail(item.get("digital"), "sector '" + sector.name + "' is digital but of kind " +
                                               kinds[static_cast<int>(sector.kind)] +
                                               "; allowed: digital: true only for services");
      }
      s_.sectors.push_back(sector);
    });
    if (s_.sectors.empty()) {
      origins_.fail(list, "sectors is empty; allowed: a list of at least one sector");
    }
    double consumer_total = 0.0, value_added_total = 0.0;
    for (const auto& sector : s_.sectors) {
      consumer_total += sector.consumer_share;
      value_added_total += sector.value_added_share;
    }
    if (std::fabs(consumer_total - 1.0) > kShareTolerance) {
      origins_.fail(list, "consumer_share sums to " + format_number(consumer_total) +
                              " over sectors; allowed: shares that sum to 1 (within 1e-6)");
    }
    if (value_added_total <= 0.0) {
      origins_.fail(list,
                    "value_added_share is 0 for every sector; allowed: weights >= 0, at least "
                    "one > 0 (they are normalised to sum to 1)");
    }
    // Weights as written; shares of world value added as stored.
    for (auto& sector : s_.sectors) sector.value_added_share /= value_added_total;
  }

  void read_agents(const YAML::Node& node) {
    MapReader agents(origins_, node, section_of("agents"));
    const std::int64_t regions = static_cast<std::int64_t>(s_.regions.size());
    const std::int64_t blocks = regions * static_cast<std::int64_t>(s_.sectors.size());
    // One consumer per region and one firm per (region, sector) block at the least, so that
    // the synthetic population can give every market a participant.
    s_.consumers = agents.integer("consumers", regions, kMaxCount, s_.consumers);
    s_.firms = agents.integer("firms", blocks, kMaxCount, s_.firms);
    if (s_.firms > kMaxSellers) {
      origins_.fail(agents.get("firms"), "firms is " + std::to_string(s_.firms) +
                                             ", more than 32-bit firm ids number; allowed: a "
                                             "whole number in [" +
                                             std::to_string(blocks) + ", " +
                                             std::to_string(kMaxSellers) + "]");
    }
    // More households than the world has people, or firms than households, is a slip.
    plausible(agents, "consumers", static_cast<double>(s_.consumers), between(0, 1e10), "agents");
    plausible(agents, "firms", static_cast<double>(s_.firms), between(0, 1e9), "agents");
  }

  void read_recipe(const YAML::Node& node) {
    const std::string allowed = "a map of input sector -> {output sector: amount}";
    if (!node.IsDefined() || node.IsNull()) return;
    if (!node.IsMap()) origins_.fail(node, "recipe is " + describe(node) + "; allowed: " + allowed);
    std::map<int, std::vector<std::pair<int, YAML::Node>>> inputs_of;  // output -> inputs
    std::set<int> seen_inputs;
    for (auto row = node.begin(); row != node.end(); ++row) {
      int input = lookup(row->first, "sector", sector_names_);
      if (!seen_inputs.insert(input).second) {
        origins_.fail(row->first, "duplicate key '" + row->first.Scalar() +
                                      "' in recipe; allowed: each input sector once");
      }
      if (row->second.IsNull()) continue;
      if (!row->second.IsMap()) {
        origins_.fail(row->second, "recipe of input '" + row->first.Scalar() + "' is " +
                                       describe(row->second) + "; allowed: " + allowed);
      }
      std::set<int> seen_outputs;
      for (auto cell = row->second.begin(); cell != row->second.end(); ++cell) {
        int output = lookup(cell->first, "sector", sector_names_);
        if (!seen_outputs.insert(output).second) {
          origins_.fail(cell->first, "duplicate key '" + cell->first.Scalar() + "' in recipe of '" +
                                         row->first.Scalar() +
                                         "'; allowed: each output sector once");
        }
        const std::string what =
            "recipe amount of " + sector_names_[input] + " per unit of " + sector_names_[output];
        double amount = read_number(origins_, cell->second, what, between(0, kHuge));
        // Units of input per unit of output: input-output coefficients stay well below 5.
        plausibility_.check(origins_, cell->second, what, amount, between(0, 5), "recipe");
        if (amount == 0.0) continue;  // 0 switches an input off (useful with --set)
        s_.recipe.push_back({input, output, amount});
        auto& inputs = inputs_of[output];
        inputs.emplace_back(input, cell->second);
        if (static_cast<int>(inputs.size()) > kInputSlots) {
          std::vector<std::string> names;
          YAML::Node blamed = cell->second;  // a --set that added an input, if there is one
          for (const auto& [in, at] : inputs) {
            names.push_back(sector_names_[in]);
            if (origins_.position(at).line == 0) blamed.reset(at);
          }
          origins_.fail(blamed, "sector '" + sector_names_[output] + "' has " +
                                    std::to_string(inputs.size()) + " inputs (" + join(names) +
                                    "); allowed: at most " + std::to_string(kInputSlots) +
                                    " inputs per sector, one per input slot of a firm");
        }
      }
    }
    std::sort(s_.recipe.begin(), s_.recipe.end(), [](const RecipeEntry& a, const RecipeEntry& b) {
      return a.output != b.output ? a.output < b.output : a.input < b.input;
    });
  }

  void read_tariffs(const YAML::Node& node) {
    MapReader tariffs(origins_, node, section_of("tariffs"));
    const Section& mfn = *section_of("tariffs").find("mfn")->items;
    const Section& bilateral = *section_of("tariffs").find("bilateral")->items;
    for (const auto& item_node :
         read_list(origins_, tariffs.get("mfn"), "mfn", "a list of {importer, sectors, rate}")) {
      MapReader item(origins_, item_node, mfn);
      TariffRule rule;
      rule.importer = lookup(item.get("importer"), "country", country_codes_);
      rule.sectors = sector_list(item);
      rule.rate = tariff_rate(item, "tariffs");
      s_.mfn.push_back(rule);
    }
    for (const auto& item_node : read_list(origins_, tariffs.get("bilateral"), "bilateral",
                                           "a list of {importer, exporter, sectors, rate}")) {
      MapReader item(origins_, item_node, bilateral);
      TariffRule rule;
      rule.importer = lookup(item.get("importer"), "country", country_codes_);
      rule.exporter = lookup(item.get("exporter"), "country", country_codes_);
      check_distinct(item, rule.importer, rule.exporter);
      rule.sectors = sector_list(item);
      rule.rate = tariff_rate(item, "tariffs");
      s_.bilateral.push_back(rule);
    }
  }

  // traders.negative_list: {hub region: [goods sectors]}, the sectors closed to its foreign
  // traders.
  void read_negative_lists(const YAML::Node& traders) {
    if (!traders.IsDefined() || !traders.IsMap() || !traders["negative_list"].IsDefined()) return;
    const YAML::Node lists = traders["negative_list"];
    if (!lists.IsMap()) {
      origins_.fail(lists, "negative_list is not a map; allowed: {hub region: [goods sectors]}");
    }
    s_.traders.negative_list.assign(s_.regions.size(), {});
    for (const auto& entry : lists) {
      const int r = lookup(entry.first, "region", region_names_);
      if (!s_.regions[static_cast<std::size_t>(r)].hub) {
        origins_.fail(entry.first, "region '" + entry.first.Scalar() +
                                       "' has a negative list but is no hub; allowed: regions "
                                       "flagged hub");
      }
      s_.traders.negative_list[static_cast<std::size_t>(r)] = negative_list_of(entry.second);
    }
  }

  void read_behaviour(const YAML::Node& node) {
    MapReader behaviour(origins_, node, section_of("behaviour"));
    Behaviour& b = s_.behaviour;
    for (const auto& p : real_parameters()) {
      b.*p.member = behaviour.number(p.key, p.range, b.*p.member);
      plausible(behaviour, p.key, b.*p.member, p.plausible, "behaviour");
    }
    for (const auto& p : whole_parameters()) {
      b.*p.member = static_cast<int>(behaviour.integer(p.key, p.lo, p.hi, b.*p.member));
      plausible(behaviour, p.key, b.*p.member,
                between(static_cast<double>(p.lo), static_cast<double>(p.plausible_hi)),
                "behaviour");
    }
  }

  std::vector<YAML::Node> specialisations_;  // per country, as written
};

}  // namespace

Scenario read_scenario(const YAML::Node& root, const Origins& origins,
                       const std::string& default_name) {
  Scenario scenario;
  ScenarioReader(origins, scenario).read(root, default_name);
  return scenario;
}

}  // namespace entrepot::yaml