# entrepot_device_sources(FILES...): in the CUDA build, marks each file that reaches a
# Thrust header — directly or through project headers such as kernels/model.h — as CUDA,
# so nvcc compiles it; the host compiler cannot instantiate CUDA Thrust algorithms. Files
# that do not reach Thrust stay with the host compiler (faster, and OpenMP for their own
# loops). Called in the folder whose targets use the files (source properties are per
# folder). A no-op in the omp build.

# Sets `out` to TRUE if `file` (an absolute path) reaches a Thrust header.
function(_entrepot_reaches_thrust file out)
  get_property(known GLOBAL PROPERTY "ENTREPOT_THRUST:${file}" SET)
  if(known)
    get_property(result GLOBAL PROPERTY "ENTREPOT_THRUST:${file}")
    set(${out} ${result} PARENT_SCOPE)
    return()
  endif()
  set_property(GLOBAL PROPERTY "ENTREPOT_THRUST:${file}" FALSE)  # stops include cycles
  # A change to the file's includes must reconsider it.
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${file}")
  set(result FALSE)
  file(STRINGS "${file}" includes REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]")
  foreach(line IN LISTS includes)
    if(line MATCHES "[<\"]thrust/")
      set(result TRUE)
      break()
    endif()
    if(NOT line MATCHES "\"([^\"]+)\"")
      continue()
    endif()
    set(header "${CMAKE_SOURCE_DIR}/${CMAKE_MATCH_1}")  # project headers: from the root
    if(EXISTS "${header}")
      _entrepot_reaches_thrust("${header}" nested)
      if(nested)
        set(result TRUE)
        break()
      endif()
    endif()
  endforeach()
  set_property(GLOBAL PROPERTY "ENTREPOT_THRUST:${file}" ${result})
  set(${out} ${result} PARENT_SCOPE)
endfunction()

function(entrepot_device_sources)
  if(NOT ENTREPOT_BACKEND STREQUAL "cuda")
    return()
  endif()
  foreach(source IN LISTS ARGN)
    get_filename_component(path "${source}" ABSOLUTE)
    _entrepot_reaches_thrust("${path}" device)
    if(device)
      set_source_files_properties("${source}" PROPERTIES LANGUAGE CUDA)
    endif()
  endforeach()
endfunction()
