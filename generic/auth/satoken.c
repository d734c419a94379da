#ifndef PKI_PATH_MAX
#define PKI_PATH_MAX 4096
#endif
/* Service account token keys, issuing and claims. The checks of a presented token are in
 * satoken_verify.c. */
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "generic/apis/meta.h"
#include "generic/apis/xalloc.h"
#include "generic/auth/jwt.h"
#include "generic/auth/pki_internal.h"
#include "generic/auth/satoken_internal.h"

static void copy_list(char **dst, const char *const *src, size_t max)
{
    size_t i;

    for (i = 0; src && src[i] && i < max; i++)
        dst[i] = xstrdup(src[i]);
    dst[i] = NULL;
}

/* A PEM block as a public key: public and private keys of either kind, or a certificate. */
static EVP_PKEY *pem_block_key(const char *name, const unsigned char *data, long len)
{
    const unsigned char *p = data;
    EVP_PKEY *key = NULL;
    X509 *cert;

    if (strcmp(name, "PUBLIC KEY") == 0)
        key = d2i_PUBKEY(NULL, &p, len);
    else if (strcmp(name, "RSA PUBLIC KEY") == 0)
        key = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, len);
    else if (strstr(name, "PRIVATE KEY") && !strstr(name, "ENCRYPTED"))
        key = d2i_AutoPrivateKey(NULL, &p, len);
    else if (strcmp(name, "CERTIFICATE") == 0 && (cert = d2i_X509(NULL, &p, len))) {
        key = X509_get_pubkey(cert);
        X509_free(cert);
    }
    return key;
}

/* Adds every key of a PEM file to t's verification keys. */
static int load_key_file(struct satoken *t, const char *path, struct apierr *err)
{
    char *text, *name, *header;
    unsigned char *data;
    size_t len, before = t->nkeys;
    long dlen;
    BIO *bio;

    if (pki_read_file(path, &text, &len, err) < 0)
        return -1;
    bio = BIO_new_mem_buf(text, (int)len);
    while (bio && PEM_read_bio(bio, &name, &header, &data, &dlen) == 1) {
        EVP_PKEY *key = pem_block_key(name, data, dlen);

        if (key && jwt_alg(key) && t->nkeys < SATOKEN_MAX_KEYS)
            t->keys[t->nkeys++] = key;
        else
            EVP_PKEY_free(key);
        OPENSSL_free(name);
        OPENSSL_free(header);
        OPENSSL_clear_free(data, (size_t)dlen);
    }
    BIO_free(bio);
    OPENSSL_cleanse(text, len);
    free(text);
    ERR_clear_error();
    if (t->nkeys == before)
        return apierr_set(err, APIERR_INTERNAL, "%s: no RSA or EC P-256 key in PEM form", path);
    return 0;
}

/* An RSA 2048 key, as kubeadm makes sa.key: RS256 is what every OIDC consumer of the issuer's
 * keys must support, ES256 only optionally. Written atomically, mode 0600. */
static EVP_PKEY *generate_key(const char *path, struct apierr *err)
{
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    char dir[PKI_PATH_MAX], *pem;
    BIO *bio = BIO_new(BIO_s_mem());
    long len;
    int rc;

    snprintf(dir, sizeof(dir), "%s", path);
    if (!key || !bio || !PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL)) {
        BIO_free(bio);
        EVP_PKEY_free(key);
        pki_ossl_err(err, "cannot generate the service account key");
        return NULL;
    }
    len = BIO_get_mem_data(bio, &pem);
    rc =
        pki_mkdir(dirname(dir), err) < 0 ? -1 : pki_write_atomic(path, pem, (size_t)len, 0600, err);
    BIO_free(bio);
    if (rc < 0) {
        EVP_PKEY_free(key);
        return NULL;
    }
    return key;
}

static int load_signer(struct satoken *t, const struct satoken_config *cfg, struct apierr *err)
{
    bool given = cfg->signing_key_file && *cfg->signing_key_file;
    const char *path = given ? cfg->signing_key_file : cfg->generated_key_file;

    if (!path || !*path)
        return apierr_set(err, APIERR_INTERNAL, "no service account signing key");
    t->signer = pki_read_key(path, err);
    if (!t->signer && err->reason == APIERR_NOT_FOUND && !given) {
        memset(err, 0, sizeof(*err));
        t->signer = generate_key(path, err);
    }
    if (!t->signer)
        return -1;
    if (!jwt_alg(t->signer))
        return apierr_set(err, APIERR_INTERNAL, "%s: the key is neither RSA nor EC P-256", path);
    if (jwt_key_id(t->signer, t->kid) < 0)
        return apierr_set(err, APIERR_INTERNAL, "%s: cannot encode the public key", path);
    return 0;
}

struct satoken *satoken_new(const struct satoken_config *cfg, struct apierr *err)
{
    struct satoken *t = xcalloc(1, sizeof(*t));
    size_t i;

    t->issuer = xstrdup(cfg->issuer ? cfg->issuer : "");
    copy_list(t->audiences, cfg->audiences, SATOKEN_MAX_AUDIENCES);
    t->st = cfg->storage;
    if (!t->audiences[0]) {
        apierr_set(err, APIERR_INTERNAL, "service account tokens need an API audience");
        goto fail;
    }
    if (load_signer(t, cfg, err) < 0)
        goto fail;
    for (i = 0; cfg->key_files && cfg->key_files[i] && *cfg->key_files[i]; i++) {
        if (load_key_file(t, cfg->key_files[i], err) < 0)
            goto fail;
    }
    if (t->nkeys == 0 && EVP_PKEY_up_ref(t->signer) == 1)
        t->keys[t->nkeys++] = t->signer;
    return t;
fail:
    satoken_free(t);
    return NULL;
}

void satoken_free(struct satoken *t)
{
    size_t i;

    if (!t)
        return;
    for (i = 0; i < t->nkeys; i++)
        EVP_PKEY_free(t->keys[i]);
    EVP_PKEY_free(t->signer);
    for (i = 0; t->audiences[i]; i++)
        free(t->audiences[i]);
    free(t->issuer);
    free(t);
}

const char *const *satoken_audiences(const struct satoken *t)
{
    return (const char *const *)t->audiences;
}

const char *satoken_key_id(const struct satoken *t)
{
    return t->kid;
}

static struct json_object *ref(const char *name, const char *uid)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "name", json_object_new_string(name ? name : ""));
    json_object_object_add(o, "uid", json_object_new_string(uid ? uid : ""));
    return o;
}

/* "kubernetes.io": namespace, then the bound objects and the service account, keys sorted as
 * kube's encoder writes them. */
static struct json_object *kube_claims(const struct satoken_request *r)
{
    static const char *const bound[] = {"node", "pod", "secret"};
    struct json_object *k = json_object_new_object(), *v;
    size_t i;

    json_object_object_add(k, "namespace", json_object_new_string(r->ns));
    for (i = 0; i < sizeof(bound) / sizeof(bound[0]); i++) {
        if (r->bound && json_object_object_get_ex(r->bound, bound[i], &v))
            json_object_object_add(k, bound[i], ref(obj_get_str(v, "name"), obj_get_str(v, "uid")));
    }
    json_object_object_add(k, "serviceaccount", ref(r->name, r->uid));
    return k;
}

static struct json_object *audience_array(const struct satoken *t, const char *const *auds)
{
    struct json_object *a = json_object_new_array();
    size_t i;

    if (!auds || !auds[0])
        auds = satoken_audiences(t);
    for (i = 0; auds[i]; i++)
        json_object_array_add(a, json_object_new_string(auds[i]));
    return a;
}

int satoken_issue(struct satoken *t, const struct satoken_request *r, char **token, int64_t *exp,
                  struct apierr *err)
{
    int64_t now = r->now ? r->now : (int64_t)time(NULL);
    struct json_object *c = json_object_new_object();
    char jti[37], sub[600];
    int rc;

    if (r->jti)
        snprintf(jti, sizeof(jti), "%s", r->jti);
    else
        meta_new_uid(jti);
    snprintf(sub, sizeof(sub), "system:serviceaccount:%s:%s", r->ns, r->name);
    *exp = now + r->expiration_seconds;
    json_object_object_add(c, "aud", audience_array(t, r->audiences));
    json_object_object_add(c, "exp", json_object_new_int64(*exp));
    json_object_object_add(c, "iat", json_object_new_int64(now));
    json_object_object_add(c, "iss", json_object_new_string(t->issuer));
    json_object_object_add(c, "jti", json_object_new_string(jti));
    json_object_object_add(c, "kubernetes.io", kube_claims(r));
    json_object_object_add(c, "nbf", json_object_new_int64(now));
    json_object_object_add(c, "sub", json_object_new_string(sub));
    rc = jwt_sign(t->signer, t->kid, c, token, err);
    json_object_put(c);
    return rc;
}
