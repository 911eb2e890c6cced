#!/bin/sh
# Rebuilds the shipped identity encoder data/models/identity with the repo's
# own binary only: alias groups from the knowledge base (`vcdiscover kb
# export`, from the kb branch: data/kb/default.vcdkb) and from the comments
# (`vcdiscover pairs mine`), then `vcdiscover train-encoder` with the shipped
# settings (seed 42). The same inputs give the same model bytes.
#
# Needs: build/vcdiscover (cmake --build build), ../shared (or $VCD_SHARED),
# data/vectors/glove-wiki-100d.vcdv, and `kb export` (merge of branch kb).
set -eu
cd "$(dirname "$0")/.."
BIN=${VCD_BIN:-build/vcdiscover}
SHARED=${VCD_SHARED:-../shared}
GROUPS=build/identity-groups
OUT=${1:-data/models/identity}

if ! "$BIN" kb export --help >/dev/null 2>&1; then
    echo "train_identity_encoder.sh: '$BIN kb export' is missing (it comes with the kb branch)" >&2
    exit 1
fi
mkdir -p "$GROUPS"
"$BIN" kb export --kb data/kb/default.vcdkb --out "$GROUPS/kb.tsv"
"$BIN" pairs mine --input "$SHARED/data/youtube/comments.txt" --format txt --tagger default \
    --nicknames "$SHARED/data/kb/nicknames.csv" --synthetic-people 4000 --seed 42 \
    --out "$GROUPS/comments.tsv"
"$BIN" train-encoder --groups "$GROUPS/kb.tsv" --groups "$GROUPS/comments.tsv" \
    --vectors data/vectors/glove-wiki-100d.vcdv --seed 42 --out "$OUT"
