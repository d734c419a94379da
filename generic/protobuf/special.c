/* The messages whose JSON is not an object of their fields, because their Go types marshal
 * themselves: times, durations, quantities, int-or-strings, embedded raw JSON or objects, named
 * string slices and the apiextensions schema unions. Both directions live here, side by side. */
#include <stdio.h>
#include <string.h>

#include "generic/apis/xalloc.h"
#include "generic/protobuf/protobuf_internal.h"

struct slot {
    bool set;
    uint64_t v;         /* varint fields */
    struct pb_reader s; /* length-delimited fields */
};

/* Reads fields 1..n of a small fixed-shape message into slots (the last occurrence wins), each
 * of wire type wts[i]; other field numbers are skipped. */
static int scan(struct pb_ctx *c, const struct pb_message *msg, struct pb_reader r,
                const uint8_t *wts, struct slot *slots, unsigned n)
{
    uint64_t tag, num;

    memset(slots, 0, n * sizeof(*slots));
    while (r.p < r.end) {
        if (pb_read_varint(&r, &tag) < 0)
            return pb_fail(c, "truncated field tag in %s", msg->name);
        num = tag >> 3;
        if (num == 0)
            return pb_fail(c, "invalid field number in %s", msg->name);
        if (num > n) {
            if (pb_skip(&r, tag & 7) < 0)
                return pb_fail(c, "malformed field in %s", msg->name);
            continue;
        }
        if ((tag & 7) != wts[num - 1])
            return pb_fail(c, "field %u of %s has wire type %u", (unsigned)num, msg->name,
                           (unsigned)(tag & 7));
        if ((wts[num - 1] == PBW_LEN ? pb_read_len(&r, &slots[num - 1].s)
                                     : pb_read_varint(&r, &slots[num - 1].v)) < 0)
            return pb_fail(c, "truncated field %u of %s", (unsigned)num, msg->name);
        slots[num - 1].set = true;
    }
    return 0;
}

static size_t slot_len(const struct slot *s)
{
    return s->set ? (size_t)(s->s.end - s->s.p) : 0;
}

static int dec_time(struct pb_ctx *c, const struct pb_message *msg, struct pb_reader r,
                    struct json_object **out)
{
    static const uint8_t wts[] = {PBW_VARINT, PBW_VARINT};
    struct slot sl[2];
    char buf[40];

    if (r.p == r.end) /* the zero time: Go writes an empty message; kube's JSON says null */
        return 0;
    if (scan(c, msg, r, wts, sl, 2) < 0)
        return -1;
    if (pb_format_time((int64_t)sl[0].v, (int32_t)(uint32_t)sl[1].v, msg->special == PBS_MICROTIME,
                       buf, sizeof(buf)) < 0)
        return pb_fail(c, "%s out of the years 0 to 9999", msg->name);
    *out = json_object_new_string(buf);
    return pb_count_node(c);
}

static int dec_duration(struct pb_ctx *c, const struct pb_message *msg, struct pb_reader r,
                        unsigned flags, struct json_object **out)
{
    static const uint8_t wts[] = {PBW_VARINT};
    struct slot sl[1];
    char buf[40];

    if (scan(c, msg, r, wts, sl, 1) < 0)
        return -1;
    if (sl[0].v == 0 && !(flags & PBF_KEEPZERO))
        return 0;
    pb_format_duration((int64_t)sl[0].v, buf, sizeof(buf));
    *out = json_object_new_string(buf);
    return pb_count_node(c);
}

static int dec_quantity(struct pb_ctx *c, const struct pb_message *msg, struct pb_reader r,
                        struct json_object **out)
{
    static const uint8_t wts[] = {PBW_LEN};
    struct slot sl[1];

    if (scan(c, msg, r, wts, sl, 1) < 0)
        return -1;
    if (slot_len(&sl[0]) == 0)
        return 0;
    *out = pb_json_string(c, sl[0].s.p, slot_len(&sl[0]));
    return pb_count_node(c);
}

/* {type 0: intVal, type 1: strVal}; a zero int is left out unless the field is a pointer. */
static int dec_intorstring(struct pb_ctx *c, const struct pb_message *msg, struct pb_reader r,
                           unsigned flags, struct json_object **out)
{
    static const uint8_t wts[] = {PBW_VARINT, PBW_VARINT, PBW_LEN};
    struct slot sl[3];

    if (scan(c, msg, r, wts, sl, 3) < 0)
        return -1;
    if (sl[0].v == 1)
        *out = pb_json_string(c, sl[2].s.p, slot_len(&sl[2]));
    else if (sl[1].v != 0 || (flags & PBF_KEEPZERO))
        *out = json_object_new_int((int32_t)(uint32_t)sl[1].v);
    else
        return 0;
    return pb_count_node(c);
}

/* RawExtension, FieldsV1 and apiextensions JSON: JSON text, or (RawExtension) an envelope. */
static int dec_raw(struct pb_ctx *c, const struct pb_message *msg, struct pb_reader r,
                   struct json_object **out)
{
    static const uint8_t wts[] = {PBW_LEN};
    struct slot sl[1];
    size_t n;

    if (scan(c, msg, r, wts, sl, 1) < 0)
        return -1;
    n = slot_len(&sl[0]);
    if (n == 0)
        return 0;
    if (msg->special == PBS_RAWEXT && n >= 4 && memcmp(sl[0].s.p, "k8s\0", 4) == 0)
        return pb_decode_envelope(c, sl[0].s, NULL, NULL, out);
    return pb_json_parse(c, sl[0].s.p, n, msg->name, out);
}

/* A new reference to the value of field number in obj, NULL if absent or an empty array. */
static struct json_object *take(const struct pb_message *msg, uint32_t number,
                                struct json_object *obj)
{
    const struct pb_field *f = pb_field_by_number(msg, number);
    struct json_object *v;

    if (!f || !json_object_object_get_ex(obj, f->json, &v) || !v)
        return NULL;
    if (json_object_is_type(v, json_type_array) && json_object_array_length(v) == 0)
        return NULL;
    return json_object_get(v);
}

/* The unions and named slices: decoded as plain messages, then the one set part is the value. */
static int dec_composite(struct pb_ctx *c, const struct pb_message *msg, struct pb_reader r,
                         struct json_object **out)
{
    struct json_object *tmp = json_object_new_object(), *allows;

    if (pb_count_node(c) < 0 || pb_decode_fields(c, msg, r, tmp) < 0) {
        json_object_put(tmp);
        return -1;
    }
    if (msg->special == PBS_LIST) {
        *out = take(msg, 1, tmp);
        if (!*out)
            *out = json_object_new_array();
    } else if (msg->special == PBS_PROPS_OR_ARRAY) {
        *out = take(msg, 2, tmp);
        if (!*out)
            *out = take(msg, 1, tmp);
    } else if (msg->special == PBS_PROPS_OR_BOOL) {
        *out = take(msg, 2, tmp);
        allows = take(msg, 1, tmp);
        if (!*out)
            *out = json_object_new_boolean(json_object_get_boolean(allows));
        json_object_put(allows);
    } else {
        *out = take(msg, 2, tmp);
        if (!*out)
            *out = take(msg, 1, tmp);
    }
    json_object_put(tmp);
    return 0;
}

int pb_decode_special(struct pb_ctx *c, const struct pb_message *msg, struct pb_reader r,
                      unsigned flags, struct json_object **out)
{
    int rc;

    if (++c->depth > PB_MAX_DEPTH)
        return pb_fail(c, "nested more than %d levels deep", PB_MAX_DEPTH);
    switch (msg->special) {
    case PBS_TIME:
    case PBS_MICROTIME:
        rc = dec_time(c, msg, r, out);
        break;
    case PBS_DURATION:
        rc = dec_duration(c, msg, r, flags, out);
        break;
    case PBS_QUANTITY:
        rc = dec_quantity(c, msg, r, out);
        break;
    case PBS_INTORSTRING:
        rc = dec_intorstring(c, msg, r, flags, out);
        break;
    case PBS_RAWEXT:
    case PBS_FIELDSV1:
    case PBS_JSON:
        rc = dec_raw(c, msg, r, out);
        break;
    default:
        rc = dec_composite(c, msg, r, out);
    }
    c->depth--;
    if (rc < 0) {
        json_object_put(*out);
        *out = NULL;
    }
    return rc;
}

static void put_varint_field(struct pb_buf *out, uint32_t number, uint64_t v)
{
    pb_put_tag(out, number, PBW_VARINT);
    pb_put_varint(out, v);
}

static int enc_time(struct pb_ctx *c, const struct pb_message *msg, struct json_object *v,
                    struct pb_buf *out)
{
    int64_t seconds;
    int32_t nanos;

    if (!json_object_is_type(v, json_type_string) ||
        pb_parse_time(json_object_get_string(v), &seconds, &nanos) < 0)
        return pb_fail_encode(c, "%s: %s is not an RFC 3339 time", msg->name,
                              json_object_to_json_string(v));
    put_varint_field(out, 1, (uint64_t)seconds);
    put_varint_field(out, 2, (uint64_t)(int64_t)nanos);
    return 0;
}

static int enc_duration(struct pb_ctx *c, struct json_object *v, struct pb_buf *out)
{
    int64_t ns;

    if (!json_object_is_type(v, json_type_string) ||
        pb_parse_duration(json_object_get_string(v), &ns) < 0)
        return pb_fail_encode(c, "%s is not a duration", json_object_to_json_string(v));
    put_varint_field(out, 1, (uint64_t)ns);
    return 0;
}

/* A quantity is a string; a JSON number (kube accepts `cpu: 1`) is written as its text. */
static int enc_quantity(struct pb_ctx *c, struct json_object *v, struct pb_buf *out)
{
    const char *s;
    size_t n;

    if (json_object_is_type(v, json_type_string)) {
        pb_put_bytes_field(out, 1, json_object_get_string(v),
                           (size_t)json_object_get_string_len(v));
        return 0;
    }
    if (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double))
        return pb_fail_encode(c, "%s is not a quantity", json_object_to_json_string(v));
    s = pb_json_text(v, &n);
    pb_put_bytes_field(out, 1, s, n);
    return 0;
}

/* Go writes all three fields of an IntOrString, whichever is in use. */
static int enc_intorstring(struct pb_ctx *c, struct json_object *v, struct pb_buf *out)
{
    bool str = json_object_is_type(v, json_type_string);
    int64_t i = json_object_get_int64(v);

    if (!str && !json_object_is_type(v, json_type_int))
        return pb_fail_encode(c, "%s is neither an integer nor a string",
                              json_object_to_json_string(v));
    if (!str && (i < INT32_MIN || i > INT32_MAX))
        return pb_fail_encode(c, "%lld is out of the int32 range", (long long)i);
    put_varint_field(out, 1, str);
    put_varint_field(out, 2, str ? 0 : (uint64_t)i);
    if (str)
        pb_put_bytes_field(out, 3, json_object_get_string(v),
                           (size_t)json_object_get_string_len(v));
    else
        pb_put_bytes_field(out, 3, "", 0);
    return 0;
}

/* Inside a WatchEvent the object goes as an envelope (c->raw_envelope); elsewhere as JSON text,
 * which is what kube keeps in a RawExtension that came from JSON. */
static int enc_raw(struct pb_ctx *c, const struct pb_message *msg, struct json_object *v,
                   struct pb_buf *out)
{
    bool envelope = c->raw_envelope;
    const char *s;
    size_t n, mark;
    int rc;

    c->raw_envelope = false; /* only the event's own object, not RawExtensions inside it */
    if (envelope && json_object_is_type(v, json_type_object)) {
        mark = pb_begin(out, 1);
        rc = pb_encode_envelope(c, v, out);
        pb_end(out, mark);
        return rc;
    }
    if (msg->special == PBS_FIELDSV1 && !json_object_is_type(v, json_type_object))
        return pb_fail_encode(c, "fieldsV1 is not an object");
    s = pb_json_text(v, &n);
    pb_put_bytes_field(out, 1, s, n);
    return 0;
}

static int enc_strings(struct pb_ctx *c, uint32_t number, struct json_object *v, struct pb_buf *out)
{
    size_t i, n = json_object_array_length(v);

    for (i = 0; i < n; i++) {
        struct json_object *e = json_object_array_get_idx(v, i);
        if (!json_object_is_type(e, json_type_string))
            return pb_fail_encode(c, "%s is not a string", json_object_to_json_string(e));
        pb_put_bytes_field(out, number, json_object_get_string(e),
                           (size_t)json_object_get_string_len(e));
    }
    return 0;
}

static int enc_schema(struct pb_ctx *c, const struct pb_message *msg, uint32_t number,
                      struct json_object *v, struct pb_buf *out)
{
    const struct pb_field *f = pb_field_by_number(msg, number);
    size_t mark = pb_begin(out, number);
    int rc = pb_encode_value(c, &pb_messages[f->msg], v, out);

    pb_end(out, mark);
    return rc;
}

static int enc_composite(struct pb_ctx *c, const struct pb_message *msg, struct json_object *v,
                         struct pb_buf *out)
{
    bool arr = json_object_is_type(v, json_type_array);
    size_t i;

    if (msg->special == PBS_LIST)
        return arr ? enc_strings(c, 1, v, out) : pb_fail_encode(c, "%s is not a list", msg->name);
    if (msg->special == PBS_PROPS_OR_BOOL && json_object_is_type(v, json_type_boolean)) {
        put_varint_field(out, 1, json_object_get_boolean(v));
        return 0;
    }
    if (json_object_is_type(v, json_type_object)) {
        if (msg->special == PBS_PROPS_OR_BOOL)
            put_varint_field(out, 1, 1);
        return enc_schema(c, msg, msg->special == PBS_PROPS_OR_BOOL ? 2 : 1, v, out);
    }
    if (arr && msg->special == PBS_PROPS_OR_STRINGS)
        return enc_strings(c, 2, v, out);
    if (arr && msg->special == PBS_PROPS_OR_ARRAY) {
        for (i = 0; i < json_object_array_length(v); i++)
            if (enc_schema(c, msg, 2, json_object_array_get_idx(v, i), out) < 0)
                return -1;
        return 0;
    }
    return pb_fail_encode(c, "%s: unexpected %s", msg->name, json_object_to_json_string(v));
}

int pb_encode_special(struct pb_ctx *c, const struct pb_message *msg, struct json_object *v,
                      struct pb_buf *out)
{
    switch (msg->special) {
    case PBS_TIME:
    case PBS_MICROTIME:
        return enc_time(c, msg, v, out);
    case PBS_DURATION:
        return enc_duration(c, v, out);
    case PBS_QUANTITY:
        return enc_quantity(c, v, out);
    case PBS_INTORSTRING:
        return enc_intorstring(c, v, out);
    case PBS_RAWEXT:
    case PBS_FIELDSV1:
    case PBS_JSON:
        return enc_raw(c, msg, v, out);
    default:
        return enc_composite(c, msg, v, out);
    }
}
