# Preprocesses a file that includes HEADER against the include root ROOT alone. Prints
# "probe refused: HEADER" when the compiler cannot find HEADER; anything else (it was
# found, or another error) is printed as it is, and the test fails.
get_filename_component(dir ${PROBE} DIRECTORY)
file(MAKE_DIRECTORY ${dir})
file(WRITE ${PROBE} "#include \"${HEADER}\"\n")
execute_process(COMMAND ${COMPILER} -E -I${ROOT} ${PROBE} -o /dev/null
                RESULT_VARIABLE status ERROR_VARIABLE errors OUTPUT_QUIET)
string(FIND "${errors}" "${HEADER}: No such file or directory" at)
if(NOT status EQUAL 0 AND at GREATER_EQUAL 0)
  message("probe refused: ${HEADER}")
else()
  message(FATAL_ERROR "${HEADER} was not refused against ${ROOT} (exit ${status}):\n${errors}")
endif()
