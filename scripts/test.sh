#!/usr/bin/env bash
# Sets up (scripts/setup.sh) and runs every test:
#   1. the ctest suite on the Release build (unit, end-to-end, CLI, JSON, the
#      installed library + examples/ built with pkg-config, ../shared checks)
#   2. the MPI build (build-mpi, -DVCD_MPI=ON): tests/cli/mpi_test.sh
#   3. the same suite under AddressSanitizer + UndefinedBehaviorSanitizer
#   4. a short libFuzzer run of every parser target (FUZZ_SECONDS each, default 20)
# Tests that need ../shared report SKIP when it is absent.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
fuzz_seconds=${FUZZ_SECONDS:-20}
jobs=$(nproc)

scripts/setup.sh
faiss_c="$here/build/deps/lib/libfaiss_c.a"

echo "== lint (clang-format, cppcheck)"
clang-format --dry-run -Werror src/*/*.c src/*/*.h src/*/*/*.c src/*/*/*.h include/vcd/*.h tests/unit/*.[ch] tests/fuzz/*.c tests/tools/*.c examples/*.c bench/*.c
cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability --std=c11 \
  --inline-suppr -I include --suppress=missingIncludeSystem src tests/unit tests/fuzz tests/tools examples bench

echo "== ctest (Release)"
ctest --test-dir build --output-on-failure -j"$jobs"

echo "== MPI build (-DVCD_MPI=ON): mpirun -np 2 and -np 3 states vs one process, byte for byte"
cmake -S . -B build-mpi -DCMAKE_BUILD_TYPE=Release -DVCD_MPI=ON -DVCD_FAISS_C_LIB="$faiss_c" >/dev/null
cmake --build build-mpi -j"$jobs" --target vcdiscover >/dev/null
VCD_PLAIN_VCDISCOVER="$here/build/vcdiscover" ctest --test-dir build-mpi -R '^mpi_test$' --output-on-failure

echo "== ctest (AddressSanitizer + UndefinedBehaviorSanitizer)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVCD_SANITIZE=ON \
  -DVCD_FAISS_C_LIB="$faiss_c" >/dev/null
cmake --build build-asan -j"$jobs" >/dev/null
# Reports also go to files: a CLI call whose exit status a test does not
# check (stderr sent to /dev/null) must still fail the run.
rm -f build-asan/san.*
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:log_path="$here/build-asan/san" \
  LSAN_OPTIONS=suppressions="$here/tests/lsan.supp" \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path="$here/build-asan/san" \
  ctest --test-dir build-asan --output-on-failure -j"$jobs"
if ls build-asan/san.* >/dev/null 2>&1; then
  head -60 build-asan/san.*
  echo "sanitizers reported errors (build-asan/san.*)" >&2
  exit 1
fi

if [ "$fuzz_seconds" -gt 0 ]; then
  echo "== libFuzzer (${fuzz_seconds}s per target; any sanitizer report fails)"
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVCD_FUZZ=ON \
    -DVCD_FAISS_C_LIB="$faiss_c" >/dev/null
  cmake --build build-fuzz -j"$jobs" >/dev/null
  tests/fuzz/run.sh build-fuzz "$fuzz_seconds"
fi
echo "all tests passed"
