/* safetensors reader: real fixtures and hostile headers. */
#include "test.h"
#include "vcd/safetensors.h"

static unsigned char *make(const char *header, size_t data_len, size_t *len)
{
    size_t h = strlen(header);
    *len = 8 + h + data_len;
    unsigned char *b = calloc(1, *len);
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)((uint64_t)h >> (8 * i));
    memcpy(b + 8, header, h);
    return b;
}

static void test_hostile(void)
{
    const struct {
        const char *header;
        size_t data;
        vcd_status want;
    } cases[] = {
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, VCD_OK},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4,
         VCD_EINPUT}, /* past end */
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8,
         VCD_EINPUT}, /* wrong size */
        {"{\"a\":{\"dtype\":\"Q8\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8,
         VCD_EINPUT}, /* dtype */
        {"{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
         "\"b\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[2,6]}}",
         8, VCD_EINPUT}, /* overlap */
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,8]}}", 8, VCD_EINPUT},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}", 8,
         VCD_EINPUT},
        {"[1,2]", 0, VCD_EINPUT},
        {"{\"__metadata__\":{\"format\":\"pt\"}}", 0, VCD_OK},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t len;
        unsigned char *b = make(cases[i].header, cases[i].data, &len);
        vcd_safetensors *st = NULL;
        vcd_status rc = vcd_safetensors_parse(b, len, &st);
        CHECK_MSG(rc == cases[i].want, "case %zu: %s", i, rc ? vcd_last_error() : "ok");
        vcd_safetensors_close(st);
        free(b);
    }
    unsigned char huge[16] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f};
    vcd_safetensors *st;
    CHECK(vcd_safetensors_parse(huge, sizeof huge, &st) == VCD_EINPUT);
    CHECK(vcd_safetensors_parse(huge, 3, &st) == VCD_EINPUT);
}

static void test_f16(void)
{
    size_t len;
    unsigned char *b =
        make("{\"h\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,6]}}", 6, &len);
    uint16_t vals[3] = {0x3C00, 0xC000, 0x0001}; /* 1, -2, smallest subnormal */
    memcpy(b + len - 6, vals, 6);
    vcd_safetensors *st;
    CHECK(vcd_safetensors_parse(b, len, &st) == VCD_OK);
    float *f = vcd_tensor_to_f32(vcd_safetensors_find(st, "h"));
    CHECK(f[0] == 1.0f && f[1] == -2.0f && fabs(f[2] - 5.96046448e-8) < 1e-12);
    free(f);
    vcd_safetensors_close(st);
    free(b);
}

/* A NaN or infinite weight is refused at load in every float dtype. */
static void test_non_finite(void)
{
    const struct {
        const char *dtype;
        size_t size;
        uint64_t bits;
    } cases[] = {{"F32", 4, 0x7FC00000u},
                 {"F32", 4, 0xFF800000u},
                 {"F16", 2, 0x7E00u},
                 {"BF16", 2, 0x7F80u},
                 {"F64", 8, 0x7FF8000000000000ull}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char header[128];
        snprintf(header, sizeof header,
                 "{\"w\":{\"dtype\":\"%s\",\"shape\":[3],\"data_offsets\":[0,%zu]}}",
                 cases[i].dtype, 3 * cases[i].size);
        size_t len;
        unsigned char *b = make(header, 3 * cases[i].size, &len);
        vcd_safetensors *st = NULL;
        CHECK(vcd_safetensors_parse(b, len, &st) == VCD_OK); /* zeros are fine */
        vcd_safetensors_close(st);
        memcpy(b + len - cases[i].size, &cases[i].bits, cases[i].size); /* little endian */
        CHECK_MSG(vcd_safetensors_parse(b, len, &st) == VCD_EINPUT, "case %zu", i);
        CHECK(strstr(vcd_last_error(), "element 2 is not finite") != NULL);
        free(b);
    }
}

static void test_fixture(void)
{
    const char *path = test_shared_path("fixtures/bert_tiny/model.safetensors");
    if (test_skip_if_missing(path)) return;
    vcd_safetensors *st;
    CHECK(vcd_safetensors_open(path, &st) == VCD_OK);
    CHECK(vcd_safetensors_count(st) > 10);
    const vcd_tensor *t = vcd_safetensors_find(st, "bert.embeddings.word_embeddings.weight");
    CHECK(t && t->ndim == 2 && t->shape[1] == 64);
    vcd_safetensors_close(st);
}

int main(void)
{
    test_hostile();
    test_f16();
    test_non_finite();
    test_fixture();
    return test_finish();
}
