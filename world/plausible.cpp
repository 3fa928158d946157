// Plausible ranges: values inside the hard limits that are still unlikely to be meant (a
// 2500% tariff, a markup of 15) are refused unless the scenario accepts them on purpose.
#include <algorithm>

#include "world/yaml_reader.h"

namespace entrepot::yaml {

const std::vector<std::string>& Plausibility::groups() {
  static const std::vector<std::string> names{
      "steps",     "burn_in", "steps_per_year", "agents",         "countries",
      "blocs",     "regions", "sectors",        "recipe",         "tariffs",
      "behaviour", "events",  "emissions",      "carbon_markets", "venues"};
  return names;
}

void Plausibility::read(const Origins& origins, const YAML::Node& list) {
  const std::string allowed = "a list of " + join(groups());
  for (const auto& node : read_list(origins, list, "allow_implausible", allowed)) {
    const std::string group = read_text(origins, node, "allow_implausible item");
    if (std::find(groups().begin(), groups().end(), group) == groups().end()) {
      origins.fail(node, unknown_message("allow_implausible item", group, "", groups()));
    }
    allowed_.push_back(group);
  }
}

void Plausibility::check(const Origins& origins, const YAML::Node& node, const std::string& what,
                         double value, const Range& range, const std::string& group) const {
  if (range.contains(value)) return;
  if (std::find(allowed_.begin(), allowed_.end(), group) != allowed_.end()) return;
  const std::string written = node.IsScalar() ? node.Scalar() : describe(node);
  origins.fail(node, what + " is " + written + ", outside its plausible range" +
                         range.percent_hint(what, value) + "; allowed: " + range.describe() +
                         ", or on purpose with 'allow_implausible: [" + group +
                         "]' in the scenario (--set allow_implausible=[" + group + "])");
}

}  // namespace entrepot::yaml
