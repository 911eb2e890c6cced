#!/usr/bin/env bash
# CLI behaviour: exit codes, one-line errors, no partial outputs, hostile
# inputs. Usage: cli_test.sh path/to/vcdiscover
set -u
BIN=$1
T=$(mktemp -d)
trap 'chmod -R u+w "$T"; rm -rf "$T"' EXIT
. "$(dirname "$0")/expect.sh"

V=(--no-vectors)
expect 0 "help" '^usage: vcdiscover <command> \[options\]$' -- "$BIN" --help
expect 2 "no command" 'usage: vcdiscover <command> \[options\] \(no command given; see vcdiscover --help\)' -- "$BIN"
expect 2 "unknown command" 'frobnicate: unknown command \(see vcdiscover --help\)' -- "$BIN" frobnicate
expect 0 "cluster --help" '^  --input X  ' -- "$BIN" cluster --help
expect 0 "match --help" '^  --threshold X  ' -- "$BIN" match --help
expect 2 "unknown option" 'cluster: unknown option --bogus \(see --help\)' -- "$BIN" cluster --bogus
expect 2 "missing value" 'cluster: --input needs a value' -- "$BIN" cluster --input
expect 2 "bad number" '--min-cluster-size: expected an integer in 2\.\.' -- "$BIN" cluster --min-cluster-size banana
expect 2 "negative number" '--min-cluster-size: expected an integer in 2\.\.' -- "$BIN" cluster --min-cluster-size -3
expect 2 "number too small" '--min-cluster-size: expected an integer in 2\.\.' -- "$BIN" cluster --min-cluster-size 1
expect 2 "bad enum" '--algo: expected hdbscan or kmeans, got '"'"'dbscan'"'"'' -- "$BIN" cluster --algo dbscan
expect 2 "kmeans without k" '--algo: kmeans needs --k N' -- "$BIN" cluster --algo kmeans
expect 2 "bad threshold" '--threshold: expected a number in 0\.\.1, got '"'"'7'"'"'' -- "$BIN" match AVP --threshold 7
expect 2 "a real option of nan" '--threshold: expected a number in 0\.\.1, got '"'"'nan'"'"'' -- "$BIN" match AVP --threshold nan
expect 2 "an integer option with trailing junk" '--top: expected an integer in 1\.\.1000, got '"'"'5x'"'"'' -- "$BIN" match AVP --top 5x
expect 2 "match without text" 'match: give the mention text, e\.g\. vcdiscover match "AVP"' -- "$BIN" match

# hostile inputs: each a clear error or counted skips, never a crash
printf '' >"$T/empty.csv"
printf 'ID,Date,Author,Likes,Replies,Comment\n' >"$T/header.csv"
printf 'ID;Date;Comment\n1;2024-01-01;hello Apple\n' >"$T/semi.csv"
printf 'ID,Date,Remark\n1,2024-01-01,hello Apple Vision Pro\n2,2024-01-01,Apple Vision Pro\n' >"$T/nocol.csv"
printf 'ID,Comment\n1,"Apple never closes\n2,Samsung\n' >"$T/unbalanced.csv"
printf 'ID,Date,Comment\n1,2024-01-01,Apple Vision Pro\n2,2024-01-02,bad \xff\xfe Apple\n3,2024-01-03,nul \000 Apple Vision Pro\n4,not a date,Apple Vision Pro again\n' >"$T/mixed.csv"
head -c 10485760 /dev/zero | tr '\0' 'x' >"$T/bigfield.txt"
{ printf 'ID,Comment\n1,"'; cat "$T/bigfield.txt"; printf '"\n2,Apple Vision Pro rocks\n3,Apple Vision Pro\n'; } >"$T/big.csv"
expect 2 "empty file" '[^ ]*/empty\.csv: empty file: no header row' -- "$BIN" cluster "${V[@]}" --input "$T/empty.csv" --out "$T/o1"
expect 2 "header only" '[^ ]*/header\.csv: no usable comments \(0 rows read, 0 skipped\)' -- "$BIN" cluster "${V[@]}" --input "$T/header.csv" --out "$T/o2"
expect 2 "wrong delimiter" '[^ ]*/semi\.csv:1: no text column '"'"'Comment'"'"' \(or text, body, content\); columns found:' -- "$BIN" cluster "${V[@]}" --input "$T/semi.csv" --out "$T/o3"
grep -q "delimiter" "$T/stderr" && ok || bad "wrong delimiter: no hint"
expect 0 "explicit delimiter" '^1 comments \(0 rows skipped\), 1 mentions' -- "$BIN" cluster "${V[@]}" --input "$T/semi.csv" --delimiter ';' --out "$T/o3b"
expect 2 "missing column" '[^ ]*/nocol\.csv:1: no text column '"'"'Comment'"'"' \(or text, body, content\); columns found:' -- "$BIN" cluster "${V[@]}" --input "$T/nocol.csv" --out "$T/o4"
grep -q "columns found: ID, Date, Remark" "$T/stderr" && ok || bad "missing column: columns not named"
expect 0 "remapped column" '^2 comments \(0 rows skipped\), 2 mentions, 1 distinct forms$' -- "$BIN" cluster "${V[@]}" --input "$T/nocol.csv" --text-column Remark --out "$T/o4b" --min-cluster-size 2
grep -q '"text":"Apple Vision Pro"' "$T/o4b/mentions.jsonl" && ok || bad "remapped column: Remark not read as the text"
expect 2 "unbalanced quotes (nothing usable left)" '[^ ]*/unbalanced\.csv: no usable comments \(1 rows read, 1 skipped\)' -- "$BIN" cluster "${V[@]}" --input "$T/unbalanced.csv" --out "$T/o5"
expect 0 "mixed bad rows" -- "$BIN" cluster "${V[@]}" --input "$T/mixed.csv" --out "$T/o6"
grep -q "mixed.csv:3: invalid UTF-8" "$T/stderr" && ok || bad "invalid UTF-8 not reported with its line"
grep -q "mixed.csv:4: NUL byte" "$T/stderr" && ok || bad "NUL byte not reported"
grep -q "unparseable date" "$T/stderr" && ok || bad "bad date not reported"
grep -Eq '"skipped_invalid_utf8":[[:space:]]*1,' "$T/o6/manifest.json" && ok || bad "skip not counted in manifest"
expect 0 "10 MB field" -- "$BIN" cluster "${V[@]}" --input "$T/big.csv" --out "$T/o7"
grep -q "longer than" "$T/stderr" && ok || bad "oversized field not reported"
# Oversized fields are cut while read (unquoted on one line; quoted over two
# lines with "" escapes and spaces after the closing quote): each row is
# skipped, counted and named by the line it starts on, and the rows after
# them are all kept.
{
  printf 'ID,Comment\n1,Apple Vision Pro first\n2,'
  head -c 3000000 /dev/zero | tr '\0' 'y'
  printf '\n3,"multi\nline '
  head -c 3000000 /dev/zero | tr '\0' 'z'
  printf ' ""quoted"" "  \n4,Apple Vision Pro after\n5,Apple Vision Pro last\n'
} >"$T/cut.csv"
expect 0 "oversized fields cut" -- "$BIN" cluster "${V[@]}" --input "$T/cut.csv" --out "$T/o7b"
grep -q "cut.csv:3: field longer than 1048576 bytes; row skipped" "$T/stderr" && ok || bad "unquoted oversized field: $(cat "$T/stderr")"
grep -q "cut.csv:4: field longer than 1048576 bytes; row skipped" "$T/stderr" && ok || bad "quoted oversized field: $(cat "$T/stderr")"
grep -Eq '"skipped_malformed":[[:space:]]*2,' "$T/o7b/manifest.json" && ok || bad "oversized skips not counted"
[ "$(cut -d, -f1 "$T/o7b/docs.jsonl" | tr '\n' ' ')" = '{"id":"1" {"id":"4" {"id":"5" ' ] && ok || bad "rows after the oversized fields not kept: $(cut -c1-40 "$T/o7b/docs.jsonl")"
expect 2 "missing input" '[^ ]*/nope\.csv: cannot open: No such file or directory' -- "$BIN" cluster "${V[@]}" --input "$T/nope.csv" --out "$T/o8"
mkdir -p "$T/nofiles" && printf 'x' >"$T/nofiles/notes.bin"
expect 2 "input is a directory without inputs" '[^ ]*/nofiles: no input files in the directory \(\.csv, \.txt, \.jsonl\)' -- \
  "$BIN" cluster "${V[@]}" --input "$T/nofiles" --out "$T/o9"
# unwritable output: a directory without write permission (not for root,
# whom permissions do not stop), and a path under a regular file (for anyone)
mkdir -p "$T/ro" && chmod a-w "$T/ro"
if [ "$(id -u)" != 0 ]; then
  expect 2 "unwritable output" '[^ ]*/ro/x: cannot create directory: Permission denied' -- "$BIN" cluster "${V[@]}" --input "$T/mixed.csv" --out "$T/ro/x"
fi
printf 'x' >"$T/afile"
expect 2 "output under a regular file" '[^ ]*/afile/x: cannot create directory: Not a directory' -- \
  "$BIN" cluster "${V[@]}" --input "$T/mixed.csv" --out "$T/afile/x"
expect 2 "report into a path under a regular file" '[^ ]*/afile/r\.html: cannot write: Not a directory' -- \
  "$BIN" report --state "$T/o6" --out "$T/afile/r.html"
[ "$(cat "$T/afile")" = x ] && ok || bad "a failed output changed the file in its path"
expect 2 "output is a file" '[^ ]*/afile: not a directory' -- "$BIN" cluster "${V[@]}" --input "$T/mixed.csv" --out "$T/afile"
[ ! -e "$T/o1/manifest.json" ] && [ ! -e "$T/o4/manifest.json" ] && ok || bad "failed run left a manifest"
ls "$T"/o*/ 2>/dev/null | grep -q '\.tmp' && bad "temporary files left behind" || ok

# vectors: corrupt and truncated files
printf 'garbage' >"$T/bad.vcdv"
expect 2 "corrupt vectors" '[^ ]*/bad\.vcdv: vector file too short \(7 bytes\)' -- "$BIN" cluster --vectors "$T/bad.vcdv" --input "$T/mixed.csv" --out "$T/o10"
printf 'the 0.1 0.2\napple 0.3 0.4\n' >"$T/tiny.txt"
expect 0 "vectors import text" 'imported 2 words' -- "$BIN" vectors import --input "$T/tiny.txt" --out "$T/tiny.vcdv"
[ -s "$T/tiny.vcdv" ] && ok || bad "vectors import wrote nothing"
head -c 100 "$T/tiny.vcdv" >"$T/trunc.vcdv"
expect 2 "truncated vectors" '[^ ]*/trunc\.vcdv: section runs past the end of the file \(truncated\?\)' -- "$BIN" cluster --vectors "$T/trunc.vcdv" --input "$T/mixed.csv" --out "$T/o11"
expect 2 "vectors import of garbage" '[^ ]*/empty\.csv: no usable word vectors found' -- "$BIN" vectors import --input "$T/empty.csv" --out "$T/e.vcdv"
[ ! -e "$T/e.vcdv" ] && ok || bad "failed import left a file"

# pre-extracted mentions
printf '{"doc_id":"1","text":"Apple Vision Pro","start":0,"end":16}\n{"doc_id":"1","text":"wrong","start":0,"end":5}\nnot json\n' >"$T/m.jsonl"
expect 0 "mentions file" -- "$BIN" cluster "${V[@]}" --input "$T/mixed.csv" --mentions "$T/m.jsonl" --out "$T/o12"
grep -q "text differs" "$T/stderr" && ok || bad "mismatched mention not reported"
[ "$(wc -l <"$T/o12/mentions.jsonl")" = 1 ] && ok || bad "mentions file: expected exactly 1 mention"

# match on a good state, then on damaged ones
expect 0 "match" -- "$BIN" match "Apple Vision Pro" --state "$T/o6" --json
grep -q '"schema":"vcdiscover.match/1"' "$T/stdout" && ok || bad "match --json schema"
expect 2 "match on missing state" '[^ ]*/none/manifest\.json: missing \(not a state directory, or an unfinished run\)' -- "$BIN" match AVP --state "$T/none"
cp -r "$T/o6" "$T/o6b" && head -c 50 "$T/o6/form_vectors.bin" >"$T/o6b/form_vectors.bin"
expect 2 "match on truncated form vectors" '[^ ]*/o6b/form_vectors\.bin: 50 bytes, the manifest records' -- "$BIN" match AVP --state "$T/o6b"
grep -q "form_vectors.bin: 50 bytes, the manifest records" "$T/stderr" && ok || bad "truncated form vectors not named: $(cat "$T/stderr")"
[ ! -e "$T/o6/index.faiss" ] && ok || bad "cluster still writes index.faiss"
cp -r "$T/o6" "$T/o6c" && printf '{"schema":"vcdiscover.manifest/1"' >"$T/o6c/manifest.json"
expect 2 "match on corrupt manifest" '[^ ]*/o6c/manifest\.json: not valid JSON' -- "$BIN" match AVP --state "$T/o6c"
cp -r "$T/o6" "$T/o6d" && printf '{"form":0,"key":"x","surface":"x","count":1,"entity_id":99}\n' >"$T/o6d/forms.jsonl"
expect 2 "match on inconsistent forms" '[^ ]*/o6d/forms\.jsonl: 60 bytes, the manifest records' -- "$BIN" match AVP --state "$T/o6d"

# k-means and determinism through the CLI
expect 0 "kmeans" '^wrote [^ ]*/k1/\{manifest\.json,' -- "$BIN" cluster "${V[@]}" --input "$T/mixed.csv" --algo kmeans --k 1 --seed 3 --out "$T/k1"
grep -q '"algorithm":[[:space:]]*"kmeans"' "$T/k1/manifest.json" && grep -q '"k":[[:space:]]*1,' "$T/k1/manifest.json" && ok || bad "kmeans settings not in the manifest"
# trends, report and eval on the bundled sample: real comments with generated
# dates, where every comment naming Savitar is dated 10-30 June (data/README.md)
SAMPLE="$(dirname "$0")/../../data/sample_comments.csv"
expect 0 "cluster sample" '^2842 comments \(0 rows skipped\)' -- "$BIN" cluster "${V[@]}" --input "$SAMPLE" --out "$T/s"
expect 0 "trends" -- "$BIN" trends --state "$T/s"
grep -q '"schema":"vcdiscover.trends/1"' "$T/s/trends.json" && ok || bad "trends schema"
grep -q '"name":"Savitar".*"emerging":true,"new":true' "$T/s/trends.json" && ok || bad "Savitar not new and emerging"
grep -q '"name":"Trump".*"emerging":false' "$T/s/trends.json" && ok || bad "steady Trump flagged"
# only Savitar's dates were moved; what else rises is named in his comments
# (Barry, Iris, Flash): nothing from the other topics may be flagged
grep '"emerging":true' "$T/s/trends.json" | grep -o '"name":"[^"]*"' | grep -vqE '"(Savitar|Barry|Iris|Flash)"' \
  && bad "an entity outside Savitar's comments is emerging" || ok
expect 0 "trends by day to stdout" -- "$BIN" trends --state "$T/s" --bucket day --out -
grep -q '"bucket":"2026-06-30"' "$T/stdout" && ok || bad "daily buckets"
expect 0 "trends range" -- "$BIN" trends --state "$T/s" --since 2026-02-01 --until 2026-03-01 --bucket month --out "$T/feb.json"
grep -q '"bucket":"2026-02"' "$T/feb.json" && ! grep -q '"bucket":"2026-03"' "$T/feb.json" && ok || bad "range not applied"
expect 2 "trends bad bucket" '--bucket: expected day, week or month, got '"'"'fortnight'"'"'' -- "$BIN" trends --state "$T/s" --bucket fortnight
expect 2 "trends bad date" '--since: expected an ISO' -- "$BIN" trends --state "$T/s" --since yesterday
expect 2 "trends empty range" '[^ ]*/s: no dated comment falls in the requested range' -- "$BIN" trends --state "$T/s" --since 2030-01-01
expect 2 "trends until before since" '--until: must be after --since' -- "$BIN" trends --state "$T/s" --since 2026-03-01 --until 2026-02-01
expect 2 "trends missing state" '[^ ]*/none/manifest\.json: missing \(not a state directory, or an unfinished run\)' -- "$BIN" trends --state "$T/none"
printf 'ID,Comment\n1,Apple Vision Pro\n2,Apple Vision Pro is here\n3,Apple Vision Pro again\n' >"$T/nodate.csv"
expect 0 "cluster without dates" '^3 comments \(0 rows skipped\), 3 mentions' -- "$BIN" cluster "${V[@]}" --input "$T/nodate.csv" --out "$T/nd"
grep -q '"has_dates":[[:space:]]*false' "$T/nd/manifest.json" && ok || bad "undated input recorded as dated"
expect 2 "trends without dates" '[^ ]*/nd: the input of this state had no date column, so there are no trends \(re-run' -- "$BIN" trends --state "$T/nd"
grep -q "no date column" "$T/stderr" && ok || bad "no-date error not explained"
expect 0 "report without dates" '^wrote [^ ]*/nd\.html' -- "$BIN" report --state "$T/nd" --out "$T/nd.html"
grep -q "The comments have no dates" "$T/nd.html" && ok || bad "report without dates does not say so"
printf 'ID,Date,Comment\n1,2026-01-01,"<script>alert(1)</script> Apple Vision Pro"\n2,2026-01-02,"<b>Apple Vision Pro</b> & more"\n3,2026-01-03,Apple Vision Pro\n' >"$T/evil.csv"
expect 0 "cluster hostile text" '^3 comments \(0 rows skipped\), 3 mentions' -- "$BIN" cluster "${V[@]}" --input "$T/evil.csv" --out "$T/ev"
expect 0 "report hostile text" -- "$BIN" report --state "$T/ev" --out "$T/ev.html"
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$T/ev.html" && ok || bad "comment text not escaped"
# the page's own script is the last element; a comment's markup never is one
[ "$(grep -oi '<script' "$T/ev.html" | wc -l)" = 1 ] && ok || bad "raw <script> in report"
grep -q '&lt;/b&gt; &amp; more' "$T/ev.html" && ! grep -q '<b>Apple' "$T/ev.html" && ok || bad "markup in a comment not escaped"
expect 0 "report" -- "$BIN" report --state "$T/s" --out "$T/r.html"
grep -q 'Savitar' "$T/r.html" && grep -q 'class="emerging-entity"' "$T/r.html" && ok || bad "report lacks emerging list"
cp -r "$T/s" "$T/s2" && printf '{"id":"x","date":"not a date"}\n' >"$T/s2/docs.jsonl"
expect 2 "report on damaged docs" '[^ ]*/s2/docs\.jsonl: 31 bytes, the manifest records' -- "$BIN" report --state "$T/s2" --out "$T/r2.html"
[ ! -e "$T/r2.html" ] && ok || bad "failed report left a file"

# eval: conlleval scoring and clustering scores through the CLI
printf 'New\tB-location\nYork\tI-location\nrocks\tO\n' >"$T/g.conll"
printf 'New\tB-location\nYork\tB-location\nrocks\tO\n' >"$T/p.conll"
printf 'New\tB-location\nJersey\tI-location\nrocks\tO\n' >"$T/q.conll"
expect 0 "eval ner" -- "$BIN" eval ner --gold "$T/g.conll" --pred "$T/p.conll" --json
grep -q '"schema":"vcdiscover.eval-ner/1".*"tp":0,"fp":2,"fn":1' "$T/stdout" && ok || bad "eval ner counts: $(cat "$T/stdout")"
expect 2 "eval ner misaligned" 'token 2 differs: gold '"'"'York'"'"', prediction '"'"'Jersey'"'"'' -- "$BIN" eval ner --gold "$T/g.conll" --pred "$T/q.conll"
expect 2 "eval ner missing file" '[^ ]*/none\.conll: cannot open: No such file or directory' -- "$BIN" eval ner --gold "$T/g.conll" --pred "$T/none.conll"
expect 2 "eval ner without pred" 'eval ner: --gold and --pred are required' -- "$BIN" eval ner --gold "$T/g.conll"
# clustering scores against a gold written by hand, not the state's own
# output (tests/data/eval_hand/README.md works them out; promises_test.sh checks each)
HG=$(dirname "$0")/../data/eval_hand
expect 0 "cluster the hand-scored mentions" -- "$BIN" cluster "${V[@]}" --kb none --quiet --input "$HG/comments.csv" --mentions "$HG/mentions.jsonl" --out "$T/hg"
expect 0 "eval clusters on a hand-scored gold" 'ARI 0\.3684 ' -- "$BIN" eval clusters --gold "$HG/gold.jsonl" --pred "$T/hg"
grep -q 'B-cubed precision 0\.7500  recall 0\.8333  F1 0\.7895' "$T/stdout" && ok || bad "hand-scored gold: $(cat "$T/stdout")"
printf '{"doc_id":"c00001","start":0}\nnot json\n' >"$T/badgold.jsonl"
expect 2 "eval clusters with no usable gold" '[^ ]*/badgold\.jsonl: no usable gold mention' -- "$BIN" eval clusters --gold "$T/badgold.jsonl" --pred "$T/s"
grep -q "line skipped" "$T/stderr" && ok || bad "bad gold lines not reported"
# identity metrics: form pairs, the string baseline, the worst pairs, eval match
expect 0 "eval clusters form pairs" -- "$BIN" eval clusters --gold "$HG/gold.jsonl" --pred "$T/hg" --json --errors 3
grep -q '"schema":"vcdiscover.eval-clusters/2".*"form_pairs":{"forms":4,"same_entity_pairs":1,"together_pairs":0,"correct_pairs":0,"recall":0,"precision":null}' "$T/stdout" && ok || bad "form pairs: $(head -c 600 "$T/stdout")"
expect 0 "eval clusters baseline" -- "$BIN" eval clusters --gold "$HG/gold.jsonl" --baseline lowercase --json
grep -q '"baseline":"lowercase".*"together_pairs":0,"correct_pairs":0,"recall":0,"precision":null' "$T/stdout" && ok || bad "baseline form pairs: $(head -c 400 "$T/stdout")"
expect 0 "eval clusters baseline text" -- "$BIN" eval clusters --gold "$HG/gold.jsonl" --baseline lowercase --errors 2
grep -q "missed same-entity pairs" "$T/stdout" && grep -q '"Mivvo" (2, E3, cluster [0-9]*) + "Quux" (1, E3, cluster [0-9]*)' "$T/stdout" && ok || bad "baseline lists no missed pairs: $(cat "$T/stdout")"
expect 2 "eval clusters unknown baseline" 'eval clusters: --baseline: expected lowercase, got '"'"'upper'"'"'' -- "$BIN" eval clusters --gold "$T/s/mentions.jsonl" --baseline upper
expect 2 "eval clusters pred and baseline" 'eval clusters: --pred and --baseline exclude each other' -- "$BIN" eval clusters --gold "$T/s/mentions.jsonl" --pred "$T/s" --baseline lowercase
expect 2 "eval clusters bad --errors" '--errors: expected an integer in 0\.\.' -- "$BIN" eval clusters --gold "$T/s/mentions.jsonl" --pred "$T/s" --errors -1
{ for i in $(seq 1 30); do echo "bad line $i"; done; head -3 "$T/s/mentions.jsonl"; } >"$T/hostile.jsonl"
expect 0 "eval clusters hostile gold" -- "$BIN" eval clusters --gold "$T/hostile.jsonl" --baseline lowercase
[ "$(grep -c 'line skipped' "$T/stderr")" = 20 ] && grep -q "30 bad lines skipped in all" "$T/stderr" && ok || bad "hostile gold warnings: $(wc -l <"$T/stderr")"
: >"$T/em.txt"; : >"$T/em.jsonl"; d=0
for spec in "E1|Trump|6" "E1|Donald Trump|3" "E2|Apple|5" "E2|Apple Inc|2" "E3|Nintendo|4" "E4|Netflix|4" "E5|YouTube|4"; do
  IFS='|' read -r ent text n <<<"$spec"
  for _ in $(seq 1 "$n"); do
    d=$((d + 1)); echo "wow $text again" >>"$T/em.txt"
    printf '{"doc_id":"%d","text":"%s","start":4,"end":%d,"entity":"%s"}\n' "$d" "$text" $((4 + ${#text})) "$ent" >>"$T/em.jsonl"
  done
done
expect 0 "eval match" -- "$BIN" eval match --gold "$T/em.jsonl" --input "$T/em.txt" --format txt "${V[@]}" --seeds 1,2 --holdout-frac 1 --absent-frac 0.3 --json --errors 5
grep -q '"schema":"vcdiscover.eval-match/1".*"seed":1,"candidates":2,"heldout":2,.*"absent_entities":2,"absent_queries":2' "$T/stdout" && ok || bad "eval match json: $(head -c 400 "$T/stdout")"
expect 0 "eval match text" -- "$BIN" eval match --gold "$T/em.jsonl" --input "$T/em.txt" --format txt "${V[@]}" --work "$T/emw"
grep -q "reliability of the top-1 score" "$T/stdout" && [ -s "$T/emw/seed-1/mentions.jsonl" ] && ok || bad "eval match text or work dir"
expect 2 "eval match sets --mentions" 'eval match: --mentions is set by eval match itself' -- "$BIN" eval match --gold "$T/em.jsonl" --input "$T/em.txt" --mentions "$T/em.jsonl"
expect 2 "eval match unknown option" 'eval match: unknown option --frobnicate \(see --help\)' -- "$BIN" eval match --gold "$T/em.jsonl" --input "$T/em.txt" --frobnicate 3
expect 2 "eval match bad seeds" '--seeds: expected up to' -- "$BIN" eval match --gold "$T/em.jsonl" --input "$T/em.txt" --seeds 1,x
expect 2 "eval match bad fraction" '--holdout-frac: expected a number in 0\.\.1, got '"'"'2'"'"'' -- "$BIN" eval match --gold "$T/em.jsonl" --input "$T/em.txt" --holdout-frac 2
expect 2 "eval match bad cluster option" '--algo: expected hdbscan or kmeans, got '"'"'magic'"'"'' -- "$BIN" eval match --gold "$T/em.jsonl" --input "$T/em.txt" --algo magic
expect 2 "eval match without gold" 'eval match: --gold is required' -- "$BIN" eval match --input "$T/em.txt"
expect 2 "eval match unusable gold" '[^ ]*/badgold\.jsonl: no usable gold mention' -- "$BIN" eval match --gold "$T/badgold.jsonl" --input "$T/em.txt" --format txt "${V[@]}"
expect 0 "eval match help" '^  --holdout-frac X  ' -- "$BIN" eval match --help
# drop-overlap: comments that share a text with a CoNLL file (letters and
# digits, lower case); lines end at LF, CR LF or CR, invalid UTF-8 becomes U+FFFD
printf 'Hello\tO\n,\tO\nWorld\tB-x\nx1\tO\n\nshort\tO\n\nÇa\tO\nva\tO\ntrès\tO\nbien\tO\n' >"$T/do.conll"
printf 'keep me\r\nI said: HELLO WORLD_X1 !\rca va tres bien\nÇA VA TRÈS BIEN\nbad \xff\xe2\x82 byte\nshort and sweet? no: hello world x\nlast' >"$T/do.txt"
printf 'keep me\nca va tres bien\nbad \xef\xbf\xbd\xef\xbf\xbd byte\nshort and sweet? no: hello world x\nlast' >"$T/do.want"
expect 0 "drop-overlap" '^drop-overlap: 5 comments kept, 2 share a text with [^ ]*/do\.conll$' -- "$BIN" drop-overlap --conll "$T/do.conll" --input "$T/do.txt" --out "$T/do.out" --json
cmp -s "$T/do.out" "$T/do.want" && ok || bad "drop-overlap kept: $(od -c "$T/do.out" | head -5)"
grep -qx '{"schema":"vcdiscover.drop-overlap/1","probes":2,"kept":5,"dropped":2,"invalid_lines":1}' "$T/stdout" && ok || bad "drop-overlap --json: $(cat "$T/stdout")"
expect 2 "drop-overlap without --conll" 'drop-overlap: --conll, --input and --out are required' -- "$BIN" drop-overlap --input "$T/do.txt" --out "$T/do2.out"
expect 2 "drop-overlap missing CoNLL" '[^ ]*/nope\.conll: cannot open' -- "$BIN" drop-overlap --conll "$T/nope.conll" --input "$T/do.txt" --out "$T/do2.out"
expect 2 "drop-overlap missing input" '[^ ]*/nope\.txt: cannot open' -- "$BIN" drop-overlap --conll "$T/do.conll" --input "$T/nope.txt" --out "$T/do2.out"
printf 'Hello\tO\nw\xffrld\tO\n' >"$T/dobad.conll"
expect 2 "drop-overlap invalid CoNLL" '[^ ]*/dobad\.conll:2: invalid UTF-8 or NUL byte' -- "$BIN" drop-overlap --conll "$T/dobad.conll" --input "$T/do.txt" --out "$T/do2.out"
printf 'short\tO\n\n' >"$T/doshort.conll"
expect 2 "drop-overlap CoNLL without a probe" '[^ ]*/doshort\.conll: no sentence has 12 or more letters and digits to match' -- "$BIN" drop-overlap --conll "$T/doshort.conll" --input "$T/do.txt" --out "$T/do2.out"
{ printf 'Hello\tO\n'; head -c 1048577 /dev/zero | tr '\0' 'x'; printf '\tO\n'; } >"$T/dobig.conll"
expect 2 "drop-overlap CoNLL with a 1 MB line" '[^ ]*/dobig\.conll:2: line of 1048579 bytes \(more than 1048576\): not CoNLL' -- "$BIN" drop-overlap --conll "$T/dobig.conll" --input "$T/do.txt" --out "$T/do2.out"
[ ! -e "$T/do2.out" ] && ok || bad "a failed drop-overlap left its output"
# label-mentions: hand-labelled mentions become open labels (a mention is
# whole, a not-entity form is O wherever written, every other word unknown)
printf 'I love my Vision Pro and oh the PC\nTaylor Swift sang Shake It Off\nthis comment is in the dev set already\nnothing here\n' >"$T/lm.txt"
{
  printf '{"doc_id":"1","text":"Vision Pro","start":10,"end":20,"type":"PRODUCT"}\n'
  printf '{"doc_id":"2","text":"Shake It Off","start":18,"end":30,"type":"WORK"}\n'
  printf '{"doc_id":"2","text":"Taylor Swift","start":0,"end":12,"type":"PER"}\n'
  printf '{"doc_id":"2","text":"Swift","start":7,"end":12,"type":"PER"}\n'
  printf '{"doc_id":"2","text":"ang","start":14,"end":17,"type":"PER"}\n'
  printf '{"doc_id":"1","text":"love","start":2,"end":6,"type":"EVENT"}\n'
  printf '{"doc_id":"3","text":"dev","start":23,"end":26,"type":"ORG"}\n'
  printf '{"doc_id":"9","text":"x","start":0,"end":1,"type":"PER"}\n'
  printf 'not json\n'
} >"$T/lm.jsonl"
printf 'form\tmentions\noh\t3\npc\t2\nnothing here at all\t1\n' >"$T/lm_not.tsv"
printf 'this\tO\ncomment\tO\nis\tO\nin\tO\nthe\tO\ndev\tB-corporation\nset\tO\n\n' >"$T/lm_dev.conll"
printf 'I\tO\nlove\tO\nmy\tO\nVision\tB-product\nPro\tI-product\nand\tO\noh\tB-not-entity\nthe\tO\nPC\tB-not-entity\n\nTaylor\tB-person\nSwift\tI-person\nsang\tO\nShake\tB-creative-work\nIt\tI-creative-work\nOff\tI-creative-work\n\n' >"$T/lm.want"
expect 0 "label-mentions" -- "$BIN" label-mentions --input "$T/lm.txt" --format txt --mentions "$T/lm.jsonl" \
  --not-entities "$T/lm_not.tsv" --exclude "$T/lm_dev.conll" --out "$T/lm.conll" --json
cmp -s "$T/lm.conll" "$T/lm.want" && ok || bad "label-mentions wrote: $(head -c 400 "$T/lm.conll")"
grep -qx '{"schema":"vcdiscover.label-mentions/1","docs":4,"docs_excluded":1,"docs_written":2,"words":15,"mentions_read":7,"mentions_skipped":2,"mentions_written":3,"mentions_untyped":1,"mentions_unaligned":1,"mentions_overlap":1,"mentions_excluded":1,"not_entity_forms":3,"not_entity_spans":2}' "$T/stdout" \
  && ok || bad "label-mentions --json: $(cat "$T/stdout")"
grep -q 'lm\.jsonl:9: ' "$T/stderr" && ok || bad "label-mentions did not warn about the bad line: $(cat "$T/stderr")"
expect 2 "label-mentions without --mentions" 'label-mentions: --input, --mentions and --out are required' -- "$BIN" label-mentions --input "$T/lm.txt" --out "$T/lm2.conll"
expect 2 "label-mentions missing forms" '[^ ]*/nope\.tsv: cannot open' -- "$BIN" label-mentions --input "$T/lm.txt" --format txt --mentions "$T/lm.jsonl" --not-entities "$T/nope.tsv" --out "$T/lm2.conll"
expect 2 "label-mentions bad exclude" '[^ ]*/doshort\.conll: no sentence has 12' -- "$BIN" label-mentions --input "$T/lm.txt" --format txt --mentions "$T/lm.jsonl" --exclude "$T/doshort.conll" --out "$T/lm2.conll"
[ ! -e "$T/lm2.conll" ] && ok || bad "a failed label-mentions or train-ner left its output"
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
  head -n 1 "$T/cnn.jsonl" | grep -Eq '^\{"doc_id":"c[0-9]+",.*"start":[0-9]+,"end":[0-9]+' && ok || bad "ner on text wrote no mention lines: $(head -c 200 "$T/cnn.jsonl")"
  # knowledge-base flags: trained with the shipped KB, the folder loads; a
  # model that names another KB's digest, a bad KB file: one error, exit 2
  DKB=$(dirname "$0")/../../data/kb/default.vcdkb
  expect 0 "train-ner --kb" '^wrote [^ ]*/cnnkb/\{config\.json' -- "$BIN" train-ner --train "$T/tiny6.conll" --dev "$T/tiny.conll" --kb "$DKB" \
    --out "$T/cnnkb" --epochs 2 --batch 4 --hidden 16 --char-buckets 1024 --char-dim 8
  grep -q '"given-name"' "$T/cnnkb/config.json" && grep -q '"kb":' "$T/cnnkb/train_log.json" \
    && ok || bad "KB features or KB path not recorded"
  expect 0 "ner with a KB-feature model" -- "$BIN" ner --input "$T/tiny.conll" --model "$T/cnnkb" --out "$T/kb.pred"
  cmp -s <(grep -v '^$' "$T/tiny.conll" | cut -f1) <(grep -v '^$' "$T/kb.pred" | cut -f1) && ok || bad "KB-feature ner changed the tokens"
  mkdir -p "$T/cnnkb2" && cp "$T/cnnkb/"* "$T/cnnkb2/"
  sed -i '/"kb":/,/}/s/"digest":[^,]*/"digest":\t"0000000000000001"/' "$T/cnnkb2/config.json"
  expect 2 "ner with a model of another KB" '[^ ]*/cnnkb2: trained with knowledge base' -- "$BIN" ner --input "$T/tiny.conll" --model "$T/cnnkb2" --out "$T/kb2.pred"
  grep -q "trained with knowledge base 0000000000000001" "$T/stderr" && ok || bad "KB mismatch not explained: $(cat "$T/stderr")"
  printf 'not a kb' >"$T/bad.vcdkb"
  expect 2 "train-ner --kb not a KB" '[^ ]*/bad\.vcdkb: not a \.vcdkb file \(8 bytes, too short\)' -- "$BIN" train-ner --train "$T/tiny6.conll" --kb "$T/bad.vcdkb" --out "$T/cx"
  expect 2 "train-ner bad dropout" '--dropout: expected a number in 0\.\.0\.95, got '"'"'1\.5'"'"'' -- "$BIN" train-ner --train "$T/tiny.conll" --out "$T/cx" --dropout 1.5
  expect 2 "train-ner BERT option without --model" 'train-ner: --warmup needs --model \(it is a BERT fine-tuning option\)' -- "$BIN" train-ner --train "$T/tiny.conll" --out "$T/cx" --warmup 0.1
  expect 2 "train-ner zero hidden" '--hidden: expected an integer in 1\.\.' -- "$BIN" train-ner --train "$T/tiny.conll" --out "$T/cx" --hidden 0
  expect 2 "train-ner missing train file" '[^ ]*/none\.conll: cannot open: No such file or directory' -- "$BIN" train-ner --train "$T/none.conll" --out "$T/cx"
  [ ! -e "$T/cx" ] && ok || bad "failed train-ner left a folder"
  mkdir -p "$T/cnnbad" && cp "$T/cnn1/"* "$T/cnnbad/" && printf 'x\tnot-a-type\t1\n' >"$T/cnnbad/gazetteer.tsv"
  expect 2 "ner with a bad gazetteer" '[^ ]*/cnnbad/gazetteer\.tsv:1: type not in the model'"'"'s labels' -- "$BIN" ner --input "$T/tiny.conll" --model "$T/cnnbad" --out "$T/bad.pred"
  grep -q "gazetteer.tsv:" "$T/stderr" && ok || bad "bad gazetteer not named"
  [ ! -e "$T/bad.pred" ] && ok || bad "failed ner left a file"
  # silver labels from a state, then mixed into training
  expect 0 "cluster for silver" '^wrote [^ ]*/ss/\{manifest\.json,' -- "$BIN" cluster --input "$SAMPLE" --tagger rules --out "$T/ss" --quiet
  expect 0 "silver" -- "$BIN" silver --input "$SAMPLE" --state "$T/ss" --out "$T/silver.conll" --json
  grep -q '"spans":[1-9]' "$T/stdout" && ok || bad "silver found nothing: $(head -c 200 "$T/stdout")"
  grep -qP '^Trump\tI-person$' "$T/silver.conll" && ok || bad "silver: multi-word name not B-/I- labelled"
  awk -F'\t' 'NF && (NF != 2 || $2 !~ /^(O|[BI]-(person|location|corporation|product|group|creative-work))$/) {b=1} END {exit b}' \
    "$T/silver.conll" && ok || bad "silver wrote a malformed line"
  expect 0 "train-ner with silver" '^wrote [^ ]*/cnns/\{config\.json' -- "$BIN" train-ner --train "$T/tiny6.conll" --silver "$T/silver.conll" \
    --out "$T/cnns" --epochs 1 --batch 32 --hidden 16 --char-buckets 1024 --char-dim 8
  # the tagger's gazetteer comes from gold sentences only
  extra=$(grep -v '^#' "$T/cnns/gazetteer.tsv" | cut -f1 | grep -vxE 'alice|bob|paris|google|new york')
  [ -z "$extra" ] && ok || bad "silver names in the gazetteer: $(echo $extra | head -c 200)"
  expect 0 "train-ner --silver-per-epoch" -- "$BIN" train-ner --train "$T/tiny6.conll" --silver "$T/silver.conll" \
    --out "$T/cnnsp" --epochs 2 --batch 8 --hidden 16 --char-buckets 1024 --char-dim 8 --silver-per-epoch 5
  grep -q '"silver_per_epoch":[[:space:]]*5' "$T/cnnsp/train_log.json" && ok || bad "silver_per_epoch not logged"
  expect 2 "--silver-per-epoch without --silver" 'train-ner: --silver-per-epoch needs --silver' -- "$BIN" train-ner --train "$T/tiny6.conll" --out "$T/cx" \
    --silver-per-epoch 5
  # partial labels (BTC scheme) and a second dev set in WNUT 2016 types
  printf 'Carl\tB-PER\nvisits\tO\nAmazon\tB-ORG\nin\tO\nRome\tB-LOC\n\n' >"$T/btc.conll"
  printf 'Carl\tB-person\nvisits\tO\nAmazon\tB-company\nin\tO\nRome\tB-geo-loc\n\nfun\tB-other\n\n' >"$T/w16.conll"
  expect 0 "train-ner --partial --dev2" -- "$BIN" train-ner --train "$T/tiny6.conll" --dev "$T/tiny.conll" \
    --dev2 "$T/w16.conll" --dev2-map wnut16 --partial "$T/btc.conll" --out "$T/cnnp" --epochs 2 --batch 4 \
    --hidden 16 --char-buckets 1024 --char-dim 8 --json
  grep -q '"saved_dev2_f1":' "$T/stdout" && ok || bad "train-ner --dev2 summary: $(head -c 300 "$T/stdout")"
  grep -q '"dev2_f1":' "$T/cnnp/train_log.json" && grep -q '"partial_sentences":[[:space:]]*1,' "$T/cnnp/train_log.json" \
    && ok || bad "train log lacks dev2 or partial fields"
  expect 2 "train-ner --dev2-map unknown" 'train-ner: unknown dev2 tag scheme '"'"'wnut15'"'"' \(expected wnut16\)' -- "$BIN" train-ner --train "$T/tiny6.conll" --dev "$T/tiny.conll" \
    --dev2 "$T/w16.conll" --dev2-map wnut15 --out "$T/cx" --epochs 1
  expect 2 "train-ner --partial-scheme unknown" 'train-ner: unknown partial-label scheme '"'"'conll03'"'"' \(expected btc or btc-org\)' -- "$BIN" train-ner --train "$T/tiny6.conll" \
    --partial "$T/btc.conll" --partial-scheme conll03 --out "$T/cx" --epochs 1
  expect 2 "train-ner --partial with WNUT types" '[^ ]*/tiny\.conll: BTC type '"'"'person'"'"' is not PER, ORG or LOC, or the training data lac' -- "$BIN" train-ner --train "$T/tiny6.conll" \
    --partial "$T/tiny.conll" --out "$T/cx" --epochs 1
  grep -q "tiny.conll: BTC type 'person'" "$T/stderr" && ok || bad "non-BTC partial type not named: $(cat "$T/stderr")"
  # open labels (label-mentions) beside BTC's partial ones
  printf 'Carl\tB-person\nmet\tO\noh\tB-not-entity\nin\tO\nRome\tB-location\n\n' >"$T/open.conll"
  expect 0 "train-ner --open-labels" -- "$BIN" train-ner --train "$T/tiny6.conll" --partial "$T/btc.conll" \
    --open-labels "$T/open.conll" --out "$T/cnno" --epochs 1 --batch 4 --hidden 16 --char-buckets 1024 --char-dim 8
  grep -q '^2 partially labelled sentences, 1 of them open-labelled (0 skipped' "$T/stdout" && ok || bad "train-ner --open-labels summary: $(cat "$T/stdout")"
  grep -q '"open_label_sentences":[[:space:]]*1,' "$T/cnno/train_log.json" && grep -q '"open_labels":' "$T/cnno/train_log.json" \
    && ok || bad "train log lacks the open labels"
  expect 2 "train-ner --open-labels with a type the model lacks" '[^ ]*/lm\.conll: type '"'"'product'"'"' is not one of the training data' -- "$BIN" train-ner \
    --train "$T/tiny6.conll" --open-labels "$T/lm.conll" --out "$T/cx" --epochs 1
  expect 2 "--partial-per-epoch without partial labels" 'train-ner: --partial-per-epoch needs --partial or --open-labels' -- "$BIN" train-ner \
    --train "$T/tiny6.conll" --out "$T/cx" --partial-per-epoch 5
  [ ! -e "$T/cx" ] && ok || bad "failed train-ner left a folder"
  expect 0 "eval ner --gold-map wnut16" -- "$BIN" eval ner --gold "$T/w16.conll" --pred "$T/w16.conll" --gold-map wnut16
  grep -qE '^location +0\.00 +0\.00 +0\.00 +0 +0 +1$' "$T/stdout" && grep -q '^geo-loc' "$T/stdout" && ok || bad "gold-map table: $(cat "$T/stdout")"
  expect 2 "eval ner --gold-map unknown" '[^ ]*/w16\.conll: unknown tag scheme '"'"'x'"'"' \(expected wnut16\)' -- "$BIN" eval ner --gold "$T/w16.conll" --pred "$T/w16.conll" --gold-map x
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
  # a sentence-initial "Hey" left O in labelled data counts against the name;
  # "Zorblat" inside the longer name "Zorblat Quux" counts for it
  printf 'Hey\tPER\nZorblat\tPER\n' >"$T/sgaz2.tsv"
  for i in 1 2 3 4 5 6; do printf 'we said Hey to Zorblat today\n'; done >"$T/scomments2.txt"
  for i in 1 2 3; do printf 'Hey\tO\nyou\tO\n\nZorblat\tB-person\nQuux\tI-person\nwins\tO\n\n'; done >"$T/sgold2.conll"
  expect 0 "silver --gold, first words and longer names" -- "$BIN" silver --input "$T/scomments2.txt" \
    --gazetteer "$T/sgaz2.tsv" --gold "$T/sgold2.conll" --out "$T/sg2.conll" --json
  grep -q '"names_gold_text":1' "$T/stdout" && ! grep -qP '^Hey\tB-' "$T/sg2.conll" && \
    [ "$(grep -cP '^Zorblat\tB-person$' "$T/sg2.conll")" = 6 ] && ok || \
    bad "silver --gold: first-word or longer-name evidence misread: $(cat "$T/stdout")"
  expect 2 "silver with a missing --gold" '[^ ]*/none\.conll: cannot open: No such file or directory' -- "$BIN" silver --input "$T/scomments.txt" --gazetteer "$T/sgaz.tsv" \
    --gold "$T/none.conll" --out "$T/sx.conll"
  [ ! -e "$T/sx.conll" ] && ok || bad "failed silver left a file"
  expect 2 "silver without names" 'silver: needs --input, --out and a --state or --gazetteer' -- "$BIN" silver --input "$SAMPLE" --no-gazetteer --out "$T/s2.conll"
  expect 2 "silver with a bad state" '[^ ]*/none/manifest\.json: missing \(not a state directory, or an unfinished run\)' -- "$BIN" silver --input "$SAMPLE" --state "$T/none" --out "$T/s3.conll"
  [ ! -e "$T/s3.conll" ] && ok || bad "failed silver left a file"
  # without the model, the default tagger falls back to rules and says so
  VCDISCOVER_NER_MODEL="$T/nomodel" expect 0 "cluster without the default model" -- "$BIN" cluster \
    --input "$SAMPLE" --out "$T/sf" --quiet
  grep -q "using the rule-based tagger" "$T/stderr" && ok || bad "fallback not reported: $(head -c 300 "$T/stderr")"
  grep -q '"name":[[:space:]]*"rules"' "$T/sf/manifest.json" && ok || bad "fallback state does not record the rules tagger"
  if [ -f "$(dirname "$0")/../../data/models/default/model.safetensors" ]; then
    expect 0 "cluster with the default model" -- "$BIN" cluster --input "$SAMPLE" --out "$T/sd" --quiet
    grep -q '"name":[[:space:]]*"cnn-crf"' "$T/sd/manifest.json" && ok || bad "default state does not record the cnn-crf tagger"
    expect 0 "match on the default-model state" -- "$BIN" match --state "$T/sd" "Samsung Galaxy S8"
    head -1 "$T/stdout" | grep -qi "s8" && ok || bad "default-model state cannot match Galaxy S8: $(cat "$T/stdout")"
    DEV=$SHARED/data/wnut17/dev.conll
    if [ -f "$DEV" ]; then
      expect 0 "ner on WNUT dev with the default model" -- "$BIN" ner --input "$DEV" --out "$T/dev.pred"
      expect 0 "eval ner on WNUT dev" -- "$BIN" eval ner --gold "$DEV" --pred "$T/dev.pred" --json
      f1=$(grep -o '"f1":[0-9.]*' "$T/stdout" | head -1 | cut -d: -f2)
      # measured 0.5774 (reports/ner.md); the threshold leaves a two-point margin
      awk -v f="$f1" 'BEGIN {exit !(f >= 0.5574)}' && ok || bad "default model WNUT dev F1 $f1 < 0.5574"
      W16=$SHARED/data/wnut16/test.conll
      if [ -f "$W16" ]; then
        expect 0 "ner on WNUT 2016 test with the default model" -- "$BIN" ner --input "$W16" --out "$T/w16.pred"
        expect 0 "eval ner on WNUT 2016 test, mapped" -- "$BIN" eval ner --gold "$W16" --gold-map wnut16 --pred "$T/w16.pred" --json
        f1=$(grep -o '"f1":[0-9.]*' "$T/stdout" | head -1 | cut -d: -f2)
        # measured 0.5471 (reports/ner.md); a two-point margin
        awk -v f="$f1" 'BEGIN {exit !(f >= 0.5271)}' && ok || bad "default model WNUT 2016 test F1 $f1 < 0.5271"
      else
        echo "SKIP: default model WNUT 2016 F1 ($W16 not found)"
      fi
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
  cmp -s <(grep -v '^[[:space:]]*$' "$T/small.conll" | cut -f1) <(grep -v '^$' "$T/small.rules" | cut -f1) && ok || bad "rules ner changed the tokens"
  expect 0 "eval the ner output" '^type +precision +recall +f1 +tp +fp +fn$' -- "$BIN" eval ner --gold "$T/small.conll" --pred "$T/small.rules"
  for run in 1 2; do
    expect 0 "train-ner run $run" -- "$BIN" train-ner --train "$T/small.conll" --dev "$T/small.conll" \
      --model "$TINY" --out "$T/ft$run" --epochs 2 --lr 1e-3 --batch 4 --seed 3 --json
  done
  grep -q '"schema":"vcdiscover.train-ner-run/1"' "$T/stdout" && ok || bad "train-ner summary: $(head -c 200 "$T/stdout")"
  cmp -s "$T/ft1/model.safetensors" "$T/ft2/model.safetensors" && ok || bad "same seed gave different weights"
  grep -q '"schema":	"vcdiscover.train-ner/1"' "$T/ft1/train_log.json" && ok || bad "train_log.json schema"
  expect 0 "ner with the fine-tuned model" -- "$BIN" ner --input "$T/small.conll" --model "$T/ft1" --out "$T/ft.pred"
  awk -F'\t' 'NF && $2 !~ /^(O|[BI]-[a-z-]+)$/ {b=1} END {exit b}' "$T/ft.pred" && [ -s "$T/ft.pred" ] && ok || bad "fine-tuned ner output malformed"
  expect 0 "train-ner --init-random" '^wrote [^ ]*/fr/\{config\.json,model\.safetensors' -- "$BIN" train-ner --train "$T/small.conll" --model "$TINY" \
    --init-random --out "$T/fr" --epochs 1 --batch 8 --f16
  expect 2 "train-ner without model folder" '[^ ]*/none/config\.json: cannot open: No such file or directory' -- "$BIN" train-ner --train "$T/small.conll" --model "$T/none" --out "$T/x"
  expect 2 "train-ner bad lr" '--lr: expected a number in 1e-09\.\.0\.' -- "$BIN" train-ner --train "$T/small.conll" --model "$TINY" --out "$T/x" --lr 5
  expect 2 "train-ner CNN-CRF option with --model" 'train-ner: --hidden is a CNN-CRF option; it does not apply with --model' -- "$BIN" train-ner --train "$T/small.conll" --model "$TINY" --out "$T/x" --hidden 8
  expect 2 "train-ner bad schedule" '--schedule: expected linear or constant, got '"'"'cosine'"'"'' -- "$BIN" train-ner --train "$T/small.conll" --model "$TINY" --out "$T/x" --schedule cosine
  mkdir -p "$T/broken" && cp "$TINY/config.json" "$TINY/vocab.txt" "$T/broken/" && head -c 5000 "$TINY/model.safetensors" >"$T/broken/model.safetensors"
  expect 2 "ner with truncated weights" '[^ ]*/broken/model\.safetensors: tensor '"'"'bert\.embeddings\.position_embeddings\.weight'"'"':' -- "$BIN" ner --input "$T/small.conll" --model "$T/broken" --out "$T/b.pred"
  [ ! -e "$T/b.pred" ] && ok || bad "failed ner left a file"
  printf '{"vocab_size": 8000, "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 3, "intermediate_size": 256}' >"$T/broken/config.json"
  expect 2 "ner with a bad config" '[^ ]*/broken/config\.json: hidden_size 64 is not a multiple of 3 heads' -- "$BIN" ner --input "$T/small.conll" --model "$T/broken"
  # identity linking needs a pair model fit for the encoder: none ships for BERT
  expect 2 "identity linking with BERT and no pair model" '[^ ]*/data/models/linker/linker-bert\.json: cannot open: No such file or director' -- "$BIN" cluster --tagger rules --encoder "bert:$SHARED/fixtures/bert_mini384_f16" --out "$T/sbx"
  grep -q "linker-bert.json" "$T/stderr" && ok || bad "missing BERT pair model not named"
  expect 0 "cluster with the BERT encoder" '^wrote [^ ]*/sb/\{manifest\.json,' -- "$BIN" cluster --tagger rules --link legacy --encoder "bert:$SHARED/fixtures/bert_mini384_f16" --out "$T/sb"
  expect 0 "match on a BERT-encoded state" -- "$BIN" match --state "$T/sb" "Donald Trump"
  grep -q 'Trump' "$T/stdout" && ok || bad "BERT state cannot match Donald Trump"
  expect 2 "cluster with an unknown encoder" 'encoder '"'"'word2vec'"'"': expected pooled, identity, identity:DIR or bert:DIR' -- "$BIN" cluster --encoder word2vec --out "$T/sx"
  expect 2 "cluster with an unknown tagger" 'tagger '"'"'crf'"'"': expected default, rules, model:DIR or bert:DIR' -- "$BIN" cluster --tagger crf --out "$T/sx"
else
  echo "SKIP: BERT CLI checks ($TINY not found)"
fi
# ---- hostile input and faults, round two (issue 14) ----
# poison FILE: overwrites its last 4 bytes with 0xFF (NaN as F32, F16 or BF16)
poison() { printf '\377\377\377\377' | dd of="$1" bs=1 seek=$(($(stat -c %s "$1") - 4)) conv=notrunc 2>/dev/null; }
# 1. NaN or huge vector rows: refused at open and at import, never a crash
cp "$T/tiny.vcdv" "$T/nan.vcdv" && printf '\000\000\300\177' | dd of="$T/nan.vcdv" bs=1 seek=132 conv=notrunc 2>/dev/null
cp "$T/tiny.vcdv" "$T/huge.vcdv" && printf '\000\000\000\177' | dd of="$T/huge.vcdv" bs=1 seek=128 conv=notrunc 2>/dev/null
for f in nan huge; do
  expect 2 "cluster with $f vectors" -- "$BIN" cluster --vectors "$T/$f.vcdv" --input "$T/mixed.csv" --out "$T/o$f"
  grep -q "$f.vcdv: word 0: value" "$T/stderr" && ok || bad "$f vectors: row not named: $(cat "$T/stderr")"
done
printf 'the 0.1 0.2\nnan 1e39 0.1\napple nan 0.4\nmango 0.5 0.6\n' >"$T/nan.txt"
expect 0 "vectors import skips non-finite rows" -- "$BIN" vectors import --input "$T/nan.txt" --out "$T/nan2.vcdv"
grep -q "imported 2 words (4 read, 2 malformed" "$T/stdout" "$T/stderr" && ok || bad "non-finite rows not counted: $(cat "$T/stdout" "$T/stderr")"
if [ -d "$TINY" ]; then
  mkdir -p "$T/nanbert" && cp "$TINY"/* "$T/nanbert/" && poison "$T/nanbert/model.safetensors"
  expect 2 "ner with NaN BERT weights" '[^ ]*/nanbert/model\.safetensors: tensor '"'"'classifier\.weight'"'"': element' -- "$BIN" ner --input "$T/tiny.conll" --tagger "bert:$T/nanbert" --out "$T/nb.pred"
  grep -q "not finite" "$T/stderr" && ok || bad "NaN BERT weights not explained: $(cat "$T/stderr")"
  expect 2 "cluster with a NaN BERT encoder" '[^ ]*/nanbert/model\.safetensors: tensor '"'"'classifier\.weight'"'"': element' -- "$BIN" cluster --tagger rules --encoder "bert:$T/nanbert" \
    --input "$T/mixed.csv" --out "$T/onb"
fi
DEFAULT_MODEL=$(dirname "$0")/../../data/models/default
if [ -f "$DEFAULT_MODEL/model.safetensors" ] && [ -f "$VEC" ]; then
  mkdir -p "$T/nancnn" && cp "$DEFAULT_MODEL"/* "$T/nancnn/" && poison "$T/nancnn/model.safetensors"
  expect 2 "ner with NaN default-model weights" '[^ ]*/nancnn/model\.safetensors: tensor '"'"'(m[0-9]+\.)?crf\.end'"'"': element 11 is not finite \(NaN or i' -- "$BIN" ner --input "$T/tiny.conll" --model "$T/nancnn" --out "$T/nc.pred"
  grep -q "not finite" "$T/stderr" && ok || bad "NaN CNN-CRF weights not explained: $(cat "$T/stderr")"
fi
# 3. truncated, emptied or edited state files: one error naming the file
for f in mentions.jsonl docs.jsonl entities.json; do
  rm -rf "$T/st" && cp -r "$T/s" "$T/st" && head -n 5 "$T/s/$f" >"$T/st/$f"
  expect 2 "trends on truncated $f" -- "$BIN" trends --state "$T/st" --out "$T/st.json"
  grep -q "st/$f: .* the manifest records" "$T/stderr" && ok || bad "truncated $f not named: $(cat "$T/stderr")"
  expect 2 "report on truncated $f" -- "$BIN" report --state "$T/st" --out "$T/st.html"
  : >"$T/st/$f"
  expect 2 "report on emptied $f" -- "$BIN" report --state "$T/st" --out "$T/st.html"
done
rm -rf "$T/st" && cp -r "$T/s" "$T/st" && sed -i '1s/"id":"c/"id":"x/' "$T/st/docs.jsonl"
expect 2 "trends on edited docs.jsonl" '[^ ]*/st/docs\.jsonl: content does not match the manifest'"'"'s digest \(truncated or chan' -- "$BIN" trends --state "$T/st" --out "$T/st.json"
grep -q "docs.jsonl: content does not match the manifest's digest" "$T/stderr" && ok || bad "edited docs.jsonl: $(cat "$T/stderr")"
# 4. one writer per state directory: a second is refused at once (exit 2)
mkdir -p "$T/lk"
expect 2 "cluster into a locked state" '[^ ]*/lk: another run is writing this directory \(locked\)' -- flock "$T/lk/.vcdiscover.lock" "$BIN" cluster "${V[@]}" --input "$T/mixed.csv" --out "$T/lk"
grep -q "another run is writing this directory" "$T/stderr" && ok || bad "lock refusal not explained: $(cat "$T/stderr")"
[ ! -e "$T/lk/manifest.json" ] && ok || bad "refused writer wrote a state"
# two writers started together: each finishes or is refused, and the state is whole
"$BIN" cluster "${V[@]}" --input "$SAMPLE" --out "$T/two" --quiet 2>"$T/w1.err" & w1=$!
"$BIN" cluster "${V[@]}" --input "$T/nodate.csv" --out "$T/two" --quiet 2>"$T/w2.err" & w2=$!
wait $w1; r1=$?; wait $w2; r2=$?
for r in "$r1:$T/w1.err" "$r2:$T/w2.err"; do
  code=${r%%:*}; f=${r#*:}
  [ "$code" = 0 ] || { [ "$code" = 2 ] && grep -q "another run" "$f"; } && ok || bad "concurrent writer: exit $code $(cat "$f")"
done
expect 0 "report on a state two writers shared" '^wrote [^ ]*/two\.html' -- "$BIN" report --state "$T/two" --out "$T/two.html"
grep -q "</html>" "$T/two.html" && ok || bad "report on the shared state is cut"
expect 0 "match on a state two writers shared" '(^no match for "AVP"|^1\. )' -- "$BIN" match AVP --state "$T/two"
ls "$T/two" | grep -q '\.tmp' && bad "concurrent writers left temporaries" || ok
# 6. --out: a symlink is followed, a FIFO or device is streamed to, never replaced
printf 'old' >"$T/target.html" && ln -s target.html "$T/link.html"
expect 0 "report --out symlink" '^wrote [^ ]*/link\.html ' -- "$BIN" report --state "$T/s" --out "$T/link.html"
[ -L "$T/link.html" ] && grep -q '<html' "$T/target.html" && ok || bad "symlink replaced or target not written"
mkfifo "$T/fifo"
cat "$T/fifo" >"$T/fifo.out" & reader=$!
expect 0 "report --out FIFO" '^wrote [^ ]*/fifo ' -- "$BIN" report --state "$T/s" --out "$T/fifo"
wait $reader
[ -p "$T/fifo" ] && grep -q '<html' "$T/fifo.out" && ok || bad "FIFO replaced or not streamed to"
# runtime failures exit 1 (a full device, a full stdout), as any user: /dev/full;
# root also checks that device nodes of its own are streamed to, not replaced
if [ "$(id -u)" = 0 ] && mknod "$T/full" c 1 7 2>/dev/null && mknod "$T/null" c 1 3 2>/dev/null; then
  expect 1 "report --out a full device" '[^ ]*/full: write failed: No space left on device' -- "$BIN" report --state "$T/s" --out "$T/full"
  expect 0 "report --out a null device" '^wrote [^ ]*/null ' -- "$BIN" report --state "$T/s" --out "$T/null"
  [ -c "$T/full" ] && [ -c "$T/null" ] && ok || bad "a device node was replaced"
else
  echo "SKIP: own device nodes (need root for mknod); /dev/full below"
fi
if [ -c /dev/full ]; then
  ln -sf /dev/full "$T/full.link" # a link to the device is followed, not replaced
  # 7. a failing stdout is exit 1 with one line, in every command
  expect 1 "report --out /dev/full" '/dev/full: write failed: No space left on device' -- "$BIN" report --state "$T/s" --out /dev/full
  expect 1 "report --out a link to /dev/full" '[^ ]*/full\.link: write failed: No space left on device' -- "$BIN" report --state "$T/s" --out "$T/full.link"
  [ -L "$T/full.link" ] && ok || bad "a link to a device was replaced"
  expect 1 "match --json to a full stdout" 'writing to standard output failed: No space left on device' -- sh -c "\"$BIN\" match AVP --state \"$T/s\" --json >/dev/full"
  expect 1 "eval ner --json to a full stdout" 'writing to standard output failed: No space left on device' -- sh -c "\"$BIN\" eval ner --gold \"$T/g.conll\" --pred \"$T/p.conll\" --json >/dev/full"
  expect 1 "cluster --json to a full stdout" 'writing to standard output failed: No space left on device' -- sh -c "\"$BIN\" cluster --no-vectors --input \"$T/mixed.csv\" --out \"$T/o7f\" --json >/dev/full"
  expect 1 "trends --out - to a full stdout" 'writing to standard output failed: No space left on device' -- sh -c "\"$BIN\" trends --state \"$T/s\" --out - >/dev/full"
  expect 1 "version to a full stdout" 'writing to standard output failed: No space left on device' -- sh -c "\"$BIN\" version >/dev/full"
else
  bad "/dev/full is missing: no runtime-failure case"
fi
# 8. placeholder dates: a capped number of buckets, with the way out named
for i in $(seq 1 199); do
  if [ $((i % 2)) = 0 ]; then d=0001-01-01; else d=9999-12-31; fi
  printf '%s,%s,Apple Vision Pro is here\n' "$i" "$d"
done | { printf 'ID,Date,Comment\n'; cat; } >"$T/placeholder.csv"
expect 0 "cluster placeholder dates" '^199 comments \(0 rows skipped\), 199 mentions' -- "$BIN" cluster "${V[@]}" --input "$T/placeholder.csv" --out "$T/ph"
expect 2 "trends over placeholder dates" '[^ ]*/ph: dates span' -- "$BIN" trends --state "$T/ph" --bucket day --out "$T/ph.json"
grep -q "dates span 0001-01-01 to 9999-12-31.*--since/--until" "$T/stderr" && ok || bad "bucket cap not explained: $(cat "$T/stderr")"
[ ! -e "$T/ph.json" ] && ok || bad "refused trends left a file"
expect 0 "report over placeholder dates" -- "$BIN" report --state "$T/ph" --bucket day --out "$T/ph.html"
grep -q "No time series: dates span 0001-01-01 to 9999-12-31" "$T/ph.html" && [ "$(stat -c %s "$T/ph.html")" -lt 200000 ] && ok || bad "report over placeholder dates: no reason or too big"
expect 0 "trends over placeholder dates, clipped" '^1 buckets \(day\), window 9999-12-31\.\.9999-12-31: 100 comments' -- "$BIN" trends --state "$T/ph" --bucket day --since 9999-01-01 --out "$T/ph.json"
# 9. tags are validated when labelled data is read (train-ner and eval ner alike)
printf 'Alice\tB-person\nlives\n' >"$T/notag.conll"
printf 'Alice\tB-\nlives\tO\n' >"$T/bare.conll"
printf 'Alice\tX-weird\nlives\tO\n' >"$T/weird.conll"
for f in notag bare weird; do
  expect 2 "train-ner with a $f tag" -- "$BIN" train-ner --train "$T/$f.conll" --out "$T/tn$f" --epochs 1
  grep -q "$f.conll:[12]: " "$T/stderr" && ok || bad "train-ner $f: line not named: $(cat "$T/stderr")"
  [ ! -e "$T/tn$f" ] && ok || bad "refused train-ner left a folder"
  expect 2 "eval ner with a $f tag" -- "$BIN" eval ner --gold "$T/g.conll" --pred "$T/$f.conll"
done
# 10. bad Likes/Replies values are warned about and counted like bad dates
printf 'ID,Date,Likes,Replies,Comment\n1,2026-01-01,99999999999999999999,-5,Apple Vision Pro\n2,2026-01-02,1e308,nan,Apple Vision Pro\n3,2026-01-03,0x10,"1,234",Apple Vision Pro\n' >"$T/counts.csv"
expect 0 "cluster with bad counts" -- "$BIN" cluster "${V[@]}" --input "$T/counts.csv" --out "$T/cn"
[ "$(grep -c "is not a non-negative integer" "$T/stderr")" = 5 ] && ok || bad "bad counts not warned: $(cat "$T/stderr")"
grep -q "counts.csv:2: likes value '99999999999999999999'" "$T/stderr" && ok || bad "bad count not named with its line"
grep -Eq '"bad_numbers":[[:space:]]*5,' "$T/cn/manifest.json" && ok || bad "bad counts not in the manifest"
grep -q '"replies":1234' "$T/cn/docs.jsonl" && ok || bad "1,234 not read as a count"
# 11. invalid UTF-8 queries, UTF-16/32 input, --k without kmeans, a lying word2vec
# header, a garbage gold file, a bad JSON \u escape
expect 2 "match with invalid UTF-8" 'match: the mention text is not valid UTF-8' -- "$BIN" match $'\xff\xfeAVP' --state "$T/s" --json
grep -q "not valid UTF-8" "$T/stderr" && [ ! -s "$T/stdout" ] && ok || bad "invalid UTF-8 query: $(cat "$T/stderr")"
printf '\377\376I\000D\000,\000C\000o\000m\000m\000e\000n\000t\000\n\000' >"$T/utf16.csv"
expect 2 "UTF-16 CSV" '[^ ]*/utf16\.csv: the file is UTF-16LE \(byte-order mark\); vcdiscover reads UTF-8: con' -- "$BIN" cluster "${V[@]}" --input "$T/utf16.csv" --out "$T/u16"
grep -q "utf16.csv: the file is UTF-16LE (byte-order mark)" "$T/stderr" && ok || bad "UTF-16 not named: $(cat "$T/stderr")"
printf '\000\000\376\377\000\000\000I' >"$T/utf32.csv"
expect 2 "UTF-32 CSV" '[^ ]*/utf32\.csv: the file is UTF-32BE \(byte-order mark\); vcdiscover reads UTF-8: con' -- "$BIN" cluster "${V[@]}" --input "$T/utf32.csv" --out "$T/u32"
grep -q "UTF-32BE" "$T/stderr" && ok || bad "UTF-32 not named"
expect 2 "--k without --algo kmeans" '--k: applies to --algo kmeans only' -- "$BIN" cluster "${V[@]}" --input "$T/mixed.csv" --k 5 --out "$T/kx"
printf '2 50\nthe 0.1\napple 0.2\n' >"$T/liar.txt"
expect 2 "word2vec header disagreeing with its rows" '[^ ]*/liar\.txt:2: 1 values, but the header \(line 1\) says 50 dimensions' -- "$BIN" vectors import --input "$T/liar.txt" --out "$T/liar.vcdv"
grep -q "header (line 1) says 50 dimensions" "$T/stderr" && [ ! -e "$T/liar.vcdv" ] && ok || bad "lying header: $(cat "$T/stderr")"
printf '2 2\nthe 0.1 0.2\napple 0.3 0.4\n' >"$T/w2v.txt"
expect 0 "word2vec header that agrees" 'imported 2 words' -- "$BIN" vectors import --input "$T/w2v.txt" --out "$T/w2v.vcdv"
for i in $(seq 1 370); do echo "garbage $i"; done >"$T/garbage.jsonl"
expect 2 "eval clusters with a garbage gold file" '[^ ]*/garbage\.jsonl: no usable gold mention' -- "$BIN" eval clusters --gold "$T/garbage.jsonl" --pred "$T/s"
[ "$(grep -c 'line skipped' "$T/stderr")" = 20 ] && grep -q "370 bad lines skipped in all (20 shown)" "$T/stderr" && ok || bad "gold warnings not capped: $(grep -c . "$T/stderr") lines"
printf '{"id":"1","text":"Apple Vision Pro \\ud800 x"}\n{"id":"2","text":"Apple Vision Pro"}\n{"id":"3","text":"Apple Vision Pro"}\n' >"$T/surrogate.jsonl"
expect 0 "JSONL with a lone surrogate" -- "$BIN" cluster "${V[@]}" --input "$T/surrogate.jsonl" --out "$T/sur"
grep -q 'surrogate.jsonl:1: invalid \\u escape' "$T/stderr" && ok || bad "bad \\u escape not named: $(cat "$T/stderr")"
# ---- end of issue 14 ----
# knowledge base: import, lookup, export; bad inputs exit 2 with one line
printf 'acme\tAcme Corp\tACME\tORG\tweak\nacme\tAcme Corp\tAcme Rockets\tORG\n' >"$T/kb.tsv"
printf 'name1,relationship,name2\ncharles,has_nickname,chuck\n' >"$T/nick.csv"
expect 0 "kb --help" '^usage: vcdiscover kb import --out FILE\.vcdkb' -- "$BIN" kb --help
expect 0 "kb import" -- "$BIN" kb import --out "$T/k.vcdkb" --tsv "$T/kb.tsv" --nicknames "$T/nick.csv" --json
grep -q '"schema":"vcdiscover.kb_import/1"' "$T/stdout" && ok || bad "kb import: no JSON summary"
expect 0 "kb lookup" -- "$BIN" kb lookup "acme rockets" --kb "$T/k.vcdkb"
grep -q '^user:acme	ORG	strong' "$T/stdout" && ok || bad "kb lookup: Acme Rockets not found"
expect 0 "kb lookup --json" -- "$BIN" kb lookup ACME --kb "$T/k.vcdkb" --json
grep -q '"strength":"weak"' "$T/stdout" && ok || bad "kb lookup: ACME not weak"
expect 0 "kb export" -- "$BIN" kb export --kb "$T/k.vcdkb"
grep -q '^user:acme	ORG	Acme Rockets$' "$T/stdout" && ok || bad "kb export: alias line missing"
cp "$T/k.vcdkb" "$T/k2.vcdkb" && printf 'X' | dd of="$T/k2.vcdkb" bs=1 seek=200 conv=notrunc 2>/dev/null
head -c 100 "$T/k.vcdkb" >"$T/k3.vcdkb"
expect 2 "kb import without --out" 'kb import: --out FILE\.vcdkb is required' -- "$BIN" kb import --tsv "$T/kb.tsv"
expect 2 "kb import without sources" 'kb import: give at least one of --geonames, --countries, --tickers, --nicknames,' -- "$BIN" kb import --out "$T/k4.vcdkb"
expect 2 "kb import missing value" 'kb import: --tsv needs a value' -- "$BIN" kb import --out "$T/k4.vcdkb" --tsv
expect 2 "kb import unknown option" 'kb import: unexpected argument '"'"'--frob'"'"' \(see --help\)' -- "$BIN" kb import --out "$T/k4.vcdkb" --frob x
expect 2 "kb import bad population" 'kb import: --min-population: expected a number >= 0, got '"'"'lots'"'"'' -- "$BIN" kb import --out "$T/k4.vcdkb" --tsv "$T/kb.tsv" --min-population lots
expect 2 "kb import missing file" '[^ ]*/nope\.tsv: cannot open: No such file or directory' -- "$BIN" kb import --out "$T/k4.vcdkb" --tsv "$T/nope.tsv"
expect 2 "kb import wrong format" '[^ ]*/kb\.tsv: not a GeoNames dump \(no line with 19 tab-separated columns, a numeric' -- "$BIN" kb import --out "$T/k4.vcdkb" --geonames "$T/kb.tsv"
expect 2 "kb import bad json" '[^ ]*/nick\.csv: not a mledoze countries\.json \(expected a JSON array of countries\)' -- "$BIN" kb import --out "$T/k4.vcdkb" --countries "$T/nick.csv"
[ ! -e "$T/k4.vcdkb" ] && ok || bad "failed kb import left a file"
expect 2 "kb lookup corrupt" '[^ ]*/k2\.vcdkb: digest mismatch \(corrupt file\)' -- "$BIN" kb lookup acme --kb "$T/k2.vcdkb"
expect 2 "kb lookup truncated" '[^ ]*/k3\.vcdkb: not a \.vcdkb file \(' -- "$BIN" kb lookup acme --kb "$T/k3.vcdkb"
expect 2 "kb lookup not a kb" '[^ ]*/kb\.tsv: not a \.vcdkb file \(61 bytes, too short\)' -- "$BIN" kb lookup acme --kb "$T/kb.tsv"
expect 2 "kb lookup without text" 'kb lookup: give the TEXT to look up' -- "$BIN" kb lookup --kb "$T/k.vcdkb"
expect 2 "kb unknown subcommand" 'kb: expected '"'"'kb import'"'"', '"'"'kb lookup TEXT'"'"' or '"'"'kb export'"'"'' -- "$BIN" kb frob
# train-encoder, pairs mine, --encoder identity
expect 0 "train-encoder --help" '^usage: vcdiscover train-encoder --groups FILE' -- "$BIN" train-encoder --help
expect 2 "train-encoder without groups" 'train-encoder: --groups and --out are required' -- "$BIN" train-encoder --out "$T/enc"
expect 2 "train-encoder missing groups file" '[^ ]*/nope\.tsv: cannot open: No such file or directory' -- "$BIN" train-encoder --groups "$T/nope.tsv" --out "$T/enc" --no-vectors
printf 'not a group line\n' >"$T/badgroups.tsv"
expect 2 "train-encoder on no valid line" '[^ ]*/badgroups\.tsv: no line reads group<TAB>type<TAB>alias' -- "$BIN" train-encoder --groups "$T/badgroups.tsv" --out "$T/enc" --no-vectors
[ ! -e "$T/enc/model.safetensors" ] && ok || bad "failed train-encoder left a model"
expect 2 "train-encoder bad epochs" '--epochs: expected an integer in 1\.\.64, got '"'"'0'"'"'' -- "$BIN" train-encoder --groups "$T/badgroups.tsv" --out "$T/enc" --epochs 0
: >"$T/groups.tsv"
for i in $(seq 1 60); do
  printf 'g%d\tORG\tAlpha%d Beta%d Gamma\ng%d\tORG\tA%dBG\ng%d\tORG\tBeta%d\n' "$i" "$i" "$i" "$i" "$i" "$i" "$i" >>"$T/groups.tsv"
done
expect 0 "train-encoder tiny" -- "$BIN" train-encoder --groups "$T/groups.tsv" --out "$T/enc" --no-vectors --epochs 2 --dim 16 --quiet
grep -q '"schema": "vcdiscover.identity-train-log/1"' "$T/enc/train_log.json" && ok || bad "no train log"
grep -q '"heldout_recall_at_1"' "$T/enc/train_log.json" && ok || bad "train log without the held-out metric"
expect 0 "cluster with --encoder identity:DIR" '^wrote [^ ]*/sid/\{manifest\.json,' -- "$BIN" cluster --tagger rules --no-vectors --encoder "identity:$T/enc" --out "$T/sid"
grep -q '"kind":[[:space:]]*"identity"' "$T/sid/manifest.json" && ok || bad "identity encoder not recorded"
expect 0 "match on an identity-encoded state" '^1\. Apple' -- "$BIN" match --state "$T/sid" "Apple"
expect 2 "cluster with a missing identity model" '[^ ]*/nope/config\.json: cannot open: No such file or directory' -- "$BIN" cluster --no-vectors --encoder "identity:$T/nope" --out "$T/sx"
printf 'x,y\n' >"$T/c.txt"
expect 2 "pairs without mine" 'pairs: expected '"'"'pairs mine'"'"' \(see vcdiscover pairs --help\)' -- "$BIN" pairs
expect 2 "pairs mine without --out" 'pairs mine: --input and --out are required' -- "$BIN" pairs mine --input "$T/c.txt"
printf 'I love Apple Vision Pro, the AVP is great\nApple Vision Pro or AVP?\n' >"$T/c.txt"
expect 0 "pairs mine" -- "$BIN" pairs mine --input "$T/c.txt" --format txt --tagger rules --out "$T/pairs.tsv"
[ -e "$T/pairs.tsv" ] && ok || bad "pairs mine wrote nothing"
# ---- identity linking (issue 12) ----
expect 2 "bad --link" '--link: expected identity or legacy, got '"'"'magic'"'"'' -- "$BIN" cluster "${V[@]}" --link magic --out "$T/l1"
expect 2 "bad --cannot-link" '--cannot-link: expected on or off, got '"'"'maybe'"'"'' -- "$BIN" cluster "${V[@]}" --cannot-link maybe --out "$T/l1"
expect 2 "--algo with --link identity" '--algo: applies to --link legacy only' -- "$BIN" cluster "${V[@]}" --link identity --algo kmeans --k 2 --out "$T/l1"
expect 2 "missing --kb file" '[^ ]*/nope\.vcdkb: cannot open: No such file or directory' -- "$BIN" cluster "${V[@]}" --kb "$T/nope.vcdkb" --out "$T/l1"
printf '{"schema":"vcdiscover.linker/2","encoder":"pooled","cannot_link":0.02}' >"$T/badlinker.json"
expect 2 "pair model without weights" '[^ ]*/badlinker\.json: not a vcdiscover\.linker/1 model' -- "$BIN" cluster "${V[@]}" --linker "$T/badlinker.json" --out "$T/l1"
printf '\x01\xff\xfe{junk' >"$T/junk.json" # never JSON (random bytes could start like a number)
expect 2 "pair model of random bytes" '[^ ]*/junk\.json: not valid JSON' -- "$BIN" cluster "${V[@]}" --linker "$T/junk.json" --out "$T/l1"
expect 0 "identity cluster of the sample" -- "$BIN" cluster --tagger rules "${V[@]}" --out "$T/lid"
grep -q '"link":[[:space:]]*"identity"' "$T/lid/manifest.json" && ok || bad "manifest does not record identity linking"
grep -q '"kb_id":' "$T/lid/entities.json" && grep -q '"kb_id":' "$T/lid/mentions.jsonl" && ok || bad "no kb_id fields"
grep -q '"kb_id":[[:space:]]*"country:GBR"\|"kb_id":[[:space:]]*"geonames:5128581"' "$T/lid/entities.json" && ok || bad "no entity linked to the KB"
expect 0 "match on an identity state (JSON)" -- "$BIN" match --state "$T/lid" "Donald J. Trump" --json
grep -q '"matches":\[{"entity_id":[0-9]*,"name":"Trump"' "$T/stdout" && ok || bad "Donald J. Trump does not match Trump first: $(cat "$T/stdout")"
# The sample keeps its source's export order (one video's comments together);
# sorted by its generated dates it has none, and the state says so
lift() { grep -o '"order_lift":[[:space:]]*[0-9.e-]*' "$1/manifest.json" | grep -o '[0-9.e-]*$'; }
awk -v x="$(lift "$T/lid")" 'BEGIN { exit !(x > 0.1) }' && ok || bad "the sample's export order not seen: $(lift "$T/lid")"
{ head -1 "$SAMPLE"; tail -n +2 "$SAMPLE" | sort -t, -k2,2; } >"$T/bydate.csv" # one comment per line
expect 0 "identity cluster of the sample by date" -- "$BIN" cluster --tagger rules "${V[@]}" --input "$T/bydate.csv" --out "$T/ldate"
awk -v x="$(lift "$T/ldate")" 'BEGIN { exit !(x < 0.1) }' && ok || bad "date order taken for export order: $(lift "$T/ldate")"
grep -q "^note: the input does not list comments about one thing together" "$T/stdout" && ok || bad "no note on an input without export order"
expect 0 "match that finds nothing" -- "$BIN" match --state "$T/lid" "chocolate cake recipe"
grep -q "no match" "$T/stdout" && ok || bad "unrelated query matched: $(cat "$T/stdout")"
# the threshold is the linker model's: one for a name the comments hold, one
# for a free-standing name (and for any name of a state without its text)
thr_of() { grep -o '"threshold":[0-9.]*' "$T/stdout" | cut -d: -f2; }
mfile=$(dirname "$0")/../../data/models/linker/linker.json
model_thr() { awk -v k="\"$1\":" '$1 == k { f = 1 } f && $1 == "\"threshold\":" { gsub(/[^0-9.]/, "", $2); print $2; exit }' "$mfile"; }
same_num() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && b != "" && a + 0 == b + 0) }'; }
expect 0 "match a name in the comments (JSON)" '"query":"Trump","threshold":' -- "$BIN" match --state "$T/lid" Trump --json
same_num "$(thr_of)" "$(model_thr choice_corpus)" && ok || bad "found name: threshold $(thr_of), not the model's"
expect 0 "match a name not in the comments (JSON)" '"matches":\[\]' -- "$BIN" match --state "$T/lid" "chocolate cake recipe" --json
same_num "$(thr_of)" "$(model_thr choice)" && ok || bad "free-standing name: threshold $(thr_of), not the model's"
expect 0 "cluster --no-text for match" -- "$BIN" cluster --tagger rules "${V[@]}" --no-text --out "$T/lnt"
expect 0 "match on a state without its text" '"name":"Trump"' -- "$BIN" match --state "$T/lnt" Trump --json
same_num "$(thr_of)" "$(model_thr choice)" && ok || bad "no-text state: threshold $(thr_of), not the free-standing one"
expect 0 "match with an explicit threshold" '"threshold":0\.500,' -- "$BIN" match --state "$T/lid" Trump --json --threshold 0.5
expect 2 "train-linker without --gold" 'train-linker: --gold is required' -- "$BIN" train-linker --input "$SAMPLE"
expect 2 "train-linker on a garbage gold file" '[^ ]*/junk\.json: no usable gold mention' -- "$BIN" train-linker --gold "$T/junk.json" --input "$SAMPLE"
expect 0 "legacy link still works" '^wrote [^ ]*/lleg/\{manifest\.json,' -- "$BIN" cluster --tagger rules "${V[@]}" --link legacy --out "$T/lleg"
grep -q '"link":[[:space:]]*"legacy"' "$T/lleg/manifest.json" && ok || bad "legacy linking not recorded"
# ---- end of identity linking ----
# ---- update (issue 16) ----
U=(--tagger rules --no-vectors)
rows=$(($(wc -l <"$SAMPLE") - 1))
half=$((rows / 2))
head -n $((half + 1)) "$SAMPLE" >"$T/ua.csv"
{ head -n 1 "$SAMPLE"; tail -n +$((half + 2)) "$SAMPLE"; } >"$T/ub.csv"
state_files="manifest.json docs.jsonl mentions.jsonl forms.jsonl entities.json form_vectors.bin form_sums.bin form_contexts.bin"
same_state() { # DIR_A DIR_B: every state file byte-identical
  for f in $state_files; do cmp -s "$1/$f" "$2/$f" || return 1; done
}
key_ids() { sed 's/.*"key":\("[^"]*"\).*"entity_id":\(-\{0,1\}[0-9]*\)}$/\1 \2/' "$1/forms.jsonl"; }
expect 0 "cluster the first half" '^wrote [^ ]*/us/\{manifest\.json,' -- "$BIN" cluster "${U[@]}" --input "$T/ua.csv" --out "$T/us"
cp -r "$T/us" "$T/us0"
expect 0 "update --help" '^usage: vcdiscover update --state DIR --input NEW_FILE' -- "$BIN" update --help
expect 2 "update without --state" 'update: --state is required' -- "$BIN" update "${U[@]}" --input "$T/ub.csv"
expect 2 "update without --input" 'update: --input is required' -- "$BIN" update "${U[@]}" --state "$T/us"
expect 0 "update with the second half" '^1421 comments read: 1421 new, 0 already in the state' -- "$BIN" update "${U[@]}" --state "$T/us" --input "$T/ub.csv"
key_ids "$T/us0" >"$T/ids0"
key_ids "$T/us" >"$T/ids1"
[ -s "$T/ids0" ] && [ -z "$(grep -vxFf "$T/ids1" "$T/ids0")" ] && ok || bad "update changed an old form's entity id"
n0=$(grep -c '"id":' "$T/us0/entities.json")
awk -v n="$n0" -F'"entity_id":' 'NR>0 {split($2,a,"}"); if (a[1]+0 > max) max=a[1]+0} END {exit !(max >= n)}' "$T/us/forms.jsonl" && ok || bad "no new entity numbered after the old ones"
last=$(tail -n 1 "$T/ub.csv" | cut -d, -f1)
grep -q "\"doc_id\":\"$last\"" "$T/us/mentions.jsonl" || grep -q "\"id\":\"$last\"" "$T/us/docs.jsonl" && ok || bad "the second half's comments are not in the state"
[ "$(wc -l <"$T/us/docs.jsonl")" = "$rows" ] && ok || bad "updated state does not hold every comment"
[ "$(wc -l <"$T/us/mentions.jsonl")" -gt "$(wc -l <"$T/us0/mentions.jsonl")" ] && ok || bad "no mention added"
grep -q '"updates"' "$T/us/manifest.json" && grep -q "\"comments_added\":[[:space:]]*$((rows - half))" "$T/us/manifest.json" &&
  grep -q '"input_digest"' "$T/us/manifest.json" && ok || bad "manifest does not record the update"
[ ! -e "$T/us.update-tmp" ] && ok || bad "staging directory left behind"
expect 0 "trends on an updated state" '^  Savitar .* NEW$' -- "$BIN" trends --state "$T/us" --out "$T/utr.json"
expect 0 "report on an updated state" '^wrote [^ ]*/ur\.html' -- "$BIN" report --state "$T/us" --out "$T/ur.html"
n_prop=$(grep -o '"proposed_merges":[[:space:]]*[0-9]*' "$T/us/manifest.json" | grep -o '[0-9]*$' | head -n 1)
if [ "${n_prop:-0}" -gt 0 ]; then
  grep -q 'id="merges"' "$T/ur.html" && grep -q ">$n_prop pairs of entities" "$T/ur.html" && ok || bad "the report does not list the $n_prop proposed merges"
else
  grep -q 'id="merges"' "$T/ur.html" && bad "a merges section without proposals" || ok
fi
expect 0 "match on an updated state" '^1\. Trump  \[entity 0, PER,' -- "$BIN" match --state "$T/us" "Trump"
cp -r "$T/us" "$T/us1"
expect 0 "second update with the same input" -- "$BIN" update "${U[@]}" --state "$T/us" --input "$T/ub.csv"
grep -q "nothing to add" "$T/stdout" && same_state "$T/us" "$T/us1" && ok || bad "a repeated update changed the state"
# deterministic: the same update twice, into two directories
expect 0 "update into --out" '^wrote [^ ]*/uo1$' -- "$BIN" update "${U[@]}" --state "$T/us0" --input "$T/ub.csv" --out "$T/uo1"
expect 0 "update into --out again" '^wrote [^ ]*/uo2$' -- "$BIN" update "${U[@]}" --state "$T/us0" --input "$T/ub.csv" --out "$T/uo2"
same_state "$T/uo1" "$T/uo2" && ok || bad "update is not deterministic"
cp -r "$T/us0" "$T/us0b"
expect 0 "--out leaves the state as it was" -- same_state "$T/us0" "$T/us0b"
expect 0 "update with nothing new into --out" -- "$BIN" update "${U[@]}" --state "$T/us1" --input "$T/ub.csv" --out "$T/uo3"
grep -q '"comments_added":[[:space:]]*0' "$T/uo3/manifest.json" && [ "$(wc -l <"$T/uo3/docs.jsonl")" = "$rows" ] && ok || bad "--out with nothing new wrote no state"
# bad state / bad input / other options: exit 2, one line, the state byte-identical
expect 2 "update of a missing state" '[^ ]*/nostate/manifest\.json: missing \(not a state directory, or an unfinished run\)' -- "$BIN" update "${U[@]}" --state "$T/nostate" --input "$T/ub.csv"
expect 2 "update with a missing input" '[^ ]*/nope\.csv: cannot open: No such file or directory' -- "$BIN" update "${U[@]}" --state "$T/us1" --input "$T/nope.csv"
same_state "$T/us1" "$T/us" && ok || bad "failed update changed the state"
expect 2 "update with an empty input" '[^ ]*/empty\.csv: empty file: no header row' -- "$BIN" update "${U[@]}" --state "$T/us1" --input "$T/empty.csv"
cp -r "$T/us0" "$T/um"
expect 2 "update with other options" '[^ ]*/um: built with --cannot-link on, this update uses off \(give update the options' -- "$BIN" update "${U[@]}" --cannot-link off --state "$T/um" --input "$T/ub.csv"
grep -q "cannot-link" "$T/stderr" && ok || bad "option mismatch not named"
printf '{"doc_id":"%s","start":0,"end":1}\n' "$last" >"$T/um.jsonl"
expect 2 "update with another tagger" '[^ ]*/um: built with tagger rules, this update uses file \(give update the options `c' -- "$BIN" update "${U[@]}" --mentions "$T/um.jsonl" --state "$T/um" --input "$T/ub.csv"
grep -q "tagger" "$T/stderr" && same_state "$T/um" "$T/us0" && ok || bad "tagger mismatch: $(cat "$T/stderr")"
cp -r "$T/us0" "$T/ubad"
printf 'x' >>"$T/ubad/mentions.jsonl"
cp -r "$T/ubad" "$T/ubad0"
expect 2 "update of a damaged state" '[^ ]*/ubad/mentions\.jsonl:' -- "$BIN" update "${U[@]}" --state "$T/ubad" --input "$T/ub.csv"
same_state "$T/ubad" "$T/ubad0" && ok || bad "update changed a damaged state"
expect 2 "update of a legacy state" '[^ ]*/lleg: update needs a state linked by identity \(not --link legacy\)' -- "$BIN" update "${U[@]}" --state "$T/lleg" --input "$T/ub.csv"
expect 0 "cluster --no-text" '^wrote [^ ]*/unt/\{manifest\.json,' -- "$BIN" cluster "${U[@]}" --no-text --input "$T/ua.csv" --out "$T/unt"
! grep -q '"text":' "$T/unt/docs.jsonl" && ok || bad "--no-text state holds text"
expect 2 "update of a state without text" '[^ ]*/unt/docs\.jsonl: written with --no-text; update needs the comment text \(re-run' -- "$BIN" update "${U[@]}" --state "$T/unt" --input "$T/ub.csv"
# an interrupted update (a staging directory left behind) is cleaned up
cp -r "$T/us0" "$T/ui"
mkdir -p "$T/ui.update-tmp" && printf 'junk' >"$T/ui.update-tmp/manifest.json"
expect 0 "update after an interrupted one" -- "$BIN" update "${U[@]}" --state "$T/ui" --input "$T/ub.csv"
[ ! -e "$T/ui.update-tmp" ] && same_state "$T/ui" "$T/uo1" && ok || bad "leftover staging directory not replaced"
# the state's form sums and contexts: an update encodes and reads only the new
# mentions, and its form vectors and contexts are a one-shot cluster's over all
# the comments, byte for byte (given
# the same mentions: the rules tagger counts capitals over the whole input)
expect 0 "cluster everything at once" '^wrote [^ ]*/ufull/\{manifest\.json,' -- "$BIN" cluster "${U[@]}" --input "$SAMPLE" --out "$T/ufull"
M=(--mentions "$T/ufull/mentions.jsonl" --quiet)
expect 0 "cluster all, these mentions" '^wrote [^ ]*/umf/\{manifest\.json,' -- "$BIN" cluster "${U[@]}" "${M[@]}" --input "$SAMPLE" --out "$T/umf"
expect 0 "cluster the first half, these mentions" '^wrote [^ ]*/ums/\{manifest\.json,' -- "$BIN" cluster "${U[@]}" "${M[@]}" --input "$T/ua.csv" --out "$T/ums"
expect 0 "update, these mentions" -- "$BIN" update "${U[@]}" "${M[@]}" --json --state "$T/ums" --input "$T/ub.csv"
added=$(grep -o '"mentions_added":[0-9]*' "$T/stdout" | cut -d: -f2)
[ -n "$added" ] && [ "$added" -gt 0 ] && grep -q "\"mentions_encoded\":$added," "$T/stdout" && ok || bad "update encoded more than the new mentions: $(cat "$T/stdout")"
cmp -s "$T/ums/form_vectors.bin" "$T/umf/form_vectors.bin" && cmp -s "$T/ums/form_sums.bin" "$T/umf/form_sums.bin" &&
  cmp -s "$T/ums/form_contexts.bin" "$T/umf/form_contexts.bin" &&
  ok || bad "updated form vectors differ from a one-shot cluster's"
# a state without form sums (as older versions wrote): every mention encoded, the same state
cp -r "$T/us0" "$T/uns"
rm "$T/uns/form_sums.bin"
sed -i 's/"form_sums.bin":/"form_sums.gone":/' "$T/uns/manifest.json"
expect 0 "update of a state without form sums" -- "$BIN" update "${U[@]}" --json --state "$T/uns" --input "$T/ub.csv"
all=$(grep -o '"mentions":[0-9]*' "$T/stdout" | cut -d: -f2)
grep -q "\"mentions_encoded\":$all," "$T/stdout" && same_state "$T/uns" "$T/uo1" && ok || bad "update without form sums: $(cat "$T/stdout")"
# ---- end of update ----
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
