// The economy's lasting state as plain host arrays (DESIGN §2, "the economy's state"): what a
// checkpoint holds and what a restart needs, and nothing else. kernels/checkpoint.h fills it
// from a Model and puts it back; output/checkpoint.h writes and reads it as HDF5. Neither
// side knows the other: this record is the whole interface between them.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace entrepot {

// The element types of saved arrays (each maps to one fixed-size HDF5 type).
enum class Element : std::uint8_t { u8, u16, u32, i32, i64, f32, f64 };

inline std::size_t element_size(Element e) {
  switch (e) {
    case Element::u8:
      return 1;
    case Element::u16:
      return 2;
    case Element::u32:
    case Element::i32:
    case Element::f32:
      return 4;
    case Element::i64:
    case Element::f64:
      return 8;
  }
  return 0;
}

inline const char* element_name(Element e) {
  switch (e) {
    case Element::u8:
      return "uint8";
    case Element::u16:
      return "uint16";
    case Element::u32:
      return "uint32";
    case Element::i32:
      return "int32";
    case Element::i64:
      return "int64";
    case Element::f32:
      return "float32";
    case Element::f64:
      return "float64";
  }
  return "?";
}

template <class T>
constexpr Element element_of();
template <>
constexpr Element element_of<std::uint8_t>() {
  return Element::u8;
}
template <>
constexpr Element element_of<std::uint16_t>() {
  return Element::u16;
}
template <>
constexpr Element element_of<std::uint32_t>() {
  return Element::u32;
}
template <>
constexpr Element element_of<std::int32_t>() {
  return Element::i32;
}
template <>
constexpr Element element_of<std::int64_t>() {
  return Element::i64;
}
template <>
constexpr Element element_of<float>() {
  return Element::f32;
}
template <>
constexpr Element element_of<double>() {
  return Element::f64;
}

// One named array. Agent fields are split over ranks by global id: this rank holds the rows
// [first, first + rows) of `total`, each row `slots` values, stored slot-major like the
// stores (value of row i in slot k at bytes[(k·rows + i)·size]). Replicated arrays (accounts,
// regional conditions, policy tables) are the same on every rank: first 0, rows = total.
struct CheckpointArray {
  std::string name;  // a path such as "firms/cash"; also the dataset's path in the file
  Element type = Element::i64;
  int slots = 1;
  bool replicated = false;
  std::int64_t first = 0, rows = 0, total = 0;
  std::vector<unsigned char> bytes;  // rows · slots values; empty in a layout to read into

  std::size_t byte_count() const {
    return static_cast<std::size_t>(rows) * static_cast<std::size_t>(slots) * element_size(type);
  }
  template <class T>
  std::vector<T> values() const {
    std::vector<T> out(bytes.size() / sizeof(T));
    if (!out.empty()) std::memcpy(out.data(), bytes.data(), out.size() * sizeof(T));
    return out;
  }
  template <class T>
  void assign(const std::vector<T>& values) {
    bytes.resize(values.size() * sizeof(T));
    if (!values.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
  }
};

struct EconomyCheckpoint {
  // The header: which run and which moment of it.
  int step = 0;  // the last step done; a resumed run goes on with step + 1
  std::uint64_t seed = 0;
  std::string version;      // of the program that wrote it; another version is refused
  std::string scenario;     // the resolved scenario text (base files merged, --set applied)
  std::string config;       // the scenario text as result files store it (attribute `config`)
  std::string result_path;  // the run's result file, absolute
  std::string layout;       // layout_digest(arrays): which arrays, of which types and slots
  int ranks = 1;            // the ranks that wrote it (any number may read it)
  std::vector<CheckpointArray> arrays;

  const CheckpointArray* find(const std::string& name) const {
    for (const CheckpointArray& a : arrays) {
      if (a.name == name) return &a;
    }
    return nullptr;
  }
};

// A digest of the arrays' names, element types, slot counts and kinds (not their sizes,
// which follow the scenario): two programs agree on it exactly when they save the same state
// in the same form. 64-bit FNV-1a as 16 hex digits.
inline std::string layout_digest(const std::vector<CheckpointArray>& arrays) {
  std::string text;
  for (const CheckpointArray& a : arrays) {
    text += a.name + ":" + element_name(a.type) + ":" + std::to_string(a.slots) +
            (a.replicated ? ":replicated;" : ":by_id;");
  }
  std::uint64_t hash = 14695981039346656037ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  static const char digits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, hash >>= 4) out[static_cast<std::size_t>(i)] = digits[hash & 15];
  return out;
}

}  // namespace entrepot
