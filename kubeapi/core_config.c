/* core/v1 configuration objects: configmap validation, secrets and serviceaccounts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "generic/apis/base64.h"
#include "generic/apis/meta.h"
#include "generic/apis/xalloc.h"
#include "generic/endpoints/table.h"
#include "kubeapi/kubeapi_internal.h"

#define MAX_SECRET_SIZE (1024 * 1024) /* kube's MaxSecretSize, for configmaps too */
#define IMMUTABLE_MSG   "field is immutable when `immutable` is set"

/* kube's decoding error: the body could not be read as the kind at all (400). */
static int undecodable(struct apierr *err, const char *kind, const char *detail)
{
    return apierr_set(err, APIERR_BAD_REQUEST, "%s in version \"v1\" cannot be handled as a %s: %s",
                      kind, kind, detail);
}

/* Rewrites map[k] (base64 text s) in canonical form; returns the decoded length or -1 with err.
 * Go's encoding/json reads []byte as StdEncoding, whose refusals kube's message quotes. */
static long canonical_b64(struct json_object *map, const char *k, const char *s, const char *kind,
                          struct apierr *err)
{
    size_t len = strlen(s), bad = 0;
    unsigned char *buf = xmalloc(base64_decoded_max(len) + 1);
    char detail[80];
    long n = base64_decode(buf, s, len, BASE64_STD, &bad);

    if (n >= 0) {
        char *enc = base64_encode_alloc(buf, (size_t)n, BASE64_STD, NULL);

        json_object_object_add(map, k, json_object_new_string(enc)); /* s is gone now */
        free(enc);
    }
    free(buf);
    if (n >= 0)
        return n;
    snprintf(detail, sizeof(detail), "illegal base64 data at input byte %zu", bad);
    return undecodable(err, kind, detail);
}

/* A map of strings (data, stringData) or of base64 bytes (binary); *size adds the decoded
 * bytes. Binary values are rewritten in canonical form. */
static int decode_map(struct json_object *obj, const char *kind, const char *key, int binary,
                      size_t *size, struct apierr *err)
{
    struct json_object *map = obj_get(obj, key), *bad = map;
    const char *type = binary ? "[]uint8" : "string";
    char detail[200];
    long n;

    if (!map || json_object_is_type(map, json_type_null))
        return 0;
    if (json_object_is_type(map, json_type_object)) {
        json_object_object_foreach(map, k, v) {
            if (!json_object_is_type(v, json_type_string)) {
                bad = v;
                break;
            }
            n = binary ? canonical_b64(map, k, json_object_get_string(v), kind, err)
                       : (long)json_object_get_string_len(v);
            if (n < 0)
                return -1;
            *size += (size_t)n;
        }
        if (bad == map)
            return 0;
    }
    snprintf(detail, sizeof(detail),
             "json: cannot unmarshal %s into Go struct field %s.%s of type %s%s",
             json_type_to_name(json_object_get_type(bad)), kind, key,
             bad == map ? "map[string]" : "", type);
    return undecodable(err, kind, detail);
}

/* Keys valid as kube's IsConfigMapKey, reported as <what>[key]. */
static int validate_keys(struct json_object *map, const char *what, struct json_object *other,
                         const char *other_name, struct apierr *err)
{
    const char *msgs[VALIDATION_MAX_MSGS];
    char field[300], dup[64];
    int rc = 0, n;

    if (!map || !json_object_is_type(map, json_type_object))
        return 0;
    json_object_object_foreach(map, key, val) {
        (void)val;
        snprintf(field, sizeof(field), "%s[%s]", what, key);
        n = validation_config_map_key(key, msgs);
        if (validation_invalid_msgs(err, field, key, msgs, n) < 0)
            rc = -1;
        snprintf(dup, sizeof(dup), "duplicate of key present in %s", other_name);
        if (other && json_object_object_get_ex(other, key, NULL))
            rc = validation_invalid(err, field, key, dup);
    }
    return rc;
}

/* --- configmaps --- */

int configmap_validate(struct json_object *obj, struct apierr *err)
{
    struct json_object *data, *bin;
    size_t size = 0;
    int rc;

    if (decode_map(obj, "ConfigMap", "data", 0, &size, err) < 0 ||
        decode_map(obj, "ConfigMap", "binaryData", 1, &size, err) < 0)
        return -1;
    data = obj_get(obj, "data");
    bin = obj_get(obj, "binaryData");
    rc = validate_keys(data, "data", bin, "binaryData", err);
    if (validate_keys(bin, "binaryData", data, "data", err) < 0)
        rc = -1;
    if (size > MAX_SECRET_SIZE)
        rc = validation_too_long(err, "", MAX_SECRET_SIZE);
    return rc;
}

static int is_immutable(struct json_object *obj)
{
    struct json_object *v = obj_get(obj, "immutable");

    return v && json_object_get_boolean(v);
}

/* kube's rules for an object marked immutable: the mark stays, the listed maps stay. */
static int check_immutable(struct json_object *obj, struct json_object *old,
                           const char *const *maps, struct apierr *err)
{
    int rc = 0;

    if (!is_immutable(old))
        return 0;
    if (!is_immutable(obj))
        rc = validation_forbidden(err, "immutable", IMMUTABLE_MSG);
    for (; *maps; maps++) {
        struct json_object *a = obj_get(obj, *maps), *b = obj_get(old, *maps);
        int empty_a = !json_object_is_type(a, json_type_object) || !json_object_object_length(a);
        int empty_b = !json_object_is_type(b, json_type_object) || !json_object_object_length(b);

        if (!(empty_a && empty_b) && !json_object_equal(a, b))
            rc = validation_forbidden(err, *maps, IMMUTABLE_MSG);
    }
    return rc;
}

int configmap_validate_update(struct json_object *obj, struct json_object *old, struct apierr *err)
{
    static const char *const maps[] = {"data", "binaryData", NULL};
    int rc = configmap_validate(obj, err);

    if (err->reason == APIERR_BAD_REQUEST)
        return -1;
    return check_immutable(obj, old, maps, err) < 0 ? -1 : rc;
}

/* --- secrets --- */

static void secret_defaults(struct json_object *obj)
{
    if (!obj_get_str(obj, "type") || !*obj_get_str(obj, "type"))
        json_object_object_add(obj, "type", json_object_new_string("Opaque"));
}

/* stringData is write-only: its values, encoded, override data's and it is dropped. */
static int merge_string_data(struct json_object *obj, struct apierr *err)
{
    struct json_object *sd = obj_get(obj, "stringData"), *data;
    size_t size = 0;

    if (!sd || json_object_is_type(sd, json_type_null)) {
        json_object_object_del(obj, "stringData");
        return 0;
    }
    if (decode_map(obj, "Secret", "stringData", 0, &size, err) < 0)
        return -1;
    data = obj_get(obj, "data");
    if (!data || !json_object_is_type(data, json_type_object)) {
        data = json_object_new_object();
        json_object_object_add(obj, "data", data);
    }
    json_object_object_foreach(sd, key, val) {
        const char *s = json_object_get_string(val);
        char *enc = base64_encode_alloc(s, strlen(s), BASE64_STD, NULL);

        json_object_object_add(data, key, json_object_new_string(enc));
        free(enc);
    }
    json_object_object_del(obj, "stringData");
    return 0;
}

static int has_key(struct json_object *obj, const char *key)
{
    return json_object_object_get_ex(obj_get(obj, "data"), key, NULL);
}

static int required_key(struct json_object *obj, const char *key, struct apierr *err)
{
    char field[80];

    if (has_key(obj, key))
        return 0;
    snprintf(field, sizeof(field), "data[%s]", key);
    return validation_required(err, field, NULL);
}

/* A data value that must be JSON (docker configs), decoded from base64. */
static int json_key(struct json_object *obj, const char *key, struct apierr *err)
{
    const char *v = obj_get_str(obj_get(obj, "data"), key) ?: "";
    size_t len = strlen(v);
    unsigned char *buf = xmalloc(base64_decoded_max(len) + 1);
    long n = base64_decode(buf, v, len, BASE64_STD, NULL);
    struct json_object *parsed = NULL;
    char field[80];
    int rc = 0;

    if (n >= 0) {
        buf[n] = '\0';
        parsed = json_tokener_parse((const char *)buf);
    }
    if (!parsed || !json_object_is_type(parsed, json_type_object)) {
        snprintf(field, sizeof(field), "data[%s]", key);
        rc = validation_invalid(err, field, "<secret contents redacted>",
                                "unexpected end of JSON input");
    }
    json_object_put(parsed);
    free(buf);
    return rc;
}

/* kube's type-specific rules of ValidateSecret. */
static int validate_secret_type(struct json_object *obj, struct apierr *err)
{
    const char *type = obj_get_str(obj, "type") ?: "Opaque";
    struct json_object *sa = NULL;

    if (strcmp(type, "kubernetes.io/service-account-token") == 0) {
        json_object_object_get_ex(obj_get(obj, "metadata.annotations"),
                                  "kubernetes.io/service-account.name", &sa);
        if (!json_object_get_string(sa) || !*json_object_get_string(sa))
            return validation_required(
                err, "metadata.annotations[kubernetes.io/service-account.name]", NULL);
    } else if (strcmp(type, "kubernetes.io/dockercfg") == 0) {
        return has_key(obj, ".dockercfg") ? json_key(obj, ".dockercfg", err)
                                          : required_key(obj, ".dockercfg", err);
    } else if (strcmp(type, "kubernetes.io/dockerconfigjson") == 0) {
        return has_key(obj, ".dockerconfigjson") ? json_key(obj, ".dockerconfigjson", err)
                                                 : required_key(obj, ".dockerconfigjson", err);
    } else if (strcmp(type, "kubernetes.io/basic-auth") == 0) {
        if (!has_key(obj, "username") && !has_key(obj, "password")) {
            required_key(obj, "username", err);
            return required_key(obj, "password", err);
        }
    } else if (strcmp(type, "kubernetes.io/ssh-auth") == 0) {
        const char *v = obj_get_str(obj_get(obj, "data"), "ssh-privatekey");

        if (!v || !*v)
            return validation_required(err, "data[ssh-privatekey]", NULL);
    } else if (strcmp(type, "kubernetes.io/tls") == 0) {
        int rc = required_key(obj, "tls.crt", err);

        return required_key(obj, "tls.key", err) < 0 ? -1 : rc;
    }
    return 0;
}

static int secret_validate(struct json_object *obj, struct apierr *err)
{
    size_t size = 0;
    int rc;

    if (merge_string_data(obj, err) < 0 || decode_map(obj, "Secret", "data", 1, &size, err) < 0)
        return -1;
    rc = validate_keys(obj_get(obj, "data"), "data", NULL, NULL, err);
    if (size > MAX_SECRET_SIZE)
        rc = validation_too_long(err, "data", MAX_SECRET_SIZE);
    if (validate_secret_type(obj, err) < 0)
        rc = -1;
    return rc;
}

static int secret_validate_update(struct json_object *obj, struct json_object *old,
                                  struct apierr *err)
{
    static const char *const maps[] = {"data", NULL};
    const char *type = obj_get_str(obj, "type") ?: "", *old_type = obj_get_str(old, "type") ?: "";
    int rc = secret_validate(obj, err);

    if (err->reason == APIERR_BAD_REQUEST)
        return -1;
    if (strcmp(type, old_type) != 0)
        rc = validation_invalid(err, "type", type, "field is immutable");
    return check_immutable(obj, old, maps, err) < 0 ? -1 : rc;
}

static void secret_row(struct json_object *obj, struct json_object *cells)
{
    struct json_object *data = obj_get(obj, "data");

    table_cell_str(cells, meta_str(obj, "name"));
    table_cell_str(cells, obj_get_str(obj, "type") ?: "");
    table_cell_int(cells, data && json_object_is_type(data, json_type_object)
                              ? json_object_object_length(data)
                              : 0);
    table_cell_age(cells, obj);
}

static int secret_field(struct json_object *obj, const char *field, char *buf, size_t n)
{
    if (strcmp(field, "type") != 0)
        return -1;
    snprintf(buf, n, "%s", obj_get_str(obj, "type") ?: "");
    return 0;
}

const char *const secret_fields[] = {"type", NULL};

const struct table_column secret_columns[] = {
    {"Name", "string", "name", KUBE_NAME_DESC, 0},
    {"Type", "string", "", "Used to facilitate programmatic handling of secret data.", 0},
    {"Data", "string", "", "Data contains the secret data.", 0},
    {"Age", "string", "", KUBE_AGE_DESC, 0},
    {0},
};

const struct strategy secret_strategy = {
    .defaults = secret_defaults,
    .validate_create = secret_validate,
    .validate_update = secret_validate_update,
    .table_row = secret_row,
    .field_value = secret_field,
};

/* --- serviceaccounts --- */

static void serviceaccount_row(struct json_object *obj, struct json_object *cells)
{
    struct json_object *secrets = obj_get(obj, "secrets");

    table_cell_str(cells, meta_str(obj, "name"));
    table_cell_int(cells, secrets && json_object_is_type(secrets, json_type_array)
                              ? (int64_t)json_object_array_length(secrets)
                              : 0);
    table_cell_age(cells, obj);
}

const struct table_column serviceaccount_columns[] = {
    {"Name", "string", "name", KUBE_NAME_DESC, 0},
    {"Secrets", "string", "",
     "Secrets is a list of the secrets in the same namespace that pods "
     "running using this ServiceAccount are allowed to use.",
     0},
    {"Age", "string", "", KUBE_AGE_DESC, 0},
    {0},
};

const struct strategy serviceaccount_strategy = {
    .table_row = serviceaccount_row,
};
