/* Open-addressing hash map from byte strings to size_t values. Keys are
 * copied into an arena owned by the map, so callers may pass temporaries. */
#ifndef VCD_STRMAP_H
#define VCD_STRMAP_H

#include "vcd/common.h"

typedef struct vcd_strmap vcd_strmap;

vcd_strmap *vcd_strmap_new(void);
void vcd_strmap_free(vcd_strmap *m);
/* Returns the value slot for the key, inserting `fresh` if absent;
 * *inserted tells which happened. The pointer is valid until the next insert. */
size_t *vcd_strmap_upsert(vcd_strmap *m, const char *key, size_t n, size_t fresh, int *inserted);
/* Returns the value or `missing`. */
size_t vcd_strmap_get(const vcd_strmap *m, const char *key, size_t n, size_t missing);
size_t vcd_strmap_size(const vcd_strmap *m);

#endif
