/* Errors a client can see: one value per metav1.StatusReason, carried in a caller-owned struct
 * apierr and rendered as a metav1.Status body. */
#ifndef GENERIC_APIS_APIERR_H
#define GENERIC_APIS_APIERR_H

#include <json-c/json.h>

enum apierr_reason {
    APIERR_OK = 0,
    APIERR_BAD_REQUEST,            /* 400 BadRequest */
    APIERR_UNAUTHORIZED,           /* 401 Unauthorized */
    APIERR_FORBIDDEN,              /* 403 Forbidden */
    APIERR_NOT_FOUND,              /* 404 NotFound */
    APIERR_METHOD_NOT_ALLOWED,     /* 405 MethodNotAllowed */
    APIERR_NOT_ACCEPTABLE,         /* 406 NotAcceptable */
    APIERR_ALREADY_EXISTS,         /* 409 AlreadyExists */
    APIERR_CONFLICT,               /* 409 Conflict */
    APIERR_GONE,                   /* 410 Gone */
    APIERR_EXPIRED,                /* 410 Expired: a compacted resourceVersion */
    APIERR_TOO_LARGE,              /* 413 RequestEntityTooLarge */
    APIERR_UNSUPPORTED_MEDIA_TYPE, /* 415 UnsupportedMediaType */
    APIERR_INVALID,                /* 422 Invalid, with causes */
    APIERR_TOO_MANY_REQUESTS,      /* 429 TooManyRequests */
    APIERR_INTERNAL,               /* 500 InternalError */
    APIERR_SERVER_TIMEOUT,         /* 500 ServerTimeout */
    APIERR_UNAVAILABLE,            /* 503 ServiceUnavailable */
    APIERR_TIMEOUT,                /* 504 Timeout */
    APIERR_NREASONS
};

#define APIERR_MAX_CAUSES 8

struct apierr_cause {
    char type[40];  /* "FieldValueInvalid", "FieldValueRequired", ... */
    char field[96]; /* "spec.replicas" */
    char message[512]; /* kube's ErrorBody: `Invalid value: "x": ...`, often over 300 bytes */
};

struct apierr {
    enum apierr_reason reason;
    char message[1024];
    /* Optional metav1.StatusDetails; empty strings are left out of the body. */
    char name[128];
    char group[64];
    char kind[64];
    int has_details;      /* emit "details" even when empty, as kube's generic responses do */
    unsigned retry_after; /* seconds; 0 = none */
    unsigned ncauses;
    struct apierr_cause causes[APIERR_MAX_CAUSES];
};

/* Records the error (reason and printf-style message) and returns -1, so callers write
 * `return apierr_set(...)`. A message longer than the buffer is truncated. */
int apierr_set(struct apierr *err, enum apierr_reason reason, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Adds a field cause and makes the error APIERR_INVALID; returns -1. Causes past
 * APIERR_MAX_CAUSES are counted in the message but not kept. */
int apierr_field(struct apierr *err, const char *type, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Sets the StatusDetails kind/group/name (any may be NULL). */
void apierr_details(struct apierr *err, const char *group, const char *kind, const char *name);

/* The HTTP status code and the StatusReason string ("NotFound") for a reason. */
int apierr_code(enum apierr_reason reason);
const char *apierr_reason_str(enum apierr_reason reason);

/* A new metav1.Status object the caller owns. */
struct json_object *apierr_to_status(const struct apierr *err);

#endif
