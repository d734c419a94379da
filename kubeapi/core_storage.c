/* core/v1 persistentvolumes and persistentvolumeclaims. */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "generic/apis/meta.h"
#include "generic/endpoints/table.h"
#include "kubeapi/kubeapi_internal.h"

static const char *const access_modes[] = {"ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce",
                                           "ReadWriteOncePod", NULL};
static const char *const reclaim_policies[] = {"Delete", "Recycle", "Retain", NULL};
static const char *const volume_modes[] = {"Block", "Filesystem", NULL};
static const char *const volume_sources[] = {"hostPath",
                                             "gcePersistentDisk",
                                             "awsElasticBlockStore",
                                             "glusterfs",
                                             "nfs",
                                             "rbd",
                                             "quobyte",
                                             "cinder",
                                             "cephfs",
                                             "fc",
                                             "flocker",
                                             "flexVolume",
                                             "azureFile",
                                             "vsphereVolume",
                                             "azureDisk",
                                             "photonPersistentDisk",
                                             "portworxVolume",
                                             "scaleIO",
                                             "local",
                                             "storageos",
                                             "csi",
                                             "iscsi",
                                             NULL};

static const char *str_or(struct json_object *obj, const char *path, const char *def)
{
    const char *s = obj_get_str(obj, path);

    return s ? s : def;
}

static size_t arr_len(struct json_object *a)
{
    return a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
}

static int one_of(const char *v, const char *const *set)
{
    for (; *set; set++) {
        if (strcmp(v, *set) == 0)
            return 1;
    }
    return 0;
}

static int validate_access_modes(struct json_object *spec, struct apierr *err, const char *req)
{
    struct json_object *modes = obj_get(spec, "accessModes");
    size_t i;
    int rc = 0;

    if (arr_len(modes) == 0)
        return validation_required(err, "spec.accessModes", req);
    for (i = 0; i < arr_len(modes); i++) {
        const char *m = json_object_get_string(json_object_array_get_idx(modes, i));

        if (!m || !one_of(m, access_modes))
            rc = validation_not_supported(err, "spec.accessModes", m ? m : "", access_modes);
    }
    return rc;
}

static int validate_enum(struct json_object *obj, const char *path, const char *const *set,
                         struct apierr *err)
{
    const char *v = obj_get_str(obj, path);

    return !v || one_of(v, set) ? 0 : validation_not_supported(err, path, v, set);
}

/* kube's GetAccessModesAsString: RWO, ROX, RWX, RWOP in that order. */
static void modes_string(struct json_object *modes, char *buf, size_t n)
{
    static const char *const order[][2] = {{"ReadWriteOnce", "RWO"},
                                           {"ReadOnlyMany", "ROX"},
                                           {"ReadWriteMany", "RWX"},
                                           {"ReadWriteOncePod", "RWOP"}};
    size_t i, j, pos = 0;

    buf[0] = '\0';
    for (i = 0; i < 4 && pos < n; i++) {
        for (j = 0; j < arr_len(modes); j++) {
            const char *m = json_object_get_string(json_object_array_get_idx(modes, j));

            if (m && strcmp(m, order[i][0]) == 0) {
                pos += (size_t)snprintf(buf + pos, n - pos, "%s%s", pos ? "," : "", order[i][1]);
                break;
            }
        }
    }
}

static const char *storage_class(struct json_object *obj)
{
    struct json_object *ann = obj_get(obj, "metadata.annotations"), *v = NULL;

    if (json_object_object_get_ex(ann, "volume.beta.kubernetes.io/storage-class", &v))
        return json_object_get_string(v);
    return str_or(obj, "spec.storageClassName", "");
}

/* --- persistentvolumes --- */

static void pv_defaults(struct json_object *obj)
{
    if (!obj_get_str(obj, "status.phase"))
        obj_set_str(obj, "status.phase", "Pending");
    if (!obj_get_str(obj, "spec.persistentVolumeReclaimPolicy"))
        obj_set_str(obj, "spec.persistentVolumeReclaimPolicy", "Retain");
    if (!obj_get_str(obj, "spec.volumeMode"))
        obj_set_str(obj, "spec.volumeMode", "Filesystem");
}

/* A new volume starts over (status is the controller's); with no persistent volume controller
 * here, an unclaimed one is Available at once, as kube's controller makes it. */
static void pv_prepare_create(struct json_object *obj)
{
    char now[32];

    meta_now(now);
    json_object_object_del(obj, "status");
    obj_set_str(obj, "status.phase", obj_get(obj, "spec.claimRef") ? "Pending" : "Available");
    obj_set_str(obj, "status.lastPhaseTransitionTime", now);
}

static int pv_validate(struct json_object *obj, struct apierr *err)
{
    struct json_object *spec = obj_get(obj, "spec"), *cap = obj_get(obj, "spec.capacity");
    char field[64];
    int rc = validate_access_modes(spec, err, NULL), sources = 0;
    size_t i;

    if (!cap || !json_object_is_type(cap, json_type_object) || !json_object_object_length(cap))
        rc = validation_required(err, "spec.capacity", NULL);
    for (i = 0; volume_sources[i]; i++) {
        if (!obj_get(spec, volume_sources[i]))
            continue;
        snprintf(field, sizeof(field), "spec.%s", volume_sources[i]);
        if (sources++)
            rc = validation_forbidden(err, field, "may not specify more than 1 volume type");
    }
    if (!sources)
        rc = validation_required(err, "spec", "must specify a volume type");
    if (validate_enum(obj, "spec.persistentVolumeReclaimPolicy", reclaim_policies, err) < 0 ||
        validate_enum(obj, "spec.volumeMode", volume_modes, err) < 0)
        rc = -1;
    return rc;
}

static int pv_validate_update(struct json_object *obj, struct json_object *old, struct apierr *err)
{
    int rc = pv_validate(obj, err);

    if (!json_object_equal(obj_get(obj, "spec.volumeMode"), obj_get(old, "spec.volumeMode")))
        rc = validation_invalid(err, "spec.volumeMode", str_or(obj, "spec.volumeMode", ""),
                                "field is immutable");
    return rc;
}

static void pv_row(struct json_object *obj, struct json_object *cells)
{
    char modes[64], claim[300] = "";
    const char *phase =
        meta_str(obj, "deletionTimestamp") ? "Terminating" : str_or(obj, "status.phase", "");

    if (obj_get(obj, "spec.claimRef"))
        snprintf(claim, sizeof(claim), "%s/%s", str_or(obj, "spec.claimRef.namespace", ""),
                 str_or(obj, "spec.claimRef.name", ""));
    modes_string(obj_get(obj, "spec.accessModes"), modes, sizeof(modes));
    table_cell_str(cells, meta_str(obj, "name"));
    table_cell_str(cells, str_or(obj, "spec.capacity.storage", "0"));
    table_cell_str(cells, modes);
    table_cell_str(cells, str_or(obj, "spec.persistentVolumeReclaimPolicy", ""));
    table_cell_str(cells, phase);
    table_cell_str(cells, claim);
    table_cell_str(cells, storage_class(obj));
    table_cell_str(cells, str_or(obj, "spec.volumeAttributesClassName", "<unset>"));
    table_cell_str(cells, str_or(obj, "status.reason", ""));
    table_cell_age(cells, obj);
    table_cell_str(cells, str_or(obj, "spec.volumeMode", "<unset>"));
}

const struct table_column pv_columns[] = {
    {"Name", "string", "name", KUBE_NAME_DESC, 0},
    {"Capacity", "string", "",
     "capacity is the description of the persistent volume's "
     "resources and capacity.",
     0},
    {"Access Modes", "string", "", "accessModes contains all ways the volume can be mounted.", 0},
    {"Reclaim Policy", "string", "",
     "persistentVolumeReclaimPolicy defines what happens to a "
     "persistent volume when released from its claim.",
     0},
    {"Status", "string", "",
     "phase indicates if a volume is available, bound to a claim, or "
     "released by a claim.",
     0},
    {"Claim", "string", "",
     "claimRef is part of a bi-directional binding between "
     "PersistentVolume and PersistentVolumeClaim.",
     0},
    {"StorageClass", "string", "", "StorageClass of the pv", 0},
    {"VolumeAttributesClass", "string", "", "VolumeAttributesClass of the pv", 0},
    {"Reason", "string", "",
     "reason is a brief CamelCase string that describes any failure and "
     "is meant for machine parsing and tidy display in the CLI.",
     0},
    {"Age", "string", "", KUBE_AGE_DESC, 0},
    {"VolumeMode", "string", "",
     "volumeMode defines if a volume is intended to be used with a "
     "formatted filesystem or to remain in raw block state.",
     1},
    {0},
};

const struct strategy pv_strategy = {
    .defaults = pv_defaults,
    .prepare_create = pv_prepare_create,
    .validate_create = pv_validate,
    .validate_update = pv_validate_update,
    .table_row = pv_row,
};

/* --- persistentvolumeclaims --- */

static void pvc_defaults(struct json_object *obj)
{
    if (!obj_get_str(obj, "status.phase"))
        obj_set_str(obj, "status.phase", "Pending");
    if (obj_get(obj, "spec") && !obj_get_str(obj, "spec.volumeMode"))
        obj_set_str(obj, "spec.volumeMode", "Filesystem");
}

static void pvc_prepare_create(struct json_object *obj)
{
    json_object_object_del(obj, "status");
}

static int pvc_validate(struct json_object *obj, struct apierr *err)
{
    struct json_object *spec = obj_get(obj, "spec");
    int rc = validate_access_modes(spec, err, "at least 1 access mode is required");

    if (!obj_get(obj, "spec.resources.requests.storage"))
        rc = validation_required(err, "spec.resources[storage]", NULL);
    if (validate_enum(obj, "spec.volumeMode", volume_modes, err) < 0)
        rc = -1;
    return rc;
}

/* A claim's spec is fixed once created, except the storage request and a first volumeName. */
static int pvc_validate_update(struct json_object *obj, struct json_object *old, struct apierr *err)
{
    struct json_object *a = NULL, *b = NULL;
    int rc = pvc_validate(obj, err);

    json_object_deep_copy(obj_get(obj, "spec"), &a, NULL);
    json_object_deep_copy(obj_get(old, "spec"), &b, NULL);
    if (a && b) {
        obj_del(a, "resources.requests.storage");
        obj_del(b, "resources.requests.storage");
        obj_del(a, "volumeAttributesClassName");
        obj_del(b, "volumeAttributesClassName");
        if (!obj_get_str(b, "volumeName"))
            obj_del(a, "volumeName");
        if (!json_object_equal(a, b))
            rc = validation_forbidden(err, "spec",
                                      "spec is immutable after creation except resources.requests "
                                      "and volumeAttributesClassName for bound claims");
    }
    json_object_put(a);
    json_object_put(b);
    return rc;
}

static void pvc_row(struct json_object *obj, struct json_object *cells)
{
    char modes[64] = "";
    const char *phase =
        meta_str(obj, "deletionTimestamp") ? "Terminating" : str_or(obj, "status.phase", "");
    const char *volume = str_or(obj, "spec.volumeName", ""), *capacity = "";

    if (*volume) {
        modes_string(obj_get(obj, "status.accessModes"), modes, sizeof(modes));
        capacity = str_or(obj, "status.capacity.storage", "0");
    }
    table_cell_str(cells, meta_str(obj, "name"));
    table_cell_str(cells, phase);
    table_cell_str(cells, volume);
    table_cell_str(cells, capacity);
    table_cell_str(cells, modes);
    table_cell_str(cells, storage_class(obj));
    table_cell_str(cells, str_or(obj, "status.currentVolumeAttributesClassName", "<unset>"));
    table_cell_age(cells, obj);
    table_cell_str(cells, str_or(obj, "spec.volumeMode", "<unset>"));
}

const struct table_column pvc_columns[] = {
    {"Name", "string", "name", KUBE_NAME_DESC, 0},
    {"Status", "string", "", "phase represents the current phase of PersistentVolumeClaim.", 0},
    {"Volume", "string", "",
     "volumeName is the binding reference to the PersistentVolume "
     "backing this claim.",
     0},
    {"Capacity", "string", "",
     "capacity represents the actual resources of the underlying "
     "volume.",
     0},
    {"Access Modes", "string", "",
     "accessModes contains the actual access modes the volume "
     "backing the PVC has.",
     0},
    {"StorageClass", "string", "", "StorageClass of the pvc", 0},
    {"VolumeAttributesClass", "string", "", "VolumeAttributesClass of the pvc", 0},
    {"Age", "string", "", KUBE_AGE_DESC, 0},
    {"VolumeMode", "string", "",
     "volumeMode defines what type of volume is required by the "
     "claim.",
     1},
    {0},
};

const struct strategy pvc_strategy = {
    .defaults = pvc_defaults,
    .prepare_create = pvc_prepare_create,
    .validate_create = pvc_validate,
    .validate_update = pvc_validate_update,
    .table_row = pvc_row,
};
