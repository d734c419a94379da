/* Protobuf bytes to JSON, one message at a time, driven by the tables: each field number names a
 * JSON key and a kind; unknown numbers are skipped as gogo skips them. */
#include <math.h>
#include <string.h>

#include "generic/apis/base64.h"
#include "generic/apis/xalloc.h"
#include "generic/protobuf/protobuf_internal.h"

static bool wire_ok(const struct pb_field *f, unsigned wt)
{
    bool packed = (f->flags & PBF_REPEATED) && wt == PBW_LEN;

    switch (f->kind) {
    case PBK_BOOL:
    case PBK_INT32:
    case PBK_INT64:
        return wt == PBW_VARINT || packed;
    case PBK_DOUBLE:
        return wt == PBW_FIXED64 || packed;
    default:
        return wt == PBW_LEN;
    }
}

/* Puts v under f's key, appends it to f's array, or (NULL) removes the key. Takes v. */
static int put(struct pb_ctx *c, const struct pb_field *f, struct json_object *obj,
               struct json_object *v)
{
    struct json_object *arr;

    if (!(f->flags & PBF_REPEATED)) {
        if (v)
            json_object_object_add(obj, f->json, v);
        else
            json_object_object_del(obj, f->json);
        return 0;
    }
    if (!json_object_object_get_ex(obj, f->json, &arr) ||
        !json_object_is_type(arr, json_type_array)) {
        if (pb_count_node(c) < 0) {
            json_object_put(v);
            return -1;
        }
        arr = json_object_new_array();
        json_object_object_add(obj, f->json, arr);
    }
    json_object_array_add(arr, v); /* NULL is a JSON null: an absent special in a list */
    return 0;
}

/* A varint or fixed64 value as JSON; NULL when it is a zero the JSON leaves out. */
static int scalar(struct pb_ctx *c, const struct pb_field *f, uint64_t v, struct json_object **out)
{
    bool keep = (f->flags & (PBF_KEEPZERO | PBF_REPEATED)) || v != 0;
    double d;

    *out = NULL;
    if (!keep)
        return 0;
    if (pb_count_node(c) < 0)
        return -1;
    if (f->kind == PBK_BOOL)
        *out = json_object_new_boolean(v != 0);
    else if (f->kind == PBK_INT32)
        *out = json_object_new_int((int32_t)(uint32_t)v);
    else if (f->kind == PBK_INT64)
        *out = json_object_new_int64((int64_t)v);
    else {
        memcpy(&d, &v, sizeof(d));
        if (!isfinite(d))
            return pb_fail(c, "field %s is not a finite number", f->json);
        *out = json_object_new_double(d);
    }
    return 0;
}

static int read_scalar(struct pb_reader *r, const struct pb_field *f, uint64_t *v)
{
    return f->kind == PBK_DOUBLE ? pb_read_fixed64(r, v) : pb_read_varint(r, v);
}

static int decode_scalar(struct pb_ctx *c, const struct pb_field *f, unsigned wt,
                         struct pb_reader *r, struct json_object *obj)
{
    struct pb_reader packed = *r;
    struct json_object *v;
    uint64_t x;

    if (wt == PBW_LEN && pb_read_len(r, &packed) < 0)
        return pb_fail(c, "field %s: length past the end", f->json);
    do {
        if (read_scalar(wt == PBW_LEN ? &packed : r, f, &x) < 0)
            return pb_fail(c, "field %s: truncated value", f->json);
        if (scalar(c, f, x, &v) < 0 || put(c, f, obj, v) < 0)
            return -1;
    } while (wt == PBW_LEN && packed.p < packed.end);
    return 0;
}

/* A string or bytes payload: a JSON string (bytes in base64); NULL for a dropped "". */
static int text(struct pb_ctx *c, const struct pb_field *f, uint8_t kind, struct pb_reader s,
                struct json_object **out)
{
    size_t n = (size_t)(s.end - s.p);
    char *b64;

    *out = NULL;
    if (n == 0 && !(f->flags & (PBF_KEEPZERO | PBF_REPEATED)) && f->kind != PBK_MAP)
        return 0;
    if (pb_count_node(c) < 0)
        return -1;
    if (kind == PBK_STRING) {
        *out = pb_json_string(c, s.p, n);
        return 0;
    }
    b64 = base64_encode_alloc(s.p, n, BASE64_STD, &n);
    *out = json_object_new_string_len(b64, (int)n);
    free(b64);
    return 0;
}

static int map_entry(struct pb_ctx *c, const struct pb_field *f, struct pb_reader e,
                     struct json_object *map)
{
    struct pb_reader key = {e.p, e.p}, val = {e.p, e.p};
    struct json_object *k, *v = NULL;
    int rc;

    if (pb_read_two(e, &key, &val) < 0) /* both may be missing: proto defaults */
        return pb_fail(c, "field %s: malformed map entry", f->json);
    if (f->val == PBK_MESSAGE)
        rc = pb_decode_value(c, &pb_messages[f->msg], val, 0, &v);
    else
        rc = text(c, f, f->val, val, &v);
    if (rc < 0)
        return -1;
    if (pb_count_node(c) < 0) {
        json_object_put(v);
        return -1;
    }
    k = pb_json_string(c, key.p, (size_t)(key.end - key.p));
    json_object_object_add(map, json_object_get_string(k), v);
    json_object_put(k);
    return 0;
}

static int decode_map(struct pb_ctx *c, const struct pb_field *f, struct pb_reader s,
                      struct json_object *obj)
{
    struct json_object *map;

    if (!json_object_object_get_ex(obj, f->json, &map) ||
        !json_object_is_type(map, json_type_object)) {
        if (pb_count_node(c) < 0)
            return -1;
        map = json_object_new_object();
        json_object_object_add(obj, f->json, map);
    }
    return map_entry(c, f, s, map);
}

static int decode_message_field(struct pb_ctx *c, const struct pb_field *f, struct pb_reader s,
                                struct json_object *obj)
{
    const struct pb_message *sub = &pb_messages[f->msg];
    struct json_object *v;

    if (f->flags & PBF_INLINE)
        return pb_decode_fields(c, sub, s, obj);
    /* A repeated non-repeated message merges into the first, as gogo's Unmarshal does. */
    if (!(f->flags & PBF_REPEATED) && sub->special == PBS_NONE &&
        json_object_object_get_ex(obj, f->json, &v) && json_object_is_type(v, json_type_object))
        return pb_decode_fields(c, sub, s, v);
    if (pb_decode_value(c, sub, s, f->flags, &v) < 0)
        return -1;
    return put(c, f, obj, v);
}

static int decode_field(struct pb_ctx *c, const struct pb_field *f, unsigned wt,
                        struct pb_reader *r, struct json_object *obj)
{
    struct pb_reader s;
    struct json_object *v;

    if (f->kind == PBK_BOOL || f->kind == PBK_INT32 || f->kind == PBK_INT64 ||
        f->kind == PBK_DOUBLE)
        return decode_scalar(c, f, wt, r, obj);
    if (pb_read_len(r, &s) < 0)
        return pb_fail(c, "field %s: length past the end", f->json);
    if (f->kind == PBK_MAP)
        return decode_map(c, f, s, obj);
    if (f->kind == PBK_MESSAGE)
        return decode_message_field(c, f, s, obj);
    if (text(c, f, f->kind, s, &v) < 0)
        return -1;
    return put(c, f, obj, v);
}

int pb_decode_fields(struct pb_ctx *c, const struct pb_message *msg, struct pb_reader r,
                     struct json_object *obj)
{
    const struct pb_field *f;
    uint64_t tag;

    if (++c->depth > PB_MAX_DEPTH)
        return pb_fail(c, "nested more than %d levels deep", PB_MAX_DEPTH);
    while (r.p < r.end) {
        if (pb_read_varint(&r, &tag) < 0)
            return pb_fail(c, "truncated field tag in %s", msg->name);
        if (tag >> 3 == 0 || tag >> 3 > UINT32_MAX)
            return pb_fail(c, "invalid field number in %s", msg->name);
        f = pb_field_by_number(msg, (uint32_t)(tag >> 3));
        if (!f) {
            if (pb_skip(&r, tag & 7) < 0)
                return pb_fail(c, "malformed field %u in %s", (unsigned)(tag >> 3), msg->name);
            continue;
        }
        if (!wire_ok(f, tag & 7))
            return pb_fail(c, "field %s of %s has wire type %u", f->json, msg->name,
                           (unsigned)(tag & 7));
        if (decode_field(c, f, tag & 7, &r, obj) < 0)
            return -1;
    }
    c->depth--;
    return 0;
}

int pb_decode_value(struct pb_ctx *c, const struct pb_message *msg, struct pb_reader r,
                    unsigned flags, struct json_object **out)
{
    struct json_object *obj;

    *out = NULL;
    if (msg->special != PBS_NONE)
        return pb_decode_special(c, msg, r, flags, out);
    if (pb_count_node(c) < 0)
        return -1;
    obj = json_object_new_object();
    if (pb_decode_fields(c, msg, r, obj) < 0) {
        json_object_put(obj);
        return -1;
    }
    *out = obj;
    return 0;
}
