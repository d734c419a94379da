#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <json-c/json.h>

#include "generic/apis/meta.h"
#include "generic/apis/xalloc.h"
#include "generic/registry/store.h"

#define GENERATE_TRIES 8

int registry_key(const struct registry *rg, const char *ns, const char *name, char *buf,
                 size_t n)
{
    const char *g = rg->gv->group;
    int len;

    len = snprintf(buf, n, "/registry/%s%s%s/", g, *g ? "/" : "", rg->r->plural);
    if (ns && *ns && (rg->r->flags & RES_NAMESPACED))
        len += snprintf(buf + len, len < (int)n ? n - (size_t)len : 0, "%s/", ns);
    if (name)
        len += snprintf(buf + len, len < (int)n ? n - (size_t)len : 0, "%s", name);
    return len >= (int)n ? -1 : 0;
}

const char *registry_qualified(const struct registry *rg, char *buf, size_t n)
{
    if (rg->gv->group[0])
        snprintf(buf, n, "%s.%s", rg->r->plural, rg->gv->group);
    else
        snprintf(buf, n, "%s", rg->r->plural);
    return buf;
}

const char *registry_api_version(const struct registry *rg, char *buf, size_t n)
{
    snprintf(buf, n, "%s%s%s", rg->gv->group, rg->gv->group[0] ? "/" : "", rg->gv->version);
    return buf;
}

static int named_error(const struct registry *rg, enum apierr_reason reason, const char *name,
                       const char *what, struct apierr *err)
{
    char q[200];

    apierr_set(err, reason, "%s \"%s\" %s", registry_qualified(rg, q, sizeof(q)), name, what);
    apierr_details(err, rg->gv->group, rg->r->plural, name);
    return -1;
}

int registry_not_found(const struct registry *rg, const char *name, struct apierr *err)
{
    return named_error(rg, APIERR_NOT_FOUND, name, "not found", err);
}

int registry_conflict(const struct registry *rg, const char *name, struct apierr *err)
{
    char q[200];

    apierr_set(err, APIERR_CONFLICT,
               "Operation cannot be fulfilled on %s \"%s\": the object has been modified; please "
               "apply your changes to the latest version and try again",
               registry_qualified(rg, q, sizeof(q)), name);
    apierr_details(err, rg->gv->group, rg->r->plural, name);
    return -1;
}

static char *serialize(struct json_object *obj, size_t *len)
{
    const char *s = json_object_to_json_string_length(
        obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, len);

    return xstrndup(s, *len);
}

/* Stored objects start with kind and apiVersion, then the rest in the client's order, as kube
 * writes them: GET and LIST serve the stored bytes as they are. */
static void lead_with_type(struct json_object *obj, const char *kind, const char *api_version)
{
    const char *keys[64];
    size_t n = 0, i;

    json_object_object_del(obj, "kind");
    json_object_object_del(obj, "apiVersion");
    json_object_object_foreach(obj, k, v)
    {
        (void)v;
        if (n < sizeof(keys) / sizeof(keys[0]))
            keys[n++] = k;
    }
    json_object_object_add(obj, "kind", json_object_new_string(kind));
    json_object_object_add(obj, "apiVersion", json_object_new_string(api_version));
    for (i = 0; i < n; i++) {
        struct json_object *val = json_object_get(json_object_object_get(obj, keys[i]));
        char *key = xstrdup(keys[i]); /* the key dies with its entry */

        json_object_object_del(obj, key);
        json_object_object_add(obj, key, val);
        free(key);
    }
}

/* apiVersion and kind must name this resource's kind; missing ones are filled in. */
static int check_type(const struct registry *rg, struct json_object *obj, struct apierr *err)
{
    char want[160];
    const char *av = obj_get_str(obj, "apiVersion"), *kind = obj_get_str(obj, "kind");

    registry_api_version(rg, want, sizeof(want));
    if (av && strcmp(av, want) != 0)
        return apierr_set(err, APIERR_BAD_REQUEST,
                          "the API version in the data (%s) does not match the expected API "
                          "version (%s)",
                          av, want);
    if (kind && strcmp(kind, rg->r->kind) != 0)
        return apierr_set(err, APIERR_BAD_REQUEST,
                          "the kind in the data (%s) does not match the expected kind (%s)", kind,
                          rg->r->kind);
    lead_with_type(obj, rg->r->kind, want);
    return 0;
}

/* The namespace of the body must be the URL's (or absent); cluster-scoped objects have none. */
static int check_namespace(const struct registry *rg, const struct registry_write *w,
                           struct json_object *obj, struct apierr *err)
{
    const char *ns = meta_str(obj, "namespace");

    if (!(rg->r->flags & RES_NAMESPACED)) {
        obj_del(obj, "metadata.namespace");
        return 0;
    }
    if (ns && *ns && strcmp(ns, w->ns) != 0)
        return apierr_set(err, APIERR_BAD_REQUEST,
                          "the namespace of the provided object does not match the namespace sent "
                          "on the request");
    meta_set_str(obj, "namespace", w->ns);
    return 0;
}

int registry_admit_namespace(struct storage *st, const struct registry *rg, const char *ns,
                             const char *name, struct apierr *err)
{
    struct storage_obj o = {0};
    struct json_object *nsobj;
    const char *phase;
    char key[512], q[200];
    int terminating;

    if (!(rg->r->flags & RES_NAMESPACED))
        return 0;
    snprintf(key, sizeof(key), "/registry/namespaces/%s", ns);
    if (storage_get(st, key, NULL, &o, err) < 0) {
        if (err->reason != APIERR_NOT_FOUND)
            return -1;
        memset(err, 0, sizeof(*err));
        apierr_set(err, APIERR_NOT_FOUND, "namespaces \"%s\" not found", ns);
        apierr_details(err, "", "namespaces", ns);
        return -1;
    }
    nsobj = json_tokener_parse(o.value);
    phase = obj_get_str(nsobj, "status.phase");
    terminating = phase && strcmp(phase, "Terminating") == 0;
    json_object_put(nsobj);
    storage_obj_release(&o);
    if (!terminating)
        return 0;
    apierr_set(err, APIERR_FORBIDDEN,
               "%s \"%s\" is forbidden: unable to create new content in namespace %s because it "
               "is being terminated",
               registry_qualified(rg, q, sizeof(q)), name ? name : "", ns);
    apierr_details(err, rg->gv->group, rg->r->plural, name);
    return -1;
}

/* kube's names.SimpleNameGenerator: five random characters that avoid vowels and lookalikes. */
static void generate_name(struct json_object *obj, const char *prefix)
{
    static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
    unsigned char r[5];
    char name[300];
    size_t plen = strlen(prefix), i;

    if (plen > 58) /* kube keeps the whole name within 63 characters */
        plen = 58;
    if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
        memset(r, 7, sizeof(r));
    memcpy(name, prefix, plen);
    for (i = 0; i < 5; i++)
        name[plen + i] = alphabet[r[i] % (sizeof(alphabet) - 1)];
    name[plen + 5] = '\0';
    meta_set_str(obj, "name", name);
}

/* What a client may not set on create: kube's BeforeCreate. */
static int prepare_create(const struct registry *rg, struct json_object *obj, struct apierr *err)
{
    struct json_object *meta = meta_ensure(obj);
    const char *rv = meta_str(obj, "resourceVersion");
    char uid[37], now[32];

    if (rv && *rv)
        return apierr_set(err, APIERR_INTERNAL,
                          "resourceVersion should not be set on objects to be created");
    meta_new_uid(uid);
    meta_now(now);
    json_object_object_add(meta, "uid", json_object_new_string(uid));
    json_object_object_add(meta, "creationTimestamp", json_object_new_string(now));
    json_object_object_del(meta, "deletionTimestamp");
    json_object_object_del(meta, "deletionGracePeriodSeconds");
    json_object_object_del(meta, "selfLink");
    json_object_object_del(meta, "resourceVersion");
    if (rg->r->flags & RES_GENERATION)
        json_object_object_add(meta, "generation", json_object_new_int64(1));
    else
        json_object_object_del(meta, "generation");
    if (rg->r->strategy && rg->r->strategy->prepare_create)
        rg->r->strategy->prepare_create(obj);
    return 0;
}

/* Runs the resource's defaulting and validation: the strategy's rules and the common metadata
 * ones, every problem reported; the message is kube's Invalid wording. */
static int validate(const struct registry *rg, struct json_object *obj, struct json_object *old,
                    struct apierr *err)
{
    const struct strategy *s = rg->r->strategy;
    validation_name_fn *name_fn = rg->r->name_fn ? rg->r->name_fn : validation_name_dns_subdomain;
    bool namespaced = (rg->r->flags & RES_NAMESPACED) != 0;
    int rc = 0;

    if (s && s->defaults)
        s->defaults(obj);
    if (s && !old && s->validate_create && s->validate_create(obj, err) < 0)
        rc = -1;
    if (s && old && s->validate_update && s->validate_update(obj, old, err) < 0)
        rc = -1;
    if (!old && validation_object_meta(meta_get(obj), namespaced, name_fn, err) < 0)
        rc = -1;
    if (old && validation_object_meta_update(meta_get(obj), meta_get(old), err) < 0)
        rc = -1;
    if (rc < 0 && err->reason == APIERR_INVALID)
        validation_finish(err, rg->gv->group, rg->r->kind, meta_str(obj, "name"));
    return rc;
}

/* The strategy's admit hook with its state; causes get kube's Invalid message. */
static int admit(const struct registry *rg, struct json_object *obj, struct json_object *old,
                 struct apierr *err)
{
    const struct strategy *s = rg->r->strategy;

    if (!s || !s->admit || s->admit(s->state, obj, old, err) == 0)
        return 0;
    if (err->reason == APIERR_INVALID)
        validation_finish(err, rg->gv->group, rg->r->kind, meta_str(obj, "name"));
    return -1;
}

static void unadmit(const struct registry *rg, struct json_object *obj, struct json_object *old)
{
    const struct strategy *s = rg->r->strategy;

    if (s && s->unadmit)
        s->unadmit(s->state, obj, old);
}

static int store_new(const struct registry *rg, const struct registry_write *w,
                     struct json_object *obj, struct storage_obj *out, struct apierr *err)
{
    char key[1024];
    char *bytes;
    size_t len;
    int rc;

    if (registry_key(rg, w->ns, meta_str(obj, "name"), key, sizeof(key)) < 0)
        return apierr_set(err, APIERR_BAD_REQUEST, "name too long");
    bytes = serialize(obj, &len);
    if (w->dry_run) {
        memset(out, 0, sizeof(*out));
        out->key = xstrdup(key);
        out->value = bytes;
        out->len = len;
        return 0;
    }
    rc = storage_create(rg->st, key, bytes, len, out, err);
    free(bytes);
    return rc;
}

int registry_create(const struct registry *rg, const struct registry_write *w,
                    struct json_object *obj, struct storage_obj *out, struct apierr *err)
{
    const char *gen, *name;
    int tries, generated = 0;

    if (!json_object_is_type(obj, json_type_object))
        return apierr_set(err, APIERR_BAD_REQUEST, "the body of the request is not an object");
    if (check_type(rg, obj, err) < 0 || check_namespace(rg, w, obj, err) < 0)
        return -1;
    name = meta_str(obj, "name");
    gen = meta_str(obj, "generateName");
    if ((!name || !*name) && gen && *gen) {
        generate_name(obj, gen);
        generated = 1;
    }
    if (prepare_create(rg, obj, err) < 0 || validate(rg, obj, NULL, err) < 0)
        return -1;
    if (registry_admit_namespace(rg->st, rg, w->ns, meta_str(obj, "name"), err) < 0 ||
        admit(rg, obj, NULL, err) < 0)
        return -1;
    for (tries = 0; tries < GENERATE_TRIES; tries++) {
        if (store_new(rg, w, obj, out, err) == 0) {
            if (w->dry_run)
                unadmit(rg, obj, NULL);
            return 0;
        }
        if (err->reason != APIERR_ALREADY_EXISTS || !generated)
            break;
        memset(err, 0, sizeof(*err));
        generate_name(obj, meta_str(obj, "generateName")); /* kube retries a collision */
    }
    unadmit(rg, obj, NULL);
    if (err->reason != APIERR_ALREADY_EXISTS)
        return -1;
    memset(err, 0, sizeof(*err));
    return named_error(rg, APIERR_ALREADY_EXISTS, meta_str(obj, "name"), "already exists", err);
}

/* --- update --- */

struct update_ctx {
    const struct registry *rg;
    const struct registry_write *w;
    const char *name, *sub;
    registry_mutate_fn fn;
    void *arg;
    struct apierr *err;
    struct json_object *admitted, *admitted_old; /* what the last admit reserved for */
};

/* Admits obj, first giving back what an earlier attempt of the same update reserved. */
static int admit_update(struct update_ctx *c, struct json_object *obj, struct json_object *old)
{
    if (c->admitted)
        unadmit(c->rg, c->admitted, c->admitted_old);
    json_object_put(c->admitted);
    json_object_put(c->admitted_old);
    c->admitted = c->admitted_old = NULL;
    if (admit(c->rg, obj, old, c->err) < 0)
        return -1;
    c->admitted = json_object_get(obj);
    c->admitted_old = json_object_get(old);
    return 0;
}

/* Ends an update: what admit reserved is given back unless the write happened. */
static int end_update(struct update_ctx *c, int rc)
{
    if (c->admitted && (rc < 0 || c->w->dry_run))
        unadmit(c->rg, c->admitted, c->admitted_old);
    json_object_put(c->admitted);
    json_object_put(c->admitted_old);
    return rc;
}

static void copy_field(struct json_object *dst, struct json_object *src, const char *key)
{
    struct json_object *v = NULL;

    if (json_object_object_get_ex(src, key, &v))
        json_object_object_add(dst, key, json_object_get(v));
    else
        json_object_object_del(dst, key);
}

/* Keeps what an update may not change, as kube's BeforeUpdate and the status strategies do. */
static void keep_immutable(const struct registry *rg, struct json_object *obj,
                           struct json_object *old, const char *sub)
{
    struct json_object *meta = meta_ensure(obj), *old_meta = meta_get(old);
    static const char *const fixed[] = {"uid", "creationTimestamp", "deletionTimestamp",
                                        "deletionGracePeriodSeconds", "generation"};
    size_t i;

    for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        copy_field(meta, old_meta, fixed[i]);
    json_object_object_del(meta, "selfLink");
    if (!(rg->r->flags & RES_STATUS))
        return;
    if (strcmp(sub, "status") == 0) {
        struct json_object *st = NULL;

        if (json_object_object_get_ex(obj, "status", &st))
            json_object_get(st);
        json_object_object_foreach(old, k, v)
        {
            if (strcmp(k, "status") != 0 && strcmp(k, "metadata") != 0)
                json_object_object_add(obj, k, json_object_get(v));
        }
        json_object_object_add(obj, "status", st);
    } else {
        copy_field(obj, old, "status");
    }
}

static int check_preconditions(struct update_ctx *c, struct json_object *obj,
                               struct json_object *old, int64_t cur_rev)
{
    const char *name = meta_str(obj, "name"), *rv = meta_str(obj, "resourceVersion");
    const char *uid = meta_str(obj, "uid"), *old_uid = meta_str(old, "uid");
    char cur[24];

    if (!name || strcmp(name, c->name) != 0)
        return apierr_set(c->err, APIERR_BAD_REQUEST,
                          "the name of the object (%s) does not match the name on the URL (%s)",
                          name ? name : "", c->name);
    snprintf(cur, sizeof(cur), "%lld", (long long)cur_rev);
    if (rv && *rv && strcmp(rv, cur) != 0)
        return registry_conflict(c->rg, c->name, c->err);
    if (uid && *uid && old_uid && strcmp(uid, old_uid) != 0)
        return apierr_set(c->err, APIERR_CONFLICT,
                          "Precondition failed: UID in precondition: %s, UID in object meta: %s",
                          uid, old_uid);
    return 0;
}

static void bump_generation(const struct registry *rg, struct json_object *obj,
                            struct json_object *old)
{
    struct json_object *a = NULL, *b = NULL, *gen;
    int64_t g;

    if (!(rg->r->flags & RES_GENERATION))
        return;
    json_object_object_get_ex(obj, "spec", &a);
    json_object_object_get_ex(old, "spec", &b);
    gen = obj_get(old, "metadata.generation");
    g = gen ? json_object_get_int64(gen) : 1;
    if (!json_object_equal(a, b))
        g++;
    json_object_object_add(meta_ensure(obj), "generation", json_object_new_int64(g));
}

/* Builds the new object from the stored one; *same is set when nothing changed. */
static int build_update(struct update_ctx *c, const struct storage_obj *cur,
                        struct json_object **out, int *same)
{
    struct json_object *old = json_tokener_parse(cur->value), *obj = NULL;
    int rc = -1;

    if (!old)
        return apierr_set(c->err, APIERR_INTERNAL, "stored object is not valid JSON");
    if (c->fn(c->arg, old, &obj, c->err) < 0)
        goto out;
    if (!json_object_is_type(obj, json_type_object)) {
        apierr_set(c->err, APIERR_BAD_REQUEST, "the body of the request is not an object");
        goto out;
    }
    if (check_type(c->rg, obj, c->err) < 0 || check_namespace(c->rg, c->w, obj, c->err) < 0 ||
        check_preconditions(c, obj, old, cur->rev) < 0)
        goto out;
    keep_immutable(c->rg, obj, old, c->sub);
    if (!c->sub[0] && c->rg->r->strategy && c->rg->r->strategy->prepare_update)
        c->rg->r->strategy->prepare_update(obj, old); /* the main resource's rules only */
    meta_set_str(obj, "resourceVersion", meta_str(old, "resourceVersion") ?: "");
    if (validate(c->rg, obj, old, c->err) < 0 || admit_update(c, obj, old) < 0)
        goto out;
    bump_generation(c->rg, obj, old);
    *same = json_object_equal(obj, old);
    *out = obj;
    obj = NULL;
    rc = 0;
out:
    json_object_put(obj);
    json_object_put(old);
    return rc;
}

static int update_cb(void *arg, const struct storage_obj *cur, char **value, size_t *len,
                     struct apierr *err)
{
    struct update_ctx *c = arg;
    struct json_object *obj = NULL;
    int same = 0;

    (void)err;
    if (build_update(c, cur, &obj, &same) < 0) {
        *err = *c->err;
        return -1;
    }
    if (same) {
        *value = xstrndup(cur->value, cur->len);
        *len = cur->len;
    } else {
        *value = serialize(obj, len);
    }
    json_object_put(obj);
    return 0;
}

static int update_dry_run(struct update_ctx *c, const char *key, struct storage_obj *out)
{
    struct storage_obj cur = {0};
    struct json_object *obj = NULL;
    int same = 0, rc;

    if (storage_get(c->rg->st, key, NULL, &cur, c->err) < 0)
        return c->err->reason == APIERR_NOT_FOUND ? registry_not_found(c->rg, c->name, c->err)
                                                  : -1;
    rc = build_update(c, &cur, &obj, &same);
    if (rc == 0) {
        memset(out, 0, sizeof(*out));
        out->key = xstrdup(key);
        out->value = same ? xstrndup(cur.value, cur.len) : serialize(obj, &out->len);
        out->len = same ? cur.len : out->len;
        out->rev = cur.rev;
    }
    json_object_put(obj);
    storage_obj_release(&cur);
    return rc;
}

/* An update that removed the last finalizer of an object being deleted completes the delete. */
static int finish_pending_delete(const struct registry *rg, const char *key,
                                 struct storage_obj *out, struct apierr *err)
{
    struct json_object *obj = json_tokener_parse(out->value), *fin;
    int pending;
    struct storage_preconds pre = {.rev = out->rev};
    int64_t rev = 0;

    pending = obj && meta_str(obj, "deletionTimestamp") &&
              (!(fin = obj_get(obj, "metadata.finalizers")) ||
               !json_object_is_type(fin, json_type_array) || json_object_array_length(fin) == 0) &&
              !(rg->r->strategy && rg->r->strategy->keep_deleting &&
                rg->r->strategy->keep_deleting(obj));
    json_object_put(obj);
    if (!pending)
        return 0;
    if (storage_delete(rg->st, key, &pre, NULL, &rev, err) < 0)
        return -1;
    return 0;
}

int registry_update(const struct registry *rg, const struct registry_write *w, const char *name,
                    const char *subresource, registry_mutate_fn fn, void *arg,
                    struct storage_obj *out, struct apierr *err)
{
    struct update_ctx c = {rg, w, name, subresource ? subresource : "", fn, arg, err, NULL, NULL};
    char key[1024];

    if (registry_key(rg, w->ns, name, key, sizeof(key)) < 0)
        return registry_not_found(rg, name, err);
    if (w->dry_run)
        return end_update(&c, update_dry_run(&c, key, out));
    if (storage_update(rg->st, key, NULL, 0, update_cb, &c, out, err) < 0) {
        end_update(&c, -1);
        if (err->reason == APIERR_NOT_FOUND && !err->causes[0].type[0] && !err->kind[0]) {
            memset(err, 0, sizeof(*err));
            return registry_not_found(rg, name, err);
        }
        return -1;
    }
    end_update(&c, 0);
    return finish_pending_delete(rg, key, out, err);
}

/* --- delete --- */

struct delete_ctx {
    const struct registry *rg;
    const struct registry_delete_opts *o;
};

static int delete_check(void *arg, const struct storage_obj *cur, struct apierr *err)
{
    struct delete_ctx *c = arg;
    struct json_object *obj;
    const char *uid;
    char rv[24];
    int rc = 0;

    snprintf(rv, sizeof(rv), "%lld", (long long)cur->rev);
    if (c->o && c->o->rv && strcmp(c->o->rv, rv) != 0)
        return apierr_set(err, APIERR_CONFLICT,
                          "Precondition failed: ResourceVersion in precondition: %s, "
                          "ResourceVersion in object meta: %s",
                          c->o->rv, rv);
    if (!c->o || !c->o->uid)
        return 0;
    obj = json_tokener_parse(cur->value);
    uid = meta_str(obj, "uid");
    if (!uid || strcmp(uid, c->o->uid) != 0)
        rc = apierr_set(err, APIERR_CONFLICT,
                        "Precondition failed: UID in precondition: %s, UID in object meta: %s",
                        c->o->uid, uid ? uid : "");
    json_object_put(obj);
    return rc;
}

/* Is obj kept when deleted: metadata.finalizers, or the resource's own reason? The hook may mark
 * obj; the caller only asks. */
static int kept(const struct registry *rg, struct json_object *obj)
{
    struct json_object *f = obj_get(obj, "metadata.finalizers");

    if (f && json_object_is_type(f, json_type_array) && json_object_array_length(f) > 0)
        return 1;
    return rg->r->strategy && rg->r->strategy->keep_deleting && obj &&
           rg->r->strategy->keep_deleting(obj);
}

/* Marks an object with finalizers as being deleted; the last finalizer's removal deletes it. */
static int mark_cb(void *arg, const struct storage_obj *cur, char **value, size_t *len,
                   struct apierr *err)
{
    const struct registry *rg = arg;
    struct json_object *obj = json_tokener_parse(cur->value);
    char now[32];

    if (!obj)
        return apierr_set(err, APIERR_INTERNAL, "stored object is not valid JSON");
    if (!meta_str(obj, "deletionTimestamp")) {
        meta_now(now);
        meta_set_str(obj, "deletionTimestamp", now);
        json_object_object_add(meta_ensure(obj), "deletionGracePeriodSeconds",
                               json_object_new_int(0));
    }
    if (rg->r->strategy && rg->r->strategy->keep_deleting)
        rg->r->strategy->keep_deleting(obj);
    *value = serialize(obj, len);
    json_object_put(obj);
    return 0;
}

static int delete_dry_run(const struct registry *rg, const char *key, struct delete_ctx *c,
                          struct storage_obj *out, bool *deleted, struct apierr *err)
{
    struct json_object *obj;

    if (storage_get(rg->st, key, NULL, out, err) < 0)
        return -1;
    if (delete_check(c, out, err) < 0) {
        storage_obj_release(out);
        return -1;
    }
    obj = json_tokener_parse(out->value);
    *deleted = !kept(rg, obj);
    json_object_put(obj);
    return 0;
}

int registry_delete(const struct registry *rg, const struct registry_write *w, const char *name,
                    const struct registry_delete_opts *o, struct storage_obj *out, bool *deleted,
                    struct apierr *err)
{
    struct delete_ctx c = {rg, o};
    struct storage_preconds pre = {.check = delete_check, .check_arg = &c};
    struct storage_obj cur = {0};
    struct json_object *obj;
    char key[1024];
    int fin, rc;

    if (registry_key(rg, w->ns, name, key, sizeof(key)) < 0)
        return registry_not_found(rg, name, err);
    if (w->dry_run)
        rc = delete_dry_run(rg, key, &c, out, deleted, err);
    else if (storage_get(rg->st, key, NULL, &cur, err) < 0)
        rc = -1;
    else {
        obj = json_tokener_parse(cur.value);
        fin = kept(rg, obj);
        json_object_put(obj);
        storage_obj_release(&cur);
        *deleted = !fin;
        rc = fin ? storage_update(rg->st, key, &pre, 0, mark_cb, (void *)rg, out, err)
                 : storage_delete(rg->st, key, &pre, out, NULL, err);
    }
    if (rc < 0 && err->reason == APIERR_NOT_FOUND) {
        memset(err, 0, sizeof(*err));
        return registry_not_found(rg, name, err);
    }
    return rc;
}
