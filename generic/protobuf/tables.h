/* Message tables of the protobuf codec: for each kube message its fields (number, JSON name, kind)
 * and for each (apiVersion, kind) its message. The tables are generated (tables_gen.c, by
 * scripts/proto-tables.py from the upstream generated.proto files) and read-only; an index of the
 * fields by JSON name is derived from them once, at run time. */
#ifndef GENERIC_PROTOBUF_TABLES_H
#define GENERIC_PROTOBUF_TABLES_H

#include <stddef.h>
#include <stdint.h>

/* What a field (or a map's value) holds on the wire. */
enum pb_kind {
    PBK_STRING = 1, /* length-delimited UTF-8 ↔ JSON string */
    PBK_BYTES,      /* length-delimited ↔ base64 JSON string */
    PBK_BOOL,       /* varint ↔ true/false */
    PBK_INT32,      /* varint (two's complement, sign-extended to 64 bits) ↔ JSON integer */
    PBK_INT64,      /* varint ↔ JSON integer */
    PBK_DOUBLE,     /* fixed64 ↔ JSON number */
    PBK_MESSAGE,    /* length-delimited message ↔ per its pb_special */
    PBK_MAP,        /* repeated {key(1) string, value(2) val} ↔ JSON object */
};

/* Messages whose JSON form is not an object of their fields (Go types with MarshalJSON). */
enum pb_special {
    PBS_NONE = 0,
    PBS_TIME,             /* meta.v1.Time {seconds, nanos} ↔ "2006-01-02T15:04:05Z" */
    PBS_MICROTIME,        /* meta.v1.MicroTime ↔ "2006-01-02T15:04:05.000000Z" */
    PBS_DURATION,         /* meta.v1.Duration {duration ns} ↔ Go duration string "1m0s" */
    PBS_FIELDSV1,         /* meta.v1.FieldsV1 {Raw: JSON bytes} ↔ JSON object */
    PBS_QUANTITY,         /* resource.Quantity {string} ↔ string */
    PBS_INTORSTRING,      /* intstr.IntOrString {type, intVal, strVal} ↔ number or string */
    PBS_RAWEXT,           /* runtime.RawExtension {raw: JSON or k8s\0 envelope} ↔ JSON value */
    PBS_LIST,             /* a named []string (Verbs, ExtraValue) {items} ↔ array */
    PBS_JSON,             /* apiextensions JSON {raw} ↔ any JSON value */
    PBS_PROPS_OR_ARRAY,   /* JSONSchemaPropsOrArray {schema, jSONSchemas} ↔ object or array */
    PBS_PROPS_OR_BOOL,    /* JSONSchemaPropsOrBool {allows, schema} ↔ bool or object */
    PBS_PROPS_OR_STRINGS, /* JSONSchemaPropsOrStringArray {schema, property} ↔ object or array */
};

enum pb_field_flags {
    PBF_REPEATED = 1 << 0, /* a JSON array of the kind */
    PBF_INLINE = 1 << 1,   /* an embedded Go struct: its fields sit in the parent JSON object */
    PBF_KEEPZERO = 1 << 2, /* a Go pointer or a field without omitempty: a zero is kept in JSON */
};

struct pb_field {
    const char *json; /* the JSON name */
    uint32_t number;
    uint8_t kind;  /* enum pb_kind */
    uint8_t val;   /* PBK_MAP: the value's kind (PBK_STRING, PBK_BYTES or PBK_MESSAGE) */
    uint8_t flags; /* enum pb_field_flags */
    uint16_t msg;  /* PBK_MESSAGE, or a map of messages: index into pb_messages */
};

struct pb_message {
    const char *name; /* "k8s.io.api.core.v1.Pod" */
    uint8_t special;  /* enum pb_special */
    uint16_t nfields;
    const struct pb_field *fields; /* sorted by number */
};

struct pb_kind_entry {
    const char *api_version; /* "apps/v1"; "*" for meta kinds every group version registers */
    const char *kind;
    uint16_t msg;
};

extern const struct pb_message pb_messages[];
extern const unsigned pb_nmessages;
extern const struct pb_kind_entry pb_kinds[]; /* sorted by (api_version, kind), strcmp order */
extern const unsigned pb_nkinds;

/* The message for (apiVersion, kind), or NULL. Borrowed from the static tables. */
const struct pb_message *pb_message_for_kind(const char *api_version, const char *kind);

/* The message named e.g. "k8s.io.apimachinery.pkg.apis.meta.v1.Status", or NULL. */
const struct pb_message *pb_message_named(const char *name);

/* The field with this number in msg, or NULL. */
const struct pb_field *pb_field_by_number(const struct pb_message *msg, uint32_t number);

/* The field of msg whose JSON name is name, or NULL. Inline fields have no JSON member of their
 * own and are never found. The index behind it is built once, on first use, by any thread. */
const struct pb_field *pb_field_by_json(const struct pb_message *msg, const char *name);

/* msg's inline fields (PBF_INLINE, embedded Go structs), *n of them; borrowed. */
const struct pb_field *const *pb_inline_fields(const struct pb_message *msg, unsigned *n);

#endif
