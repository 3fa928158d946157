# The sweep tools (python/entrepot_studies): their pytest suite in python/tests, run with the
# .venv/ that scripts/setup makes, against this build's `entrepot` (ENTREPOT_BINARY). Skipped,
# with the reason, where there is no .venv/ (ENTREPOT_SKIP_VENV=1, or scripts/setup not run).
add_test(NAME python-studies
         COMMAND /bin/sh -c "if [ ! -x \"$1/.venv/bin/python\" ]; then echo \"python-studies: skipped: no $1/.venv (run scripts/setup)\"; exit 77; fi; exec \"$1/.venv/bin/python\" -m pytest -q -p no:cacheprovider \"$1/python/tests\""
                 sh ${CMAKE_SOURCE_DIR}
         WORKING_DIRECTORY ${CMAKE_BINARY_DIR})
set_tests_properties(python-studies PROPERTIES TIMEOUT 300 LABELS python SKIP_RETURN_CODE 77
                     ENVIRONMENT "ENTREPOT_BINARY=$<TARGET_FILE:entrepot>;PYTHONDONTWRITEBYTECODE=1;OMP_WAIT_POLICY=PASSIVE")

# The shock-free baseline at 10^5 agents over twenty simulated years stays near its steady
# state (python/tests/baseline_stationary.py; about a minute).
add_test(NAME baseline-stationary
         COMMAND /bin/sh -c "if [ ! -x \"$1/.venv/bin/python\" ]; then echo \"baseline-stationary: skipped: no $1/.venv (run scripts/setup)\"; exit 77; fi; exec \"$1/.venv/bin/python\" -m pytest -q -p no:cacheprovider \"$1/python/tests/baseline_stationary.py\""
                 sh ${CMAKE_SOURCE_DIR}
         WORKING_DIRECTORY ${CMAKE_BINARY_DIR})
set_tests_properties(baseline-stationary PROPERTIES TIMEOUT 600 LABELS python SKIP_RETURN_CODE 77
                     ENVIRONMENT "ENTREPOT_BINARY=$<TARGET_FILE:entrepot>;PYTHONDONTWRITEBYTECODE=1;OMP_WAIT_POLICY=PASSIVE")
