#!/usr/bin/env bash
# `mpirun -np N vcdiscover cluster` writes the state a single process writes,
# byte for byte (every file, manifest included), and fails as one process
# fails. Usage: mpi_test.sh path/to/vcdiscover (a -DVCD_MPI=ON build).
# $VCD_PLAIN_VCDISCOVER (a plain build), when set, must write the same state.
set -u
BIN=$1
here=$(cd "$(dirname "$0")" && pwd)
SAMPLE="$here/../../data/sample_comments.csv"
command -v mpirun >/dev/null || { echo "SKIP: no mpirun"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
# Root in containers and CI; two ranks on fewer cores.
MPIRUN=(mpirun --allow-run-as-root --oversubscribe)

# same_state WHAT A B: the same file names and every file equal.
same_state() {
  local what=$1 a=$2 b=$3
  if [ ! -f "$a/manifest.json" ] || [ ! -f "$b/manifest.json" ]; then
    bad "$what: a state is missing its manifest"
    return
  fi
  if [ "$(ls -A "$a")" != "$(ls -A "$b")" ]; then
    bad "$what: files differ: $(ls -A "$a" | tr '\n' ' ') vs $(ls -A "$b" | tr '\n' ' ')"
    return
  fi
  local f
  for f in $(ls -A "$a"); do
    cmp -s "$a/$f" "$b/$f" || { bad "$what: $f differs"; return; }
  done
  ok
}

# check WHAT NP INPUT [cluster options...]: NP ranks vs one process: the
# same state and the same warnings (rank 0 reports every rank's rows).
check() {
  local what=$1 np=$2 input=$3 name
  shift 3
  name=$(echo "$what" | tr -c 'a-z0-9' _)
  "$BIN" cluster --quiet --input "$input" --out "$T/$name.one" "$@" >/dev/null 2>"$T/err.one" ||
    { bad "$what: single process failed: $(tail -1 "$T/err.one")"; return; }
  "${MPIRUN[@]}" -np "$np" "$BIN" cluster --quiet --input "$input" --out "$T/$name.mpi" "$@" \
    >"$T/out" 2>"$T/err" || { bad "$what: mpirun -np $np failed: $(tail -3 "$T/err")"; return; }
  same_state "$what (-np $np)" "$T/$name.one" "$T/$name.mpi"
  cmp -s "$T/err.one" "$T/err" || bad "$what (-np $np): warnings differ: $(diff "$T/err.one" "$T/err" | head -5)"
  if [ -n "${VCD_PLAIN_VCDISCOVER:-}" ]; then
    "$VCD_PLAIN_VCDISCOVER" cluster --quiet --input "$input" --out "$T/$name.plain" "$@" \
      >/dev/null 2>&1 || { bad "$what: plain build failed"; return; }
    same_state "$what (plain build)" "$T/$name.plain" "$T/$name.mpi"
  fi
  rm -rf "$T/$name".*
}

# The default tagger labels 16,384 comments a batch: 7 copies of the sample
# (new ids) make two batches, so two ranks tag one each.
awk -F, 'NR == 1 { print; next } { rows[NR] = $0 }
         END { for (k = 1; k <= 7; k++) for (r = 2; r <= NR; r++) { s = rows[r]; sub(/^[^,]*/, "k" k "-&", s); print s } }' \
  "$SAMPLE" >"$T/sample7.csv"
{ head -1 "$SAMPLE"; grep -m2 "Trump" "$SAMPLE"; } >"$T/two.csv" # two comments that name someone

check "sample, default tagger" 2 "$SAMPLE"
check "sample, rule tagger (split per comment)" 2 "$SAMPLE" --tagger rules
check "sample, one rank" 1 "$SAMPLE" --tagger rules
check "two comments, three ranks" 3 "$T/two.csv"
check "7x sample, two tagger batches" 2 "$T/sample7.csv"
check "sample, three ranks" 3 "$SAMPLE"
check "sample, rule tagger, three ranks" 3 "$SAMPLE" --tagger rules

# A quoted comment of 300 lines (commas, "" and lines that look like
# records) covers the middle of the file: the byte offsets of 2 and 3 ranks
# (1/3, 1/2, 2/3 of ~14 KB) fall inside it, and the ranks' bounds must skip it.
{
  sed -n 1,21p "$SAMPLE"
  printf 'big1,2026-02-01T10:00:00Z,@u,1,0,"Barack Obama said\n'
  for i in $(seq 300); do printf 'c%05d,2026-01-24T09:19:17Z,@x,2,0,""Barack Obama"" met Angela Merkel\n' "$i"; done
  printf 'end of it"\n'
  sed -n 22,41p "$SAMPLE"
  printf 'ml2,2026-02-02T10:00:00Z,@u,1,0,"two\nlines, Angela Merkel"\r\n'
} >"$T/multiline.csv"
check "multi-line quoted fields across the bounds" 2 "$T/multiline.csv" --tagger rules
check "multi-line quoted fields across the bounds, three ranks" 3 "$T/multiline.csv" --tagger rules

# Bad rows on every rank: the same skip counts (manifest) and warning lines,
# more than the 20 shown; a duplicate of a row of rank 0 late in the file
# (its bad date is not counted); an unclosed quote at the end.
{
  sed -n 1,30p "$SAMPLE"
  for i in $(seq 12); do printf 'bd%d,yesterday,@u,1,0,Barack Obama talks %d\n' "$i" "$i"; done
  printf 'short,row\n'
  printf 'bad8,2026-01-01T00:00:00Z,@u,1,0,caf\xe9 Angela Merkel\n'
  printf 'empty,2026-01-01T00:00:00Z,@u,1,0,   \n'
  sed -n 31,60p "$SAMPLE"
  printf 'c00002,someday,@u,x,0,Barack Obama again\n'
  for i in $(seq 12); do printf 'bl%d,2026-01-01T00:00:00Z,@u,many,0,Angela Merkel %d\n' "$i" "$i"; done
  printf 'open,2026-01-01T00:00:00Z,@u,1,0,"never closed Barack Obama\n'
} >"$T/bad.csv"
check "bad rows" 2 "$T/bad.csv" --tagger rules
check "bad rows, three ranks" 3 "$T/bad.csv" --tagger rules

# Plain text and JSON Lines: byte ranges cut at newlines; ids are line
# numbers (txt) or row numbers (JSON Lines without ids).
awk -F, 'NR > 1 && NR <= 400 { sub(/^([^,]*,){5}/, ""); gsub(/"/, ""); print } NR == 200 { print ""; print "caf\351 Merkel" }' \
  "$SAMPLE" >"$T/sample.txt"
check "text file" 2 "$T/sample.txt" --tagger rules
check "text file, three ranks" 3 "$T/sample.txt" --tagger rules
awk -F, 'NR > 1 && NR <= 400 { id = $1; sub(/^([^,]*,){5}/, ""); gsub(/["\\]/, ""); t = $0
           if (NR % 3) printf "{\"id\": \"%s\", \"text\": \"%s\", \"date\": \"2026-01-0%dT00:00:00Z\"}\n", id, t, NR % 9 + 1
           else printf "{\"comment\": \"%s\"}\n", t }
         NR == 100 { print "{\"id\": \"c00002\", \"text\": \"dup of an earlier id\"}"; print "not json"; print "   "; print "{\"id\": 5}" }' \
  "$SAMPLE" >"$T/sample.jsonl"
check "JSON Lines" 2 "$T/sample.jsonl" --tagger rules
check "JSON Lines, three ranks" 3 "$T/sample.jsonl" --tagger rules
{ grep -m2 "Trump" "$SAMPLE" | sed 's/^\([^,]*,\)\{5\}//'; } >"$T/two.txt"
check "two lines, three ranks" 3 "$T/two.txt" --tagger rules

# A directory: the files in name order, each read whole by one rank (files
# of different sizes and formats; a duplicate id across files).
mkdir "$T/dir"
{ sed -n 1p "$SAMPLE"; sed -n 2,300p "$SAMPLE"; } >"$T/dir/a.csv"
{ sed -n 1p "$SAMPLE"; sed -n 300,320p "$SAMPLE"; } >"$T/dir/b.csv"
cp "$T/sample.txt" "$T/dir/c.txt"
cp "$T/sample.jsonl" "$T/dir/d.jsonl"
echo "not an input" >"$T/dir/README.md"
check "directory" 2 "$T/dir" --tagger rules
check "directory, three ranks" 3 "$T/dir" --tagger rules

# check_error WHAT NP INPUT: NP ranks fail as one process fails (exit code
# and error line), also when the failing input is a later rank's.
check_error() {
  local what=$1 np=$2 input=$3 rc1 rc2
  "$BIN" cluster --quiet --tagger rules --input "$input" --out "$T/e1" >/dev/null 2>"$T/err.one"
  rc1=$?
  "${MPIRUN[@]}" -np "$np" "$BIN" cluster --quiet --tagger rules --input "$input" --out "$T/e2" \
    >/dev/null 2>"$T/err"
  rc2=$?
  if [ "$rc1" = 2 ] && [ "$rc2" = 2 ] && [ "$(grep -c '^vcdiscover: error: ' "$T/err")" = 1 ] &&
    [ "$(grep '^vcdiscover: error: ' "$T/err.one")" = "$(grep '^vcdiscover: error: ' "$T/err")" ]; then ok; else
    bad "$what (-np $np): exit $rc1 vs $rc2: $(grep error "$T/err.one") vs $(grep error "$T/err")"; fi
  rm -rf "$T/e1" "$T/e2"
}
mkdir "$T/baddir"
cp "$T/dir/a.csv" "$T/baddir/a.csv"
printf 'x,y\n1,2\n' >"$T/baddir/b.csv" # no text column: rank 1's file
check_error "a later file without a text column" 2 "$T/baddir"
printf '\xff\xfei\x00d\x00' >"$T/utf16.csv"
check_error "UTF-16 input" 3 "$T/utf16.csv"
printf 'id,text\n1,\n2,   \n' >"$T/blank.csv"
check_error "no usable comments" 2 "$T/blank.csv"

# --mentions: rank 0 reads the file, the ranks still split the encoding.
"$BIN" cluster --quiet --tagger rules --input "$SAMPLE" --out "$T/rules" >/dev/null 2>&1 ||
  bad "cluster for a mentions file failed"
check "sample, mentions file" 2 "$SAMPLE" --mentions "$T/rules/mentions.jsonl"

# A failure on every rank is one error line and exit 2.
printf 'id,text\n1,hello there\n2,ok\n' >"$T/none.csv"
"${MPIRUN[@]}" -np 2 "$BIN" cluster --quiet --input "$T/none.csv" --out "$T/none" >/dev/null 2>"$T/err"
rc=$?
n=$(grep -c '^vcdiscover: error: ' "$T/err")
if [ "$rc" = 2 ] && [ "$n" = 1 ] && [ ! -f "$T/none/manifest.json" ]; then ok; else
  bad "no mentions under mpirun: exit $rc, $n error lines: $(head -c 300 "$T/err")"; fi

# Other commands run once, on rank 0.
out=$("${MPIRUN[@]}" -np 2 "$BIN" version 2>&1)
rc=$?
n=$(printf '%s\n' "$out" | grep -c '^vcdiscover ')
if [ "$rc" = 0 ] && [ "$n" = 1 ]; then ok; else bad "version under mpirun: exit $rc, printed $n times"; fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
