/* Lower-case common English verbs (base and inflected forms), sorted for
 * bsearch. A tagged span that starts or ends with one ("skip Tesla",
 * "MKBHD said") has a boundary error: comments put verbs next to names,
 * and a model trained on tweets reads the verb as part of the name. Verbs
 * that also end or start common lower-case names ("apple watch", "nintendo
 * switch", "pokemon go", "call of duty", "fall out boy", "xbox live") are
 * left out. scripts/ner_precision.sh reads this list too. */
#ifndef VCD_NER_VERBS_H
#define VCD_NER_VERBS_H

static const char *const ner_common_verbs[] = {
    "am",      "are",      "ask",       "asked",      "asking",     "asks",    "ate",
    "be",      "been",     "bought",    "buy",        "buying",     "buys",    "came",
    "check",   "checked",  "checking",  "checks",     "choose",     "chose",   "come",
    "comes",   "coming",   "did",       "does",       "doing",      "done",    "eat",
    "eating",  "feel",     "felt",      "find",       "forget",     "forgot",  "found",
    "gave",    "get",      "gets",      "getting",    "give",       "gives",   "giving",
    "goes",    "going",    "gone",      "got",        "gotten",     "guess",   "had",
    "has",     "hate",     "hated",     "hates",      "hating",     "have",    "hear",
    "heard",   "help",     "helped",    "hope",       "hoped",      "is",      "keep",
    "kept",    "knew",     "know",      "knowing",    "knows",      "like",    "liked",
    "likes",   "liking",   "listen",    "listened",   "listening",  "look",    "looked",
    "looking", "looks",    "loved",     "loves",      "loving",     "made",    "make",
    "makes",   "making",   "mean",      "meant",      "meet",       "met",     "miss",
    "missed",  "need",     "needed",    "needs",      "prefer",     "pretend", "put",
    "read",    "remember", "said",      "saw",        "say",        "saying",  "says",
    "see",     "seeing",   "seems",     "seen",       "sees",       "sell",    "send",
    "sent",    "skip",     "skipped",   "skipping",   "skips",      "sold",    "started",
    "stop",    "stopped",  "subscribe", "subscribed", "take",       "takes",   "taking",
    "talk",    "talked",   "talking",   "tell",       "telling",    "tells",   "thank",
    "thanks",  "think",    "thinking",  "thinks",     "thought",    "told",    "took",
    "tried",   "try",      "trying",    "turned",     "understand", "use",     "used",
    "using",   "wait",     "waiting",   "want",       "wanted",     "wanting", "wants",
    "was",     "watched",  "watching",  "were",       "wish",       "worked",  "write",
    "wrote",
};

#endif
