// Emissions trading systems (`carbon_markets`): each market's country, regions and covered
// sectors, its cap and how it falls, and the firms' room to abate (docs/scenario.md,
// docs/model.md §4.17); the keys each allows are in world/scenario_format.cpp.
#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "world/yaml_reader.h"

namespace entrepot::yaml {

void SectionReader::read_carbon_markets(const YAML::Node& list) {
  std::vector<std::string> names;
  // (region, sector) -> the market that covers it: a firm answers to one system only.
  std::map<std::pair<int, int>, int> covered_by;
  read_named(list, "carbon_markets", names, [&](const MapReader& item) {
    CarbonMarket m;
    m.name = names.back();
    const std::string label = "carbon market '" + m.name + "'";
    m.country = lookup(item.get("country"), "country", country_codes_);
    const std::string& code = country_codes_[static_cast<std::size_t>(m.country)];
    std::vector<int> own;  // the country's regions, in file order
    std::vector<std::string> own_names;
    for (std::size_t r = 0; r < s_.regions.size(); ++r) {
      if (s_.regions[r].country != m.country) continue;
      own.push_back(static_cast<int>(r));
      own_names.push_back(region_names_[r]);
    }

    // Regions: some of the country's, each once; none written: all of them.
    const std::string allowed_regions =
        "a list of regions of " + code + ": " + join(own_names) + " (left out: all of them)";
    const std::vector<YAML::Node> regions =
        read_list(origins_, item.get("regions"), "regions", allowed_regions);
    for (const auto& node : regions) {
      const int region = lookup(node, "region", region_names_);
      const int country = s_.regions[static_cast<std::size_t>(region)].country;
      if (country != m.country) {
        origins_.fail(node, "region '" + node.Scalar() + "' is in " +
                                country_codes_[static_cast<std::size_t>(country)] + ", not in " +
                                code + ", the country of " + label +
                                "; allowed: " + allowed_regions);
      }
      if (std::find(m.regions.begin(), m.regions.end(), region) != m.regions.end()) {
        origins_.fail(node, "region '" + node.Scalar() + "' is listed twice; allowed: each once");
      }
      m.regions.push_back(region);
    }
    if (m.regions.empty()) m.regions = own;
    std::sort(m.regions.begin(), m.regions.end());
    m.sectors = sector_list(item);  // sorted

    // The cap is a share of the covered firms' set-up emissions: above 1.5 it binds no one
    // short of a boom, below 0.3 it cuts more than two thirds of them from its first step.
    m.cap = item.number("cap", Range{0, 10, true, false, true});
    plausible(item, "cap", m.cap, between(0.3, 1.5), "carbon_markets");
    // The EU's linear reduction factor is 2.2% a year, 4.3% from 2024.
    m.cap_decline = item.number("cap_decline", fraction(), m.cap_decline);
    plausible(item, "cap_decline", m.cap_decline, fraction(0, 0.1), "carbon_markets");
    m.free_share = item.number("free_share", fraction(), m.free_share);
    // Per tonne of CO2: a reserve price above 200 is above any carbon price in force, and
    // past a slope of 2000, cutting half a unit's emissions costs more at the margin than
    // capturing the CO2 from the air.
    m.floor = item.number("floor", between(0, kHuge), m.floor);
    plausible(item, "floor", m.floor, between(0, 200), "carbon_markets");
    m.auction_reserve = item.number("auction_reserve", fraction(), m.auction_reserve);
    plausible(item, "auction_reserve", m.auction_reserve, fraction(0.5, 1), "carbon_markets");
    m.abatement_slope = item.number("abatement_slope", between(0, kHuge), m.abatement_slope);
    plausible(item, "abatement_slope", m.abatement_slope, between(0, 2000), "carbon_markets");
    // Below 1: output that emits nothing would need no allowances at all.
    m.abatement_max = item.number("abatement_max", Range{0, 1, false, true, true}, m.abatement_max);
    plausible(item, "abatement_max", m.abatement_max, fraction(0, 0.9), "carbon_markets");
    m.start = static_cast<int>(item.integer("start", 1, s_.steps, m.start));

    // Abatement needs both a cost and room: one without the other is a slip.
    if (m.abatement_slope > 0.0 && m.abatement_max <= 0.0) {
      origins_.fail(item.get("abatement_slope"),
                    label +
                        " has an abatement_slope but abatement_max is 0: no firm could "
                        "abate; allowed: abatement_slope and abatement_max both above 0 "
                        "(abatement), or both 0 (none)");
    }
    if (m.abatement_max > 0.0 && m.abatement_slope <= 0.0) {
      origins_.fail(item.get("abatement_max"),
                    label +
                        " has an abatement_max but abatement_slope is 0: abating would "
                        "cost nothing; allowed: abatement_slope and abatement_max both "
                        "above 0 (abatement), or both 0 (none)");
    }

    // Some covered firm must emit, or the cap is a share of nothing.
    const EmissionSettings& e = s_.emissions;
    if (!e.on()) {
      origins_.fail(item.node(), label +
                                     " covers firms that emit nothing: no sector emits in the "
                                     "scenario's emissions section; allowed: a market with "
                                     "emissions.sectors above 0 in at least one of its sectors");
    }
    std::vector<std::string> emitting;
    for (std::size_t s = 0; s < e.sector.size(); ++s) {
      if (e.sector[s] > 0.0) emitting.push_back(sector_names_[s]);
    }
    const bool emits = std::any_of(m.sectors.begin(), m.sectors.end(), [&](int s) {
      return e.sector[static_cast<std::size_t>(s)] > 0.0;
    });
    if (!emits) {
      origins_.fail(item.get("sectors"),
                    label +
                        " covers sectors that emit nothing (emissions.sectors is 0 in "
                        "each); allowed: sectors among which at least one emits: " +
                        join(emitting));
    }
    if (!(e.country[static_cast<std::size_t>(m.country)] > 0.0)) {
      origins_.fail(item.get("country"), label + " is in " + code +
                                             ", whose emissions.countries factor is 0: its "
                                             "firms emit nothing; allowed: a country whose "
                                             "factor is above 0");
    }

    // Each (region, sector) in one market at most.
    const int index = static_cast<int>(s_.carbon_markets.size());
    for (int region : m.regions) {
      for (int sector : m.sectors) {
        const auto [it, fresh] = covered_by.emplace(std::make_pair(region, sector), index);
        if (fresh) continue;
        // At the region as written; at the country where its regions are all of them.
        YAML::Node at = item.get("country");
        for (const auto& node : regions) {
          if (node.Scalar() == region_names_[static_cast<std::size_t>(region)]) at.reset(node);
        }
        origins_.fail(at, label + " covers sector '" +
                              sector_names_[static_cast<std::size_t>(sector)] + "' in region '" +
                              region_names_[static_cast<std::size_t>(region)] +
                              "', already covered by carbon market '" +
                              s_.carbon_markets[static_cast<std::size_t>(it->second)].name +
                              "'; allowed: each region's sector in one market at most");
      }
    }
    s_.carbon_markets.push_back(m);
  });
}

}  // namespace entrepot::yaml
