/* libFuzzer target for the three patch flavours. The input is "F DOC\nPATCH": the first byte
 * picks the flavour ('j' JSON patch, 'm' merge patch, anything else strategic merge patch, with
 * a small Deployment-like schema), the first newline splits the document from the patch. A
 * document that does not parse is JSON null. Whatever happens, a failure must leave the
 * document as it was and name a reason the flavour can give. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "generic/endpoints/patch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_field {
    const char *name;
    enum smp_strategy strategy;
    const char *merge_key;
    const struct smp_schema *sub;
};

struct smp_schema {
    const struct fuzz_field *fields;
};

static const struct smp_schema fuzz_leaf = {(const struct fuzz_field[]){{0}}};
static const struct smp_schema fuzz_item = {
    (const struct fuzz_field[]){{"env", SMP_MERGE, "name", &fuzz_leaf},
                                {"ports", SMP_MERGE, "containerPort", &fuzz_leaf},
                                {"list", SMP_MERGE, "name", &fuzz_item},
                                {0}}};
static const struct smp_schema fuzz_root = {
    (const struct fuzz_field[]){{"a", SMP_MERGE, "name", &fuzz_item},
                                {"f", SMP_MERGE, NULL, NULL},
                                {"r", SMP_REPLACE, NULL, &fuzz_item},
                                {"o", SMP_DEFAULT, NULL, &fuzz_root},
                                {"spec", SMP_DEFAULT, NULL, &fuzz_root},
                                {0}}};

static const struct smp_schema *fuzz_lookup(const struct smp_schema *s, const char *name,
                                            struct smp_field_info *info)
{
    const struct fuzz_field *f;

    for (f = s->fields; f->name; f++) {
        if (strcmp(f->name, name) == 0) {
            info->strategy = f->strategy;
            info->merge_key = f->merge_key;
            return f->sub;
        }
    }
    return NULL;
}

static const struct smp_schema_ops fuzz_ops = {.field = fuzz_lookup};

static int allowed(char mode, enum apierr_reason r)
{
    switch (mode) {
    case 'j':
        return r == APIERR_BAD_REQUEST || r == APIERR_INVALID || r == APIERR_TOO_LARGE;
    case 'm':
        return r == APIERR_BAD_REQUEST;
    default:
        return r == APIERR_BAD_REQUEST || r == APIERR_INVALID || r == APIERR_INTERNAL;
    }
}

static int apply(char mode, struct json_object **doc, const char *patch, size_t len,
                 struct apierr *err)
{
    struct json_object *p;
    int rc;

    if (mode == 'j')
        return patch_json_apply(doc, patch, len, err);
    p = json_tokener_parse(patch);
    if (mode == 'm')
        rc = patch_merge_apply(doc, p, err);
    else
        rc = patch_strategic_apply(doc, p, &fuzz_ops, &fuzz_root, err);
    json_object_put(p);
    return rc;
}

/* Same text, rather than json_object_equal(), which finds NaN unequal to itself. */
static int same(struct json_object *a, struct json_object *b)
{
    int flags = JSON_C_TO_STRING_PLAIN;

    return strcmp(json_object_to_json_string_ext(a, flags),
                  json_object_to_json_string_ext(b, flags)) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf, *nl, mode;
    struct json_object *doc, *orig, *copy = NULL;
    struct apierr err = {0};

    if (size < 1)
        return 0;
    mode = (char)data[0];
    buf = malloc(size);
    memcpy(buf, data + 1, size - 1);
    buf[size - 1] = '\0';
    nl = strchr(buf, '\n');
    if (nl)
        *nl = '\0';
    doc = json_tokener_parse(buf);
    if (doc && json_object_deep_copy(doc, &copy, NULL) < 0)
        abort();
    orig = json_object_get(doc); /* held across the call to check it was never written */
    if (apply(mode, &doc, nl ? nl + 1 : "", nl ? strlen(nl + 1) : 0, &err) < 0) {
        if (doc != orig || !allowed(mode, err.reason) || !same(doc, copy))
            abort();
    } else if (orig != doc && !same(orig, copy)) {
        abort();
    }
    json_object_put(orig);
    json_object_put(doc);
    json_object_put(copy);
    free(buf);
    return 0;
}
