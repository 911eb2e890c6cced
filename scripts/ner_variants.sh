#!/usr/bin/env bash
# Variants of the shipped tagger's final training step as it was before
# open labels (scripts/train_default_model.sh at 9d577fc: KB flags, span
# confidence floor, same silver labels, no --open-labels; those are measured
# by scripts/ner_open_labels.sh), trained per seed --
#   base: one network (train_default_model.sh --options)
#   ens2: + --members 2 (two networks, seeds s and s + 1, averaged): as
#         shipped then
#   case: + --case-prior build/default-model/comments.txt (each word's share
#         of capitalised mid-sentence sightings in the raw comments and the
#         gold and BTC training text, two inputs per word)
#   filt: case + --silver-case-floor 0.4 (a silver span whose words are
#         capitalised in under 40% of their sightings is relabelled O)
#   f25:  case + --silver-case-floor 0.25
# -- and scored on WNUT 2017 dev, WNUT 2016 test (mapped), WNUT 2016 dev2015
# (chose nothing), the not-entity share on the 58k comments
# (scripts/ner_precision.sh) and product / creative-work recall on both dev
# sets. Prints markdown tables: one row per run, then mean (min..max) per
# variant over the seeds that have every variant.
#
# Runs are kept in $NER_RUNS (default build/ner-variants; delete to
# retrain), trained on the silver labels in $NER_SILVER (default the
# chain's); each takes one final training step (~6-9 minutes here).
# Usage: scripts/ner_variants.sh [SEED...]   (default 42 43 44; needs the
#        chain's silver labels and comments: run scripts/train_default_model.sh)
#        NER_VARIANTS="base ens2" picks variants (default: base ens2; the
#        first is the one the last column subtracts).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
W=../shared/data/wnut17
W16=../shared/data/wnut16
bin=build/vcdiscover
runs=${NER_RUNS:-build/ner-variants}
silver=${NER_SILVER:-build/default-model/silver.conll}
comments=build/default-model/comments.txt
[ -f "$W/dev.conll" ] && [ -f "$W16/test.conll" ] || { echo "ner_variants: ../shared not found" >&2; exit 2; }
[ -f "$silver" ] && [ -f "$comments" ] || { echo "ner_variants: run scripts/train_default_model.sh first" >&2; exit 2; }
seeds=${*:-42 43 44}
variants=${NER_VARIANTS:-base ens2}
opts=$(scripts/train_default_model.sh --options)
mkdir -p "$runs"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# shellcheck source=scripts/ner_lib.sh
. scripts/ner_lib.sh
share() {
  scripts/ner_precision.sh --model "$1" --top 0 |
    sed -n 's/^not-entity share of mentions on labelled forms: \([0-9.]*\)%$/\1/p'
}
for s in $seeds; do
  for v in $variants; do
    case $v in
      base) ner_train "base_s$s" "$s" ;;
      ens2) ner_train "ens2_s$s" "$s" --members 2 ;;
      case) ner_train "case_s$s" "$s" --case-prior "$comments" ;;
      filt) ner_train "filt_s$s" "$s" --case-prior "$comments" --silver-case-floor 0.4 ;;
      f25) ner_train "f25_s$s" "$s" --case-prior "$comments" --silver-case-floor 0.25 ;;
      *) echo "ner_variants: unknown variant $v" >&2; exit 2 ;;
    esac
  done
done
echo "| run | WNUT 2017 dev | WNUT 2016 test | mean | WNUT 2016 dev2015 | not-entity share (58k) | product / creative-work recall, dev | the same, WNUT 2016 |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
for s in $seeds; do
  for v in $variants; do
    read -r d w h dp dc wp wc <<<"$(ner_scores "$runs/${v}_s$s")"
    sh=$(share "$runs/${v}_s$s")
    echo "$v $s $d $w $h $sh" >>"$out/rows"
    echo "| ${v}_s$s | $d | $w | $(awk -v a="$d" -v b="$w" 'BEGIN {printf "%.2f", (a + b) / 2}') | $h | $sh% | $dp / $dc | $wp / $wc |"
  done
done
echo
echo "| variant | WNUT 2017 dev | WNUT 2016 test | mean | WNUT 2016 dev2015 | not-entity share (58k) | mean minus ${variants%% *}, per seed |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
awk -v variants="$variants" '
  function cell(v, c,   k, x, s, lo, hi, n) {
    n = 0
    for (k = 1; k <= ns; k++) {
      x = val[v, seed[k], c]; s += x; n++
      if (n == 1 || x < lo) lo = x
      if (n == 1 || x > hi) hi = x
    }
    return sprintf("%.2f (%.2f..%.2f)", s / n, lo, hi)
  }
  {
    if (!($2 in seen)) { seen[$2] = 1; seed[++ns] = $2 }
    val[$1, $2, 1] = $3; val[$1, $2, 2] = $4; val[$1, $2, 3] = ($3 + $4) / 2
    val[$1, $2, 4] = $5; val[$1, $2, 5] = $6
  }
  END {
    nv = split(variants, vs, " ")
    for (i = 1; i <= nv; i++) {
      v = vs[i]; d = ""
      for (k = 1; k <= ns; k++)
        d = d sprintf("%s%+.2f", k > 1 ? ", " : "", val[v, seed[k], 3] - val[vs[1], seed[k], 3])
      printf "| %s | %s | %s | %s | %s | %s%% | %s |\n", v, cell(v, 1), cell(v, 2), cell(v, 3), cell(v, 4), cell(v, 5), d
    }
  }' "$out/rows"
