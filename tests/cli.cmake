# Whole-program tests of the `entrepot` command: signals and killed runs, --set overrides,
# scenario errors (and mutated scenarios, cli-fuzz-validate), unwritable output paths, help and info, progress lines, compare and device, what bench reports,
# and the files of the scenario library (configs/scenarios/).
# Each script in tests/cli/ is run as `python3 SCRIPT ENTREPOT SOURCE_DIR [ARGS]` with the
# system Python (it needs h5py and numpy), works in a temporary folder of its own and
# removes it. The small worlds they run take seconds on two cores. A script exits 77
# (skipped) when the program finds no device for its kernels: a CUDA build without a GPU.
if(NOT SYSTEM_PYTHON)
  message(WARNING "tests/cli.cmake: no /usr/bin/python3; the cli-* tests are not registered")
  return()
endif()

function(entrepot_cli_test name timeout script)
  add_test(NAME ${name}
           COMMAND ${SYSTEM_PYTHON} ${CMAKE_SOURCE_DIR}/tests/cli/${script}
                   $<TARGET_FILE:entrepot> ${CMAKE_SOURCE_DIR} ${ARGN}
           WORKING_DIRECTORY ${CMAKE_BINARY_DIR})
  set_tests_properties(${name} PROPERTIES TIMEOUT ${timeout} LABELS cli SKIP_RETURN_CODE 77
                       ENVIRONMENT "PYTHONDONTWRITEBYTECODE=1")
endfunction()

entrepot_cli_test(cli-sigkill 180 sigkill.py)
entrepot_cli_test(cli-sigterm 180 stop_signal.py TERM)
entrepot_cli_test(cli-sigint 180 stop_signal.py INT)
entrepot_cli_test(cli-set 180 set_overrides.py)
entrepot_cli_test(cli-batch 300 batch.py)
entrepot_cli_test(cli-bad-configs 300 bad_configs.py)
entrepot_cli_test(cli-unwritable 180 unwritable.py)
entrepot_cli_test(cli-info-help 120 info_help.py)
entrepot_cli_test(cli-progress 180 progress.py)
entrepot_cli_test(cli-compare 180 compare.py)
entrepot_cli_test(cli-checkpoint 300 checkpoint.py)
entrepot_cli_test(cli-slurm-requeue 300 slurm_requeue.py)
entrepot_cli_test(cli-scenario-library 900 scenario_library.py)
entrepot_cli_test(cli-fuzz-validate 120 fuzz_validate.py)
entrepot_cli_test(cli-health 180 health.py)
entrepot_cli_test(cli-memory 180 memory.py)
entrepot_cli_test(cli-bench-report 120 bench_report.py)
