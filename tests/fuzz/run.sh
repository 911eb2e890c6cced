#!/usr/bin/env bash
# Runs libFuzzer targets for a while each and fails on anything a sanitizer
# reports. Usage: tests/fuzz/run.sh BUILD_DIR SECONDS [TARGET...]
# (default: every build_dir/tests/fuzz/fuzz_* with a seed corpus here).
# The fuzz build has -fno-sanitize-recover=all and the options below make
# every report fatal; the log is scanned too, so a report that does not stop
# the run (a sanitizer option overridden, a report from a child) still fails.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd)
seconds=$2
cd "$here" # seeds name model files relative to the tree
shift 2
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1
export LSAN_OPTIONS=suppressions="$here/tests/lsan.supp"
report='runtime error|ERROR: AddressSanitizer|ERROR: LeakSanitizer|ERROR: libFuzzer'
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for t in "$build"/tests/fuzz/fuzz_*; do
    [ -x "$t" ] && targets+=("$(basename "$t")")
  done
fi
[ ${#targets[@]} -gt 0 ] || { echo "fuzz: no targets in $build/tests/fuzz" >&2; exit 1; }
for name in "${targets[@]}"; do
  corpus="$here/tests/fuzz/corpus/$name"
  [ -n "$(ls -A "$corpus" 2>/dev/null)" ] || { echo "fuzz: $name has no seed corpus" >&2; exit 1; }
  work=$(mktemp -d)
  status=0
  # new inputs go to $work; the seed corpus in the tree is only read
  "$build/tests/fuzz/$name" -max_total_time="$seconds" -max_len=4096 -rss_limit_mb=2048 \
    -timeout=30 -artifact_prefix="$work/" "$work" "$corpus" >"$work/log" 2>&1 || status=$?
  if [ "$status" -ne 0 ] || grep -Eq "$report" "$work/log"; then
    grep -E -m1 -A25 "$report|deadly signal|ERROR: libFuzzer: timeout" "$work/log" || tail -40 "$work/log"
    echo "fuzz: $name failed (exit $status; log and input kept in $work)" >&2
    exit 1
  fi
  echo "fuzz: $name $(grep -o 'Done [0-9]* runs' "$work/log" || echo 'no run count')"
  rm -rf "$work"
done
