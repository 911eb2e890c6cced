#!/usr/bin/env bash
# Precision where users look: tags the 58,357 real YouTube comments and
# reports the share of mentions that fall on a form a careful reader judged
# *not* a named entity (../shared/data/youtube_entities/dev_not_entities.tsv),
# among the mentions that fall on any form that folder labels (its entity
# forms, unclear forms and not-entity forms; the folder holds one half of
# the labelled entities, so this is the figure of its README on that half).
# Also counts spans that start or end with a lower-case word of
# `common_verbs` below ("skip Tesla") on the bundled sample. Forms are
# compared lower-cased (ASCII case folding, as awk does it).
#
# Usage: scripts/ner_precision.sh [--model DIR] [--top N] [--labels DIR]
#   --labels DIR: the labelled forms from DIR's dev_mentions.jsonl,
#   dev_not_entities.tsv and dev_unclear.tsv instead (e.g. one fold of them,
#   as scripts/ner_open_labels.sh makes)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
model=()
top=15
YE=../shared/data/youtube_entities
while [ $# -gt 0 ]; do
  case $1 in
    --model) model=(--model "$2"); shift 2 ;;
    --top) top=$2; shift 2 ;;
    --labels) YE=$2; shift 2 ;;
    *) echo "ner_precision: unknown option $1" >&2; exit 2 ;;
  esac
done
comments=../shared/data/youtube/comments.txt
bin=build/vcdiscover
[ -f "$YE/dev_not_entities.tsv" ] && [ -f "$comments" ] || { echo "ner_precision: ../shared not found" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# The "text" value of each JSONL line, unescaped for \" and \\ only, lower-cased
# unless $2 is 1.
texts() {
  awk -v keep="${2:-0}" '{
    if (!match($0, /"text": *"([^"\\]|\\.)*"/)) next
    s = substr($0, RSTART, RLENGTH); sub(/^"text": *"/, "", s); s = substr(s, 1, length(s) - 1)
    gsub(/\\"/, "\"", s); gsub(/\\\\/, "\\", s); print keep ? s : tolower(s)
  }' "$1"
}

"$bin" ner "${model[@]}" --input "$comments" --format txt --out "$out/comments.jsonl"
texts "$YE/dev_mentions.jsonl" | sort -u >"$out/entity_forms"
tail -n +2 "$YE/dev_unclear.tsv" | cut -f1 | awk '{print tolower($0)}' | sort -u >"$out/unclear_forms"
tail -n +2 "$YE/dev_not_entities.tsv" | cut -f1 | awk '{print tolower($0)}' | sort -u >"$out/not_forms"
texts "$out/comments.jsonl" >"$out/tagged"
awk -v top="$top" '
  FILENAME == ARGV[1] { ent[$0] = 1; next }
  FILENAME == ARGV[2] { unc[$0] = 1; next }
  FILENAME == ARGV[3] { no[$0] = 1; next }
  {
    all++
    if ($0 in no) { bad++; per[$0]++ } else if ($0 in ent) good++; else if ($0 in unc) unclear++
  }
  END {
    lab = good + unclear + bad
    printf "mentions %d; on labelled forms %d (entity %d, unclear %d, not an entity %d)\n", all, lab, good, unclear, bad
    printf "not-entity share of mentions on labelled forms: %.2f%%\n", lab ? 100 * bad / lab : 0
    n = 0
    for (f in per) n++
    printf "most frequent not-entity forms (%d distinct):", n
    for (k = 0; k < top && n > 0; k++) {
      best = ""; for (f in per) if (best == "" || per[f] > per[best] || (per[f] == per[best] && f < best)) best = f
      printf " %s (%d)%s", best, per[best], k + 1 < top ? "," : ""; delete per[best]; n--
    }
    printf "\n"
  }' "$out/entity_forms" "$out/unclear_forms" "$out/not_forms" "$out/tagged"

# Boundary words on the bundled sample: a lower-case common verb at either end of a span.
"$bin" ner "${model[@]}" --input data/sample_comments.csv --out "$out/sample.jsonl"
texts "$out/sample.jsonl" 1 | awk -v verbs="$(grep -o '"[a-z]*"' src/nn/ner/ner_verbs.h | tr -d '"' | tr '\n' ' ')" '
  BEGIN { n = split(verbs, v, " "); for (i = 1; i <= n; i++) verb[v[i]] = 1 }
  { all++; k = split($0, w, " "); if (k > 1 && ((w[1] in verb) || (w[k] in verb))) { hit++; ex[$0]++ } }
  END {
    printf "bundled sample: %d spans, %d start or end with a lower-case common verb", all, hit
    for (e in ex) { printf "%s %s (%d)", (++m == 1 ? ":" : ","), e, ex[e]; if (m == 5) break }
    printf "\n"
  }'
