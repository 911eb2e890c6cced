#!/usr/bin/env bash
# Benchmark (not a test): peak RSS and wall time of `cluster` as the input
# grows, to show that memory follows the mentions and forms, not the raw text.
#   - the 58,357 real comments resampled to 1x, 4x, 16x rows
#     (bench/resample_comments.awk: rows drawn with replacement by a fixed
#     LCG, unique ids, dates spread over 2023-2024);
#   - the 1x rows with every comment padded by ~450 bytes of lowercase filler
#     (about 6x the text, about the same mentions);
#   - a CSV with one 200 MB field between two short rows.
# Usage: bench/bench_ingest_memory.sh [--bin PATH] [--scales "1 4 16"] [--no-record]
# Appends a dated section to reports/benchmarks.md unless --no-record.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
bin=build/vcdiscover scales="1 4 16" record=1
while [ $# -gt 0 ]; do
  case $1 in
    --bin) bin=$2; shift 2 ;;
    --scales) scales=$2; shift 2 ;;
    --no-record) record=0; shift ;;
    *) echo "usage: $0 [--bin PATH] [--scales \"1 4 16\"] [--no-record]" >&2; exit 2 ;;
  esac
done
comments=../shared/data/youtube/comments.txt
[ -f "$comments" ] || { echo "bench: $comments not found" >&2; exit 2; }
[ -x "$bin" ] || { echo "bench: $bin not built" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

field() { grep -o "\"$1\":[0-9.]*" "$2" | head -1 | cut -d: -f2; }
rows=()
# run LABEL INPUT [cluster options...]: one table row
run() {
  local label=$1 input=$2
  shift 2
  /usr/bin/time -f '%e %M' -o "$tmp/time" "$bin" cluster --quiet --json --input "$input" \
    --out "$tmp/state" "$@" >"$tmp/run.json" 2>"$tmp/stderr" ||
    { echo "bench: cluster failed on $label: $(tail -1 "$tmp/stderr")" >&2; exit 1; }
  local wall rss
  read -r wall rss <"$tmp/time"
  rows+=("| $label | $(($(stat -c %s "$input") / 1048576)) MiB | $(field docs "$tmp/run.json") | $(field mentions "$tmp/run.json") | $(field forms "$tmp/run.json") | ${wall} s | $((rss / 1024)) MiB |")
  echo "${rows[-1]}" >&2
  rm -rf "$tmp/state"
}

for k in $scales; do
  awk -v copies="$k" -f bench/resample_comments.awk "$comments" >"$tmp/c$k.csv"
  run "${k}x resampled" "$tmp/c$k.csv"
  rm -f "$tmp/c$k.csv"
done
# Same rows, ~6x the text: the filler is lowercase prose with no names.
filler=$(printf 'and then we just kept on talking about it for a while because it was late %.0s' 1 2 3 4 5 6)
awk -v copies=1 -f bench/resample_comments.awk "$comments" |
  awk -v f="$filler" 'NR == 1 { print; next } { sub(/"$/, " " f "\""); print }' >"$tmp/padded.csv"
run "1x, text padded" "$tmp/padded.csv"
rm -f "$tmp/padded.csv"
{
  printf 'id,text\n1,Apple makes the iPhone\n2,"'
  head -c 209715200 /dev/zero | tr '\0' 'a'
  printf '"\n3,Microsoft makes Windows\n'
} >"$tmp/bigfield.csv"
run "one 200 MB field (skipped)" "$tmp/bigfield.csv" --no-vectors

core=$(build/bench/bench_hdbscan 2000 8 5 2>/dev/null | grep -o '"openblas_core": "[^"]*"' | cut -d'"' -f4 || true)
section=$(
  echo
  echo "## $(date -u +%Y-%m-%d) ingest memory on $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), OpenBLAS core ${core:-unknown}"
  echo
  echo "\`bench/bench_ingest_memory.sh\` ($bin): \`cluster\` with default options, one run each."
  echo
  echo "| input | size | docs | mentions | forms | wall | peak RSS |"
  echo "| --- | --- | --- | --- | --- | --- | --- |"
  printf '%s\n' "${rows[@]}"
)
echo "$section"
[ "$record" = 1 ] && echo "$section" >>reports/benchmarks.md
exit 0
