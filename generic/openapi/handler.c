/* /openapi/v3 and /openapi/v3/<group/version>, with the caching headers of kube-openapi's
 * handler3: an Etag (the quoted hash) on both, 304 for a matching If-None-Match, and for a
 * ?hash= URL either "public, immutable" caching (the hash is current) or a 301 to the current
 * URL (it is not). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "generic/apis/xalloc.h"
#include "generic/openapi/openapi_internal.h"
#include "generic/server/server.h"

#define V3_PREFIX "/openapi/v3/"

static char *serialize(struct json_object *obj, size_t *len)
{
    const char *s = json_object_to_json_string_length(
        obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, len);

    return xstrndup(s, *len);
}

void oa_entry_build(struct oa_entry *e)
{
    struct json_object *doc;

    if (e->doc)
        return;
    doc = oa_document(e);
    e->doc = serialize(doc, &e->len);
    json_object_put(doc);
    oa_hash(e->doc, e->len, e->hash);
}

void oa_index_build(struct openapi *o)
{
    struct json_object *index, *paths, *gv;
    char url[1024];

    if (o->index)
        return;
    index = json_object_new_object();
    paths = json_object_new_object();
    for (size_t i = 0; i < o->n; i++) {
        oa_entry_build(o->entries[i]);
        snprintf(url, sizeof(url), V3_PREFIX "%s?hash=%s", o->entries[i]->key, o->entries[i]->hash);
        gv = json_object_new_object();
        json_object_object_add(gv, "serverRelativeURL", json_object_new_string(url));
        json_object_object_add(paths, o->entries[i]->key, gv);
    }
    json_object_object_add(index, "paths", paths);
    o->index = serialize(index, &o->index_len);
    json_object_put(index);
    oa_hash(o->index, o->index_len, o->index_hash);
}

int openapi_document(struct openapi *o, const char *key, const char **doc, size_t *len,
                     const char **hash)
{
    struct oa_entry *e = oa_entry_find(o, key);

    if (!e)
        return -1;
    oa_entry_build(e);
    *doc = e->doc;
    *len = e->len;
    *hash = e->hash;
    return 0;
}

/* Sets the Etag and answers 304 when If-None-Match names it (or is "*"); returns 1 if it did. */
static int etag_matches(struct req *req, const char *hash)
{
    const char *inm = req_header(req, "If-None-Match");
    char etag[OA_HASH_LEN + 3];

    snprintf(etag, sizeof(etag), "\"%s\"", hash);
    req_set_header(req, "Etag", etag);
    if (!inm || (strcmp(inm, "*") != 0 && !strstr(inm, etag)))
        return 0;
    req_reply(req, 304, NULL, "", 0);
    return 1;
}

static void serve_index(struct req *req, void *arg)
{
    struct openapi *o = arg;

    oa_index_build(o);
    if (etag_matches(req, o->index_hash))
        return;
    req_reply(req, 200, "application/json", o->index, o->index_len);
}

/* We serve JSON only (no protobuf): an Accept header must allow it. */
static int accepts_json(const char *accept)
{
    return !accept || !accept[0] || strstr(accept, "application/json") ||
           strstr(accept, "application/*") || strstr(accept, "*/*");
}

/* A ?hash= URL names content that never changes: cache it for a year. */
static void cache_forever(struct req *req)
{
    time_t later = time(NULL) + 365 * 24 * 3600;
    struct tm tm;
    char date[64];

    gmtime_r(&later, &tm);
    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    req_set_header(req, "Cache-Control", "public, immutable");
    req_set_header(req, "Expires", date);
}

static void serve_group_version(struct req *req, void *arg)
{
    struct oa_entry *e = oa_entry_find(arg, req->path + strlen(V3_PREFIX));
    const char *hash = req_query_param(req, "hash");
    char url[1024];

    if (!e) {
        server_not_found(req);
        return;
    }
    if (!accepts_json(req_header(req, "Accept"))) {
        req_fail(req, APIERR_NOT_ACCEPTABLE, "only application/json is served");
        return;
    }
    oa_entry_build(e);
    req_set_header(req, "Vary", "Accept");
    if (hash && hash[0] && strcmp(hash, e->hash) != 0) {
        snprintf(url, sizeof(url), V3_PREFIX "%s?hash=%s", e->key, e->hash);
        req_set_header(req, "Location", url);
        req_reply(req, 301, NULL, "", 0);
        return;
    }
    if (hash && hash[0])
        cache_forever(req);
    if (etag_matches(req, e->hash))
        return;
    req_reply(req, 200, "application/json", e->doc, e->len);
}

void openapi_install(struct openapi *o, struct server *s)
{
    server_handle(s, "/openapi/v3", serve_index, o);
    server_handle_prefix(s, V3_PREFIX, serve_group_version, o);
}
