/* JSON Patch (RFC 6902) with JSON Pointers (RFC 6901), following evanphx/json-patch v4, the
 * version kube-apiserver applies: see patch.h for where it departs from the RFC. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "generic/apis/xalloc.h"
#include "generic/endpoints/patch.h"
#include "generic/endpoints/patch_internal.h"

/* One operation's view of the document: the container its path ends in and the decoded last
 * token. depth is the container's nesting, used to refuse values that would nest too deep. */
struct target {
    struct json_object *parent;
    char *key;
    int depth;
    int shallower; /* a move no deeper than its source: the value's depth is known to fit */
};

struct apply {
    struct json_object *root;
    size_t copied; /* bytes added by copy operations so far */
    size_t work;   /* nodes visited and array elements shifted so far */
};

/* Caps what one patch may cost besides copies: 10000 inserts at the head of a long array, or
 * a large subtree moved back and forth, would otherwise take minutes. */
#define PATCH_MAX_WORK ((size_t)1 << 28)

/* kube turns every failure to apply into this 422 and drops Go's explanation. */
static int unprocessable(struct apierr *err)
{
    apierr_set(err, APIERR_INVALID, "%s", PATCH_INVALID_MESSAGE);
    err->has_details = 1;
    return -1;
}

/* Decodes one reference token: "~1" is '/', "~0" is '~', in a single pass. */
static char *decode_token(const char *s, size_t n)
{
    char *out = xmalloc(n + 1), *o = out;
    size_t i;

    for (i = 0; i < n; i++) {
        if (s[i] == '~' && i + 1 < n && (s[i + 1] == '0' || s[i + 1] == '1')) {
            *o++ = s[i + 1] == '0' ? '~' : '/';
            i++;
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    return out;
}

/* An array index as Go's strconv.Atoi reads it (sign allowed); negative counts from the end
 * of an array of length n. Returns -1 for anything else or an index outside [0, n). */
static int array_index(const char *tok, size_t n, size_t *out)
{
    const char *p = tok + (*tok == '+' || *tok == '-');
    long long v = 0;

    if (*p == '\0' || strlen(p) > 18)
        return -1;
    for (; *p; p++) {
        if (!isdigit((unsigned char)*p))
            return -1;
        v = v * 10 + (*p - '0');
    }
    if (*tok == '-')
        v = -v;
    if (v < 0)
        v += (long long)n;
    if (v < 0 || (unsigned long long)v >= n)
        return -1;
    *out = (size_t)v;
    return 0;
}

/* The member or element tok names in container c, or -1 when there is none. The child itself
 * may be NULL: a JSON null that exists. */
static int child(struct json_object *c, const char *tok, struct json_object **out)
{
    size_t i;

    if (json_object_is_type(c, json_type_object))
        return json_object_object_get_ex(c, tok, out) ? 0 : -1;
    if (!json_object_is_type(c, json_type_array) ||
        array_index(tok, json_object_array_length(c), &i) < 0)
        return -1;
    *out = json_object_array_get_idx(c, i);
    return 0;
}

/* Walks path to the container of its last token. Fails (-1) on "", on a path without a
 * leading '/', and when an intermediate token names nothing or a non-container. */
static int resolve(struct json_object *root, struct json_object *path, struct target *t)
{
    const char *p, *slash;
    struct json_object *cur = root;
    char *tok;
    int found;

    if (!json_object_is_type(path, json_type_string))
        return -1;
    p = json_object_get_string(path);
    if (*p != '/')
        return -1;
    t->depth = 1;
    t->shallower = 0;
    for (p++; (slash = strchr(p, '/')) != NULL; p = slash + 1) {
        tok = decode_token(p, (size_t)(slash - p));
        found = child(cur, tok, &cur);
        free(tok);
        if (found < 0 || !(json_object_is_type(cur, json_type_object) ||
                           json_object_is_type(cur, json_type_array)))
            return -1;
        t->depth++;
    }
    if (!json_object_is_type(cur, json_type_object) && !json_object_is_type(cur, json_type_array))
        return -1;
    t->parent = cur;
    t->key = decode_token(p, strlen(p));
    return 0;
}

/* Whether v nests more than levels deep. Every node visited counts as work; running out of
 * work counts as too deep, so the operation fails. */
static int too_deep(struct apply *a, struct json_object *v, int levels)
{
    size_t i, n;

    if (!json_object_is_type(v, json_type_object) && !json_object_is_type(v, json_type_array))
        return 0;
    if (levels <= 0 || ++a->work > PATCH_MAX_WORK)
        return 1;
    if (json_object_is_type(v, json_type_array)) {
        n = json_object_array_length(v);
        for (i = 0; i < n; i++) {
            if (too_deep(a, json_object_array_get_idx(v, i), levels - 1))
                return 1;
        }
        return 0;
    }
    json_object_object_foreach(v, key, val) {
        (void)key;
        if (too_deep(a, val, levels - 1))
            return 1;
    }
    return 0;
}

/* Inserts val (taken) into array arr before index i, shifting the tail up. */
static void array_insert(struct json_object *arr, size_t i, struct json_object *val)
{
    struct array_list *al = json_object_get_array(arr);
    size_t n = json_object_array_length(arr);

    json_object_array_add(arr, NULL);
    memmove(&al->array[i + 1], &al->array[i], (n - i) * sizeof(al->array[0]));
    al->array[i] = val;
}

/* Adds val (taken) at t: sets an object member, or inserts into an array, where "-" appends
 * and an index may equal the length. */
static int target_add(struct apply *a, struct target *t, struct json_object *val)
{
    size_t n, i;

    if (!t->shallower && too_deep(a, val, PATCH_MAX_DEPTH - t->depth))
        goto fail;
    if (json_object_is_type(t->parent, json_type_object)) {
        json_object_object_add(t->parent, t->key, val);
        return 0;
    }
    n = json_object_array_length(t->parent);
    if (strcmp(t->key, "-") == 0) {
        json_object_array_add(t->parent, val);
        return 0;
    }
    if (array_index(t->key, n + 1, &i) < 0)
        goto fail;
    a->work += n - i;
    if (a->work > PATCH_MAX_WORK)
        goto fail;
    array_insert(t->parent, i, val);
    return 0;
fail:
    json_object_put(val);
    return -1;
}

/* Removes what t names; with out, hands the caller a reference to it. */
static int target_remove(struct apply *a, struct target *t, struct json_object **out)
{
    struct json_object *v;
    size_t i;

    if (json_object_is_type(t->parent, json_type_object)) {
        if (!json_object_object_get_ex(t->parent, t->key, &v))
            return -1;
        if (out)
            *out = json_object_get(v);
        json_object_object_del(t->parent, t->key);
        return 0;
    }
    if (array_index(t->key, json_object_array_length(t->parent), &i) < 0)
        return -1;
    a->work += json_object_array_length(t->parent) - i;
    if (a->work > PATCH_MAX_WORK)
        return -1;
    if (out)
        *out = json_object_get(json_object_array_get_idx(t->parent, i));
    json_object_array_del_idx(t->parent, i, 1);
    return 0;
}

/* replace: an array element must exist; an object member need not (json-patch v4). */
static int target_replace(struct apply *a, struct target *t, struct json_object *val)
{
    size_t i;

    if (too_deep(a, val, PATCH_MAX_DEPTH - t->depth))
        goto fail;
    if (json_object_is_type(t->parent, json_type_object)) {
        json_object_object_add(t->parent, t->key, val);
        return 0;
    }
    if (array_index(t->key, json_object_array_length(t->parent), &i) < 0)
        goto fail;
    json_object_array_put_idx(t->parent, i, val);
    return 0;
fail:
    json_object_put(val);
    return -1;
}

static struct json_object *member(struct json_object *op, const char *name)
{
    struct json_object *v = NULL;

    json_object_object_get_ex(op, name, &v);
    return v;
}

static int op_add(struct apply *a, struct json_object *op, int replace)
{
    struct target t;
    int rc;

    if (resolve(a->root, member(op, "path"), &t) < 0)
        return -1;
    if (replace)
        rc = target_replace(a, &t, patch_copy(member(op, "value")));
    else
        rc = target_add(a, &t, patch_copy(member(op, "value")));
    free(t.key);
    return rc;
}

static int op_remove(struct apply *a, struct json_object *op)
{
    struct target t;
    int rc;

    if (resolve(a->root, member(op, "path"), &t) < 0)
        return -1;
    rc = target_remove(a, &t, NULL);
    free(t.key);
    return rc;
}

/* move and copy: take (or copy) the value at "from", then add it at "path". */
static int op_move(struct apply *a, struct json_object *op, int copy)
{
    struct json_object *val = NULL;
    struct target from, to;
    size_t len = 0;
    int rc;

    if (resolve(a->root, member(op, "from"), &from) < 0)
        return -1;
    if (copy) {
        rc = child(from.parent, from.key, &val);
        if (rc == 0)
            json_object_to_json_string_length(val, JSON_C_TO_STRING_PLAIN, &len);
        a->copied += len;
        val = rc == 0 && a->copied <= PATCH_MAX_COPY_BYTES ? patch_copy(val) : NULL;
        rc = a->copied <= PATCH_MAX_COPY_BYTES ? rc : -1;
    } else {
        rc = target_remove(a, &from, &val);
    }
    free(from.key);
    if (rc < 0 || resolve(a->root, member(op, "path"), &to) < 0) {
        json_object_put(val);
        return -1;
    }
    to.shallower = !copy && to.depth <= from.depth;
    rc = target_add(a, &to, val);
    free(to.key);
    return rc;
}

/* test: a member that is absent matches only a null or missing "value". */
static int op_test(struct apply *a, struct json_object *op)
{
    struct json_object *have = NULL, *want = member(op, "value");
    struct target t;
    int found;

    if (resolve(a->root, member(op, "path"), &t) < 0)
        return -1;
    found = child(t.parent, t.key, &have);
    if (found < 0 && json_object_is_type(t.parent, json_type_object))
        found = 0;
    free(t.key);
    if (found < 0)
        return -1;
    return json_object_equal(have, want) ? 0 : -1;
}

static int apply_op(struct apply *a, struct json_object *op)
{
    struct json_object *kind = member(op, "op");
    const char *k = json_object_is_type(kind, json_type_string) ? json_object_get_string(kind) : "";

    if (strcmp(k, "add") == 0)
        return op_add(a, op, 0);
    if (strcmp(k, "replace") == 0)
        return op_add(a, op, 1);
    if (strcmp(k, "remove") == 0)
        return op_remove(a, op);
    if (strcmp(k, "move") == 0)
        return op_move(a, op, 0);
    if (strcmp(k, "copy") == 0)
        return op_move(a, op, 1);
    if (strcmp(k, "test") == 0)
        return op_test(a, op);
    return -1; /* "Unexpected kind" */
}

static int syntax_error(struct json_tokener *tok, const char *s, size_t len, struct apierr *err)
{
    size_t at = json_tokener_get_parse_end(tok);
    unsigned char c = at < len ? (unsigned char)s[at] : 0;

    if (at >= len)
        return apierr_set(err, APIERR_BAD_REQUEST, "unexpected end of JSON input");
    if (json_tokener_get_error(tok) == json_tokener_error_depth)
        return apierr_set(err, APIERR_BAD_REQUEST, "exceeded max depth");
    if (isprint(c))
        return apierr_set(err, APIERR_BAD_REQUEST,
                          "invalid character '%c' looking for beginning of value", c);
    return apierr_set(err, APIERR_BAD_REQUEST,
                      "invalid character '\\x%02x' looking for beginning of value", c);
}

/* Parses the body strictly, as Go's decoder would, into *out (the caller owns it). */
static int parse_patch(const char *s, size_t len, struct json_object **out, struct apierr *err)
{
    struct json_tokener *tok = json_tokener_new_ex(PATCH_MAX_DEPTH + 2);
    size_t end = len;
    int rc = 0;

    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    *out = len > INT32_MAX ? NULL : json_tokener_parse_ex(tok, s, (int)len);
    if (json_tokener_get_error(tok) == json_tokener_continue) {
        /* The end of input completes a top-level number or trailing blanks, nothing else. */
        *out = json_tokener_parse_ex(tok, "", 1);
        if (json_tokener_get_error(tok) != json_tokener_success)
            rc = apierr_set(err, APIERR_BAD_REQUEST, "unexpected end of JSON input");
    } else if (json_tokener_get_error(tok) == json_tokener_success)
        end = json_tokener_get_parse_end(tok);
    while (end < len && isspace((unsigned char)s[end]))
        end++;
    if (rc == 0 && json_tokener_get_error(tok) != json_tokener_success)
        rc = syntax_error(tok, s, len, err);
    else if (rc == 0 && end < len)
        rc = apierr_set(err, APIERR_BAD_REQUEST, "invalid character '%c' after top-level value",
                        s[end]);
    if (rc < 0) {
        json_object_put(*out);
        *out = NULL;
    }
    json_tokener_free(tok);
    return rc;
}

/* What jsonpatch.DecodePatch accepts: null, or an array of objects and nulls. */
static int check_shape(struct json_object *ops, struct apierr *err)
{
    size_t i, n;
    struct json_object *op;

    if (!json_object_is_type(ops, json_type_array))
        return apierr_set(err, APIERR_BAD_REQUEST,
                          "json: cannot unmarshal %s into Go value of type jsonpatch.Patch",
                          patch_go_type(ops));
    n = json_object_array_length(ops);
    for (i = 0; i < n; i++) {
        op = json_object_array_get_idx(ops, i);
        if (op && !json_object_is_type(op, json_type_object))
            return apierr_set(err, APIERR_BAD_REQUEST,
                              "json: cannot unmarshal %s into Go value of type jsonpatch.Operation",
                              patch_go_type(op));
    }
    if (n > PATCH_MAX_OPERATIONS)
        return apierr_set(err, APIERR_TOO_LARGE,
                          "Request entity too large: The allowed maximum operations in a JSON "
                          "patch is %d, got %zu",
                          PATCH_MAX_OPERATIONS, n);
    return 0;
}

int patch_json_apply(struct json_object **doc, const char *patch, size_t len, struct apierr *err)
{
    struct json_object *ops;
    struct apply a = {0};
    size_t i, n;

    if (parse_patch(patch, len, &ops, err) < 0)
        return -1;
    if (ops == NULL) /* "null" decodes to an empty patch */
        return 0;
    if (check_shape(ops, err) < 0) {
        json_object_put(ops);
        return -1;
    }
    a.root = patch_copy(*doc);
    n = json_object_array_length(ops);
    for (i = 0; i < n; i++) {
        if (apply_op(&a, json_object_array_get_idx(ops, i)) < 0) {
            json_object_put(a.root);
            json_object_put(ops);
            return unprocessable(err);
        }
    }
    json_object_put(ops);
    patch_swap(doc, a.root);
    return 0;
}
