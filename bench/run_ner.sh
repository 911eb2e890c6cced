#!/usr/bin/env bash
# Default-tagger benchmarks (not tests): writes a dated section to
# reports/benchmarks.md.
#   1. tagging speed: `vcdiscover ner` on ../shared/data/youtube/comments.txt
#      (58,357 real comments), end to end (read, tokenize, tag, write), and
#      the tagging stage alone as `cluster` reports it
#   2. training: scripts/train_default_model.sh (the whole chain: gold-only
#      model, silver labels, final model), timed, and its model.safetensors
#      compared byte for byte with the committed one (same seed -> same bytes)
# Usage: bench/run_ner.sh [--repeat N] [--no-train]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
repeat=3 train=1
while [ $# -gt 0 ]; do
  case $1 in
    --repeat) repeat=$2; shift 2 ;;
    --no-train) train=0; shift ;;
    *) echo "bench: unknown option $1" >&2; exit 2 ;;
  esac
done
comments=../shared/data/youtube/comments.txt
model=data/models/default
[ -f "$comments" ] || { echo "bench: $comments not found" >&2; exit 2; }
[ -x build/vcdiscover ] || { echo "bench: run scripts/setup.sh first" >&2; exit 2; }
[ -f "$model/model.safetensors" ] || { echo "bench: $model missing" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
docs=$(grep -c '' "$comments")
# the OpenBLAS kernel set this machine runs (bench_hdbscan reports it)
blas=$(build/bench/bench_hdbscan 2000 8 5 | grep -o '"openblas_core": "[^"]*"' | cut -d'"' -f4)

best_wall=999999 best_rss=0
for i in $(seq "$repeat"); do
  /usr/bin/time -f '%e %M' -o "$out/time" build/vcdiscover ner --input "$comments" --format txt \
    --out "$out/mentions.jsonl"
  read -r wall rss <"$out/time"
  if awk "BEGIN{exit !($wall < $best_wall)}"; then best_wall=$wall best_rss=$rss; fi
done
mentions=$(grep -c '' "$out/mentions.jsonl")
build/vcdiscover cluster --quiet --json --input "$comments" --out "$out/state" >"$out/run.json"
tag=$(grep -o '"tag":[0-9.]*' "$out/run.json" | head -1 | cut -d: -f2)

train_row="| training (recorded command) | not run (--no-train) | <= 20 min |"
bytes_row=""
if [ "$train" = 1 ]; then
  /usr/bin/time -f '%e %M' -o "$out/ttime" scripts/train_default_model.sh "$out/rebuilt" >"$out/train.txt" 2>&1
  read -r twall trss <"$out/ttime"
  train_row="| training: \`scripts/train_default_model.sh\` (gold model, silver, final model) | $(awk "BEGIN{printf \"%.1f\", $twall / 60}") min, peak RSS $((trss / 1024)) MiB | <= 20 min |"
  if cmp -s "$out/rebuilt/model.safetensors" "$model/model.safetensors"; then same=identical; else same=DIFFERENT; fi
  bytes_row="| rebuilt model.safetensors vs committed | $same | identical |"
fi

{
  echo
  echo "## $(date -u +%Y-%m-%d) default tagger on $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), OpenBLAS core $blas"
  echo
  echo "| measurement | value | target |"
  echo "| --- | --- | --- |"
  echo "| ner end to end, $docs comments (best of $repeat) | ${best_wall} s = $(awk "BEGIN{printf \"%.0f\", $docs / $best_wall}") comments/s, peak RSS $((best_rss / 1024)) MiB | >= 5,000 comments/s |"
  echo "| tagging stage inside cluster | ${tag} s = $(awk "BEGIN{printf \"%.0f\", $docs / ($tag > 0 ? $tag : 1e-9)}") comments/s | |"
  echo "| mentions found | $mentions | |"
  echo "$train_row"
  [ -n "$bytes_row" ] && echo "$bytes_row"
} >>reports/benchmarks.md
tail -12 reports/benchmarks.md
