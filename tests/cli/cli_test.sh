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
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
