// Maps of names to numbers as the scenario writes them (a country's specialisation, the
// emissions section), and comparative advantage: each country's production structure
// relative to the world's, with 0 for a resource (or a sector) the country does not have.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "world/yaml_reader.h"

namespace entrepot::yaml {

std::vector<double> read_name_map(const Origins& origins, const Plausibility& plausibility,
                                  const YAML::Node& node, const NameMap& map,
                                  const std::vector<std::string>& names) {
  std::vector<double> value(names.size(), map.fallback);
  if (!node.IsDefined() || node.IsNull()) return value;
  if (!node.IsMap()) {
    origins.fail(node, map.where + " is " + describe(node) + "; allowed: " + map.allowed);
  }
  std::map<std::string, std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string name = read_text(origins, it->first, map.kind);
    const auto found = std::find(names.begin(), names.end(), name);
    if (found == names.end()) origins.fail(it->first, unknown_message(map.kind, name, "", names));
    if (!seen.emplace(name, origins.locate(it->first)).second) {
      origins.fail(it->first, "duplicate key '" + name + "' in " + map.where + " (first at " +
                                  seen[name] + "); allowed: each " + map.kind + " once");
    }
    const std::string what = map.where + map.joiner + name;
    const double v = read_number(origins, it->second, what, between(0, 1e6));
    plausibility.check(origins, it->second, what, v, map.plausible, map.group);
    value[static_cast<std::size_t>(found - names.begin())] = v;
  }
  return value;
}

std::vector<double> read_specialisation(const Origins& origins, const Plausibility& plausibility,
                                        const YAML::Node& node, const std::string& country,
                                        const std::vector<std::string>& sector_names) {
  // A country's sector share of value added up to 200 times the world's: Chile's lithium
  // is about 90 times (docs/calibration.md).
  return read_name_map(origins, plausibility, node,
                       NameMap{"specialisation of country '" + country + "'", "sector",
                               "a map of sector -> factor (1: the world's mix)", " in ", 1.0,
                               between(0, 200), "countries"},
                       sector_names);
}

void check_production(const Origins& origins, const YAML::Node& countries, const Scenario& s) {
  const std::size_t ns = s.sectors.size();
  std::vector<bool> produced(ns, false), has_region(s.countries.size(), false);
  for (const Region& region : s.regions) {
    has_region[static_cast<std::size_t>(region.country)] = true;
    const Country& country = s.countries[static_cast<std::size_t>(region.country)];
    for (std::size_t k = 0; k < ns; ++k) {
      produced[k] = produced[k] || (country.specialisation_in(static_cast<int>(k)) > 0.0 &&
                                    s.sectors[k].value_added_share > 0.0);
    }
  }
  for (std::size_t c = 0; c < s.countries.size(); ++c) {
    double total = 0.0;
    for (std::size_t k = 0; k < ns; ++k) {
      total +=
          s.countries[c].specialisation_in(static_cast<int>(k)) * s.sectors[k].value_added_share;
    }
    if (has_region[c] && total <= 0.0) {
      origins.fail(countries, "country '" + s.countries[c].code +
                                  "' produces nothing: its specialisation is 0 in every sector "
                                  "with value added; allowed: a factor > 0 in at least one");
    }
  }
  for (std::size_t k = 0; k < ns; ++k) {
    if (!produced[k] && s.sectors[k].value_added_share > 0.0) {
      origins.fail(countries, "sector '" + s.sectors[k].name +
                                  "' is produced nowhere: every country with regions has "
                                  "specialisation 0 in it; allowed: a factor > 0 in at least "
                                  "one country");
    }
  }
}

}  // namespace entrepot::yaml
