# Fails unless MPI headers are included only in world/ and HDF5 headers only in output/
# (DESIGN §2), and no project include climbs out of the root with "../", which would step
# around the floors' include roots. Scans every floor of the program (tests stand above
# the floors and read result files with HDF5 themselves).
set(problems "")
foreach(floor base world agents kernels output app)
  file(GLOB_RECURSE files ${SOURCE_DIR}/${floor}/*.h ${SOURCE_DIR}/${floor}/*.cpp
       ${SOURCE_DIR}/${floor}/*.cu ${SOURCE_DIR}/${floor}/*.cuh)
  foreach(file IN LISTS files)
    file(STRINGS ${file} lines REGEX "^[ \t]*#[ \t]*include")
    file(RELATIVE_PATH name ${SOURCE_DIR} ${file})
    foreach(line IN LISTS lines)
      if(line MATCHES "[<\"](mpi|mpio)\\.h[>\"]" AND NOT floor STREQUAL "world")
        string(APPEND problems "  ${name}: MPI outside world/: ${line}\n")
      endif()
      if(line MATCHES "[<\"](hdf5[a-z_]*|H5[A-Za-z]*)\\.h[>\"]" AND NOT floor STREQUAL "output")
        string(APPEND problems "  ${name}: HDF5 outside output/: ${line}\n")
      endif()
      if(line MATCHES "\"\\.\\./")
        string(APPEND problems "  ${name}: an include out of the root: ${line}\n")
      endif()
    endforeach()
  endforeach()
endforeach()
if(problems)
  message(FATAL_ERROR "includes against the floors:\n${problems}")
endif()
message("MPI only in world/, HDF5 only in output/, no include climbs out of the root")
