#!/usr/bin/env bash
# Mutation testing of the ctest suite: applies each mutation of a list (one
# small, deliberate bug in src/) to a scratch copy of the tree, one at a time,
# rebuilds incrementally, runs the whole ctest suite and records whether some
# test failed (caught) or none did (survived). Prints a table and the score.
#
# Usage: scripts/mutate.sh [--list FILE] [--only ID[,ID...]] [--jobs N]
#                          [--timeout SECONDS] [--no-baseline] [--keep]
#   --list FILE     the mutations (default scripts/mutations.txt; format below)
#   --only IDS      only these mutations (ids such as M07, or 1-based positions)
#   --jobs N        parallel build jobs (default 1: the machine is shared)
#   --timeout S     budget for one ctest run; a run killed by it counts as
#                   caught (a hang is a failure the suite noticed), default 900
#   --no-baseline   skip the unmutated ctest run (it must pass; on by default)
#   --keep          keep the scratch directory (its path is printed)
#   --check         only check that every mutation applies to this tree
#   --tests REGEX   run only the ctest tests matching REGEX (ctest -R): quick
#                   checks of a new test; the score is the whole suite's
# Needs the FAISS C API of scripts/setup.sh: <repo>/build/deps/lib/libfaiss_c.a,
# or $VCD_FAISS_C_LIB. ../shared next to the repo and data/vectors, when
# present, are linked into the scratch copy so the parity tests run too.
#
# List format: '#' lines and blank lines are comments; each mutation is
#   @ ID | path/in/repo.c | what the bug is
#   - text to find (one or more lines; "- " is stripped, "-" alone is an empty line)
#   + replacement  (zero or more lines, likewise; none = delete the text)
# The text to find is an exact string (not a pattern) that must occur exactly
# once in the file: the script stops before building anything otherwise, so
# the list is fixed when the code moves. A mutation that does not compile is
# "invalid" and reported apart from the score (fix the list so none are).
# Exit status: 0 when every mutation was valid, 1 when one was invalid,
# 2 on a usage or list error or a failing baseline.
set -euo pipefail

die() {
  printf 'mutate.sh: error: %s\n' "$*" >&2
  exit 2
}
say() { printf '[mutate] %s\n' "$*" >&2; }

repo=$(cd "$(dirname "$0")/.." && pwd)
list="$repo/scripts/mutations.txt"
only=""
jobs=1
budget=900
baseline=1
keep=0
check_only=0
tests_regex=""
while [ $# -gt 0 ]; do
  case "$1" in
    --list) list="${2:?--list needs a file}"; shift ;;
    --only) only="${2:?--only needs ids}"; shift ;;
    --jobs) jobs="${2:?--jobs needs a number}"; shift ;;
    --timeout) budget="${2:?--timeout needs seconds}"; shift ;;
    --no-baseline) baseline=0 ;;
    --keep) keep=1 ;;
    --check) check_only=1 ;;
    --tests) tests_regex="${2:?--tests needs a regex}"; shift ;;
    -h | --help) sed -n '2,32p' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift
done
[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || die "--jobs: not a positive number: $jobs"
[[ "$budget" =~ ^[1-9][0-9]*$ ]] || die "--timeout: not a positive number: $budget"
[ -f "$list" ] || die "$list: no such list"

# --- the list ------------------------------------------------------------------
ids=() files=() descs=() froms=() tos=()
trim() {
  local s=$1
  s=${s#"${s%%[![:space:]]*}"}
  printf '%s' "${s%"${s##*[![:space:]]}"}"
}
parse_list() {
  local line n=0 state=none id="" file="" desc="" from="" to="" nfrom=0 nto=0
  flush() {
    [ "$state" = none ] && return 0
    [ "$nfrom" -gt 0 ] || die "$list: $id: no '-' line (the text to find)"
    ids+=("$id") files+=("$file") descs+=("$desc") froms+=("$from") tos+=("$to")
  }
  while IFS= read -r line || [ -n "$line" ]; do
    n=$((n + 1))
    case "$line" in
      '' | '#'*) continue ;;
      '@ '*)
        flush
        local rest=${line#@ }
        IFS='|' read -r id file desc <<<"$rest"
        id=$(trim "$id") file=$(trim "$file") desc=$(trim "$desc")
        [[ "$id" =~ ^[A-Za-z0-9_.-]+$ ]] || die "$list:$n: bad id '$id'"
        if [ -z "$file" ] || [ -z "$desc" ]; then die "$list:$n: expected '@ ID | file | description'"; fi
        local k
        for k in "${ids[@]}"; do [ "$k" != "$id" ] || die "$list:$n: duplicate id $id"; done
        state=from from="" to="" nfrom=0 nto=0
        ;;
      '-' | '- '*)
        [ "$state" = from ] || die "$list:$n: '-' line outside a mutation or after a '+' line"
        local t=${line#-}
        t=${t# }
        if [ "$nfrom" -eq 0 ]; then from=$t; else from+=$'\n'$t; fi
        nfrom=$((nfrom + 1))
        ;;
      '+' | '+ '*)
        [ "$state" != none ] || die "$list:$n: '+' line outside a mutation"
        state=to
        local t=${line#+}
        t=${t# }
        if [ "$nto" -eq 0 ]; then to=$t; else to+=$'\n'$t; fi
        nto=$((nto + 1))
        ;;
      *) die "$list:$n: a line must start with '@ ', '- ', '+ ' or '#'" ;;
    esac
  done <"$list"
  flush
  [ "${#ids[@]}" -gt 0 ] || die "$list: no mutations"
}
parse_list

# count_in TEXT NEEDLE: how many times NEEDLE occurs in TEXT (exact string)
count_in() {
  local text=$1 needle=$2 c=0
  while [[ "$text" == *"$needle"* ]]; do
    c=$((c + 1))
    text=${text#*"$needle"}
  done
  echo "$c"
}
read_all() { IFS= read -r -d '' "$1" <"$2" || true; }
content=""

# Every mutation must apply to the current tree before anything is built.
bad=0
for i in "${!ids[@]}"; do
  f="$repo/${files[$i]}"
  if [ ! -f "$f" ]; then
    printf 'mutate.sh: error: %s: %s: no such file\n' "${ids[$i]}" "${files[$i]}" >&2
    bad=1
    continue
  fi
  read_all content "$f"
  c=$(count_in "$content" "${froms[$i]}")
  if [ "$c" -ne 1 ]; then
    printf 'mutate.sh: error: %s: the text to find occurs %s times in %s (must be once):\n%s\n' \
      "${ids[$i]}" "$c" "${files[$i]}" "${froms[$i]}" >&2
    bad=1
  fi
  [ "${froms[$i]}" != "${tos[$i]}" ] || {
    printf 'mutate.sh: error: %s: the replacement equals the original\n' "${ids[$i]}" >&2
    bad=1
  }
done
[ "$bad" -eq 0 ] || die "$list: fix the list (see above)"
if [ "$check_only" -eq 1 ]; then
  say "${#ids[@]} mutations, each applies once"
  exit 0
fi

selected=()
if [ -n "$only" ]; then
  IFS=',' read -r -a wanted <<<"$only"
  for w in "${wanted[@]}"; do
    found=""
    for i in "${!ids[@]}"; do
      if [ "${ids[$i]}" = "$w" ] || [ "$((i + 1))" = "$w" ]; then found=$i; fi
    done
    [ -n "$found" ] || die "--only: no mutation $w in $list"
    selected+=("$found")
  done
else
  selected=("${!ids[@]}")
fi

# --- the scratch copy ------------------------------------------------------------
faiss_c="${VCD_FAISS_C_LIB:-$repo/build/deps/lib/libfaiss_c.a}"
[ -f "$faiss_c" ] || die "$faiss_c: FAISS C API not found (run scripts/setup.sh or set VCD_FAISS_C_LIB)"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/vcd-mutate.XXXXXX")
tree="$scratch/vcdiscover"
build="$tree/build"
current="" # the file mutated right now, restored on any exit
suite_pid="" # the running ctest's process group (timeout's pid)
cleanup() {
  if [ -n "$suite_pid" ]; then kill -TERM -- "-$suite_pid" 2>/dev/null || true; wait 2>/dev/null || true; fi
  if [ -n "$current" ]; then cp "$scratch/original" "$tree/$current"; fi
  if [ "$keep" -eq 1 ]; then say "scratch kept: $scratch"; else rm -rf "$scratch"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$tree"
(cd "$repo" && git ls-files -z | while IFS= read -r -d '' p; do [ -e "$p" ] && printf '%s\0' "$p"; done |
  tar --null -T - -cf -) | tar -xf - -C "$tree"
if [ -e "$repo/data/vectors" ] && [ ! -e "$tree/data/vectors" ]; then
  ln -s "$(readlink -f "$repo/data/vectors")" "$tree/data/vectors"
fi
# The tests look for ../shared next to the source tree.
if [ -d "$repo/../shared" ]; then ln -s "$(cd "$repo/../shared" && pwd)" "$scratch/shared"; fi

run_nice() { nice -n 10 "$@"; }
say "scratch copy: $tree; configuring (Release)"
run_nice cmake -S "$tree" -B "$build" -DCMAKE_BUILD_TYPE=Release -DVCD_FAISS_C_LIB="$faiss_c" \
  >"$scratch/configure.log" 2>&1 || {
  tail -20 "$scratch/configure.log" >&2
  die "configure failed"
}
build_tree() { run_nice cmake --build "$build" -j"$jobs" >"$scratch/build.log" 2>&1; }
say "building"
build_tree || {
  tail -30 "$scratch/build.log" >&2
  die "the unmutated tree does not build"
}

# run_suite LOG: 0 = every test passed, 1 = a test failed, 3 = the budget ran out
run_suite() {
  local rc=0 only=()
  if [ -n "$tests_regex" ]; then only=(-R "$tests_regex"); fi
  # timeout puts ctest and the tests in a process group of its own: on an
  # interrupt the cleanup ends that group, not just ctest.
  (cd "$build" && exec nice -n 10 timeout -k 10 "$budget" ctest --stop-on-failure \
    --output-on-failure "${only[@]}") >"$1" 2>&1 &
  suite_pid=$!
  wait "$suite_pid" || rc=$?
  suite_pid=""
  if [ "$rc" -eq 0 ]; then return 0; fi
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then return 3; fi
  return 1
}
# The first failing test of a ctest log.
first_failure() {
  sed -n 's/^ *[0-9]*\/[0-9]* Test *#[0-9]*: \([^ ]*\) .*\(Failed\|Exception\|Timeout\|Not Run\).*/\1/p' \
    "$1" | head -1
}

if [ "$baseline" -eq 1 ]; then
  say "baseline: ctest on the unmutated tree"
  start=$SECONDS
  if ! run_suite "$scratch/baseline.log"; then
    grep -E 'Failed|Timeout|\*\*\*' "$scratch/baseline.log" | tail -20 >&2
    keep=1
    die "the unmutated tree fails ctest: no mutation can be judged (log: $scratch/baseline.log)"
  fi
  say "baseline passed in $((SECONDS - start)) s"
fi

# --- the mutations -----------------------------------------------------------------
results=() caught_by=() times=()
n_caught=0 n_survived=0 n_invalid=0
for i in "${selected[@]}"; do
  id=${ids[$i]} file=${files[$i]}
  target="$tree/$file"
  cp "$target" "$scratch/original"
  current=$file
  read_all content "$target"
  printf '%s' "${content/"${froms[$i]}"/"${tos[$i]}"}" >"$target"
  start=$SECONDS
  log="$scratch/$id.log"
  if ! build_tree; then
    result=invalid by="does not compile"
    cp "$scratch/build.log" "$log"
    n_invalid=$((n_invalid + 1))
  else
    rc=0
    run_suite "$log" || rc=$?
    case "$rc" in
      0) result=survived by="-" n_survived=$((n_survived + 1)) ;;
      3) result=caught by="(timeout after ${budget} s)" n_caught=$((n_caught + 1)) ;;
      *)
        result=caught by=$(first_failure "$log")
        by=${by:-"(ctest failed)"}
        n_caught=$((n_caught + 1))
        ;;
    esac
  fi
  # A fresh mtime so the next build recompiles the original.
  cp "$scratch/original" "$target"
  current=""
  results[i]=$result caught_by[i]=$by times[i]=$((SECONDS - start))
  say "$id $result${by:+ ($by)} in ${times[$i]} s: ${descs[$i]}"
done

# --- the table ---------------------------------------------------------------------
printf '\n%-6s %-9s %-24s %5s  %s\n' id result "caught by" secs "mutation (file: what)"
for i in "${selected[@]}"; do
  printf '%-6s %-9s %-24s %5s  %s: %s\n' "${ids[$i]}" "${results[$i]}" "${caught_by[$i]}" \
    "${times[$i]}" "${files[$i]}" "${descs[$i]}"
done
valid=$((n_caught + n_survived))
pct=0
if [ "$valid" -gt 0 ]; then pct=$(((1000 * n_caught / valid + 5) / 10)); fi
printf '\ncaught %d of %d (%d%%)' "$n_caught" "$valid" "$pct"
if [ -n "$tests_regex" ]; then printf ' by the tests matching %s only' "$tests_regex"; fi
if [ "$n_invalid" -gt 0 ]; then printf '; %d invalid (do not compile: fix the list)' "$n_invalid"; fi
printf '\n'
if [ "$n_survived" -gt 0 ]; then
  printf 'survived:'
  for i in "${selected[@]}"; do [ "${results[$i]}" != survived ] || printf ' %s' "${ids[$i]}"; done
  printf '\n'
fi
[ "$n_invalid" -eq 0 ] || exit 1
