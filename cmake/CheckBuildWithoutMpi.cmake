# Script mode: configures and builds the incubsim binary with MPI switched
# off (-DINCUBSIM_MPI=OFF), as on a machine without OpenMPI, and checks
# that it runs and that `sweep run --mpi` says clearly why it cannot.
# SOURCE_DIR: the source tree; BUILD_DIR: a scratch build directory.
execute_process(
  COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${BUILD_DIR} -G Ninja -DCMAKE_BUILD_TYPE=Release
          -DINCUBSIM_MPI=OFF -DINCUBSIM_BUILD_TESTS=OFF -DINCUBSIM_WERROR=ON -DCMAKE_UNITY_BUILD=ON
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "configuring without MPI failed:\n${out}")
endif()
if(NOT out MATCHES "MPI not found; `sweep run --mpi` will be unavailable")
  message(FATAL_ERROR "configure did not say that MPI sweeps are off:\n${out}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target incubsim
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "building without MPI failed:\n${out}")
endif()
set(bin ${BUILD_DIR}/sim/incubsim)
set(dir ${BUILD_DIR}/nompi-sweep)
file(REMOVE_RECURSE ${dir})
execute_process(COMMAND ${bin} sweep plan ${SOURCE_DIR}/scenarios/sweeps/small_grid.toml -o ${dir}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "sweep plan failed in the build without MPI:\n${out}")
endif()
execute_process(COMMAND ${bin} sweep run ${dir} --mpi
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 2 OR NOT err MATCHES "--mpi is unavailable: this incubsim was built without MPI"
   OR NOT err MATCHES "--shard K/N")
  message(FATAL_ERROR "expected exit status 2 and a clear message, got ${rc}:\n${out}${err}")
endif()
execute_process(COMMAND ${bin} sweep run ${dir} --shard 0/9 -q
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "a local sweep failed in the build without MPI:\n${out}")
endif()
message(STATUS "built without MPI; --mpi explains itself; local sweeps run")
