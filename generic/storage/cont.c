/* Continue tokens in kube's format: unpadded base64url of
 * {"v":"meta.k8s.io/v1","rv":<revision>,"start":"<key after the prefix>"}. */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "generic/apis/xalloc.h"
#include "generic/storage/storage_internal.h"

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static char *b64_encode(const unsigned char *in, size_t n)
{
    char *out = xmalloc(n / 3 * 4 + 5), *p = out;
    size_t i;

    for (i = 0; i + 2 < n; i += 3) {
        unsigned v = in[i] << 16 | in[i + 1] << 8 | in[i + 2];

        *p++ = b64url[v >> 18];
        *p++ = b64url[(v >> 12) & 63];
        *p++ = b64url[(v >> 6) & 63];
        *p++ = b64url[v & 63];
    }
    if (i < n) {
        unsigned v = in[i] << 16 | (i + 1 < n ? in[i + 1] << 8 : 0);

        *p++ = b64url[v >> 18];
        *p++ = b64url[(v >> 12) & 63];
        if (i + 1 < n)
            *p++ = b64url[(v >> 6) & 63];
    }
    *p = '\0';
    return out;
}

static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-' || c == '+')
        return 62;
    if (c == '_' || c == '/')
        return 63;
    return -1;
}

/* Accepts both alphabets and optional padding; returns the decoded length or -1. */
static long b64_decode(const char *in, unsigned char *out)
{
    unsigned v = 0, bits = 0;
    long n = 0;

    for (; *in && *in != '='; in++) {
        int d = b64_value(*in);

        if (d < 0)
            return -1;
        v = (v << 6) | (unsigned)d;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (unsigned char)(v >> bits);
        }
    }
    return n;
}

char *storage_cont_encode(int64_t rev, const char *start, size_t start_len)
{
    struct json_object *o = json_object_new_object();
    const char *s;
    char *tok;

    json_object_object_add(o, "v", json_object_new_string("meta.k8s.io/v1"));
    json_object_object_add(o, "rv", json_object_new_int64(rev));
    json_object_object_add(o, "start", json_object_new_string_len(start, (int)start_len));
    s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    tok = b64_encode((const unsigned char *)s, strlen(s));
    json_object_put(o);
    return tok;
}

static int cont_fields(struct json_object *o, int64_t *rev, char **start, size_t *start_len)
{
    struct json_object *v, *rv, *st;
    size_t n;

    if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, "v", &v) ||
        !json_object_object_get_ex(o, "rv", &rv) || !json_object_object_get_ex(o, "start", &st))
        return -1;
    if (!json_object_is_type(v, json_type_string) ||
        strcmp(json_object_get_string(v), "meta.k8s.io/v1") != 0 ||
        !json_object_is_type(rv, json_type_int) || !json_object_is_type(st, json_type_string))
        return -1;
    *rev = json_object_get_int64(rv);
    n = (size_t)json_object_get_string_len(st);
    if (*rev <= 0 || n == 0)
        return -1;
    *start = xmalloc(n + 1);
    memcpy(*start, json_object_get_string(st), n);
    (*start)[n] = '\0';
    *start_len = n;
    return 0;
}

static struct json_object *parse_json(const char *s, long len)
{
    struct json_tokener *tok = json_tokener_new();
    struct json_object *o = json_tokener_parse_ex(tok, s, (int)len);

    if (o && (json_tokener_get_error(tok) != json_tokener_success ||
              json_tokener_get_parse_end(tok) != (size_t)len)) {
        json_object_put(o);
        o = NULL;
    }
    json_tokener_free(tok);
    return o;
}

int storage_cont_decode(const char *token, int64_t *rev, char **start, size_t *start_len,
                        struct apierr *err)
{
    size_t n = strlen(token);
    unsigned char *raw = xmalloc(n + 1);
    struct json_object *o = NULL;
    long len = b64_decode(token, raw);
    int rc = -1;

    if (len > 0)
        o = parse_json((const char *)raw, len);
    if (o && cont_fields(o, rev, start, start_len) == 0)
        rc = 0;
    json_object_put(o);
    free(raw);
    if (rc < 0)
        apierr_set(err, APIERR_BAD_REQUEST, "continue key is not valid");
    return rc;
}
