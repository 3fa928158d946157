// Shared by the scenario-loading tests: a small valid world to break one piece at a time,
// and checks of an error's exact `file:line:col:` prefix and wording.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <vector>

#include "world/load.h"

namespace entrepot::load_testing {

inline const std::string kConfigs = std::string(ENTREPOT_SOURCE_DIR) + "/configs/";

// A small valid world; error tests change one piece of it.
inline const std::string kTiny = R"(name: tiny
seed: 7
steps: 24
burn_in: 12
agents: {consumers: 100, firms: 100}
blocs:
  - {name: Pact, tariff_factor: 0.5, regional_value_content: 0.4}
countries:
  - {code: AAA, name: Aland, blocs: [Pact]}
  - {code: BBB, blocs: [Pact]}
regions:
  - {name: A1, country: AAA, lat: 10, lon: 20, population: 5, gdp: 1000, productivity: 1.5,
     flags: [hub, port]}
  - name: B1
    country: BBB
    lat: -10
    lon: 40
    population: 20
    gdp: 800
    productivity: 0.5
sectors:
  - {name: ore, kind: commodity, transport_cost: 0.05, value_added_share: 1}
  - {name: goods, kind: final, consumer_share: 0.6, value_added_share: 2}
  - {name: care, kind: service, consumer_share: 0.4, value_added_share: 1, digital: true}
recipe:
  ore: {goods: 0.2}
tariffs:
  mfn:
    - {importer: AAA, sectors: [ore, goods], rate: 0.05}
  bilateral:
    - {importer: BBB, exporter: AAA, rate: 0.1}
output:
  snapshots: [12]
events:
  - {step: 12, type: tariff, importer: AAA, exporter: BBB, sectors: [goods], rate: 0.2}
)";

// kTiny with the first `from` replaced by `to`.
inline std::string tiny_with(const std::string& from, const std::string& to) {
  std::string text = kTiny;
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

// "t.yaml:LINE:COL: " for the first `needle` in `text`, `skip` characters into it.
inline std::string where(const std::string& text, const std::string& needle, std::size_t skip = 0) {
  const std::size_t at = text.find(needle);
  EXPECT_NE(at, std::string::npos) << needle;
  const std::size_t pos = at + skip;
  const std::size_t line_start = text.rfind('\n', pos == 0 ? 0 : pos - 1);
  const std::size_t line = 1 + std::count(text.begin(), text.begin() + pos, '\n');
  const std::size_t column = line_start == std::string::npos ? pos + 1 : pos - line_start;
  return "t.yaml:" + std::to_string(line) + ":" + std::to_string(column) + ": ";
}

inline std::string error_of(const std::string& text,
                            const std::vector<std::string>& overrides = {}) {
  try {
    parse_scenario(text, "t.yaml", overrides);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

// The message starts with `prefix` and mentions every one of `words`.
inline void expect_error(const std::string& message, const std::string& prefix,
                         std::initializer_list<std::string> words) {
  EXPECT_EQ(message.rfind(prefix, 0), 0u) << "expected prefix: " << prefix << "\n got: " << message;
  for (const auto& word : words) {
    EXPECT_NE(message.find(word), std::string::npos) << "missing '" << word << "' in: " << message;
  }
}

inline void expect_error_in_tiny(const std::string& from, const std::string& to,
                                 const std::string& needle, std::size_t skip,
                                 std::initializer_list<std::string> words) {
  const std::string text = tiny_with(from, to);
  expect_error(error_of(text), where(text, needle, skip), words);
}

}  // namespace entrepot::load_testing
