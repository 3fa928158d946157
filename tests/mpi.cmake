# The communication layer under a real mpirun: 1 to 4 ranks, and a failing rank that must
# stop the whole job (non-zero exit, within a time limit, never a hang).
if(ENTREPOT_MPI)
  add_executable(entrepot_comm_check ${CMAKE_CURRENT_SOURCE_DIR}/mpi/comm_check.cpp)
  target_link_libraries(entrepot_comm_check PRIVATE entrepot_world)
  target_include_directories(entrepot_comm_check PRIVATE ${CMAKE_SOURCE_DIR})
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

# `entrepot run` over 1 to 4 ranks: the result file holds the same bytes as a plain run.
if(ENTREPOT_MPI AND SYSTEM_PYTHON)
  foreach(ranks 1 2 3 4)
    entrepot_cli_test(mpi.run_${ranks}_ranks 600 mpirun.py ${MPIEXEC_EXECUTABLE} ${ranks})
    set_property(TEST mpi.run_${ranks}_ranks APPEND PROPERTY LABELS mpi)
  endforeach()
endif()

# Checkpoints under a real mpirun: one file for all ranks, the bytes of a one-process
# checkpoint, resumed over the same, another and one rank to the uninterrupted run; at 2 ranks
# SIGTERM to mpirun checkpoints and the run resumes over 3.
if(ENTREPOT_MPI AND HDF5_IS_PARALLEL AND SYSTEM_PYTHON)
  foreach(ranks 2 3)
    entrepot_cli_test(mpi.checkpoint_${ranks}_ranks 600 mpi_checkpoint.py ${MPIEXEC_EXECUTABLE}
                      ${ranks})
    set_property(TEST mpi.checkpoint_${ranks}_ranks APPEND PROPERTY LABELS mpi)
  endforeach()
endif()

# Snapshots written with parallel HDF5 under a real mpirun at 1 to 4 ranks, compared with
# the same run written by one process.
if(ENTREPOT_MPI AND HDF5_IS_PARALLEL AND SYSTEM_PYTHON)
  add_executable(entrepot_snapshot_check ${CMAKE_CURRENT_SOURCE_DIR}/mpi/snapshot_check.cpp)
  target_link_libraries(entrepot_snapshot_check PRIVATE entrepot_output GTest::gtest
                                                        ${HDF5_C_LIBRARIES})
  target_include_directories(entrepot_snapshot_check SYSTEM PRIVATE ${HDF5_C_INCLUDE_DIRS})
  target_include_directories(entrepot_snapshot_check PRIVATE ${CMAKE_SOURCE_DIR})
  foreach(ranks 1 2 3 4)
    add_test(NAME mpi.snapshot_${ranks}_ranks
             COMMAND ${SYSTEM_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/mpi/parallel_snapshot.py
                     ${MPIEXEC_EXECUTABLE} $<TARGET_FILE:entrepot_snapshot_check> ${ranks})
    set_tests_properties(mpi.snapshot_${ranks}_ranks PROPERTIES LABELS mpi TIMEOUT 120)
  endforeach()
endif()
