/* kube's label selectors (labelSelector=, apimachinery's labels.Parse) and field selectors
 * (fieldSelector=, fields.ParseSelector): parsing with kube's grammar, validation and error
 * messages, matching, introspection and kube's canonical String() form.
 *
 * Label selectors: comma-separated requirements, each one of
 *   key  !key  key=v  key==v  key!=v  key in (a,b)  key notin (a,b)  key>1  key<1
 * Keys are qualified names and values label values (validation.h); blanks around tokens are
 * ignored; "x in ()" and "x=" mean the empty value. Field selectors: comma-separated
 * field=value, field==value or field!=value terms, where a value escapes '\', ',' and '=' with a
 * backslash. For both the empty string selects everything. */
#ifndef GENERIC_APIS_SELECTOR_H
#define GENERIC_APIS_SELECTOR_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "generic/apis/apierr.h"

/* A parsed selector, label or field; opaque, freed with selector_free(). The selector_label_*
 * functions take label selectors and the selector_field_* ones field selectors (asserted). */
struct selector;

enum selector_op {
    SELECTOR_EQUALS,        /* key=v */
    SELECTOR_DOUBLE_EQUALS, /* key==v */
    SELECTOR_NOT_EQUALS,    /* key!=v */
    SELECTOR_IN,            /* key in (a,b) */
    SELECTOR_NOT_IN,        /* key notin (a,b) */
    SELECTOR_EXISTS,        /* key */
    SELECTOR_NOT_EXISTS,    /* !key */
    SELECTOR_GT,            /* key>1 */
    SELECTOR_LT,            /* key<1 */
};

/* One requirement, borrowed from its selector. Label selectors keep them sorted by key, values
 * sorted and without duplicates; field selectors use only EQUALS (for = and ==) and NOT_EQUALS,
 * in kube's order, values unescaped. */
struct selector_req {
    const char *key;
    enum selector_op op;
    size_t nvalues;
    const char *const *values;
};

/* Parse s (NULL or "" selects everything). On success the caller owns the result; on failure
 * NULL and APIERR_BAD_REQUEST with kube's message, e.g. `unable to parse requirement: <nil>:
 * Invalid value: "a b": ...` or `found ')', expected: !, identifier, or 'end of string'` for
 * labels and `invalid selector: 'x'; can't understand 'x'` for fields. */
struct selector *selector_label_parse(const char *s, struct apierr *err);
struct selector *selector_field_parse(const char *s, struct apierr *err);
void selector_free(struct selector *sel);

/* True when sel restricts nothing (NULL counts as empty). */
bool selector_empty(const struct selector *sel);
/* The requirements, borrowed; *n is how many. */
const struct selector_req *selector_reqs(const struct selector *sel, size_t *n);

/* kube's String(): "a=b,c in (d,e)" or "metadata.name=x\,y"; the caller frees it. */
char *selector_string(const struct selector *sel);

/* Whether labels (an object of strings, e.g. metadata.labels; NULL has no labels) satisfy every
 * requirement of a label selector. NULL sel matches everything. */
bool selector_label_match(const struct selector *sel, struct json_object *labels);

/* The value of one field of the object behind arg, borrowed until the next call; NULL counts as
 * "" (kube's Fields.Get). Resources supply their own for fields that are not plain paths. */
typedef const char *selector_field_fn(void *arg, const char *field);

/* Whether the fields that get returns satisfy every term of a field selector. */
bool selector_field_match(const struct selector *sel, selector_field_fn *get, void *arg);

/* A selector_field_fn for json-c objects (arg is a struct json_object *): follows a dotted path
 * ("metadata.name", "status.phase"); strings as they are, numbers and booleans as JSON text,
 * anything else or a missing member NULL. */
const char *selector_field_json(void *arg, const char *field);

/* selector_field_match with selector_field_json on obj. */
bool selector_field_match_object(const struct selector *sel, struct json_object *obj);

/* kube's RequiresExactMatch: whether sel only matches objects whose key/field is one value, and
 * which (borrowed from sel). For labels the first requirement on key decides (=, == or a one-value
 * in); for fields any = term does, e.g. "metadata.name" for a single-object watch. */
bool selector_label_requires(const struct selector *sel, const char *key, const char **value);
bool selector_field_requires(const struct selector *sel, const char *field, const char **value);

/* Fails with APIERR_BAD_REQUEST `field label not supported: <field>` unless every field sel
 * names is in allowed (NULL-terminated), as kube's field label conversion does. */
int selector_field_check(const struct selector *sel, const char *const *allowed,
                         struct apierr *err);

#endif
