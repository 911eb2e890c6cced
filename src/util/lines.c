#include "vcd/common.h"

#include <string.h>

int vcd_next_line(const unsigned char *data, size_t len, size_t *pos, const char **line, size_t *n)
{
    if (*pos >= len) return 0;
    const unsigned char *nl = memchr(data + *pos, '\n', len - *pos);
    size_t end = nl ? (size_t)(nl - data) : len;
    *line = (const char *)data + *pos;
    *n = end - *pos;
    if (*n && (*line)[*n - 1] == '\r') (*n)--;
    *pos = end + 1;
    return 1;
}
