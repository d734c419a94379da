/* Helpers the three patch flavours share; not part of the module's interface. */
#ifndef GENERIC_ENDPOINTS_PATCH_INTERNAL_H
#define GENERIC_ENDPOINTS_PATCH_INTERNAL_H

#include <json-c/json.h>

/* A deep copy the caller owns (NULL for NULL); allocation failure aborts. */
struct json_object *patch_copy(struct json_object *v);

/* Whether v nests more than `levels` containers deep; looks no deeper than that. */
int patch_deeper_than(struct json_object *v, int levels);

/* Replaces *doc by result (a reference the caller owned), putting the old reference. */
void patch_swap(struct json_object **doc, struct json_object *result);

/* Go's name for a JSON value's type in "cannot unmarshal" messages ("object", "number"). */
const char *patch_go_type(struct json_object *v);

#endif
