/* Look-ups in the generated tables: kinds and message names by binary search, fields by number
 * and by JSON name. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "generic/apis/xalloc.h"
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

/* Per message: its named fields sorted by JSON name, then its inline fields. */
struct name_index {
    const struct pb_field **named, **inl;
    unsigned nnamed, ninl;
};

/* The one mutable global of generic/: derived from the constant tables, written once under
 * pthread_once and read-only after, so every instance and thread shares it; never freed, as the
 * tables it points into live as long as the process. */
static struct name_index *indexes;
static pthread_once_t indexes_once = PTHREAD_ONCE_INIT;

static int field_name_cmp(const void *a, const void *b)
{
    return strcmp((*(const struct pb_field *const *)a)->json,
                  (*(const struct pb_field *const *)b)->json);
}

static void build_indexes(void)
{
    const struct pb_field **slot;
    size_t total = 0;
    unsigned m, i;

    for (m = 0; m < pb_nmessages; m++)
        total += pb_messages[m].nfields;
    indexes = xcalloc(pb_nmessages, sizeof(*indexes));
    slot = xmalloc((total ? total : 1) * sizeof(*slot));
    for (m = 0; m < pb_nmessages; m++) {
        const struct pb_message *msg = &pb_messages[m];
        struct name_index *x = &indexes[m];

        x->named = slot;
        for (i = 0; i < msg->nfields; i++)
            if (!(msg->fields[i].flags & PBF_INLINE))
                x->named[x->nnamed++] = &msg->fields[i];
        qsort(x->named, x->nnamed, sizeof(*slot), field_name_cmp);
        x->inl = x->named + x->nnamed;
        for (i = 0; i < msg->nfields; i++)
            if (msg->fields[i].flags & PBF_INLINE)
                x->inl[x->ninl++] = &msg->fields[i];
        slot = x->inl + x->ninl;
    }
}

static const struct name_index *index_of(const struct pb_message *msg)
{
    pthread_once(&indexes_once, build_indexes);
    return &indexes[msg - pb_messages];
}

const struct pb_field *pb_field_by_json(const struct pb_message *msg, const char *name)
{
    const struct name_index *x = index_of(msg);
    size_t lo = 0, hi = x->nnamed;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(name, x->named[mid]->json);

        if (c == 0)
            return x->named[mid];
        if (c > 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const struct pb_field *const *pb_inline_fields(const struct pb_message *msg, unsigned *n)
{
    const struct name_index *x = index_of(msg);

    *n = x->ninl;
    return x->inl;
}
