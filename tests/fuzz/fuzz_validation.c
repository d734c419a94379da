/* libFuzzer target for ObjectMeta validation: the input is a JSON metadata object (a second one
 * after a NUL byte is the old object of an update). Whatever the JSON, validation reports causes
 * and builds kube's Invalid message without tripping the sanitizers. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "generic/apis/validation.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    struct json_object *meta, *old = NULL;
    struct apierr create = {0}, update = {0};
    size_t first;

    memcpy(buf, data, size);
    buf[size] = '\0';
    first = strlen(buf);
    meta = json_tokener_parse(buf);
    if (first < size)
        old = json_tokener_parse(buf + first + 1);
    if (validation_object_meta(meta, size & 1, validation_name_dns_subdomain, &create) < 0 &&
        create.reason != APIERR_INVALID)
        abort();
    validation_finish(&create, "", "ConfigMap", "x");
    if (!memchr(create.message, '\0', sizeof(create.message)))
        abort();
    validation_object_meta_update(meta, old, &update);
    validation_finish(&update, "apps", "Deployment", buf);
    json_object_put(meta);
    json_object_put(old);
    free(buf);
    return 0;
}
