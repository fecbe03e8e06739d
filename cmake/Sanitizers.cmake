# Sanitizer and fuzzing builds (the asan, tsan presets). Applied to every
# target (library, CLI, tests), since a sanitizer needs all the code it
# watches instrumented. INCUBSIM_SANITIZE: "" (none), "address;undefined" or
# "thread". INCUBSIM_FUZZ builds the libFuzzer targets in tests/fuzz (clang).
set(INCUBSIM_SANITIZE "" CACHE STRING "Sanitizers to build with: \"\", \"address;undefined\" or \"thread\"")
option(INCUBSIM_FUZZ "Build the libFuzzer targets (tests/fuzz; clang with address;undefined)" OFF)

if(INCUBSIM_SANITIZE)
  if("thread" IN_LIST INCUBSIM_SANITIZE AND "address" IN_LIST INCUBSIM_SANITIZE)
    message(FATAL_ERROR "INCUBSIM_SANITIZE: thread and address cannot be combined")
  endif()
  list(JOIN INCUBSIM_SANITIZE "," incubsim_sanitizers)
  # -O1: fast enough to run the test suite, and still readable stacks.
  # Line tables are all a report needs (function, file, line) and build
  # much faster than full debug info (-g).
  # -fno-sanitize-recover: a finding stops the program, so CI fails on it.
  add_compile_options(-fsanitize=${incubsim_sanitizers} -fno-sanitize-recover=all
                      -fno-omit-frame-pointer -O1 -gline-tables-only)
  add_link_options(-fsanitize=${incubsim_sanitizers} -fno-sanitize-recover=all)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    # The project's warning list has GCC-only options (-Wno-restrict).
    add_compile_options(-Wno-unknown-warning-option)
  endif()
  message(STATUS "incubsim: sanitizers ${incubsim_sanitizers}")
endif()

if(INCUBSIM_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "INCUBSIM_FUZZ needs clang (libFuzzer): configure with the fuzz preset")
  endif()
  if(NOT "address" IN_LIST INCUBSIM_SANITIZE)
    message(FATAL_ERROR "INCUBSIM_FUZZ needs INCUBSIM_SANITIZE=address;undefined")
  endif()
endif()

# Default options and suppressions, compiled into every binary that is
# linked after this point (library, CLI, tests, fuzz targets).
if(INCUBSIM_SANITIZE)
  add_library(incubsim_sanitizer_options OBJECT ${PROJECT_SOURCE_DIR}/tests/sanitizers/default_options.cpp)
  target_compile_definitions(incubsim_sanitizer_options PRIVATE
    INCUBSIM_SANITIZER_DIR="${PROJECT_SOURCE_DIR}/tests/sanitizers")
  link_libraries(incubsim_sanitizer_options)
endif()
