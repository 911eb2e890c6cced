#!/usr/bin/env bash
# CLI behaviour: exit codes, one-line errors, no partial outputs, hostile
# inputs. Usage: cli_test.sh path/to/vcdiscover
set -u
BIN=$1
T=$(mktemp -d)
trap 'chmod -R u+w "$T"; rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

# expect CODE DESCRIPTION -- command...: checks the exit code and, for errors,
# a single "vcdiscover: error: " line on stderr and no crash signal.
expect() {
  local want=$1 what=$2
  shift 3
  "$@" >"$T/stdout" 2>"$T/stderr"
  local got=$?
  if [ "$got" != "$want" ]; then bad "$what: exit $got, want $want ($(head -c 300 "$T/stderr"))"; return; fi
  if [ "$want" = 2 ] || [ "$want" = 1 ]; then
    local n
    n=$(grep -c '^vcdiscover: error: ' "$T/stderr")
    if [ "$n" != 1 ]; then bad "$what: expected one error line, got: $(cat "$T/stderr")"; return; fi
  fi
  ok
}

V=(--no-vectors)
expect 0 "help" -- "$BIN" --help
expect 2 "no command" -- "$BIN"
expect 2 "unknown command" -- "$BIN" frobnicate
expect 0 "cluster --help" -- "$BIN" cluster --help
expect 0 "match --help" -- "$BIN" match --help
expect 2 "unknown option" -- "$BIN" cluster --bogus
expect 2 "missing value" -- "$BIN" cluster --input
expect 2 "bad number" -- "$BIN" cluster --min-cluster-size banana
expect 2 "negative number" -- "$BIN" cluster --min-cluster-size -3
expect 2 "number too small" -- "$BIN" cluster --min-cluster-size 1
expect 2 "bad enum" -- "$BIN" cluster --algo dbscan
expect 2 "kmeans without k" -- "$BIN" cluster --algo kmeans
expect 2 "bad threshold" -- "$BIN" match AVP --threshold 7
expect 2 "match without text" -- "$BIN" match

# hostile inputs: each a clear error or counted skips, never a crash
printf '' >"$T/empty.csv"
printf 'ID,Date,Author,Likes,Replies,Comment\n' >"$T/header.csv"
printf 'ID;Date;Comment\n1;2024-01-01;hello Apple\n' >"$T/semi.csv"
printf 'ID,Date,Remark\n1,2024-01-01,hello Apple Vision Pro\n2,2024-01-01,Apple Vision Pro\n' >"$T/nocol.csv"
printf 'ID,Comment\n1,"Apple never closes\n2,Samsung\n' >"$T/unbalanced.csv"
printf 'ID,Date,Comment\n1,2024-01-01,Apple Vision Pro\n2,2024-01-02,bad \xff\xfe Apple\n3,2024-01-03,nul \000 Apple Vision Pro\n4,not a date,Apple Vision Pro again\n' >"$T/mixed.csv"
head -c 10485760 /dev/zero | tr '\0' 'x' >"$T/bigfield.txt"
{ printf 'ID,Comment\n1,"'; cat "$T/bigfield.txt"; printf '"\n2,Apple Vision Pro rocks\n3,Apple Vision Pro\n'; } >"$T/big.csv"
expect 2 "empty file" -- "$BIN" cluster "${V[@]}" --input "$T/empty.csv" --out "$T/o1"
expect 2 "header only" -- "$BIN" cluster "${V[@]}" --input "$T/header.csv" --out "$T/o2"
expect 2 "wrong delimiter" -- "$BIN" cluster "${V[@]}" --input "$T/semi.csv" --out "$T/o3"
grep -q "delimiter" "$T/stderr" && ok || bad "wrong delimiter: no hint"
expect 0 "explicit delimiter" -- "$BIN" cluster "${V[@]}" --input "$T/semi.csv" --delimiter ';' --out "$T/o3b"
expect 2 "missing column" -- "$BIN" cluster "${V[@]}" --input "$T/nocol.csv" --out "$T/o4"
grep -q "columns found: ID, Date, Remark" "$T/stderr" && ok || bad "missing column: columns not named"
expect 0 "remapped column" -- "$BIN" cluster "${V[@]}" --input "$T/nocol.csv" --text-column Remark --out "$T/o4b" --min-cluster-size 2
expect 2 "unbalanced quotes (nothing usable left)" -- "$BIN" cluster "${V[@]}" --input "$T/unbalanced.csv" --out "$T/o5"
expect 0 "mixed bad rows" -- "$BIN" cluster "${V[@]}" --input "$T/mixed.csv" --out "$T/o6"
grep -q "mixed.csv:3: invalid UTF-8" "$T/stderr" && ok || bad "invalid UTF-8 not reported with its line"
grep -q "mixed.csv:4: NUL byte" "$T/stderr" && ok || bad "NUL byte not reported"
grep -q "unparseable date" "$T/stderr" && ok || bad "bad date not reported"
grep -Eq '"skipped_invalid_utf8":[[:space:]]*1,' "$T/o6/manifest.json" && ok || bad "skip not counted in manifest"
expect 0 "10 MB field" -- "$BIN" cluster "${V[@]}" --input "$T/big.csv" --out "$T/o7"
grep -q "longer than" "$T/stderr" && ok || bad "oversized field not reported"
expect 2 "missing input" -- "$BIN" cluster "${V[@]}" --input "$T/nope.csv" --out "$T/o8"
expect 2 "input is a directory" -- "$BIN" cluster "${V[@]}" --input "$T" --out "$T/o9"
mkdir -p "$T/ro" && chmod a-w "$T/ro"
if [ "$(id -u)" != 0 ]; then
  expect 2 "unwritable output" -- "$BIN" cluster "${V[@]}" --input "$T/mixed.csv" --out "$T/ro/x"
fi
printf 'x' >"$T/afile"
expect 2 "output is a file" -- "$BIN" cluster "${V[@]}" --input "$T/mixed.csv" --out "$T/afile"
[ ! -e "$T/o1/manifest.json" ] && [ ! -e "$T/o4/manifest.json" ] && ok || bad "failed run left a manifest"
ls "$T"/o*/ 2>/dev/null | grep -q '\.tmp' && bad "temporary files left behind" || ok

# vectors: corrupt and truncated files
printf 'garbage' >"$T/bad.vcdv"
expect 2 "corrupt vectors" -- "$BIN" cluster --vectors "$T/bad.vcdv" --input "$T/mixed.csv" --out "$T/o10"
printf 'the 0.1 0.2\napple 0.3 0.4\n' >"$T/tiny.txt"
expect 0 "vectors import text" -- "$BIN" vectors import --input "$T/tiny.txt" --out "$T/tiny.vcdv"
head -c 100 "$T/tiny.vcdv" >"$T/trunc.vcdv"
expect 2 "truncated vectors" -- "$BIN" cluster --vectors "$T/trunc.vcdv" --input "$T/mixed.csv" --out "$T/o11"
expect 2 "vectors import of garbage" -- "$BIN" vectors import --input "$T/empty.csv" --out "$T/e.vcdv"
[ ! -e "$T/e.vcdv" ] && ok || bad "failed import left a file"

# pre-extracted mentions
printf '{"doc_id":"1","text":"Apple Vision Pro","start":0,"end":16}\n{"doc_id":"1","text":"wrong","start":0,"end":5}\nnot json\n' >"$T/m.jsonl"
expect 0 "mentions file" -- "$BIN" cluster "${V[@]}" --input "$T/mixed.csv" --mentions "$T/m.jsonl" --out "$T/o12"
grep -q "text differs" "$T/stderr" && ok || bad "mismatched mention not reported"
[ "$(wc -l <"$T/o12/mentions.jsonl")" = 1 ] && ok || bad "mentions file: expected exactly 1 mention"

# match on a good state, then on damaged ones
expect 0 "match" -- "$BIN" match "Apple Vision Pro" --state "$T/o6" --json
grep -q '"schema":"vcdiscover.match/1"' "$T/stdout" && ok || bad "match --json schema"
expect 2 "match on missing state" -- "$BIN" match AVP --state "$T/none"
cp -r "$T/o6" "$T/o6b" && head -c 50 "$T/o6/index.faiss" >"$T/o6b/index.faiss"
expect 2 "match on truncated index" -- "$BIN" match AVP --state "$T/o6b"
cp -r "$T/o6" "$T/o6c" && printf '{"schema":"vcdiscover.manifest/1"' >"$T/o6c/manifest.json"
expect 2 "match on corrupt manifest" -- "$BIN" match AVP --state "$T/o6c"
cp -r "$T/o6" "$T/o6d" && printf '{"form":0,"key":"x","surface":"x","count":1,"entity_id":99}\n' >"$T/o6d/forms.jsonl"
expect 2 "match on inconsistent forms" -- "$BIN" match AVP --state "$T/o6d"

# k-means and determinism through the CLI
expect 0 "kmeans" -- "$BIN" cluster "${V[@]}" --input "$T/mixed.csv" --algo kmeans --k 1 --seed 3 --out "$T/k1"
# trends, report and eval on the bundled sample (Nintendo Switch 2 appears
# in mid-May and is the only emerging entity; the others are steady)
SAMPLE="$(dirname "$0")/../../data/sample_comments.csv"
expect 0 "cluster sample" -- "$BIN" cluster "${V[@]}" --input "$SAMPLE" --out "$T/s"
expect 0 "trends" -- "$BIN" trends --state "$T/s"
grep -q '"schema":"vcdiscover.trends/1"' "$T/s/trends.json" && ok || bad "trends schema"
grep -q '"name":"Nintendo Switch 2".*"emerging":true' "$T/s/trends.json" && ok || bad "Switch 2 not emerging"
grep -q '"name":"Google".*"emerging":false' "$T/s/trends.json" && ok || bad "steady Google flagged"
# without word vectors "Switch 2" may stay apart from "Nintendo Switch 2": both may rise
grep '"emerging":true' "$T/s/trends.json" | grep -vq 'Switch 2' && bad "a steady entity is emerging" || ok
expect 0 "trends by day to stdout" -- "$BIN" trends --state "$T/s" --bucket day --out -
grep -q '"bucket":"2026-06-30"' "$T/stdout" && ok || bad "daily buckets"
expect 0 "trends range" -- "$BIN" trends --state "$T/s" --since 2026-02-01 --until 2026-03-01 --bucket month --out "$T/feb.json"
grep -q '"bucket":"2026-02"' "$T/feb.json" && ! grep -q '"bucket":"2026-03"' "$T/feb.json" && ok || bad "range not applied"
expect 2 "trends bad bucket" -- "$BIN" trends --state "$T/s" --bucket fortnight
expect 2 "trends bad date" -- "$BIN" trends --state "$T/s" --since yesterday
expect 2 "trends empty range" -- "$BIN" trends --state "$T/s" --since 2030-01-01
expect 2 "trends until before since" -- "$BIN" trends --state "$T/s" --since 2026-03-01 --until 2026-02-01
expect 2 "trends missing state" -- "$BIN" trends --state "$T/none"
printf 'ID,Comment\n1,Apple Vision Pro\n2,Apple Vision Pro is here\n3,Apple Vision Pro again\n' >"$T/nodate.csv"
expect 0 "cluster without dates" -- "$BIN" cluster "${V[@]}" --input "$T/nodate.csv" --out "$T/nd"
expect 2 "trends without dates" -- "$BIN" trends --state "$T/nd"
grep -q "no date column" "$T/stderr" && ok || bad "no-date error not explained"
expect 0 "report without dates" -- "$BIN" report --state "$T/nd" --out "$T/nd.html"
printf 'ID,Date,Comment\n1,2026-01-01,"<script>alert(1)</script> Apple Vision Pro"\n2,2026-01-02,"<b>Apple Vision Pro</b> & more"\n3,2026-01-03,Apple Vision Pro\n' >"$T/evil.csv"
expect 0 "cluster hostile text" -- "$BIN" cluster "${V[@]}" --input "$T/evil.csv" --out "$T/ev"
expect 0 "report hostile text" -- "$BIN" report --state "$T/ev" --out "$T/ev.html"
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$T/ev.html" && ok || bad "comment text not escaped"
grep -qi '<script' "$T/ev.html" && bad "raw <script> in report" || ok
expect 0 "report" -- "$BIN" report --state "$T/s" --out "$T/r.html"
grep -q 'Nintendo Switch 2' "$T/r.html" && grep -q 'class="emerging-entity"' "$T/r.html" && ok || bad "report lacks emerging list"
cp -r "$T/s" "$T/s2" && printf '{"id":"x","date":"not a date"}\n' >"$T/s2/docs.jsonl"
expect 2 "report on damaged docs" -- "$BIN" report --state "$T/s2" --out "$T/r2.html"
[ ! -e "$T/r2.html" ] && ok || bad "failed report left a file"

# eval: conlleval scoring and clustering scores through the CLI
printf 'New\tB-location\nYork\tI-location\nrocks\tO\n' >"$T/g.conll"
printf 'New\tB-location\nYork\tB-location\nrocks\tO\n' >"$T/p.conll"
printf 'New\tB-location\nJersey\tI-location\nrocks\tO\n' >"$T/q.conll"
expect 0 "eval ner" -- "$BIN" eval ner --gold "$T/g.conll" --pred "$T/p.conll" --json
grep -q '"schema":"vcdiscover.eval-ner/1".*"tp":0,"fp":2,"fn":1' "$T/stdout" && ok || bad "eval ner counts: $(cat "$T/stdout")"
expect 2 "eval ner misaligned" -- "$BIN" eval ner --gold "$T/g.conll" --pred "$T/q.conll"
expect 2 "eval ner missing file" -- "$BIN" eval ner --gold "$T/g.conll" --pred "$T/none.conll"
expect 2 "eval ner without pred" -- "$BIN" eval ner --gold "$T/g.conll"
expect 0 "eval clusters against itself" -- "$BIN" eval clusters --gold "$T/s/mentions.jsonl" --pred "$T/s" --json
grep -q '"ari":1,' "$T/stdout" && ok || bad "self clustering ARI is not 1: $(head -c 300 "$T/stdout")"
printf '{"doc_id":"c00001","start":0}\nnot json\n' >"$T/badgold.jsonl"
expect 2 "eval clusters with no usable gold" -- "$BIN" eval clusters --gold "$T/badgold.jsonl" --pred "$T/s"
grep -q "line skipped" "$T/stderr" && ok || bad "bad gold lines not reported"
SHARED=${VCD_SHARED:-$(dirname "$0")/../../../shared}
# The default CNN-CRF tagger: training, tagging, silver labels, fallback.
printf 'Alice\tB-person\nlives\tO\nin\tO\nParis\tB-location\n\nBob\tB-person\nworks\tO\nat\tO\nGoogle\tB-corporation\n\nthe\tO\nNew\tB-location\nYork\tI-location\nshow\tO\n\n' >"$T/tiny.conll"
for i in 1 2 3 4 5 6; do cat "$T/tiny.conll"; done >"$T/tiny6.conll"
VEC=$(dirname "$0")/../../data/vectors/glove-wiki-100d.vcdv
if [ -f "$VEC" ]; then
  for run in 1 2; do
    expect 0 "train-ner default run $run" -- "$BIN" train-ner --train "$T/tiny6.conll" --dev "$T/tiny.conll" \
      --out "$T/cnn$run" --epochs 3 --batch 4 --hidden 16 --char-buckets 1024 --char-dim 8 --seed 5 --json
  done
  grep -q '"architecture":"cnn-crf"' "$T/stdout" && ok || bad "train-ner summary: $(head -c 200 "$T/stdout")"
  cmp -s "$T/cnn1/model.safetensors" "$T/cnn2/model.safetensors" && ok || bad "same seed gave different CNN-CRF weights"
  grep -q '"command":' "$T/cnn1/train_log.json" && grep -q '"hash64":' "$T/cnn1/train_log.json" && ok || bad "train_log.json lacks command or data version"
  expect 0 "ner with a CNN-CRF folder" -- "$BIN" ner --input "$T/tiny.conll" --model "$T/cnn1" --out "$T/cnn.pred"
  cmp -s <(grep -v '^$' "$T/tiny.conll" | cut -f1) <(grep -v '^$' "$T/cnn.pred" | cut -f1) && ok || bad "CNN-CRF ner changed the tokens"
  awk -F'\t' 'NF && $2 !~ /^(O|[BI]-(person|location|corporation))$/ {b=1} END {exit b}' "$T/cnn.pred" && ok || bad "CNN-CRF tag outside its labels"
  expect 0 "ner --tagger model:DIR on text" -- "$BIN" ner --input "$SAMPLE" --tagger "model:$T/cnn1" --out "$T/cnn.jsonl"
  expect 2 "train-ner bad dropout" -- "$BIN" train-ner --train "$T/tiny.conll" --out "$T/cx" --dropout 1.5
  expect 2 "train-ner BERT option without --model" -- "$BIN" train-ner --train "$T/tiny.conll" --out "$T/cx" --warmup 0.1
  expect 2 "train-ner zero hidden" -- "$BIN" train-ner --train "$T/tiny.conll" --out "$T/cx" --hidden 0
  expect 2 "train-ner missing train file" -- "$BIN" train-ner --train "$T/none.conll" --out "$T/cx"
  [ ! -e "$T/cx" ] && ok || bad "failed train-ner left a folder"
  mkdir -p "$T/cnnbad" && cp "$T/cnn1/"* "$T/cnnbad/" && printf 'x\tnot-a-type\t1\n' >"$T/cnnbad/gazetteer.tsv"
  expect 2 "ner with a bad gazetteer" -- "$BIN" ner --input "$T/tiny.conll" --model "$T/cnnbad" --out "$T/bad.pred"
  grep -q "gazetteer.tsv:" "$T/stderr" && ok || bad "bad gazetteer not named"
  [ ! -e "$T/bad.pred" ] && ok || bad "failed ner left a file"
  # silver labels from a state, then mixed into training
  expect 0 "cluster for silver" -- "$BIN" cluster --input "$SAMPLE" --tagger rules --out "$T/ss" --quiet
  expect 0 "silver" -- "$BIN" silver --input "$SAMPLE" --state "$T/ss" --out "$T/silver.conll" --json
  grep -q '"spans":[1-9]' "$T/stdout" && ok || bad "silver found nothing: $(head -c 200 "$T/stdout")"
  grep -qP '^Vision\tI-product$' "$T/silver.conll" && ok || bad "silver: multi-word name not B-/I- labelled"
  awk -F'\t' 'NF && (NF != 2 || $2 !~ /^(O|[BI]-(person|location|corporation|product|group|creative-work))$/) {b=1} END {exit b}' \
    "$T/silver.conll" && ok || bad "silver wrote a malformed line"
  expect 0 "train-ner with silver" -- "$BIN" train-ner --train "$T/tiny6.conll" --silver "$T/silver.conll" \
    --out "$T/cnns" --epochs 1 --batch 32 --hidden 16 --char-buckets 1024 --char-dim 8
  # the tagger's gazetteer comes from gold sentences only
  extra=$(grep -v '^#' "$T/cnns/gazetteer.tsv" | cut -f1 | grep -vxE 'alice|bob|paris|google|new york')
  [ -z "$extra" ] && ok || bad "silver names in the gazetteer: $(echo $extra | head -c 200)"
  expect 0 "train-ner --silver-per-epoch" -- "$BIN" train-ner --train "$T/tiny6.conll" --silver "$T/silver.conll" \
    --out "$T/cnnsp" --epochs 2 --batch 8 --hidden 16 --char-buckets 1024 --char-dim 8 --silver-per-epoch 5
  grep -q '"silver_per_epoch":[[:space:]]*5' "$T/cnnsp/train_log.json" && ok || bad "silver_per_epoch not logged"
  expect 2 "--silver-per-epoch without --silver" -- "$BIN" train-ner --train "$T/tiny6.conll" --out "$T/cx" \
    --silver-per-epoch 5
  # silver leaves out names the comments write in lower case, and with
  # --gold those labelled data leaves unlabelled
  printf 'Zorblat\tPER\nblorgle\tPER\nQWZX\tORG\n' >"$T/sgaz.tsv"
  for i in 1 2 3 4 5 6; do
    printf 'we met Zorblat today\ni really blorgle this one\nthat QWZX thing again\n'
  done >"$T/scomments.txt"
  printf 'so\tO\nQWZX\tO\n\nQWZX\tO\nyes\tO\n\nthe\tO\nQWZX\tO\n\n' >"$T/sgold.conll"
  expect 0 "silver casing rule" -- "$BIN" silver --input "$T/scomments.txt" --gazetteer "$T/sgaz.tsv" \
    --out "$T/sc.conll" --json
  grep -q '"names_lowercase":1' "$T/stdout" && ok || bad "silver: lower-case name not left out: $(cat "$T/stdout")"
  grep -qP '^Zorblat\tB-person$' "$T/sc.conll" && ! grep -qP '^blorgle\tB-' "$T/sc.conll" && \
    grep -qP '^QWZX\tB-corporation$' "$T/sc.conll" && ok || bad "silver casing rule labelled the wrong names"
  expect 0 "silver --gold" -- "$BIN" silver --input "$T/scomments.txt" --gazetteer "$T/sgaz.tsv" \
    --gold "$T/sgold.conll" --out "$T/sg.conll" --json
  grep -q '"names_gold_text":1' "$T/stdout" && ! grep -qP '^QWZX\tB-' "$T/sg.conll" && ok || \
    bad "silver --gold kept a name the gold data leaves unlabelled: $(cat "$T/stdout")"
  expect 2 "silver with a missing --gold" -- "$BIN" silver --input "$T/scomments.txt" --gazetteer "$T/sgaz.tsv" \
    --gold "$T/none.conll" --out "$T/sx.conll"
  [ ! -e "$T/sx.conll" ] && ok || bad "failed silver left a file"
  expect 2 "silver without names" -- "$BIN" silver --input "$SAMPLE" --no-gazetteer --out "$T/s2.conll"
  expect 2 "silver with a bad state" -- "$BIN" silver --input "$SAMPLE" --state "$T/none" --out "$T/s3.conll"
  [ ! -e "$T/s3.conll" ] && ok || bad "failed silver left a file"
  # without the model, the default tagger falls back to rules and says so
  VCDISCOVER_NER_MODEL="$T/nomodel" expect 0 "cluster without the default model" -- "$BIN" cluster \
    --input "$SAMPLE" --out "$T/sf" --quiet
  grep -q "using the rule-based tagger" "$T/stderr" && ok || bad "fallback not reported: $(head -c 300 "$T/stderr")"
  grep -q '"name":[[:space:]]*"rules"' "$T/sf/manifest.json" && ok || bad "fallback state does not record the rules tagger"
  if [ -f "$(dirname "$0")/../../data/models/default/model.safetensors" ]; then
    expect 0 "cluster with the default model" -- "$BIN" cluster --input "$SAMPLE" --out "$T/sd" --quiet
    grep -q '"name":[[:space:]]*"cnn-crf"' "$T/sd/manifest.json" && ok || bad "default state does not record the cnn-crf tagger"
    expect 0 "match on the default-model state" -- "$BIN" match --state "$T/sd" "AVP"
    grep -q 'Apple Vision.*PRODUCT' "$T/stdout" && ok || bad "default-model state cannot match AVP: $(cat "$T/stdout")"
    DEV=$SHARED/data/wnut17/dev.conll
    if [ -f "$DEV" ]; then
      expect 0 "ner on WNUT dev with the default model" -- "$BIN" ner --input "$DEV" --out "$T/dev.pred"
      expect 0 "eval ner on WNUT dev" -- "$BIN" eval ner --gold "$DEV" --pred "$T/dev.pred" --json
      f1=$(grep -o '"f1":[0-9.]*' "$T/stdout" | head -1 | cut -d: -f2)
      # measured 0.5306 (reports/ner.md); the issue's target is 0.50
      awk -v f="$f1" 'BEGIN {exit !(f >= 0.50)}' && ok || bad "default model WNUT dev F1 $f1 < 0.50"
    else
      echo "SKIP: default model dev F1 ($DEV not found)"
    fi
  else
    bad "the shipped default model data/models/default is missing"
  fi
else
  echo "SKIP: CNN-CRF CLI checks ($VEC not found)"
fi

# BERT: ner, train-ner, --tagger/--encoder bert:DIR (needs ../shared's fixtures)
TINY=$SHARED/fixtures/bert_tiny
if [ -d "$TINY" ]; then
  head -n 400 "$SHARED/data/wnut17/train.conll" >"$T/small.conll"
  expect 0 "ner with a BERT folder" -- "$BIN" ner --input "$T/small.conll" --model "$TINY" --out "$T/small.pred"
  # WNUT separates texts with a lone tab; ner writes an empty line
  words() { grep -v '^[[:space:]]*$' "$1" | cut -f1; }
  cmp -s <(words "$T/small.conll") <(words "$T/small.pred") && ok || bad "ner changed the tokens"
  [ "$(grep -c '^$' "$T/small.pred")" = "$(grep -c '^[[:space:]]*$' "$T/small.conll")" ] && ok || bad "ner lost text boundaries"
  awk -F'\t' 'NF && $2 !~ /^(O|[BI]-(person|location|corporation|product|group|creative-work))$/ {b=1} END {exit b}' \
    "$T/small.pred" && ok || bad "ner wrote a tag outside the model's labels"
  expect 0 "ner rules on CoNLL" -- "$BIN" ner --input "$T/small.conll" --out "$T/small.rules"
  expect 0 "eval the ner output" -- "$BIN" eval ner --gold "$T/small.conll" --pred "$T/small.rules"
  for run in 1 2; do
    expect 0 "train-ner run $run" -- "$BIN" train-ner --train "$T/small.conll" --dev "$T/small.conll" \
      --model "$TINY" --out "$T/ft$run" --epochs 2 --lr 1e-3 --batch 4 --seed 3 --json
  done
  grep -q '"schema":"vcdiscover.train-ner-run/1"' "$T/stdout" && ok || bad "train-ner summary: $(head -c 200 "$T/stdout")"
  cmp -s "$T/ft1/model.safetensors" "$T/ft2/model.safetensors" && ok || bad "same seed gave different weights"
  grep -q '"schema":	"vcdiscover.train-ner/1"' "$T/ft1/train_log.json" && ok || bad "train_log.json schema"
  expect 0 "ner with the fine-tuned model" -- "$BIN" ner --input "$T/small.conll" --model "$T/ft1" --out "$T/ft.pred"
  expect 0 "train-ner --init-random" -- "$BIN" train-ner --train "$T/small.conll" --model "$TINY" \
    --init-random --out "$T/fr" --epochs 1 --batch 8 --f16
  expect 2 "train-ner without model folder" -- "$BIN" train-ner --train "$T/small.conll" --model "$T/none" --out "$T/x"
  expect 2 "train-ner bad lr" -- "$BIN" train-ner --train "$T/small.conll" --model "$TINY" --out "$T/x" --lr 5
  expect 2 "train-ner CNN-CRF option with --model" -- "$BIN" train-ner --train "$T/small.conll" --model "$TINY" --out "$T/x" --hidden 8
  expect 2 "train-ner bad schedule" -- "$BIN" train-ner --train "$T/small.conll" --model "$TINY" --out "$T/x" --schedule cosine
  mkdir -p "$T/broken" && cp "$TINY/config.json" "$TINY/vocab.txt" "$T/broken/" && head -c 5000 "$TINY/model.safetensors" >"$T/broken/model.safetensors"
  expect 2 "ner with truncated weights" -- "$BIN" ner --input "$T/small.conll" --model "$T/broken" --out "$T/b.pred"
  [ ! -e "$T/b.pred" ] && ok || bad "failed ner left a file"
  printf '{"vocab_size": 8000, "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 3, "intermediate_size": 256}' >"$T/broken/config.json"
  expect 2 "ner with a bad config" -- "$BIN" ner --input "$T/small.conll" --model "$T/broken"
  expect 0 "cluster with the BERT encoder" -- "$BIN" cluster --tagger rules --encoder "bert:$SHARED/fixtures/bert_mini384_f16" --out "$T/sb"
  expect 0 "match on a BERT-encoded state" -- "$BIN" match --state "$T/sb" "AVP"
  grep -q 'Apple Vision Pro' "$T/stdout" && ok || bad "BERT state cannot match AVP"
  expect 2 "cluster with an unknown encoder" -- "$BIN" cluster --encoder word2vec --out "$T/sx"
  expect 2 "cluster with an unknown tagger" -- "$BIN" cluster --tagger crf --out "$T/sx"
else
  echo "SKIP: BERT CLI checks ($TINY not found)"
fi
# train-encoder, pairs mine, --encoder identity
expect 0 "train-encoder --help" -- "$BIN" train-encoder --help
expect 2 "train-encoder without groups" -- "$BIN" train-encoder --out "$T/enc"
expect 2 "train-encoder missing groups file" -- "$BIN" train-encoder --groups "$T/nope.tsv" --out "$T/enc" --no-vectors
printf 'not a group line\n' >"$T/badgroups.tsv"
expect 2 "train-encoder on no valid line" -- "$BIN" train-encoder --groups "$T/badgroups.tsv" --out "$T/enc" --no-vectors
[ ! -e "$T/enc/model.safetensors" ] && ok || bad "failed train-encoder left a model"
expect 2 "train-encoder bad epochs" -- "$BIN" train-encoder --groups "$T/badgroups.tsv" --out "$T/enc" --epochs 0
: >"$T/groups.tsv"
for i in $(seq 1 60); do
  printf 'g%d\tORG\tAlpha%d Beta%d Gamma\ng%d\tORG\tA%dBG\ng%d\tORG\tBeta%d\n' "$i" "$i" "$i" "$i" "$i" "$i" "$i" >>"$T/groups.tsv"
done
expect 0 "train-encoder tiny" -- "$BIN" train-encoder --groups "$T/groups.tsv" --out "$T/enc" --no-vectors --epochs 2 --dim 16 --quiet
grep -q '"schema": "vcdiscover.identity-train-log/1"' "$T/enc/train_log.json" && ok || bad "no train log"
grep -q '"heldout_recall_at_1"' "$T/enc/train_log.json" && ok || bad "train log without the held-out metric"
expect 0 "cluster with --encoder identity:DIR" -- "$BIN" cluster --tagger rules --no-vectors --encoder "identity:$T/enc" --out "$T/sid"
expect 0 "match on an identity-encoded state" -- "$BIN" match --state "$T/sid" "Apple"
expect 2 "cluster with a missing identity model" -- "$BIN" cluster --no-vectors --encoder "identity:$T/nope" --out "$T/sx"
printf 'x,y\n' >"$T/c.txt"
expect 2 "pairs without mine" -- "$BIN" pairs
expect 2 "pairs mine without --out" -- "$BIN" pairs mine --input "$T/c.txt"
printf 'I love Apple Vision Pro, the AVP is great\nApple Vision Pro or AVP?\n' >"$T/c.txt"
expect 0 "pairs mine" -- "$BIN" pairs mine --input "$T/c.txt" --format txt --tagger rules --out "$T/pairs.tsv"
[ -e "$T/pairs.tsv" ] && ok || bad "pairs mine wrote nothing"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
