/* libFuzzer target for jwt_verify and base64url decoding: the input is a bearer token as a client
 * sends it. Verification against an EC P-256 and an RSA key must refuse anything it did not sign
 * without crashing or reading out of bounds; what it accepts must be a JSON object. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "generic/apis/base64.h"
#include "generic/auth/jwt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static EVP_PKEY *keys[2];

static void init_keys(void)
{
    if (keys[0])
        return;
    keys[0] = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    keys[1] = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    if (!keys[0] || !keys[1])
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *tok = malloc(size + 1);
    unsigned char *out = malloc(base64_decoded_max(size) + 1);
    struct json_object *claims = NULL;
    struct apierr err = {0};

    init_keys();
    memcpy(tok, data, size);
    tok[size] = '\0';
    if (base64_decode(out, tok, size, BASE64_URL | BASE64_RAW, NULL) >
        (long)base64_decoded_max(size))
        abort();
    if (jwt_verify(tok, keys, 2, &claims, &err) == 0) {
        /* only a forged signature could get here; a valid token must at least be an object */
        if (!json_object_is_type(claims, json_type_object))
            abort();
    } else if (claims || err.reason != APIERR_UNAUTHORIZED) {
        abort();
    }
    json_object_put(claims);
    free(out);
    free(tok);
    return 0;
}
