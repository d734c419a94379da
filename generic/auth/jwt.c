#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "generic/apis/base64.h"
#include "generic/apis/xalloc.h"
#include "generic/auth/jwt.h"

#define HEADER_MAX 1024 /* a header is {"alg":..,"kid":..}; anything larger is not ours */
#define ES256_LEN  64   /* R and S, 32 bytes each (RFC 7518 §3.4) */
#define B64URL     (BASE64_URL | BASE64_RAW) /* JWS compact form (RFC 7515 §2) */

int jwt_key_id(EVP_PKEY *key, char out[JWT_KID_LEN + 1])
{
    unsigned char *der = NULL, sum[SHA256_DIGEST_LENGTH];
    int len = i2d_PUBKEY(key, &der);

    if (len <= 0) {
        ERR_clear_error();
        return -1;
    }
    SHA256(der, (size_t)len, sum);
    OPENSSL_free(der);
    base64_encode(out, sum, sizeof(sum), B64URL);
    return 0;
}

const char *jwt_alg(EVP_PKEY *key)
{
    char group[32];

    if (EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA)
        return "RS256";
    if (EVP_PKEY_get_base_id(key) == EVP_PKEY_EC &&
        EVP_PKEY_get_group_name(key, group, sizeof(group), NULL) == 1 &&
        strcmp(group, "prime256v1") == 0)
        return "ES256";
    return NULL;
}

/* ECDSA signatures are DER in OpenSSL and R||S in JWS. */
static int ecdsa_der_to_raw(const unsigned char *der, size_t len, unsigned char raw[ES256_LEN])
{
    ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &der, (long)len);
    const BIGNUM *r, *s;
    int ok;

    if (!sig)
        return -1;
    ECDSA_SIG_get0(sig, &r, &s);
    ok = BN_bn2binpad(r, raw, 32) == 32 && BN_bn2binpad(s, raw + 32, 32) == 32;
    ECDSA_SIG_free(sig);
    return ok ? 0 : -1;
}

static int ecdsa_raw_to_der(const unsigned char raw[ES256_LEN], unsigned char **der)
{
    ECDSA_SIG *sig = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(raw, 32, NULL), *s = BN_bin2bn(raw + 32, 32, NULL);
    int len;

    if (!sig || !r || !s || ECDSA_SIG_set0(sig, r, s) != 1) {
        BN_free(r);
        BN_free(s);
        ECDSA_SIG_free(sig);
        return -1;
    }
    *der = NULL;
    len = i2d_ECDSA_SIG(sig, der);
    ECDSA_SIG_free(sig);
    return len;
}

/* SHA-256 signature of data, in JWS form; *sig is the caller's (free). */
static int sign_bytes(EVP_PKEY *key, const char *data, size_t len, unsigned char **sig,
                      size_t *siglen)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char *der = NULL;
    size_t n = 0;
    int rc = -1;

    if (!md || EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) != 1 ||
        EVP_DigestSign(md, NULL, &n, (const unsigned char *)data, len) != 1)
        goto out;
    der = xmalloc(n);
    if (EVP_DigestSign(md, der, &n, (const unsigned char *)data, len) != 1)
        goto out;
    if (EVP_PKEY_get_base_id(key) == EVP_PKEY_EC) {
        *sig = xmalloc(ES256_LEN);
        *siglen = ES256_LEN;
        rc = ecdsa_der_to_raw(der, n, *sig);
        if (rc < 0)
            free(*sig);
    } else {
        *sig = der;
        *siglen = n;
        der = NULL;
        rc = 0;
    }
out:
    free(der);
    EVP_MD_CTX_free(md);
    ERR_clear_error();
    return rc;
}

/* Appends the base64url of n bytes to buf at *len (buf has room). */
static void append_b64(char *buf, size_t *len, const void *in, size_t n)
{
    *len += base64_encode(buf + *len, in, n, B64URL);
}

int jwt_sign(EVP_PKEY *key, const char *kid, struct json_object *claims, char **out,
             struct apierr *err)
{
    const char *alg = jwt_alg(key), *payload;
    char header[128];
    unsigned char *sig = NULL;
    size_t plen, siglen, len = 0;
    char *tok;

    if (!alg)
        return apierr_set(err, APIERR_INTERNAL, "the signing key is neither RSA nor EC P-256");
    snprintf(header, sizeof(header), "{\"alg\":\"%s\",\"kid\":\"%s\"}", alg, kid ? kid : "");
    if (!kid || !*kid)
        snprintf(header, sizeof(header), "{\"alg\":\"%s\"}", alg);
    payload = json_object_to_json_string_length(
        claims, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &plen);
    tok = xmalloc((strlen(header) + plen) * 4 / 3 + 1024);
    append_b64(tok, &len, header, strlen(header));
    tok[len++] = '.';
    append_b64(tok, &len, payload, plen);
    if (sign_bytes(key, tok, len, &sig, &siglen) < 0) {
        free(tok);
        return apierr_set(err, APIERR_INTERNAL, "cannot sign the token");
    }
    tok = xrealloc(tok, len + 2 + siglen * 4 / 3 + 4);
    tok[len++] = '.';
    append_b64(tok, &len, sig, siglen);
    free(sig);
    *out = tok;
    return 0;
}

bool jwt_looks_like(const char *token)
{
    const char *a = strchr(token, '.'), *b = a ? strchr(a + 1, '.') : NULL;
    size_t n = strlen(token);

    if (!a || !b || strchr(b + 1, '.') || a == token || b == a + 1 || n > JWT_MAX_LEN)
        return false;
    return strspn(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.") == n;
}

/* Decodes one base64url part as a JSON object; NULL when it is not one. */
static struct json_object *decode_json(const char *in, size_t len)
{
    unsigned char *buf = xmalloc(base64_decoded_max(len) + 1);
    long n = base64_decode(buf, in, len, B64URL, NULL);
    struct json_tokener *tok;
    struct json_object *obj = NULL;

    if (n > 0) {
        tok = json_tokener_new_ex(32);
        obj = json_tokener_parse_ex(tok, (const char *)buf, (int)n);
        if (obj && (json_tokener_get_error(tok) != json_tokener_success ||
                    json_tokener_get_parse_end(tok) != (size_t)n ||
                    !json_object_is_type(obj, json_type_object))) {
            json_object_put(obj);
            obj = NULL;
        }
        json_tokener_free(tok);
    }
    free(buf);
    return obj;
}

/* Whether sig (JWS form) signs data under key. */
static int verify_bytes(EVP_PKEY *key, const char *data, size_t len, const unsigned char *sig,
                        size_t siglen)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char *der = NULL;
    int derlen = (int)siglen, ok = 0;

    if (EVP_PKEY_get_base_id(key) == EVP_PKEY_EC) {
        if (siglen != ES256_LEN || (derlen = ecdsa_raw_to_der(sig, &der)) <= 0)
            goto out;
        sig = der;
    }
    ok = md && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
         EVP_DigestVerify(md, sig, (size_t)derlen, (const unsigned char *)data, len) == 1;
out:
    OPENSSL_free(der);
    EVP_MD_CTX_free(md);
    ERR_clear_error();
    return ok;
}

/* The header's algorithm, when the header is one we accept. */
static int check_header(const char *tok, size_t len, char alg[8])
{
    struct json_object *h = len <= HEADER_MAX ? decode_json(tok, len) : NULL, *v;
    const char *a;
    int rc = -1;

    if (!h)
        return -1;
    a = json_object_object_get_ex(h, "alg", &v) ? json_object_get_string(v) : NULL;
    if (a && json_object_is_type(v, json_type_string) &&
        !json_object_object_get_ex(h, "crit", NULL) &&
        (strcmp(a, "RS256") == 0 || strcmp(a, "ES256") == 0)) {
        snprintf(alg, 8, "%s", a);
        rc = 0;
    }
    json_object_put(h);
    return rc;
}

static int signed_by_one(const char *alg, const char *tok, size_t signed_len, const char *sig64,
                         EVP_PKEY *const *keys, size_t n)
{
    size_t slen = strlen(sig64), i;
    unsigned char *sig = xmalloc(base64_decoded_max(slen) + 1);
    long siglen = base64_decode(sig, sig64, slen, B64URL, NULL);
    int ok = 0;

    for (i = 0; siglen > 0 && i < n && !ok; i++) {
        const char *ka = keys[i] ? jwt_alg(keys[i]) : NULL;

        if (ka && strcmp(ka, alg) == 0)
            ok = verify_bytes(keys[i], tok, signed_len, sig, (size_t)siglen);
    }
    free(sig);
    return ok;
}

int jwt_verify(const char *token, EVP_PKEY *const *keys, size_t n, struct json_object **claims,
               struct apierr *err)
{
    const char *dot1, *dot2;
    char alg[8];

    *claims = NULL;
    if (!jwt_looks_like(token))
        return apierr_set(err, APIERR_UNAUTHORIZED, "malformed token");
    dot1 = strchr(token, '.');
    dot2 = strchr(dot1 + 1, '.');
    if (check_header(token, (size_t)(dot1 - token), alg) < 0)
        return apierr_set(err, APIERR_UNAUTHORIZED, "unsupported token header");
    if (!signed_by_one(alg, token, (size_t)(dot2 - token), dot2 + 1, keys, n))
        return apierr_set(err, APIERR_UNAUTHORIZED, "invalid signature");
    *claims = decode_json(dot1 + 1, (size_t)(dot2 - dot1 - 1));
    if (!*claims)
        return apierr_set(err, APIERR_UNAUTHORIZED, "malformed token claims");
    return 0;
}
