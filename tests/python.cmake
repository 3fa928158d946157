# Python tests in python/tests, run with the .venv/ that scripts/setup makes, against this
# build's `entrepot` (ENTREPOT_BINARY). Skipped, with the reason, where there is no .venv/
# (ENTREPOT_SKIP_VENV=1, or scripts/setup not run).
function(entrepot_python_test name target timeout)
  add_test(NAME ${name}
           COMMAND /bin/sh -c "if [ ! -x \"$1/.venv/bin/python\" ]; then echo \"$2: skipped: no $1/.venv (run scripts/setup)\"; exit 77; fi; exec \"$1/.venv/bin/python\" -m pytest -q -p no:cacheprovider \"$1/$3\""
                   sh ${CMAKE_SOURCE_DIR} ${name} ${target}
           WORKING_DIRECTORY ${CMAKE_BINARY_DIR})
  set_tests_properties(${name} PROPERTIES TIMEOUT ${timeout} LABELS python SKIP_RETURN_CODE 77
                       ENVIRONMENT "ENTREPOT_BINARY=$<TARGET_FILE:entrepot>;PYTHONDONTWRITEBYTECODE=1;OMP_WAIT_POLICY=PASSIVE")
endfunction()

# The sweep tools (python/entrepot_studies): their pytest suite.
entrepot_python_test(python-studies python/tests 600)
# The shock-free baseline at 10^5 agents over twenty simulated years stays near its steady
# state (python/tests/baseline_stationary.py; about a minute).
entrepot_python_test(baseline-stationary python/tests/baseline_stationary.py 600)
# Every behaviour parameter at both ends of its plausible range, on a world of 10^4 agents:
# no end collapses (python/tests/behaviour_ends.py, scripts/robustness; about a minute).
entrepot_python_test(behaviour-ends python/tests/behaviour_ends.py 900)
