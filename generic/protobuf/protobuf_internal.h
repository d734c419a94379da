/* Private parts of the protobuf codec: the wire reader and writer, one decode or encode pass's
 * state, and the converters for the special messages (Time, Quantity, IntOrString, ...). */
#ifndef GENERIC_PROTOBUF_PROTOBUF_INTERNAL_H
#define GENERIC_PROTOBUF_PROTOBUF_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "generic/apis/apierr.h"
#include "generic/protobuf/protobuf.h"
#include "generic/protobuf/tables.h"

enum pb_wire { PBW_VARINT = 0, PBW_FIXED64 = 1, PBW_LEN = 2, PBW_FIXED32 = 5 };

/* A bounds-checked cursor over input bytes: nothing reads past end. */
struct pb_reader {
    const unsigned char *p, *end;
};

/* One decode or encode pass. */
struct pb_ctx {
    struct apierr *err;
    unsigned depth;
    unsigned nodes;    /* JSON values created so far (decode) */
    bool failed;       /* err is set: outer frames keep the innermost message */
    bool raw_envelope; /* encode the next RawExtension as an envelope (a WatchEvent's object) */
};

/* wire.c */
int pb_read_varint(struct pb_reader *r, uint64_t *v);
/* A length-delimited payload: *sub covers it and r moves past it. */
int pb_read_len(struct pb_reader *r, struct pb_reader *sub);
int pb_read_fixed64(struct pb_reader *r, uint64_t *v);
/* Skips one field's payload of wire type wt; groups (3, 4) and types 6, 7 are errors. */
int pb_skip(struct pb_reader *r, unsigned wt);
/* A message whose fields 1 and 2 are length-delimited (a map entry, a TypeMeta): the last of each
 * is kept, other numbers skipped; -1 when malformed. Absent fields leave *one / *two alone. */
int pb_read_two(struct pb_reader r, struct pb_reader *one, struct pb_reader *two);
void pb_put(struct pb_buf *b, const void *p, size_t n);
void pb_put_varint(struct pb_buf *b, uint64_t v);
void pb_put_tag(struct pb_buf *b, uint32_t number, enum pb_wire wt);
void pb_put_bytes_field(struct pb_buf *b, uint32_t number, const void *p, size_t n);
/* Length-delimited field whose body is written next: pb_begin returns the mark pb_end needs. */
size_t pb_begin(struct pb_buf *b, uint32_t number);
void pb_end(struct pb_buf *b, size_t mark);

/* text.c: UTF-8 and JSON helpers. */
/* A JSON string for the bytes; invalid UTF-8 becomes U+FFFD, as Go's encoding/json prints it. */
struct json_object *pb_json_string(struct pb_ctx *c, const unsigned char *p, size_t n);
/* Parses JSON text embedded in the bytes (RawExtension, FieldsV1), depth-limited. */
int pb_json_parse(struct pb_ctx *c, const unsigned char *p, size_t n, const char *what,
                  struct json_object **out);
const char *pb_json_text(struct json_object *v, size_t *len);
/* Counts a new JSON value against PB_MAX_NODES. */
int pb_count_node(struct pb_ctx *c);
int pb_fail(struct pb_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int pb_fail_encode(struct pb_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* gotime.c: Go's time and duration text forms. */
int pb_format_time(int64_t seconds, int32_t nanos, bool micro, char *buf, size_t size);
int pb_parse_time(const char *s, int64_t *seconds, int32_t *nanos);
void pb_format_duration(int64_t ns, char *buf, size_t size);
int pb_parse_duration(const char *s, int64_t *ns);

/* decode.c: decodes one message's bytes into obj (fields are added to it). */
int pb_decode_fields(struct pb_ctx *c, const struct pb_message *msg, struct pb_reader r,
                     struct json_object *obj);
/* The JSON value of a message-typed field: an object, or a special's value; *out NULL = absent. */
int pb_decode_value(struct pb_ctx *c, const struct pb_message *msg, struct pb_reader r,
                    unsigned flags, struct json_object **out);
/* An envelope (magic included) to a JSON object with kind and apiVersion. */
int pb_decode_envelope(struct pb_ctx *c, struct pb_reader r, const char *api_version,
                       const char *kind, struct json_object **out);

/* special.c: the special messages (pb_special != PBS_NONE). */
int pb_decode_special(struct pb_ctx *c, const struct pb_message *msg, struct pb_reader r,
                      unsigned flags, struct json_object **out);
int pb_encode_special(struct pb_ctx *c, const struct pb_message *msg, struct json_object *v,
                      struct pb_buf *out);

/* encode.c: writes the fields of obj that msg has, in number order (no tag or length). */
int pb_encode_fields(struct pb_ctx *c, const struct pb_message *msg, struct json_object *obj,
                     struct pb_buf *out);
/* Writes the body of a message-typed value (object or special). */
int pb_encode_value(struct pb_ctx *c, const struct pb_message *msg, struct json_object *v,
                    struct pb_buf *out);
/* One value of field f (one element, for a repeated field), tag included. */
int pb_encode_one(struct pb_ctx *c, const struct pb_field *f, struct json_object *v,
                  struct pb_buf *out);

/* envelope.c */
/* The envelope (magic included) of obj, which carries apiVersion and kind. */
int pb_encode_envelope(struct pb_ctx *c, struct json_object *obj, struct pb_buf *out);
/* An envelope's parts around its raw field (2): magic and typeMeta, then the empty
 * contentEncoding and contentType. Every envelope we write is made of these. */
void pb_put_envelope_head(struct pb_buf *out, const char *api_version, const char *kind);
void pb_put_envelope_tail(struct pb_buf *out);

#endif
