/* base64 (RFC 4648) in the four forms Go's encoding/base64 names: StdEncoding, URLEncoding,
 * RawStdEncoding and RawURLEncoding, chosen with flags. Decoding is client input: it never reads
 * past n characters nor writes past base64_decoded_max(n) bytes, and a refusal names the offset
 * of the offending byte exactly as Go's CorruptInputError does, so messages can be kube's
 * ("illegal base64 data at input byte N"). Like Go, decoding ignores '\r' and '\n' anywhere and
 * does not check that the unused low bits of a final partial quantum are zero (Go's Strict()). */
#ifndef GENERIC_APIS_BASE64_H
#define GENERIC_APIS_BASE64_H

#include <stddef.h>

enum base64_flags {
    BASE64_STD = 0,      /* StdEncoding: '+' and '/', padded; what encoding/json uses for []byte */
    BASE64_URL = 1 << 0, /* RFC 4648 §5 alphabet: '-' and '_' instead of '+' and '/' */
    BASE64_RAW = 1 << 1, /* no padding: encoding writes no '=', decoding refuses it */
    /* Decoding only: input may be padded or not; padding that is there must be right. Ignored
     * with BASE64_RAW. */
    BASE64_PAD_OPTIONAL = 1 << 2,
    /* Decoding only: accepts '+', '/', '-' and '_' alike, whatever BASE64_URL says. */
    BASE64_ANY_ALPHABET = 1 << 3,
};

/* Length of the encoding of n bytes under flags, without a terminating NUL. */
size_t base64_encoded_len(size_t n, unsigned flags);

/* Most bytes n characters can decode to under any flags: the room base64_decode needs. */
size_t base64_decoded_max(size_t n);

/* Encodes n bytes of in (borrowed) into out, which has room for base64_encoded_len(n, flags) + 1
 * characters; NUL-terminates it and returns its length. */
size_t base64_encode(char *out, const void *in, size_t n, unsigned flags);

/* The same into a new NUL-terminated string the caller owns (free()); when len is not NULL it
 * gets the string's length. Never NULL: allocation failure aborts. */
char *base64_encode_alloc(const void *in, size_t n, unsigned flags, size_t *len);

/* Decodes n characters of in (borrowed, need not be NUL-terminated) into out, which has room for
 * base64_decoded_max(n) bytes. Returns the number of bytes written (0 for empty input), or -1
 * when in is not base64 under flags: then, when bad is not NULL, *bad is the input offset Go's
 * decoder would report, and out holds no meaningful bytes. */
long base64_decode(unsigned char *out, const char *in, size_t n, unsigned flags, size_t *bad);

#endif
