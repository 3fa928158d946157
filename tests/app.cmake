# The `entrepot` command's own utilities (progress, stop signals, machine measurements)
# are built into the executable from app/*.cpp; the unit tests compile them in as well.
target_sources(entrepot_tests PRIVATE ${CMAKE_SOURCE_DIR}/app/progress.cpp
                                      ${CMAKE_SOURCE_DIR}/app/signals.cpp
                                      ${CMAKE_SOURCE_DIR}/app/machine.cpp)
target_include_directories(entrepot_tests PRIVATE ${CMAKE_SOURCE_DIR})
