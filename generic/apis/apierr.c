#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "generic/apis/apierr.h"

static const struct {
    int code;
    const char *reason;
} reasons[APIERR_NREASONS] = {
    [APIERR_OK] = {200, ""},
    [APIERR_BAD_REQUEST] = {400, "BadRequest"},
    [APIERR_UNAUTHORIZED] = {401, "Unauthorized"},
    [APIERR_FORBIDDEN] = {403, "Forbidden"},
    [APIERR_NOT_FOUND] = {404, "NotFound"},
    [APIERR_METHOD_NOT_ALLOWED] = {405, "MethodNotAllowed"},
    [APIERR_NOT_ACCEPTABLE] = {406, "NotAcceptable"},
    [APIERR_ALREADY_EXISTS] = {409, "AlreadyExists"},
    [APIERR_CONFLICT] = {409, "Conflict"},
    [APIERR_GONE] = {410, "Gone"},
    [APIERR_EXPIRED] = {410, "Expired"},
    [APIERR_TOO_LARGE] = {413, "RequestEntityTooLarge"},
    [APIERR_UNSUPPORTED_MEDIA_TYPE] = {415, "UnsupportedMediaType"},
    [APIERR_INVALID] = {422, "Invalid"},
    [APIERR_TOO_MANY_REQUESTS] = {429, "TooManyRequests"},
    [APIERR_INTERNAL] = {500, "InternalError"},
    [APIERR_SERVER_TIMEOUT] = {500, "ServerTimeout"},
    [APIERR_UNAVAILABLE] = {503, "ServiceUnavailable"},
    [APIERR_TIMEOUT] = {504, "Timeout"},
};

int apierr_set(struct apierr *err, enum apierr_reason reason, const char *fmt, ...)
{
    va_list ap;

    err->reason = reason;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    return -1;
}

int apierr_field(struct apierr *err, const char *type, const char *field, const char *fmt, ...)
{
    struct apierr_cause *c;
    va_list ap;

    err->reason = APIERR_INVALID;
    if (err->ncauses >= APIERR_MAX_CAUSES) {
        err->ncauses++;
        return -1;
    }
    c = &err->causes[err->ncauses++];
    snprintf(c->type, sizeof(c->type), "%s", type);
    snprintf(c->field, sizeof(c->field), "%s", field);
    va_start(ap, fmt);
    vsnprintf(c->message, sizeof(c->message), fmt, ap);
    va_end(ap);
    return -1;
}

void apierr_details(struct apierr *err, const char *group, const char *kind, const char *name)
{
    snprintf(err->group, sizeof(err->group), "%s", group ? group : "");
    snprintf(err->kind, sizeof(err->kind), "%s", kind ? kind : "");
    snprintf(err->name, sizeof(err->name), "%s", name ? name : "");
    err->has_details = 1;
}

int apierr_code(enum apierr_reason reason)
{
    if ((unsigned)reason >= APIERR_NREASONS)
        return 500;
    return reasons[reason].code;
}

const char *apierr_reason_str(enum apierr_reason reason)
{
    if ((unsigned)reason >= APIERR_NREASONS)
        return "InternalError";
    return reasons[reason].reason;
}

static void add_str(struct json_object *o, const char *key, const char *val)
{
    if (val[0])
        json_object_object_add(o, key, json_object_new_string(val));
}

static struct json_object *details_to_json(const struct apierr *err)
{
    struct json_object *d = json_object_new_object();
    unsigned i, n = err->ncauses < APIERR_MAX_CAUSES ? err->ncauses : APIERR_MAX_CAUSES;

    add_str(d, "name", err->name);
    add_str(d, "group", err->group);
    add_str(d, "kind", err->kind);
    if (n) {
        struct json_object *causes = json_object_new_array();

        for (i = 0; i < n; i++) {
            struct json_object *c = json_object_new_object();

            add_str(c, "reason", err->causes[i].type);
            add_str(c, "message", err->causes[i].message);
            add_str(c, "field", err->causes[i].field);
            json_object_array_add(causes, c);
        }
        json_object_object_add(d, "causes", causes);
    }
    if (err->retry_after)
        json_object_object_add(d, "retryAfterSeconds", json_object_new_int(err->retry_after));
    if (json_object_object_length(d) == 0 && !err->has_details) {
        json_object_put(d);
        return NULL;
    }
    return d;
}

struct json_object *apierr_to_status(const struct apierr *err)
{
    struct json_object *st = json_object_new_object();
    struct json_object *details = details_to_json(err);

    json_object_object_add(st, "kind", json_object_new_string("Status"));
    json_object_object_add(st, "apiVersion", json_object_new_string("v1"));
    json_object_object_add(st, "metadata", json_object_new_object());
    json_object_object_add(st, "status",
                           json_object_new_string(err->reason == APIERR_OK ? "Success" : "Failure"));
    add_str(st, "message", err->message);
    add_str(st, "reason", apierr_reason_str(err->reason));
    if (details)
        json_object_object_add(st, "details", details);
    json_object_object_add(st, "code", json_object_new_int(apierr_code(err->reason)));
    return st;
}
