// The `emissions` section: kg CO2 per US$ of output by sector, and each country's factor on
// them (docs/scenario.md, docs/model.md §4.16).
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "world/yaml_reader.h"

namespace entrepot::yaml {
namespace {

// A map name -> number ≥ 0 over `names` (sectors or country codes), `fallback` where silent.
std::vector<double> read_by_name(const Origins& origins, const Plausibility& plausibility,
                                 const YAML::Node& node, const std::string& where,
                                 const std::string& kind, const std::vector<std::string>& names,
                                 double fallback, const Range& plausible) {
  std::vector<double> value(names.size(), fallback);
  if (!node.IsDefined() || node.IsNull()) return value;
  if (!node.IsMap()) {
    origins.fail(
        node, where + " is " + describe(node) + "; allowed: a map of " + kind + " -> number ≥ 0");
  }
  std::map<std::string, std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string name = read_text(origins, it->first, kind);
    const auto found = std::find(names.begin(), names.end(), name);
    if (found == names.end()) origins.fail(it->first, unknown_message(kind, name, "", names));
    if (!seen.emplace(name, origins.locate(it->first)).second) {
      origins.fail(it->first, "duplicate key '" + name + "' in " + where + " (first at " +
                                  seen[name] + "); allowed: each " + kind + " once");
    }
    const std::string what = where + " of " + name;
    const double v = read_number(origins, it->second, what, between(0, 1e6));
    plausibility.check(origins, it->second, what, v, plausible, "emissions");
    value[static_cast<std::size_t>(found - names.begin())] = v;
  }
  return value;
}

}  // namespace

EmissionSettings read_emissions(const Origins& origins, const Plausibility& plausibility,
                                const YAML::Node& node, const std::vector<std::string>& sectors,
                                const std::vector<std::string>& countries) {
  MapReader section(origins, node, *scenario_format().find("emissions")->items);
  EmissionSettings e;
  // Direct CO2 of the most carbon-intensive output, coal-fired power and cement, is about
  // 3–8 kg per US$ (docs/calibration.md, "Emissions").
  e.sector = read_by_name(origins, plausibility, section.get("sectors"), "emissions.sectors",
                          "sector", sectors, 0.0, between(0, 10));
  e.country = read_by_name(origins, plausibility, section.get("countries"), "emissions.countries",
                           "country", countries, 1.0, between(0, 10));
  if (!e.on() && section.has("countries")) {
    origins.fail(section.get("countries"),
                 "emissions.countries is given but no sector emits; allowed: a factor only "
                 "with emissions.sectors > 0 in at least one sector");
  }
  return e;
}

}  // namespace entrepot::yaml
