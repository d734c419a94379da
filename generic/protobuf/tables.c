/* Look-ups in the generated tables: kinds and message names by binary search, fields by number. */
#include <stdlib.h>
#include <string.h>

#include "generic/protobuf/protobuf.h"
#include "generic/protobuf/tables.h"

struct kind_key {
    const char *api_version, *kind;
};

static int kind_cmp(const void *k, const void *e)
{
    const struct kind_key *key = k;
    const struct pb_kind_entry *ent = e;
    int c = strcmp(key->api_version, ent->api_version);

    return c ? c : strcmp(key->kind, ent->kind);
}

const struct pb_message *pb_message_for_kind(const char *api_version, const char *kind)
{
    struct kind_key key = {api_version, kind};
    const struct pb_kind_entry *e;

    if (!api_version || !kind)
        return NULL;
    e = bsearch(&key, pb_kinds, pb_nkinds, sizeof(pb_kinds[0]), kind_cmp);
    if (!e) { /* meta kinds (Status, DeleteOptions, WatchEvent) come with any group version */
        key.api_version = "*";
        e = bsearch(&key, pb_kinds, pb_nkinds, sizeof(pb_kinds[0]), kind_cmp);
    }
    return e ? &pb_messages[e->msg] : NULL;
}

static int name_cmp(const void *k, const void *e)
{
    return strcmp(k, ((const struct pb_message *)e)->name);
}

const struct pb_message *pb_message_named(const char *name)
{
    return bsearch(name, pb_messages, pb_nmessages, sizeof(pb_messages[0]), name_cmp);
}

const struct pb_field *pb_field_by_number(const struct pb_message *msg, uint32_t number)
{
    size_t lo = 0, hi = msg->nfields;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (msg->fields[mid].number == number)
            return &msg->fields[mid];
        if (msg->fields[mid].number < number)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

bool pb_has_kind(const char *api_version, const char *kind)
{
    return pb_message_for_kind(api_version, kind) != NULL;
}
