#!/usr/bin/env python3
"""Helpers for bench/bench_update.sh (a cross-check, not part of vcdiscover).

  split COMMENTS.txt OUTDIR K   -> OUTDIR/chunk01.jsonl .. chunkK.jsonl and
                                   OUTDIR/upto01.jsonl .. uptoK.jsonl
                                   (consecutive lines; id = the 1-based line
                                   number, as `--format txt` numbers them)
  agree STATE_A STATE_B [GOLD]  -> one JSON line: mentions in each, common,
                                   ARI and B-cubed P/R/F1 of B's partition
                                   against A's on the common mentions, and
                                   the same restricted to GOLD's spans
"""
import json
import sys
from collections import Counter, defaultdict


def split(path, outdir, k):
    with open(path, 'rb') as f:
        lines = f.read().split(b'\n')
    if lines and lines[-1] == b'':
        lines.pop()
    rows = []
    for i, raw in enumerate(lines, 1):
        raw = raw.rstrip(b'\r')
        try:
            text = raw.decode('utf-8')
        except UnicodeDecodeError:
            continue  # the txt reader skips these too
        rows.append(json.dumps({'id': str(i), 'text': text}, ensure_ascii=False))
    k = int(k)
    size = (len(rows) + k - 1) // k
    for c in range(k):
        part = rows[c * size:(c + 1) * size]
        with open('%s/chunk%02d.jsonl' % (outdir, c + 1), 'w', encoding='utf-8') as f:
            f.write('\n'.join(part) + '\n')
        with open('%s/upto%02d.jsonl' % (outdir, c + 1), 'w', encoding='utf-8') as f:
            f.write('\n'.join(rows[:(c + 1) * size]) + '\n')


def mentions(state):
    out = {}
    with open(state + '/mentions.jsonl', encoding='utf-8') as f:
        for line in f:
            m = json.loads(line)
            out[(m['doc_id'], m['start'], m['end'])] = m['entity_id']
    return out


def comb2(n):
    return n * (n - 1) / 2


def ari(a, b):
    keys = list(a)
    n = len(keys)
    if n < 2:
        return 1.0
    cont = Counter((a[k], b[k]) for k in keys)
    ca = Counter(a[k] for k in keys)
    cb = Counter(b[k] for k in keys)
    s = sum(comb2(v) for v in cont.values())
    sa = sum(comb2(v) for v in ca.values())
    sb = sum(comb2(v) for v in cb.values())
    exp = sa * sb / comb2(n)
    mx = (sa + sb) / 2
    return 1.0 if mx == exp else (s - exp) / (mx - exp)


def bcubed(ref, pred):
    keys = list(ref)
    cont = Counter((ref[k], pred[k]) for k in keys)
    cr = Counter(ref[k] for k in keys)
    cp = Counter(pred[k] for k in keys)
    p = sum(cont[(ref[k], pred[k])] / cp[pred[k]] for k in keys) / len(keys)
    r = sum(cont[(ref[k], pred[k])] / cr[ref[k]] for k in keys) / len(keys)
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def scores(a, b, keys):
    ra = {k: a[k] for k in keys}
    rb = {k: b[k] for k in keys}
    p, r, f = bcubed(ra, rb)
    return {'mentions': len(keys), 'ari': round(ari(ra, rb), 4), 'bcubed_p': round(p, 4),
            'bcubed_r': round(r, 4), 'bcubed_f1': round(f, 4)}


def agree(sa, sb, gold=None):
    a, b = mentions(sa), mentions(sb)
    common = [k for k in a if k in b]
    out = {'mentions_a': len(a), 'mentions_b': len(b), 'all': scores(a, b, common)}
    if gold:
        spans = set()
        with open(gold, encoding='utf-8') as f:
            for line in f:
                m = json.loads(line)
                spans.add((str(m['doc_id']), m['start'], m['end']))
        out['gold_spans'] = scores(a, b, [k for k in common if k in spans])
    print(json.dumps(out))


if __name__ == '__main__':
    if sys.argv[1] == 'split':
        split(*sys.argv[2:5])
    else:
        agree(*sys.argv[2:])
