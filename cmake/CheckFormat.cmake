# Script mode: fails if any C++ source under sim/, tests/ or bench/ is not
# formatted with the committed .clang-format.
find_program(CLANG_FORMAT NAMES clang-format clang-format-14 clang-format-15)
if(NOT CLANG_FORMAT)
  message(FATAL_ERROR "clang-format not found; install it with: apt-get install clang-format")
endif()
file(GLOB_RECURSE sources ${SOURCE_DIR}/sim/*.cpp ${SOURCE_DIR}/sim/*.hpp
     ${SOURCE_DIR}/tests/*.cpp ${SOURCE_DIR}/tests/*.hpp
     ${SOURCE_DIR}/bench/*.cpp ${SOURCE_DIR}/bench/*.hpp)
set(bad "")
foreach(f IN LISTS sources)
  execute_process(COMMAND ${CLANG_FORMAT} --style=file --dry-run -Werror ${f}
                  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
  if(NOT rc EQUAL 0)
    file(RELATIVE_PATH rel ${SOURCE_DIR} ${f})
    list(APPEND bad ${rel})
  endif()
endforeach()
if(bad)
  list(JOIN bad "\n  " listing)
  message(FATAL_ERROR "not clang-formatted:\n  ${listing}\nfix with: clang-format -i <files>")
endif()
