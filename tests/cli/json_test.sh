#!/usr/bin/env bash
# --version and the JSON a script reads: every document parses as one JSON
# value with its schema (json_check, built from tests/tools/json_check.c).
# Usage: json_test.sh path/to/vcdiscover path/to/json_check PROJECT_VERSION SOURCE_DIR
set -u
BIN=$1 CHECK=$2 VERSION=$3 SRC=$4
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
run() { "$@" >"$T/stdout" 2>"$T/stderr"; }
check() { "$CHECK" "$@" 2>>"$T/check.log" && ok || bad "json_check $*: $(tail -1 "$T/check.log")"; }

# --version: the project's version and each library's, as Debian built them
run "$BIN" --version && ok || bad "--version failed: $(cat "$T/stderr")"
[ "$(head -1 "$T/stdout")" = "vcdiscover $VERSION" ] && ok || bad "--version first line: $(head -1 "$T/stdout")"
for lib in FAISS OpenBLAS utf8proc libcsv cJSON; do
  grep -Eq "^  $lib +[0-9]+\.[0-9]+(\.[0-9]+)?( |$)" "$T/stdout" && ok || bad "--version lacks $lib: $(cat "$T/stdout")"
done
if command -v dpkg-query >/dev/null; then
  for pair in FAISS:libfaiss-dev OpenBLAS:libopenblas-dev utf8proc:libutf8proc-dev libcsv:libcsv-dev cJSON:libcjson-dev; do
    lib=${pair%%:*} pkg=${pair#*:}
    deb=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null | sed 's/^[0-9]*://; s/[-+~].*//')
    [ -z "$deb" ] && continue
    got=$(awk -v l="$lib" '$1 == l {print $2}' "$T/stdout")
    [ "$got" = "$deb" ] && ok || bad "--version says $lib $got, Debian's $pkg is $deb"
  done
fi
run "$BIN" version --json && ok || bad "version --json failed"
check "$T/stdout" vcdiscover.version/1 "version=$VERSION" data_dir components.0.name=FAISS \
  components.1.name=OpenBLAS components.2.name=utf8proc components.3.name=libcsv components.4.name=cJSON
run "$BIN" version --bogus; [ $? = 2 ] && grep -q '^vcdiscover: error: ' "$T/stderr" && ok || bad "version --bogus not exit 2"

# a small dated corpus: three steady entities, one that appears late
{
  echo 'ID,Date,Author,Likes,Replies,Comment'
  for i in $(seq 1 84); do
    d=$(date -u -d "2026-01-01 + $i days" +%Y-%m-%d)
    echo "a$i,$d,u$i,1,0,\"I love my Apple Vision Pro, day $i\""
    echo "b$i,$d,v$i,0,0,Tesla Model 3 review number $i"
    [ "$i" -gt 70 ] && echo "c$i,$d,w$i,2,1,Nintendo Switch 2 is finally here $i"
  done
} >"$T/c.csv"
V=(--tagger rules --no-vectors --quiet)

# cluster --json: one document on stdout with counts and where the files went
run "$BIN" cluster "${V[@]}" --input "$T/c.csv" --out "$T/s" --json && ok || bad "cluster --json: $(cat "$T/stderr")"
check "$T/stdout" vcdiscover.cluster-run/1 "input=$T/c.csv" "out=$T/s" "files.manifest=$T/s/manifest.json" \
  "files.entities=$T/s/entities.json" files.mentions files.forms files.docs files.form_vectors \
  docs=182 skipped_rows=0 mentions entities seconds.total
ents=$(grep -o '"entities":[0-9]*' "$T/stdout" | cut -d: -f2)
[ "${ents:-0}" -gt 0 ] && ok || bad "cluster --json reports no entities"
check "$T/s/manifest.json" vcdiscover.manifest/3 files
check "$T/s/entities.json" vcdiscover.entities/1 entities.0.name entities.0.aliases.0.text

# trends --json: the trends file's document on stdout, the summary on stderr
run "$BIN" trends --state "$T/s" --json && ok || bad "trends --json: $(cat "$T/stderr")"
check "$T/stdout" vcdiscover.trends/1 buckets entities.0.name emerging
cmp -s "$T/stdout" "$T/s/trends.json" && ok || bad "trends --json stdout differs from trends.json"
grep -q "emerging" "$T/stderr" && ok || bad "trends --json: summary not on stderr"
run "$BIN" trends --state "$T/s" --json --out - && ok || bad "trends --json --out -"
check "$T/stdout" vcdiscover.trends/1 entities
cmp -s "$T/stdout" "$T/s/trends.json" && ok || bad "trends --json --out - is not the document once"
run "$BIN" trends --state "$T/s" --json --out "$T/t2.json" && cmp -s "$T/stdout" "$T/t2.json" && ok || bad "trends --json --out FILE"

# match --json with its evidence, an empty list for no match
run "$BIN" match "Apple Vision Pro" --state "$T/s" --json && ok || bad "match --json: $(cat "$T/stderr")"
check "$T/stdout" vcdiscover.match/1 "query=Apple Vision Pro" matches.0.name matches.0.score matches.0.evidence matches.0.alias
run "$BIN" match "zzqx unrelated" --state "$T/s" --json && ok || bad "match no-match --json"
check "$T/stdout" vcdiscover.match/1 matches
grep -q '"matches":\[\]' "$T/stdout" && ok || bad "no-match is not an empty list: $(cat "$T/stdout")"

# the other commands' JSON parses too
run "$BIN" eval clusters --gold "$T/s/mentions.jsonl" --pred "$T/s" --json && ok || bad "eval clusters --json"
check "$T/stdout" vcdiscover.eval-clusters/2 scores
run "$BIN" train-linker --gold "$T/s/mentions.jsonl" --input "$T/c.csv" "${V[@]}" --json \
  --model-out "$T/linker.json" && ok || bad "train-linker --json: $(cat "$T/stderr")"
check "$T/stdout" vcdiscover.linker-fit/1 pairs oof_log_loss reliability.0.bin out_of_fold.bcubed_f1
check "$T/linker.json" vcdiscover.linker/1 pair.bias query.bias fit.pairs
run "$BIN" kb lookup "Paris" --json && ok || bad "kb lookup --json: $(cat "$T/stderr")"
check "$T/stdout" vcdiscover.kb_lookup/1 query=Paris

printf 'Hello\tO\nworld\tO\nagain\tO\n' >"$T/do.conll"
printf 'hello world again\nkeep\n' >"$T/do.txt"
run "$BIN" drop-overlap --conll "$T/do.conll" --input "$T/do.txt" --out "$T/do.out" --json && ok || bad "drop-overlap --json: $(cat "$T/stderr")"
check "$T/stdout" vcdiscover.drop-overlap/1 probes=1 kept=1 dropped=1

# docs/JSON.md documents every schema the code writes or reads
schemas=$(grep -rhoE 'vcdiscover\.[a-z_-]+/[0-9]+' "$SRC/src" "$SRC/include" | sort -u)
[ -n "$schemas" ] && ok || bad "no schema names found in the sources"
for s in $schemas; do
  grep -qF "\`$s\`" "$SRC/docs/JSON.md" && ok || bad "docs/JSON.md does not document $s"
done

echo "json_test: $pass passed, $fail failed"
[ "$fail" = 0 ]
