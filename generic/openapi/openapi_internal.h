/* Private layout of struct openapi, shared by openapi.c (the set and lookups), document.c (the
 * served documents) and handler.c (HTTP). */
#ifndef GENERIC_OPENAPI_OPENAPI_INTERNAL_H
#define GENERIC_OPENAPI_OPENAPI_INTERNAL_H

#include <stddef.h>

#include "generic/openapi/openapi.h"

#define OA_HASH_LEN 128 /* hex digits of a SHA-512 */

/* What one openapi_add_group_version() call added. */
struct oa_part {
    const struct group_version *gv; /* borrowed; the handle for removal */
    struct json_object *schemas;    /* owned: component name -> schema */
    int custom;                     /* OPENAPI_CUSTOM */
};

/* One served group/version document. */
struct oa_entry {
    char *key; /* "api/v1", "apis/apps/v1" */
    char *group, *version;
    struct oa_part *parts;
    size_t nparts;
    char *doc; /* cached document, NULL when stale */
    size_t len;
    char hash[OA_HASH_LEN + 1];
};

struct openapi {
    struct oa_entry **entries; /* sorted by key, as the index lists them */
    size_t n;
    char *index; /* cached /openapi/v3 body, NULL when stale */
    size_t index_len;
    char index_hash[OA_HASH_LEN + 1];
};

struct oa_entry *oa_entry_find(struct openapi *o, const char *key);
/* The component name of kind's schema in e (and the schema, borrowed, in *schema), or NULL. */
const char *oa_kind_name(const struct oa_entry *e, const char *kind, struct json_object **schema);
/* A component of e by name, borrowed; NULL when absent. */
struct json_object *oa_component(const struct oa_entry *e, const char *name);
/* Builds e's document and hash if stale; the index likewise. */
void oa_entry_build(struct oa_entry *e);
void oa_index_build(struct openapi *o);
/* The document of e as a new json object the caller owns (document.c). */
struct json_object *oa_document(const struct oa_entry *e);
/* Writes the uppercase hex SHA-512 of data into out (OA_HASH_LEN + 1 bytes). */
void oa_hash(const char *data, size_t len, char *out);

#endif
