#!/usr/bin/env bash
# The README's promises, each with a check that fails when the promise is
# broken (issue 17): atomic replace of a state, exit-code classes, the error
# line, the warning cap, HTML escaping of every text field the report
# prints, the emerging test's correction and minimum count, determinism
# across processes with the default tagger, the progress bar only on a
# terminal, --no-text and --index hnsw, clustering scores against a gold
# written by hand. Usage: promises_test.sh path/to/vcdiscover
set -u
shopt -u patsub_replacement 2>/dev/null # bash 5.2: "&" in a ${x//a/b} replacement is the match
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") # absolute: some runs change directory
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$HERE/../..
SAMPLE=$ROOT/data/sample_comments.csv
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# shellcheck source-path=SCRIPTDIR source=expect.sh
. "$HERE/expect.sh"
R=(--tagger rules --no-vectors --kb none --quiet)

# ---- 1. atomic replace: a rerun renames new files in and removes the old
# manifest before it writes anything ----
printf 'ID,Date,Comment\n1,2026-01-01,Zorblat Quux is here\n2,2026-01-02,Zorblat Quux again\n' >"$T/a1.csv"
printf 'ID,Date,Comment\n7,2026-02-01,Mivvo Plonk arrives\n8,2026-02-02,Mivvo Plonk stays\n9,2026-02-03,Mivvo Plonk\n' >"$T/a2.csv"
expect 0 "atomic: first run" -- "$BIN" cluster "${R[@]}" --input "$T/a1.csv" --out "$T/at"
for f in docs.jsonl entities.json mentions.jsonl; do
  ln "$T/at/$f" "$T/old.$f" && cp "$T/at/$f" "$T/copy.$f"
done
expect 0 "atomic: rerun into the state" -- "$BIN" cluster "${R[@]}" --input "$T/a2.csv" --out "$T/at"
for f in docs.jsonl entities.json mentions.jsonl; do
  # the hard link keeps the old inode: untouched if the new file came by rename
  cmp -s "$T/old.$f" "$T/copy.$f" && [ "$(stat -c %i "$T/old.$f")" != "$(stat -c %i "$T/at/$f")" ] &&
    [ "$(stat -c %h "$T/old.$f")" = 1 ] && ok || bad "atomic: $f was rewritten in place, not renamed over"
done
grep -q '"id":"7"' "$T/at/docs.jsonl" && ! grep -q '"id":"1"' "$T/at/docs.jsonl" && ok || bad "atomic: rerun did not write new docs"
compgen -G "$T/at/*.tmp*" >/dev/null && bad "atomic: temporaries left" || ok
# a rerun that fails after writing has begun (entities.json, the fourth file,
# cannot be replaced): the new docs.jsonl is in, and no manifest sits beside it
[ -e "$T/at/manifest.json" ] || bad "atomic: no manifest before the failing rerun"
rm "$T/at/entities.json" && mkdir "$T/at/entities.json"
expect 2 "atomic: rerun failing at entities.json" '[^ ]*/at/entities\.json: is a directory' -- \
  "$BIN" cluster "${R[@]}" --input "$T/a1.csv" --out "$T/at"
grep -q '"id":"1"' "$T/at/docs.jsonl" && ok || bad "atomic: the failing rerun wrote nothing first (test is void)"
[ ! -e "$T/at/manifest.json" ] && ok || bad "atomic: old manifest.json left beside new files after a failed rerun"
expect 2 "atomic: match on the unfinished state" '[^ ]*/at/manifest\.json: missing' -- "$BIN" match Zorblat --state "$T/at"
# the same with a runtime failure (exit 1): forms.jsonl, the third file, is
# a link to a full device (a link is followed, a device streamed to)
rmdir "$T/at/entities.json"
expect 0 "atomic: a whole state again" -- "$BIN" cluster "${R[@]}" --input "$T/a2.csv" --out "$T/at"
[ -e "$T/at/manifest.json" ] && rm "$T/at/forms.jsonl" && ln -s /dev/full "$T/at/forms.jsonl" && ok || bad "atomic: no state to break"
expect 1 "atomic: rerun failing on a full device" '[^ ]*/at/forms\.jsonl: write failed: No space left on device' -- \
  "$BIN" cluster "${R[@]}" --input "$T/a1.csv" --out "$T/at"
grep -q '"id":"1"' "$T/at/docs.jsonl" && [ ! -e "$T/at/manifest.json" ] && [ -L "$T/at/forms.jsonl" ] && ok ||
  bad "atomic: a rerun failing on a full device left the old manifest (or replaced the link)"

# ---- 2. exit-code classes: 0 success, 2 bad usage or input, 1 runtime ----
expect 0 "exit 0: help" -- "$BIN" --help
grep -q '^usage: vcdiscover <command>' "$T/stdout" && ok || bad "help: no usage on stdout"
expect 2 "exit 2: bad usage" 'cluster: unknown option --frob' -- "$BIN" cluster --frob
expect 2 "exit 2: bad input" '[^ ]*/a0\.csv: cannot open' -- "$BIN" cluster "${R[@]}" --input "$T/a0.csv" --out "$T/x"
# an output that cannot be written, even as root: a path under a regular file
printf 'x' >"$T/plain"
expect 2 "exit 2: --out under a regular file" '[^ ]*/plain/state: cannot create directory: Not a directory' -- \
  "$BIN" cluster "${R[@]}" --input "$T/a1.csv" --out "$T/plain/state"
expect 0 "a state of the sample" -- "$BIN" cluster "${R[@]}" --input "$SAMPLE" --out "$T/s"
grep -q '"docs":[[:space:]]*2842,' "$T/s/manifest.json" && ok || bad "the sample state does not hold 2842 comments"
expect 2 "exit 2: report --out under a regular file" '[^ ]*/plain/r\.html: cannot write: Not a directory' -- \
  "$BIN" report --state "$T/s" --out "$T/plain/r.html"
# runtime failures: a device that is full, an output that fails mid-write
if [ -c /dev/full ]; then
  expect 1 "exit 1: report --out /dev/full" '/dev/full: write failed: No space left on device' -- \
    "$BIN" report --state "$T/s" --out /dev/full
  expect 1 "exit 1: trends --out - to a full stdout" 'writing to standard output failed: No space left on device' -- \
    sh -c '"$0" trends --state "$1" --out - >/dev/full' "$BIN" "$T/s"
  expect 1 "exit 1: match --json to a full stdout" 'writing to standard output failed: No space left on device' -- \
    sh -c '"$0" match Trump --state "$1" --json >/dev/full' "$BIN" "$T/s"
  expect 1 "exit 1: kb export to /dev/full" '.*No space left on device' -- \
    "$BIN" kb export --out /dev/full
else
  bad "/dev/full is missing: no runtime-failure case"
fi

# ---- 3. the error line: "<file>:<line>: <reason>" where there is a line ----
printf 'ID;Date;Comment\n1;2026-01-01;hello\n' >"$T/semi.csv"
expect 2 "error line: header" '[^ ]*/semi\.csv:1: no text column' -- "$BIN" cluster "${R[@]}" --input "$T/semi.csv" --out "$T/x"
printf 'Alice\tB-person\nlives\n' >"$T/notag.conll"
expect 2 "error line: CoNLL" "[^ ]*/notag\\.conll:2: token 'lives' has no tag" -- \
  "$BIN" eval ner --gold "$T/notag.conll" --pred "$T/notag.conll"
printf '2 50\nthe 0.1\napple 0.2\n' >"$T/liar.txt"
expect 2 "error line: word2vec header" '[^ ]*/liar\.txt:2: 1 values, but the header \(line 1\) says 50 dimensions' -- \
  "$BIN" vectors import --input "$T/liar.txt" --out "$T/liar.vcdv"
printf 'x\tnot-a-type\t1\n' >"$T/gaz.tsv"
expect 2 "error line: no command" 'usage: vcdiscover <command>' -- "$BIN"
expect 2 "error line: unknown command" 'frob: unknown command' -- "$BIN" frob
expect 2 "error line: trends out of range" '[^ ]*/s: no dated comment falls in the requested range' -- \
  "$BIN" trends --state "$T/s" --since 2030-01-01

# ---- 4. the warning cap: the first 20 skipped rows, then one count line ----
{
  printf 'ID,Date,Comment\n'
  for i in $(seq 1 35); do printf '%d,2026-01-01,bad \377 row %d\n' "$i" "$i"; done
  printf '100,2026-01-02,Zorblat Quux\n101,2026-01-03,Zorblat Quux\n'
} >"$T/warn.csv"
expect 0 "warning cap" -- "$BIN" cluster "${R[@]}" --input "$T/warn.csv" --out "$T/w"
grep '^vcdiscover: warning: ' "$T/stderr" >"$T/warnings"
[ "$(grep -c ': invalid UTF-8; row skipped$' "$T/warnings")" = 20 ] && ok || bad "warning cap: $(grep -c 'invalid UTF-8' "$T/warnings") row warnings, want 20"
[ "$(seq 2 21 | sed "s|.*|vcdiscover: warning: $T/warn.csv:&: invalid UTF-8; row skipped|")" = "$(head -n 20 "$T/warnings")" ] &&
  ok || bad "warning cap: the first 20 rows are not the ones shown"
[ "$(sed -n 21p "$T/warnings")" = "vcdiscover: warning: $T/warn.csv: 15 more warnings not shown" ] && [ "$(wc -l <"$T/warnings")" = 21 ] &&
  ok || bad "warning cap: no single count line: $(tail -n 2 "$T/warnings")"
grep -Eq '"skipped_invalid_utf8":[[:space:]]*35,' "$T/w/manifest.json" && ok || bad "warning cap: the manifest does not count all 35"
grep -q '"docs":[[:space:]]*2,' "$T/w/manifest.json" && ok || bad "warning cap: good rows not kept"

# ---- 5. HTML escaping of every text field the report prints ----
# name, alias, KB id, comment id, author, comment text (the example), the
# input path; the emerging table and the chart titles name the entity too
H="&\"'" # after each marker: & " '
N="Zorblat <zq-n>$H Quux"
A="Qzorb <zq-a>$H"
EVIL="$T/<zq-path>$H.csv"
csvq() { local s=${1//\"/\"\"}; printf '"%s"' "$s"; }
jsq() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "$s"; }
{
  printf 'ID,Date,Author,Comment\n'
  for d in $(seq 1 20); do printf 'f%d,2026-01-%02d,x,nothing here\n' "$d" "$d"; done
} >"$EVIL"
: >"$T/evil.jsonl"
i=0
for spec in "I met |N| today" "|N| again" "|A| said hi" "|A| is here" "|N| wins" "so |N| and |A|"; do
  text=${spec//|N|/$N}
  text=${text//|A|/$A}
  id="<zq-id>$H$i"
  printf '%s,2026-01-21,%s,%s\n' "$(csvq "$id")" "$(csvq "<zq-au>$H")" "$(csvq "$text")" >>"$EVIL"
  for name in "$N" "$A"; do
    case $text in *"$name"*) ;; *) continue ;; esac
    pre=${text%%"$name"*}
    printf '{"doc_id":%s,"text":%s,"start":%d,"end":%d}\n' "$(jsq "$id")" "$(jsq "$name")" ${#pre} $((${#pre} + ${#name})) >>"$T/evil.jsonl"
  done
  i=$((i + 1))
done
printf 'zq<zq-kb>%s\t%s\t%s\tORG\nzq<zq-kb>%s\t%s\t%s\tORG\n' "$H" "$N" "$N" "$H" "$N" "$A" >"$T/evil.tsv"
expect 0 "escaping: a KB with a hostile id" -- "$BIN" kb import --out "$T/evil.vcdkb" --tsv "$T/evil.tsv"
expect 0 "escaping: cluster hostile names" -- "$BIN" cluster --no-vectors --quiet --kb "$T/evil.vcdkb" --input "$EVIL" \
  --mentions "$T/evil.jsonl" --out "$T/ev"
grep -q "\"aliases\":\[{\"text\":\"Zorblat <zq-n>&\\\\\"' Quux\".*\"text\":\"Qzorb <zq-a>" "$T/ev/entities.json" &&
  grep -q '"kb_id":"user:zq<zq-kb>' "$T/ev/entities.json" && ok || bad "escaping: the hostile entity was not built: $(head -c 400 "$T/ev/entities.json")"
expect 0 "escaping: report" -- "$BIN" report --state "$T/ev" --out "$T/ev.html" --bucket day --window 1 --baseline 20 --min-count 3
E='&amp;&quot;&#39;' # what $H becomes
EN="Zorblat &lt;zq-n&gt;$E Quux" EA="Qzorb &lt;zq-a&gt;$E"
for ctx in "input path|<code>$T/&lt;zq-path&gt;$E.csv</code>" \
  "table name and row alias|<a href=\"#e-0\">$EN</a><span class=\"aka\">also $EA</span>" \
  "search key|data-search=\"zorblat &lt;zq-n&gt;$E quux zorblat &lt;zq-n&gt;$E quux qzorb &lt;zq-a&gt;$E user:zq&lt;zq-kb&gt;$E\">" \
  "detail name|<span class=\"name\">$EN</span>" \
  "KB id|<code>user:zq&lt;zq-kb&gt;$E</code>" \
  "KB id title|title=\"linked to the knowledge base: user:zq&lt;zq-kb&gt;$E\"" \
  "alias table|<tr><td>$EA</td>" \
  "example text|I met <mark>$EN</mark> today" \
  "comment id and author|<small>&lt;zq-id&gt;${E}0 &middot; &lt;zq-au&gt;$E &middot;" \
  "emerging table|<tr class=\"emerging-entity\"><td><a href=\"#e-0\">$EN</a>" \
  "chart title|<title>$EN</title>"; do
  grep -qF "${ctx#*|}" "$T/ev.html" && ok || bad "escaping: ${ctx%%|*} not escaped as expected"
done
# nowhere raw: every marker is followed by its escaped tail
[ "$(grep -o '<zq' "$T/ev.html" | wc -l)" = 0 ] && ok || bad "escaping: a raw <zq tag in the report"
[ -z "$(grep -o 'zq-[a-z]*[^a-z].\{0,20\}' "$T/ev.html" | grep -v "^zq-[a-z]*&gt;$E")" ] && ok ||
  bad "escaping: a field printed without its & \" ' escaped: $(grep -o 'zq-[a-z]*[^a-z].\{0,20\}' "$T/ev.html" | grep -v "^zq-[a-z]*&gt;$E" | head -n 3)"
[ "$(grep -o 'zq-' "$T/ev.html" | wc -l)" -ge 20 ] && ok || bad "escaping: the hostile fields are not in the report"

# ---- 6. emerging: Bonferroni over the tested entities, and the min count ----
# 11 days: 3 comments a day for 10 days, then 8 on the last (the window).
# Zorblat: 1 comment in the baseline, 3 in the window: p about 0.007, inside
# alpha 0.01 but not alpha/2. Quuxco: 0 then 4: p about 1e-5.
{
  printf 'ID,Date,Comment\n'
  for d in $(seq 1 10); do for k in 1 2 3; do printf 'b%d-%d,2026-03-%02d,filler text\n' "$d" "$k" "$d"; done; done
  for k in 1 2 3 4 5 6 7 8; do printf 'w%d,2026-03-11,filler text\n' "$k"; done
} >"$T/em.csv"
: >"$T/em.jsonl"
for id in b1-1 w1 w2 w3; do
  sed -i "s/^$id,\\([^,]*\\),filler text\$/$id,\\1,Zorblat here/" "$T/em.csv"
  printf '{"doc_id":"%s","text":"Zorblat","start":0,"end":7}\n' "$id" >>"$T/em.jsonl"
done
for id in w4 w5 w6 w7; do
  sed -i "s/^$id,\\([^,]*\\),filler text\$/$id,\\1,Quuxco here/" "$T/em.csv"
  printf '{"doc_id":"%s","text":"Quuxco","start":0,"end":6}\n' "$id" >>"$T/em.jsonl"
done
expect 0 "emerging: cluster" -- "$BIN" cluster --no-vectors --kb none --quiet --input "$T/em.csv" --mentions "$T/em.jsonl" --out "$T/em"
TR=(trends --state "$T/em" --bucket day --window 1 --baseline 10 --alpha 0.01 --min-ratio 2 --out -)
entity() { grep "\"name\":\"$1\"" "$T/stdout"; }
expect 0 "emerging: min count 3" -- "$BIN" "${TR[@]}" --min-count 3
[ "$(json_num tested_entities <"$T/stdout")" = 2 ] && [ "$(json_num p_threshold <"$T/stdout")" = 0.005 ] && ok ||
  bad "emerging: threshold is not alpha over the 2 tested: $(grep -o '"tested_entities".\{0,40\}' "$T/stdout")"
pz=$(entity Zorblat | json_num p_value)
awk -v p="$pz" 'BEGIN { exit !(p > 0.005 && p <= 0.01) }' && ok || bad "emerging: Zorblat p $pz not in (alpha/2, alpha] (test is void)"
entity Zorblat | grep -q '"emerging":false' && entity Zorblat | grep -q '"tested":true' && ok ||
  bad "emerging: p inside alpha but not alpha/tested is flagged (Bonferroni missing)"
entity Quuxco | grep -q '"emerging":true' && ok || bad "emerging: Quuxco not emerging at min count 3"
expect 0 "emerging: alpha 0.02" -- "$BIN" "${TR[@]}" --min-count 3 --alpha 0.02
entity Zorblat | grep -q '"emerging":true' && ok || bad "emerging: Zorblat not flagged once alpha/2 covers it"
expect 0 "emerging: min count 4 = Quuxco's count" -- "$BIN" "${TR[@]}" --min-count 4
entity Quuxco | grep -q '"emerging":true' && entity Quuxco | grep -q '"window_comments":4,' && ok ||
  bad "emerging: an entity with exactly min_count window comments is not emerging"
entity Zorblat | grep -q '"tested":false' && [ "$(json_num tested_entities <"$T/stdout")" = 1 ] && ok || bad "emerging: Zorblat (3 < 4) tested"
expect 0 "emerging: min count 5" -- "$BIN" "${TR[@]}" --min-count 5
entity Quuxco | grep -q '"emerging":false,.*"tested":false' && ok || bad "emerging: min_count - 1 window comments still emerging"

# ---- 7. determinism: two processes, the default tagger, every state file ----
VEC=$ROOT/data/vectors/glove-wiki-100d.vcdv
STATE_FILES="manifest.json docs.jsonl mentions.jsonl forms.jsonl entities.json form_vectors.bin form_sums.bin form_contexts.bin"
if [ -f "$VEC" ] && [ -f "$ROOT/data/models/default/model.safetensors" ]; then
  for ix in auto hnsw; do
    for run in 1 2; do
      # different thread counts and working directories: the bytes may not depend on them
      expect 0 "determinism: default tagger, --index $ix, run $run" -- env OMP_NUM_THREADS=$run \
        sh -c 'cd "$1" && shift && exec "$@"' sh "$T" "$BIN" cluster --quiet --index $ix --input "$SAMPLE" --out "$T/d$ix$run"
    done
    grep -q '"name":[[:space:]]*"cnn-crf"' "$T/d${ix}1/manifest.json" && ok || bad "determinism: not the default tagger"
    n=0
    for f in $STATE_FILES; do
      [ -s "$T/d${ix}1/$f" ] && cmp -s "$T/d${ix}1/$f" "$T/d${ix}2/$f" && n=$((n + 1)) || bad "determinism: --index $ix: $f differs"
    done
    [ "$n" = 8 ] && ok
    [ "$(ls "$T/d${ix}1" | sort | tr '\n' ' ')" = "$(echo $STATE_FILES | tr ' ' '\n' | sort | tr '\n' ' ')" ] && ok ||
      bad "determinism: unexpected files (index.faiss?): $(ls "$T/d${ix}1")"
  done
  # the manifest has no timestamp: nothing had to be masked above
  grep -Eq '"(time|timestamp|created|written_at)"' "$T/dauto1/manifest.json" && bad "determinism: the manifest has a timestamp" || ok
  grep -q '"kind":[[:space:]]*"hnsw"' "$T/dhnsw1/manifest.json" && ok || bad "--index hnsw not recorded"
  # 9b. --index hnsw: match rebuilds that index from form_vectors.bin
  expect 0 "hnsw: match" -- "$BIN" match "Donald J. Trump" --state "$T/dhnsw1" --json
  grep -q '"matches":\[{"entity_id":[0-9]*,"name":"Trump"' "$T/stdout" && ok || bad "hnsw: match lost Trump: $(head -c 300 "$T/stdout")"
  cp -r "$T/dhnsw1" "$T/dbad" && sed -i 's/"kind":\([[:space:]]*\)"hnsw"/"kind":\1"kdtree"/' "$T/dbad/manifest.json"
  expect 2 "hnsw: match reads the kind" '[^ ]*/dbad/manifest\.json: unknown index kind' -- "$BIN" match Trump --state "$T/dbad"
else
  echo "SKIP: default-tagger determinism and --index hnsw ($VEC or the default model not found)"
fi

# ---- 8. progress on stderr only when it is a terminal ----
if command -v script >/dev/null; then
  # stdout to /dev/null, stderr the pseudo-terminal: what script records is stderr
  script -qec "\"$BIN\" cluster --tagger rules --no-vectors --input \"$SAMPLE\" --out \"$T/p1\" 2>&1 >/dev/null" /dev/null >"$T/tty.out"
  rc=$?
  [ "$rc" = 0 ] && grep -q 'cluster  \[#########################\] 100%' "$T/tty.out" && grep -q '^.tag  *\[' "$T/tty.out" &&
    ok || bad "progress: no progress bar on a terminal (exit $rc): $(head -c 200 "$T/tty.out" | cat -v)"
  script -qec "\"$BIN\" cluster --quiet --tagger rules --no-vectors --input \"$SAMPLE\" --out \"$T/p2\" 2>&1 >/dev/null" /dev/null >"$T/tty.q"
  ! grep -q '%' "$T/tty.q" && ok || bad "progress: --quiet still draws: $(cat -v "$T/tty.q" | head -c 200)"
else
  bad "script (util-linux) is missing: the terminal case is not checked"
fi
"$BIN" cluster --tagger rules --no-vectors --input "$SAMPLE" --out "$T/p3" 2>"$T/p3.err" >"$T/p3.out"
"$BIN" cluster --tagger rules --no-vectors --input "$SAMPLE" --out "$T/p4" 2>&1 | cat >"$T/p4.out"
! grep -q '%\|#####' "$T/p3.err" "$T/p3.out" "$T/p4.out" && grep -q '^wrote ' "$T/p3.out" && ok ||
  bad "progress: drawn into a file or pipe: $(grep -h '%' "$T/p3.err" "$T/p4.out" | head -c 200 | cat -v)"

# ---- 9. --no-text: no text in docs.jsonl, and the report says so ----
expect 0 "--no-text" -- "$BIN" cluster "${R[@]}" --no-text --input "$SAMPLE" --out "$T/nt"
[ -s "$T/nt/docs.jsonl" ] && ! grep -q '"text"' "$T/nt/docs.jsonl" && grep -q '"text"' "$T/s/docs.jsonl" && ok ||
  bad "--no-text: docs.jsonl holds text: $(head -c 200 "$T/nt/docs.jsonl")"
expect 0 "--no-text: report" -- "$BIN" report --state "$T/nt" --out "$T/nt.html"
grep -q 'The state was written with --no-text: no comment text to show' "$T/nt.html" && ! grep -q '<blockquote class="example">' "$T/nt.html" &&
  ok || bad "--no-text: the report does not say there is no text"
expect 0 "with text: report" -- "$BIN" report --state "$T/s" --out "$T/r.html"
grep -q '<blockquote class="example">' "$T/r.html" && ! grep -q 'written with --no-text' "$T/r.html" && ok ||
  bad "with text: the report shows no example"

# ---- 10. eval clusters against a gold written by hand (not the state's own
# output): tests/data/eval_hand/README.md has the scores worked out ----
G=$ROOT/tests/data/eval_hand
expect 0 "eval clusters: the predicted state" -- "$BIN" cluster --no-vectors --kb none --quiet --input "$G/comments.csv" --mentions "$G/mentions.jsonl" --out "$T/g"
[ "$(cut -d, -f3 "$T/g/forms.jsonl" | tr '\n' ' ')" = '"surface":"Zorblat" "surface":"Mivvo" "surface":"Quux" ' ] &&
  [ "$(grep -c '"id":' "$T/g/entities.json")" = 3 ] && ok || bad "eval clusters: the state is not the one scored by hand: $(cat "$T/g/forms.jsonl")"
for how in "--pred $T/g" "--baseline lowercase"; do
  # shellcheck disable=SC2086 # $how is two words
  expect 0 "eval clusters: hand gold, $how" -- "$BIN" eval clusters --gold "$G/gold.jsonl" $how --json --errors 5
  s=$(cat "$T/stdout")
  for kv in gold_mentions:8 gold_entities:4 predicted_clusters:4 bcubed_precision:0.75 same_entity_pairs:1 together_pairs:0 correct_pairs:0; do
    [ "$(json_num "${kv%%:*}" <<<"$s")" = "${kv#*:}" ] && ok || bad "eval clusters ($how): ${kv%%:*} is $(json_num "${kv%%:*}" <<<"$s"), by hand ${kv#*:}"
  done
  for kv in bcubed_recall:0.833333 ari:0.368421 bcubed_f1:0.789474; do
    awk -v x="$(json_num "${kv%%:*}" <<<"$s")" -v y="${kv#*:}" 'BEGIN { exit !(x - y < 1e-6 && y - x < 1e-6) }' && ok ||
      bad "eval clusters ($how): ${kv%%:*} is $(json_num "${kv%%:*}" <<<"$s"), by hand ${kv#*:}"
  done
  grep -q '"missed_pairs":\[{"a":"Mivvo","b":"Quux","count_a":2,"count_b":1,"entity_a":"E3","entity_b":"E3"' <<<"$s" && ok ||
    bad "eval clusters ($how): the missed Mivvo/Quux pair is not listed"
done
expect 0 "eval clusters: hand gold, missed mentions" -- "$BIN" eval clusters --gold "$G/gold.jsonl" --pred "$T/g" --json
[ "$(json_num found <"$T/stdout")" = 7 ] && [ "$(json_num missed <"$T/stdout")" = 1 ] && ok || bad "eval clusters: Plonk not counted as missed"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
