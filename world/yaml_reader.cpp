#include "world/yaml_reader.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <set>

namespace entrepot::yaml {

// ---- where nodes come from ----

void Origins::collect(const YAML::Node& node, int origin, std::vector<Entry>& into) {
  into.emplace_back(node, origin, node.Mark());
  if (node.IsMap()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      into.emplace_back(it->first, origin, it->first.Mark());
      // An empty value's mark points past the line; its key says where it is.
      if (it->second.IsNull()) {
        into.emplace_back(it->second, origin, it->first.Mark());
      } else {
        collect(it->second, origin, into);
      }
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) collect(item, origin, into);
  }
}

void Origins::add_file(const YAML::Node& root, const std::string& file) {
  labels_.push_back(file);
  is_override_.push_back(false);
  collect(root, static_cast<int>(labels_.size()) - 1, files_);
}

void Origins::add_override(const YAML::Node& root, const std::string& text) {
  labels_.push_back("--set " + text);
  is_override_.push_back(true);
  collect(root, static_cast<int>(labels_.size()) - 1, overrides_);
}

const Origins::Entry* Origins::find(const YAML::Node& node) const {
  if (!node.IsDefined()) return nullptr;
  // Newest override first, so a later --set of the same path is the one blamed.
  for (auto it = overrides_.rbegin(); it != overrides_.rend(); ++it) {
    if (it->node.is(node)) return &*it;
  }
  for (const auto& entry : files_) {
    if (entry.node.is(node)) return &entry;
  }
  return nullptr;
}

SourcePos Origins::position(const YAML::Node& node) const {
  const Entry* entry = find(node);
  if (entry == nullptr) {
    for (std::size_t i = 0; i < labels_.size(); ++i) {
      if (!is_override_[i]) return {labels_[i], 1, 1};
    }
    return {"scenario", 1, 1};
  }
  if (is_override_[entry->origin]) return {labels_[entry->origin], 0, 0};
  if (entry->mark.is_null()) return {labels_[entry->origin], 1, 1};
  return {labels_[entry->origin], entry->mark.line + 1, entry->mark.column + 1};
}

std::string Origins::locate(const YAML::Node& node) const {
  SourcePos pos = position(node);
  if (pos.line == 0) return pos.file;
  return pos.file + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column);
}

void Origins::fail(const YAML::Node& at, const std::string& message) const {
  throw ConfigError(locate(at) + ": " + message);
}

// ---- messages ----

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Optimal string alignment distance: a swapped pair of letters counts as one edit.
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::string format_number(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", x);
  return buffer;
}

bool is_plain_scalar(const YAML::Node& node) {
  return node.IsScalar() && node.Tag() != "!";
}

}  // namespace

std::string did_you_mean(const std::string& word, const std::vector<std::string>& choices) {
  const std::string target = lower(word);
  // Short words tolerate one slip; longer ones about one per four letters.
  const std::size_t limit = target.size() <= 4 ? 1 : std::max<std::size_t>(2, target.size() / 4);
  std::size_t best = limit + 1;
  std::string suggestion;
  for (const auto& choice : choices) {
    std::size_t d = edit_distance(target, lower(choice));
    if (d < best) {
      best = d;
      suggestion = choice;
    }
  }
  return suggestion.empty() ? "" : " did you mean '" + suggestion + "'?";
}

std::string join(const std::vector<std::string>& items, std::size_t limit) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < limit; ++i) out += (i ? ", " : "") + items[i];
  if (items.size() > limit) out += ", ...";
  return out;
}

std::string unknown_message(const std::string& noun, const std::string& word,
                            const std::string& context, const std::vector<std::string>& choices) {
  std::string message = "unknown " + noun + " '" + word + "'";
  if (!context.empty()) message += " in " + context;
  message += ";" + did_you_mean(word, choices) + " allowed: " + join(choices);
  return message;
}

std::string describe(const YAML::Node& node) {
  if (!node.IsDefined()) return "missing";
  if (node.IsNull()) return "empty";
  if (node.IsMap()) return "a map";
  if (node.IsSequence()) return "a list";
  return "'" + node.Scalar() + "'";
}

// ---- numbers ----

bool Range::contains(double x) const {
  if (!std::isfinite(x)) return false;
  return (lo_open ? x > lo : x >= lo) && (hi_open ? x < hi : x <= hi);
}

std::string Range::describe() const {
  const bool bounded_below = lo > -1e308, bounded_above = hi < 1e308;
  // A cap far above any plausible value only keeps the arithmetic finite: said last.
  if (bounded_below && bounded_above && hi >= 1e6) {
    return "a finite number " + std::string(lo_open ? "> " : ">= ") + format_number(lo) +
           ", at most " + format_number(hi);
  }
  if (bounded_below && bounded_above) {
    return std::string("a number in ") + (lo_open ? "(" : "[") + format_number(lo) + ", " +
           format_number(hi) + (hi_open ? ")" : "]");
  }
  if (bounded_below)
    return "a finite number " + std::string(lo_open ? "> " : ">= ") + format_number(lo);
  if (bounded_above)
    return "a finite number " + std::string(hi_open ? "< " : "<= ") + format_number(hi);
  return "a finite number";
}

std::string Range::percent_hint(const std::string& what, double x) const {
  if (!fraction || !(x > 1.0 && x <= 100.0) || contains(x)) return "";
  return " (" + what + " " + format_number(x) + " is " + format_number(x * 100.0) + "%; write " +
         format_number(x / 100.0) + " for " + format_number(x) + "%)";
}

Range fraction(double lo, double hi) {
  return {lo, hi, false, false, true};
}

Range at_least(double lo) {
  return {lo, 1e308, false, false};
}
Range above(double lo) {
  return {lo, 1e308, true, false};
}
Range between(double lo, double hi) {
  return {lo, hi, false, false};
}

double read_number(const Origins& origins, const YAML::Node& node, const std::string& what,
                   const Range& range) {
  double value = 0.0;
  if (!node.IsScalar() || !YAML::convert<double>::decode(node, value)) {
    origins.fail(node, what + " is " + describe(node) + "; allowed: " + range.describe());
  }
  if (!is_plain_scalar(node)) {
    origins.fail(node, what + " is the quoted text " + describe(node) +
                           "; allowed: " + range.describe() + ", written without quotes");
  }
  if (!range.contains(value)) {
    origins.fail(node, what + " is " + node.Scalar() + ", out of range" +
                           range.percent_hint(what, value) + "; allowed: " + range.describe());
  }
  return value;
}

namespace {

std::string integer_range(std::int64_t lo, std::int64_t hi) {
  if (hi == std::numeric_limits<std::int64_t>::max() || hi == std::numeric_limits<int>::max()) {
    return "a whole number >= " + std::to_string(lo);
  }
  return "a whole number in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
}

bool all_digits(const std::string& s, std::size_t from) {
  if (from >= s.size()) return false;
  return std::all_of(s.begin() + static_cast<std::ptrdiff_t>(from), s.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

}  // namespace

std::int64_t read_integer(const Origins& origins, const YAML::Node& node, const std::string& what,
                          std::int64_t lo, std::int64_t hi) {
  const std::string allowed = integer_range(lo, hi);
  if (!is_plain_scalar(node))
    origins.fail(node, what + " is " + describe(node) + "; allowed: " + allowed);
  const std::string& s = node.Scalar();
  const std::size_t digits_from = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  errno = 0;
  long long value = all_digits(s, digits_from) ? std::strtoll(s.c_str(), nullptr, 10) : 0;
  if (!all_digits(s, digits_from) || errno == ERANGE || value < lo || value > hi) {
    origins.fail(node, what + " is " + s + "; allowed: " + allowed);
  }
  return value;
}

std::uint64_t read_unsigned(const Origins& origins, const YAML::Node& node,
                            const std::string& what) {
  const std::string allowed =
      "a whole number in [0, " + std::to_string(std::numeric_limits<std::uint64_t>::max()) + "]";
  if (!is_plain_scalar(node) || !all_digits(node.Scalar(), 0)) {
    origins.fail(node, what + " is " + describe(node) + "; allowed: " + allowed);
  }
  errno = 0;
  unsigned long long value = std::strtoull(node.Scalar().c_str(), nullptr, 10);
  if (errno == ERANGE) origins.fail(node, what + " is " + node.Scalar() + "; allowed: " + allowed);
  return value;
}

bool read_flag(const Origins& origins, const YAML::Node& node, const std::string& what) {
  bool value = false;
  if (!is_plain_scalar(node) || !YAML::convert<bool>::decode(node, value)) {
    origins.fail(node, what + " is " + describe(node) + "; allowed: true or false");
  }
  return value;
}

std::string read_text(const Origins& origins, const YAML::Node& node, const std::string& what) {
  if (!node.IsScalar() || node.Scalar().empty()) {
    origins.fail(node, what + " is " + describe(node) + "; allowed: a text");
  }
  return node.Scalar();
}

std::string read_name(const Origins& origins, const YAML::Node& node, const std::string& what) {
  std::string name = read_text(origins, node, what);
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') {
      origins.fail(node, what + " '" + name + "' contains '" + std::string(1, c) +
                             "'; allowed: letters, digits, '_' and '-' (e.g. CHN-Shanghai)");
    }
  }
  return name;
}

std::vector<YAML::Node> read_list(const Origins& origins, const YAML::Node& node,
                                  const std::string& what, const std::string& allowed) {
  std::vector<YAML::Node> items;
  if (!node.IsDefined() || node.IsNull()) return items;
  if (!node.IsSequence())
    origins.fail(node, what + " is " + describe(node) + "; allowed: " + allowed);
  for (const auto& item : node) items.push_back(item);
  return items;
}

// ---- sections ----

const Field* Section::find(const std::string& key) const {
  for (const auto& field : fields) {
    if (field.key == key) return &field;
  }
  return nullptr;
}

std::vector<std::string> Section::keys() const {
  std::vector<std::string> out;
  for (const auto& field : fields) out.push_back(field.key);
  return out;
}

std::vector<std::string> Section::required_keys() const {
  std::vector<std::string> out;
  for (const auto& field : fields) {
    if (field.required) out.push_back(field.key);
  }
  return out;
}

MapReader::MapReader(const Origins& origins, const YAML::Node& node, const Section& section)
    : origins_(origins), node_(node) {
  label_ = section.what.empty() ? "scenario" : section.what;
  const bool empty = !node.IsDefined() || node.IsNull();
  if (!empty && !node.IsMap()) {
    origins.fail(node, label_ + " is " + describe(node) + "; allowed: a map with keys " +
                           join(section.keys()));
  }
  // An absent or empty section reads as an empty map; errors still point at the original.
  const YAML::Node map = empty ? YAML::Node(YAML::NodeType::Map) : node;
  if (!section.id_key.empty() && map[section.id_key].IsDefined() &&
      map[section.id_key].IsScalar()) {
    label_ += " '" + map[section.id_key].Scalar() + "'";
  }
  std::set<std::string> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    const std::string key = it->first.IsScalar() ? it->first.Scalar() : describe(it->first);
    if (!seen.insert(key).second) {
      origins.fail(it->first,
                   "duplicate key '" + key + "' in " + label_ + "; allowed: each key once");
    }
    if (section.find(key) == nullptr) {
      origins.fail(it->first, unknown_message("key", key, section.what, section.keys()));
    }
  }
  for (const auto& field : section.fields) {
    if (field.required && !map[field.key].IsDefined()) {
      origins.fail(node_, label_ + " is missing '" + field.key +
                              "'; required: " + join(section.required_keys()));
    }
  }
}

bool MapReader::has(const std::string& key) const {
  const YAML::Node& map = node_;
  return map[key].IsDefined();
}

YAML::Node MapReader::get(const std::string& key) const {
  const YAML::Node& map = node_;
  YAML::Node value = map[key];
  return value.IsDefined() ? value : YAML::Node(YAML::NodeType::Undefined);
}

YAML::Node MapReader::required(const std::string& key) const {
  if (!has(key)) {
    origins_.fail(node_, label_ + " is missing '" + key + "'; required: " + key);
  }
  return get(key);
}

double MapReader::number(const std::string& key, const Range& range,
                         std::optional<double> fallback) const {
  if (!has(key) && fallback) return *fallback;
  return read_number(origins_, required(key), key, range);
}

std::int64_t MapReader::integer(const std::string& key, std::int64_t lo, std::int64_t hi,
                                std::optional<std::int64_t> fallback) const {
  if (!has(key) && fallback) return *fallback;
  return read_integer(origins_, required(key), key, lo, hi);
}

bool MapReader::flag(const std::string& key, bool fallback) const {
  return has(key) ? read_flag(origins_, get(key), key) : fallback;
}

std::string MapReader::text(const std::string& key, std::optional<std::string> fallback) const {
  if (!has(key) && fallback) return *fallback;
  return read_text(origins_, required(key), key);
}

std::string MapReader::name(const std::string& key) const {
  return read_name(origins_, required(key), key);
}

}  // namespace entrepot::yaml
