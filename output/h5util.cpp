#include "output/h5util.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstring>

namespace entrepot::h5 {
namespace {

herr_t innermost_message(unsigned /*n*/, const H5E_error2_t* error, void* out) {
  auto* reason = static_cast<std::string*>(out);
  // Walking upward, the first entry is the most specific one.
  if (reason->empty() && error->desc != nullptr) *reason = error->desc;
  return 0;
}

std::string base_name(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

Handle attribute_for_write(hid_t obj, const std::string& name, hid_t type, hid_t space,
                           const std::string& file) {
  const htri_t exists = H5Aexists(obj, name.c_str());
  if (exists < 0) fail(file, "cannot look up attribute '" + name + "'");
  if (exists > 0)
    check(H5Adelete(obj, name.c_str()), file, "cannot replace attribute '" + name + "'");
  return attr_handle(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), file,
                     "cannot create attribute '" + name + "'");
}

template <class T>
void write_number_attr(hid_t obj, const std::string& name, const T& value, hid_t file_type,
                       hid_t mem_type, const std::string& file) {
  Handle space = space_handle(H5Screate(H5S_SCALAR), file, "cannot create a scalar dataspace");
  Handle attr = attribute_for_write(obj, name, file_type, space.get(), file);
  check(H5Awrite(attr.get(), mem_type, &value), file, "cannot write attribute '" + name + "'");
  check(attr.close(), file, "cannot close attribute '" + name + "'");
}

Handle open_single_attr(hid_t obj, const std::string& name, const std::string& file) {
  Handle attr = attr_handle(H5Aopen(obj, name.c_str(), H5P_DEFAULT), file,
                            "cannot open attribute '" + name + "'");
  Handle space =
      space_handle(H5Aget_space(attr.get()), file, "cannot read attribute '" + name + "'");
  const hssize_t count = H5Sget_simple_extent_npoints(space.get());
  if (count != 1) {
    throw OutputError(file + ": attribute '" + name + "' holds " + std::to_string(count) +
                      " values, expected one");
  }
  return attr;
}

}  // namespace

std::unique_lock<std::recursive_mutex> hold_library() {
  static std::recursive_mutex library;
  return std::unique_lock<std::recursive_mutex>(library);
}

void quiet_errors() {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

std::string last_reason() {
  std::string reason;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, innermost_message, &reason);
  H5Eclear2(H5E_DEFAULT);
  return reason;
}

void fail(const std::string& file, const std::string& what) {
  const std::string reason = last_reason();
  throw OutputError(file + ": " + what + (reason.empty() ? "" : " (" + reason + ")"));
}

herr_t Handle::close() {
  if (id_ < 0 || closer_ == nullptr) return 0;
  const herr_t status = closer_(id_);
  id_ = -1;
  return status;
}

void Handle::reset() noexcept {
  if (id_ >= 0 && closer_ != nullptr) closer_(id_);
  id_ = -1;
}

Handle checked(hid_t id, Handle::Closer closer, const std::string& file, const std::string& what) {
  if (id < 0) fail(file, what);
  return Handle(id, closer);
}

Handle file_handle(hid_t id, const std::string& file, const std::string& what) {
  return checked(id, H5Fclose, file, what);
}
Handle group_handle(hid_t id, const std::string& file, const std::string& what) {
  return checked(id, H5Gclose, file, what);
}
Handle dataset_handle(hid_t id, const std::string& file, const std::string& what) {
  return checked(id, H5Dclose, file, what);
}
Handle space_handle(hid_t id, const std::string& file, const std::string& what) {
  return checked(id, H5Sclose, file, what);
}
Handle type_handle(hid_t id, const std::string& file, const std::string& what) {
  return checked(id, H5Tclose, file, what);
}
Handle attr_handle(hid_t id, const std::string& file, const std::string& what) {
  return checked(id, H5Aclose, file, what);
}
Handle plist_handle(hid_t id, const std::string& file, const std::string& what) {
  return checked(id, H5Pclose, file, what);
}

Handle create_group(hid_t parent, const std::string& name, const std::string& file) {
  Handle gcpl = plist_handle(H5Pcreate(H5P_GROUP_CREATE), file, "cannot create group properties");
  check(H5Pset_link_creation_order(gcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), file,
        "cannot set link creation order");
  return group_handle(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), file,
                      "cannot create group '" + name + "'");
}

Handle open_group(hid_t parent, const std::string& name, const std::string& file) {
  return group_handle(H5Gopen2(parent, name.c_str(), H5P_DEFAULT), file,
                      "cannot open group '" + name + "'");
}

Handle open_dataset(hid_t parent, const std::string& name, const std::string& file) {
  return dataset_handle(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), file,
                        "cannot open dataset '" + name + "'");
}

bool link_exists(hid_t parent, const std::string& name, const std::string& file) {
  const htri_t exists = H5Lexists(parent, name.c_str(), H5P_DEFAULT);
  if (exists < 0) fail(file, "cannot look up '" + name + "'");
  return exists > 0;
}

Handle utf8_string_type(const std::string& file) {
  Handle type = type_handle(H5Tcopy(H5T_C_S1), file, "cannot create a string type");
  check(H5Tset_size(type.get(), H5T_VARIABLE), file, "cannot make a variable-length string type");
  check(H5Tset_cset(type.get(), H5T_CSET_UTF8), file, "cannot set the UTF-8 character set");
  return type;
}

Handle simple_space(const std::vector<hsize_t>& dims, const std::vector<hsize_t>& max_dims,
                    const std::string& file) {
  return space_handle(H5Screate_simple(static_cast<int>(dims.size()), dims.data(),
                                       max_dims.empty() ? nullptr : max_dims.data()),
                      file, "cannot create a dataspace");
}

void write_attr(hid_t obj, const std::string& name, const std::string& value,
                const std::string& file) {
  Handle type = utf8_string_type(file);
  Handle space = space_handle(H5Screate(H5S_SCALAR), file, "cannot create a scalar dataspace");
  Handle attr = attribute_for_write(obj, name, type.get(), space.get(), file);
  const char* text = value.c_str();
  check(H5Awrite(attr.get(), type.get(), &text), file, "cannot write attribute '" + name + "'");
  check(attr.close(), file, "cannot close attribute '" + name + "'");
}

void write_attr(hid_t obj, const std::string& name, std::int64_t value, const std::string& file) {
  write_number_attr(obj, name, value, H5T_STD_I64LE, H5T_NATIVE_INT64, file);
}
void write_attr(hid_t obj, const std::string& name, std::uint64_t value, const std::string& file) {
  write_number_attr(obj, name, value, H5T_STD_U64LE, H5T_NATIVE_UINT64, file);
}
void write_attr(hid_t obj, const std::string& name, std::int32_t value, const std::string& file) {
  write_number_attr(obj, name, value, H5T_STD_I32LE, H5T_NATIVE_INT32, file);
}
void write_attr(hid_t obj, const std::string& name, double value, const std::string& file) {
  write_number_attr(obj, name, value, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, file);
}

void write_ascii_attr(hid_t obj, const std::string& name, const std::string& value,
                      const std::string& file) {
  Handle type = type_handle(H5Tcopy(H5T_C_S1), file, "cannot create a string type");
  check(H5Tset_size(type.get(), value.size() + 1), file, "cannot size a string type");
  check(H5Tset_strpad(type.get(), H5T_STR_NULLTERM), file, "cannot set string padding");
  Handle space = space_handle(H5Screate(H5S_SCALAR), file, "cannot create a scalar dataspace");
  Handle attr = attribute_for_write(obj, name, type.get(), space.get(), file);
  check(H5Awrite(attr.get(), type.get(), value.c_str()), file,
        "cannot write attribute '" + name + "'");
  check(attr.close(), file, "cannot close attribute '" + name + "'");
}

bool has_attr(hid_t obj, const std::string& name, const std::string& file) {
  const htri_t exists = H5Aexists(obj, name.c_str());
  if (exists < 0) fail(file, "cannot look up attribute '" + name + "'");
  return exists > 0;
}

std::string read_string_attr(hid_t obj, const std::string& name, const std::string& file) {
  Handle attr = open_single_attr(obj, name, file);
  Handle type =
      type_handle(H5Aget_type(attr.get()), file, "cannot read the type of '" + name + "'");
  if (H5Tget_class(type.get()) != H5T_STRING) {
    throw OutputError(file + ": attribute '" + name + "' is not a string");
  }
  const htri_t variable = H5Tis_variable_str(type.get());
  if (variable < 0) fail(file, "cannot read the type of '" + name + "'");
  if (variable > 0) {
    Handle mem = type_handle(H5Tcopy(H5T_C_S1), file, "cannot create a string type");
    check(H5Tset_size(mem.get(), H5T_VARIABLE), file, "cannot create a string type");
    check(H5Tset_cset(mem.get(), H5Tget_cset(type.get())), file, "cannot create a string type");
    char* text = nullptr;
    check(H5Aread(attr.get(), mem.get(), &text), file, "cannot read attribute '" + name + "'");
    std::string value = text != nullptr ? text : "";
    H5free_memory(text);
    return value;
  }
  const std::size_t size = H5Tget_size(type.get());
  std::string buffer(size, '\0');
  check(H5Aread(attr.get(), type.get(), buffer.data()), file,
        "cannot read attribute '" + name + "'");
  buffer.resize(std::strlen(buffer.c_str()));
  return buffer;
}

std::int64_t read_int_attr(hid_t obj, const std::string& name, const std::string& file) {
  Handle attr = open_single_attr(obj, name, file);
  std::int64_t value = 0;
  check(H5Aread(attr.get(), H5T_NATIVE_INT64, &value), file,
        "cannot read attribute '" + name + "' as an integer");
  return value;
}

std::uint64_t read_uint_attr(hid_t obj, const std::string& name, const std::string& file) {
  Handle attr = open_single_attr(obj, name, file);
  std::uint64_t value = 0;
  check(H5Aread(attr.get(), H5T_NATIVE_UINT64, &value), file,
        "cannot read attribute '" + name + "' as an unsigned integer");
  return value;
}

Handle write_strings(hid_t parent, const std::string& name, const std::vector<std::string>& values,
                     const std::string& file) {
  Handle type = utf8_string_type(file);
  Handle space = simple_space({values.size()}, {}, file);
  Handle dataset = dataset_handle(H5Dcreate2(parent, name.c_str(), type.get(), space.get(),
                                             H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                                  file, "cannot create dataset '" + name + "'");
  std::vector<const char*> text;
  text.reserve(values.size() + 1);
  for (const std::string& value : values) text.push_back(value.c_str());
  text.push_back(nullptr);  // never written; keeps data() valid for an empty table
  check(H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, text.data()), file,
        "cannot write dataset '" + name + "'");
  return dataset;
}

std::vector<std::string> read_strings(hid_t dataset, const std::string& file) {
  Handle space = space_handle(H5Dget_space(dataset), file, "cannot read a dataspace");
  const hssize_t count = H5Sget_simple_extent_npoints(space.get());
  if (count < 0) fail(file, "cannot read a dataspace");
  Handle type = utf8_string_type(file);
  std::vector<char*> text(static_cast<std::size_t>(count) + 1, nullptr);
  check(H5Dread(dataset, type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, text.data()), file,
        "cannot read a string dataset");
  std::vector<std::string> values;
  for (hssize_t i = 0; i < count; ++i) values.emplace_back(text[i] != nullptr ? text[i] : "");
#if H5_VERSION_GE(1, 12, 0)
  H5Treclaim(type.get(), space.get(), H5P_DEFAULT, text.data());
#else
  H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, text.data());
#endif
  return values;
}

Handle create_array(hid_t parent, const std::string& name, hid_t file_type,
                    const std::vector<hsize_t>& dims, bool compress, const std::string& file) {
  Handle space = simple_space(dims, {}, file);
  Handle dcpl =
      plist_handle(H5Pcreate(H5P_DATASET_CREATE), file, "cannot create dataset properties");
  const bool empty = std::any_of(dims.begin(), dims.end(), [](hsize_t d) { return d == 0; });
  if (compress && !empty) {
    // Chunks of at most ~1 MiB, split along the first axis.
    std::vector<hsize_t> chunk = dims;
    hsize_t bytes = H5Tget_size(file_type);
    for (hsize_t d : dims) bytes *= d;
    while (bytes > (hsize_t{1} << 20) && chunk[0] > 1) {
      bytes = bytes / chunk[0] * ((chunk[0] + 1) / 2);
      chunk[0] = (chunk[0] + 1) / 2;
    }
    check(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()), file,
          "cannot set chunking of '" + name + "'");
    check(H5Pset_shuffle(dcpl.get()), file, "cannot set the shuffle filter on '" + name + "'");
    check(H5Pset_deflate(dcpl.get(), 4), file, "cannot set compression on '" + name + "'");
  }
  return dataset_handle(H5Dcreate2(parent, name.c_str(), file_type, space.get(), H5P_DEFAULT,
                                   dcpl.get(), H5P_DEFAULT),
                        file, "cannot create dataset '" + name + "'");
}

Handle write_array(hid_t parent, const std::string& name, hid_t mem_type, hid_t file_type,
                   const std::vector<hsize_t>& dims, const void* data, bool compress,
                   const std::string& file) {
  Handle dataset = create_array(parent, name, file_type, dims, compress, file);
  const bool empty = std::any_of(dims.begin(), dims.end(), [](hsize_t d) { return d == 0; });
  if (!empty) {
    check(H5Dwrite(dataset.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), file,
          "cannot write dataset '" + name + "'");
  }
  return dataset;
}

Handle open_result_file(const std::string& path) {
  quiet_errors();
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) throw OutputError(path + ": no such file");
  if (S_ISDIR(info.st_mode)) throw OutputError(path + ": is a folder, not a result file");
  const htri_t is_hdf5 = H5Fis_hdf5(path.c_str());
  if (is_hdf5 <= 0) {
    throw OutputError(path + ": not an HDF5 file (a result file of `entrepot run` is expected)");
  }
  Handle fapl = plist_handle(H5Pcreate(H5P_FILE_ACCESS), path, "cannot create access properties");
#if (H5_VERS_MAJOR == 1 && H5_VERS_MINOR == 10 && H5_VERS_RELEASE >= 7) || H5_VERSION_GE(1, 12, 1)
  // A running job holds the file lock; reading without it shows its last flush.
  check(H5Pset_file_locking(fapl.get(), 0, 1), path, "cannot set file locking");
#endif
  hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get());
  // Already open in this process with the usual locking: open it the same way.
  if (id < 0) id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  Handle file = file_handle(id, path, "cannot open the file");
  if (!has_attr(file.get(), "entrepot_version", path)) {
    throw OutputError(path + ": not an Entrepot result file (no entrepot_version attribute)");
  }
  return file;
}

std::vector<hsize_t> dataset_shape(hid_t dataset, const std::string& file) {
  Handle space = space_handle(H5Dget_space(dataset), file, "cannot read a dataspace");
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) fail(file, "cannot read the rank of a dataset");
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  if (rank > 0 && H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr) < 0) {
    fail(file, "cannot read the shape of a dataset");
  }
  return dims;
}

void DimensionScales::define(hid_t file_id, const std::string& path) {
  Handle scale = open_dataset(file_id, path, file_);
  write_ascii_attr(scale.get(), "CLASS", "DIMENSION_SCALE", file_);
  write_ascii_attr(scale.get(), "NAME", base_name(path), file_);
  scales_.push_back({path, {}});
}

void DimensionScales::attach(hid_t file_id, const std::string& var_path,
                             const std::vector<std::string>& dim_paths) {
  std::vector<hobj_ref_t> refs(dim_paths.size());
  std::vector<hvl_t> lists(dim_paths.size());
  for (std::size_t axis = 0; axis < dim_paths.size(); ++axis) {
    auto scale = std::find_if(scales_.begin(), scales_.end(),
                              [&](const auto& s) { return s.first == dim_paths[axis]; });
    if (scale == scales_.end()) {
      throw OutputError(file_ + ": dimension '" + dim_paths[axis] + "' of '" + var_path +
                        "' is not defined");
    }
    scale->second.push_back({var_path, static_cast<int>(axis)});
    check(H5Rcreate(&refs[axis], file_id, dim_paths[axis].c_str(), H5R_OBJECT, -1), file_,
          "cannot reference dimension '" + dim_paths[axis] + "'");
    lists[axis].len = 1;
    lists[axis].p = &refs[axis];
  }
  Handle var = open_dataset(file_id, var_path, file_);
  Handle type = type_handle(H5Tvlen_create(H5T_STD_REF_OBJ), file_, "cannot create a list type");
  Handle space = simple_space({dim_paths.size()}, {}, file_);
  Handle attr = attribute_for_write(var.get(), "DIMENSION_LIST", type.get(), space.get(), file_);
  check(H5Awrite(attr.get(), type.get(), lists.data()), file_,
        "cannot attach the dimensions of '" + var_path + "'");
  check(attr.close(), file_, "cannot close the dimension list of '" + var_path + "'");
}

void DimensionScales::finish(hid_t file_id) {
  // Layout of one REFERENCE_LIST entry, as the dimension scale routines define it.
  struct Entry {
    hobj_ref_t dataset;
    int dimension;
  };
  for (const auto& [path, backs] : scales_) {
    if (backs.empty()) continue;
    std::vector<Entry> entries(backs.size());
    for (std::size_t i = 0; i < backs.size(); ++i) {
      check(H5Rcreate(&entries[i].dataset, file_id, backs[i].var_path.c_str(), H5R_OBJECT, -1),
            file_, "cannot reference '" + backs[i].var_path + "'");
      entries[i].dimension = backs[i].axis;
    }
    Handle type =
        type_handle(H5Tcreate(H5T_COMPOUND, sizeof(Entry)), file_, "cannot create a list type");
    check(H5Tinsert(type.get(), "dataset", HOFFSET(Entry, dataset), H5T_STD_REF_OBJ), file_,
          "cannot create a list type");
    check(H5Tinsert(type.get(), "dimension", HOFFSET(Entry, dimension), H5T_NATIVE_INT), file_,
          "cannot create a list type");
    Handle scale = open_dataset(file_id, path, file_);
    Handle space = simple_space({entries.size()}, {}, file_);
    Handle attr =
        attribute_for_write(scale.get(), "REFERENCE_LIST", type.get(), space.get(), file_);
    check(H5Awrite(attr.get(), type.get(), entries.data()), file_,
          "cannot write the references of dimension '" + path + "'");
    check(attr.close(), file_, "cannot close the references of dimension '" + path + "'");
  }
}

void write_label_coordinates(hid_t file_id, const std::string& group_path,
                             const std::vector<Labels>& labels, DimensionScales& scales,
                             const std::string& file) {
  Handle group = open_group(file_id, group_path, file);
  for (const Labels& label : labels) {
    Handle coord = write_strings(group.get(), label.name, *label.values, file);
    write_attr(coord.get(), "long_name", label.long_name, file);
    check(coord.close(), file, "cannot close '" + group_path + "/" + label.name + "'");
    scales.define(file_id, group_path + "/" + label.name);
  }
}

}  // namespace entrepot::h5
