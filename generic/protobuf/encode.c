/* JSON to protobuf bytes, driven by the tables: the fields a JSON object has, in field-number
 * order, maps sorted by key as gogo writes them. An object's members are looked up in its
 * message by JSON name, so the cost follows what the object holds, not what its schema could. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "generic/apis/base64.h"
#include "generic/apis/xalloc.h"
#include "generic/protobuf/protobuf_internal.h"

#define WATCH_EVENT "k8s.io.apimachinery.pkg.apis.meta.v1.WatchEvent"

static int enc_int(struct pb_ctx *c, const struct pb_field *f, struct json_object *v, int64_t *out)
{
    double d;

    if (json_object_is_type(v, json_type_int)) {
        *out = json_object_get_int64(v);
    } else if (json_object_is_type(v, json_type_double)) {
        d = json_object_get_double(v);
        if (d != floor(d) || d < -9223372036854775808.0 || d >= 9223372036854775808.0)
            return pb_fail_encode(c, "%s: %g is not an integer", f->json, d);
        *out = (int64_t)d;
    } else {
        return pb_fail_encode(c, "%s: %s is not an integer", f->json,
                              json_object_to_json_string(v));
    }
    if (f->kind == PBK_INT32 && (*out < INT32_MIN || *out > INT32_MAX))
        return pb_fail_encode(c, "%s: %lld is out of the int32 range", f->json, (long long)*out);
    return 0;
}

static int enc_number(struct pb_ctx *c, const struct pb_field *f, struct json_object *v,
                      struct pb_buf *out)
{
    unsigned char le[8];
    uint64_t bits;
    double d;
    int i;

    if (!json_object_is_type(v, json_type_double) && !json_object_is_type(v, json_type_int))
        return pb_fail_encode(c, "%s: %s is not a number", f->json, json_object_to_json_string(v));
    d = json_object_get_double(v);
    memcpy(&bits, &d, sizeof(bits));
    for (i = 0; i < 8; i++)
        le[i] = (unsigned char)(bits >> (8 * i));
    pb_put_tag(out, f->number, PBW_FIXED64);
    pb_put(out, le, sizeof(le));
    return 0;
}

static int enc_text(struct pb_ctx *c, const struct pb_field *f, uint32_t number, uint8_t kind,
                    struct json_object *v, struct pb_buf *out)
{
    unsigned char *raw;
    size_t n;
    long len;

    if (!json_object_is_type(v, json_type_string))
        return pb_fail_encode(c, "%s: %s is not a string", f->json, json_object_to_json_string(v));
    n = (size_t)json_object_get_string_len(v);
    if (kind == PBK_STRING) {
        pb_put_bytes_field(out, number, json_object_get_string(v), n);
        return 0;
    }
    raw = xmalloc(base64_decoded_max(n) + 1);
    /* encoding/json's StdEncoding, as the bytes were written; unpadded text is taken too */
    len = base64_decode(raw, json_object_get_string(v), n, BASE64_PAD_OPTIONAL, NULL);
    if (len >= 0)
        pb_put_bytes_field(out, number, raw, (size_t)len);
    free(raw);
    return len < 0 ? pb_fail_encode(c, "%s: not base64", f->json) : 0;
}

static int enc_message(struct pb_ctx *c, const struct pb_message *msg, uint32_t number,
                       struct json_object *v, struct pb_buf *out)
{
    size_t mark = pb_begin(out, number);
    int rc = pb_encode_value(c, msg, v, out);

    pb_end(out, mark);
    return rc;
}

int pb_encode_one(struct pb_ctx *c, const struct pb_field *f, struct json_object *v,
                  struct pb_buf *out)
{
    int64_t i;

    switch (f->kind) {
    case PBK_STRING:
    case PBK_BYTES:
        return enc_text(c, f, f->number, f->kind, v, out);
    case PBK_BOOL:
        if (!json_object_is_type(v, json_type_boolean))
            return pb_fail_encode(c, "%s: %s is not a boolean", f->json,
                                  json_object_to_json_string(v));
        pb_put_tag(out, f->number, PBW_VARINT);
        pb_put_varint(out, json_object_get_boolean(v));
        return 0;
    case PBK_INT32:
    case PBK_INT64:
        if (enc_int(c, f, v, &i) < 0)
            return -1;
        pb_put_tag(out, f->number, PBW_VARINT);
        pb_put_varint(out, (uint64_t)i); /* negative int32s sign-extend to 10 bytes, as in Go */
        return 0;
    case PBK_DOUBLE:
        return enc_number(c, f, v, out);
    default:
        return enc_message(c, &pb_messages[f->msg], f->number, v, out);
    }
}

static int key_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Entries {key = 1, value = 2}, keys sorted (gogo sorts them, so bytes are deterministic). */
static int enc_map(struct pb_ctx *c, const struct pb_field *f, struct json_object *map,
                   struct pb_buf *out)
{
    size_t n = 0, i, mark;
    const char **keys;
    int rc = 0;

    if (!json_object_is_type(map, json_type_object))
        return pb_fail_encode(c, "%s is not an object", f->json);
    keys = xmalloc(sizeof(*keys) * (size_t)json_object_object_length(map));
    json_object_object_foreach(map, key, val) {
        (void)val;
        keys[n++] = key;
    }
    qsort(keys, n, sizeof(*keys), key_cmp);
    for (i = 0; i < n && rc == 0; i++) {
        struct json_object *v = json_object_object_get(map, keys[i]);
        mark = pb_begin(out, f->number);
        pb_put_bytes_field(out, 1, keys[i], strlen(keys[i]));
        if (f->val == PBK_MESSAGE && v)
            rc = enc_message(c, &pb_messages[f->msg], 2, v, out);
        else if (v)
            rc = enc_text(c, f, 2, f->val, v, out);
        pb_end(out, mark);
    }
    free(keys);
    return rc;
}

/* An embedded Go struct: its fields come from the same JSON object; written if any are there. */
static int enc_inline(struct pb_ctx *c, const struct pb_field *f, struct json_object *obj,
                      struct pb_buf *out)
{
    size_t start = out->len, mark = pb_begin(out, f->number);

    if (pb_encode_fields(c, &pb_messages[f->msg], obj, out) < 0)
        return -1;
    if (out->len == mark)
        out->len = start;
    else
        pb_end(out, mark);
    return 0;
}

/* A null in a list of raw JSON values (a schema's enum) is the JSON text null; elsewhere it is
 * nothing to write. */
static bool holds_json(const struct pb_field *f)
{
    uint8_t sp = f->kind == PBK_MESSAGE ? pb_messages[f->msg].special : PBS_NONE;

    return sp == PBS_JSON || sp == PBS_RAWEXT;
}

/* f's value v (for an inline field, the object its fields sit in) in msg. */
static int enc_field(struct pb_ctx *c, const struct pb_message *msg, const struct pb_field *f,
                     struct json_object *v, struct pb_buf *out)
{
    size_t i, n;

    if (f->flags & PBF_INLINE)
        return enc_inline(c, f, v, out);
    if (f->kind == PBK_MAP)
        return enc_map(c, f, v, out);
    if (!(f->flags & PBF_REPEATED)) {
        c->raw_envelope = f->kind == PBK_MESSAGE && pb_messages[f->msg].special == PBS_RAWEXT &&
                          strcmp(msg->name, WATCH_EVENT) == 0;
        return pb_encode_one(c, f, v, out);
    }
    if (!json_object_is_type(v, json_type_array))
        return pb_fail_encode(c, "%s is not a list", f->json);
    n = json_object_array_length(v);
    for (i = 0; i < n; i++) {
        struct json_object *e = json_object_array_get_idx(v, i);
        if ((e || holds_json(f)) && pb_encode_one(c, f, e, out) < 0)
            return -1;
    }
    return 0;
}

/* A field to write and its value. */
struct member {
    const struct pb_field *f;
    struct json_object *v;
};

/* The fields obj's own members name (nulls and unknown names left out), then the inline fields
 * with obj itself, sorted by number: a walk over the members, not a look-up per schema field. */
static size_t collect(const struct pb_message *msg, struct json_object *obj, struct member *m)
{
    const struct pb_field *const *inl;
    unsigned k, ninl;
    size_t n = 0, i, j;

    json_object_object_foreach(obj, key, val) {
        const struct pb_field *f = val ? pb_field_by_json(msg, key) : NULL;

        if (f)
            m[n++] = (struct member){f, val};
    }
    inl = pb_inline_fields(msg, &ninl);
    for (k = 0; k < ninl; k++)
        m[n++] = (struct member){inl[k], obj};
    for (i = 1; i < n; i++) { /* insertion sort: a few members, often nearly in order */
        struct member x = m[i];

        for (j = i; j > 0 && m[j - 1].f->number > x.f->number; j--)
            m[j] = m[j - 1];
        m[j] = x;
    }
    return n;
}

int pb_encode_fields(struct pb_ctx *c, const struct pb_message *msg, struct json_object *obj,
                     struct pb_buf *out)
{
    struct member stack[32], *m = stack;
    size_t cap = (size_t)json_object_object_length(obj) + msg->nfields, n, i;
    int rc = 0;

    if (++c->depth > PB_MAX_DEPTH)
        return pb_fail_encode(c, "nested more than %d levels deep", PB_MAX_DEPTH);
    if (cap > sizeof(stack) / sizeof(stack[0]))
        m = xmalloc(cap * sizeof(*m));
    n = collect(msg, obj, m);
    for (i = 0; i < n && rc == 0; i++)
        rc = enc_field(c, msg, m[i].f, m[i].v, out);
    if (m != stack)
        free(m);
    if (rc == 0)
        c->depth--;
    return rc;
}

int pb_encode_value(struct pb_ctx *c, const struct pb_message *msg, struct json_object *v,
                    struct pb_buf *out)
{
    if (msg->special != PBS_NONE)
        return pb_encode_special(c, msg, v, out);
    if (!json_object_is_type(v, json_type_object))
        return pb_fail_encode(c, "%s: %s is not an object", msg->name,
                              json_object_to_json_string(v));
    return pb_encode_fields(c, msg, v, out);
}
