#!/usr/bin/env bash
# Builds the shipped default knowledge base data/kb/default.vcdkb from the
# standard files in ../shared/data/kb (or $1) with this repository's binary,
# then builds it a second time and checks both are byte-identical.
#
# Filters (see data/kb/README.md): GeoNames cities with population >= 75,000
# (keeps the file under 6 MB; every city of cities15000 would be 7.8 MB).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${VCDISCOVER:-$ROOT/build/vcdiscover}
SRC=${1:-$ROOT/../shared/data/kb}
OUT=$ROOT/data/kb/default.vcdkb
MIN_POPULATION=75000
[ -x "$BIN" ] || { echo "build_kb.sh: $BIN not found (build first)" >&2; exit 2; }
args=(--min-population "$MIN_POPULATION"
  --geonames "$SRC/geonames_cities15000.txt"
  --countries "$SRC/countries.json"
  --tickers "$SRC/sp500_constituents.csv"
  --tickers "$SRC/nasdaq_listed.csv"
  --tickers "$SRC/nyse_listed.csv"
  --nicknames "$SRC/nicknames.csv"
  --tsv "$ROOT/data/kb/extra_aliases.tsv")
"$BIN" kb import --out "$OUT" "${args[@]}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
"$BIN" kb import --out "$TMP/again.vcdkb" "${args[@]}" >/dev/null
cmp -s "$OUT" "$TMP/again.vcdkb" || { echo "build_kb.sh: rebuild is not byte-identical" >&2; exit 1; }
echo "build_kb.sh: $OUT ($(stat -c %s "$OUT") bytes) rebuilt byte-identically"
