/* A group/version's served document: kube's paths for each resource and verb, and the
 * components of every part. The shapes follow kube-apiserver's, since kubectl reads them:
 * validation looks for the PATCH operation of a GVK with an operation-level fieldValidation
 * parameter, explain finds the GVK through the paths, client-side apply computes strategic
 * merge patches from the schemas when the PATCH body lists strategic-merge-patch+json. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "generic/openapi/openapi_internal.h"
#include "generic/server/version.h"

#define REF_PREFIX "#/components/schemas/"
#define PATCH_NAME "io.k8s.apimachinery.pkg.apis.meta.v1.Patch"
#define STATUS     "io.k8s.apimachinery.pkg.apis.meta.v1.Status"
#define SCALE      "io.k8s.api.autoscaling.v1.Scale"

enum op_flags {
    OP_LIST = 1 << 0,    /* list and watch query parameters */
    OP_WRITE = 1 << 1,   /* dryRun, fieldManager, fieldValidation */
    OP_PATCH = 1 << 2,   /* force, and the patch request body */
    OP_DELETE = 1 << 3,  /* dryRun, gracePeriodSeconds, propagationPolicy */
    OP_BODY = 1 << 4,    /* the object as request body */
    OP_CREATED = 1 << 5, /* 201 as well as 200 */
    OP_STATUS = 1 << 6,  /* replies a Status, not the object */
};

/* One operation of a path: the verb bit a resource needs for it, and its kube names. */
struct opdef {
    unsigned verb;
    const char *method, *word, *action, *infix;
    unsigned flags;
};

static const struct opdef collection_ops[] = {
    {VERB_LIST, "get", "list", "list", "", OP_LIST},
    {VERB_CREATE, "post", "create", "post", "", OP_WRITE | OP_BODY | OP_CREATED},
    {VERB_DELETECOLLECTION, "delete", "delete", "deletecollection", "Collection",
     OP_LIST | OP_DELETE | OP_STATUS},
    {0},
};

static const struct opdef item_ops[] = {
    {VERB_GET, "get", "read", "get", "", 0},
    {VERB_UPDATE, "put", "replace", "put", "", OP_WRITE | OP_BODY | OP_CREATED},
    {VERB_DELETE, "delete", "delete", "delete", "", OP_DELETE},
    {VERB_PATCH, "patch", "patch", "patch", "", OP_WRITE | OP_PATCH | OP_CREATED},
    {0},
};

static const struct opdef all_namespaces_ops[] = {
    {VERB_LIST, "get", "list", "list", "", OP_LIST},
    {0},
};

/* Operation-level query parameters, in kube's (alphabetical) order. */
static const struct {
    const char *name, *type;
    unsigned flags;
} query_params[] = {
    {"allowWatchBookmarks", "boolean", OP_LIST},
    {"continue", "string", OP_LIST},
    {"dryRun", "string", OP_WRITE | OP_DELETE},
    {"fieldManager", "string", OP_WRITE},
    {"fieldSelector", "string", OP_LIST},
    {"fieldValidation", "string", OP_WRITE},
    {"force", "boolean", OP_PATCH},
    {"gracePeriodSeconds", "integer", OP_DELETE},
    {"labelSelector", "string", OP_LIST},
    {"limit", "integer", OP_LIST},
    {"propagationPolicy", "string", OP_DELETE},
    {"resourceVersion", "string", OP_LIST},
    {"resourceVersionMatch", "string", OP_LIST},
    {"timeoutSeconds", "integer", OP_LIST},
    {"watch", "boolean", OP_LIST},
};

static const char *const patch_types[] = {
    "application/apply-patch+yaml",
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
};

/* What the operations of one path are about. */
struct target {
    const struct oa_entry *e;
    const char *gvname;                 /* "CoreV1" */
    const char *ns;                     /* "Namespaced" or "" */
    const char *group, *version, *kind; /* x-kubernetes-group-version-kind */
    const char *id_kind;                /* the resource's kind, for operation ids */
    const char *schema;                 /* component the operations read and write; NULL: none */
    const char *list;                   /* component of the list kind; NULL: none */
    const char *suffix;                 /* "", "Status", "Scale", "ForAllNamespaces" */
    int smp;                            /* the PATCH body lists strategic-merge-patch+json */
};

static void add(struct json_object *o, const char *key, struct json_object *val)
{
    json_object_object_add(o, key, val);
}

static void add_str(struct json_object *o, const char *key, const char *val)
{
    add(o, key, json_object_new_string(val));
}

/* "CoreV1", "AppsV1", "RbacAuthorizationV1": kube's operation id infix. */
static void gv_camel(const char *group, const char *version, char *buf, size_t n)
{
    size_t len = strlen(group), o = 0;
    int up = 1;

    if (!len)
        group = "core", len = 4;
    else if (len > 7 && strcmp(group + len - 7, ".k8s.io") == 0)
        len -= 7;
    for (size_t i = 0; i < len && o + 1 < n; i++) {
        if (!isalnum((unsigned char)group[i])) {
            up = 1;
            continue;
        }
        buf[o++] = up ? (char)toupper((unsigned char)group[i]) : group[i];
        up = 0;
    }
    buf[o] = '\0';
    if (o + 1 < n)
        snprintf(buf + o, n - o, "%c%s", toupper((unsigned char)version[0]), version + 1);
}

static struct json_object *ref(const char *name)
{
    struct json_object *s = json_object_new_object();
    char buf[512];

    snprintf(buf, sizeof(buf), REF_PREFIX "%s", name);
    add_str(s, "$ref", buf);
    return s;
}

/* A $ref to a component of e, or an open object when e lacks it. */
static struct json_object *schema_ref(const struct oa_entry *e, const char *name)
{
    struct json_object *s;

    if (name && oa_component(e, name))
        return ref(name);
    s = json_object_new_object();
    add_str(s, "type", "object");
    return s;
}

static struct json_object *param(const char *name, const char *in, const char *type)
{
    struct json_object *p = json_object_new_object();
    struct json_object *schema = json_object_new_object();

    add_str(p, "name", name);
    add_str(p, "in", in);
    if (strcmp(in, "path") == 0)
        add(p, "required", json_object_new_boolean(1));
    add_str(schema, "type", type);
    add(p, "schema", schema);
    return p;
}

static struct json_object *media(const char *type, struct json_object *schema)
{
    struct json_object *content = json_object_new_object();
    struct json_object *m = json_object_new_object();

    add(m, "schema", schema);
    add(content, type, m);
    return content;
}

static struct json_object *response(const char *description, struct json_object *schema)
{
    struct json_object *r = json_object_new_object();

    add_str(r, "description", description);
    add(r, "content", media("application/json", schema));
    return r;
}

static struct json_object *request_body(const struct target *t, unsigned flags)
{
    struct json_object *body = json_object_new_object();
    struct json_object *content;
    size_t n = sizeof(patch_types) / sizeof(patch_types[0]);

    if (!(flags & OP_PATCH)) {
        add(body, "content", media("*/*", schema_ref(t->e, t->schema)));
    } else {
        content = json_object_new_object();
        for (size_t i = 0; i < n - (t->smp ? 0 : 1); i++) {
            struct json_object *m = json_object_new_object();

            add(m, "schema", ref(PATCH_NAME)); /* components() adds it */
            add(content, patch_types[i], m);
        }
        add(body, "content", content);
    }
    add(body, "required", json_object_new_boolean(1));
    return body;
}

static struct json_object *gvk(const struct target *t)
{
    struct json_object *o = json_object_new_object();

    add_str(o, "group", t->group);
    add_str(o, "kind", t->kind);
    add_str(o, "version", t->version);
    return o;
}

static struct json_object *operation(const struct target *t, const struct opdef *d)
{
    struct json_object *op = json_object_new_object();
    struct json_object *params = json_object_new_array();
    struct json_object *responses = json_object_new_object();
    const char *out = d->flags & OP_STATUS ? STATUS : d->flags & OP_LIST ? t->list : t->schema;
    char id[512];

    snprintf(id, sizeof(id), "%s%s%s%s%s%s", d->word, t->gvname, d->infix, t->ns, t->id_kind,
             t->suffix);
    add_str(op, "operationId", id);
    for (size_t i = 0; i < sizeof(query_params) / sizeof(query_params[0]); i++) {
        if (query_params[i].flags & d->flags)
            json_object_array_add(params,
                                  param(query_params[i].name, "query", query_params[i].type));
    }
    if (json_object_array_length(params))
        add(op, "parameters", params);
    else
        json_object_put(params);
    if (d->flags & (OP_BODY | OP_PATCH))
        add(op, "requestBody", request_body(t, d->flags));
    add(responses, "200", response("OK", schema_ref(t->e, out)));
    if (d->flags & OP_CREATED)
        add(responses, "201", response("Created", schema_ref(t->e, out)));
    add(op, "responses", responses);
    add_str(op, "x-kubernetes-action", d->action);
    add(op, "x-kubernetes-group-version-kind", gvk(t));
    return op;
}

/* Adds path with the operations of defs the resource's verbs allow; none, no path. */
static void add_path(struct json_object *paths, const char *path, const struct target *t,
                     const struct opdef *defs, unsigned verbs, int item)
{
    struct json_object *p = json_object_new_object();
    struct json_object *params = json_object_new_array();
    int nops = 0;

    if (item)
        json_object_array_add(params, param("name", "path", "string"));
    if (t->ns[0])
        json_object_array_add(params, param("namespace", "path", "string"));
    add(p, "parameters", params);
    for (; defs->method; defs++) {
        if (verbs & defs->verb) {
            add(p, defs->method, operation(t, defs));
            nops++;
        }
    }
    if (nops)
        add(paths, path, p);
    else
        json_object_put(p);
}

static void add_subresource(struct json_object *paths, const char *item, struct target t,
                            const struct resource *r, const char *sub)
{
    char path[1024];

    snprintf(path, sizeof(path), "%s/%s", item, sub);
    if (strcmp(sub, "scale") == 0) {
        t.group = "autoscaling", t.version = "v1", t.kind = "Scale";
        t.schema = SCALE;
        t.suffix = "Scale";
    } else {
        t.suffix = "Status";
    }
    add_path(paths, path, &t, item_ops, r->verbs & ~VERB_DELETE, 1);
}

static void add_resource(struct json_object *paths, const struct oa_entry *e,
                         const struct resource *r, const char *gvname, int smp)
{
    int ns = (r->flags & RES_NAMESPACED) != 0;
    struct target t = {.e = e,
                       .gvname = gvname,
                       .ns = ns ? "Namespaced" : "",
                       .group = e->group,
                       .version = e->version,
                       .kind = r->kind,
                       .id_kind = r->kind,
                       .schema = oa_kind_name(e, r->kind, NULL),
                       .suffix = "",
                       .smp = smp};
    char root[512], coll[1024], item[1100], list_kind[256];

    if (e->group[0])
        snprintf(root, sizeof(root), "/apis/%s/%s", e->group, e->version);
    else
        snprintf(root, sizeof(root), "/api/%s", e->version);
    snprintf(list_kind, sizeof(list_kind), "%sList", r->kind);
    t.list = oa_kind_name(e, list_kind, NULL);
    snprintf(coll, sizeof(coll), "%s%s/%s", root, ns ? "/namespaces/{namespace}" : "", r->plural);
    snprintf(item, sizeof(item), "%s/{name}", coll);
    add_path(paths, coll, &t, collection_ops, r->verbs, 0);
    add_path(paths, item, &t, item_ops, r->verbs, 1);
    if (r->flags & RES_STATUS)
        add_subresource(paths, item, t, r, "status");
    if (r->flags & RES_SCALE)
        add_subresource(paths, item, t, r, "scale");
    if (ns) {
        struct target all = t;

        all.ns = "";
        all.suffix = "ForAllNamespaces";
        snprintf(coll, sizeof(coll), "%s/%s", root, r->plural);
        add_path(paths, coll, &all, all_namespaces_ops, r->verbs, 0);
    }
}

static struct json_object *components(const struct oa_entry *e)
{
    struct json_object *schemas = json_object_new_object();
    struct json_object *c = json_object_new_object();

    for (size_t i = 0; i < e->nparts; i++) {
        json_object_object_foreach(e->parts[i].schemas, name, s) {
            if (!json_object_object_get_ex(schemas, name, NULL))
                add(schemas, name, json_object_get(s));
        }
    }
    if (!json_object_object_get_ex(schemas, PATCH_NAME, NULL)) {
        struct json_object *patch = json_object_new_object();

        add_str(patch, "description", "The body of a PATCH request, in any patch format.");
        add_str(patch, "type", "object");
        add(schemas, PATCH_NAME, patch);
    }
    add(c, "schemas", schemas);
    return c;
}

struct json_object *oa_document(const struct oa_entry *e)
{
    struct json_object *doc = json_object_new_object();
    struct json_object *info = json_object_new_object();
    struct json_object *paths = json_object_new_object();
    char gvname[256];

    gv_camel(e->group, e->version, gvname, sizeof(gvname));
    add_str(doc, "openapi", "3.0.0");
    add_str(info, "title", "Kubernetes");
    add_str(info, "version", "v" KUBE_VERSION_MAJOR "." KUBE_VERSION_MINOR ".0");
    add(doc, "info", info);
    for (size_t i = 0; i < e->nparts; i++) {
        const struct resource *r = e->parts[i].gv->resources;

        for (; r && r->plural; r++) {
            if (!strchr(r->plural, '/'))
                add_resource(paths, e, r, gvname, !e->parts[i].custom);
        }
    }
    add(doc, "paths", paths);
    add(doc, "components", components(e));
    return doc;
}
