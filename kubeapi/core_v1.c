/* The core group, v1: resource table and strategies. */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "generic/apis/meta.h"
#include "generic/endpoints/table.h"
#include "kubeapi/groups_internal.h"
#include "kubeapi/kubeapi_internal.h"

/* --- namespaces --- */

static void namespace_defaults(struct json_object *obj)
{
    const char *name = meta_str(obj, "name");
    struct json_object *fin;

    if (name) {
        struct json_object *labels = obj_get(obj, "metadata.labels");

        if (!labels || !json_object_is_type(labels, json_type_object)) {
            labels = json_object_new_object();
            json_object_object_add(meta_ensure(obj), "labels", labels);
        }
        json_object_object_add(labels, "kubernetes.io/metadata.name",
                               json_object_new_string(name));
    }
    fin = obj_get(obj, "spec.finalizers");
    if (!fin && !obj_get_str(obj, "metadata.deletionTimestamp")) {
        fin = json_object_new_array();
        json_object_array_add(fin, json_object_new_string("kubernetes"));
        obj_set(obj, "spec.finalizers", fin);
    }
    if (!obj_get_str(obj, "status.phase"))
        obj_set_str(obj, "status.phase", "Active");
}

static void namespace_row(struct json_object *obj, struct json_object *cells)
{
    const char *phase = obj_get_str(obj, "status.phase");
    char age[32];

    table_age(obj, age, sizeof(age));
    json_object_array_add(cells, json_object_new_string(meta_str(obj, "name") ?: ""));
    json_object_array_add(cells, json_object_new_string(phase ? phase : ""));
    json_object_array_add(cells, json_object_new_string(age));
}

static int namespace_field(struct json_object *obj, const char *field, char *buf, size_t n)
{
    if (strcmp(field, "status.phase") != 0)
        return -1;
    snprintf(buf, n, "%s", obj_get_str(obj, "status.phase") ?: "");
    return 0;
}

static const struct table_column namespace_columns[] = {
    {"Name", "string", "name", "Name must be unique within a namespace.", 0},
    {"Status", "string", "", "The status of the namespace", 0},
    {"Age", "string", "", "CreationTimestamp is a timestamp representing the server time when "
                          "this object was created.", 0},
    {0},
};

static const char *const namespace_fields[] = {"status.phase", NULL};

static const struct subresource namespace_subresources[] = {
    {"finalize", VERB_UPDATE, NULL, NULL, NULL, namespace_serve_finalize},
    {0},
};

static const struct strategy namespace_strategy = {
    .defaults = namespace_defaults,
    .prepare_update = namespace_prepare_update,
    .keep_deleting = namespace_keep_deleting,
    .table_row = namespace_row,
    .field_value = namespace_field,
};

/* --- configmaps --- */

static void configmap_row(struct json_object *obj, struct json_object *cells)
{
    struct json_object *data = obj_get(obj, "data"), *bin = obj_get(obj, "binaryData");
    char age[32];
    size_t n = 0;

    if (data && json_object_is_type(data, json_type_object))
        n += (size_t)json_object_object_length(data);
    if (bin && json_object_is_type(bin, json_type_object))
        n += (size_t)json_object_object_length(bin);
    table_age(obj, age, sizeof(age));
    json_object_array_add(cells, json_object_new_string(meta_str(obj, "name") ?: ""));
    json_object_array_add(cells, json_object_new_int64((int64_t)n));
    json_object_array_add(cells, json_object_new_string(age));
}

static const struct table_column configmap_columns[] = {
    {"Name", "string", "name", "Name must be unique within a namespace.", 0},
    {"Data", "string", "", "Data contains the configuration data.", 0},
    {"Age", "string", "", "CreationTimestamp is a timestamp representing the server time when "
                          "this object was created.", 0},
    {0},
};

static const struct strategy configmap_strategy = {
    .validate_create = configmap_validate,
    .validate_update = configmap_validate_update,
    .table_row = configmap_row,
};

/* One row per resource; strategies, columns and fields of the others live in their own files
 * (kubeapi_internal.h declares them). Discovery lists them in this order. */
static const struct resource core_v1_resources[] = {
    {"namespaces", "Namespace", {"ns"}, RES_STATUS | RES_RETURN_DELETED,
     VERB_ALL & ~VERB_DELETECOLLECTION, &namespace_strategy, .columns = namespace_columns,
     .fields = namespace_fields, .name_fn = validation_name_dns_label,
     .subresources = namespace_subresources},
    {"configmaps", "ConfigMap", {"cm"}, RES_NAMESPACED, VERB_ALL, &configmap_strategy,
     .columns = configmap_columns},
    {"pods", "Pod", {"po"}, RES_NAMESPACED | RES_STATUS | RES_RETURN_DELETED, VERB_ALL,
     &pod_strategy, .categories = {"all"}, .columns = pod_columns, .fields = pod_fields},
    {"podtemplates", "PodTemplate", {0}, RES_NAMESPACED, VERB_ALL, &podtemplate_strategy,
     .columns = podtemplate_columns},
    {"replicationcontrollers", "ReplicationController", {"rc"},
     RES_NAMESPACED | RES_STATUS | RES_SCALE | RES_GENERATION, VERB_ALL, &rc_strategy,
     .categories = {"all"}, .columns = rc_columns, .fields = rc_fields},
    {"services", "Service", {"svc"}, RES_NAMESPACED | RES_STATUS | RES_RETURN_DELETED,
     VERB_ALL & ~VERB_DELETECOLLECTION, &service_strategy, .categories = {"all"},
     .columns = service_columns, .fields = service_fields,
     .name_fn = validation_name_dns1035_label},
    {"endpoints", "Endpoints", {"ep"}, RES_NAMESPACED, VERB_ALL, &endpoints_strategy,
     .columns = endpoints_columns},
    {"secrets", "Secret", {0}, RES_NAMESPACED, VERB_ALL, &secret_strategy,
     .columns = secret_columns, .fields = secret_fields},
    {"serviceaccounts", "ServiceAccount", {"sa"}, RES_NAMESPACED, VERB_ALL,
     &serviceaccount_strategy, .columns = serviceaccount_columns,
     .subresources = serviceaccount_subresources},
    {"events", "Event", {"ev"}, RES_NAMESPACED, VERB_ALL, &event_strategy,
     .columns = event_columns, .fields = event_fields},
    {"nodes", "Node", {"no"}, RES_STATUS, VERB_ALL, &node_strategy, .columns = node_columns,
     .fields = node_fields},
    {"limitranges", "LimitRange", {"limits"}, RES_NAMESPACED, VERB_ALL, &limitrange_strategy,
     .columns = limitrange_columns},
    {"resourcequotas", "ResourceQuota", {"quota"}, RES_NAMESPACED | RES_STATUS, VERB_ALL,
     &resourcequota_strategy, .columns = resourcequota_columns},
    {"persistentvolumes", "PersistentVolume", {"pv"}, RES_STATUS, VERB_ALL, &pv_strategy,
     .columns = pv_columns},
    {"persistentvolumeclaims", "PersistentVolumeClaim", {"pvc"}, RES_NAMESPACED | RES_STATUS,
     VERB_ALL, &pvc_strategy, .columns = pvc_columns},
    {0},
};

const struct group_version kube_core_v1 = {"", "v1", core_v1_resources};
