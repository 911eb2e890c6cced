/* `eval --gold`: the whole engine on gold-labelled text. The gold tokens
 * become a corpus; the default tagger tags it (NER alone); the corpus is
 * clustered, and a training CoNLL's gold entities are clustered into a
 * second state (known entities never come from the gold being scored);
 * recall augmentation then matches candidate spans against both, for every
 * threshold of the sweep. Work files go to a directory the caller owns. */
#include "vcd/augment.h"
#include "vcd/combined_eval.h"
#include "vcd/fileio.h"
#include "vcd/pipeline.h"
#include "vcd/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static vcd_status write_corpus_text(const vcd_corpus *c, const char *path)
{
    vcd_buf b = {0};
    for (size_t d = 0; d < c->n_docs; d++) {
        vcd_buf_puts(&b, c->docs[d].text);
        vcd_buf_putc(&b, '\n');
    }
    vcd_status rc = vcd_write_file_atomic(path, b.data ? b.data : "", b.len);
    vcd_buf_free(&b);
    return rc;
}

/* Gold chunks as pre-extracted mentions ({"doc_id","text","start","end","type"}). */
static vcd_status write_gold_mentions(const vcd_conll *c, const vcd_conll_corpus *cc,
                                      const char *path)
{
    vcd_buf b = {0};
    const char **tags = vcd_xmalloc((c->n_tokens + 1) * sizeof *tags);
    vcd_chunk *chunks = vcd_xmalloc((c->n_tokens + 1) * sizeof *chunks);
    for (size_t i = 0; i < c->n_tokens; i++)
        tags[i] = c->tokens[i].tag;
    for (size_t s = 0; s < c->n_sentences; s++) {
        size_t a = c->sentence_start[s], len = c->sentence_start[s + 1] - a;
        size_t n = vcd_conll_chunks(tags + a, len, chunks);
        const vcd_doc *d = &cc->corpus->docs[s];
        for (size_t k = 0; k < n; k++) {
            uint32_t start = cc->token_cp[a + chunks[k].start];
            size_t last = a + chunks[k].end - 1;
            uint32_t end =
                last + 1 < a + len ? cc->token_cp[last + 1] - 1 : (uint32_t)d->n_codepoints;
            vcd_buf_puts(&b, "{\"doc_id\":");
            vcd_buf_json_string(&b, d->id, strlen(d->id));
            vcd_buf_printf(&b, ",\"start\":%u,\"end\":%u,\"type\":", start, end);
            vcd_buf_json_string(&b, chunks[k].type, chunks[k].type_len);
            vcd_buf_puts(&b, ",\"text\":");
            /* the exact span text, so the reader's text check passes */
            size_t len = strlen(d->text);
            size_t bs = vcd_utf8_offset(d->text, len, start),
                   be = vcd_utf8_offset(d->text, len, end);
            vcd_buf_json_string(&b, d->text + bs, be - bs);
            vcd_buf_puts(&b, "}\n");
        }
    }
    vcd_status rc = vcd_write_file_atomic(path, b.data ? b.data : "", b.len);
    free(tags);
    free(chunks);
    vcd_buf_free(&b);
    return rc;
}

static vcd_status cluster_into(const vcd_combined_eval_options *o, const char *input,
                               const char *mentions, const char *out_dir)
{
    vcd_cluster_options co;
    vcd_cluster_options_default(&co);
    co.input = input;
    co.ingest.format = VCD_FORMAT_TXT;
    co.mentions_path = mentions;
    co.vectors_path = o->vectors_path;
    co.gazetteer_path = o->gazetteer_path;
    co.out_dir = out_dir;
    co.seed = o->seed;
    co.keep_text = 0;
    /* gold training mentions are all entities, even the ones seen once */
    if (mentions) co.min_entity_mentions = 1;
    vcd_cluster_report r;
    return vcd_run_cluster(&co, &r);
}

static vcd_status known_state_from_conll(const vcd_combined_eval_options *o, vcd_state **out)
{
    vcd_conll c;
    vcd_conll_corpus cc;
    vcd_status rc = vcd_conll_load(o->known_conll, &c);
    if (rc) return rc;
    rc = vcd_conll_corpus_build(&c, &cc);
    char *txt = vcd_path_join(o->work_dir, "known.txt");
    char *jsonl = vcd_path_join(o->work_dir, "known_mentions.jsonl");
    char *dir = vcd_path_join(o->work_dir, "known-state");
    if (!rc) rc = write_corpus_text(cc.corpus, txt);
    if (!rc) rc = write_gold_mentions(&c, &cc, jsonl);
    if (!rc) rc = cluster_into(o, txt, jsonl, dir);
    if (!rc) rc = vcd_state_open(dir, NULL, out);
    vcd_conll_corpus_free(&cc);
    vcd_conll_free(&c);
    free(txt);
    free(jsonl);
    free(dir);
    return rc;
}

static vcd_status score_mentions(const vcd_conll *gold, const vcd_conll_corpus *cc,
                                 const vcd_mentions *ms, vcd_ner_score *out)
{
    vcd_bio bio;
    vcd_mentions_to_bio(gold, cc, ms, vcd_wnut_type_name, &bio);
    vcd_status rc = vcd_ner_score_tags(gold, bio.tags, out);
    vcd_bio_free(&bio);
    return rc;
}

static vcd_status run_sweep(const vcd_combined_eval_options *o, const vcd_conll *gold,
                            const vcd_conll_corpus *cc, const vcd_mentions *tagged,
                            const vcd_augment_candidates *cands, vcd_combined_eval *out)
{
    vcd_status rc = VCD_OK;
    out->sweep = vcd_xcalloc(o->n_sweep + 1, sizeof *out->sweep);
    vcd_mentions ms = {0};
    for (size_t i = 0; !rc && i <= o->n_sweep; i++) {
        double t = i < o->n_sweep ? o->sweep[i] : o->threshold;
        ms.n = 0;
        for (size_t k = 0; k < tagged->n; k++)
            if (tagged->items[k].type != VCD_TYPE_UNK) vcd_mentions_push(&ms, &tagged->items[k]);
        size_t added = vcd_augment_select(cands, t, &ms);
        vcd_ner_score *s = i < o->n_sweep ? &out->sweep[i].score : &out->augmented;
        rc = score_mentions(gold, cc, &ms, s);
        if (i < o->n_sweep) {
            out->sweep[i].threshold = t;
            out->sweep[i].added = added;
            out->n_sweep++;
        } else {
            out->added = added;
        }
    }
    vcd_mentions_free(&ms);
    return rc;
}

static vcd_status tag_corpus(const vcd_combined_eval_options *o, const vcd_corpus *c,
                             vcd_mentions *ms, char *tagger_name, size_t name_size)
{
    vcd_vectors *v = NULL;
    vcd_tagger *t = NULL;
    vcd_status rc = o->vectors_path ? vcd_vectors_open(o->vectors_path, &v) : VCD_OK;
    if (!rc) rc = vcd_tagger_open(o->tagger_spec, o->gazetteer_path, v, o->warn, o->warn_ctx, &t);
    if (!rc) snprintf(tagger_name, name_size, "%s", vcd_tagger_name(t));
    if (!rc) rc = vcd_tagger_tag_corpus(t, c, ms, NULL, NULL);
    vcd_tagger_free(t);
    vcd_vectors_close(v);
    return rc;
}

vcd_status vcd_combined_eval_run(const vcd_combined_eval_options *o, vcd_combined_eval *out)
{
    memset(out, 0, sizeof *out);
    vcd_conll gold;
    vcd_conll_corpus cc = {0};
    vcd_mentions tagged = {0};
    vcd_state *known[2] = {NULL, NULL};
    size_t n_known = 0;
    vcd_augment_candidates cands = {0};
    char *txt = vcd_path_join(o->work_dir, "corpus.txt");
    char *dir = vcd_path_join(o->work_dir, "corpus-state");
    vcd_status rc = vcd_conll_load(o->gold_path, &gold);
    if (rc) goto done;
    rc = vcd_ensure_dir(o->work_dir);
    if (!rc) rc = vcd_conll_corpus_build(&gold, &cc);
    if (!rc) rc = tag_corpus(o, cc.corpus, &tagged, out->tagger, sizeof out->tagger);
    if (!rc) rc = score_mentions(&gold, &cc, &tagged, &out->alone);
    if (rc) goto done;
    out->tagger_mentions = tagged.n;
    /* the corpus's own entities, from the tagger's mentions */
    if (tagged.n && !(rc = write_corpus_text(cc.corpus, txt)) &&
        !(rc = cluster_into(o, txt, NULL, dir)) && !(rc = vcd_state_open(dir, NULL, &known[0])))
        out->known_entities[n_known++] = vcd_state_entity_count(known[0]);
    if (!rc && o->known_conll && !(rc = known_state_from_conll(o, &known[n_known]))) {
        out->known_entities[1] = vcd_state_entity_count(known[n_known]);
        n_known++;
    }
    if (!rc) rc = vcd_augment_candidates_find(known, n_known, cc.corpus, &tagged, &cands);
    out->candidates = cands.n;
    if (!rc) rc = run_sweep(o, &gold, &cc, &tagged, &cands, out);
done:
    vcd_augment_candidates_free(&cands);
    for (size_t k = 0; k < 2; k++)
        vcd_state_close(known[k]);
    vcd_mentions_free(&tagged);
    vcd_conll_corpus_free(&cc);
    vcd_conll_free(&gold);
    free(txt);
    free(dir);
    return rc;
}

void vcd_combined_eval_free(vcd_combined_eval *e)
{
    vcd_ner_score_free(&e->alone);
    vcd_ner_score_free(&e->augmented);
    for (size_t i = 0; i < e->n_sweep; i++)
        vcd_ner_score_free(&e->sweep[i].score);
    free(e->sweep);
    memset(e, 0, sizeof *e);
}
