# The floors of the house (DESIGN §2). A floor's sources include project headers by their
# path from the repository root ("world/scenario.h"), but the floor is not given the root:
# it is given ${CMAKE_BINARY_DIR}/floors/<floor>, a folder holding links to exactly the
# folders it may use. An include of a folder above it then fails to compile, with the
# compiler naming the header it could not find.

# entrepot_floor(FLOOR FOLDER...): makes the include root of FLOOR, with links to FOLDERs;
# sets ENTREPOT_FLOOR_<FLOOR> to its path and remembers the FOLDERs for the checks.
function(entrepot_floor floor)
  set(root ${CMAKE_BINARY_DIR}/floors/${floor})
  file(MAKE_DIRECTORY ${root})
  # A folder this floor no longer may use loses its link (the links only, never their
  # targets: file(REMOVE) removes a link itself).
  file(GLOB present RELATIVE ${root} ${root}/*)
  foreach(name IN LISTS present)
    if(NOT name IN_LIST ARGN)
      file(REMOVE ${root}/${name})
    endif()
  endforeach()
  foreach(folder IN LISTS ARGN)
    file(CREATE_LINK ${CMAKE_SOURCE_DIR}/${folder} ${root}/${folder} SYMBOLIC)
  endforeach()
  set(ENTREPOT_FLOOR_${floor} ${root} PARENT_SCOPE)
  set_property(GLOBAL PROPERTY ENTREPOT_FLOOR_USES_${floor} ${ARGN})
endfunction()

# entrepot_floor_headers(FLOOR TARGET): an object library entrepot_<FLOOR>_headers with one
# translation unit per header of FLOOR's folder, each including only that header, compiled
# against FLOOR's root with TARGET's usage requirements (third-party include folders). So
# every header is self-contained and keeps to its floor, even one that only the floors
# above compile. In the CUDA build the same sources are already checked by the omp build
# of CI, and nvcc would take minutes over them: it adds nothing there.
function(entrepot_floor_headers floor target)
  if(ENTREPOT_BACKEND STREQUAL "cuda")
    return()
  endif()
  file(GLOB headers CONFIGURE_DEPENDS RELATIVE ${CMAKE_SOURCE_DIR} ${CMAKE_SOURCE_DIR}/${floor}/*.h)
  set(sources)
  foreach(header IN LISTS headers)
    string(MAKE_C_IDENTIFIER ${header} name)
    set(source ${CMAKE_BINARY_DIR}/floors/checks/${name}.cpp)
    set(text "#include \"${header}\"  // compiles alone on its floor\n")
    if(EXISTS ${source})
      file(READ ${source} old)
    else()
      set(old "")
    endif()
    if(NOT old STREQUAL text)  # unchanged files keep their time: no rebuild
      file(WRITE ${source} "${text}")
    endif()
    list(APPEND sources ${source})
  endforeach()
  if(NOT sources)
    return()
  endif()
  add_library(entrepot_${floor}_headers OBJECT ${sources})
  target_include_directories(entrepot_${floor}_headers PRIVATE ${ENTREPOT_FLOOR_${floor}})
  target_link_libraries(entrepot_${floor}_headers PRIVATE ${target})
endfunction()
