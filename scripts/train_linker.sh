#!/usr/bin/env bash
# Refits the shipped identity pair model, data/models/linker/linker.json, on
# the labelled YouTube mentions (../shared/data/youtube_entities, dev half)
# with the engine's default encoder, KB and vectors, and prints the
# entity-grouped cross-validation report. Paths are recorded relative to the
# repository. Deterministic: the same inputs give the same file.
# Usage: scripts/train_linker.sh [extra train-linker options]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
gold=../shared/data/youtube_entities/dev_mentions.jsonl
comments=../shared/data/youtube/comments.txt
[ -f "$gold" ] && [ -f "$comments" ] || { echo "train_linker: ../shared data not found" >&2; exit 2; }
[ -x build/vcdiscover ] || { echo "train_linker: run scripts/setup.sh first" >&2; exit 2; }
build/vcdiscover train-linker --gold "$gold" --input "$comments" --format txt --quiet \
  --vectors data/vectors/glove-wiki-100d.vcdv --model-out data/models/linker/linker.json "$@"
# the pair model for the identity encoder (selectable with --encoder identity)
build/vcdiscover train-linker --gold "$gold" --input "$comments" --format txt --quiet \
  --vectors data/vectors/glove-wiki-100d.vcdv --encoder identity \
  --model-out data/models/linker/linker-identity.json "$@"
