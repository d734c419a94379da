/* Private to satoken.c and satoken_verify.c: the layout of struct satoken. */
#ifndef GENERIC_AUTH_SATOKEN_INTERNAL_H
#define GENERIC_AUTH_SATOKEN_INTERNAL_H

#include <stddef.h>

#include <openssl/evp.h>

#include "generic/auth/jwt.h"
#include "generic/auth/satoken.h"

struct satoken {
    char *issuer;
    char *audiences[SATOKEN_MAX_AUDIENCES + 1]; /* NULL-terminated */
    EVP_PKEY *signer;
    char kid[JWT_KID_LEN + 1];
    EVP_PKEY *keys[SATOKEN_MAX_KEYS]; /* verification keys */
    size_t nkeys;
    struct storage *st;
};

#endif
