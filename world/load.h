// Reading a scenario: YAML text → validated Scenario, or a ConfigError that says
// `file:line:col: what is wrong; what is allowed`.
#pragma once

#include <string>
#include <vector>

#include "world/scenario.h"

namespace entrepot {

// Reads `path`, applies `overrides` (each "dotted.path=value", e.g. "steps=24",
// "behaviour.search_probability=0.2", "regions.CHN-Shanghai.productivity=2") and validates
// the result. Throws ConfigError on the first problem found.
Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides = {});

// The same from text already in memory; `name` stands in for the file name in messages.
Scenario parse_scenario(const std::string& text, const std::string& name,
                        const std::vector<std::string>& overrides = {});

// Every behaviour parameter with the scenario's value and its plausible range, a header line
// then one line each, tab-separated: what studies of the parameters read instead of a copy
// of the list (world/scenario_format.cpp).
std::string behaviour_table(const Scenario& scenario);

}  // namespace entrepot
