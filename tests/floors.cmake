# The floors hold (DESIGN §2). For each floor and each folder it may not use, a probe that
# includes a header of that folder is preprocessed against the floor's include root and
# must fail for that very header. A scan checks that MPI headers appear only in world/ and
# HDF5 headers only in output/, and that no include climbs out of the root with "../".
set(_entrepot_folders base world agents kernels output app)
set(_entrepot_probe_header_base base/limits.h)
set(_entrepot_probe_header_world world/scenario.h)
set(_entrepot_probe_header_agents agents/stores.h)
set(_entrepot_probe_header_kernels kernels/model.h)
set(_entrepot_probe_header_output output/recorder.h)
set(_entrepot_probe_header_app app/commands.h)
foreach(floor base world agents kernels output)
  get_property(uses GLOBAL PROPERTY ENTREPOT_FLOOR_USES_${floor})
  foreach(folder IN LISTS _entrepot_folders)
    if(folder IN_LIST uses)
      continue()
    endif()
    set(header ${_entrepot_probe_header_${folder}})
    add_test(NAME floors.${floor}_cannot_include_${folder}
             COMMAND ${CMAKE_COMMAND} -DCOMPILER=${CMAKE_CXX_COMPILER}
                     -DROOT=${ENTREPOT_FLOOR_${floor}} -DHEADER=${header}
                     -DPROBE=${CMAKE_BINARY_DIR}/floors/probes/${floor}_${folder}.cpp
                     -P ${CMAKE_CURRENT_SOURCE_DIR}/floors/probe.cmake)
    # Passes only if the compiler stopped at the forbidden header itself.
    set_tests_properties(floors.${floor}_cannot_include_${folder} PROPERTIES
      PASS_REGULAR_EXPRESSION "probe refused: ${header}" LABELS floors)
  endforeach()
endforeach()

add_test(NAME floors.mpi_and_hdf5_headers
         COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${CMAKE_SOURCE_DIR}
                 -P ${CMAKE_CURRENT_SOURCE_DIR}/floors/scan.cmake)
set_tests_properties(floors.mpi_and_hdf5_headers PROPERTIES LABELS floors)
