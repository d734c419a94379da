/* The set of group/versions, their schemas, and lookups by kind, name and $ref. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "generic/apis/xalloc.h"
#include "generic/openapi/openapi_internal.h"

#define REF_PREFIX   "#/components/schemas/"
#define MAX_REF_HOPS 32
#define MAX_DEPTH    256 /* CRD schemas nest deeper than json-c's default 32 */

const struct openapi_blob *openapi_blob_find(const struct openapi_blob *blobs, const char *group,
                                             const char *version)
{
    for (; blobs && blobs->data; blobs++) {
        if (strcmp(blobs->group, group) == 0 && strcmp(blobs->version, version) == 0)
            return blobs;
    }
    return NULL;
}

struct openapi *openapi_new(void)
{
    return xcalloc(1, sizeof(struct openapi));
}

static void entry_free(struct oa_entry *e)
{
    for (size_t i = 0; i < e->nparts; i++)
        json_object_put(e->parts[i].schemas);
    free(e->parts);
    free(e->doc);
    free(e->key);
    free(e->group);
    free(e->version);
    free(e);
}

void openapi_free(struct openapi *o)
{
    if (!o)
        return;
    for (size_t i = 0; i < o->n; i++)
        entry_free(o->entries[i]);
    free(o->entries);
    free(o->index);
    free(o);
}

static void gv_key(const char *group, const char *version, char *buf, size_t n)
{
    if (group[0])
        snprintf(buf, n, "apis/%s/%s", group, version);
    else
        snprintf(buf, n, "api/%s", version);
}

/* The position of key in o->entries, or where it would go; *found says which. */
static size_t entry_pos(const struct openapi *o, const char *key, int *found)
{
    size_t lo = 0, hi = o->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(o->entries[mid]->key, key);

        if (c == 0) {
            *found = 1;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = 0;
    return lo;
}

struct oa_entry *oa_entry_find(struct openapi *o, const char *key)
{
    int found;
    size_t i = entry_pos(o, key, &found);

    return found ? o->entries[i] : NULL;
}

static struct oa_entry *entry_find_gv(struct openapi *o, const char *group, const char *version)
{
    char key[512];

    gv_key(group, version, key, sizeof(key));
    return oa_entry_find(o, key);
}

static struct oa_entry *entry_get(struct openapi *o, const char *group, const char *version)
{
    char key[512];
    struct oa_entry *e;
    int found;
    size_t i;

    gv_key(group, version, key, sizeof(key));
    i = entry_pos(o, key, &found);
    if (found)
        return o->entries[i];
    e = xcalloc(1, sizeof(*e));
    e->key = xstrdup(key);
    e->group = xstrdup(group);
    e->version = xstrdup(version);
    o->entries = xrealloc(o->entries, (o->n + 1) * sizeof(*o->entries));
    memmove(o->entries + i + 1, o->entries + i, (o->n - i) * sizeof(*o->entries));
    o->entries[i] = e;
    o->n++;
    return e;
}

/* The set changed: the entry's document and the index are rebuilt on the next request. */
static void invalidate(struct openapi *o, struct oa_entry *e)
{
    free(e->doc);
    e->doc = NULL;
    free(o->index);
    o->index = NULL;
}

void openapi_add_schemas(struct openapi *o, const struct group_version *gv,
                         struct json_object *schemas, unsigned flags)
{
    struct oa_entry *e = entry_get(o, gv->group, gv->version);
    size_t i;

    for (i = 0; i < e->nparts; i++) {
        if (e->parts[i].gv == gv)
            break;
    }
    if (i == e->nparts) {
        e->parts = xrealloc(e->parts, (e->nparts + 1) * sizeof(*e->parts));
        e->parts[e->nparts++] = (struct oa_part){.gv = gv, .schemas = NULL};
    }
    json_object_put(e->parts[i].schemas);
    e->parts[i].schemas = schemas;
    e->parts[i].custom = (flags & OPENAPI_CUSTOM) != 0;
    invalidate(o, e);
}

int openapi_add_group_version(struct openapi *o, const struct group_version *gv,
                              const char *schemas_json, size_t len, struct apierr *err)
{
    struct json_tokener *tok = json_tokener_new_ex(MAX_DEPTH);
    struct json_object *doc = json_tokener_parse_ex(tok, schemas_json, (int)len);
    struct json_object *components, *schemas;
    int ok;

    ok = doc && json_tokener_get_error(tok) == json_tokener_success &&
         json_object_object_get_ex(doc, "components", &components) &&
         json_object_object_get_ex(components, "schemas", &schemas) &&
         json_object_is_type(schemas, json_type_object);
    json_tokener_free(tok);
    if (!ok) {
        json_object_put(doc);
        return apierr_set(err, APIERR_BAD_REQUEST, "invalid OpenAPI schemas for %s/%s",
                          gv->group[0] ? gv->group : "core", gv->version);
    }
    openapi_add_schemas(o, gv, json_object_get(schemas), 0);
    json_object_put(doc);
    return 0;
}

void openapi_remove_group_version(struct openapi *o, const struct group_version *gv)
{
    struct oa_entry *e = entry_find_gv(o, gv->group, gv->version);
    size_t i;
    int found;

    if (!e)
        return;
    for (i = 0; i < e->nparts && e->parts[i].gv != gv; i++)
        ;
    if (i == e->nparts)
        return;
    json_object_put(e->parts[i].schemas);
    memmove(e->parts + i, e->parts + i + 1, (e->nparts - i - 1) * sizeof(*e->parts));
    e->nparts--;
    invalidate(o, e);
    if (e->nparts)
        return;
    i = entry_pos(o, e->key, &found);
    memmove(o->entries + i, o->entries + i + 1, (o->n - i - 1) * sizeof(*o->entries));
    o->n--;
    entry_free(e);
}

/* Whether schema's x-kubernetes-group-version-kind list has group/version/kind. */
static int has_gvk(struct json_object *schema, const char *group, const char *version,
                   const char *kind)
{
    struct json_object *list, *gvk, *g, *v, *k;

    if (!json_object_object_get_ex(schema, "x-kubernetes-group-version-kind", &list) ||
        !json_object_is_type(list, json_type_array))
        return 0;
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        gvk = json_object_array_get_idx(list, i);
        if (json_object_object_get_ex(gvk, "group", &g) &&
            json_object_object_get_ex(gvk, "version", &v) &&
            json_object_object_get_ex(gvk, "kind", &k) &&
            strcmp(json_object_get_string(g), group) == 0 &&
            strcmp(json_object_get_string(v), version) == 0 &&
            strcmp(json_object_get_string(k), kind) == 0)
            return 1;
    }
    return 0;
}

const char *oa_kind_name(const struct oa_entry *e, const char *kind, struct json_object **schema)
{
    for (size_t i = 0; i < e->nparts; i++) {
        json_object_object_foreach(e->parts[i].schemas, name, s) {
            if (has_gvk(s, e->group, e->version, kind)) {
                if (schema)
                    *schema = s;
                return name;
            }
        }
    }
    return NULL;
}

struct json_object *oa_component(const struct oa_entry *e, const char *name)
{
    struct json_object *s;

    for (size_t i = 0; i < e->nparts; i++) {
        if (json_object_object_get_ex(e->parts[i].schemas, name, &s))
            return s;
    }
    return NULL;
}

struct json_object *openapi_schema(struct openapi *o, const char *group, const char *version,
                                   const char *kind)
{
    struct oa_entry *e = entry_find_gv(o, group, version);
    struct json_object *s = NULL;

    if (!e || !oa_kind_name(e, kind, &s))
        return NULL;
    return s;
}

struct json_object *openapi_component(struct openapi *o, const char *group, const char *version,
                                      const char *name)
{
    struct oa_entry *e = entry_find_gv(o, group, version);

    return e ? oa_component(e, name) : NULL;
}

/* The $ref schema points at, kube's {"allOf":[{"$ref":...}]} wrapper included; NULL when it
 * has no reference to follow. */
static const char *ref_of(struct json_object *schema)
{
    struct json_object *ref, *all;

    if (json_object_object_get_ex(schema, "$ref", &ref))
        return json_object_get_string(ref);
    if (!json_object_object_get_ex(schema, "allOf", &all) ||
        !json_object_is_type(all, json_type_array) || json_object_array_length(all) != 1 ||
        json_object_object_get_ex(schema, "properties", NULL))
        return NULL;
    if (!json_object_object_get_ex(json_object_array_get_idx(all, 0), "$ref", &ref))
        return NULL;
    return json_object_get_string(ref);
}

struct json_object *openapi_resolve(struct openapi *o, const char *group, const char *version,
                                    struct json_object *schema)
{
    struct oa_entry *e = entry_find_gv(o, group, version);
    const char *ref;

    for (int hops = 0; schema && hops < MAX_REF_HOPS; hops++) {
        ref = ref_of(schema);
        if (!ref)
            return schema;
        if (!e || strncmp(ref, REF_PREFIX, strlen(REF_PREFIX)) != 0)
            return NULL;
        schema = oa_component(e, ref + strlen(REF_PREFIX));
    }
    return NULL;
}

void oa_hash(const char *data, size_t len, char *out)
{
    static const char hex[] = "0123456789ABCDEF";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;

    EVP_Digest(data, len, md, &n, EVP_sha512(), NULL);
    for (unsigned int i = 0; i < n; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[2 * n] = '\0';
}
