/* generic/apis/base64: RFC 4648 vectors in the four forms, where a refusal points (the offsets
 * Go's encoding/base64 reports as CorruptInputError, its own test cases included), the decoding
 * leniencies call sites ask for, and round trips of every length 0..64. Inputs and outputs live
 * in exactly-sized heap buffers so the sanitizers catch any read or write past them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <openssl/evp.h>

#include "generic/apis/base64.h"

#define URL     BASE64_URL
#define RAW     BASE64_RAW
#define OPT     BASE64_PAD_OPTIONAL
#define ANY     BASE64_ANY_ALPHABET
#define RAW_URL (BASE64_URL | BASE64_RAW)

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* RFC 4648 §10, and RFC 3548's examples that reach the 62nd and 63rd characters. */
static const struct {
    const char *bytes; /* NULL-free; length strlen */
    const char *std, *url, *raw, *raw_url;
} vectors[] = {
    {"", "", "", "", ""},
    {"f", "Zg==", "Zg==", "Zg", "Zg"},
    {"fo", "Zm8=", "Zm8=", "Zm8", "Zm8"},
    {"foo", "Zm9v", "Zm9v", "Zm9v", "Zm9v"},
    {"foob", "Zm9vYg==", "Zm9vYg==", "Zm9vYg", "Zm9vYg"},
    {"fooba", "Zm9vYmE=", "Zm9vYmE=", "Zm9vYmE", "Zm9vYmE"},
    {"foobar", "Zm9vYmFy", "Zm9vYmFy", "Zm9vYmFy", "Zm9vYmFy"},
    {"\x14\xfb\x9c\x03\xd9\x7e", "FPucA9l+", "FPucA9l-", "FPucA9l+", "FPucA9l-"},
    {"\x14\xfb\x9c\x03\xd9", "FPucA9k=", "FPucA9k=", "FPucA9k", "FPucA9k"},
    {"\x14\xfb\x9c\x03", "FPucAw==", "FPucAw==", "FPucAw", "FPucAw"},
    {"\xff\xff\xff", "////", "____", "////", "____"},
    {"\xfb\xff\xbf", "+/+/", "-_-_", "+/+/", "-_-_"},
    {"\xff\xfe", "//4=", "__4=", "//4", "__4"},
};

static unsigned char *heap_copy(const void *p, size_t n)
{
    unsigned char *c = malloc(n ? n : 1);

    ck_assert_ptr_nonnull(c);
    memcpy(c, p, n);
    return c;
}

/* Decodes the first n bytes of s, read from an unterminated heap copy, into an exactly-sized
 * buffer; the result is the length or -1, *out the decoded bytes (caller frees). */
static long decode(const char *s, size_t n, unsigned flags, size_t *bad, unsigned char **out)
{
    unsigned char *in = heap_copy(s, n);
    long got;

    *out = malloc(base64_decoded_max(n) ? base64_decoded_max(n) : 1);
    ck_assert_ptr_nonnull(*out);
    got = base64_decode(*out, (const char *)in, n, flags, bad);
    free(in);
    return got;
}

static void check_form(const char *bytes, const char *want, unsigned flags)
{
    size_t n = strlen(bytes), len = base64_encoded_len(n, flags), got_len = 99, bad = 99;
    unsigned char *in = heap_copy(bytes, n), *dec;
    char *enc = malloc(len + 1), *dup;

    ck_assert_uint_eq(len, strlen(want));
    ck_assert_uint_eq(base64_encode(enc, in, n, flags), len);
    ck_assert_str_eq(enc, want);
    dup = base64_encode_alloc(in, n, flags, &got_len);
    ck_assert_str_eq(dup, want);
    ck_assert_uint_eq(got_len, len);
    ck_assert_int_eq(decode(want, len, flags, &bad, &dec), (long)n);
    ck_assert_uint_eq(bad, 99); /* untouched on success */
    ck_assert(memcmp(dec, bytes, n) == 0);
    free(dec);
    free(dup);
    free(enc);
    free(in);
}

START_TEST(rfc4648_vectors)
{
    check_form(vectors[_i].bytes, vectors[_i].std, BASE64_STD);
    check_form(vectors[_i].bytes, vectors[_i].url, URL);
    check_form(vectors[_i].bytes, vectors[_i].raw, RAW);
    check_form(vectors[_i].bytes, vectors[_i].raw_url, RAW_URL);
}
END_TEST

START_TEST(lengths)
{
    static const struct {
        size_t n;
        unsigned flags;
        size_t want;
    } enc[] = {{0, RAW, 0},        {1, RAW, 2},        {2, RAW, 3},         {3, RAW, 4},
               {7, RAW, 10},       {0, BASE64_STD, 0}, {1, BASE64_STD, 4},  {2, BASE64_STD, 4},
               {3, BASE64_STD, 4}, {4, BASE64_STD, 8}, {7, BASE64_STD, 12}, {32, RAW_URL, 43}};
    static const size_t dec[][2] = {{0, 0}, {1, 0}, {2, 1}, {3, 2}, {4, 3}, {8, 6}, {10, 7}};
    int i;

    for (i = 0; i < N(enc); i++)
        ck_assert_uint_eq(base64_encoded_len(enc[i].n, enc[i].flags), enc[i].want);
    for (i = 0; i < N(dec); i++)
        ck_assert_uint_eq(base64_decoded_max(dec[i][0]), dec[i][1]);
}
END_TEST

#define OK   -1                 /* decodes; want is then the expected output */
#define W(s) (s), sizeof(s) - 1 /* wanted bytes, NULs included */

static const struct {
    const char *in;
    unsigned flags;
    long bad; /* Go's CorruptInputError, or OK */
    const char *want;
    size_t want_len;
} decode_cases[] = {
    /* Go's TestDecodeCorrupt, StdEncoding */
    {"", BASE64_STD, OK, W("")},
    {"\n", BASE64_STD, OK, W("")},
    {"AAA=\n", BASE64_STD, OK, W("\0\0")},
    {"AAAA\n", BASE64_STD, OK, W("\0\0\0")},
    {"!!!!", BASE64_STD, 0, NULL, 0},
    {"====", BASE64_STD, 0, NULL, 0},
    {"x===", BASE64_STD, 1, NULL, 0},
    {"=AAA", BASE64_STD, 0, NULL, 0},
    {"A=AA", BASE64_STD, 1, NULL, 0},
    {"AA=A", BASE64_STD, 2, NULL, 0}, /* a wrong second pad blames the byte before it */
    {"AA==A", BASE64_STD, 4, NULL, 0},
    {"AAA=AAAA", BASE64_STD, 4, NULL, 0},
    {"AAAAA", BASE64_STD, 4, NULL, 0},
    {"AAAAAA", BASE64_STD, 4, NULL, 0},
    {"A=", BASE64_STD, 1, NULL, 0},
    {"A==", BASE64_STD, 1, NULL, 0},
    {"AA=", BASE64_STD, 3, NULL, 0}, /* missing second pad: the end of the input */
    {"AA==", BASE64_STD, OK, W("\0")},
    {"AAA=", BASE64_STD, OK, W("\0\0")},
    {"AAAA", BASE64_STD, OK, W("\0\0\0")},
    {"AAAAAA=", BASE64_STD, 7, NULL, 0},
    {"YWJjZA=====", BASE64_STD, 8, NULL, 0},
    {"A!\n", BASE64_STD, 1, NULL, 0},
    {"A=\n", BASE64_STD, 1, NULL, 0},
    /* Go's TestNewLineCharacters: newlines anywhere, padding included */
    {"c3VyZQ==\r\n", BASE64_STD, OK, W("sure")},
    {"c3V\ryZ\nQ==", BASE64_STD, OK, W("sure")},
    {"c3VyZQ\n==", BASE64_STD, OK, W("sure")},
    {"c3VyZQ=\r\n\r\n=", BASE64_STD, OK, W("sure")},
    /* the rest of Go's rules, worked out from its decoder */
    {"AA=\nA", BASE64_STD, 3, NULL, 0}, /* the byte before the intruder is the newline */
    {"AA\n=", BASE64_STD, 4, NULL, 0},  /* one pad, then the end */
    {"AB\nC", BASE64_STD, 1, NULL, 0},  /* short final quantum: end minus the digits read */
    {"aGk", BASE64_STD, 0, NULL, 0},    /* kube's "illegal base64 data at input byte 0" */
    {"a$Gk", BASE64_STD, 1, NULL, 0},   /* ... and byte 1 */
    {"Zm9v YmFy", BASE64_STD, 4, NULL, 0},
    {"\xff", BASE64_STD, 0, NULL, 0},
    {"AA\x80"
     "A",
     BASE64_STD, 2, NULL, 0},
    {"AB-C", BASE64_STD, 2, NULL, 0},
    {"AB_C", BASE64_STD, 2, NULL, 0},
    {"AAAA=", BASE64_STD, 4, NULL, 0},
    {"Zh==", BASE64_STD, OK, W("f")}, /* not Strict(): unused low bits are dropped */
    /* URLEncoding */
    {"AB+C", URL, 2, NULL, 0},
    {"AB/C", URL, 2, NULL, 0},
    {"-_-_", URL, OK, W("\xfb\xff\xbf")},
    {"__4=", URL, OK, W("\xff\xfe")},
    /* RawURLEncoding: '=' is just another illegal byte */
    {"Zg", RAW_URL, OK, W("f")},
    {"Zm8", RAW_URL, OK, W("fo")},
    {"Zm9v\nYg", RAW_URL, OK, W("foob")},
    {"Z", RAW_URL, 0, NULL, 0},
    {"Zm9vY", RAW_URL, 4, NULL, 0},
    {"Zg==", RAW_URL, 2, NULL, 0},
    {"Zm8=", RAW_URL, 3, NULL, 0},
    {"=", RAW_URL, 0, NULL, 0},
    {"ab+c", RAW_URL, 2, NULL, 0},
    {"ab=c", RAW_URL, 2, NULL, 0},
    /* RawStdEncoding */
    {"+/+/", RAW, OK, W("\xfb\xff\xbf")},
    {"//4", RAW, OK, W("\xff\xfe")},
    {"-_", RAW, 0, NULL, 0},
    /* padding optional: either form, but padding present must be right */
    {"Zg", OPT, OK, W("f")},
    {"Zg==", OPT, OK, W("f")},
    {"Zm8", OPT, OK, W("fo")},
    {"Zm8=", OPT, OK, W("fo")},
    {"Zg=", OPT, 3, NULL, 0},
    {"Z", OPT, 0, NULL, 0},
    {"Zg==Zg==", OPT, 4, NULL, 0},
    {"Zg", RAW | OPT, OK, W("f")},
    {"Zg==", RAW | OPT, 2, NULL, 0},
    /* both alphabets */
    {"-_+/", ANY, OK, W("\xfb\xff\xbf")},
    {"-_+/", URL | ANY | OPT, OK, W("\xfb\xff\xbf")},
    {"__4=", URL | ANY | OPT, OK, W("\xff\xfe")},
    {"//4", URL | ANY | OPT, OK, W("\xff\xfe")},
    {"Zg=x", URL | ANY | OPT, 2, NULL, 0},
    {"a.b", URL | ANY | OPT, 1, NULL, 0},
};

START_TEST(decode_offsets)
{
    const char *in = decode_cases[_i].in;
    size_t n = strlen(in), bad = 12345;
    unsigned char *out;
    long got = decode(in, n, decode_cases[_i].flags, &bad, &out);

    if (decode_cases[_i].bad == OK) {
        size_t want_len = decode_cases[_i].want_len;

        ck_assert_msg(got >= 0, "%s: refused at %zu", in, bad);
        ck_assert_int_eq(got, (long)want_len);
        ck_assert(memcmp(out, decode_cases[_i].want, want_len) == 0);
        ck_assert_uint_eq(bad, 12345);
    } else {
        ck_assert_msg(got == -1, "%s: accepted", in);
        ck_assert_uint_eq(bad, (size_t)decode_cases[_i].bad);
        got = base64_decode(out, in, n, decode_cases[_i].flags, NULL); /* bad may be NULL */
        ck_assert_int_eq(got, -1);
    }
    free(out);
}
END_TEST

START_TEST(decode_stops_at_n)
{
    unsigned char *out;
    size_t bad = 0;

    /* a NUL is an illegal byte like any other: the length, not a terminator, ends the input */
    ck_assert_int_eq(decode("AA\0A", 4, BASE64_STD, &bad, &out), -1);
    ck_assert_uint_eq(bad, 2);
    free(out);
    /* bytes after n are never looked at */
    ck_assert_int_eq(decode("Zm9v!!!!", 4, BASE64_STD, &bad, &out), 3);
    ck_assert(memcmp(out, "foo", 3) == 0);
    free(out);
}
END_TEST

/* Deterministic pseudo-random bytes (xorshift32). */
static void fill(unsigned char *p, size_t n, uint32_t seed)
{
    uint32_t x = seed * 2654435761u + 1;
    size_t i;

    for (i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        p[i] = (unsigned char)(x >> 24);
    }
}

static void round_trip(const unsigned char *in, size_t n, unsigned flags)
{
    size_t len = base64_encoded_len(n, flags);
    char *enc = malloc(len + 1);
    unsigned char *dec;
    unsigned extra[] = {0, OPT, ANY, OPT | ANY};
    int i;

    ck_assert_uint_eq(base64_encode(enc, in, n, flags), len);
    ck_assert_uint_eq(strlen(enc), len);
    ck_assert_uint_eq(strspn(enc, flags & URL
                                      ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                        "0123456789-_="
                                      : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                        "0123456789+/="),
                      len);
    if (flags & RAW)
        ck_assert_ptr_null(strchr(enc, '='));
    else
        ck_assert_uint_eq(len % 4, 0);
    for (i = 0; i < N(extra); i++) {
        ck_assert_int_eq(decode(enc, len, flags | extra[i], NULL, &dec), (long)n);
        ck_assert(n == 0 || memcmp(dec, in, n) == 0);
        free(dec);
    }
    free(enc);
}

START_TEST(round_trips)
{
    size_t n = (size_t)_i;
    unsigned char *in = malloc(n ? n : 1), *ossl = malloc(base64_encoded_len(n, 0) + 1);
    char *std;

    fill(in, n, (uint32_t)n);
    round_trip(in, n, BASE64_STD);
    round_trip(in, n, URL);
    round_trip(in, n, RAW);
    round_trip(in, n, RAW_URL);
    /* OpenSSL agrees on the standard padded form */
    std = base64_encode_alloc(in, n, BASE64_STD, NULL);
    EVP_EncodeBlock(ossl, in, (int)n);
    ck_assert_str_eq(std, (char *)ossl);
    free(std);
    free(ossl);
    free(in);
}
END_TEST

static Suite *base64_suite(void)
{
    Suite *s = suite_create("base64");
    TCase *tc = tcase_create("base64");

    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, rfc4648_vectors, 0, N(vectors));
    tcase_add_test(tc, lengths);
    tcase_add_loop_test(tc, decode_offsets, 0, N(decode_cases));
    tcase_add_test(tc, decode_stops_at_n);
    tcase_add_loop_test(tc, round_trips, 0, 65);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(base64_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
