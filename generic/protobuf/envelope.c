/* Kube's envelope ("k8s\0" + runtime.Unknown) around one object, the watch stream's frames, and
 * the public entry points. */
#include <stdio.h>
#include <string.h>

#include "generic/protobuf/protobuf_internal.h"

static const unsigned char magic[4] = {'k', '8', 's', 0};

#define TYPE_MAX 256 /* apiVersion and kind lengths we accept */

/* The parts of a runtime.Unknown. */
struct unknown {
    struct pb_reader api_version, kind, raw, encoding, content_type;
};

static int read_unknown(struct pb_ctx *c, struct pb_reader r, struct unknown *u)
{
    struct pb_reader *slot[] = {NULL, &u->api_version, &u->raw, &u->encoding, &u->content_type};
    struct pb_reader tm;
    uint64_t tag;

    memset(u, 0, sizeof(*u));
    while (r.p < r.end) {
        if (pb_read_varint(&r, &tag) < 0 || tag >> 3 == 0)
            return pb_fail(c, "malformed envelope");
        if (tag >> 3 > 4) {
            if (pb_skip(&r, tag & 7) < 0)
                return pb_fail(c, "malformed envelope");
            continue;
        }
        if ((tag & 7) != PBW_LEN)
            return pb_fail(c, "envelope field %u has wire type %u", (unsigned)(tag >> 3),
                           (unsigned)(tag & 7));
        if (pb_read_len(&r, tag >> 3 == 1 ? &tm : slot[tag >> 3]) < 0)
            return pb_fail(c, "envelope length past the end");
        if (tag >> 3 == 1 && pb_read_two(tm, &u->api_version, &u->kind) < 0)
            return pb_fail(c, "malformed typeMeta");
    }
    return 0;
}

/* Copies a typeMeta string, or def when it is empty; names are ASCII without spaces. */
static int type_string(struct pb_ctx *c, struct pb_reader s, const char *def, const char *what,
                       char *buf)
{
    size_t n = (size_t)(s.end - s.p), i;

    if (n == 0) {
        if (!def || !*def)
            return pb_fail(c, "Object '%s' is missing", what);
        snprintf(buf, TYPE_MAX, "%s", def);
        return 0;
    }
    if (n >= TYPE_MAX)
        return pb_fail(c, "%s is too long", what);
    for (i = 0; i < n; i++)
        if (s.p[i] <= ' ' || s.p[i] >= 0x7f)
            return pb_fail(c, "%s holds invalid characters", what);
    memcpy(buf, s.p, n);
    buf[n] = '\0';
    return 0;
}

static int check_content(struct pb_ctx *c, const struct unknown *u)
{
    size_t ct = (size_t)(u->content_type.end - u->content_type.p);

    if (u->encoding.end != u->encoding.p) {
        c->failed = true;
        return apierr_set(c->err, APIERR_UNSUPPORTED_MEDIA_TYPE,
                          "the protobuf envelope's content encoding is not supported");
    }
    if (ct != 0 && (ct != strlen(PB_MEDIA_TYPE) || memcmp(u->content_type.p, PB_MEDIA_TYPE, ct))) {
        c->failed = true;
        return apierr_set(c->err, APIERR_UNSUPPORTED_MEDIA_TYPE,
                          "the protobuf envelope holds an unsupported content type");
    }
    return 0;
}

int pb_decode_envelope(struct pb_ctx *c, struct pb_reader r, const char *api_version,
                       const char *kind, struct json_object **out)
{
    char av[TYPE_MAX], k[TYPE_MAX];
    const struct pb_message *msg;
    struct unknown u;
    struct json_object *obj;

    if (r.end - r.p < 4 || memcmp(r.p, magic, 4) != 0)
        return pb_fail(c, "it does not start with the magic bytes k8s\\0");
    r.p += 4;
    if (read_unknown(c, r, &u) < 0 || check_content(c, &u) < 0 ||
        type_string(c, u.api_version, api_version, "apiVersion", av) < 0 ||
        type_string(c, u.kind, kind, "Kind", k) < 0)
        return -1;
    msg = pb_message_for_kind(av, k);
    if (!msg) {
        c->failed = true;
        return apierr_set(c->err, APIERR_UNSUPPORTED_MEDIA_TYPE,
                          "%s, Kind=%s has no protobuf encoding: send it as application/json", av,
                          k);
    }
    if (pb_count_node(c) < 0)
        return -1;
    obj = json_object_new_object();
    json_object_object_add(obj, "kind", json_object_new_string(k));
    json_object_object_add(obj, "apiVersion", json_object_new_string(av));
    if (pb_decode_fields(c, msg, u.raw, obj) < 0) {
        json_object_put(obj);
        return -1;
    }
    *out = obj;
    return 0;
}

static const char *type_of(struct json_object *obj, const char *key)
{
    struct json_object *v;

    if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

void pb_put_envelope_head(struct pb_buf *out, const char *api_version, const char *kind)
{
    size_t mark;

    pb_put(out, magic, sizeof(magic));
    mark = pb_begin(out, 1);
    pb_put_bytes_field(out, 1, api_version, strlen(api_version));
    pb_put_bytes_field(out, 2, kind, strlen(kind));
    pb_end(out, mark);
}

void pb_put_envelope_tail(struct pb_buf *out)
{
    pb_put_bytes_field(out, 3, "", 0); /* contentEncoding and contentType, empty as kube writes */
    pb_put_bytes_field(out, 4, "", 0);
}

int pb_encode_envelope(struct pb_ctx *c, struct json_object *obj, struct pb_buf *out)
{
    const char *av = type_of(obj, "apiVersion"), *kind = type_of(obj, "kind");
    const struct pb_message *msg = pb_message_for_kind(av, kind);
    size_t mark;

    if (!msg) {
        c->failed = true;
        return apierr_set(c->err, APIERR_UNSUPPORTED_MEDIA_TYPE,
                          "%s, Kind=%s has no protobuf encoding", av ? av : "(no apiVersion)",
                          kind ? kind : "(no kind)");
    }
    pb_put_envelope_head(out, av, kind);
    mark = pb_begin(out, 2);
    if (pb_encode_fields(c, msg, obj, out) < 0)
        return -1;
    pb_end(out, mark);
    pb_put_envelope_tail(out);
    return 0;
}

int pb_decode_object_as(const unsigned char *buf, size_t len, const char *api_version,
                        const char *kind, struct json_object **out, struct apierr *err)
{
    struct pb_ctx c = {.err = err};
    struct pb_reader r = {buf, buf + len};

    *out = NULL;
    return pb_decode_envelope(&c, r, api_version, kind, out);
}

int pb_decode_object(const unsigned char *buf, size_t len, struct json_object **out,
                     struct apierr *err)
{
    return pb_decode_object_as(buf, len, NULL, NULL, out, err);
}

int pb_encode_object(struct json_object *obj, struct pb_buf *out, struct apierr *err)
{
    struct pb_ctx c = {.err = err};
    size_t start = out->len;

    if (pb_encode_envelope(&c, obj, out) < 0) {
        out->len = start;
        return -1;
    }
    return 0;
}

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

int pb_encode_watch_event(const char *type, struct json_object *obj, struct pb_buf *out,
                          struct apierr *err)
{
    static const unsigned char hole[4];
    struct pb_ctx c = {.err = err};
    size_t start = out->len, event, raw;

    pb_put(out, hole, sizeof(hole));
    pb_put_bytes_field(out, 1, type, strlen(type));
    event = pb_begin(out, 2); /* object: RawExtension */
    raw = pb_begin(out, 1);   /* raw: the object's envelope */
    if (pb_encode_envelope(&c, obj, out) < 0) {
        out->len = start;
        return -1;
    }
    pb_end(out, raw);
    pb_end(out, event);
    if (out->len - start - 4 > UINT32_MAX) {
        out->len = start;
        return apierr_set(err, APIERR_INTERNAL, "watch event too large");
    }
    put_be32(out->data + start, (uint32_t)(out->len - start - 4));
    return 0;
}

int pb_decode_watch_event(const unsigned char *buf, size_t len, size_t *used,
                          struct json_object **out, struct apierr *err)
{
    const struct pb_message *msg = pb_message_named("k8s.io.apimachinery.pkg.apis.meta.v1."
                                                    "WatchEvent");
    struct pb_ctx c = {.err = err};
    struct pb_reader r;
    uint32_t n;

    *out = NULL;
    if (len < 4)
        return pb_fail(&c, "truncated watch frame length");
    n = (uint32_t)buf[0] << 24 | (uint32_t)buf[1] << 16 | (uint32_t)buf[2] << 8 | buf[3];
    if (n > len - 4)
        return pb_fail(&c, "watch frame of %u bytes past the end", n);
    r.p = buf + 4;
    r.end = buf + 4 + n;
    *used = 4 + (size_t)n;
    return pb_decode_value(&c, msg, r, 0, out);
}
