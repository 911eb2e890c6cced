/* Integrity of the state directory's files. A state directory is user input
 * (it can be copied, truncated, edited or crafted), so the manifest records
 * every file's size, line count and digest, and every reader maps a file
 * only through state_file_map, which checks all three first. */
#ifndef VCD_STATE_FILES_H
#define VCD_STATE_FILES_H

#include "vcd/fileio.h"
#include "vcd/pipeline.h"

struct cJSON;

/* The form vectors (row f = form f, unit length), from which `match`
 * rebuilds the FAISS index instead of trusting a FAISS file:
 *   magic "VCDFVEC1" (8 bytes), uint32 version, uint32 dim, uint64 n,
 *   uint64 reserved (0), then n x dim float32, all little endian. */
#define STATE_FORM_VECTORS "form_vectors.bin"
#define STATE_FORM_VECTORS_MAGIC "VCDFVEC1"
#define STATE_FORM_VECTORS_HEADER 32u

/* The fixed-point sums the form vectors are normalised from (2^32 = 1.0 per
 * mention, each mention a unit vector), so that `update` adds the vectors of
 * new mentions to them instead of encoding every mention again:
 *   magic "VCDFSUM1" (8 bytes), uint32 version, uint32 dim, uint64 n,
 *   uint64 keys digest (vcd_forms_keys_digest of the n forms), then n uint64
 *   mention counts and n x dim int64 sums, all little endian. */
#define STATE_FORM_SUMS "form_sums.bin"
#define STATE_FORM_SUMS_MAGIC "VCDFSUM1"
#define STATE_FORM_SUMS_HEADER 32u

/* The raw context sums of the forms (link_forms.c's, before normalisation),
 * so that `update` reads only the new comments for contexts:
 *   magic "VCDFCTX1" (8 bytes), uint32 version, uint32 dim (0: no
 *   contexts), uint64 n, uint64 keys digest, then n x dim float32. */
#define STATE_FORM_CONTEXTS "form_contexts.bin"
#define STATE_FORM_CONTEXTS_MAGIC "VCDFCTX1"
#define STATE_FORM_CONTEXTS_HEADER 32u

/* Adds {"bytes", "lines", "digest"} of dir/name to the manifest's "files"
 * object (the file is read back once, so the record describes what is on
 * disk). */
vcd_status state_file_record(struct cJSON *files, const char *dir, const char *name);

/* Maps dir/name after checking it against the manifest's "files" entry;
 * any difference is one error naming the file and what differs. */
vcd_status state_file_map(const struct cJSON *manifest, const char *dir, const char *name,
                          vcd_mapped_file *out);

vcd_status state_write_form_vectors(const char *dir, const float *X, size_t n, size_t dim);
/* Checks a mapped form-vector file: header, exact size, n and dim as
 * expected, every value finite. On success *rows points into f. */
vcd_status state_check_form_vectors(const char *path, const vcd_mapped_file *f, size_t n,
                                    size_t dim, const float **rows);

vcd_status state_write_form_sums(const char *dir, const int64_t *sums, const vcd_forms *forms,
                                 size_t dim);
/* Checks a mapped form-sum file (header, exact size, every count and sum
 * within what count unit vectors can add up to) and points *out into f. */
vcd_status state_check_form_sums(const char *path, const vcd_mapped_file *f,
                                 vcd_form_sums_view *out);

vcd_status state_write_form_contexts(const char *dir, const float *sums, size_t dim,
                                     const vcd_forms *forms);
/* Checks a mapped context file against the form sums `v` already checked
 * (same forms, same keys) and sets v->contexts and v->ctx_dim (NULL, 0 for a
 * state without contexts). */
vcd_status state_check_form_contexts(const char *path, const vcd_mapped_file *f,
                                     vcd_form_sums_view *v);

#endif
