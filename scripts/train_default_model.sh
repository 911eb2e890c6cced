#!/usr/bin/env bash
# Rebuilds the default tagger (data/models/default) from ../shared: the exact
# chain that produced the committed model. Every step is deterministic, so
# the same data gives the same bytes (bench/run_ner.sh checks that).
#
#   1. a gold-only model on WNUT 2017 train (dev picks the epoch)
#   2. the 58,357 raw YouTube comments minus those that share a text with
#      WNUT dev (most dev texts come from them; `drop-overlap`: matched on
#      lower-cased letters and digits, the first 40 of each dev text)
#   3. `cluster` those comments with the gold-only model, then `silver`:
#      the state's entity aliases + data/gazetteer.tsv -> BIO labels, leaving
#      out names WNUT train mostly leaves untagged
#   4. `label-mentions`: the hand-labelled mentions of those comments in
#      ../shared/data/youtube_entities/ (the half of the labelled entities
#      we have) as open labels: a labelled mention is a whole mention of its
#      type, a form judged not a name is O wherever a comment writes it, every
#      other word may take any tag; comments sharing a text with WNUT dev are
#      left out
#   5. the default model: every epoch all gold sentences, a fresh draw of
#      as many silver ones, and the 6,338 Broad Twitter Corpus training
#      tweets as partial labels (PER, LOC, ORG only: the CRF sums over every
#      WNUT tag path they allow; btc-org: their ORG is a corporation or a
#      group, their O any of O, product, creative-work) and the open labels
#      of step 4 the same way (--open-labels); epoch and "O" offset
#      chosen by the mean F1
#      of WNUT 2017 dev and WNUT 2016 test (types mapped; validation only,
#      never training data); input flags per source from the shipped KB
#      (data/kb/default.vcdkb: cities, countries, demonyms, companies,
#      tickers, place codes, given names; the model records its digest);
#      after the offset, a span confidence floor chosen the same way (a
#      tagged span whose least sure word is below it is dropped); weights
#      in F16; two networks (--members 2, seeds 42 and 43) whose emissions
#      and CRFs are averaged
#
# Usage: scripts/train_default_model.sh [OUT_DIR]   (default: data/models/default)
#        scripts/train_default_model.sh --options    (the shared training options of one
#                                                    network: no seed, no --members)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
OPTS="--char-buckets 4096 --dropout 0.3 --batch 32"
SEED=42
NOTE="training data: WNUT 2017 train (CC-BY 4.0, Derczynski et al. 2017); Broad Twitter Corpus train \
as partial labels (CC-BY 4.0, Derczynski, Bontcheva, Roberts 2016); silver labels on the WNUT 2017 \
raw YouTube comments (CC-BY 4.0) from data/gazetteer.tsv (this project) and the gold-only model; \
hand-labelled mentions of those comments \
(../shared/data/youtube_entities, labels made for this project over the CC-BY comments) as open \
labels; GloVe 6B vectors (PDDL); knowledge-base flags from data/kb/default.vcdkb (GeoNames cities CC-BY 4.0, \
mledoze/countries ODbL 1.0, NASDAQ/NYSE/S&P 500 listings ODC-PDDL 1.0, carltonnorthern/nicknames \
Apache-2.0). Validation only, not training data: WNUT 2017 dev (CC-BY 4.0), WNUT 2016 \
test (GPL-3.0 repository, no data licence)."
GOLD_EPOCHS=20
SILVER_EPOCHS=12
SILVER_PER_EPOCH=3400 # about the number of gold sentences (3,394)
MEMBERS=2 # two networks (seeds 42, 43), their scores averaged: steadier on both dev sets
if [ "${1:-}" = "--options" ]; then
  echo "$OPTS --epochs $SILVER_EPOCHS --f16 --silver-per-epoch $SILVER_PER_EPOCH"
  exit 0
fi
out=${1:-data/models/default}
W=../shared/data/wnut17
W16=../shared/data/wnut16
BTC=../shared/data/btc/train.conll
KB=data/kb/default.vcdkb
comments=../shared/data/youtube/comments.txt
YE=../shared/data/youtube_entities
work=build/default-model
bin=build/vcdiscover
[ -f "$W/train.conll" ] && [ -f "$comments" ] && [ -f "$BTC" ] && [ -f "$W16/test.conll" ] && [ -f "$YE/dev_mentions.jsonl" ] || { echo "train_default_model: ../shared not found" >&2; exit 2; }
mkdir -p "$work"

# shellcheck disable=SC2086
$bin train-ner --train "$W/train.conll" --dev "$W/dev.conll" --out "$work/gold" $OPTS \
  --seed "$SEED" --epochs "$GOLD_EPOCHS" --quiet

$bin drop-overlap --conll "$W/dev.conll" --input "$comments" --out "$work/comments.txt"

VCDISCOVER_NER_MODEL=$work/gold $bin cluster --input "$work/comments.txt" --format txt \
  --out "$work/state" --quiet
$bin silver --input "$work/comments.txt" --format txt --state "$work/state" \
  --gold "$W/train.conll" --out "$work/silver.conll"
# shellcheck disable=SC2086
$bin label-mentions --input "$comments" --format txt --mentions "$YE/dev_mentions.jsonl" \
  --not-entities "$YE/dev_not_entities.tsv" --exclude "$W/dev.conll" --out "$work/open.conll"
$bin train-ner --train "$W/train.conll" --dev "$W/dev.conll" --dev2 "$W16/test.conll" --dev2-map wnut16 \
  --silver "$work/silver.conll" --silver-per-epoch "$SILVER_PER_EPOCH" \
  --partial "$BTC" --partial-scheme btc-org --open-labels "$work/open.conll" --kb "$KB" --tune-span-confidence --out "$out" \
  $OPTS --seed "$SEED" --epochs "$SILVER_EPOCHS" --f16 --members "$MEMBERS" --note "$NOTE"
