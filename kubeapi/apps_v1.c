/* apps/v1: the resource table, and deployments and replicasets (defaults, status reset, kube's
 * validation with an immutable selector, table rows). StatefulSets, DaemonSets and
 * ControllerRevisions are in apps_sets.c. */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "generic/apis/meta.h"
#include "generic/endpoints/table.h"
#include "kubeapi/kubeapi_internal.h"

/* --- shared by the apps kinds --- */

static int selector_and_template(struct json_object *spec, const struct apps_rules *r,
                                 struct json_object *claims, struct apierr *err)
{
    struct json_object *sel = obj_get(spec, "selector"), *tmpl = obj_get(spec, "template");
    char raw[1024], msg[64];
    int rc = 0, bad = 0;

    kube_go_selector(sel, raw, sizeof(raw));
    if (!sel) {
        rc = validation_required(err, "spec.selector", NULL);
    } else {
        bad = kube_selector_validate(sel, "spec.selector", err);
        snprintf(msg, sizeof(msg), "empty selector is invalid for %s", r->what);
        if (kube_selector_empty(sel))
            rc = kube_invalid_raw(err, "spec.selector", raw, msg);
    }
    if (bad)
        return kube_invalid_raw(err, "spec.selector", raw, "invalid label selector");
    if (!(sel && kube_selector_empty(sel)))
        rc |=
            podtemplate_check_selected(kube_selector_matches(sel, obj_get(tmpl, "metadata.labels")),
                                       tmpl, "spec.template", err);
    rc |= podtemplate_validate(tmpl, "spec.template", claims, err);
    rc |= podtemplate_validate_controller(tmpl, "spec.template", r->kind, err);
    return rc ? -1 : 0;
}

int apps_validate_spec(struct json_object *spec, const struct apps_rules *r,
                       struct json_object *claims, struct apierr *err)
{
    int rc = 0;

    rc |= kube_nonneg(spec, "replicas", "spec.replicas", err);
    rc |= selector_and_template(spec, r, claims, err);
    rc |= kube_nonneg(spec, "minReadySeconds", "spec.minReadySeconds", err);
    rc |= kube_nonneg(spec, "revisionHistoryLimit", "spec.revisionHistoryLimit", err);
    return rc ? -1 : 0;
}

/* Semantic equality: a missing list or map is the same as an empty one. */
static bool same_part(struct json_object *a, struct json_object *b)
{
    return (kube_len(a) == 0 && kube_len(b) == 0) || json_object_equal(a, b);
}

int apps_selector_immutable(struct json_object *obj, struct json_object *old, struct apierr *err)
{
    struct json_object *a = obj_get(obj, "spec.selector"), *b = obj_get(old, "spec.selector");
    char raw[1024];

    if ((!a) == (!b) && same_part(obj_get(a, "matchLabels"), obj_get(b, "matchLabels")) &&
        same_part(obj_get(a, "matchExpressions"), obj_get(b, "matchExpressions")))
        return 0;
    kube_go_selector(a, raw, sizeof(raw));
    return kube_invalid_raw(err, "spec.selector", raw, "field is immutable");
}

void apps_reset_status(struct json_object *obj, const char *const *zero_fields)
{
    struct json_object *status = json_object_new_object();

    for (; *zero_fields; zero_fields++)
        json_object_object_add(status, *zero_fields, json_object_new_int(0));
    json_object_object_add(obj, "status", status);
}

int64_t apps_int(struct json_object *obj, const char *path, const char *key)
{
    int64_t v = 0;

    kube_int(obj_get(obj, path), key, &v);
    return v;
}

/* --- deployments --- */

static void deployment_defaults(struct json_object *obj)
{
    struct json_object *spec = kube_default_obj(obj, "spec"), *strategy, *ru;
    const char *type;

    if (!spec)
        return;
    kube_default(spec, "replicas", json_object_new_int(1));
    strategy = kube_default_obj(spec, "strategy");
    type = obj_get_str(strategy, "type");
    if (strategy && (!type || !*type))
        json_object_object_add(strategy, "type", json_object_new_string("RollingUpdate"));
    if (strcmp(obj_get_str(strategy, "type") ?: "", "RollingUpdate") == 0) {
        ru = kube_default_obj(strategy, "rollingUpdate");
        kube_default(ru, "maxUnavailable", json_object_new_string("25%"));
        kube_default(ru, "maxSurge", json_object_new_string("25%"));
    }
    kube_default(spec, "revisionHistoryLimit", json_object_new_int(10));
    kube_default(spec, "progressDeadlineSeconds", json_object_new_int(600));
    podtemplate_defaults(obj_get(spec, "template"));
}

static void deployment_prepare_create(struct json_object *obj)
{
    static const char *const none[] = {NULL};

    apps_reset_status(obj, none);
}

static int rolling_update_validate(struct json_object *ru, const char *path, struct apierr *err)
{
    struct json_object *mu = obj_get(ru, "maxUnavailable"), *ms = obj_get(ru, "maxSurge");
    char fu[96], fs[96];
    int rc = 0;

    snprintf(fu, sizeof(fu), "%s.maxUnavailable", path);
    snprintf(fs, sizeof(fs), "%s.maxSurge", path);
    rc |= kube_int_or_percent(mu, fu, err);
    rc |= kube_int_or_percent(ms, fs, err);
    rc |= kube_not_both_zero(mu, ms, fu, err);
    rc |= kube_not_over_100(mu, fu, err);
    return rc ? -1 : 0;
}

/* kube reports the whole strategy struct, as Go's %#v prints it. */
static int strategy_not_supported(const char *type, struct json_object *ru, struct apierr *err)
{
    char q[128];

    validation_quote(q, sizeof(q), type);
    return apierr_field(err, "FieldValueNotSupported", "spec.strategy",
                        "Unsupported value: apps.DeploymentStrategy{Type:%s, "
                        "RollingUpdate:(*apps.RollingUpdateDeployment)(%s)}: supported values: "
                        "\"Recreate\", \"RollingUpdate\"",
                        q, ru ? "0xc000000000" : "nil");
}

static int strategy_validate(struct json_object *spec, struct apierr *err)
{
    struct json_object *s = obj_get(spec, "strategy"), *ru = obj_get(s, "rollingUpdate");
    const char *type = obj_get_str(s, "type") ?: "";

    if (strcmp(type, "Recreate") == 0)
        return ru ? validation_forbidden(err, "spec.strategy.rollingUpdate",
                                         "may not be specified when strategy `type` is "
                                         "'Recreate'")
                  : 0;
    if (strcmp(type, "RollingUpdate") != 0)
        return strategy_not_supported(type, ru, err);
    if (!ru)
        return validation_required(err, "spec.strategy.rollingUpdate",
                                   "this should be defaulted and never be nil");
    return rolling_update_validate(ru, "spec.strategy.rollingUpdate", err);
}

static int deployment_validate(struct json_object *obj, struct apierr *err)
{
    static const struct apps_rules rules = {"deployment", "ReplicaSet"};
    struct json_object *spec = obj_get(obj, "spec");
    int64_t pds, mrs = 0;
    int rc = 0;

    rc |= kube_nonneg(spec, "replicas", "spec.replicas", err);
    rc |= selector_and_template(spec, &rules, NULL, err);
    rc |= strategy_validate(spec, err);
    rc |= kube_nonneg(spec, "minReadySeconds", "spec.minReadySeconds", err);
    rc |= kube_nonneg(spec, "revisionHistoryLimit", "spec.revisionHistoryLimit", err);
    if (kube_int(spec, "progressDeadlineSeconds", &pds)) {
        rc |= kube_nonneg(spec, "progressDeadlineSeconds", "spec.progressDeadlineSeconds", err);
        kube_int(spec, "minReadySeconds", &mrs);
        if (pds <= mrs)
            rc = validation_invalid_int(err, "spec.progressDeadlineSeconds", pds,
                                        "must be greater than minReadySeconds");
    }
    return rc ? -1 : 0;
}

static int deployment_validate_update(struct json_object *obj, struct json_object *old,
                                      struct apierr *err)
{
    int rc = deployment_validate(obj, err);

    return apps_selector_immutable(obj, old, err) < 0 ? -1 : rc;
}

static void deployment_row(struct json_object *obj, struct json_object *cells)
{
    char buf[1024];

    table_cell_str(cells, meta_str(obj, "name") ?: "");
    snprintf(buf, sizeof(buf), "%lld/%lld", (long long)apps_int(obj, "status", "readyReplicas"),
             (long long)apps_int(obj, "spec", "replicas"));
    table_cell_str(cells, buf);
    table_cell_int(cells, apps_int(obj, "status", "updatedReplicas"));
    table_cell_int(cells, apps_int(obj, "status", "availableReplicas"));
    table_cell_age(cells, obj);
    kube_container_cells(obj_get(obj, "spec.template.spec"), cells);
    kube_selector_string(obj_get(obj, "spec.selector"), buf, sizeof(buf));
    table_cell_str(cells, buf);
}

const struct table_column deployment_columns[] = {
    {"Name", "string", "name", KUBE_NAME_DESC, 0},
    {"Ready", "string", "", "Number of the pod with ready state", 0},
    {"Up-to-date", "string", "",
     "Total number of non-terminated pods targeted by this deployment that have the desired "
     "template spec.",
     0},
    {"Available", "string", "",
     "Total number of available pods (ready for at least minReadySeconds) targeted by this "
     "deployment.",
     0},
    {"Age", "string", "", KUBE_AGE_DESC, 0},
    {"Containers", "string", "", KUBE_CONTAINERS_DESC, 1},
    {"Images", "string", "", KUBE_IMAGES_DESC, 1},
    {"Selector", "string", "",
     "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the "
     "ones affected by this deployment.",
     1},
    {0},
};

const struct strategy deployment_strategy = {
    .defaults = deployment_defaults,
    .prepare_create = deployment_prepare_create,
    .validate_create = deployment_validate,
    .validate_update = deployment_validate_update,
    .table_row = deployment_row,
};

/* --- replicasets --- */

static void replicaset_defaults(struct json_object *obj)
{
    struct json_object *spec = kube_default_obj(obj, "spec");

    kube_default(spec, "replicas", json_object_new_int(1));
    podtemplate_defaults(obj_get(spec, "template"));
}

static void replicaset_prepare_create(struct json_object *obj)
{
    static const char *const zero[] = {"replicas", NULL};

    apps_reset_status(obj, zero);
}

static int replicaset_validate(struct json_object *obj, struct apierr *err)
{
    static const struct apps_rules rules = {"deployment", "ReplicaSet"};

    return apps_validate_spec(obj_get(obj, "spec"), &rules, NULL, err);
}

static int replicaset_validate_update(struct json_object *obj, struct json_object *old,
                                      struct apierr *err)
{
    int rc = replicaset_validate(obj, err);

    return apps_selector_immutable(obj, old, err) < 0 ? -1 : rc;
}

static void replicaset_row(struct json_object *obj, struct json_object *cells)
{
    char sel[1024];

    table_cell_str(cells, meta_str(obj, "name") ?: "");
    table_cell_int(cells, apps_int(obj, "spec", "replicas"));
    table_cell_int(cells, apps_int(obj, "status", "replicas"));
    table_cell_int(cells, apps_int(obj, "status", "readyReplicas"));
    table_cell_age(cells, obj);
    kube_container_cells(obj_get(obj, "spec.template.spec"), cells);
    kube_selector_format(obj_get(obj, "spec.selector"), sel, sizeof(sel));
    table_cell_str(cells, sel);
}

const char *const replicaset_fields[] = {"status.replicas", NULL};

const struct table_column replicaset_columns[] = {
    {"Name", "string", "name", KUBE_NAME_DESC, 0},
    {"Desired", "integer", "",
     "Replicas is the number of desired pods. This is a pointer to distinguish between explicit "
     "zero and unspecified. Defaults to 1. More info: "
     "https://kubernetes.io/docs/concepts/workloads/controllers/replicaset",
     0},
    {"Current", "integer", "",
     "Replicas is the most recently observed number of non-terminating pods. More info: "
     "https://kubernetes.io/docs/concepts/workloads/controllers/replicaset",
     0},
    {"Ready", "integer", "",
     "The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.", 0},
    {"Age", "string", "", KUBE_AGE_DESC, 0},
    {"Containers", "string", "", KUBE_CONTAINERS_DESC, 1},
    {"Images", "string", "", KUBE_IMAGES_DESC, 1},
    {"Selector", "string", "",
     "Selector is a label query over pods that should match the replica count. Label keys and "
     "values that must match in order to be controlled by this replica set. It must match the "
     "pod template's labels. More info: "
     "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
     1},
    {0},
};

const struct strategy replicaset_strategy = {
    .defaults = replicaset_defaults,
    .prepare_create = replicaset_prepare_create,
    .validate_create = replicaset_validate,
    .validate_update = replicaset_validate_update,
    .table_row = replicaset_row,
    .field_value = kube_replicas_field,
};

/* --- the group version --- */

#define APPS_FLAGS (RES_NAMESPACED | RES_STATUS | RES_GENERATION)

static const struct resource apps_v1_resources[] = {
    {"controllerrevisions",
     "ControllerRevision",
     {0},
     RES_NAMESPACED,
     VERB_ALL,
     &controllerrevision_strategy,
     .columns = controllerrevision_columns},
    {"daemonsets",
     "DaemonSet",
     {"ds"},
     APPS_FLAGS,
     VERB_ALL,
     &daemonset_strategy,
     .categories = {"all"},
     .columns = daemonset_columns},
    {"deployments",
     "Deployment",
     {"deploy"},
     APPS_FLAGS | RES_SCALE,
     VERB_ALL,
     &deployment_strategy,
     .categories = {"all"},
     .columns = deployment_columns},
    {"replicasets",
     "ReplicaSet",
     {"rs"},
     APPS_FLAGS | RES_SCALE,
     VERB_ALL,
     &replicaset_strategy,
     .categories = {"all"},
     .columns = replicaset_columns,
     .fields = replicaset_fields},
    {"statefulsets",
     "StatefulSet",
     {"sts"},
     APPS_FLAGS | RES_SCALE,
     VERB_ALL,
     &statefulset_strategy,
     .categories = {"all"},
     .columns = statefulset_columns},
    {0},
};

const struct group_version kube_apps_v1 = {
    .group = "apps", .version = "v1", .resources = apps_v1_resources};
