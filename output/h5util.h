// Thin, checked layer over the HDF5 C API for the recorder and the reader: owning
// handles, calls that throw OutputError naming the file, attributes, string tables and
// netCDF-4 style dimension scales. Private to output/.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "output/recorder.h"

namespace entrepot::h5 {

// Silences HDF5's own error printing for this thread; our exceptions carry the reason.
void quiet_errors();
// The HDF5 library serves one thread at a time: Debian's parallel build is not thread-safe,
// and `entrepot batch` writes several result files from one process. Every entry into the
// output layer that calls HDF5 holds this (recursive: entries call each other).
std::unique_lock<std::recursive_mutex> hold_library();

// The innermost message on HDF5's error stack, e.g. "unable to open file: ... errno = 2".
std::string last_reason();

// Throws OutputError("FILE: WHAT (hdf5 reason)").
[[noreturn]] void fail(const std::string& file, const std::string& what);

// Owns one hid_t and closes it with the function that matches its kind.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  ~Handle() { reset(); }
  Handle(Handle&& other) noexcept : id_(other.id_), closer_(other.closer_) { other.id_ = -1; }
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, -1);
      closer_ = other.closer_;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  hid_t get() const { return id_; }
  explicit operator bool() const { return id_ >= 0; }
  // Closes now and reports failure (a destructor cannot).
  herr_t close();
  void reset() noexcept;
  // Gives the id up without closing it.
  hid_t release() noexcept { return std::exchange(id_, -1); }

 private:
  hid_t id_ = -1;
  Closer closer_ = nullptr;
};

// Checked calls: `file` and `what` name the failure.
inline void check(herr_t status, const std::string& file, const std::string& what) {
  if (status < 0) fail(file, what);
}
Handle checked(hid_t id, Handle::Closer closer, const std::string& file, const std::string& what);

Handle file_handle(hid_t id, const std::string& file, const std::string& what);
Handle group_handle(hid_t id, const std::string& file, const std::string& what);
Handle dataset_handle(hid_t id, const std::string& file, const std::string& what);
Handle space_handle(hid_t id, const std::string& file, const std::string& what);
Handle type_handle(hid_t id, const std::string& file, const std::string& what);
Handle attr_handle(hid_t id, const std::string& file, const std::string& what);
Handle plist_handle(hid_t id, const std::string& file, const std::string& what);

// A group whose links keep their creation order (readers list variables as written).
Handle create_group(hid_t parent, const std::string& name, const std::string& file);
Handle open_group(hid_t parent, const std::string& name, const std::string& file);
Handle open_dataset(hid_t parent, const std::string& name, const std::string& file);
// Opens an Entrepot result file for reading, also while a running job holds it; throws
// OutputError naming the problem (no such file, a folder, not HDF5, not a result file).
Handle open_result_file(const std::string& path);
bool link_exists(hid_t parent, const std::string& name, const std::string& file);

// Variable-length UTF-8 string type: h5py reads it as str, h5netcdf as a string variable.
Handle utf8_string_type(const std::string& file);
Handle simple_space(const std::vector<hsize_t>& dims, const std::vector<hsize_t>& max_dims,
                    const std::string& file);

// Scalar attributes on any object.
void write_attr(hid_t obj, const std::string& name, const std::string& value,
                const std::string& file);
void write_attr(hid_t obj, const std::string& name, std::int64_t value, const std::string& file);
void write_attr(hid_t obj, const std::string& name, std::uint64_t value, const std::string& file);
void write_attr(hid_t obj, const std::string& name, std::int32_t value, const std::string& file);
void write_attr(hid_t obj, const std::string& name, double value, const std::string& file);
// Fixed-size null-terminated ASCII, as the dimension scale specification requires.
void write_ascii_attr(hid_t obj, const std::string& name, const std::string& value,
                      const std::string& file);

bool has_attr(hid_t obj, const std::string& name, const std::string& file);
// Reads a string attribute stored either as variable-length or fixed-size.
std::string read_string_attr(hid_t obj, const std::string& name, const std::string& file);
// Reads any integer attribute converted to int64 (uint64 values above INT64_MAX fail).
std::int64_t read_int_attr(hid_t obj, const std::string& name, const std::string& file);
std::uint64_t read_uint_attr(hid_t obj, const std::string& name, const std::string& file);

// A 1-D dataset of variable-length UTF-8 strings.
Handle write_strings(hid_t parent, const std::string& name, const std::vector<std::string>& values,
                     const std::string& file);
std::vector<std::string> read_strings(hid_t dataset, const std::string& file);

// A fixed-size dataset, contiguous, or in compressed chunks of at most ~1 MiB if `compress`.
Handle create_array(hid_t parent, const std::string& name, hid_t file_type,
                    const std::vector<hsize_t>& dims, bool compress, const std::string& file);
// create_array() written in one go.
Handle write_array(hid_t parent, const std::string& name, hid_t mem_type, hid_t file_type,
                   const std::vector<hsize_t>& dims, const void* data, bool compress,
                   const std::string& file);

std::vector<hsize_t> dataset_shape(hid_t dataset, const std::string& file);

// netCDF-4 dimensions: a 1-D coordinate dataset marked as a dimension scale, and variables
// whose axes are attached to scales. Written by hand from the HDF5 Dimension Scale
// Specification (CLASS/NAME, DIMENSION_LIST, REFERENCE_LIST attributes) because the build
// links only the core HDF5 library, not the high-level one; h5py, netCDF-C and h5netcdf
// read these through the standard H5DS routines.
class DimensionScales {
 public:
  explicit DimensionScales(std::string file) : file_(std::move(file)) {}
  // Marks the dataset at absolute `path` as the scale of dimension `path`'s base name.
  void define(hid_t file_id, const std::string& path);
  // Attaches the axes of the variable at `var_path` to the scales in `dim_paths`, in order.
  void attach(hid_t file_id, const std::string& var_path,
              const std::vector<std::string>& dim_paths);
  // Writes the back-references (REFERENCE_LIST) on every scale; call once, after attach().
  void finish(hid_t file_id);

 private:
  struct Back {
    std::string var_path;
    int axis;
  };
  std::string file_;
  std::vector<std::pair<std::string, std::vector<Back>>> scales_;
};

// A dimension labelled by strings (country codes, region names, ...).
struct Labels {
  std::string name;
  const std::vector<std::string>* values;
  std::string long_name;
};

// Writes each label set as a coordinate variable `group_path/name` and defines it as a scale.
void write_label_coordinates(hid_t file_id, const std::string& group_path,
                             const std::vector<Labels>& labels, DimensionScales& scales,
                             const std::string& file);

}  // namespace entrepot::h5
