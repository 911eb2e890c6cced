#!/usr/bin/env bash
# K-fold cross-validation of the final training step on the training side:
# WNUT 2017 train is cut into K folds (sentence i goes to fold i mod K); for
# each fold the step of scripts/train_default_model.sh is trained on the
# other folds (+ the same silver labels and BTC partial labels, epoch and "O"
# offset chosen on the mean of WNUT 2017 dev and WNUT 2016 test as always),
# with and without the knowledge-base flags, and scored on the held-out fold,
# which chose nothing. The difference per fold is paired (same folds, same
# seed), so a gain smaller than its spread is not mistaken for one.
#
# Caveat: the silver labels come from the chain's gold-only model, trained
# on all of WNUT train, so names of a held-out fold can reach training
# through the silver comments (YouTube, not the held-out tweets).
#
# Prints a markdown table. Runs are kept in build/ner-cv/ (delete to retrain).
# Usage: scripts/ner_cv.sh   (NER_CV_FOLDS=K, default 3; needs the silver
#        labels of scripts/train_default_model.sh)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
K=${NER_CV_FOLDS:-3}
W=../shared/data/wnut17
W16=../shared/data/wnut16
BTC=../shared/data/btc/train.conll
bin=build/vcdiscover
runs=build/ner-cv
silver=build/default-model/silver.conll
kb=data/kb/default.vcdkb
[ -f "$W/train.conll" ] && [ -f "$W16/test.conll" ] || { echo "ner_cv: ../shared not found" >&2; exit 2; }
[ -f "$silver" ] || { echo "ner_cv: run scripts/train_default_model.sh first ($silver)" >&2; exit 2; }
mkdir -p "$runs"
opts=$(scripts/train_default_model.sh --options)

# fold F SIDE: the held-out sentences of fold F (SIDE test) or the others (train);
# blank or whitespace-only lines end a sentence
fold() {
  awk -v k="$K" -v f="$1" -v side="$2" '
    function flush() {
      if (buf == "") return
      if ((s % k == f) == (side == "test")) printf "%s\n", buf
      s++; buf = ""
    }
    /^[[:space:]]*$/ { flush(); next }
    { buf = buf $0 "\n" }
    END { flush() }' "$W/train.conll"
}

for f in $(seq 0 $((K - 1))); do
  fold "$f" train >"$runs/train$f.conll"
  fold "$f" test >"$runs/test$f.conll"
  for v in base kb; do
    name=${v}_f$f
    extra=()
    [ $v = kb ] && extra=(--kb "$kb")
    if [ ! -f "$runs/$name/heldout.txt" ]; then
      # shellcheck disable=SC2086
      $bin train-ner --train "$runs/train$f.conll" --dev "$W/dev.conll" --dev2 "$W16/test.conll" \
        --dev2-map wnut16 --silver "$silver" --partial "$BTC" --partial-scheme btc-org $opts \
        --seed 42 --out "$runs/$name" --quiet "${extra[@]}" >/dev/null
      $bin ner --model "$runs/$name" --input "$runs/test$f.conll" --out "$runs/$name/heldout.pred"
      $bin eval ner --gold "$runs/test$f.conll" --pred "$runs/$name/heldout.pred" >"$runs/$name/heldout.txt"
    fi
  done
done

f1() { awk '$1 == "overall" {printf "%.2f", $4}' "$1"; }
echo "| held-out fold | sentences | no KB flags | KB flags | difference |"
echo "| --- | --- | --- | --- | --- |"
for f in $(seq 0 $((K - 1))); do
  a=$(f1 "$runs/base_f$f/heldout.txt") b=$(f1 "$runs/kb_f$f/heldout.txt")
  n=$(grep -c '^[[:space:]]*$' "$runs/test$f.conll" || true)
  echo "$f $n $a $b"
done | awk '{
    d = $4 - $3; sa += $3; sb += $4; sd += d; sdd += d * d; n++
    printf "| %d | %d | %.2f | %.2f | %+.2f |\n", $1, $2, $3, $4, d
  }
  END {
    m = sd / n; v = n > 1 ? (sdd - n * m * m) / (n - 1) : 0
    printf "| mean | | %.2f | %.2f | %+.2f (sd %.2f) |\n", sa / n, sb / n, m, sqrt(v > 0 ? v : 0)
  }'
