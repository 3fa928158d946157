# The `entrepot` command's own utilities (progress, stop signals, machine and device, the
# exchange estimate, health checks, the memory estimate) are built into the executable from app/*.cpp; the unit tests compile
# them in as well.
set(APP_TESTED_SOURCES ${CMAKE_SOURCE_DIR}/app/progress.cpp ${CMAKE_SOURCE_DIR}/app/signals.cpp
                       ${CMAKE_SOURCE_DIR}/app/machine.cpp ${CMAKE_SOURCE_DIR}/app/machine_device.cpp
                       ${CMAKE_SOURCE_DIR}/app/exchange_estimate.cpp
                       ${CMAKE_SOURCE_DIR}/app/health.cpp ${CMAKE_SOURCE_DIR}/app/memory.cpp)
entrepot_device_sources(${APP_TESTED_SOURCES})
target_sources(entrepot_tests PRIVATE ${APP_TESTED_SOURCES})
if(ENTREPOT_BACKEND STREQUAL "cuda")
  entrepot_watch_device_memory(entrepot_tests)
endif()
target_include_directories(entrepot_tests PRIVATE ${CMAKE_SOURCE_DIR})
