/* Continue tokens in kube's format: unpadded base64url of
 * {"v":"meta.k8s.io/v1","rv":<revision>,"start":"<key after the prefix>"}. */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "generic/apis/base64.h"
#include "generic/apis/xalloc.h"
#include "generic/storage/storage_internal.h"

/* We write kube's RawURLEncoding. kube reads only that; this decoder has always also taken the
 * standard alphabet's '+' and '/' and padding, a leniency kept so such tokens go on working. */
#define TOKEN_ENC (BASE64_URL | BASE64_RAW)
#define TOKEN_DEC (BASE64_URL | BASE64_ANY_ALPHABET | BASE64_PAD_OPTIONAL)

char *storage_cont_encode(int64_t rev, const char *start, size_t start_len)
{
    struct json_object *o = json_object_new_object();
    const char *s;
    char *tok;

    json_object_object_add(o, "v", json_object_new_string("meta.k8s.io/v1"));
    json_object_object_add(o, "rv", json_object_new_int64(rev));
    json_object_object_add(o, "start", json_object_new_string_len(start, (int)start_len));
    s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    tok = base64_encode_alloc(s, strlen(s), TOKEN_ENC, NULL);
    json_object_put(o);
    return tok;
}

static int cont_fields(struct json_object *o, int64_t *rev, char **start, size_t *start_len)
{
    struct json_object *v, *rv, *st;
    size_t n;

    if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, "v", &v) ||
        !json_object_object_get_ex(o, "rv", &rv) || !json_object_object_get_ex(o, "start", &st))
        return -1;
    if (!json_object_is_type(v, json_type_string) ||
        strcmp(json_object_get_string(v), "meta.k8s.io/v1") != 0 ||
        !json_object_is_type(rv, json_type_int) || !json_object_is_type(st, json_type_string))
        return -1;
    *rev = json_object_get_int64(rv);
    n = (size_t)json_object_get_string_len(st);
    if (*rev <= 0 || n == 0)
        return -1;
    *start = xmalloc(n + 1);
    memcpy(*start, json_object_get_string(st), n);
    (*start)[n] = '\0';
    *start_len = n;
    return 0;
}

static struct json_object *parse_json(const char *s, long len)
{
    struct json_tokener *tok = json_tokener_new();
    struct json_object *o = json_tokener_parse_ex(tok, s, (int)len);

    if (o && (json_tokener_get_error(tok) != json_tokener_success ||
              json_tokener_get_parse_end(tok) != (size_t)len)) {
        json_object_put(o);
        o = NULL;
    }
    json_tokener_free(tok);
    return o;
}

int storage_cont_decode(const char *token, int64_t *rev, char **start, size_t *start_len,
                        struct apierr *err)
{
    size_t n = strlen(token);
    unsigned char *raw = xmalloc(base64_decoded_max(n) + 1);
    struct json_object *o = NULL;
    long len = base64_decode(raw, token, n, TOKEN_DEC, NULL);
    int rc = -1;

    if (len > 0)
        o = parse_json((const char *)raw, len);
    if (o && cont_fields(o, rev, start, start_len) == 0)
        rc = 0;
    json_object_put(o);
    free(raw);
    if (rc < 0)
        apierr_set(err, APIERR_BAD_REQUEST, "continue key is not valid");
    return rc;
}
