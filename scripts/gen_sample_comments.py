#!/usr/bin/env python3
"""Builds data/sample_comments.csv from real YouTube comments.

The text is real: comments from ../shared/data/youtube/comments.txt (the raw
YouTube source of the WNUT 2017 release, CC-BY 4.0). Everything else is
generated, because the source has only text: the dates, the authors, the
likes and the replies.

Selection, deterministic for a seed:
  * a comment whose text is in WNUT 2017 dev is left out (matched on
    lower-cased letters and digits, as scripts/train_default_model.sh does),
    and so is an exact repeat, a comment under 20 or over 400 characters, one
    that is mostly a link, or one whose letters are mostly not Latin;
  * a comment belongs to a topic when its text matches that topic's keywords
    and no other topic's; each topic keeps at most --per-topic comments;
  * --background comments that match no topic are mixed in, as real
    exports have them.
Dates: uniform over 1 January - 30 June 2026, except that every comment
naming Savitar (the villain of The Flash, season 3) is dated in the last
three weeks (10-30 June): that entity emerges late, the rest of its topic is
steady.
Order: the rows keep the source's order, which lists one video's comments
together, as a real export does (the linker reads that nearness as
evidence); only the dates are generated, so they do not increase down the
file.

Dev-time script only (vcdiscover never runs Python). Same arguments, same
bytes. Usage:
  scripts/gen_sample_comments.py [--source ../shared/data/youtube/comments.txt]
      [--dev ../shared/data/wnut17/dev.conll] [--seed 7] [--per-topic 550]
      [--background 400] [--out data/sample_comments.csv]
"""
import argparse
import csv
import datetime as dt
import random
import re
import sys

TOPICS = [
    ("phones and tech", r"iphone|samsung|galaxy|s8|pixel|android|huawei|oneplus|note ?8|apple|ios|"
                        r"tesla|elon|musk|spacex"),
    ("us politics", r"trump|hillary|clinton|obama|putin|democrats?|republicans?|president|"
                    r"congress|white house"),
    ("basketball", r"lebron|cavs|cavaliers|warriors|curry|durant|kyrie|nba|finals|"
                   r"celtics|lakers"),
    ("video games", r"minecraft|nintendo|switch|mario|pok[eé]mon|xbox|ps4|zelda|overwatch|"
                    r"playstation|steam"),
    ("the flash", r"savitar|barry|flash|iris|cisco|caitlin|wally|killer frost|zoom"),
    ("films", r"star wars|jedi|marvel|avengers|spider-?man|disney|batman|superman|"
              r"wonder woman|pixar|iron man|guardians of the galaxy"),
]
LATE = re.compile(r"\bsavitars?\b", re.I)
START = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
END = dt.datetime(2026, 7, 1, tzinfo=dt.timezone.utc)
LATE_START = dt.datetime(2026, 6, 10, tzinfo=dt.timezone.utc)


def norm(s):
    return re.sub(r"[\W_]+", "", s.lower())


def dev_probes(path):
    """The first 40 key characters of every WNUT dev text of 12 or more."""
    keys, cur = [], []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            w = line.rstrip("\n").split("\t")[0]
            if w.strip():
                cur.append(w)
            elif cur:
                keys.append(norm("".join(cur)))
                cur = []
    if cur:
        keys.append(norm("".join(cur)))
    return [k[:40] for k in keys if len(k) >= 12]


def readable(text):
    if not 20 <= len(text) <= 400:
        return False
    if len(re.sub(r"https?://\S+", "", text).strip()) < 0.6 * len(text):
        return False
    letters = [c for c in text if c.isalpha()]
    latin = sum(1 for c in letters if c < "\u0250")
    return len(letters) >= 10 and latin >= 0.9 * len(letters)


def topic_of(text, patterns):
    hits = [name for name, rx in patterns if rx.search(text)]
    return hits[0] if len(hits) == 1 else (None if not hits else "")


def when(rng, late):
    lo = LATE_START if late else START
    return lo + dt.timedelta(seconds=rng.uniform(0, (END - lo).total_seconds()))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", default="../shared/data/youtube/comments.txt")
    ap.add_argument("--dev", default="../shared/data/wnut17/dev.conll")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--per-topic", type=int, default=550)
    ap.add_argument("--background", type=int, default=400)
    ap.add_argument("--out", default="data/sample_comments.csv")
    args = ap.parse_args()
    patterns = [(n, re.compile(r"\b(?:" + p + r")\b", re.I)) for n, p in TOPICS]
    probes = dev_probes(args.dev)
    seen, by_topic, dropped_dev = set(), {n: [] for n, _ in TOPICS}, 0
    background = []
    with open(args.source, encoding="utf-8", errors="replace") as fh:
        for lineno, line in enumerate(fh):
            text = line.rstrip("\n").strip()
            key = norm(text)
            if not key or key in seen or not readable(text):
                continue
            seen.add(key)
            if any(p in key for p in probes):
                dropped_dev += 1
                continue
            topic = topic_of(text, patterns)
            if topic:
                by_topic[topic].append((lineno, text))
            elif topic is None:
                background.append((lineno, text))
    rng = random.Random(args.seed)
    picked = []
    for name, _ in TOPICS:
        pool = by_topic[name]
        picked += rng.sample(pool, min(args.per_topic, len(pool)))
        print(f"{name}: {min(args.per_topic, len(pool))} of {len(pool)}", file=sys.stderr)
    picked += rng.sample(background, min(args.background, len(background)))
    rows = []
    for lineno, text in picked:
        stamp = when(rng, bool(LATE.search(text))).strftime("%Y-%m-%dT%H:%M:%SZ")
        rows.append([lineno, stamp, f"@user{rng.randrange(2000):04d}",
                     str(int(rng.paretovariate(1.2)) - 1), str(int(rng.paretovariate(2.0)) - 1),
                     text])
    rows.sort()  # the source's order: one video's comments together
    rows = [r[1:] for r in rows]
    with open(args.out, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["ID", "Date", "Author", "Likes", "Replies", "Comment"])
        for i, r in enumerate(rows):
            w.writerow([f"c{i + 1:05d}"] + r)
    late = sum(1 for r in rows if LATE.search(r[4]))
    print(f"gen_sample_comments: {len(rows)} comments ({late} dated late), {dropped_dev} left out "
          f"as WNUT dev text", file=sys.stderr)


if __name__ == "__main__":
    main()
