#!/usr/bin/env bash
# Sweep throughput against the number of local jobs and MPI ranks
# (docs/cluster.md). Each measurement plans bench/sweep_scaling.toml afresh
# and runs it; prints wall seconds and runs per second, median of REPEATS.
#
#   bench/sweep_scaling.sh [INCUBSIM] [REPEATS]        # the whole table
#   bench/sweep_scaling.sh --once local|mpi N [INCUBSIM]  # one measurement
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
spec=$here/sweep_scaling.toml
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_pml=ob1 OMPI_MCA_btl=self,vader

once() {  # MODE N BINARY: plan afresh, run, remove
  local mode=$1 n=$2 bin=$3 dir
  dir=$(mktemp -d)
  "$bin" sweep plan "$spec" -o "$dir/s" >/dev/null
  if [[ $mode == local ]]; then
    "$bin" sweep run "$dir/s" -q --jobs "$n"
  else
    mpirun -n "$n" "$bin" sweep run "$dir/s" -q --mpi
  fi
  rm -rf "$dir"
}

if [[ ${1:-} == --once ]]; then
  once "$2" "$3" "${4:-incubsim}"
  exit 0
fi

bin=${1:-$here/../build/release/sim/incubsim}
repeats=${2:-3}
runs=$("$bin" sweep plan "$spec" -o "$(mktemp -d)/s" | awk '{print $2}')
printf "%-14s %10s %10s\n" "engine" "wall s" "runs/s"
for config in "local 1" "local 2" "mpi 1" "mpi 2" "mpi 3" "mpi 4"; do
  set -- $config
  times=()
  for ((i = 0; i < repeats; i++)); do
    start=$(date +%s.%N)
    once "$1" "$2" "$bin"
    times+=("$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {print b - a}')")
  done
  median=$(printf "%s\n" "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf "%-14s %10.2f %10.1f\n" "$1 -n/--jobs $2" "$median" \
    "$(awk -v r="$runs" -v t="$median" 'BEGIN {print r / t}')"
done
