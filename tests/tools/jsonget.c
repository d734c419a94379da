/* jsonget FILE PATH: prints the value at a dotted PATH ("status.user.groups") of the JSON in
 * FILE: strings as they are, anything else as compact JSON. Exits 1 when there is none. For the
 * end-to-end tests, which must not depend on anything beyond the project's own packages. */
#include <stdio.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "generic/apis/meta.h"

int main(int argc, char **argv)
{
    struct json_object *doc, *v;

    if (argc != 3) {
        fprintf(stderr, "usage: jsonget FILE PATH\n");
        return 2;
    }
    doc = json_object_from_file(argv[1]);
    v = doc ? obj_get(doc, argv[2]) : NULL;
    if (!v) {
        json_object_put(doc);
        return 1;
    }
    if (json_object_is_type(v, json_type_string))
        puts(json_object_get_string(v));
    else
        puts(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
    json_object_put(doc);
    return 0;
}
