#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "generic/auth/pki.h"
#include "generic/auth/pki_internal.h"

/* What differs between the four certificates; extension values use openssl.cnf syntax. */
struct profile {
    const char *crt, *key;
    const char *cn, *org; /* a CA's CN gets "@<unix time>" appended */
    const char *basic, *usage, *eku;
    int ca, sans;
};

#define CA_EXTS                                                                                    \
    .basic = "critical,CA:TRUE", .usage = "critical,keyCertSign,cRLSign,digitalSignature"
#define LEAF_EXTS .basic = "critical,CA:FALSE", .usage = "critical,digitalSignature"

static const struct profile serving_ca = {
    .crt = PKI_CA_CRT, .key = PKI_CA_KEY, .cn = "kube-apiserver-ca", CA_EXTS, .ca = 1};
static const struct profile serving = {.crt = PKI_SERVING_CRT,
                                       .key = PKI_SERVING_KEY,
                                       .cn = "kube-apiserver",
                                       LEAF_EXTS,
                                       .eku = "serverAuth",
                                       .sans = 1};
static const struct profile client_ca = {.crt = PKI_CLIENT_CA_CRT,
                                         .key = PKI_CLIENT_CA_KEY,
                                         .cn = "kube-apiserver-client-ca",
                                         CA_EXTS,
                                         .ca = 1};
static const struct profile admin = {.crt = PKI_ADMIN_CRT,
                                     .key = PKI_ADMIN_KEY,
                                     .cn = PKI_ADMIN_USER,
                                     .org = PKI_ADMIN_GROUP,
                                     LEAF_EXTS,
                                     .eku = "clientAuth"};

struct pair {
    X509 *cert;
    EVP_PKEY *key;
};

static void pair_release(struct pair *p)
{
    X509_free(p->cert);
    EVP_PKEY_free(p->key);
    p->cert = NULL;
    p->key = NULL;
}

static time_t opts_now(const struct pki_options *o)
{
    return o->now ? o->now : time(NULL);
}

static int set_serial(X509 *x, struct apierr *err)
{
    BIGNUM *bn = BN_new();
    int ok;

    /* 128 bits with the top one set: never zero, 127 of them random */
    ok = bn && BN_rand(bn, 128, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) &&
         BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
    BN_free(bn);
    return ok ? 0 : pki_ossl_err(err, "serial number");
}

static int set_subject(X509 *x, const struct profile *p, time_t now, struct apierr *err)
{
    X509_NAME *name = X509_get_subject_name(x);
    char cn[128];

    if (p->ca)
        snprintf(cn, sizeof(cn), "%s@%lld", p->cn, (long long)now);
    else
        snprintf(cn, sizeof(cn), "%s", p->cn);
    if (p->org && !X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                                              (const unsigned char *)p->org, -1, -1, 0))
        return pki_ossl_err(err, "subject");
    if (!X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1,
                                    0))
        return pki_ossl_err(err, "subject");
    return 0;
}

/* Version, serial, validity, subject and public key: all but extensions and the signature. */
static X509 *new_cert(const struct profile *p, EVP_PKEY *key, const struct pki_options *o,
                      struct apierr *err)
{
    time_t now = opts_now(o);
    long days = p->ca ? PKI_CA_DAYS : (o->leaf_days ? (long)o->leaf_days : PKI_LEAF_DAYS);
    X509 *x = X509_new();

    if (!x)
        abort();
    /* an hour of slack for clients whose clocks run behind ours */
    if (!X509_set_version(x, X509_VERSION_3) ||
        !X509_time_adj_ex(X509_getm_notBefore(x), 0, -3600, &now) ||
        !X509_time_adj_ex(X509_getm_notAfter(x), (int)days, 0, &now) || !X509_set_pubkey(x, key)) {
        pki_ossl_err(err, "new certificate");
        goto fail;
    }
    if (set_serial(x, err) < 0 || set_subject(x, p, now, err) < 0)
        goto fail;
    return x;
fail:
    X509_free(x);
    return NULL;
}

static int add_ext(X509 *x, X509 *issuer, int nid, const char *value, struct apierr *err)
{
    X509V3_CTX ctx;
    X509_EXTENSION *ext;
    int ok;

    X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
    ext = X509V3_EXT_nconf_nid(NULL, &ctx, nid, value);
    if (!ext)
        return pki_ossl_err(err, OBJ_nid2sn(nid));
    ok = X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    return ok ? 0 : pki_ossl_err(err, OBJ_nid2sn(nid));
}

/* Host names as they appear in certificates: letters, digits, '-', '.', '_' and a '*'. */
static int dns_name_ok(const char *s)
{
    if (!*s || strlen(s) > 253)
        return 0;
    for (; *s; s++) {
        if (!isalnum((unsigned char)*s) && !strchr("-._*", *s))
            return 0;
    }
    return 1;
}

static int push_name(GENERAL_NAMES *gens, GENERAL_NAME *g)
{
    int i;

    for (i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
        if (GENERAL_NAME_cmp(sk_GENERAL_NAME_value(gens, i), g) == 0) {
            GENERAL_NAME_free(g);
            return 0;
        }
    }
    if (!sk_GENERAL_NAME_push(gens, g))
        abort();
    return 0;
}

static int add_dns(GENERAL_NAMES *gens, const char *name, struct apierr *err)
{
    ASN1_IA5STRING *s;
    GENERAL_NAME *g;

    if (!dns_name_ok(name))
        return apierr_set(err, APIERR_INVALID, "invalid DNS name for certificate: \"%.64s\"", name);
    s = ASN1_IA5STRING_new();
    g = GENERAL_NAME_new();
    if (!s || !g || !ASN1_STRING_set(s, name, -1))
        abort();
    GENERAL_NAME_set0_value(g, GEN_DNS, s);
    return push_name(gens, g);
}

static int add_ip(GENERAL_NAMES *gens, const char *ip, struct apierr *err)
{
    ASN1_OCTET_STRING *s = a2i_IPADDRESS(ip);
    GENERAL_NAME *g;

    ERR_clear_error();
    if (!s)
        return apierr_set(err, APIERR_INVALID, "invalid IP address for certificate: \"%.64s\"", ip);
    g = GENERAL_NAME_new();
    if (!g)
        abort();
    GENERAL_NAME_set0_value(g, GEN_IPADD, s);
    return push_name(gens, g);
}

static int add_names(GENERAL_NAMES *gens, const char *const *dns, const char *const *ips,
                     struct apierr *err)
{
    for (; dns && *dns; dns++) {
        if (add_dns(gens, *dns, err) < 0)
            return -1;
    }
    for (; ips && *ips; ips++) {
        if (add_ip(gens, *ips, err) < 0)
            return -1;
    }
    return 0;
}

static int add_sans(X509 *x, const struct pki_options *o, struct apierr *err)
{
    static const char *const dns[] = {"localhost", "kubernetes", "kubernetes.default",
                                      "kubernetes.default.svc", NULL};
    static const char *const ips[] = {"127.0.0.1", "::1", NULL};
    GENERAL_NAMES *gens = sk_GENERAL_NAME_new_null();
    char host[256] = "";
    const char *hosts[] = {host, NULL};
    int rc = -1;

    if (!gens)
        abort();
    /* an odd host name is skipped: it is not the user's mistake */
    if (gethostname(host, sizeof(host) - 1) < 0 || !dns_name_ok(host))
        hosts[0] = NULL;
    if (add_names(gens, dns, ips, err) < 0 || add_names(gens, hosts, NULL, err) < 0 ||
        add_names(gens, o->extra_dns, o->extra_ips, err) < 0)
        goto out;
    if (!X509_add1_ext_i2d(x, NID_subject_alt_name, gens, 0, X509V3_ADD_DEFAULT)) {
        pki_ossl_err(err, "subjectAltName");
        goto out;
    }
    rc = 0;
out:
    GENERAL_NAMES_free(gens);
    return rc;
}

static int add_exts(X509 *x, const struct profile *p, X509 *issuer, const struct pki_options *o,
                    struct apierr *err)
{
    if (add_ext(x, issuer, NID_basic_constraints, p->basic, err) < 0 ||
        add_ext(x, issuer, NID_key_usage, p->usage, err) < 0 ||
        (p->eku && add_ext(x, issuer, NID_ext_key_usage, p->eku, err) < 0))
        return -1;
    /* the subject key id first: a CA's authority key id is its own */
    if (add_ext(x, issuer, NID_subject_key_identifier, "hash", err) < 0 ||
        add_ext(x, issuer, NID_authority_key_identifier, "keyid:always", err) < 0)
        return -1;
    return p->sans ? add_sans(x, o, err) : 0;
}

/* A new key and certificate in *out, signed by ca, or by itself when ca is NULL. On error the
 * caller releases *out. */
static int generate(const struct profile *p, const struct pair *ca, const struct pki_options *o,
                    struct pair *out, struct apierr *err)
{
    X509 *issuer;

    out->key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    if (!out->key)
        return pki_ossl_err(err, "generate key");
    out->cert = new_cert(p, out->key, o, err);
    if (!out->cert)
        return -1;
    issuer = ca ? ca->cert : out->cert;
    if (!X509_set_issuer_name(out->cert, X509_get_subject_name(issuer)))
        return pki_ossl_err(err, "issuer");
    if (add_exts(out->cert, p, issuer, o, err) < 0)
        return -1;
    if (!X509_sign(out->cert, ca ? ca->key : out->key, EVP_sha256()))
        return pki_ossl_err(err, "sign certificate");
    return 0;
}

static int write_pem(const char *path, BIO *bio, mode_t mode, struct apierr *err)
{
    char *data;
    long len = BIO_get_mem_data(bio, &data);
    int rc = pki_write_atomic(path, data, (size_t)len, mode, err);

    OPENSSL_cleanse(data, (size_t)len);
    return rc;
}

/* The key first: a certificate on disk always has its key beside it. */
static int save_pair(const char *crt, const char *key, const struct pair *p, struct apierr *err)
{
    BIO *kb = BIO_new(BIO_s_mem()), *cb = BIO_new(BIO_s_mem());
    int rc = -1;

    if (!kb || !cb)
        abort();
    if (!PEM_write_bio_PrivateKey(kb, p->key, NULL, NULL, 0, NULL, NULL) ||
        !PEM_write_bio_X509(cb, p->cert))
        pki_ossl_err(err, "encode PEM");
    else if (write_pem(key, kb, 0600, err) == 0 && write_pem(crt, cb, 0644, err) == 0)
        rc = 0;
    BIO_free(kb);
    BIO_free(cb);
    return rc;
}

/* 1: loaded into *out; 0: no certificate (a lone key is a leftover of save_pair); -1: error. */
static int load_pair(const char *crt, const char *key, struct pair *out, struct apierr *err)
{
    struct apierr e = {0};

    out->cert = pki_read_cert(crt, &e);
    if (!out->cert && e.reason == APIERR_NOT_FOUND)
        return 0;
    if (!out->cert) {
        *err = e;
        return -1;
    }
    out->key = pki_read_key(key, &e);
    if (!out->key && e.reason == APIERR_NOT_FOUND)
        return apierr_set(err, APIERR_INTERNAL, "%s exists but %s is missing", crt, key);
    if (!out->key) {
        *err = e;
        return -1;
    }
    if (EVP_PKEY_eq(X509_get0_pubkey(out->cert), out->key) != 1) {
        ERR_clear_error();
        return apierr_set(err, APIERR_INTERNAL, "%s does not match %s", key, crt);
    }
    return 1;
}

/* What a loaded pair must satisfy to be used as it is. */
static int check_pair(const char *crt, const struct pair *p, const struct pair *ca, time_t now,
                      struct apierr *err)
{
    X509 *issuer = ca ? ca->cert : p->cert;
    int ok;

    if (X509_cmp_time(X509_get0_notAfter(p->cert), &now) <= 0)
        return apierr_set(err, APIERR_INTERNAL, "%s has expired; remove it and its key", crt);
    if (!ca && X509_check_ca(p->cert) == 0)
        return apierr_set(err, APIERR_INTERNAL, "%s is not a CA certificate", crt);
    ok = X509_check_issued(issuer, p->cert) == X509_V_OK &&
         X509_verify(p->cert, X509_get0_pubkey(issuer)) == 1;
    ERR_clear_error();
    if (!ok)
        return apierr_set(err, APIERR_INTERNAL, "%s is not signed by %s; remove it and its key",
                          crt, ca ? "its CA" : "itself");
    return 0;
}

static int ensure_pair(const struct profile *p, const struct pair *ca, const struct pki_options *o,
                       struct pair *out, struct apierr *err)
{
    char crt[PKI_PATH_MAX], key[PKI_PATH_MAX];
    int rc;

    if (pki_path(crt, o->dir, p->crt, err) < 0 || pki_path(key, o->dir, p->key, err) < 0)
        return -1;
    rc = load_pair(crt, key, out, err);
    if (rc > 0)
        return check_pair(crt, out, ca, opts_now(o), err);
    if (rc < 0)
        return -1;
    if (generate(p, ca, o, out, err) < 0)
        return -1;
    return save_pair(crt, key, out, err);
}

static int ensure_chain(const struct pki_options *o, const struct profile *cap,
                        const struct profile *leafp, struct apierr *err)
{
    struct pair ca = {0}, leaf = {0};
    int rc = -1;

    if (pki_mkdir(o->dir, err) < 0)
        return -1;
    if (ensure_pair(cap, NULL, o, &ca, err) == 0 && ensure_pair(leafp, &ca, o, &leaf, err) == 0)
        rc = 0;
    pair_release(&ca);
    pair_release(&leaf);
    return rc;
}

int pki_ensure_serving(const struct pki_options *o, struct apierr *err)
{
    return ensure_chain(o, &serving_ca, &serving, err);
}

int pki_ensure_client(const struct pki_options *o, struct apierr *err)
{
    return ensure_chain(o, &client_ca, &admin, err);
}
