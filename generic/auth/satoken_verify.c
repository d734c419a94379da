/* Authenticating a presented service account token: kube's jwtTokenAuthenticator and its
 * validator (pkg/serviceaccount/jwt.go, claims.go), with their messages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "generic/apis/base64.h"
#include "generic/apis/meta.h"
#include "generic/apis/xalloc.h"
#include "generic/auth/satoken_internal.h"
#include "generic/storage/storage.h"

#define LEEWAY 60 /* go-jose's DefaultLeeway, which kube's checks use */

/* The iss of a token's claims, read before its signature is checked (kube's hasCorrectIssuer):
 * only tokens of our issuer are ours to judge. */
static int is_ours(const struct satoken *t, const char *token)
{
    const char *a = strchr(token, '.'), *b = a ? strchr(a + 1, '.') : NULL;
    unsigned char *buf;
    struct json_object *c;
    long n;
    int ours = 0;

    if (!jwt_looks_like(token))
        return 0;
    buf = xmalloc(base64_decoded_max((size_t)(b - a - 1)) + 1);
    n = base64_decode(buf, a + 1, (size_t)(b - a - 1), BASE64_URL | BASE64_RAW, NULL);
    if (n > 0) {
        struct json_tokener *tok = json_tokener_new_ex(32);

        c = json_tokener_parse_ex(tok, (const char *)buf, (int)n);
        json_tokener_free(tok);
        ours = c && json_object_is_type(c, json_type_object) && obj_get_str(c, "iss") &&
               strcmp(obj_get_str(c, "iss"), t->issuer) == 0;
        json_object_put(c);
    }
    free(buf);
    return ours;
}

static int64_t claim_time(struct json_object *c, const char *key, int *present)
{
    struct json_object *v;

    *present = json_object_object_get_ex(c, key, &v) &&
               (json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double));
    return *present ? json_object_get_int64(v) : 0;
}

/* exp, nbf and iat, each with a minute of leeway. */
static int check_times(struct json_object *c, int64_t now, struct apierr *err)
{
    int has;
    int64_t exp = claim_time(c, "exp", &has);

    if (!has || now > exp + LEEWAY)
        return apierr_set(err, APIERR_UNAUTHORIZED, "service account token has expired");
    if (claim_time(c, "nbf", &has) > now + LEEWAY && has)
        return apierr_set(err, APIERR_UNAUTHORIZED, "service account token is not valid yet");
    if (claim_time(c, "iat", &has) > now + LEEWAY && has)
        return apierr_set(err, APIERR_UNAUTHORIZED,
                          "service account token is issued in the future");
    return 0;
}

static int has_audience(struct json_object *aud, const char *want)
{
    size_t i;

    if (json_object_is_type(aud, json_type_string))
        return strcmp(json_object_get_string(aud), want) == 0;
    for (i = 0; json_object_is_type(aud, json_type_array) && i < json_object_array_length(aud);
         i++) {
        struct json_object *v = json_object_array_get_idx(aud, i);

        if (json_object_is_type(v, json_type_string) &&
            strcmp(json_object_get_string(v), want) == 0)
            return 1;
    }
    return 0;
}

/* A NULL-terminated list as Go's %q prints a []string: ["a" "b"]. */
static void quoted_list(const char *const *v, char *buf, size_t n)
{
    size_t i, len = (size_t)snprintf(buf, n, "[");

    for (i = 0; v[i] && len < n; i++)
        len += (size_t)snprintf(buf + len, n - len, "%s\"%s\"", i ? " " : "", v[i]);
    if (len < n)
        snprintf(buf + len, n - len, "]");
}

static int check_audience(struct json_object *c, const char *const *auds, struct apierr *err)
{
    struct json_object *aud = NULL;
    char want[512];
    size_t i;

    json_object_object_get_ex(c, "aud", &aud);
    for (i = 0; auds[i]; i++) {
        if (has_audience(aud, auds[i]))
            return 0;
    }
    quoted_list(auds, want, sizeof(want));
    return apierr_set(err, APIERR_UNAUTHORIZED,
                      "token audiences %s is invalid for the target audiences %s",
                      aud ? json_object_to_json_string_ext(aud, JSON_C_TO_STRING_PLAIN |
                                                                    JSON_C_TO_STRING_NOSLASHESCAPE)
                          : "[]",
                      want);
}

/* The object named by kubernetes.io.<what> must exist at prefix/<ns>/<name> with that uid. */
static int check_object(struct satoken *t, struct json_object *ref, const char *what,
                        const char *ns, struct apierr *err)
{
    const char *name = obj_get_str(ref, "name"), *uid = obj_get_str(ref, "uid"), *have;
    struct storage_obj o = {0};
    struct json_object *obj;
    char key[1024];
    int rc = 0;

    if (!name || !uid || !*name)
        return apierr_set(err, APIERR_UNAUTHORIZED, "token names no %s", what);
    if (!t->st)
        return apierr_set(err, APIERR_UNAUTHORIZED, "no store to look up %ss in", what);
    snprintf(key, sizeof(key), "/registry/%ss/%s/%s", what, ns, name);
    if (storage_get(t->st, key, NULL, &o, err) < 0) {
        if (err->reason == APIERR_NOT_FOUND)
            apierr_set(err, APIERR_UNAUTHORIZED, "%ss \"%s\" not found", what, name);
        err->reason = APIERR_UNAUTHORIZED;
        return -1;
    }
    obj = json_tokener_parse(o.value);
    have = meta_str(obj, "uid");
    if (!have || strcmp(have, uid) != 0)
        rc = apierr_set(err, APIERR_UNAUTHORIZED, "%s UID (%s) does not match claim (%s)",
                        strcmp(what, "serviceaccount") == 0 ? "service account" : what,
                        have ? have : "", uid);
    json_object_put(obj);
    storage_obj_release(&o);
    return rc;
}

/* The service account, and the pod or secret the token is bound to, still exist. */
static int check_subject(struct satoken *t, struct json_object *c, struct req_user *u,
                         struct apierr *err)
{
    struct json_object *k = NULL, *v; /* a dotted path would split "kubernetes.io" */
    const char *ns, *name, *sub = obj_get_str(c, "sub");
    char want[600];

    json_object_object_get_ex(c, "kubernetes.io", &k);
    ns = obj_get_str(k, "namespace");
    name = obj_get_str(k, "serviceaccount.name");
    if (!ns || !name || !*ns)
        return apierr_set(err, APIERR_UNAUTHORIZED, "token names no service account");
    snprintf(want, sizeof(want), "system:serviceaccount:%s:%s", ns, name);
    if (!sub || strcmp(sub, want) != 0)
        return apierr_set(err, APIERR_UNAUTHORIZED, "token subject does not match its claims");
    if (check_object(t, obj_get(k, "serviceaccount"), "serviceaccount", ns, err) < 0)
        return -1;
    if (json_object_object_get_ex(k, "pod", &v) && check_object(t, v, "pod", ns, err) < 0)
        return -1;
    if (json_object_object_get_ex(k, "secret", &v) && check_object(t, v, "secret", ns, err) < 0)
        return -1;
    if (strlen(want) >= sizeof(u->name))
        return apierr_set(err, APIERR_UNAUTHORIZED, "service account name too long");
    memset(u, 0, sizeof(*u));
    memcpy(u->name, want, strlen(want) + 1);
    snprintf(u->uid, sizeof(u->uid), "%s", obj_get_str(k, "serviceaccount.uid"));
    snprintf(u->groups[u->ngroups++], sizeof(u->groups[0]), "system:serviceaccounts");
    snprintf(u->groups[u->ngroups++], sizeof(u->groups[0]), "system:serviceaccounts:%s", ns);
    return 0;
}

int satoken_authenticate_at(struct satoken *t, const char *token, const char *const *audiences,
                            int64_t now, struct req_user *user, struct apierr *err)
{
    struct json_object *c = NULL;
    int rc = -1;

    if (!is_ours(t, token))
        return 0;
    if (!audiences || !audiences[0])
        audiences = satoken_audiences(t);
    if (jwt_verify(token, t->keys, t->nkeys, &c, err) == 0 && check_times(c, now, err) == 0 &&
        check_audience(c, audiences, err) == 0 && check_subject(t, c, user, err) == 0)
        rc = 1;
    json_object_put(c);
    return rc;
}

int satoken_authenticate(void *arg, const char *token, const char *const *audiences,
                         struct req_user *user, struct apierr *err)
{
    return satoken_authenticate_at(arg, token, audiences, (int64_t)time(NULL), user, err);
}
