#!/usr/bin/env bash
# Hand-labelled comment mentions as tagger training data, measured out of fold.
#
# ../shared/data/youtube_entities/ (one half of the labelled entities of the
# 58k comments) becomes open labels (`vcdiscover label-mentions`: a labelled
# mention is a whole mention of its type, a form judged not a name is O, every
# other word may take any tag; comments sharing a text with WNUT 2017 dev are
# left out). To measure what the labels do on forms they did not teach, the
# folder is cut in two folds: entities by their id number mod 2, not-entity
# and unclear forms by their line mod 2, so that the two held-out folds
# together are every labelled form once. Per seed:
#   base:    the shipped recipe's final step as one network, no open labels
#   open_fK: + --open-labels from the other fold only
#   open:    + --open-labels from the whole folder (in sample for the share)
#   open2_fK: open_fK with two networks (--members 2), as the shipped model
#            is trained (not in the default list: run NER_OPEN_VARIANTS=...)
# Scored on WNUT 2017 dev, WNUT 2016 test (mapped), WNUT 2016 dev2015
# (chose nothing), product / creative-work recall on both, and the
# not-entity share on the 58k comments (scripts/ner_precision.sh) over each
# fold's forms: open_fK on fold K's (held out), base on both.
#
# Runs are kept in $NER_RUNS (default build/ner-open; delete to retrain);
# each is one final training step. Needs the chain's silver labels
# (scripts/train_default_model.sh).
# Usage: scripts/ner_open_labels.sh [SEED...]   (default 42 43 44)
#        NER_OPEN_VARIANTS="base open_f0 open_f1" picks variants (default: all
#        four)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
W=../shared/data/wnut17
W16=../shared/data/wnut16
YE=../shared/data/youtube_entities
bin=build/vcdiscover
runs=${NER_RUNS:-build/ner-open}
silver=build/default-model/silver.conll
[ -f "$W/dev.conll" ] && [ -f "$YE/dev_mentions.jsonl" ] || { echo "ner_open_labels: ../shared not found" >&2; exit 2; }
[ -f "$silver" ] || { echo "ner_open_labels: run scripts/train_default_model.sh first" >&2; exit 2; }
seeds=${*:-42 43 44}
variants=${NER_OPEN_VARIANTS:-base open_f0 open_f1 open}
opts=$(scripts/train_default_model.sh --options)
mkdir -p "$runs/labels"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# labels/fK/{train,held}/: the folder's three files, cut by fold.
fold_files() { # K
  local k=$1 d
  for part in train held; do
    d=$runs/labels/f$k/$part
    mkdir -p "$d"
    awk -v k="$k" -v held=$([ $part = held ] && echo 1 || echo 0) '{
      if (!match($0, /"entity": *"E[0-9]+"/)) next
      id = substr($0, RSTART, RLENGTH); gsub(/[^0-9]/, "", id)
      if (((id % 2) == k) == held) print
    }' "$YE/dev_mentions.jsonl" >"$d/dev_mentions.jsonl"
    for f in dev_not_entities.tsv dev_unclear.tsv; do
      awk -v k="$k" -v held=$([ $part = held ] && echo 1 || echo 0) \
        'NR == 1 || (((NR % 2) == k) == held)' "$YE/$f" >"$d/$f"
    done
  done
}
open_labels() { # LABEL-DIR OUT
  [ -f "$2" ] && return 0
  $bin label-mentions --input ../shared/data/youtube/comments.txt --format txt \
    --mentions "$1/dev_mentions.jsonl" --not-entities "$1/dev_not_entities.tsv" \
    --exclude "$W/dev.conll" --out "$2" >"$2.log"
}
for k in 0 1; do
  fold_files "$k"
  open_labels "$runs/labels/f$k/train" "$runs/labels/f$k/train.conll"
done
open_labels "$YE" "$runs/labels/all.conll"

# shellcheck source=scripts/ner_lib.sh
. scripts/ner_lib.sh
# share MODEL LABEL-DIR: "not-entity-mentions labelled-mentions" on that fold's forms
share() {
  scripts/ner_precision.sh --model "$1" --labels "$2" --top 0 |
    sed -n 's/^mentions [0-9]*; on labelled forms \([0-9]*\) (.*not an entity \([0-9]*\))$/\2 \1/p'
}
pct() { [ -n "$1" ] && awk -v b="${1% *}" -v l="${1#* }" 'BEGIN {printf "%.2f%%", 100 * b / l}'; }
for s in $seeds; do
  for v in $variants; do
    case $v in
      base) ner_train "base_s$s" "$s" ;;
      open_f0 | open_f1) ner_train "${v}_s$s" "$s" --open-labels "$runs/labels/f${v#open_f}/train.conll" ;;
      open) ner_train "open_s$s" "$s" --open-labels "$runs/labels/all.conll" ;;
      open2_f0 | open2_f1)
        ner_train "${v}_s$s" "$s" --members 2 --open-labels "$runs/labels/f${v#open2_f}/train.conll" ;;
      *) echo "ner_open_labels: unknown variant $v" >&2; exit 2 ;;
    esac
  done
done

echo "| run | WNUT 2017 dev | WNUT 2016 test | mean | WNUT 2016 dev2015 | product / creative-work recall, dev | the same, WNUT 2016 | not-entity share, fold 0 forms | fold 1 forms |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for s in $seeds; do
  for v in $variants; do
    read -r d w h dp dc wp wc <<<"$(ner_scores "$runs/${v}_s$s")"
    s0="" s1=""
    case $v in
      base) s0=$(share "$runs/${v}_s$s" "$runs/labels/f0/held")
        s1=$(share "$runs/${v}_s$s" "$runs/labels/f1/held") ;;
      open_f0 | open2_f0) s0=$(share "$runs/${v}_s$s" "$runs/labels/f0/held") ;;
      open_f1 | open2_f1) s1=$(share "$runs/${v}_s$s" "$runs/labels/f1/held") ;;
    esac # open: its labels hold both folds' forms, so no held-out share
    echo "$v $s $d $w $h $dp $dc $wp $wc ${s0:-0 0} ${s1:-0 0}" >>"$out/rows"
    echo "| ${v}_s$s | $d | $w | $(awk -v a="$d" -v b="$w" 'BEGIN {printf "%.2f", (a + b) / 2}') | $h |" \
      "$dp / $dc | $wp / $wc | $(pct "$s0") | $(pct "$s1") |"
  done
done
echo
# Per variant, mean over seeds (the two fold models pooled as "open, out of
# fold"); the share pools not-entity and labelled mentions over both folds'
# held-out forms: base on both, each fold model on its own.
echo "| variant | WNUT 2017 dev | WNUT 2016 test | mean | WNUT 2016 dev2015 | product / creative-work recall, dev | the same, WNUT 2016 | not-entity share, held-out forms |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
awk '
  { g = $1 ~ /^open_f/ ? "open, out of fold" : $1 ~ /^open2_f/ ? "open, two networks, out of fold" : $1 == "open" ? "open, all labels" : $1
    if (!(g in n)) order[++ng] = g
    n[g]++
    for (c = 3; c <= 9; c++) sum[g, c] += $c
    bad[g] += $10 + $12; lab[g] += $11 + $13 }
  END {
    for (i = 1; i <= ng; i++) {
      g = order[i]; k = n[g]
      printf "| %s (%d runs) | %.2f | %.2f | %.2f | %.2f | %.2f / %.2f | %.2f / %.2f | %s |\n", g, k,
        sum[g, 3] / k, sum[g, 4] / k, (sum[g, 3] + sum[g, 4]) / (2 * k), sum[g, 5] / k,
        sum[g, 6] / k, sum[g, 7] / k, sum[g, 8] / k, sum[g, 9] / k,
        lab[g] ? sprintf("%.2f%% (%d of %d)", 100 * bad[g] / lab[g], bad[g], lab[g]) : "-"
    }
  }' "$out/rows"
