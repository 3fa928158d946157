# ENTREPOT_PORTABLE=ON: programs that run where the build's libraries are not installed,
# such as a GPU node without network (docs/gpu.md). HDF5 with its compression filters
# (szip/libaec, zlib) and yaml-cpp come from Debian's static archives; GoogleTest is a
# static archive on Debian already. What is left is what every Linux machine with a C++
# compiler has: glibc, libstdc++, libgcc and libgomp (and, for the CUDA build, the NVIDIA
# driver). The C++ runtime stays shared on purpose: Debian 12's static one would raise the
# glibc needed from 2.34 to 2.36. Off: the shared libraries, as before.

set(ENTREPOT_YAML_CPP yaml-cpp)

if(NOT ENTREPOT_PORTABLE)
  return()
endif()

# Only the static archive of each: a shared library found first would defeat the purpose.
function(_entrepot_static_library var name)
  find_library(${var} NAMES lib${name}.a PATH_SUFFIXES hdf5/serial)
  if(NOT ${var})
    message(FATAL_ERROR "ENTREPOT_PORTABLE=ON: no static lib${name}.a found; install the "
                        "Debian package that ships it (scripts/setup lists them) or build "
                        "with -DENTREPOT_PORTABLE=OFF.")
  endif()
endfunction()

_entrepot_static_library(ENTREPOT_HDF5_STATIC hdf5)
_entrepot_static_library(ENTREPOT_SZ_STATIC sz)
_entrepot_static_library(ENTREPOT_AEC_STATIC aec)
_entrepot_static_library(ENTREPOT_Z_STATIC z)
_entrepot_static_library(ENTREPOT_YAML_CPP_STATIC yaml-cpp)
# Replaces FindHDF5's list, which names the shared filters (and curl for remote files,
# which Entrepot does not open).
set(HDF5_C_LIBRARIES ${ENTREPOT_HDF5_STATIC} ${ENTREPOT_SZ_STATIC} ${ENTREPOT_AEC_STATIC}
                     ${ENTREPOT_Z_STATIC} ${CMAKE_DL_LIBS} m)
set(ENTREPOT_YAML_CPP ${ENTREPOT_YAML_CPP_STATIC})
