/* Helpers for the parts of an API object every resource shares: ObjectMeta, dotted field paths,
 * uids and timestamps. Objects are json-c objects; getters lend, setters take. */
#ifndef GENERIC_APIS_META_H
#define GENERIC_APIS_META_H

#include <stddef.h>
#include <stdint.h>

struct json_object;

/* Parses len bytes of JSON (not necessarily NUL-terminated); a new reference, or NULL when they
 * are not one complete JSON value. */
struct json_object *obj_parse(const char *s, size_t len);

/* The value at a dotted path ("spec.template.metadata"), borrowed; NULL when any step is
 * missing or not an object. */
struct json_object *obj_get(struct json_object *obj, const char *path);
/* The string at a dotted path, borrowed; NULL when missing or not a string. */
const char *obj_get_str(struct json_object *obj, const char *path);
/* Sets a string at a dotted path, creating intermediate objects. */
void obj_set_str(struct json_object *obj, const char *path, const char *value);
/* Sets any value at a dotted path, creating intermediate objects; takes val. */
void obj_set(struct json_object *obj, const char *path, struct json_object *val);
/* Removes the key at a dotted path if present. */
void obj_del(struct json_object *obj, const char *path);

/* metadata, borrowed; meta_ensure() creates it when absent (or not an object). */
struct json_object *meta_get(struct json_object *obj);
struct json_object *meta_ensure(struct json_object *obj);
/* metadata.<field> as a string, borrowed; NULL when absent. */
const char *meta_str(struct json_object *obj, const char *field);
void meta_set_str(struct json_object *obj, const char *field, const char *value);

/* A random (version 4) UUID: 36 characters and a NUL. */
void meta_new_uid(char out[37]);
/* Now, as RFC 3339 in UTC with seconds ("2026-11-22T15:09:23Z"), and with microseconds
 * ("2026-11-22T15:09:23.123456Z", kube's MicroTime). */
void meta_now(char out[32]);
void meta_now_micro(char out[40]);
/* Parses an RFC 3339 time ("...Z" or with an offset) to Unix seconds; -1 on error. */
int64_t meta_parse_time(const char *s);
/* kube's HumanDuration of a positive number of seconds: "5s", "2m3s", "4h", "3d", "2y". */
void meta_human_duration(int64_t seconds, char *out, size_t n);

#endif
