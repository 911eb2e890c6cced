/* The state directory written by `cluster` and read by `match` (and the
 * trends, report and eval commands):
 *   manifest.json   schema, versions, settings, digests, counts (written last)
 *   docs.jsonl      id, date, author, likes, replies (+ text with --keep-text)
 *   mentions.jsonl  doc_id, start, end, text, type, source, entity_id, score
 *   forms.jsonl     distinct forms: key, surface, count, entity_id
 *   entities.json   entities with canonical name, aliases, type, dates
 *   index.faiss     FAISS index over form vectors (row = form) */
#ifndef VCD_STATE_H
#define VCD_STATE_H

#include "vcd/encode.h"
#include "vcd/index.h"
#include "vcd/link.h"

#define VCD_STATE_MANIFEST_SCHEMA "vcdiscover.manifest/1"

typedef struct vcd_state vcd_state;

/* Opens a state directory. `vectors_override` replaces the vector file path
 * recorded in the manifest (its digest must still match). */
vcd_status vcd_state_open(const char *dir, const char *vectors_override, vcd_state **out);
void vcd_state_close(vcd_state *s);
size_t vcd_state_entity_count(const vcd_state *s);

typedef struct {
    int32_t entity_id;
    const char *name;
    const char *type;
    size_t size;
    double score;         /* calibrated combination, in [0, 1] */
    double similarity;    /* cosine of the best alias vector */
    const char *evidence; /* "exact-alias", "acronym", "embedding" */
    const char *alias;    /* the alias that matched best */
} vcd_match_hit;

/* Ranks known entities for a query mention. Only hits with score >=
 * threshold are returned (none means "no match"). */
vcd_status vcd_state_match(vcd_state *s, const char *query, size_t top_k, double threshold,
                           vcd_match_hit *hits, size_t *n_hits);

#endif
