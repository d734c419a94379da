/* The protobuf wire format: varints, fixed64 and length-delimited fields, read through a cursor
 * that never leaves its bounds, written to a growable buffer. */
#include <string.h>

#include "generic/apis/xalloc.h"
#include "generic/protobuf/protobuf_internal.h"

void pb_buf_init(struct pb_buf *b)
{
    b->data = NULL;
    b->len = b->cap = 0;
}

void pb_buf_release(struct pb_buf *b)
{
    free(b->data);
    pb_buf_init(b);
}

static void reserve(struct pb_buf *b, size_t n)
{
    size_t cap = b->cap ? b->cap : 256;

    if (b->len + n <= b->cap)
        return;
    while (cap < b->len + n)
        cap *= 2;
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
}

void pb_put(struct pb_buf *b, const void *p, size_t n)
{
    if (n == 0)
        return;
    reserve(b, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

void pb_put_varint(struct pb_buf *b, uint64_t v)
{
    unsigned char tmp[10];
    size_t n = 0;

    while (v >= 0x80) {
        tmp[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    tmp[n++] = (unsigned char)v;
    pb_put(b, tmp, n);
}

void pb_put_tag(struct pb_buf *b, uint32_t number, enum pb_wire wt)
{
    pb_put_varint(b, ((uint64_t)number << 3) | wt);
}

void pb_put_bytes_field(struct pb_buf *b, uint32_t number, const void *p, size_t n)
{
    pb_put_tag(b, number, PBW_LEN);
    pb_put_varint(b, n);
    pb_put(b, p, n);
}

/* The body goes after a 5-byte hole (a length below 2^35); pb_end closes the hole to the varint's
 * real size, so a message is written once without computing its size first. */
size_t pb_begin(struct pb_buf *b, uint32_t number)
{
    static const unsigned char hole[5];

    pb_put_tag(b, number, PBW_LEN);
    pb_put(b, hole, sizeof(hole));
    return b->len;
}

void pb_end(struct pb_buf *b, size_t mark)
{
    size_t body = b->len - mark, n = 0;
    unsigned char tmp[10];
    uint64_t v = body;

    while (v >= 0x80) {
        tmp[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    tmp[n++] = (unsigned char)v;
    memcpy(b->data + mark - 5, tmp, n);
    memmove(b->data + mark - 5 + n, b->data + mark, body);
    b->len -= 5 - n;
}

int pb_read_varint(struct pb_reader *r, uint64_t *v)
{
    uint64_t x = 0;
    unsigned shift;

    for (shift = 0; shift < 64; shift += 7) {
        if (r->p >= r->end)
            return -1;
        x |= (uint64_t)(*r->p & 0x7f) << shift;
        if (!(*r->p++ & 0x80)) {
            *v = x;
            return 0;
        }
    }
    return -1; /* more than 10 bytes */
}

int pb_read_len(struct pb_reader *r, struct pb_reader *sub)
{
    uint64_t n;

    if (pb_read_varint(r, &n) < 0 || n > (uint64_t)(r->end - r->p))
        return -1;
    sub->p = r->p;
    sub->end = r->p + n;
    r->p += n;
    return 0;
}

int pb_read_fixed64(struct pb_reader *r, uint64_t *v)
{
    uint64_t x = 0;
    int i;

    if (r->end - r->p < 8)
        return -1;
    for (i = 7; i >= 0; i--)
        x = x << 8 | r->p[i];
    r->p += 8;
    *v = x;
    return 0;
}

int pb_skip(struct pb_reader *r, unsigned wt)
{
    struct pb_reader sub;
    uint64_t v;

    switch (wt) {
    case PBW_VARINT:
        return pb_read_varint(r, &v);
    case PBW_FIXED64:
        return pb_read_fixed64(r, &v);
    case PBW_LEN:
        return pb_read_len(r, &sub);
    case PBW_FIXED32:
        if (r->end - r->p < 4)
            return -1;
        r->p += 4;
        return 0;
    default: /* groups are not used by kube; 6 and 7 do not exist */
        return -1;
    }
}

int pb_read_two(struct pb_reader r, struct pb_reader *one, struct pb_reader *two)
{
    uint64_t tag;

    while (r.p < r.end) {
        if (pb_read_varint(&r, &tag) < 0 || tag >> 3 == 0)
            return -1;
        if (tag >> 3 > 2) {
            if (pb_skip(&r, tag & 7) < 0)
                return -1;
            continue;
        }
        if ((tag & 7) != PBW_LEN || pb_read_len(&r, tag >> 3 == 1 ? one : two) < 0)
            return -1;
    }
    return 0;
}
