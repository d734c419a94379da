/* Kube's protobuf wire format (application/vnd.kubernetes.protobuf) for built-in kinds: one
 * schema-driven codec between protobuf bytes and our JSON objects, driven by the message tables in
 * tables_gen.c (generated from the upstream generated.proto files by scripts/proto-tables.py).
 *
 * An object travels in kube's envelope: the 4 magic bytes "k8s\0", then a runtime.Unknown message
 * {typeMeta{apiVersion, kind}, raw: the object's own message, contentEncoding "", contentType ""}.
 * A watch stream (…;stream=watch) is a sequence of frames: a 4-byte big-endian length, then a
 * meta.v1.WatchEvent message WITHOUT envelope {type, object: RawExtension{raw: the object in an
 * envelope}} (apimachinery's RawSerializer + LengthDelimitedFramer).
 *
 * Decoding maps protobuf to the JSON kube's own JSON encoder would print, with one approximation:
 * gogo-protobuf writes every non-pointer field, so a zero ("" / 0 / false) in the bytes is dropped
 * from the JSON unless the table marks the field PBF_KEEPZERO (a Go pointer, where an explicit zero
 * means something, like spec.replicas: 0, or an int/bool without omitempty, like containerPort).
 * Non-pointer "" strings without omitempty are dropped too (kube prints them as ""), and a zero
 * meta.v1.Time is left out where kube prints null. Message fields present in the bytes become
 * objects even when empty ("spec": {}), as in kube's JSON. Unknown field numbers are skipped, as
 * gogo does (protobuf has no strict decoding in kube either).
 *
 * Encoding writes the fields the JSON object has, in field-number order, map entries sorted by key
 * (as gogo does); it does not write absent non-pointer fields as gogo would, so the bytes decode to
 * the same Go object but are not always byte-identical to kube's. JSON keys with no field number
 * (apiVersion, kind, fields newer than the tables) are not encoded. */
#ifndef GENERIC_PROTOBUF_PROTOBUF_H
#define GENERIC_PROTOBUF_PROTOBUF_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "generic/apis/apierr.h"

#define PB_MEDIA_TYPE       "application/vnd.kubernetes.protobuf"
#define PB_WATCH_MEDIA_TYPE "application/vnd.kubernetes.protobuf;stream=watch"

#define PB_MAX_DEPTH 100    /* nested messages, RawExtension envelopes and raw JSON levels */
#define PB_MAX_NODES 262144 /* JSON values one decode may create: bounds memory per input byte */

/* A growable byte buffer the caller embeds; data is NULL until something is written. */
struct pb_buf {
    unsigned char *data;
    size_t len, cap;
};

void pb_buf_init(struct pb_buf *b);
/* Frees the bytes; the buffer may be initialised again. */
void pb_buf_release(struct pb_buf *b);

/* Whether (apiVersion, kind) has a message table: built-in kinds and lists, meta kinds (Status,
 * DeleteOptions, WatchEvent, APIResourceList, ... with any apiVersion). False for custom
 * resources and for kinds kube cannot write as protobuf either (meta.k8s.io/v1 Table). */
bool pb_has_kind(const char *api_version, const char *kind);

/* Decodes an enveloped object (a request body). On success *out is a new JSON object the caller
 * owns, with "kind" and "apiVersion" from the envelope first. Errors: APIERR_BAD_REQUEST for
 * malformed bytes (bad magic, truncation, wrong wire types, too deep, too big) with a message
 * saying where; APIERR_UNSUPPORTED_MEDIA_TYPE for a kind without a table or a content type /
 * encoding other than protobuf inside the envelope. */
int pb_decode_object(const unsigned char *buf, size_t len, struct json_object **out,
                     struct apierr *err);

/* The same, for an envelope whose typeMeta may be empty (kube fills it from the endpoint): a
 * missing apiVersion or kind is taken from api_version / kind (either may be NULL). */
int pb_decode_object_as(const unsigned char *buf, size_t len, const char *api_version,
                        const char *kind, struct json_object **out, struct apierr *err);

/* Appends obj (borrowed; it must carry apiVersion and kind: an object, a list, a Status) to out as
 * an enveloped message. Errors: APIERR_UNSUPPORTED_MEDIA_TYPE for a kind without a table (send
 * JSON instead), APIERR_INTERNAL for a value the schema cannot hold (a string where an integer
 * goes, bad base64 in a bytes field, an unparsable time). On error out is left as it was. */
int pb_encode_object(struct json_object *obj, struct pb_buf *out, struct apierr *err);

struct pb_field;

/* A list (ConfigMapList, PodList, ...) written item by item, so that a big LIST never exists as
 * one JSON tree: pb_list_begin, pb_list_add_item for each item in order, then pb_list_end with
 * the list's metadata, and pb_list_release in every case. The bytes are those pb_encode_object
 * writes for the whole list as one JSON object. */
struct pb_list {
    const struct pb_field *meta, *items; /* the List message's fields 1 and 2 (static tables) */
    char *api_version, *kind;            /* owned */
    struct pb_buf body;                  /* the items written so far */
};

/* Starts a list of kind list_kind ("ConfigMapList"). Errors: APIERR_UNSUPPORTED_MEDIA_TYPE for a
 * kind without a table or whose message is not a List {metadata = 1, items = 2}. */
int pb_list_begin(struct pb_list *l, const char *api_version, const char *list_kind,
                  struct apierr *err);

/* Appends item (borrowed: encode it, then free it, before parsing the next one). Errors as
 * pb_encode_object's APIERR_INTERNAL; on error the list is left as it was. */
int pb_list_add_item(struct pb_list *l, struct json_object *item, struct apierr *err);

/* Appends the enveloped list to out: typeMeta {apiVersion, kind}, then the metadata (a ListMeta
 * JSON object, borrowed; NULL: none) and the items. On error out is left as it was. */
int pb_list_end(struct pb_list *l, struct json_object *meta, struct pb_buf *out,
                struct apierr *err);

/* Frees what the list holds; safe after a failed pb_list_begin. */
void pb_list_release(struct pb_list *l);

/* Appends one watch frame to out: 4-byte big-endian length + WatchEvent{type, object: envelope of
 * obj}. type is "ADDED", "MODIFIED", "DELETED", "BOOKMARK" or "ERROR" (obj a Status). obj is
 * borrowed. Errors as pb_encode_object. */
int pb_encode_watch_event(const char *type, struct json_object *obj, struct pb_buf *out,
                          struct apierr *err);

/* Reads the frame at the start of buf (a client's view, for tests and tools): *used is set to the
 * frame's size and *out to a new {"type": ..., "object": {...}} the caller owns. A buffer shorter
 * than the frame is APIERR_BAD_REQUEST. */
int pb_decode_watch_event(const unsigned char *buf, size_t len, size_t *used,
                          struct json_object **out, struct apierr *err);

#endif
