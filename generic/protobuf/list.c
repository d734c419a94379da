/* A List message written item by item: each item is encoded as the items field's element while
 * the caller holds it alone, and the envelope is put around the encoded items at the end. The
 * metadata goes before the items, in field-number order as gogo writes it, without moving them. */
#include <stdlib.h>
#include <string.h>

#include "generic/apis/xalloc.h"
#include "generic/protobuf/protobuf_internal.h"

int pb_list_begin(struct pb_list *l, const char *api_version, const char *list_kind,
                  struct apierr *err)
{
    const struct pb_message *msg = pb_message_for_kind(api_version, list_kind);

    memset(l, 0, sizeof(*l));
    pb_buf_init(&l->body);
    if (msg) {
        l->meta = pb_field_by_number(msg, 1);
        l->items = pb_field_by_number(msg, 2);
    }
    if (!l->meta || !l->items || strcmp(l->meta->json, "metadata") != 0 ||
        strcmp(l->items->json, "items") != 0 || l->items->kind != PBK_MESSAGE ||
        !(l->items->flags & PBF_REPEATED))
        return apierr_set(
            err, APIERR_UNSUPPORTED_MEDIA_TYPE, "%s, Kind=%s has no protobuf list encoding",
            api_version ? api_version : "(no apiVersion)", list_kind ? list_kind : "(no kind)");
    l->api_version = xstrdup(api_version);
    l->kind = xstrdup(list_kind);
    return 0;
}

int pb_list_add_item(struct pb_list *l, struct json_object *item, struct apierr *err)
{
    struct pb_ctx c = {.err = err, .depth = 1}; /* one level down, in the List message */
    size_t start = l->body.len;

    if (pb_encode_one(&c, l->items, item, &l->body) < 0) {
        l->body.len = start;
        return -1;
    }
    return 0;
}

int pb_list_end(struct pb_list *l, struct json_object *meta, struct pb_buf *out, struct apierr *err)
{
    struct pb_ctx c = {.err = err, .depth = 1};
    struct pb_buf head;

    pb_buf_init(&head);
    if (meta && pb_encode_one(&c, l->meta, meta, &head) < 0) {
        pb_buf_release(&head);
        return -1;
    }
    /* raw's length is known, so the items are copied once instead of moved by pb_end */
    pb_put_envelope_head(out, l->api_version, l->kind);
    pb_put_tag(out, 2, PBW_LEN);
    pb_put_varint(out, head.len + l->body.len);
    pb_put(out, head.data, head.len);
    pb_put(out, l->body.data, l->body.len);
    pb_put_envelope_tail(out);
    pb_buf_release(&head);
    return 0;
}

void pb_list_release(struct pb_list *l)
{
    free(l->api_version);
    free(l->kind);
    l->api_version = l->kind = NULL;
    pb_buf_release(&l->body);
}
