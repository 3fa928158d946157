// Export controls: entity lists (named sets of firms) and export bans, on countries' trade
// in some sectors or on the firms of an entity list.
#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "base/limits.h"
#include "world/yaml_reader.h"

namespace entrepot::yaml {

void SectionReader::read_entity_lists(const YAML::Node& list) {
  read_named(list, "entity_lists", entity_names_, [&](const MapReader& item) {
    EntityList e;
    e.name = entity_names_.back();
    if (static_cast<int>(entity_names_.size()) > kMaxEntityLists) {
      origins_.fail(item.node(), "entity list '" + e.name + "' is list " +
                                     std::to_string(entity_names_.size()) + "; allowed: at most " +
                                     std::to_string(kMaxEntityLists) + " entity lists");
    }
    const std::string allowed = "a list of region names";
    for (const auto& node : read_list(origins_, item.get("regions"), "regions", allowed)) {
      const int region = lookup(node, "region", region_names_);
      if (std::count(e.regions.begin(), e.regions.end(), region) > 0) {
        origins_.fail(node, "region '" + node.Scalar() + "' is listed twice; allowed: each once");
      }
      e.regions.push_back(region);
    }
    std::sort(e.regions.begin(), e.regions.end());
    if (item.has("sectors") && e.regions.empty()) {
      origins_.fail(item.get("sectors"), "entity list '" + e.name +
                                             "' has sectors but no regions; allowed: regions "
                                             "and sectors together, whose firms share selects");
    }
    e.sectors = sector_list(item);
    e.share = item.number("share", fraction(), 0.0);
    if (item.has("share") && e.regions.empty()) {
      origins_.fail(item.get("share"), "entity list '" + e.name +
                                           "' has a share but no regions; allowed: the share of "
                                           "the firms of its regions × sectors, in [0, 1]");
    }
    const std::int64_t last = s_.firms - 1;
    for (const auto& node : read_list(origins_, item.get("firms"), "firms", "a list of firm ids")) {
      const std::int64_t id = read_integer(origins_, node, "firm id", 0, last);
      if (std::count(e.firms.begin(), e.firms.end(), id) > 0) {
        origins_.fail(node, "firm " + node.Scalar() + " is listed twice; allowed: each once");
      }
      e.firms.push_back(id);
    }
    std::sort(e.firms.begin(), e.firms.end());
    if (e.regions.empty() && e.firms.empty()) {
      origins_.fail(item.node(), "entity list '" + e.name +
                                     "' names no firm; allowed: regions (with sectors and a "
                                     "share) or firms (ids, 0 to " +
                                     std::to_string(last) + "), or both");
    }
    s_.entity_lists.push_back(e);
  });
}

int SectionReader::entity_list_of(const YAML::Node& node) const {
  return lookup(node, "entity list", entity_names_);
}

void SectionReader::read_export_bans(const YAML::Node& list) {
  const Section& section = *scenario_format().find("export_bans")->items;
  for (const auto& node : read_list(origins_, list, "export_bans",
                                    "a list of {exporter, importer, sectors, entities}")) {
    MapReader item(origins_, node, section);
    ExportBan ban;
    ban.exporter = lookup(item.get("exporter"), "country", country_codes_);
    if (item.has("entities")) {
      // The list's firms are the buyers, wherever they are.
      refuse_keys(item, {"importer"}, "export ban with entities",
                  "exporter, sectors, entities (the list says who the buyers are)");
      ban.entities = entity_list_of(item.get("entities"));
    }
    ban.importer = country_or_all(item, "importer");
    check_distinct(item, ban.importer, ban.exporter);
    ban.sectors = sector_list(item);
    s_.export_bans.push_back(ban);
  }
}

}  // namespace entrepot::yaml
