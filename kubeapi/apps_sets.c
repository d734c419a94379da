/* apps/v1 statefulsets, daemonsets and controllerrevisions: defaults, status reset, kube's
 * validation (a StatefulSet's spec is mostly frozen once created, a DaemonSet's selector too),
 * and table rows. */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "generic/apis/meta.h"
#include "generic/endpoints/table.h"
#include "kubeapi/kubeapi_internal.h"

static void default_str(struct json_object *obj, const char *key, const char *v)
{
    const char *cur = obj_get_str(obj, key);

    if (obj && (!cur || !*cur))
        json_object_object_add(obj, key, json_object_new_string(v));
}

/* --- statefulsets --- */

/* A claim template reads back as a full PersistentVolumeClaim, Pending. */
static void claim_defaults(struct json_object *claim)
{
    if (!json_object_is_type(claim, json_type_object))
        return;
    kube_default(claim, "apiVersion", json_object_new_string("v1"));
    kube_default(claim, "kind", json_object_new_string("PersistentVolumeClaim"));
    default_str(kube_default_obj(claim, "spec"), "volumeMode", "Filesystem");
    kube_default(kube_default_obj(claim, "metadata"), "creationTimestamp", NULL);
    default_str(kube_default_obj(claim, "status"), "phase", "Pending");
}

static void statefulset_defaults(struct json_object *obj)
{
    struct json_object *spec = kube_default_obj(obj, "spec"), *us, *ret, *claims;
    size_t i;

    if (!spec)
        return;
    default_str(spec, "podManagementPolicy", "OrderedReady");
    us = kube_default_obj(spec, "updateStrategy");
    default_str(us, "type", "RollingUpdate");
    if (strcmp(obj_get_str(us, "type") ?: "", "RollingUpdate") == 0)
        kube_default(kube_default_obj(us, "rollingUpdate"), "partition", json_object_new_int(0));
    ret = kube_default_obj(spec, "persistentVolumeClaimRetentionPolicy");
    default_str(ret, "whenDeleted", "Retain");
    default_str(ret, "whenScaled", "Retain");
    kube_default(spec, "replicas", json_object_new_int(1));
    kube_default(spec, "revisionHistoryLimit", json_object_new_int(10));
    podtemplate_defaults(obj_get(spec, "template"));
    claims = obj_get(spec, "volumeClaimTemplates");
    for (i = 0; i < kube_len(claims) && json_object_is_type(claims, json_type_array); i++)
        claim_defaults(json_object_array_get_idx(claims, i));
}

static void statefulset_prepare_create(struct json_object *obj)
{
    static const char *const zero[] = {"replicas", "availableReplicas", NULL};

    apps_reset_status(obj, zero);
}

static int update_strategy_validate(struct json_object *spec, struct apierr *err)
{
    struct json_object *us = obj_get(spec, "updateStrategy"), *ru = obj_get(us, "rollingUpdate");
    const char *type = obj_get_str(us, "type") ?: "";
    char raw[256], q[96];

    if (!*type)
        return validation_required(err, "spec.updateStrategy", NULL);
    if (strcmp(type, "OnDelete") == 0)
        return ru ? kube_invalid_raw(err, "spec.updateStrategy.rollingUpdate",
                                     "&apps.RollingUpdateStatefulSetStrategy{}",
                                     "only allowed for updateStrategy 'RollingUpdate'")
                  : 0;
    if (strcmp(type, "RollingUpdate") == 0)
        return kube_nonneg(ru, "partition", "spec.updateStrategy.rollingUpdate.partition", err);
    validation_quote(q, sizeof(q), type);
    snprintf(raw, sizeof(raw),
             "apps.StatefulSetUpdateStrategy{Type:%s, "
             "RollingUpdate:(*apps.RollingUpdateStatefulSetStrategy)(nil)}",
             q);
    return kube_invalid_raw(err, "spec.updateStrategy", raw,
                            "must be 'RollingUpdate' or 'OnDelete'");
}

static int statefulset_policies(struct json_object *spec, struct apierr *err)
{
    static const char *const kinds[] = {"Retain", "Delete", NULL};
    static const char *const keys[] = {"whenDeleted", "whenScaled"};
    const char *pmp = obj_get_str(spec, "podManagementPolicy") ?: "", *v;
    char f[96];
    int rc = 0, i;

    if (!*pmp)
        rc = validation_required(err, "spec.podManagementPolicy", NULL);
    else if (strcmp(pmp, "OrderedReady") != 0 && strcmp(pmp, "Parallel") != 0)
        rc = validation_invalid(err, "spec.podManagementPolicy", pmp,
                                "must be 'OrderedReady' or 'Parallel'");
    rc |= update_strategy_validate(spec, err);
    for (i = 0; i < 2; i++) {
        v = obj_get_str(obj_get(spec, "persistentVolumeClaimRetentionPolicy"), keys[i]);
        snprintf(f, sizeof(f), "spec.persistentVolumeClaimRetentionPolicy.%s", keys[i]);
        if (v && strcmp(v, "Retain") != 0 && strcmp(v, "Delete") != 0)
            rc = validation_not_supported(err, f, v, kinds);
    }
    return rc ? -1 : 0;
}

static int statefulset_validate(struct json_object *obj, struct apierr *err)
{
    static const struct apps_rules rules = {"statefulset", "StatefulSet"};
    struct json_object *spec = obj_get(obj, "spec");
    int rc = 0;

    rc |= statefulset_policies(spec, err);
    rc |= apps_validate_spec(spec, &rules, obj_get(spec, "volumeClaimTemplates"), err);
    rc |= kube_nonneg(obj_get(spec, "ordinals"), "start", "spec.ordinals.start", err);
    return rc ? -1 : 0;
}

/* Only these may change once a StatefulSet exists. */
static int statefulset_validate_update(struct json_object *obj, struct json_object *old,
                                       struct apierr *err)
{
    static const char *const mutable[] = {"replicas",
                                          "ordinals",
                                          "template",
                                          "updateStrategy",
                                          "revisionHistoryLimit",
                                          "persistentVolumeClaimRetentionPolicy",
                                          "minReadySeconds",
                                          NULL};
    struct json_object *a = kube_copy(obj_get(obj, "spec")), *b = kube_copy(obj_get(old, "spec"));
    int rc = statefulset_validate(obj, err);
    size_t i;

    for (i = 0; mutable[i]; i++) {
        json_object_object_del(a, mutable[i]);
        json_object_object_del(b, mutable[i]);
    }
    if (!json_object_equal(a, b))
        rc = validation_forbidden(err, "spec",
                                  "updates to statefulset spec for fields other than 'replicas', "
                                  "'ordinals', 'template', 'updateStrategy', "
                                  "'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' "
                                  "and 'minReadySeconds' are forbidden");
    json_object_put(a);
    json_object_put(b);
    return rc;
}

static void statefulset_row(struct json_object *obj, struct json_object *cells)
{
    char ready[64];

    table_cell_str(cells, meta_str(obj, "name") ?: "");
    snprintf(ready, sizeof(ready), "%lld/%lld", (long long)apps_int(obj, "status", "readyReplicas"),
             (long long)apps_int(obj, "spec", "replicas"));
    table_cell_str(cells, ready);
    table_cell_age(cells, obj);
    kube_container_cells(obj_get(obj, "spec.template.spec"), cells);
}

const struct table_column statefulset_columns[] = {
    {"Name", "string", "name", KUBE_NAME_DESC, 0},
    {"Ready", "string", "", "Number of the pod with ready state", 0},
    {"Age", "string", "", KUBE_AGE_DESC, 0},
    {"Containers", "string", "", KUBE_CONTAINERS_DESC, 1},
    {"Images", "string", "", KUBE_IMAGES_DESC, 1},
    {0},
};

const struct strategy statefulset_strategy = {
    .defaults = statefulset_defaults,
    .prepare_create = statefulset_prepare_create,
    .validate_create = statefulset_validate,
    .validate_update = statefulset_validate_update,
    .table_row = statefulset_row,
};

/* --- daemonsets --- */

static void daemonset_defaults(struct json_object *obj)
{
    struct json_object *spec = kube_default_obj(obj, "spec"), *us, *ru;

    if (!spec)
        return;
    us = kube_default_obj(spec, "updateStrategy");
    default_str(us, "type", "RollingUpdate");
    if (strcmp(obj_get_str(us, "type") ?: "", "RollingUpdate") == 0) {
        ru = kube_default_obj(us, "rollingUpdate");
        kube_default(ru, "maxUnavailable", json_object_new_int(1));
        kube_default(ru, "maxSurge", json_object_new_int(0));
    }
    kube_default(spec, "revisionHistoryLimit", json_object_new_int(10));
    podtemplate_defaults(obj_get(spec, "template"));
}

static void daemonset_prepare_create(struct json_object *obj)
{
    static const char *const zero[] = {"currentNumberScheduled", "numberMisscheduled",
                                       "desiredNumberScheduled", "numberReady", NULL};

    apps_reset_status(obj, zero);
}

static int daemonset_strategy_validate(struct json_object *spec, struct apierr *err)
{
    static const char *const types[] = {"OnDelete", "RollingUpdate", NULL};
    struct json_object *us = obj_get(spec, "updateStrategy"), *ru = obj_get(us, "rollingUpdate");
    const char *type = obj_get_str(us, "type") ?: "";
    const char *p = "spec.updateStrategy.rollingUpdate";
    int rc = 0;

    if (strcmp(type, "OnDelete") == 0)
        return 0;
    if (strcmp(type, "RollingUpdate") != 0)
        return validation_not_supported(err, "spec.updateStrategy.type", type, types);
    if (!ru)
        return validation_required(err, p, NULL);
    rc |= kube_int_or_percent(obj_get(ru, "maxUnavailable"),
                              "spec.updateStrategy.rollingUpdate."
                              "maxUnavailable",
                              err);
    rc |= kube_int_or_percent(obj_get(ru, "maxSurge"), "spec.updateStrategy.rollingUpdate.maxSurge",
                              err);
    rc |= kube_not_both_zero(obj_get(ru, "maxUnavailable"), obj_get(ru, "maxSurge"),
                             "spec.updateStrategy.rollingUpdate.maxUnavailable", err);
    rc |= kube_not_over_100(obj_get(ru, "maxUnavailable"),
                            "spec.updateStrategy.rollingUpdate.maxUnavailable", err);
    return rc ? -1 : 0;
}

static int daemonset_validate(struct json_object *obj, struct apierr *err)
{
    struct json_object *spec = obj_get(obj, "spec"), *sel = obj_get(spec, "selector");
    struct json_object *tmpl = obj_get(spec, "template");
    char raw[1024];
    int rc = 0, bad;

    bad = kube_selector_validate(sel, "spec.selector", err);
    if (!bad)
        rc |=
            podtemplate_check_selected(kube_selector_matches(sel, obj_get(tmpl, "metadata.labels")),
                                       tmpl, "spec.template", err);
    kube_go_selector(sel, raw, sizeof(raw));
    if (sel && kube_selector_empty(sel))
        rc = kube_invalid_raw(err, "spec.selector", raw, "empty selector is invalid for daemonset");
    rc |= bad | podtemplate_validate(tmpl, "spec.template", NULL, err);
    rc |= podtemplate_validate_controller(tmpl, "spec.template", "DaemonSet", err);
    rc |= kube_nonneg(spec, "minReadySeconds", "spec.minReadySeconds", err);
    rc |= kube_nonneg(spec, "templateGeneration", "spec.templateGeneration", err);
    rc |= daemonset_strategy_validate(spec, err);
    rc |= kube_nonneg(spec, "revisionHistoryLimit", "spec.revisionHistoryLimit", err);
    return rc ? -1 : 0;
}

static int daemonset_validate_update(struct json_object *obj, struct json_object *old,
                                     struct apierr *err)
{
    int rc = daemonset_validate(obj, err);

    return apps_selector_immutable(obj, old, err) < 0 ? -1 : rc;
}

static void daemonset_row(struct json_object *obj, struct json_object *cells)
{
    static const char *const counts[] = {"desiredNumberScheduled", "currentNumberScheduled",
                                         "numberReady", "updatedNumberScheduled",
                                         "numberAvailable"};
    char buf[1024];
    size_t i;

    table_cell_str(cells, meta_str(obj, "name") ?: "");
    for (i = 0; i < 5; i++)
        table_cell_int(cells, apps_int(obj, "status", counts[i]));
    kube_labels_string(obj_get(obj, "spec.template.spec.nodeSelector"), buf, sizeof(buf));
    table_cell_str(cells, buf);
    table_cell_age(cells, obj);
    kube_container_cells(obj_get(obj, "spec.template.spec"), cells);
    kube_selector_format(obj_get(obj, "spec.selector"), buf, sizeof(buf));
    table_cell_str(cells, buf);
}

const struct table_column daemonset_columns[] = {
    {"Name", "string", "name", KUBE_NAME_DESC, 0},
    {"Desired", "integer", "",
     "The total number of nodes that should be running the daemon pod (including nodes "
     "correctly running the daemon pod).",
     0},
    {"Current", "integer", "",
     "The number of nodes that are running at least 1 daemon pod and are supposed to run the "
     "daemon pod.",
     0},
    {"Ready", "integer", "",
     "The number of nodes that should be running the daemon pod and have one or more of the "
     "daemon pod running and ready.",
     0},
    {"Up-to-date", "integer", "", "The total number of nodes that are running updated daemon pod",
     0},
    {"Available", "integer", "",
     "The number of nodes that should be running the daemon pod and have one or more of the "
     "daemon pod running and available (ready for at least spec.minReadySeconds)",
     0},
    {"Node Selector", "string", "",
     "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which "
     "must match a node's labels for the pod to be scheduled on that node. More info: "
     "https://kubernetes.io/docs/concepts/configuration/assign-pod-node/",
     0},
    {"Age", "string", "", KUBE_AGE_DESC, 0},
    {"Containers", "string", "", KUBE_CONTAINERS_DESC, 1},
    {"Images", "string", "", KUBE_IMAGES_DESC, 1},
    {"Selector", "string", "",
     "A label query over pods that are managed by the daemon set. Must match in order to be "
     "controlled. It must match the pod template's labels. More info: "
     "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
     1},
    {0},
};

const struct strategy daemonset_strategy = {
    .defaults = daemonset_defaults,
    .prepare_create = daemonset_prepare_create,
    .validate_create = daemonset_validate,
    .validate_update = daemonset_validate_update,
    .table_row = daemonset_row,
};

/* --- controllerrevisions --- */

static int revision_validate(struct json_object *obj, struct apierr *err)
{
    return kube_nonneg(obj, "revision", "revision", err);
}

static int revision_validate_update(struct json_object *obj, struct json_object *old,
                                    struct apierr *err)
{
    struct json_object *d = obj_get(obj, "data");
    int rc = revision_validate(obj, err);

    if (!json_object_equal(d, obj_get(old, "data")))
        rc = kube_invalid_raw(err, "data", d ? json_object_to_json_string_ext(d, 0) : "null",
                              "field is immutable");
    return rc;
}

/* CONTROLLER is the owner marked controller, as kind.group/name in lower case. */
static void controller_name(struct json_object *obj, char *buf, size_t n)
{
    struct json_object *refs = obj_get(obj, "metadata.ownerReferences"), *r, *c;
    const char *av, *slash;
    size_t i, j;

    snprintf(buf, n, "<none>");
    for (i = 0; i < kube_len(refs) && json_object_is_type(refs, json_type_array); i++) {
        r = json_object_array_get_idx(refs, i);
        c = obj_get(r, "controller");
        if (!c || !json_object_get_boolean(c))
            continue;
        av = obj_get_str(r, "apiVersion") ?: "";
        slash = strchr(av, '/');
        snprintf(buf, n, "%s%s%.*s/%s", obj_get_str(r, "kind") ?: "", slash ? "." : "",
                 slash ? (int)(slash - av) : 0, av, obj_get_str(r, "name") ?: "");
        for (j = 0; buf[j] && buf[j] != '/'; j++)
            buf[j] = (char)(buf[j] >= 'A' && buf[j] <= 'Z' ? buf[j] + 32 : buf[j]);
        return;
    }
}

static void revision_row(struct json_object *obj, struct json_object *cells)
{
    char ctrl[256];
    int64_t rev = 0;

    table_cell_str(cells, meta_str(obj, "name") ?: "");
    controller_name(obj, ctrl, sizeof(ctrl));
    table_cell_str(cells, ctrl);
    kube_int(obj, "revision", &rev);
    table_cell_int(cells, rev);
    table_cell_age(cells, obj);
}

const struct table_column controllerrevision_columns[] = {
    {"Name", "string", "name", KUBE_NAME_DESC, 0},
    {"Controller", "string", "", "Controller of the object", 0},
    {"Revision", "string", "", "Revision indicates the revision of the state represented by Data.",
     0},
    {"Age", "string", "", KUBE_AGE_DESC, 0},
    {0},
};

const struct strategy controllerrevision_strategy = {
    .validate_create = revision_validate,
    .validate_update = revision_validate_update,
    .table_row = revision_row,
};
