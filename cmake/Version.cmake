# Generates version.cpp on every build so that `incubsim --version` and the
# HDF5 provenance carry the git SHA of the tree that was actually compiled,
# not the one present when CMake last configured.
set(INCUBSIM_VERSION_CPP ${CMAKE_BINARY_DIR}/generated/version.cpp)
add_custom_target(incubsim_version_info
  COMMAND ${CMAKE_COMMAND}
          -DSOURCE_DIR=${CMAKE_SOURCE_DIR}
          -DOUTPUT=${INCUBSIM_VERSION_CPP}
          -DVERSION=${PROJECT_VERSION}
          -P ${CMAKE_SOURCE_DIR}/cmake/WriteVersion.cmake
  BYPRODUCTS ${INCUBSIM_VERSION_CPP}
  COMMENT "Recording version and git SHA")
