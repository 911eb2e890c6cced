#!/usr/bin/env bash
# Hand-labelled comment mentions as tagger training data, measured out of fold.
#
# ../shared/data/youtube_entities/ (one half of the labelled entities of the
# 58k comments) becomes open labels (`vcdiscover label-mentions`: a labelled
# mention is a whole mention of its type, a form judged not a name is O, every
# other word may take any tag; comments sharing a text with WNUT 2017 dev are
# left out). To measure what the labels do on forms they did not teach, the
# folder is cut in two folds: entities by their id number mod 2, not-entity
# forms by their line mod 2 (unclear forms stay in both). Per seed:
#   base:    the shipped recipe's final step as one network, no open labels
#   open_fK: + --open-labels from the other fold only
#   open:    + --open-labels from the whole folder (in sample for the share)
# Scored on WNUT 2017 dev, WNUT 2016 test (mapped), WNUT 2016 dev2015
# (chose nothing), product / creative-work recall on both, and the
# not-entity share on the 58k comments (scripts/ner_precision.sh) over each
# fold's forms: open_fK on fold K's (held out), base on both.
#
# Runs are kept in $NER_RUNS (default build/ner-open; delete to retrain);
# each is one final training step. Needs the chain's silver labels
# (scripts/train_default_model.sh).
# Usage: scripts/ner_open_labels.sh [SEED...]   (default 42 43 44)
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
    awk -v k="$k" -v held=$([ $part = held ] && echo 1 || echo 0) \
      'NR == 1 || (((NR % 2) == k) == held)' "$YE/dev_not_entities.tsv" >"$d/dev_not_entities.tsv"
    cp "$YE/dev_unclear.tsv" "$d/dev_unclear.tsv"
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

train() { # NAME SEED extra...
  local name=$1 seed=$2
  shift 2
  [ -f "$runs/$name/train_log.json" ] && return 0
  # shellcheck disable=SC2086
  nice -n 10 $bin train-ner --train "$W/train.conll" --dev "$W/dev.conll" --dev2 "$W16/test.conll" \
    --dev2-map wnut16 --silver "$silver" --partial ../shared/data/btc/train.conll \
    --partial-scheme btc-org --kb data/kb/default.vcdkb --tune-span-confidence \
    --out "$runs/$name" $opts --seed "$seed" --quiet "$@" >/dev/null
}
f1() { awk '$1 == "overall" {printf "%.2f", $4}' "$1"; }
recall() { awk -v t="$2" '$1 == t {printf "%.2f", $3}' "$1"; }
share() { # MODEL LABEL-DIR
  scripts/ner_precision.sh --model "$1" --labels "$2" --top 0 |
    sed -n 's/^not-entity share of mentions on labelled forms: \([0-9.]*\)%$/\1/p'
}
# "dev w16 w15 dev-product dev-work w16-product w16-work" of a run
score() {
  local m=$runs/$1
  for set in dev:"$W/dev.conll": w16:"$W16/test.conll":wnut16 w15:"$W16/dev2015.conll":wnut16; do
    IFS=: read -r k gold map <<<"$set"
    $bin ner --model "$m" --input "$gold" --out "$out/$k.pred"
    $bin eval ner --gold "$gold" ${map:+--gold-map "$map"} --pred "$out/$k.pred" >"$out/$k"
  done
  echo "$(f1 "$out/dev") $(f1 "$out/w16") $(f1 "$out/w15")" \
    "$(recall "$out/dev" product) $(recall "$out/dev" creative-work)" \
    "$(recall "$out/w16" product) $(recall "$out/w16" creative-work)"
}
for s in $seeds; do
  train "base_s$s" "$s"
  for k in 0 1; do
    train "open_f${k}_s$s" "$s" --open-labels "$runs/labels/f$k/train.conll"
  done
  train "open_s$s" "$s" --open-labels "$runs/labels/all.conll"
done

echo "| run | WNUT 2017 dev | WNUT 2016 test | mean | WNUT 2016 dev2015 | product / creative-work recall, dev | the same, WNUT 2016 | not-entity share, fold 0 forms | fold 1 forms |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for s in $seeds; do
  for v in base open_f0 open_f1 open; do
    read -r d w h dp dc wp wc <<<"$(score "${v}_s$s")"
    case $v in
      base) s0=$(share "$runs/${v}_s$s" "$runs/labels/f0/held")
        s1=$(share "$runs/${v}_s$s" "$runs/labels/f1/held") ;;
      open_f0) s0=$(share "$runs/${v}_s$s" "$runs/labels/f0/held"); s1="" ;;
      open_f1) s0=""; s1=$(share "$runs/${v}_s$s" "$runs/labels/f1/held") ;;
      open) s0=""; s1="" ;; # its labels hold every fold's forms
    esac
    echo "$v $s $d $w $h ${s0:--} ${s1:--}" >>"$out/rows"
    echo "| ${v}_s$s | $d | $w | $(awk -v a="$d" -v b="$w" 'BEGIN {printf "%.2f", (a + b) / 2}') | $h |" \
      "$dp / $dc | $wp / $wc | ${s0:+$s0%} | ${s1:+$s1%} |"
  done
done
