// Comparative advantage as the scenario writes it: each country's production structure
// relative to the world's, with 0 for a resource (or a sector) the country does not have.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "world/yaml_reader.h"

namespace entrepot::yaml {

std::vector<double> read_specialisation(const Origins& origins, const Plausibility& plausibility,
                                        const YAML::Node& node, const std::string& country,
                                        const std::vector<std::string>& sector_names) {
  std::vector<double> factor(sector_names.size(), 1.0);
  if (!node.IsDefined() || node.IsNull()) return factor;
  const std::string where = "specialisation of country '" + country + "'";
  if (!node.IsMap()) {
    origins.fail(node, where + " is " + describe(node) +
                           "; allowed: a map of sector -> factor (1: the world's mix)");
  }
  std::map<std::string, std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string name = read_text(origins, it->first, "sector");
    const auto found = std::find(sector_names.begin(), sector_names.end(), name);
    if (found == sector_names.end()) {
      origins.fail(it->first, unknown_message("sector", name, "", sector_names));
    }
    if (!seen.emplace(name, origins.locate(it->first)).second) {
      origins.fail(it->first, "duplicate key '" + name + "' in " + where + " (first at " +
                                  seen[name] + "); allowed: each sector once");
    }
    const std::string what = where + " in " + name;
    const double value = read_number(origins, it->second, what, between(0, 1e6));
    // A country's sector share of value added up to 200 times the world's: Chile's lithium
    // is about 90 times (docs/calibration.md).
    plausibility.check(origins, it->second, what, value, between(0, 200), "countries");
    factor[static_cast<std::size_t>(found - sector_names.begin())] = value;
  }
  return factor;
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
