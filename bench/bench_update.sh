#!/usr/bin/env bash
# Benchmark of `vcdiscover update` (issue 16 part 1); writes a dated section to
# reports/benchmarks.md.
#   The 58,357 comments of ../shared/data/youtube/comments.txt in 10 consecutive
#   chunks (JSON Lines, id = line number as --format txt numbers them): cluster
#   chunk 1, update with chunks 2..10, and after each update a one-shot
#   `cluster` over chunks 1..k (the re-clustering the update replaces): wall
#   times side by side. Then the agreement of the last updated state with the
#   one-shot state over everything: ARI and B-cubed of the mention partition
#   on the mentions both found, and on those that are labelled spans of
#   ../shared/data/youtube_entities/dev_mentions.jsonl.
#   Run twice: with the default tagger, and with the gold mentions
#   (`--mentions dev_mentions.jsonl` given to cluster and to every update), where
#   both sides cluster exactly the same mentions.
# Usage: bench/bench_update.sh   (python3 computes the agreement: bench only)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
comments=../shared/data/youtube/comments.txt
gold=../shared/data/youtube_entities/dev_mentions.jsonl
[ -f "$comments" ] || { echo "bench: $comments not found" >&2; exit 2; }
[ -x build/vcdiscover ] || { echo "bench: build first" >&2; exit 2; }
B=build/vcdiscover
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 bench/update_agreement.py split "$comments" "$work" 10

now() { date +%s.%N; }
elapsed() { awk "BEGIN{printf \"%.2f\", $2 - $1}"; }

# run MODE EXTRA...: fills $work/MODE.rows (markdown rows) and $work/MODE.agree
run() {
  local mode=$1
  shift
  local st=$work/$mode.state rows=$work/$mode.rows
  : >"$rows"
  local t0 t1
  t0=$(now)
  $B cluster --quiet --input "$work/chunk01.jsonl" --out "$st" "$@" >/dev/null 2>>"$work/stderr.log"
  t1=$(now)
  echo "| 1 | cluster $(elapsed "$t0" "$t1") s | | | |" >>"$rows"
  for k in 02 03 04 05 06 07 08 09 10; do
    t0=$(now)
    $B update --json --quiet --state "$st" --input "$work/chunk$k.jsonl" "$@" >"$work/u.json" 2>>"$work/stderr.log"
    t1=$(now)
    local tu
    tu=$(elapsed "$t0" "$t1")
    t0=$(now)
    $B cluster --quiet --input "$work/upto$k.jsonl" --out "$work/$mode.full" "$@" >/dev/null 2>>"$work/stderr.log"
    t1=$(now)
    local tc
    tc=$(elapsed "$t0" "$t1")
    local ne mg
    ne=$(grep -o '"new_entities":[0-9]*' "$work/u.json" | cut -d: -f2)
    mg=$(grep -o '"proposed_merges":[0-9]*' "$work/u.json" | cut -d: -f2)
    local enc
    enc=$(grep -o '"mentions_encoded":[0-9]*' "$work/u.json" | cut -d: -f2)
    echo "| ${k#0} | update $tu s | cluster 1..${k#0}: $tc s | $(awk "BEGIN{printf \"%.1fx\", $tc / $tu}") | $ne new entities, $mg proposed merges, $enc mentions encoded |" >>"$rows"
  done
  cp "$work/u.json" "$work/$mode.last.json"
  python3 bench/update_agreement.py agree "$work/$mode.full" "$st" "$gold" >"$work/$mode.agree"
  # each against the labels, for scale
  local s
  for s in full state; do
    $B eval clusters --gold "$gold" --pred "$work/$mode.$s" --json 2>/dev/null |
      python3 -c "import json,sys; d=json.load(sys.stdin)['scores']; print('ARI %.4f, B-cubed F1 %.4f' % (d['ari'], d['bcubed_f1']))" >"$work/$mode.$s.gold"
  done
}

run tagger
run gold --mentions "$gold"

blas=$(build/bench/bench_hdbscan 2000 8 5 | grep -o '"openblas_core": "[^"]*"' | cut -d'"' -f4)
fmt() { # AGREE_FILE KEY -> "ARI a, B-cubed P/R/F1 p / r / f (n mentions)"
  python3 -c "import json,sys; d=json.load(open(sys.argv[1]))[sys.argv[2]]; print('ARI %.4f, B-cubed P/R/F1 %.4f / %.4f / **%.4f** (%d mentions)' % (d['ari'], d['bcubed_p'], d['bcubed_r'], d['bcubed_f1'], d['mentions']))" "$1" "$2"
}
counts() {
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print('%d one-shot, %d updated' % (d['mentions_a'], d['mentions_b']))" "$1"
}
{
  echo
  echo "## $(date -u +%Y-%m-%d) update vs re-clustering, on $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), OpenBLAS core $blas"
  echo
  echo "\`bench/bench_update.sh\`: the 58,357 comments in 10 consecutive chunks of 5,836; cluster chunk 1,"
  echo "then \`update\` with chunks 2..10; after each update a one-shot \`cluster\` over chunks 1..k."
  echo "Wall times on a machine shared with other jobs (compare within a row)."
  for mode in tagger gold; do
    echo
    if [ $mode = tagger ]; then
      echo "### default tagger (each update tags only its new comments)"
    else
      echo "### gold mentions (\`--mentions dev_mentions.jsonl\` for cluster and every update)"
    fi
    echo
    echo "| chunk | update | re-cluster | speed-up | update added |"
    echo "| --- | --- | --- | --- | --- |"
    cat "$work/$mode.rows"
    echo
    echo "Stages of the last update (its own clock, seconds): $(python3 -c "import json,sys; d=json.load(open(sys.argv[1]))['seconds']; print(', '.join('%s %.2f' % kv for kv in d.items()))" "$work/$mode.last.json")."
    echo
    echo "Agreement of the state after 9 updates with one \`cluster\` over all 10 chunks (mentions: $(counts "$work/$mode.agree")):"
    echo
    echo "- all common mentions: $(fmt "$work/$mode.agree" all)"
    echo "- labelled dev spans among them: $(fmt "$work/$mode.agree" gold_spans)"
    echo "- against the dev labels (\`eval clusters\`): one-shot $(cat "$work/$mode.full.gold"); updated $(cat "$work/$mode.state.gold")"
  done
} >>reports/benchmarks.md
tail -40 reports/benchmarks.md
