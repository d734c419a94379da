/* base64 as Go's encoding/base64 writes and reads it. Where a refusal points follows Go's decoder
 * quantum by quantum, odd cases included ("AA=A" blames the '=', "AA=" the end of the input),
 * because those offsets reach clients in kube's messages. */
#include <stdint.h>
#include <stdlib.h>

#include "generic/apis/base64.h"
#include "generic/apis/xalloc.h"

static const char std_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t base64_encoded_len(size_t n, unsigned flags)
{
    if (flags & BASE64_RAW) /* a partial group of 1 or 2 bytes takes 2 or 3 characters */
        return n / 3 * 4 + (n % 3 ? n % 3 + 1 : 0);
    return (n + 2) / 3 * 4;
}

size_t base64_decoded_max(size_t n)
{
    /* Each quantum of j characters yields j * 3 / 4 bytes, so n characters at most n * 3 / 4. */
    return n / 4 * 3 + n % 4 * 3 / 4;
}

size_t base64_encode(char *out, const void *in, size_t n, unsigned flags)
{
    const char *abc = flags & BASE64_URL ? url_alphabet : std_alphabet;
    const unsigned char *p = in;
    char *o = out;
    size_t i;

    for (i = 0; i + 2 < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];

        *o++ = abc[v >> 18];
        *o++ = abc[v >> 12 & 63];
        *o++ = abc[v >> 6 & 63];
        *o++ = abc[v & 63];
    }
    if (i < n) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0);

        *o++ = abc[v >> 18];
        *o++ = abc[v >> 12 & 63];
        if (i + 1 < n)
            *o++ = abc[v >> 6 & 63];
        else if (!(flags & BASE64_RAW))
            *o++ = '=';
        if (!(flags & BASE64_RAW))
            *o++ = '=';
    }
    *o = '\0';
    return (size_t)(o - out);
}

char *base64_encode_alloc(const void *in, size_t n, unsigned flags, size_t *len)
{
    char *out = xmalloc(base64_encoded_len(n, flags) + 1);
    size_t got = base64_encode(out, in, n, flags);

    if (len)
        *len = got;
    return out;
}

/* The 6-bit value of c in the alphabet flags select, or -1. */
static int digit(unsigned char c, unsigned flags)
{
    int std = !(flags & BASE64_URL) || (flags & BASE64_ANY_ALPHABET);
    int url = (flags & (BASE64_URL | BASE64_ANY_ALPHABET)) != 0;

    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if ((c == '+' && std) || (c == '-' && url))
        return 62;
    if ((c == '/' && std) || (c == '_' && url))
        return 63;
    return -1;
}

static int fail(size_t *bad, size_t at)
{
    if (bad)
        *bad = at;
    return -1;
}

static size_t skip_newlines(const char *in, size_t n, size_t i)
{
    while (i < n && (in[i] == '\r' || in[i] == '\n'))
        i++;
    return i;
}

/* The padding of a quantum of j (2 or 3) digits, whose first '=' is just before *pos: a second
 * '=' after two digits, then nothing but newlines. Moves *pos past it. */
static int padding(const char *in, size_t n, size_t *pos, unsigned j, size_t *bad)
{
    size_t i = *pos;

    if (j == 2) {
        i = skip_newlines(in, n, i);
        if (i == n)
            return fail(bad, n);
        if (in[i] != '=')
            return fail(bad, i - 1); /* Go's offset: the byte before the intruder */
        i++;
    }
    i = skip_newlines(in, n, i);
    if (i < n)
        return fail(bad, i);
    *pos = i;
    return 0;
}

/* Writes the j - 1 bytes (j of 2 to 4) that j digits carry; the unused low bits are dropped. */
static int put(unsigned char *out, const unsigned char d[4], unsigned j)
{
    uint32_t v = (uint32_t)d[0] << 18 | (uint32_t)d[1] << 12 | (uint32_t)d[2] << 6 | d[3];

    out[0] = (unsigned char)(v >> 16);
    if (j >= 3)
        out[1] = (unsigned char)(v >> 8);
    if (j == 4)
        out[2] = (unsigned char)v;
    return (int)j - 1;
}

/* Decodes the quantum at *pos: up to four digits, newlines skipped, perhaps padding. Returns the
 * bytes written (0 when only newlines were left) and moves *pos past it, or -1 with *bad. */
static int quantum(unsigned char *out, const char *in, size_t n, size_t *pos, unsigned flags,
                   size_t *bad)
{
    unsigned char d[4] = {0};
    size_t i = *pos;
    unsigned j = 0;
    int padded = 0;

    while (j < 4 && i < n && !padded) {
        unsigned char c = (unsigned char)in[i++];
        int v = digit(c, flags);

        if (v >= 0) {
            d[j++] = (unsigned char)v;
        } else if (c == '=' && !(flags & BASE64_RAW) && j >= 2) {
            if (padding(in, n, &i, j, bad) < 0)
                return -1;
            padded = 1;
        } else if (c != '\r' && c != '\n') {
            return fail(bad, i - 1);
        }
    }
    /* Unpadded, the loop stops short of four digits only at the end of the input; Go then blames
     * the end minus the digits read, newlines in between or not. */
    if (!padded && j > 0 && j < 4 && (j == 1 || !(flags & (BASE64_RAW | BASE64_PAD_OPTIONAL))))
        return fail(bad, i - j);
    *pos = i;
    return j == 0 ? 0 : put(out, d, j);
}

long base64_decode(unsigned char *out, const char *in, size_t n, unsigned flags, size_t *bad)
{
    size_t i = 0;
    long len = 0;

    while (i < n) {
        int got = quantum(out + len, in, n, &i, flags, bad);

        if (got < 0)
            return -1;
        len += got;
    }
    return len;
}
