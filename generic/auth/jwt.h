/* JSON Web Tokens (RFC 7519) in compact JWS form, signed with RS256 (RSA) or ES256 (ECDSA P-256),
 * as kube's service account tokens are. Signing and signature checks only: what the claims must
 * say (issuer, audience, expiry) is the caller's business. Tokens are client input: every
 * malformed one is an error, never a crash or an out-of-bounds read. */
#ifndef GENERIC_AUTH_JWT_H
#define GENERIC_AUTH_JWT_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/evp.h>

#include "generic/apis/apierr.h"

struct json_object;

/* Longest token looked at; longer ones are refused before any decoding. */
#define JWT_MAX_LEN (16u << 10)
/* Length of a key id: base64url without padding of a SHA-256. */
#define JWT_KID_LEN 43

/* The key id kube gives a public key (serviceaccount.keyIDFromPublicKey): base64url, unpadded,
 * of the SHA-256 of its DER SubjectPublicKeyInfo. Returns 0, or -1 when key cannot be encoded. */
int jwt_key_id(EVP_PKEY *key, char out[JWT_KID_LEN + 1]);

/* The JWS algorithm key signs with: "RS256" for RSA, "ES256" for EC P-256; NULL for other keys. */
const char *jwt_alg(EVP_PKEY *key);

/* Signs claims (borrowed) with key (borrowed, a private key jwt_alg accepts); the header carries
 * the algorithm and kid. On success *out is a new NUL-terminated token the caller frees. */
int jwt_sign(EVP_PKEY *key, const char *kid, struct json_object *claims, char **out,
             struct apierr *err);

/* Whether token has a JWT's shape: three base64url parts, the first two non-empty. A cheap test
 * that lets an authenticator say "not mine" without decoding. */
bool jwt_looks_like(const char *token);

/* Checks token's signature with keys (n of them, borrowed public or private keys): each key of
 * the header's algorithm is tried, as kube tries every --service-account-key-file key; "none",
 * unknown algorithms, a "crit" header and algorithms that do not match the key are refused. On
 * success *claims is the decoded claims object, a new reference the caller owns. Errors are
 * APIERR_UNAUTHORIZED with a short reason in the message. */
int jwt_verify(const char *token, EVP_PKEY *const *keys, size_t n, struct json_object **claims,
               struct apierr *err);

#endif
