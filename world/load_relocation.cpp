// Firms that move between regions (`relocation`): which sectors' firms may move, on what
// terms, and the subsidies governments pay for moves into their regions; the keys each allows
// are in world/scenario_format.cpp.
#include <algorithm>
#include <string>
#include <vector>

#include "world/yaml_reader.h"

namespace entrepot::yaml {

std::vector<int> SectionReader::country_list(const MapReader& map, const std::string& key) const {
  if (!map.has(key)) return {};
  const YAML::Node node = map.get(key);
  const std::string allowed = "a list of country codes (left out: every country)";
  if (node.IsScalar()) return {lookup(node, "country", country_codes_)};
  const std::vector<YAML::Node> items = read_list(origins_, node, key, allowed);
  // An empty list would subsidise moves from nowhere: more likely a slip than a policy.
  if (items.empty()) origins_.fail(node, key + " is an empty list; allowed: " + allowed);
  std::vector<int> out;
  for (const auto& item : items) {
    const int country = lookup(item, "country", country_codes_);
    if (std::find(out.begin(), out.end(), country) != out.end()) {
      origins_.fail(item, "country '" + item.Scalar() + "' is listed twice; allowed: each once");
    }
    out.push_back(country);
  }
  std::sort(out.begin(), out.end());
  return out;
}

void SectionReader::read_relocation(const YAML::Node& node) {
  const Section& section = *scenario_format().find("relocation")->items;
  MapReader relocation(origins_, node, section);
  RelocationSettings& r = s_.relocation;
  // Free sites per block as a share of its firms: with none, no firm can move in.
  r.reserve = relocation.number("reserve", fraction(), r.reserve);
  r.review = relocation.number("review", fraction(), r.review);
  r.cost = relocation.number("cost", between(0, kHuge), r.cost);
  // Above 0: a move pays back over a horizon, and none pays back over no time at all.
  r.horizon_years =
      relocation.number("horizon_years", Range{0, kHuge, true, false}, r.horizon_years);
  if (relocation.has("sectors")) r.sectors = sector_list(relocation);
  const Section& subsidy = *section.find("subsidies")->items;
  for (const auto& item_node : read_list(origins_, relocation.get("subsidies"), "subsidies",
                                         "a list of {country, from, sectors, share}")) {
    MapReader item(origins_, item_node, subsidy);
    RelocationSubsidy g;
    g.country = lookup(item.get("country"), "country", country_codes_);
    g.from = country_list(item, "from");
    if (item.has("sectors")) g.sectors = sector_list(item);
    g.share = item.number("share", fraction());
    r.subsidies.push_back(g);
  }
}

}  // namespace entrepot::yaml
