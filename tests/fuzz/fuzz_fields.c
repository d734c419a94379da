/* libFuzzer target for the field validation scanner: the input is a request body. The first byte
 * picks JSON patch mode when odd; the rest is scanned for duplicate and unknown fields as a patch
 * and, when json-c accepts it, pruned against a small schema with properties, a map, a list and
 * an open part. Whatever the text, the scan must end and stay in bounds. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "generic/openapi/fields.h"
#include "generic/openapi/openapi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct resource fuzz_resources[] = {
    {.plural = "things", .kind = "Thing", .verbs = VERB_ALL},
    {0},
};
static const struct group_version fuzz_gv = {
    .group = "fuzz.example", .version = "v1", .resources = fuzz_resources};

static const char fuzz_schemas[] =
    "{\"components\":{\"schemas\":{\"T\":{\"type\":\"object\",\"x-kubernetes-group-version-kind\":"
    "[{\"group\":\"fuzz.example\",\"version\":\"v1\",\"kind\":\"Thing\"}],\"properties\":{"
    "\"metadata\":{\"allOf\":[{\"$ref\":\"#/components/schemas/M\"}]},"
    "\"spec\":{\"type\":\"object\",\"properties\":{\"list\":{\"type\":\"array\",\"items\":{"
    "\"$ref\":\"#/components/schemas/M\"}},\"open\":{\"type\":\"object\","
    "\"x-kubernetes-preserve-unknown-fields\":true}}}}},"
    "\"M\":{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},\"labels\":{"
    "\"type\":\"object\",\"additionalProperties\":{\"type\":\"string\"}}}}}}}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct openapi_field_report r = {0};
    struct openapi *oa;
    struct json_object *obj;
    struct json_tokener *tok;
    struct apierr err = {0};
    const char *text = (const char *)data + 1;
    size_t len = size ? size - 1 : 0;

    if (size == 0)
        return 0;
    openapi_patch_problems(text, len, data[0] & 1, &r);
    openapi_field_report_release(&r);
    tok = json_tokener_new();
    obj = json_tokener_parse_ex(tok, text, (int)len);
    if (obj && json_tokener_get_parse_end(tok) == len) {
        oa = openapi_new();
        openapi_add_group_version(oa, &fuzz_gv, fuzz_schemas, strlen(fuzz_schemas), &err);
        openapi_prune(oa, "fuzz.example", "v1", "Thing", obj, text, len, &r);
        openapi_field_report_release(&r);
        openapi_free(oa);
    }
    json_object_put(obj);
    json_tokener_free(tok);
    return 0;
}
