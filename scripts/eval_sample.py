#!/usr/bin/env python3
"""Scores a `vcdiscover cluster` run on the synthetic fixture
(tests/data/synthetic_comments.csv, the bundled sample before it was real text) against
the generator's own alias table (the ground truth it was made from):
B-cubed precision/recall/F1 and the adjusted Rand index over mentions whose
text is a known alias, plus `match` top-1 accuracy for every alias.

Usage: scripts/eval_sample.py [STATE_DIR=out] [BIN=build/vcdiscover]
"""
import json
import math
import subprocess
import sys
from collections import Counter, defaultdict

sys.path.insert(0, __file__.rsplit("/", 1)[0] + "/../tests/data")
from gen_synthetic_comments import ENTITIES  # noqa: E402

state = sys.argv[1] if len(sys.argv) > 1 else "out"
binary = sys.argv[2] if len(sys.argv) > 2 else "build/vcdiscover"
gold_of = {a: canon for canon, (aliases, _) in ENTITIES.items() for a, _ in aliases}

pairs = []  # (gold, predicted) per mention
for line in open(f"{state}/mentions.jsonl", encoding="utf-8"):
    m = json.loads(line)
    if m["text"] in gold_of:
        pred = m["entity_id"] if m["entity_id"] >= 0 else f"noise:{m['text']}"
        pairs.append((gold_of[m["text"]], pred))


def bcubed(pairs):
    by_gold, by_pred = Counter(g for g, _ in pairs), Counter(p for _, p in pairs)
    both = Counter(pairs)
    p = sum(both[(g, q)] / by_pred[q] for g, q in pairs) / len(pairs)
    r = sum(both[(g, q)] / by_gold[g] for g, q in pairs) / len(pairs)
    return p, r, 2 * p * r / (p + r)


def ari(pairs):
    comb = lambda n: n * (n - 1) / 2
    both = Counter(pairs)
    a = sum(comb(v) for v in Counter(g for g, _ in pairs).values())
    b = sum(comb(v) for v in Counter(p for _, p in pairs).values())
    idx = sum(comb(v) for v in both.values())
    expected = a * b / comb(len(pairs))
    return (idx - expected) / ((a + b) / 2 - expected)


p, r, f = bcubed(pairs)
print(f"mentions scored: {len(pairs)}")
print(f"B-cubed precision {p:.3f} recall {r:.3f} F1 {f:.3f}; ARI {ari(pairs):.3f}")

entity_of_canon = defaultdict(Counter)
for g, q in pairs:
    entity_of_canon[g][q] += 1
right = total = 0
for alias, canon in sorted(gold_of.items()):
    out = subprocess.run([binary, "match", alias, "--state", state, "--json", "--top", "1"],
                         capture_output=True, text=True, check=True)
    hits = json.loads(out.stdout)["matches"]
    want = entity_of_canon[canon].most_common(1)[0][0]
    total += 1
    right += bool(hits) and hits[0]["entity_id"] == want
print(f"match top-1 on all {total} aliases: {right}/{total}")
