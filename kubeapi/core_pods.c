/* core/v1 pods: defaults, the status a new pod starts with (Pending, its QoS class), validation
 * on create and the narrow set of changes an update may make, kube's table row and selectable
 * fields. Pod templates and replication controllers are in core_podcontrollers.c. */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "generic/apis/meta.h"
#include "generic/endpoints/table.h"
#include "kubeapi/kubeapi_internal.h"

#define UPDATABLE_POD_FIELDS                                                                       \
    "pod updates may not change fields other than `spec.containers[*].image`,"                     \
    "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only "        \
    "additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set " \
    "to 1 if it was previously negative)"

static void pod_defaults(struct json_object *obj)
{
    pod_spec_defaults(obj_get(obj, "spec"));
}

/* A new pod is Pending with its QoS class; gated pods say why they are not scheduled. */
static void pod_prepare_create(struct json_object *obj)
{
    struct json_object *status = json_object_new_object(), *conds, *c;

    pod_defaults(obj);
    json_object_object_add(status, "phase", json_object_new_string("Pending"));
    json_object_object_add(status, "qosClass",
                           json_object_new_string(pod_qos_class(obj_get(obj, "spec"))));
    if (kube_len(obj_get(obj, "spec.schedulingGates")) > 0) {
        conds = json_object_new_array();
        c = json_object_new_object();
        json_object_object_add(c, "type", json_object_new_string("PodScheduled"));
        json_object_object_add(c, "status", json_object_new_string("False"));
        json_object_object_add(c, "lastProbeTime", NULL);
        json_object_object_add(c, "lastTransitionTime", NULL);
        json_object_object_add(c, "reason", json_object_new_string("SchedulingGated"));
        json_object_object_add(
            c, "message",
            json_object_new_string("Scheduling is blocked due to non-empty scheduling gates"));
        json_object_array_add(conds, c);
        json_object_object_add(status, "conditions", conds);
    }
    json_object_object_add(obj, "status", status);
}

static int pod_validate(struct json_object *obj, struct apierr *err)
{
    return podspec_validate(obj_get(obj, "spec"), "spec", NULL, err);
}

/* --- update --- */

/* Copies each container's image from old, so that image changes do not count. */
static void keep_images(struct json_object *spec, struct json_object *old, const char *key)
{
    struct json_object *a = obj_get(spec, key), *b = obj_get(old, key), *img;
    size_t i;

    if (kube_len(a) != kube_len(b) || !json_object_is_type(a, json_type_array))
        return;
    for (i = 0; i < kube_len(a); i++) {
        img = obj_get(json_object_array_get_idx(b, i), "image");
        if (img)
            json_object_object_add(json_object_array_get_idx(a, i), "image", json_object_get(img));
        else
            json_object_object_del(json_object_array_get_idx(a, i), "image");
    }
}

static void copy_key(struct json_object *dst, struct json_object *src, const char *key)
{
    struct json_object *v = obj_get(src, key);

    if (v)
        json_object_object_add(dst, key, json_object_get(v));
    else
        json_object_object_del(dst, key);
}

/* activeDeadlineSeconds may be set, or lowered, never raised or removed. */
static int deadline_update(struct json_object *spec, struct json_object *old, struct apierr *err)
{
    int64_t nv, ov;
    bool has_new = kube_int(spec, "activeDeadlineSeconds", &nv);
    bool has_old = kube_int(old, "activeDeadlineSeconds", &ov);
    const char *f = "spec.activeDeadlineSeconds";

    if (has_new && (nv < 0 || nv > 2147483647))
        return validation_invalid_int(err, f, nv, "must be between 0 and 2147483647, inclusive");
    if (has_new && has_old && ov < nv)
        return validation_invalid_int(err, f, nv, "must be less than or equal to previous value");
    if (!has_new && has_old)
        return kube_invalid_raw(err, f, "null",
                                "must not update from a positive integer to nil value");
    return 0;
}

static bool list_has(struct json_object *list, struct json_object *item)
{
    size_t i;

    for (i = 0; i < kube_len(list) && json_object_is_type(list, json_type_array); i++) {
        if (json_object_equal(json_object_array_get_idx(list, i), item))
            return true;
    }
    return false;
}

/* Tolerations may only be added; scheduling gates may only be removed. */
static int lists_update(struct json_object *spec, struct json_object *old, struct apierr *err)
{
    struct json_object *nt = obj_get(spec, "tolerations"), *ot = obj_get(old, "tolerations");
    struct json_object *ng = obj_get(spec, "schedulingGates"),
                       *og = obj_get(old, "schedulingGates");
    char msg[200];
    size_t i;
    int rc = 0;

    for (i = 0; i < kube_len(ot) && json_object_is_type(ot, json_type_array); i++) {
        if (!list_has(nt, json_object_array_get_idx(ot, i))) {
            rc = validation_forbidden(err, "spec.tolerations",
                                      "existing toleration can not be modified except its "
                                      "tolerationSeconds");
            break;
        }
    }
    for (i = 0; i < kube_len(ng) && json_object_is_type(ng, json_type_array); i++) {
        struct json_object *g = json_object_array_get_idx(ng, i);

        if (list_has(og, g))
            continue;
        snprintf(msg, sizeof(msg), "only deletion is allowed, but found new scheduling gate '%s'",
                 obj_get_str(g, "name") ?: "");
        rc = validation_forbidden(err, "spec.schedulingGates", msg);
    }
    return rc;
}

/* kube's ValidatePodUpdate: take away what may change, and what is left must be the same. */
static int pod_spec_update(struct json_object *spec, struct json_object *old, struct apierr *err)
{
    struct json_object *munged = NULL;
    int64_t og, ng;
    int rc = 0;

    if (deadline_update(spec, old, err) < 0 || lists_update(spec, old, err) < 0)
        rc = -1;
    if (json_object_deep_copy(spec, &munged, NULL) < 0)
        return -1;
    keep_images(munged, old, "containers");
    keep_images(munged, old, "initContainers");
    copy_key(munged, old, "activeDeadlineSeconds");
    copy_key(munged, old, "tolerations");
    copy_key(munged, old, "schedulingGates");
    if (kube_int(old, "terminationGracePeriodSeconds", &og) && og < 0 &&
        kube_int(munged, "terminationGracePeriodSeconds", &ng) && ng == 1)
        copy_key(munged, old, "terminationGracePeriodSeconds");
    if (!json_object_equal(munged, old))
        rc = validation_forbidden(err, "spec", UPDATABLE_POD_FIELDS);
    json_object_put(munged);
    return rc;
}

static int pod_validate_update(struct json_object *obj, struct json_object *old, struct apierr *err)
{
    int rc = pod_validate(obj, err);

    if (pod_spec_update(obj_get(obj, "spec"), obj_get(old, "spec"), err) < 0)
        rc = -1;
    return rc;
}

/* --- fields --- */

const char *pod_ip(struct json_object *obj)
{
    struct json_object *ips = obj_get(obj, "status.podIPs");

    if (kube_len(ips) > 0 && json_object_is_type(ips, json_type_array))
        return obj_get_str(json_object_array_get_idx(ips, 0), "ip");
    return obj_get_str(obj, "status.podIP");
}

static int pod_field(struct json_object *obj, const char *field, char *buf, size_t n)
{
    static const char *const plain[] = {"spec.nodeName",
                                        "spec.restartPolicy",
                                        "spec.schedulerName",
                                        "spec.serviceAccountName",
                                        "status.phase",
                                        "status.nominatedNodeName",
                                        NULL};
    struct json_object *hn;
    size_t i;

    for (i = 0; plain[i]; i++) {
        if (strcmp(field, plain[i]) == 0) {
            snprintf(buf, n, "%s", obj_get_str(obj, field) ?: "");
            return 0;
        }
    }
    if (strcmp(field, "spec.hostNetwork") == 0) {
        hn = obj_get(obj, "spec.hostNetwork");
        snprintf(buf, n, "%s", hn && json_object_get_boolean(hn) ? "true" : "false");
        return 0;
    }
    if (strcmp(field, "status.podIP") == 0) {
        snprintf(buf, n, "%s", pod_ip(obj) ?: "");
        return 0;
    }
    if (strcmp(field, "status.podIPs") == 0) {
        /* kube accepts status.podIPs in a selector but has no value for it */
        snprintf(buf, n, "%s", "");
        return 0;
    }
    return -1;
}

const char *const pod_fields[] = {"spec.nodeName",
                                  "spec.restartPolicy",
                                  "spec.schedulerName",
                                  "spec.serviceAccountName",
                                  "spec.hostNetwork",
                                  "status.phase",
                                  "status.podIP",
                                  "status.podIPs",
                                  "status.nominatedNodeName",
                                  NULL};

const struct strategy pod_strategy = {
    .defaults = pod_defaults,
    .prepare_create = pod_prepare_create,
    .validate_create = pod_validate,
    .validate_update = pod_validate_update,
    .table_row = pod_row,
    .field_value = pod_field,
};
