/* Service account tokens: kube's TokenRequest issuer and its token authenticator
 * (pkg/serviceaccount). Tokens are JWTs with kube's claims (iss, sub
 * system:serviceaccount:<ns>:<name>, aud, exp, iat, nbf, jti and "kubernetes.io" naming the
 * namespace, the service account and the object the token is bound to), signed with the
 * --service-account-signing-key-file key. A token authenticates while its signature, issuer,
 * audience and lifetime are good and the service account (and a bound pod or secret) still exists
 * with the uid the token names. */
#ifndef GENERIC_AUTH_SATOKEN_H
#define GENERIC_AUTH_SATOKEN_H

#include <stdint.h>

#include "generic/apis/apierr.h"
#include "generic/http/req.h"

struct json_object;
struct satoken;
struct storage;

#define SATOKEN_MAX_KEYS      16
#define SATOKEN_MAX_AUDIENCES 16

struct satoken_config {
    const char *issuer;             /* iss of issued tokens, the only one accepted */
    const char *const *audiences;   /* the API audiences, NULL-terminated, at least one: issued
                                     * tokens name them by default, accepted ones name one */
    const char *signing_key_file;   /* PEM private key, RSA (RS256) or EC P-256 (ES256); NULL:
                                     * generated_key_file */
    const char *const *key_files;   /* PEM public or private keys that verify tokens, several per
                                     * file, NULL-terminated; NULL or empty: the signing key */
    const char *generated_key_file; /* with no signing_key_file: an RSA 2048 key kept here,
                                     * generated (mode 0600) when absent and reused after */
    struct storage *storage;        /* where service accounts live; borrowed */
};

/* Loads (or generates) the keys. Everything in cfg is copied. NULL with err (naming the file) on
 * failure. */
struct satoken *satoken_new(const struct satoken_config *cfg, struct apierr *err);
/* satoken_free(NULL) does nothing. */
void satoken_free(struct satoken *t);

/* The API audiences (NULL-terminated, borrowed) and the signing key's id (the header's kid). */
const char *const *satoken_audiences(const struct satoken *t);
const char *satoken_key_id(const struct satoken *t);

struct satoken_request {
    const char *ns, *name, *uid;  /* the service account */
    const char *const *audiences; /* NULL or empty: the API audiences */
    int64_t expiration_seconds;
    int64_t now;     /* Unix seconds; 0: the clock */
    const char *jti; /* NULL: a new random uuid */
    /* The object the token is bound to, and the pod's node when known: {"pod": {"name", "uid"}},
     * {"secret": ...}, {"node": ...}; borrowed, may be NULL. Merged into "kubernetes.io". */
    struct json_object *bound;
};

/* Issues a token; *token is a new string the caller frees and *exp its expiry (Unix seconds). */
int satoken_issue(struct satoken *t, const struct satoken_request *r, char **token, int64_t *exp,
                  struct apierr *err);

/* A bearer-token authenticator (struct authn_token's shape), arg a struct satoken: returns 0 when
 * token is no JWT of this issuer (someone else's to judge), 1 with *user filled
 * (system:serviceaccount:<ns>:<name>, its uid, the groups system:serviceaccounts and
 * system:serviceaccounts:<ns>) when it is valid for one of audiences (NULL: the API audiences),
 * and -1 with err's message saying why when it is ours and not valid. */
int satoken_authenticate(void *arg, const char *token, const char *const *audiences,
                         struct req_user *user, struct apierr *err);

/* The same with now given (Unix seconds), for tests. */
int satoken_authenticate_at(struct satoken *t, const char *token, const char *const *audiences,
                            int64_t now, struct req_user *user, struct apierr *err);

#endif
