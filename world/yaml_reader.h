// Private to world/: reading a YAML tree with errors that say where (`file:line:col`, or the
// `--set` override that wrote the node) and what would have been allowed.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "world/scenario.h"

namespace entrepot::yaml {

// Where each node of the (merged, overridden) tree came from. yaml-cpp marks carry no file
// name, so every node is remembered with its source when that source is parsed.
class Origins {
 public:
  // Every node of `root` as written in `file`; files added first are searched first.
  void add_file(const YAML::Node& root, const std::string& file);
  // Every node of `root` as written by `--set <text>`; the newest override wins.
  void add_override(const YAML::Node& root, const std::string& text);

  // "file:line:col" or "--set path=value"; the first file's 1:1 for nodes of no source.
  std::string locate(const YAML::Node& node) const;
  SourcePos position(const YAML::Node& node) const;
  [[noreturn]] void fail(const YAML::Node& at, const std::string& message) const;

 private:
  // Assigning a YAML::Node rebinds the tree node it refers to, so entries are only ever
  // constructed and appended, never assigned (no insert, erase or sort).
  struct Entry {
    Entry(const YAML::Node& n, int o, const YAML::Mark& m) : node(n), origin(o), mark(m) {}
    Entry(const Entry&) = default;
    Entry& operator=(const Entry&) = delete;
    YAML::Node node;
    int origin = 0;
    YAML::Mark mark;  // taken at parse time: later merges may re-point the node
  };
  void collect(const YAML::Node& node, int origin, std::vector<Entry>& into);
  const Entry* find(const YAML::Node& node) const;

  std::vector<std::string> labels_;
  std::vector<bool> is_override_;
  std::vector<Entry> files_, overrides_;
};

// " did you mean 'x'?" for the closest choice (case-insensitive edit distance), or "".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& choices);
// "a, b, c" (at most `limit` items, then "...").
std::string join(const std::vector<std::string>& items, std::size_t limit = 40);
// "unknown <noun> 'word'[ in <context>]; did you mean 'x'? allowed: a, b, c".
std::string unknown_message(const std::string& noun, const std::string& word,
                            const std::string& context, const std::vector<std::string>& choices);
// How a node reads in a message: "a map", "a list", "empty", or the scalar in quotes.
std::string describe(const YAML::Node& node);

// An allowed interval of real numbers; non-finite values are never allowed. A `fraction`
// (a rate, share or markup: 0.25 for 25%) outside it but in (1, 100] was likely written as
// a percentage, and its message says so.
struct Range {
  double lo = -1e308, hi = 1e308;
  bool lo_open = false, hi_open = false;
  bool fraction = false;
  bool contains(double x) const;
  std::string describe() const;
  // " (rate 25 is 2500%; write 0.25 for 25%)" for a likely percentage, else "".
  std::string percent_hint(const std::string& what, double x) const;
};
// Hard cap of open-ended reals: beyond it prices and quantities leave what int64 fixed
// point and doubles hold. Plausible ranges, far inside, are in docs/scenario.md.
inline constexpr double kHuge = 1e6;

Range at_least(double lo);
Range above(double lo);
Range between(double lo, double hi);
Range fraction(double lo = 0, double hi = 1);  // between(lo, hi), read as a fraction

// The plausible range of a value, beside its hard limits: outside it a value is refused
// unless the scenario's `allow_implausible` list names its `group` (the top-level key it
// sits under), so a study of extreme values is deliberate.
class Plausibility {
 public:
  // The groups a scenario may list, in the order the docs give them.
  static const std::vector<std::string>& groups();
  // Reads `allow_implausible` (absent: none allowed); unknown groups are refused.
  void read(const Origins& origins, const YAML::Node& list);
  // Refuses `value` (read from `node`) outside `range` unless `group` is allowed.
  void check(const Origins& origins, const YAML::Node& node, const std::string& what, double value,
             const Range& range, const std::string& group) const;

 private:
  std::vector<std::string> allowed_;
};

double read_number(const Origins& origins, const YAML::Node& node, const std::string& what,
                   const Range& range);
std::int64_t read_integer(const Origins& origins, const YAML::Node& node, const std::string& what,
                          std::int64_t lo, std::int64_t hi);
std::uint64_t read_unsigned(const Origins& origins, const YAML::Node& node,
                            const std::string& what);
bool read_flag(const Origins& origins, const YAML::Node& node, const std::string& what);
std::string read_text(const Origins& origins, const YAML::Node& node, const std::string& what);
// A name others refer to: letters, digits, '_' and '-' (dots would clash with --set paths).
std::string read_name(const Origins& origins, const YAML::Node& node, const std::string& what);
// The items of a list; an empty value reads as an empty list.
std::vector<YAML::Node> read_list(const Origins& origins, const YAML::Node& node,
                                  const std::string& what, const std::string& allowed);

// The shape of the format, shared by validation and by the walk of `--set` paths.
enum class Shape : std::uint8_t {
  value,        // a scalar or a list of scalars
  map,          // a nested map of fixed keys (`items` describes it)
  named_list,   // a list of maps addressed by their id key (`items` describes each)
  list,         // a list of maps addressed by 0-based index
  recipe,       // map input sector -> map output sector -> amount
  sector_map,   // map sector -> number
  country_map,  // map country code -> number
};

struct Section;

struct Field {
  std::string key;
  bool required = false;
  Shape shape = Shape::value;
  const Section* items = nullptr;
};

struct Section {
  std::string what;    // "region", used in messages; empty at the top level
  std::string id_key;  // how items of a named list are told apart: "name" or "code"
  std::vector<Field> fields;

  const Field* find(const std::string& key) const;
  std::vector<std::string> keys() const;
  std::vector<std::string> required_keys() const;
};

// The top level of a scenario file (world/scenario_format.cpp).
const Section& scenario_format();

// Behaviour's fields by key, with what each may hold.
struct RealParameter {
  const char* key;
  double Behaviour::*member;
  Range range;
  Range plausible;
};
struct WholeParameter {
  const char* key;
  int Behaviour::*member;
  std::int64_t lo, hi;
  std::int64_t plausible_hi;
};
const std::vector<RealParameter>& real_parameters();
const std::vector<WholeParameter>& whole_parameters();

// A map name -> number in [0, 10⁶] over `names` (sectors, country codes), one value per name,
// `fallback` where the map is silent; each name once, values outside `plausible` refused
// unless `group` is allowed. Messages name `where`, and a value as `where` + `joiner` + name.
struct NameMap {
  std::string where, kind, allowed, joiner;
  double fallback;
  Range plausible;
  std::string group;
};
std::vector<double> read_name_map(const Origins& origins, const Plausibility& plausibility,
                                  const YAML::Node& node, const NameMap& map,
                                  const std::vector<std::string>& names);
// A country's `specialisation` (a map sector -> factor ≥ 0), one factor per sector, 1 where
// the map is silent.
std::vector<double> read_specialisation(const Origins& origins, const Plausibility& plausibility,
                                        const YAML::Node& node, const std::string& country,
                                        const std::vector<std::string>& sector_names);
// Refuses a world where some sector has firms nowhere (every country's factor 0).
void check_production(const Origins& origins, const YAML::Node& countries, const Scenario& s);

// The `output` section (snapshot steps within a run of `steps`, the last always added) and
// the `health` section, defaults where silent (world/load_output.cpp).
OutputSettings read_output(const Origins& origins, const YAML::Node& node, int steps);
HealthSettings read_health(const Origins& origins, const YAML::Node& node);
// `scenario`: its agents, regions and sectors, read before (retailers' ids are checked).
RetailSettings read_retail(const Origins& origins, const YAML::Node& node,
                           const Scenario& scenario);
// `scenario`: as read_retail's, with its retail section read (traders' ids are checked).
TraderSettings read_traders(const Origins& origins, const YAML::Node& node,
                            const Scenario& scenario);

// The `emissions` section over the scenario's sectors and country codes, read before
// (world/load_emissions.cpp).
EmissionSettings read_emissions(const Origins& origins, const Plausibility& plausibility,
                                const YAML::Node& node, const std::vector<std::string>& sectors,
                                const std::vector<std::string>& countries);

// Validates a merged and overridden tree into a Scenario; `default_name` names it when the
// file does not.
Scenario read_scenario(const YAML::Node& root, const Origins& origins,
                       const std::string& default_name);

// One map of the tree, checked against its section: no unknown or repeated keys, every
// required key present. Missing optional keys read as their fallback.
class MapReader {
 public:
  MapReader(const Origins& origins, const YAML::Node& node, const Section& section);

  bool has(const std::string& key) const;
  YAML::Node get(const std::string& key) const;  // an undefined node when absent
  const YAML::Node& node() const { return node_; }
  // "region 'CHN-Shanghai'", or "region" before the id is known; "scenario" at the top.
  const std::string& label() const { return label_; }

  double number(const std::string& key, const Range& range,
                std::optional<double> fallback = std::nullopt) const;
  std::int64_t integer(const std::string& key, std::int64_t lo, std::int64_t hi,
                       std::optional<std::int64_t> fallback = std::nullopt) const;
  bool flag(const std::string& key, bool fallback) const;
  std::string text(const std::string& key,
                   std::optional<std::string> fallback = std::nullopt) const;
  std::string name(const std::string& key) const;

 private:
  YAML::Node required(const std::string& key) const;

  const Origins& origins_;
  YAML::Node node_;
  std::string label_;
};

// What the readers of a scenario's sections share (world/load_sections.cpp reads them in an
// order where every name is defined before it is used): the scenario being filled, the names
// read so far and the checks of values and references. The readers of events are its members
// too (world/load_events.cpp).
class SectionReader {
 protected:
  SectionReader(const Origins& origins, Scenario& scenario) : origins_(origins), s_(scenario) {}

  // Refuses the first of `keys` the map has: "<what> has '<key>'; allowed: <allowed>".
  void refuse_keys(const MapReader& map, std::initializer_list<const char*> keys,
                   const std::string& what, const std::string& allowed) const;
  // Refuses a value the map wrote outside its plausible range (defaults always pass).
  void plausible(const MapReader& map, const std::string& key, double value, const Range& range,
                 const std::string& group) const;
  // The index of the name `node` holds among `names`; an unknown name is refused.
  int lookup(const YAML::Node& node, const std::string& what,
             const std::vector<std::string>& names) const;
  // An optional country reference: -1 (every country) when absent.
  int country_or_all(const MapReader& map, const std::string& key) const;
  // `sectors:` as a list of names or the word `all`; absent means all. Sorted, no repeats.
  std::vector<int> sector_list(const MapReader& map) const;
  // An ad valorem rate: 0.25 for 25%.
  double tariff_rate(const MapReader& item, const std::string& group) const;
  // Refuses an importer that is also the exporter.
  void check_distinct(const MapReader& map, int importer, int exporter) const;
  // regime, parity, band (and reserves, at the start only) of `map`; plausible ranges in
  // the countries group.
  Currency read_currency_map(const MapReader& map, bool with_reserves) const;

  // Reads each item of a named list, rejecting repeated names; `names` receives them in order.
  template <class ReadItem>
  void read_named(const YAML::Node& list, const std::string& key, std::vector<std::string>& names,
                  ReadItem read_item) {
    const Section& section = *scenario_format().find(key)->items;
    std::map<std::string, std::string> first_seen;
    for (const auto& node : read_list(origins_, list, key, "a list of " + section.what + " maps")) {
      MapReader item(origins_, node, section);
      std::string name = item.name(section.id_key);
      auto [it, fresh] = first_seen.emplace(name, origins_.locate(item.get(section.id_key)));
      if (!fresh) {
        origins_.fail(item.get(section.id_key), "duplicate " + section.what + " '" + name +
                                                    "' (first at " + it->second +
                                                    "); allowed: each name once");
      }
      names.push_back(name);
      read_item(item);
    }
  }

  // Export controls (world/load_controls.cpp): `entity_lists`, then `export_bans`, whose
  // bans may name a list; an entity list by name.
  void read_entity_lists(const YAML::Node& list);
  void read_export_bans(const YAML::Node& list);
  int entity_list_of(const YAML::Node& node) const;

  // `relocation` (world/load_relocation.cpp): which firms may move between regions, and the
  // governments' subsidies for moves into their regions.
  void read_relocation(const YAML::Node& node);
  // `key:` as a list of country codes (or one code), each once; absent: every country (empty).
  std::vector<int> country_list(const MapReader& map, const std::string& key) const;

  // `carbon_markets` (world/load_carbon.cpp): emissions trading systems, read after `emissions`.
  void read_carbon_markets(const YAML::Node& list);
  // `venues` (world/load_venues.cpp): commodity exchanges, read after `traders`, their members.
  void read_venues(const YAML::Node& list);
  // Who may join a venue: a list of country codes, each once, or the word `all` (then `open`
  // and no members); `node` must be present. `venue` names the venue in messages.
  void read_members(const YAML::Node& node, const std::string& venue, bool& open,
                    std::vector<int>& members) const;

  // `events`, in due order; events of one step keep the order they were written in.
  void read_events(const YAML::Node& list);
  Event read_event(const MapReader& item) const;
  Event read_region_event(const MapReader& item, Event e) const;
  // An event's `region`, which must be flagged hub.
  int hub_region(const MapReader& item) const;
  // A hub's negative list: goods sectors by name, none for [] (sorted, no repeats).
  std::vector<int> negative_list_of(const YAML::Node& node) const;

  const Origins& origins_;
  Scenario& s_;
  Plausibility plausibility_;
  std::vector<std::string> bloc_names_, country_codes_, region_names_, sector_names_;
  std::vector<std::string> entity_names_, venue_names_;
};

}  // namespace entrepot::yaml
