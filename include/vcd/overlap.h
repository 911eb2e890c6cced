/* Texts shared with a labelled CoNLL set: `drop-overlap` keeps comments whose
 * text a validation set already holds (WNUT 2017 dev is made of YouTube
 * comments) out of the comments a tagger is trained on.
 *
 * A text is compared by its letters and digits only: the normalisation is
 * Python's re.sub(r'[\W_]+', '', s.lower()), so the filter keeps exactly the
 * lines the Python step of scripts/train_default_model.sh kept. Each CoNLL
 * sentence (its tokens joined with no space) normalised gives a probe of its
 * first 40 code points when it has at least 12; a text shares a text with the
 * file when any probe is a substring of its normalised form. */
#ifndef VCD_OVERLAP_H
#define VCD_OVERLAP_H

#include "vcd/common.h"
#include "vcd/eval.h"

#include <stdio.h>

#define VCD_OVERLAP_MIN_CPS 12          /* shorter sentences match too much by chance */
#define VCD_OVERLAP_PROBE_CPS 40        /* a prefix this long names one text */
#define VCD_OVERLAP_MAX_LINE (1u << 20) /* a longer CoNLL line is no token */

/* Appends to `out` (cleared first) the lower-cased letters and digits of the
 * UTF-8 text: str.lower() (full mapping: U+0130 -> "i" + U+0307, a final
 * capital sigma -> U+03C2) then every code point kept whose category is L* or
 * N* (Python's str.isalnum; underscore, marks, punctuation, symbols and
 * spaces dropped). Invalid UTF-8 is dropped as the U+FFFD Python reads it as.
 * Returns the number of code points written. */
size_t vcd_overlap_normalize(const char *s, size_t n, vcd_buf *out);

typedef struct vcd_overlap vcd_overlap;

/* The probes of a parsed CoNLL file (one per sentence of 12 or more letters
 * and digits; duplicates kept once). A file with none is an error naming it:
 * it would drop nothing. */
vcd_status vcd_overlap_build(const vcd_conll *c, const char *name, vcd_overlap **out);
/* vcd_conll_load then vcd_overlap_build; a line over VCD_OVERLAP_MAX_LINE
 * bytes is an error naming the line. */
vcd_status vcd_overlap_load(const char *conll_path, vcd_overlap **out);
size_t vcd_overlap_probe_count(const vcd_overlap *o);
/* The index-th probe (sorted by bytes), for tests and messages. */
const char *vcd_overlap_probe(const vcd_overlap *o, size_t index, size_t *len);
/* 1 when any probe occurs in the normalised text. `scratch` is reused. */
int vcd_overlap_test(const vcd_overlap *o, const char *text, size_t n, vcd_buf *scratch);
void vcd_overlap_free(vcd_overlap *o);

typedef struct {
    size_t kept, dropped;
    size_t invalid_lines; /* kept lines with invalid UTF-8 (written with U+FFFD) */
} vcd_overlap_counts;

/* Lines of `in` (one comment per line) that share no text with the probes are
 * written to `out` atomically, as Python's text mode reads and writes them: a
 * line ends at LF, CR LF or a lone CR and is written with LF (a last line with
 * no terminator is written without), each maximal invalid UTF-8 subpart
 * becomes U+FFFD (errors='replace'), every other byte is kept. */
vcd_status vcd_overlap_filter_lines(const vcd_overlap *o, const unsigned char *data, size_t len,
                                    FILE *out, vcd_overlap_counts *counts);
vcd_status vcd_overlap_filter_file(const vcd_overlap *o, const char *in_path, const char *out_path,
                                   vcd_overlap_counts *counts);

#endif
