# Script mode: configures and builds a sanitizer tree from its preset (asan
# or tsan) and runs its tests there; fails with the sanitizer's report on
# any finding. SOURCE_DIR: the source tree; BUILD_DIR: a scratch build
# directory; PRESET: asan or tsan; LABELS: the ctest -L regex;
# EXCLUDE (optional): a ctest -E regex of tests left out; PYTEST_ADDOPTS
# (optional): extra pytest options, e.g. -k "not ..." for Python tests that
# cannot run in a sanitizer build.
foreach(var SOURCE_DIR BUILD_DIR PRESET LABELS)
  if(NOT ${var})
    message(FATAL_ERROR "CheckSanitizers.cmake needs -D${var}=...")
  endif()
endforeach()

string(TIMESTAMP start "%s")
execute_process(COMMAND ${CMAKE_COMMAND} --preset ${PRESET} -B ${BUILD_DIR}
                WORKING_DIRECTORY ${SOURCE_DIR}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "configuring the ${PRESET} tree failed:\n${out}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "building the ${PRESET} tree failed:\n${out}")
endif()
string(TIMESTAMP built "%s")
math(EXPR build_s "${built} - ${start}")
message(STATUS "${PRESET}: configured and built in ${build_s} s")

if(PYTEST_ADDOPTS)
  set(ENV{PYTEST_ADDOPTS} "${PYTEST_ADDOPTS}")
endif()
set(exclude)
if(EXCLUDE)
  set(exclude -E ${EXCLUDE})
endif()
execute_process(COMMAND ${CMAKE_CTEST_COMMAND} --test-dir ${BUILD_DIR} -L ${LABELS} ${exclude}
                        -j2 --output-on-failure --no-tests=error --timeout 900
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
string(TIMESTAMP tested "%s")
math(EXPR test_s "${tested} - ${built}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "tests failed under ${PRESET} (the sanitizer report is in the output of "
                      "the failing test; rerun with `cmake --workflow --preset ${PRESET}`):\n${out}")
endif()
string(REGEX MATCH "[0-9]+% tests passed[^\n]*" summary "${out}")
message(STATUS "${PRESET}: ${summary} in ${test_s} s")
