/* rbac.authorization.k8s.io/v1: roles, rolebindings, clusterroles and clusterrolebindings, with
 * kube's defaults, validation (pkg/apis/rbac/validation) and table columns. Stored only: nothing
 * enforces them yet, every authenticated user may do everything. */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "generic/apis/meta.h"
#include "generic/endpoints/table.h"
#include "kubeapi/groups_internal.h"
#include "kubeapi/kubeapi_internal.h"

#define RBAC_GROUP "rbac.authorization.k8s.io"

/* Go's %#v of a []string: []string{"a", "b"}; []string(nil) when absent. */
static void go_strings(struct json_object *arr, char *buf, size_t n)
{
    size_t i, len;
    char q[256];

    if (!json_object_is_type(arr, json_type_array)) {
        snprintf(buf, n, "[]string(nil)");
        return;
    }
    len = (size_t)snprintf(buf, n, "[]string{");
    for (i = 0; i < json_object_array_length(arr) && len < n; i++) {
        validation_quote(q, sizeof(q), json_object_get_string(json_object_array_get_idx(arr, i)));
        len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? ", " : "", q);
    }
    if (len < n)
        snprintf(buf + len, n - len, "}");
}

/* --- roles and clusterroles --- */

static int rule_validate(struct json_object *rule, const char *path, bool namespaced,
                         struct apierr *err)
{
    struct json_object *urls = obj_get(rule, "nonResourceURLs");
    char f[96], raw[512];
    int rc = 0;

    snprintf(f, sizeof(f), "%s.verbs", path);
    if (kube_len(obj_get(rule, "verbs")) == 0)
        rc = validation_required(err, f, "verbs must contain at least one value");
    snprintf(f, sizeof(f), "%s.nonResourceURLs", path);
    go_strings(urls, raw, sizeof(raw));
    if (kube_len(urls) > 0) {
        if (namespaced)
            rc =
                kube_invalid_raw(err, f, raw, "namespaced rules cannot apply to non-resource URLs");
        if (kube_len(obj_get(rule, "apiGroups")) || kube_len(obj_get(rule, "resources")) ||
            kube_len(obj_get(rule, "resourceNames")))
            rc = kube_invalid_raw(err, f, raw,
                                  "rules cannot apply to both regular resources and non-resource "
                                  "URLs");
        return rc;
    }
    snprintf(f, sizeof(f), "%s.apiGroups", path);
    if (kube_len(obj_get(rule, "apiGroups")) == 0)
        rc = validation_required(err, f, "resource rules must supply at least one api group");
    snprintf(f, sizeof(f), "%s.resources", path);
    if (kube_len(obj_get(rule, "resources")) == 0)
        rc = validation_required(err, f, "resource rules must supply at least one resource");
    return rc;
}

static int rules_validate(struct json_object *obj, bool namespaced, struct apierr *err)
{
    struct json_object *rules = obj_get(obj, "rules");
    char path[32];
    size_t i;
    int rc = 0;

    for (i = 0; json_object_is_type(rules, json_type_array) && i < json_object_array_length(rules);
         i++) {
        snprintf(path, sizeof(path), "rules[%zu]", i);
        if (rule_validate(json_object_array_get_idx(rules, i), path, namespaced, err) < 0)
            rc = -1;
    }
    return rc;
}

static int role_validate(struct json_object *obj, struct apierr *err)
{
    return rules_validate(obj, true, err);
}

static int role_validate_update(struct json_object *obj, struct json_object *old,
                                struct apierr *err)
{
    (void)old;
    return rules_validate(obj, true, err);
}

static int clusterrole_validate(struct json_object *obj, struct apierr *err)
{
    struct json_object *agg = obj_get(obj, "aggregationRule"), *sels;
    char path[64];
    size_t i;
    int rc = rules_validate(obj, false, err);

    if (!agg)
        return rc;
    sels = obj_get(agg, "clusterRoleSelectors");
    if (kube_len(sels) == 0)
        return validation_required(err, "aggregationRule.clusterRoleSelectors",
                                   "at least one clusterRoleSelector required if aggregationRule "
                                   "is non-nil");
    for (i = 0; json_object_is_type(sels, json_type_array) && i < json_object_array_length(sels);
         i++) {
        snprintf(path, sizeof(path), "aggregationRule.clusterRoleSelectors[%zu]", i);
        if (kube_selector_validate(json_object_array_get_idx(sels, i), path, err) < 0)
            rc = -1;
    }
    return rc;
}

static int clusterrole_validate_update(struct json_object *obj, struct json_object *old,
                                       struct apierr *err)
{
    (void)old;
    return clusterrole_validate(obj, err);
}

/* kube prints roles with their creation time, not an age. */
static void role_row(struct json_object *obj, struct json_object *cells)
{
    table_cell_str(cells, meta_str(obj, "name") ?: "");
    table_cell_str(cells, meta_str(obj, "creationTimestamp") ?: "");
}

static const struct table_column role_columns[] = {
    {"Name", "string", "name", KUBE_NAME_DESC, 0},
    {"Created At", "date", "", KUBE_AGE_DESC, 0},
    {0},
};

static const struct strategy role_strategy = {
    .validate_create = role_validate,
    .validate_update = role_validate_update,
    .table_row = role_row,
};

static const struct strategy clusterrole_strategy = {
    .validate_create = clusterrole_validate,
    .validate_update = clusterrole_validate_update,
    .table_row = role_row,
};

/* --- rolebindings and clusterrolebindings --- */

static void subject_defaults(struct json_object *s)
{
    const char *kind = obj_get_str(s, "kind") ?: "", *group = obj_get_str(s, "apiGroup");

    if ((!group || !*group) && (strcmp(kind, "User") == 0 || strcmp(kind, "Group") == 0))
        json_object_object_add(s, "apiGroup", json_object_new_string(RBAC_GROUP));
}

static void binding_defaults(struct json_object *obj)
{
    struct json_object *ref = obj_get(obj, "roleRef"), *subjects = obj_get(obj, "subjects");
    const char *group = obj_get_str(ref, "apiGroup");
    size_t i;

    if (json_object_is_type(ref, json_type_object) && (!group || !*group))
        json_object_object_add(ref, "apiGroup", json_object_new_string(RBAC_GROUP));
    for (i = 0;
         json_object_is_type(subjects, json_type_array) && i < json_object_array_length(subjects);
         i++)
        subject_defaults(json_object_array_get_idx(subjects, i));
}

static int not_supported(struct apierr *err, const char *path, const char *field, const char *value,
                         const char *const *supported)
{
    char f[96];

    snprintf(f, sizeof(f), "%s.%s", path, field);
    return validation_not_supported(err, f, value, supported);
}

/* kube's ValidateRoleBindingSubject. */
static int subject_validate(struct json_object *s, const char *path, bool namespaced,
                            struct apierr *err)
{
    static const char *const rbac[] = {RBAC_GROUP, NULL}, *const core[] = {"", NULL};
    static const char *const kinds[] = {"ServiceAccount", "User", "Group", NULL};
    const char *name = obj_get_str(s, "name") ?: "", *kind = obj_get_str(s, "kind") ?: "";
    const char *group = obj_get_str(s, "apiGroup") ?: "", *msgs[VALIDATION_MAX_MSGS];
    char f[96];
    int rc = 0, n;

    snprintf(f, sizeof(f), "%s.name", path);
    if (!*name)
        rc = validation_required(err, f, NULL);
    if (strcmp(kind, "ServiceAccount") == 0) {
        n = *name ? validation_dns1123_subdomain(name, msgs) : 0;
        if (n)
            rc = validation_invalid_msgs(err, f, name, msgs, n);
        if (*group)
            rc = not_supported(err, path, "apiGroup", group, core);
        snprintf(f, sizeof(f), "%s.namespace", path);
        if (!namespaced && !*(obj_get_str(s, "namespace") ?: ""))
            rc = validation_required(err, f, NULL);
    } else if (strcmp(kind, "User") == 0 || strcmp(kind, "Group") == 0) {
        if (strcmp(group, RBAC_GROUP) != 0)
            rc = not_supported(err, path, "apiGroup", group, rbac);
    } else {
        rc = not_supported(err, path, "kind", kind, kinds);
    }
    return rc;
}

/* kube's ValidateRoleBinding and ValidateClusterRoleBinding. */
static int binding_validate(struct json_object *obj, bool namespaced, struct apierr *err)
{
    static const char *const rbac[] = {RBAC_GROUP, NULL};
    static const char *const role_kinds[] = {"Role", "ClusterRole", NULL};
    static const char *const cluster_kinds[] = {"ClusterRole", NULL};
    struct json_object *ref = obj_get(obj, "roleRef"), *subjects = obj_get(obj, "subjects");
    const char *group = obj_get_str(ref, "apiGroup") ?: "", *kind = obj_get_str(ref, "kind") ?: "";
    const char *name = obj_get_str(ref, "name") ?: "", *msgs[VALIDATION_MAX_MSGS];
    const char *const *kinds = namespaced ? role_kinds : cluster_kinds;
    char path[32];
    size_t i;
    int rc = 0, n;

    if (strcmp(group, RBAC_GROUP) != 0)
        rc = validation_not_supported(err, "roleRef.apiGroup", group, rbac);
    if (strcmp(kind, "ClusterRole") != 0 && (!namespaced || strcmp(kind, "Role") != 0))
        rc = validation_not_supported(err, "roleRef.kind", kind, kinds);
    n = *name ? validation_path_segment(name, false, msgs) : 0;
    if (!*name)
        rc = validation_required(err, "roleRef.name", NULL);
    else if (n)
        rc = validation_invalid_msgs(err, "roleRef.name", name, msgs, n);
    for (i = 0;
         json_object_is_type(subjects, json_type_array) && i < json_object_array_length(subjects);
         i++) {
        snprintf(path, sizeof(path), "subjects[%zu]", i);
        if (subject_validate(json_object_array_get_idx(subjects, i), path, namespaced, err) < 0)
            rc = -1;
    }
    return rc;
}

/* roleRef is immutable: kube shows the new one as Go's %#v of rbac.RoleRef. */
static int roleref_immutable(struct json_object *obj, struct json_object *old, struct apierr *err)
{
    struct json_object *a = obj_get(obj, "roleRef"), *b = obj_get(old, "roleRef");
    char g[128], k[128], n[300], raw[600];

    if (json_object_equal(a, b))
        return 0;
    validation_quote(g, sizeof(g), obj_get_str(a, "apiGroup") ?: "");
    validation_quote(k, sizeof(k), obj_get_str(a, "kind") ?: "");
    validation_quote(n, sizeof(n), obj_get_str(a, "name") ?: "");
    snprintf(raw, sizeof(raw), "rbac.RoleRef{APIGroup:%s, Kind:%s, Name:%s}", g, k, n);
    return kube_invalid_raw(err, "roleRef", raw, "cannot change roleRef");
}

static int rolebinding_validate(struct json_object *obj, struct apierr *err)
{
    return binding_validate(obj, true, err);
}

static int rolebinding_validate_update(struct json_object *obj, struct json_object *old,
                                       struct apierr *err)
{
    int rc = binding_validate(obj, true, err);

    return roleref_immutable(obj, old, err) < 0 ? -1 : rc;
}

static int clusterrolebinding_validate(struct json_object *obj, struct apierr *err)
{
    return binding_validate(obj, false, err);
}

static int clusterrolebinding_validate_update(struct json_object *obj, struct json_object *old,
                                              struct apierr *err)
{
    int rc = binding_validate(obj, false, err);

    return roleref_immutable(obj, old, err) < 0 ? -1 : rc;
}

/* Appends ", name" (or "ns/name" for service accounts) to the list of kind. */
static void subject_cell(struct json_object *subjects, const char *kind, struct json_object *cells)
{
    char buf[2048] = "";
    size_t i, len = 0;

    for (i = 0; i < kube_len(subjects) && json_object_is_type(subjects, json_type_array); i++) {
        struct json_object *s = json_object_array_get_idx(subjects, i);
        const char *ns = obj_get_str(s, "namespace");

        if (strcmp(obj_get_str(s, "kind") ?: "", kind) != 0 || len >= sizeof(buf))
            continue;
        len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s%s%s", len ? ", " : "",
                                strcmp(kind, "ServiceAccount") == 0 && ns && *ns ? ns : "",
                                strcmp(kind, "ServiceAccount") == 0 && ns && *ns ? "/" : "",
                                obj_get_str(s, "name") ?: "");
    }
    table_cell_str(cells, buf);
}

static void binding_row(struct json_object *obj, struct json_object *cells)
{
    struct json_object *subjects = obj_get(obj, "subjects");
    char role[600];

    snprintf(role, sizeof(role), "%s/%s", obj_get_str(obj, "roleRef.kind") ?: "",
             obj_get_str(obj, "roleRef.name") ?: "");
    table_cell_str(cells, meta_str(obj, "name") ?: "");
    table_cell_str(cells, role);
    table_cell_age(cells, obj);
    subject_cell(subjects, "User", cells);
    subject_cell(subjects, "Group", cells);
    subject_cell(subjects, "ServiceAccount", cells);
}

#define ROLEREF_DESC                                                                               \
    "RoleRef can only reference a Role in the current namespace or a ClusterRole in the global "   \
    "namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This "     \
    "field is immutable."
#define CLUSTER_ROLEREF_DESC                                                                       \
    "RoleRef can only reference a ClusterRole in the global namespace. If the RoleRef cannot be "  \
    "resolved, the Authorizer must return an error. This field is immutable."

static const struct table_column rolebinding_columns[] = {
    {"Name", "string", "name", KUBE_NAME_DESC, 0},
    {"Role", "string", "", ROLEREF_DESC, 0},
    {"Age", "string", "", KUBE_AGE_DESC, 0},
    {"Users", "string", "", "Users in the roleBinding", 1},
    {"Groups", "string", "", "Groups in the roleBinding", 1},
    {"ServiceAccounts", "string", "", "ServiceAccounts in the roleBinding", 1},
    {0},
};

static const struct table_column clusterrolebinding_columns[] = {
    {"Name", "string", "name", KUBE_NAME_DESC, 0},
    {"Role", "string", "", CLUSTER_ROLEREF_DESC, 0},
    {"Age", "string", "", KUBE_AGE_DESC, 0},
    {"Users", "string", "", "Users in the clusterRoleBinding", 1},
    {"Groups", "string", "", "Groups in the clusterRoleBinding", 1},
    {"ServiceAccounts", "string", "", "ServiceAccounts in the clusterRoleBinding", 1},
    {0},
};

static const struct strategy rolebinding_strategy = {
    .defaults = binding_defaults,
    .validate_create = rolebinding_validate,
    .validate_update = rolebinding_validate_update,
    .table_row = binding_row,
};

static const struct strategy clusterrolebinding_strategy = {
    .defaults = binding_defaults,
    .validate_create = clusterrolebinding_validate,
    .validate_update = clusterrolebinding_validate_update,
    .table_row = binding_row,
};

/* --- the group version: RBAC names are path segments (kube's ValidateRBACName) --- */

static const struct resource rbac_v1_resources[] = {
    {"clusterrolebindings",
     "ClusterRoleBinding",
     {0},
     0,
     VERB_ALL,
     &clusterrolebinding_strategy,
     .columns = clusterrolebinding_columns,
     .name_fn = validation_name_path_segment},
    {"clusterroles",
     "ClusterRole",
     {0},
     0,
     VERB_ALL,
     &clusterrole_strategy,
     .columns = role_columns,
     .name_fn = validation_name_path_segment},
    {"rolebindings",
     "RoleBinding",
     {0},
     RES_NAMESPACED,
     VERB_ALL,
     &rolebinding_strategy,
     .columns = rolebinding_columns,
     .name_fn = validation_name_path_segment},
    {"roles",
     "Role",
     {0},
     RES_NAMESPACED,
     VERB_ALL,
     &role_strategy,
     .columns = role_columns,
     .name_fn = validation_name_path_segment},
    {0},
};

const struct group_version kube_rbac_v1 = {RBAC_GROUP, "v1", rbac_v1_resources};
