/* Shared by the kubeapi strategy suites: a create as the generic store runs a strategy's hooks,
 * and a one-line summary of what it reported. */
#ifndef TESTS_UNIT_STRATEGY_CHECK_H
#define TESTS_UNIT_STRATEGY_CHECK_H

#include <stdio.h>

#include <check.h>
#include <json-c/json.h>

#include "generic/registry/resource.h"

/* Parses body, then prepares, defaults and validates it as a create; the caller puts the
 * object. */
static inline struct json_object *strategy_create_check(const struct strategy *s, const char *body,
                                                        struct apierr *err)
{
    struct json_object *obj = json_tokener_parse(body);

    ck_assert_msg(obj != NULL, "bad test JSON: %s", body);
    if (s->prepare_create)
        s->prepare_create(obj);
    if (s->defaults)
        s->defaults(obj);
    if (s->validate_create)
        s->validate_create(obj, err);
    return obj;
}

/* "field: message" of the first cause, or the message of a non-Invalid error, or "". */
static inline const char *first_problem(const struct apierr *err, char *buf, size_t n)
{
    if (err->reason == APIERR_OK)
        snprintf(buf, n, "%s", "");
    else if (err->ncauses)
        snprintf(buf, n, "%s: %s", err->causes[0].field, err->causes[0].message);
    else
        snprintf(buf, n, "%s", err->message);
    return buf;
}

#endif
