// Reading a scenario: the file and the files it builds on (`base:`), then the `--set`
// overrides, then validation of the result as one tree.
#include "world/load.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "world/yaml_reader.h"

namespace entrepot {
namespace {

namespace fs = std::filesystem;
using yaml::Origins;

std::string read_file(const std::string& path, std::string* error) {
  std::error_code ignored;
  if (fs::is_directory(path, ignored)) {
    *error = "it is a folder";
    return {};
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = std::strerror(errno);
    return {};
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) *error = "read failed";
  return text.str();
}

YAML::Node parse_text(const std::string& text, const std::string& label) {
  try {
    return YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(label + ":" + std::to_string(e.mark.line + 1) + ":" +
                      std::to_string(e.mark.column + 1) + ": invalid YAML: " + e.msg +
                      "; allowed: YAML as described in docs/scenario.md (check indentation, "
                      "colons and brackets)");
  }
}

// The id that matches an item of a list across a base and the file built on it.
std::string item_id(const YAML::Node& item) {
  for (const char* key : {"code", "name"}) {
    const YAML::Node& map = item;
    if (map[key].IsDefined() && map[key].IsScalar()) return map[key].Scalar();
  }
  return "";
}

bool is_list_of_maps(const YAML::Node& node) {
  if (!node.IsSequence()) return false;
  for (const auto& item : node) {
    if (!item.IsMap()) return false;
  }
  return true;
}

// `derived` over `base`: maps merge key by key, lists of maps merge items with the same
// code/name and append the others, anything else is taken from `derived`. Nodes keep their
// identity, so errors still point into the file that wrote them.
YAML::Node merge(const YAML::Node& base, YAML::Node derived) {
  if (base.IsMap() && derived.IsMap()) {
    for (auto it = base.begin(); it != base.end(); ++it) {
      const std::string key = it->first.Scalar();
      const YAML::Node& existing = derived;
      if (existing[key].IsDefined()) {
        derived[key] = merge(it->second, derived[key]);
      } else {
        derived[key] = it->second;
      }
    }
    return derived;
  }
  if (is_list_of_maps(base) && is_list_of_maps(derived)) {
    YAML::Node merged(YAML::NodeType::Sequence);
    std::vector<bool> used(derived.size(), false);
    for (const auto& item : base) {
      const std::string id = item_id(item);
      std::size_t match = derived.size();
      for (std::size_t j = 0; j < derived.size() && !id.empty(); ++j) {
        if (!used[j] && item_id(derived[j]) == id) {
          match = j;
          break;
        }
      }
      if (match < derived.size()) {
        used[match] = true;
        merged.push_back(merge(item, derived[match]));
      } else {
        merged.push_back(item);
      }
    }
    for (std::size_t j = 0; j < derived.size(); ++j) {
      if (!used[j]) merged.push_back(derived[j]);
    }
    return merged;
  }
  return derived;
}

// Parses `text` and, when it names a `base:`, the chain of files below it, merged.
// `chain` holds the files being read, to refuse a file that builds on itself.
YAML::Node read_tree(const std::string& text, const std::string& label, Origins& origins,
                     std::vector<fs::path>& chain, std::string& provenance) {
  YAML::Node root = parse_text(text, label);
  origins.add_file(root, label);
  const YAML::Node& top = root;
  if (!root.IsMap() || !top["base"].IsDefined()) return root;

  const YAML::Node base_node = top["base"];
  const fs::path base_path =
      fs::path(label).parent_path() / yaml::read_text(origins, base_node, "base");
  std::error_code ignored;
  const fs::path canonical = fs::weakly_canonical(base_path, ignored);
  for (const auto& file : chain) {
    if (file == canonical) {
      origins.fail(base_node, "base '" + base_path.string() +
                                  "' builds on itself; allowed: a chain of bases without loops");
    }
  }
  std::string error;
  const std::string base_text = read_file(base_path.string(), &error);
  if (!error.empty()) {
    origins.fail(base_node, "cannot read base file '" + base_path.string() + "' (" + error +
                                "); allowed: a path relative to this file's folder");
  }
  chain.push_back(canonical);
  provenance += "\n# ---- base file " + base_path.string() + " ----\n" + base_text;
  YAML::Node base_root = read_tree(base_text, base_path.string(), origins, chain, provenance);
  root.remove("base");
  return merge(base_root, root);
}

// Registers the key node `key` of `map` as written by the override, so that an error about
// the key itself (an unknown sector in a recipe, say) points at the override.
void blame_key(const YAML::Node& map, const std::string& key, const std::string& text,
               Origins& origins) {
  std::vector<YAML::Node> keys;  // registered after the loop: never touch a map mid-iteration
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (it->first.Scalar() == key) keys.push_back(it->first);
  }
  for (const auto& node : keys) origins.add_override(node, text);
}

// The map under `key`, created when the file leaves it out.
YAML::Node open_map(YAML::Node node, const std::string& key, const std::string& text,
                    Origins& origins) {
  const YAML::Node& view = node;
  if (!view[key].IsDefined() || view[key].IsNull()) {
    YAML::Node fresh(YAML::NodeType::Map);
    node[key] = fresh;
    blame_key(node, key, text, origins);
    origins.add_override(fresh, text);
    return fresh;
  }
  if (!view[key].IsMap()) {
    throw ConfigError("--set " + text + ": cannot set inside '" + key + "', which is " +
                      yaml::describe(view[key]) + " at " + origins.locate(view[key]) +
                      "; allowed: a map there");
  }
  return node[key];
}

// Applies one `--set path=value` to the tree. Paths follow map keys; in lists of named items
// (countries, blocs, regions, sectors) the next element is the item's code or name, in other
// lists (tariffs.mfn, export_bans, events) its 0-based index.
void apply_override(const YAML::Node& root, const std::string& text, Origins& origins) {
  const std::string label = "--set " + text;
  const std::size_t equals = text.find('=');
  if (equals == std::string::npos || equals == 0) {
    throw ConfigError(label +
                      ": expected path=value; allowed: e.g. --set steps=24 or "
                      "--set regions.CHN-Shanghai.productivity=2.1");
  }
  std::vector<std::string> path;
  std::stringstream keys(text.substr(0, equals));
  for (std::string key; std::getline(keys, key, '.');) path.push_back(key);
  YAML::Node value;
  try {
    value = YAML::Load(text.substr(equals + 1));
  } catch (const YAML::ParserException& e) {
    throw ConfigError(label + ": the value is not valid YAML (" + e.msg +
                      "); allowed: a number, a text, or a list such as [12, 24]");
  }
  origins.add_override(value, text);

  // `node` is rebound with reset(): assigning to a Node would overwrite what it refers to.
  YAML::Node node;
  node.reset(root);
  const yaml::Section* section = &yaml::scenario_format();
  for (std::size_t i = 0; i < path.size(); ++i) {
    const std::string& key = path[i];
    const yaml::Field* field = nullptr;
    if (section != nullptr) {  // null inside a recipe row: sector names are checked later
      field = section->find(key);
      if (field == nullptr || key == "base") {
        std::vector<std::string> allowed = section->keys();
        allowed.erase(std::remove(allowed.begin(), allowed.end(), "base"), allowed.end());
        throw ConfigError(label + ": " + yaml::unknown_message("key", key, section->what, allowed));
      }
    }
    if (i + 1 == path.size()) {
      node[key] = value;
      blame_key(node, key, text, origins);
      return;
    }
    if (field == nullptr) {
      node.reset(open_map(node, key, text, origins));
      continue;
    }
    switch (field->shape) {
      case yaml::Shape::value:
        throw ConfigError(label + ": '" + key + "' holds a single value, not keys; allowed: " +
                          "a path that ends at '" + key + "'");
      case yaml::Shape::recipe:
      case yaml::Shape::sector_map:
      case yaml::Shape::country_map: {
        // Maps keyed by sector names or country codes, checked later: one level of them, or
        // two in a recipe.
        const bool recipe = field->shape == yaml::Shape::recipe;
        const char* name = field->shape == yaml::Shape::country_map ? "<country>" : "<sector>";
        if (path.size() - i > (recipe ? 3u : 2u)) {
          throw ConfigError(label + ": too many parts; allowed: --set " +
                            (recipe ? std::string("recipe.<input sector>.<output sector>=<amount>")
                                    : "<path to " + key + ">." + key + "." + name + "=<number>"));
        }
        node.reset(open_map(node, key, text, origins));
        section = nullptr;
        continue;
      }
      case yaml::Shape::map:
        node.reset(open_map(node, key, text, origins));
        section = field->items;
        continue;
      case yaml::Shape::named_list:
      case yaml::Shape::list:
        break;
    }
    // A list: the next element names or numbers the item.
    const YAML::Node& view = node;
    const YAML::Node list = view[key];
    if (!list.IsDefined() || !list.IsSequence()) {
      throw ConfigError(label + ": the scenario has no list '" + key +
                        "' to address; allowed: --set " + key + "=<a whole list>");
    }
    const std::string& which = path[++i];
    std::vector<std::string> ids;
    std::size_t found = list.size();
    for (std::size_t j = 0; j < list.size(); ++j) {
      const std::string id =
          field->shape == yaml::Shape::named_list ? item_id(list[j]) : std::to_string(j);
      ids.push_back(id);
      if (id == which && found == list.size()) found = j;
    }
    if (found == list.size()) {
      throw ConfigError(label + ": " + yaml::unknown_message(field->items->what, which, "", ids));
    }
    YAML::Node item = list[found];
    if (i + 1 == path.size()) {
      item = value;  // assigning through the handle replaces the whole item in the list
      return;
    }
    node.reset(item);
    section = field->items;
  }
}

}  // namespace

Scenario parse_scenario(const std::string& text, const std::string& name,
                        const std::vector<std::string>& overrides) {
  Origins origins;
  std::string provenance = text;
  std::error_code ignored;
  std::vector<fs::path> chain{fs::weakly_canonical(fs::path(name), ignored)};
  Scenario scenario;
  try {
    YAML::Node root = read_tree(text, name, origins, chain, provenance);
    for (const auto& override_text : overrides) apply_override(root, override_text, origins);
    scenario = yaml::read_scenario(root, origins, fs::path(name).stem().string());
    // The tree as validated, for a checkpoint: it reads back as this scenario without the
    // base files or the --set list (the name too, which defaults to the file's).
    const YAML::Node& tree = root;
    if (!tree["name"].IsDefined()) root["name"] = scenario.name;
    YAML::Emitter emitter;
    emitter << root;
    if (!emitter.good()) {
      throw ConfigError(name + ": cannot write the scenario back as text (" +
                        emitter.GetLastError() + ")");
    }
    scenario.resolved = emitter.c_str();
  } catch (const YAML::Exception& e) {
    // The readers check types before converting; this is only a last line of defence.
    throw ConfigError(name + ": " + e.what() + "; allowed: the format in docs/scenario.md");
  }
  scenario.source_path = name;
  scenario.text = provenance;
  scenario.overrides = overrides;
  return scenario;
}

Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides) {
  std::string error;
  std::string text = read_file(path, &error);
  if (!error.empty()) throw ConfigError(path + ": cannot read file (" + error + ")");
  return parse_scenario(text, path, overrides);
}

}  // namespace entrepot
