// Commodity exchanges (`venues`): each venue's region, the commodities it clears, the
// countries whose traders may join it and its fee (docs/scenario.md, docs/model.md §4.18);
// the keys each allows are in world/scenario_format.cpp.
#include <algorithm>
#include <string>
#include <vector>

#include "world/yaml_reader.h"

namespace entrepot::yaml {

void SectionReader::read_members(const YAML::Node& node, const std::string& venue, bool& open,
                                 std::vector<int>& members) const {
  const std::string allowed = "a list of country codes, each once, or all";
  open = false;
  members.clear();
  if (node.IsScalar() && node.Scalar() == "all") {
    open = true;
    return;
  }
  const std::vector<YAML::Node> items = read_list(origins_, node, "members", allowed);
  // A venue no one may join would clear nothing: more likely a slip than a policy.
  if (items.empty()) {
    origins_.fail(node, "members is an empty list: no country's traders could join " + venue +
                            "; allowed: " + allowed);
  }
  for (const auto& item : items) {
    if (item.IsScalar() && item.Scalar() == "all") {
      if (items.size() > 1) {
        origins_.fail(item, "'all' is listed with other countries; allowed: " + allowed);
      }
      open = true;
      members.clear();
      return;
    }
    const int country = lookup(item, "country", country_codes_);
    if (std::find(members.begin(), members.end(), country) != members.end()) {
      origins_.fail(item, "country '" + item.Scalar() + "' is listed twice; allowed: " + allowed);
    }
    members.push_back(country);
  }
  std::sort(members.begin(), members.end());
}

void SectionReader::read_venues(const YAML::Node& list) {
  // Members are traders: without them a venue would have no one to clear for.
  if (list.IsSequence() && list.size() > 0 && !s_.traders.on()) {
    origins_.fail(list,
                  "venues' members are traders, and the scenario has none; allowed: venues with "
                  "a traders: section (per_sector, hub_per_sector or foreign_per_sector above 0)");
  }
  std::vector<std::string> commodities;
  for (std::size_t s = 0; s < s_.sectors.size(); ++s) {
    if (s_.sectors[s].kind == SectorKind::commodity) commodities.push_back(sector_names_[s]);
  }
  const std::string allowed_sectors = commodities.empty()
                                          ? "commodity sectors (the scenario has none)"
                                          : "commodity sectors: " + join(commodities);
  read_named(list, "venues", venue_names_, [&](const MapReader& item) {
    Venue v;
    v.name = venue_names_.back();
    const std::string label = "venue '" + v.name + "'";
    v.region = lookup(item.get("region"), "region", region_names_);

    // An exchange clears commodities: standard grades, which a call auction can pool.
    v.sectors = sector_list(item);  // sorted, each once
    const YAML::Node sectors = item.get("sectors");
    for (int s : v.sectors) {
      const Sector& sector = s_.sectors[static_cast<std::size_t>(s)];
      if (sector.kind == SectorKind::commodity) continue;
      // At the name as written; at the whole list for `all`.
      YAML::Node at = sectors;
      for (std::size_t k = 0; sectors.IsSequence() && k < sectors.size(); ++k) {
        if (sectors[k].IsScalar() && sectors[k].Scalar() == sector.name) at.reset(sectors[k]);
      }
      static const char* const kinds[] = {"commodity", "intermediate", "final", "service"};
      origins_.fail(at, label + " trades sector '" + sector.name + "', of kind " +
                            kinds[static_cast<int>(sector.kind)] + "; allowed: " + allowed_sectors);
    }

    // Left out: every country's traders may join.
    if (item.has("members")) {
      read_members(item.get("members"), label, v.open, v.members);
    } else {
      v.open = true;
    }
    // Per trade, as a fraction of its value: exchanges charge basis points, and a fee of
    // 1% or more would exceed what a trader earns on the spread.
    v.fee = item.number("fee", Range{0, 1, false, true, true}, v.fee);
    plausible(item, "fee", v.fee, fraction(0, 0.01), "venues");
    // An order as large as the book's last volume moves the price by half of `impact`; above
    // 0.5 that is a quarter of the price, more than any exchange's daily limit.
    v.impact = item.number("impact", fraction(), v.impact);
    plausible(item, "impact", v.impact, fraction(0, 0.5), "venues");
    s_.venues.push_back(v);
  });
}

}  // namespace entrepot::yaml
