/* core/v1 podtemplates and replicationcontrollers: defaults, validation, status reset on create,
 * table rows and the RC's selectable status.replicas. */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "generic/apis/meta.h"
#include "generic/endpoints/table.h"
#include "kubeapi/kubeapi_internal.h"

/* --- podtemplates --- */

static void podtemplate_obj_defaults(struct json_object *obj)
{
    podtemplate_defaults(obj_get(obj, "template"));
}

static int podtemplate_obj_validate(struct json_object *obj, struct apierr *err)
{
    return podtemplate_validate(obj_get(obj, "template"), "template", NULL, err);
}

static int podtemplate_obj_validate_update(struct json_object *obj, struct json_object *old,
                                           struct apierr *err)
{
    (void)old;
    return podtemplate_obj_validate(obj, err);
}

static void podtemplate_row(struct json_object *obj, struct json_object *cells)
{
    char labels[1024];

    table_cell_str(cells, meta_str(obj, "name") ?: "");
    kube_container_cells(obj_get(obj, "template.spec"), cells);
    kube_labels_string(obj_get(obj, "template.metadata.labels"), labels, sizeof(labels));
    table_cell_str(cells, labels);
}

const struct table_column podtemplate_columns[] = {
    {"Name", "string", "name", KUBE_NAME_DESC, 0},
    {"Containers", "string", "", KUBE_CONTAINERS_DESC, 0},
    {"Images", "string", "", KUBE_IMAGES_DESC, 0},
    {"Pod Labels", "string", "", "The labels for the pod template.", 0},
    {0},
};

const struct strategy podtemplate_strategy = {
    .defaults = podtemplate_obj_defaults,
    .validate_create = podtemplate_obj_validate,
    .validate_update = podtemplate_obj_validate_update,
    .table_row = podtemplate_row,
};

/* --- replicationcontrollers --- */

/* An RC without a selector selects its template's labels, and wears them when it has none. */
static void rc_defaults(struct json_object *obj)
{
    struct json_object *spec = kube_default_obj(obj, "spec");
    struct json_object *labels = obj_get(obj, "spec.template.metadata.labels");

    if (!spec)
        return;
    if (json_object_is_type(labels, json_type_object)) {
        if (kube_len(obj_get(spec, "selector")) == 0)
            json_object_object_add(spec, "selector", kube_copy(labels));
        if (kube_len(obj_get(obj, "metadata.labels")) == 0)
            json_object_object_add(meta_ensure(obj), "labels", kube_copy(labels));
    }
    kube_default(spec, "replicas", json_object_new_int(1));
    podtemplate_defaults(obj_get(spec, "template"));
}

static void rc_prepare_create(struct json_object *obj)
{
    struct json_object *status = json_object_new_object();

    json_object_object_add(status, "replicas", json_object_new_int(0));
    json_object_object_add(obj, "status", status);
}

/* labels.Set(selector).AsSelector().Matches(template labels). */
static bool map_selects(struct json_object *sel, struct json_object *labels)
{
    if (!json_object_is_type(sel, json_type_object))
        return true;
    json_object_object_foreach(sel, k, v) {
        const char *have = kube_str(labels, k);

        if (!have || strcmp(have, json_object_get_string(v)) != 0)
            return false;
    }
    return true;
}

static int rc_template_validate(struct json_object *spec, struct apierr *err)
{
    struct json_object *tmpl = obj_get(spec, "template"), *sel = obj_get(spec, "selector");
    int rc = 0;

    if (!json_object_is_type(tmpl, json_type_object))
        return validation_required(err, "spec.template", NULL);
    if (kube_len(sel) > 0)
        rc |= podtemplate_check_selected(map_selects(sel, obj_get(tmpl, "metadata.labels")), tmpl,
                                         "spec.template", err);
    rc |= podtemplate_validate(tmpl, "spec.template", NULL, err);
    rc |= podtemplate_validate_controller(tmpl, "spec.template", "ReplicationController", err);
    return rc ? -1 : 0;
}

static int rc_validate(struct json_object *obj, struct apierr *err)
{
    struct json_object *spec = obj_get(obj, "spec");
    int rc = 0;

    rc |= kube_nonneg(spec, "minReadySeconds", "spec.minReadySeconds", err);
    if (kube_len(obj_get(spec, "selector")) == 0)
        rc = validation_required(err, "spec.selector", NULL);
    else
        rc |= validation_labels(obj_get(spec, "selector"), "spec.selector", err);
    rc |= kube_nonneg(spec, "replicas", "spec.replicas", err);
    rc |= rc_template_validate(spec, err);
    return rc ? -1 : 0;
}

static int rc_validate_update(struct json_object *obj, struct json_object *old, struct apierr *err)
{
    (void)old; /* an RC's selector may change, unlike the apps/v1 kinds' */
    return rc_validate(obj, err);
}

static void rc_row(struct json_object *obj, struct json_object *cells)
{
    char sel[1024];
    int64_t v;

    table_cell_str(cells, meta_str(obj, "name") ?: "");
    table_cell_int(cells, kube_int(obj_get(obj, "spec"), "replicas", &v) ? v : 0);
    table_cell_int(cells, kube_int(obj_get(obj, "status"), "replicas", &v) ? v : 0);
    table_cell_int(cells, kube_int(obj_get(obj, "status"), "readyReplicas", &v) ? v : 0);
    table_cell_age(cells, obj);
    kube_container_cells(obj_get(obj, "spec.template.spec"), cells);
    kube_labels_string(obj_get(obj, "spec.selector"), sel, sizeof(sel));
    table_cell_str(cells, sel);
}

/* kube's selectable status.replicas of controllers (RCs and ReplicaSets). */
int kube_replicas_field(struct json_object *obj, const char *field, char *buf, size_t n)
{
    int64_t v = 0;

    if (strcmp(field, "status.replicas") != 0)
        return -1;
    kube_int(obj_get(obj, "status"), "replicas", &v);
    snprintf(buf, n, "%lld", (long long)v);
    return 0;
}

const char *const rc_fields[] = {"status.replicas", NULL};

const struct table_column rc_columns[] = {
    {"Name", "string", "name", KUBE_NAME_DESC, 0},
    {"Desired", "integer", "",
     "Replicas is the number of desired replicas. This is a pointer to distinguish between "
     "explicit zero and unspecified. Defaults to 1. More info: "
     "https://kubernetes.io/docs/concepts/workloads/controllers/"
     "replicationcontroller#what-is-a-replicationcontroller",
     0},
    {"Current", "integer", "",
     "Replicas is the most recently observed number of replicas. More info: "
     "https://kubernetes.io/docs/concepts/workloads/controllers/"
     "replicationcontroller#what-is-a-replicationcontroller",
     0},
    {"Ready", "integer", "", "The number of ready replicas for this replication controller.", 0},
    {"Age", "string", "", KUBE_AGE_DESC, 0},
    {"Containers", "string", "", KUBE_CONTAINERS_DESC, 1},
    {"Images", "string", "", KUBE_IMAGES_DESC, 1},
    {"Selector", "string", "",
     "Selector is a label query over pods that should match the Replicas count. If Selector is "
     "empty, it is defaulted to the labels present on the Pod template. Label keys and values "
     "that must match in order to be controlled by this replication controller, if empty "
     "defaulted to labels on Pod template. More info: "
     "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
     1},
    {0},
};

const struct strategy rc_strategy = {
    .defaults = rc_defaults,
    .prepare_create = rc_prepare_create,
    .validate_create = rc_validate,
    .validate_update = rc_validate_update,
    .table_row = rc_row,
    .field_value = kube_replicas_field,
};
