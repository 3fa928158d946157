// The `emissions` section: kg CO2 per US$ of output by sector, and each country's factor on
// them (docs/scenario.md, docs/model.md §4.16).
#include <string>
#include <vector>

#include "world/yaml_reader.h"

namespace entrepot::yaml {

EmissionSettings read_emissions(const Origins& origins, const Plausibility& plausibility,
                                const YAML::Node& node, const std::vector<std::string>& sectors,
                                const std::vector<std::string>& countries) {
  MapReader section(origins, node, *scenario_format().find("emissions")->items);
  EmissionSettings e;
  // Direct CO2 of the most carbon-intensive output, coal-fired power and cement, is about
  // 3–8 kg per US$ (docs/calibration.md, "Emissions").
  e.sector = read_name_map(origins, plausibility, section.get("sectors"),
                           NameMap{"emissions.sectors", "sector", "a map of sector -> number ≥ 0",
                                   " of ", 0.0, between(0, 10), "emissions"},
                           sectors);
  e.country =
      read_name_map(origins, plausibility, section.get("countries"),
                    NameMap{"emissions.countries", "country", "a map of country -> number ≥ 0",
                            " of ", 1.0, between(0, 10), "emissions"},
                    countries);
  if (!e.on() && section.has("countries")) {
    origins.fail(section.get("countries"),
                 "emissions.countries is given but no sector emits; allowed: a factor only "
                 "with emissions.sectors > 0 in at least one sector");
  }
  return e;
}

}  // namespace entrepot::yaml
