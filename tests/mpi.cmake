# The communication layer under a real mpirun: 1 to 4 ranks, and a failing rank that must
# stop the whole job (non-zero exit, within a time limit, never a hang).
if(ENTREPOT_MPI)
  add_executable(entrepot_comm_check ${CMAKE_CURRENT_SOURCE_DIR}/mpi/comm_check.cpp)
  target_link_libraries(entrepot_comm_check PRIVATE entrepot_world)
  foreach(ranks 1 2 3 4)
    add_test(NAME mpi.comm_${ranks}_ranks
             COMMAND ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG} ${ranks} --oversubscribe
                     $<TARGET_FILE:entrepot_comm_check>)
    set_tests_properties(mpi.comm_${ranks}_ranks PROPERTIES LABELS mpi TIMEOUT 120
      ENVIRONMENT "OMPI_ALLOW_RUN_AS_ROOT=1;OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1")
  endforeach()
  add_test(NAME mpi.failing_rank_stops_the_job
           COMMAND ${SYSTEM_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/mpi/failing_rank.py
                   ${MPIEXEC_EXECUTABLE} $<TARGET_FILE:entrepot_comm_check>)
  set_tests_properties(mpi.failing_rank_stops_the_job PROPERTIES LABELS mpi TIMEOUT 120
    ENVIRONMENT "OMPI_ALLOW_RUN_AS_ROOT=1;OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1")
endif()

# `entrepot run` under mpirun: -np 1 matches a plain run byte for byte; more ranks are refused
# with the partition reported until a run can be stepped over several ranks.
if(ENTREPOT_MPI AND SYSTEM_PYTHON)
  entrepot_cli_test(cli-mpirun 300 mpirun.py ${MPIEXEC_EXECUTABLE})
  set_property(TEST cli-mpirun APPEND PROPERTY LABELS mpi)
endif()

# Snapshots written with parallel HDF5 under a real mpirun at 1 to 4 ranks, compared with
# the same run written by one process.
if(ENTREPOT_MPI AND HDF5_IS_PARALLEL AND SYSTEM_PYTHON)
  add_executable(entrepot_snapshot_check ${CMAKE_CURRENT_SOURCE_DIR}/mpi/snapshot_check.cpp)
  target_link_libraries(entrepot_snapshot_check PRIVATE entrepot_output GTest::gtest
                                                        ${HDF5_C_LIBRARIES})
  target_include_directories(entrepot_snapshot_check SYSTEM PRIVATE ${HDF5_C_INCLUDE_DIRS})
  foreach(ranks 1 2 3 4)
    add_test(NAME mpi.snapshot_${ranks}_ranks
             COMMAND ${SYSTEM_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/mpi/parallel_snapshot.py
                     ${MPIEXEC_EXECUTABLE} $<TARGET_FILE:entrepot_snapshot_check> ${ranks})
    set_tests_properties(mpi.snapshot_${ranks}_ranks PROPERTIES LABELS mpi TIMEOUT 120)
  endforeach()
endif()
