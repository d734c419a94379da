/* Text the codec produces or consumes: UTF-8 for strings, JSON embedded in bytes (RawExtension,
 * FieldsV1), and the error messages. Bytes fields use generic/apis/base64.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "generic/apis/xalloc.h"
#include "generic/protobuf/protobuf_internal.h"

/* Length of the valid UTF-8 sequence at p (1 to 4), or 0. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
    size_t len, i;
    uint32_t cp;

    if (p[0] < 0x80)
        return 1;
    len = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc0 ? 2 : 0;
    if (len == 0 || len > n || p[0] > 0xf4)
        return 0;
    cp = p[0] & (0x7f >> len);
    for (i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3f);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

struct json_object *pb_json_string(struct pb_ctx *c, const unsigned char *p, size_t n)
{
    struct json_object *s;
    char *fixed;
    size_t i, o = 0, k;

    (void)c;
    if (n == 0)
        return json_object_new_string("");
    for (i = 0; i < n && utf8_seq(p + i, n - i); i += utf8_seq(p + i, n - i))
        ;
    if (i == n)
        return json_object_new_string_len((const char *)p, (int)n);
    fixed = xmalloc(n * 3 + 1);
    for (i = 0; i < n; i += k ? k : 1) {
        k = utf8_seq(p + i, n - i);
        if (k) {
            memcpy(fixed + o, p + i, k);
            o += k;
        } else {
            memcpy(fixed + o, "\xef\xbf\xbd", 3);
            o += 3;
        }
    }
    s = json_object_new_string_len(fixed, (int)o);
    free(fixed);
    return s;
}

int pb_json_parse(struct pb_ctx *c, const unsigned char *p, size_t n, const char *what,
                  struct json_object **out)
{
    int depth = PB_MAX_DEPTH > c->depth ? (int)(PB_MAX_DEPTH - c->depth) : 1;
    struct json_tokener *tok = json_tokener_new_ex(depth);
    struct json_object *v;
    enum json_tokener_error jerr;
    size_t used;

    if (n > INT32_MAX) {
        json_tokener_free(tok);
        return pb_fail(c, "%s is too large", what);
    }
    v = json_tokener_parse_ex(tok, (const char *)p, (int)n);
    jerr = json_tokener_get_error(tok);
    used = json_tokener_get_parse_end(tok);
    if (jerr == json_tokener_continue && used == n) { /* "null", "1": the end ends them */
        v = json_tokener_parse_ex(tok, "", 1);
        jerr = json_tokener_get_error(tok);
    }
    json_tokener_free(tok);
    if (jerr == json_tokener_success && used == n) {
        *out = v;
        return pb_count_node(c);
    }
    json_object_put(v);
    return pb_fail(c, "%s does not hold JSON: %s", what,
                   jerr == json_tokener_success ? "trailing data" : json_tokener_error_desc(jerr));
}

const char *pb_json_text(struct json_object *v, size_t *len)
{
    const char *s =
        json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    *len = strlen(s);
    return s;
}

int pb_count_node(struct pb_ctx *c)
{
    if (++c->nodes > PB_MAX_NODES)
        return pb_fail(c, "too many values (more than %d)", PB_MAX_NODES);
    return 0;
}

static int vfail(struct pb_ctx *c, enum apierr_reason reason, const char *prefix, const char *fmt,
                 va_list ap)
{
    char msg[512];

    vsnprintf(msg, sizeof(msg), fmt, ap);
    if (c->failed) /* the innermost error says the most; keep it */
        return -1;
    c->failed = true;
    return apierr_set(c->err, reason, "%s%s", prefix, msg);
}

int pb_fail(struct pb_ctx *c, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = vfail(c, APIERR_BAD_REQUEST, "the protobuf body is invalid: ", fmt, ap);
    va_end(ap);
    return rc;
}

int pb_fail_encode(struct pb_ctx *c, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = vfail(c, APIERR_INTERNAL, "cannot encode as protobuf: ", fmt, ap);
    va_end(ap);
    return rc;
}
