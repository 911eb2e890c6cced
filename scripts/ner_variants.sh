#!/usr/bin/env bash
# Variants of the shipped tagger's final training step (scripts/
# train_default_model.sh: KB flags, span confidence floor, same silver
# labels), trained per seed --
#   base: one network (train_default_model.sh --options)
#   ens2: + --members 2 (two networks, seeds s and s + 1, averaged): as
#         shipped
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
# score NAME: "dev w16 w15 share dev-product dev-work w16-product w16-work"
# of a run as saved (with its floor)
score() {
  local m=$runs/$1 s
  for set in dev:"$W/dev.conll": w16:"$W16/test.conll":wnut16 w15:"$W16/dev2015.conll":wnut16; do
    IFS=: read -r k gold map <<<"$set"
    $bin ner --model "$m" --input "$gold" --out "$out/$k.pred"
    $bin eval ner --gold "$gold" ${map:+--gold-map "$map"} --pred "$out/$k.pred" >"$out/$k"
  done
  s=$(scripts/ner_precision.sh --model "$m" --top 0 | sed -n 's/^not-entity share of mentions on labelled forms: \([0-9.]*\)%$/\1/p')
  echo "$(f1 "$out/dev") $(f1 "$out/w16") $(f1 "$out/w15") $s" \
    "$(recall "$out/dev" product) $(recall "$out/dev" creative-work)" \
    "$(recall "$out/w16" product) $(recall "$out/w16" creative-work)"
}
for s in $seeds; do
  for v in $variants; do
    case $v in
      base) train "base_s$s" "$s" ;;
      ens2) train "ens2_s$s" "$s" --members 2 ;;
      case) train "case_s$s" "$s" --case-prior "$comments" ;;
      filt) train "filt_s$s" "$s" --case-prior "$comments" --silver-case-floor 0.4 ;;
      f25) train "f25_s$s" "$s" --case-prior "$comments" --silver-case-floor 0.25 ;;
      *) echo "ner_variants: unknown variant $v" >&2; exit 2 ;;
    esac
  done
done
echo "| run | WNUT 2017 dev | WNUT 2016 test | mean | WNUT 2016 dev2015 | not-entity share (58k) | product / creative-work recall, dev | the same, WNUT 2016 |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
for s in $seeds; do
  for v in $variants; do
    read -r d w h sh dp dc wp wc <<<"$(score "${v}_s$s")"
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
