/* Test helper: checks that a file (or stdin, "-") is exactly one JSON value
 * whose "schema" is SCHEMA and that every PATH exists (a.b.0.c: object keys
 * and array indexes), and for PATH=VALUE that the value there prints as
 * VALUE (strings bare, numbers as %.17g, true, false, null).
 * Usage: json_check FILE SCHEMA [PATH[=VALUE]]...; exit 0 ok, 1 not. */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *read_all(const char *path, size_t *n)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f) return NULL;
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            char *grown = realloc(buf, 2 * cap + 1);
            if (!grown) free(buf);
            buf = grown;
            cap *= 2;
        }
    }
    if (f != stdin) fclose(f);
    if (buf) buf[len] = 0;
    *n = len;
    return buf;
}

/* The node at a dotted path, or NULL. */
static const cJSON *at(const cJSON *node, const char *path, size_t n)
{
    while (node && n) {
        const char *dot = memchr(path, '.', n);
        size_t part = dot ? (size_t)(dot - path) : n;
        char key[256];
        if (part >= sizeof key) return NULL;
        memcpy(key, path, part);
        key[part] = 0;
        char *end;
        long i = strtol(key, &end, 10);
        if (cJSON_IsArray(node) && part && !*end)
            node = cJSON_GetArrayItem(node, (int)i);
        else
            node = cJSON_GetObjectItemCaseSensitive(node, key);
        path += part + (dot != NULL);
        n -= part + (dot != NULL);
    }
    return node;
}

static int same(const cJSON *v, const char *want)
{
    char got[64];
    if (cJSON_IsString(v)) return strcmp(v->valuestring, want) == 0;
    if (cJSON_IsNumber(v))
        snprintf(got, sizeof got, "%.17g", v->valuedouble);
    else if (cJSON_IsTrue(v))
        snprintf(got, sizeof got, "true");
    else if (cJSON_IsFalse(v))
        snprintf(got, sizeof got, "false");
    else if (cJSON_IsNull(v))
        snprintf(got, sizeof got, "null");
    else
        return 0;
    return strcmp(got, want) == 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fputs("usage: json_check FILE SCHEMA [PATH[=VALUE]]...\n", stderr);
        return 2;
    }
    size_t n;
    char *text = read_all(argv[1], &n);
    if (!text) {
        fprintf(stderr, "json_check: cannot read %s\n", argv[1]);
        return 1;
    }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(text, &end, 0);
    if (root && end) end += strspn(end, " \t\r\n");
    if (!root || strlen(text) != n || (end && *end)) {
        fprintf(stderr, "json_check: %s is not one JSON value\n", argv[1]);
        cJSON_Delete(root);
        free(text);
        return 1;
    }
    int rc = 0;
    const cJSON *schema = cJSON_GetObjectItemCaseSensitive(root, "schema");
    if (!cJSON_IsString(schema) || strcmp(schema->valuestring, argv[2])) {
        fprintf(stderr, "json_check: %s: schema is not %s\n", argv[1], argv[2]);
        rc = 1;
    }
    for (int i = 3; i < argc; i++) {
        const char *eq = strchr(argv[i], '=');
        size_t plen = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
        const cJSON *v = at(root, argv[i], plen);
        if (!v || (eq && !same(v, eq + 1))) {
            fprintf(stderr, "json_check: %s: %s %s\n", argv[1], argv[i],
                    v ? "has another value" : "is missing");
            rc = 1;
        }
    }
    cJSON_Delete(root);
    free(text);
    return rc;
}
