#include "vcd/strmap.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    uint64_t hash;
    size_t key_off; /* into arena; SIZE_MAX marks an empty slot */
    size_t key_len;
    size_t value;
} slot;

struct vcd_strmap {
    slot *slots;
    size_t cap; /* power of two */
    size_t count;
    vcd_buf arena;
};

vcd_strmap *vcd_strmap_new(void)
{
    vcd_strmap *m = vcd_xcalloc(1, sizeof *m);
    m->cap = 64;
    m->slots = vcd_xmalloc(m->cap * sizeof(slot));
    for (size_t i = 0; i < m->cap; i++)
        m->slots[i].key_off = SIZE_MAX;
    return m;
}

void vcd_strmap_free(vcd_strmap *m)
{
    if (!m) return;
    free(m->slots);
    vcd_buf_free(&m->arena);
    free(m);
}

static size_t find_slot(const vcd_strmap *m, const char *key, size_t n, uint64_t h)
{
    size_t i = (size_t)h & (m->cap - 1);
    for (;;) {
        const slot *s = &m->slots[i];
        if (s->key_off == SIZE_MAX) return i;
        if (s->hash == h && s->key_len == n && memcmp(m->arena.data + s->key_off, key, n) == 0)
            return i;
        i = (i + 1) & (m->cap - 1);
    }
}

static void grow(vcd_strmap *m)
{
    slot *old = m->slots;
    size_t old_cap = m->cap;
    m->cap *= 2;
    m->slots = vcd_xmalloc(m->cap * sizeof(slot));
    for (size_t i = 0; i < m->cap; i++)
        m->slots[i].key_off = SIZE_MAX;
    for (size_t i = 0; i < old_cap; i++) {
        if (old[i].key_off == SIZE_MAX) continue;
        size_t j = (size_t)old[i].hash & (m->cap - 1);
        while (m->slots[j].key_off != SIZE_MAX)
            j = (j + 1) & (m->cap - 1);
        m->slots[j] = old[i];
    }
    free(old);
}

size_t *vcd_strmap_upsert(vcd_strmap *m, const char *key, size_t n, size_t fresh, int *inserted)
{
    if ((m->count + 1) * 4 > m->cap * 3) grow(m);
    uint64_t h = vcd_hash64(key, n, 0);
    size_t i = find_slot(m, key, n, h);
    slot *s = &m->slots[i];
    if (s->key_off != SIZE_MAX) {
        if (inserted) *inserted = 0;
        return &s->value;
    }
    s->hash = h;
    s->key_off = m->arena.len;
    s->key_len = n;
    s->value = fresh;
    vcd_buf_append(&m->arena, key, n);
    m->count++;
    if (inserted) *inserted = 1;
    return &s->value;
}

size_t vcd_strmap_get(const vcd_strmap *m, const char *key, size_t n, size_t missing)
{
    uint64_t h = vcd_hash64(key, n, 0);
    size_t i = find_slot(m, key, n, h);
    return m->slots[i].key_off == SIZE_MAX ? missing : m->slots[i].value;
}

size_t vcd_strmap_size(const vcd_strmap *m)
{
    return m->count;
}
