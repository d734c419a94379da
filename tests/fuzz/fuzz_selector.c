/* libFuzzer target for label and field selectors. The first byte picks the parser (even: labels,
 * odd: fields); the rest is the selector. What parses must print as a string that parses again, and
 * match a fixed object without tripping the sanitizers; what fails must be a BadRequest with a
 * message. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "generic/apis/selector.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct selector *parse(int fields, const char *s, struct apierr *err)
{
    return fields ? selector_field_parse(s, err) : selector_label_parse(s, err);
}

/* String() of a selector parses again. It is not always a fixed point at once (kube sorts the raw
 * field terms, and "a==x" sorts before "a=b" but prints as "a=x"), but it is after one more. */
static char *reparse(int fields, const char *s)
{
    struct apierr err = {0};
    struct selector *back = parse(fields, s, &err);
    char *out;

    if (!back)
        abort();
    out = selector_string(back);
    selector_free(back);
    return out;
}

static void round_trip(int fields, struct selector *sel)
{
    char *s1 = selector_string(sel), *s2 = reparse(fields, s1), *s3 = reparse(fields, s2);

    if (strcmp(s2, s3) != 0)
        abort();
    free(s1);
    free(s2);
    free(s3);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct apierr err = {0};
    struct json_object *obj;
    struct selector *sel;
    const char *v;
    char *buf;
    int fields;

    if (size == 0)
        return 0;
    fields = data[0] & 1;
    buf = malloc(size);
    memcpy(buf, data + 1, size - 1);
    buf[size - 1] = '\0';
    sel = parse(fields, buf, &err);
    if (!sel) {
        if (err.reason != APIERR_BAD_REQUEST || !err.message[0])
            abort();
        free(buf);
        return 0;
    }
    round_trip(fields, sel);
    obj = json_tokener_parse("{\"metadata\":{\"name\":\"a\",\"labels\":{\"a\":\"1\",\"b\":\"\"}}}");
    if (fields) {
        selector_field_match_object(sel, obj);
        selector_field_requires(sel, "metadata.name", &v);
    } else {
        selector_label_match(
            sel, json_object_object_get(json_object_object_get(obj, "metadata"), "labels"));
        selector_label_requires(sel, "a", &v);
    }
    json_object_put(obj);
    selector_free(sel);
    free(buf);
    return 0;
}
