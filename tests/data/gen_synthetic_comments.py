#!/usr/bin/env python3
"""Generates tests/data/synthetic_comments.csv: synthetic YouTube-style comments
(the bundled sample until it became real comments; now the fixture of the
tests that need known alias groups).

Synthetic, not real users' text. Several entities appear under several
aliases ("Apple Vision Pro", "Vision Pro", "AVP"); "Nintendo Switch 2"
appears only from mid-May, so trend reports have an emerging entity; the
rest are steady. Deterministic: same seed, same bytes.

Usage: tests/data/gen_synthetic_comments.py [--seed 7] [--n 3000] [--out tests/data/synthetic_comments.csv]
"""
import argparse
import csv
import datetime as dt
import random

ENTITIES = {
    # canonical: (aliases with weights, start date or None)
    "Apple Vision Pro": ([("Apple Vision Pro", 5), ("Vision Pro", 5), ("AVP", 3)], None),
    "Taylor Swift": ([("Taylor Swift", 6), ("Taylor", 2), ("T Swift", 1)], None),
    "New York City": ([("New York City", 3), ("NYC", 4), ("New York", 3)], None),
    "Elon Musk": ([("Elon Musk", 5), ("Musk", 3), ("Elon", 2)], None),
    "PlayStation 5": ([("PlayStation 5", 4), ("PS5", 6), ("Playstation 5", 1)], None),
    "Manchester United": ([("Manchester United", 4), ("Man United", 3), ("Man Utd", 2), ("MUFC", 1)], None),
    "Marques Brownlee": ([("Marques Brownlee", 3), ("MKBHD", 5), ("Marques", 2)], None),
    "Google": ([("Google", 1)], None),
    "Tesla": ([("Tesla", 1)], None),
    "Samsung Galaxy S24": ([("Samsung Galaxy S24", 3), ("Galaxy S24", 4), ("S24", 2)], None),
    "Nintendo Switch 2": ([("Nintendo Switch 2", 5), ("Switch 2", 5), ("NS2", 1)],
                          dt.date(2026, 5, 15)),
}

TEMPLATES = [
    "I can't believe {e} did that, honestly wild.",
    "Honestly {e} is so overrated lol",
    "{e} is the best thing this year!!!",
    "who else came here because of {e}?",
    "Been waiting for a review of {e} for weeks",
    "{e} vs {f}? no contest tbh",
    "my brother bought the {e} and he loves it",
    "The part about {e} at 3:45 was hilarious 😂",
    "Anyone else think {e} and {f} should collab?",
    "This video convinced me to skip {e} for now.",
    "lol {e} again. every single video",
    "Great breakdown. Would love a follow up on {e}.",
    "{e} fans are going to be mad about this one",
    "Watched this twice, still confused about {e}",
]
FILLER = [
    "first!!!", "Great video as always", "who is watching this in 2026?", "lol",
    "This deserves way more views", "Love the editing in this one 🔥🔥",
    "Can you do a tutorial next time?", "I laughed way too hard at this",
    "The music at the end?? anyone know the song", "subscribed!",
    "Not gonna lie this made my day", "underrated channel fr",
    "<script>alert('hi')</script> nice try", "Line one\nline two of the same comment",
    "Quotes \"inside\", and commas, too", "ok but why is nobody talking about the lighting",
]


def pick_alias(rng, aliases):
    total = sum(w for _, w in aliases)
    x = rng.uniform(0, total)
    for a, w in aliases:
        x -= w
        if x <= 0:
            return a
    return aliases[-1][0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--out", default="tests/data/synthetic_comments.csv")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    span = (dt.datetime(2026, 7, 1, tzinfo=dt.timezone.utc) - start).total_seconds()
    names = sorted(ENTITIES)
    rows = []
    for i in range(args.n):
        when = start + dt.timedelta(seconds=rng.uniform(0, span))
        live = [n for n in names if ENTITIES[n][1] is None or when.date() >= ENTITIES[n][1]]
        # the late entity is a hit once it appears: weight it up
        weights = [6 if ENTITIES[n][1] else 1 for n in live]
        if rng.random() < 0.28:
            text = rng.choice(FILLER)
        else:
            e, f = rng.choices(live, weights=weights, k=2)
            text = rng.choice(TEMPLATES).format(e=pick_alias(rng, ENTITIES[e][0]),
                                                f=pick_alias(rng, ENTITIES[f][0]))
        rows.append([f"c{i:05d}", when.strftime("%Y-%m-%dT%H:%M:%SZ"), f"@user{rng.randrange(900):03d}",
                     str(int(rng.paretovariate(1.3)) - 1), str(rng.randrange(6)), text])
    rows.sort(key=lambda r: r[1])
    with open(args.out, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["ID", "Date", "Author", "Likes", "Replies", "Comment"])
        w.writerows(rows)


if __name__ == "__main__":
    main()
