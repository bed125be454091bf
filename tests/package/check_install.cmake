# Script run by ctest: `cmake --install` into WORK_DIR/prefix, then build the
# consumer project in WORK_DIR/build against that prefix and run it. Any step
# that fails stops the script with its output. CONSUMER_CXX_FLAGS and
# CONSUMER_LINKER_FLAGS, which may be empty, go to the consumer's configure.
foreach(variable TAPEGRAD_BUILD_DIR CONSUMER_SOURCE_DIR WORK_DIR CMAKE_GENERATOR)
  if(NOT DEFINED ${variable})
    message(FATAL_ERROR "check_install.cmake: pass -D${variable}=...")
  endif()
endforeach()

file(REMOVE_RECURSE "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")
set(consumer_build "${WORK_DIR}/build")

function(run_step description)
  execute_process(COMMAND ${ARGN}
    RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE output)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "${description} failed (status ${status}):\n${output}")
  endif()
  message(STATUS "${description}: ok")
endfunction()

run_step("install tapegrad"
  "${CMAKE_COMMAND}" --install "${TAPEGRAD_BUILD_DIR}" --prefix "${prefix}")
run_step("configure the consumer"
  "${CMAKE_COMMAND}" -S "${CONSUMER_SOURCE_DIR}" -B "${consumer_build}"
  -G "${CMAKE_GENERATOR}" "-DCMAKE_PREFIX_PATH=${prefix}" -DCMAKE_BUILD_TYPE=Release
  "-DCMAKE_CXX_FLAGS=${CONSUMER_CXX_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${CONSUMER_LINKER_FLAGS}")
run_step("build the consumer" "${CMAKE_COMMAND}" --build "${consumer_build}")
run_step("run the consumer" "${consumer_build}/consumer")
