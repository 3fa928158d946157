#include "output/compare.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <numeric>

#include "output/h5util.h"

namespace entrepot {

using h5::Handle;

namespace {

// The paths of every dataset under the open group `group`, whose own path is `prefix`.
void collect_datasets(hid_t group, const std::string& prefix, const std::string& file,
                      std::vector<std::string>& out) {
  H5G_info_t info;
  h5::check(H5Gget_info(group, &info), file, "cannot list " + prefix);
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t length =
        H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (length < 0) h5::fail(file, "cannot list " + prefix);
    std::string name(static_cast<std::size_t>(length) + 1, '\0');
    if (H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(),
                           H5P_DEFAULT) < 0) {
      h5::fail(file, "cannot list " + prefix);
    }
    name.resize(static_cast<std::size_t>(length));
    const std::string path = (prefix == "/" ? "/" : prefix + "/") + name;
    Handle object = h5::checked(H5Oopen(group, name.c_str(), H5P_DEFAULT), H5Oclose, file,
                                "cannot open " + path);
    const H5I_type_t kind = H5Iget_type(object.get());
    if (kind == H5I_DATASET) out.push_back(path);
    if (kind == H5I_GROUP) collect_datasets(object.get(), path, file, out);
  }
}

// One dataset's values as read back in native layout, with what is needed to report them.
struct Values {
  std::vector<hsize_t> shape;
  Handle file_type;
  H5T_class_t kind = H5T_NO_CLASS;
  bool is_signed = false;
  std::size_t element_size = 0;      // 0 for variable-length strings
  std::string bytes;                 // fixed-size values
  std::vector<std::string> strings;  // variable-length strings
};

Values read_values(hid_t file_id, const std::string& path, const std::string& file) {
  Handle dataset = h5::open_dataset(file_id, path, file);
  Values v;
  v.shape = h5::dataset_shape(dataset.get(), file);
  v.file_type =
      h5::type_handle(H5Dget_type(dataset.get()), file, "cannot read the type of " + path);
  const htri_t variable = H5Tis_variable_str(v.file_type.get());
  if (variable < 0) h5::fail(file, "cannot read the type of " + path);
  if (variable > 0) {
    v.kind = H5T_STRING;
    v.strings = h5::read_strings(dataset.get(), file);
    return v;
  }
  Handle native = h5::type_handle(H5Tget_native_type(v.file_type.get(), H5T_DIR_ASCEND), file,
                                  "cannot read the type of " + path);
  v.kind = H5Tget_class(native.get());
  v.is_signed = v.kind == H5T_INTEGER && H5Tget_sign(native.get()) == H5T_SGN_2;
  v.element_size = H5Tget_size(native.get());
  const std::size_t count = std::accumulate(v.shape.begin(), v.shape.end(), std::size_t{1},
                                            [](std::size_t a, hsize_t b) { return a * b; });
  v.bytes.assign(count * v.element_size, '\0');
  if (count > 0) {
    h5::check(H5Dread(dataset.get(), native.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, v.bytes.data()),
              file, "cannot read " + path);
  }
  return v;
}

std::string shape_text(const std::vector<hsize_t>& shape) {
  std::string out = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + (shape.size() == 1 ? ",)" : ")");
}

// The index of flat element `flat` in an array of `shape`, as "(i, j, k)".
std::string index_text(std::size_t flat, const std::vector<hsize_t>& shape) {
  std::vector<hsize_t> index(shape.size(), 0);
  for (std::size_t axis = shape.size(); axis-- > 0;) {
    index[axis] = flat % shape[axis];
    flat /= shape[axis];
  }
  return shape_text(index);
}

// One fixed-size value as text, exact enough to show where two values part.
std::string value_text(const Values& v, std::size_t element) {
  const char* at = v.bytes.data() + element * v.element_size;
  char text[64] = "?";
  if (v.kind == H5T_FLOAT && v.element_size == sizeof(double)) {
    double x;
    std::memcpy(&x, at, sizeof x);
    std::snprintf(text, sizeof text, "%.17g", x);
  } else if (v.kind == H5T_FLOAT && v.element_size == sizeof(float)) {
    float x;
    std::memcpy(&x, at, sizeof x);
    std::snprintf(text, sizeof text, "%.9g", static_cast<double>(x));
  } else if (v.kind == H5T_INTEGER && v.element_size <= 8) {
    std::uint64_t raw = 0;
    std::memcpy(&raw, at, v.element_size);  // little-endian: the low bytes
    if (v.is_signed && v.element_size < 8 && (raw >> (8 * v.element_size - 1)) != 0) {
      raw |= ~std::uint64_t{0} << (8 * v.element_size);  // sign-extend
    }
    if (v.is_signed) {
      std::snprintf(text, sizeof text, "%lld", static_cast<long long>(raw));
    } else {
      std::snprintf(text, sizeof text, "%llu", static_cast<unsigned long long>(raw));
    }
  }
  return text;
}

// Why two datasets differ, or "" when their values are the same bytes.
std::string difference(const Values& a, const Values& b) {
  if (a.shape != b.shape) return "shape " + shape_text(a.shape) + " vs " + shape_text(b.shape);
  const htri_t same_type = H5Tequal(a.file_type.get(), b.file_type.get());
  if (same_type <= 0 || a.element_size != b.element_size) return "the element types differ";
  std::size_t count = 0, first = 0;
  if (a.element_size == 0) {
    for (std::size_t i = 0; i < a.strings.size(); ++i) {
      if (a.strings[i] == b.strings[i]) continue;
      if (count++ == 0) first = i;
    }
    if (count == 0) return "";
    return std::to_string(count) + " of " + std::to_string(a.strings.size()) +
           " strings differ, the first at " + index_text(first, a.shape) + ": '" +
           a.strings[first] + "' vs '" + b.strings[first] + "'";
  }
  if (a.bytes == b.bytes) return "";
  const std::size_t elements = a.bytes.size() / a.element_size;
  for (std::size_t i = 0; i < elements; ++i) {
    const std::size_t at = i * a.element_size;
    if (std::memcmp(a.bytes.data() + at, b.bytes.data() + at, a.element_size) == 0) continue;
    if (count++ == 0) first = i;
  }
  return std::to_string(count) + " of " + std::to_string(elements) +
         " values differ, the first at " + index_text(first, a.shape) + ": " +
         value_text(a, first) + " vs " + value_text(b, first);
}

std::vector<std::string> datasets_under(hid_t file_id, const std::string& group,
                                        const std::string& file) {
  if (group != "/" && !h5::link_exists(file_id, group, file)) {
    throw OutputError(file + ": no " + group + " in the file");
  }
  Handle g = h5::open_group(file_id, group, file);
  std::vector<std::string> paths;
  collect_datasets(g.get(), group, file, paths);
  std::sort(paths.begin(), paths.end());
  return paths;
}

}  // namespace

Comparison compare_files(const std::string& first, const std::string& second,
                         const std::string& group) {
  std::string where = group.empty() ? "/" : group;
  if (where.front() != '/') where = "/" + where;
  if (where.size() > 1 && where.back() == '/') where.pop_back();
  Handle a = h5::open_result_file(first), b = h5::open_result_file(second);
  const auto in_a = datasets_under(a.get(), where, first);
  const auto in_b = datasets_under(b.get(), where, second);

  Comparison out;
  for (const std::string& path : in_a) {
    if (!std::binary_search(in_b.begin(), in_b.end(), path)) {
      out.differences.push_back(path + ": only in " + first);
      continue;
    }
    const Values va = read_values(a.get(), path, first), vb = read_values(b.get(), path, second);
    ++out.datasets;
    for (const std::string& s : va.strings) out.bytes += s.size();
    out.bytes += va.bytes.size();
    const std::string why = difference(va, vb);
    if (!why.empty()) out.differences.push_back(path + ": " + why);
  }
  for (const std::string& path : in_b) {
    if (!std::binary_search(in_a.begin(), in_a.end(), path)) {
      out.differences.push_back(path + ": only in " + second);
    }
  }
  return out;
}

}  // namespace entrepot
