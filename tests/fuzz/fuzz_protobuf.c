/* libFuzzer target for the protobuf codec: the input is a request body. Whatever the bytes, the
 * decoder must stay in bounds and either fail with a message or return an object; an object it
 * returns must encode again, and those bytes must decode to the same object. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "generic/protobuf/protobuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_round_trip(struct json_object *obj)
{
    struct apierr err = {0};
    struct json_object *again;
    struct pb_buf buf;

    pb_buf_init(&buf);
    if (pb_encode_object(obj, &buf, &err) < 0)
        abort();
    if (pb_decode_object(buf.data, buf.len, &again, &err) < 0)
        abort();
    if (!json_object_equal(obj, again))
        abort();
    json_object_put(again);
    pb_buf_release(&buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct apierr err = {0};
    struct json_object *obj;

    if (pb_decode_object(data, size, &obj, &err) < 0) {
        if (err.reason == APIERR_OK || !err.message[0])
            abort();
        return 0;
    }
    check_round_trip(obj);
    json_object_put(obj);
    return 0;
}
