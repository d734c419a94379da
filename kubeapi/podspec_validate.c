/* PodSpec and PodTemplateSpec validation (kube's ValidatePodSpec, ValidateVolumes and
 * ValidatePodTemplateSpec), the parts clients meet: volumes, containers (podspec_container.c),
 * policies, names and deadlines, every problem reported with kube's path and wording. */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "generic/apis/meta.h"
#include "kubeapi/kubeapi_internal.h"

/* VolumeSource members in the order kube checks them: the second one found is the error. */
static const char *const volume_sources[] = {
    "hostPath",
    "emptyDir",
    "gitRepo",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "secret",
    "nfs",
    "iscsi",
    "glusterfs",
    "flocker",
    "persistentVolumeClaim",
    "rbd",
    "quobyte",
    "cinder",
    "cephfs",
    "downwardAPI",
    "fc",
    "azureFile",
    "vsphereVolume",
    "azureDisk",
    "photonPersistentDisk",
    "portworxVolume",
    "scaleIO",
    "storageos",
    "configMap",
    "projected",
    "csi",
    "ephemeral",
    "image",
    NULL,
};

static int required_key(struct json_object *src, const char *key, const char *path,
                        struct apierr *err)
{
    const char *v = obj_get_str(src, key);
    char f[PODSPEC_PATH];

    if (v && *v)
        return 0;
    snprintf(f, sizeof(f), "%s.%s", path, key);
    return validation_required(err, f, NULL);
}

static int default_mode(struct json_object *src, const char *path, struct apierr *err)
{
    char f[PODSPEC_PATH];
    int64_t mode;

    if (!kube_int(src, "defaultMode", &mode) || (mode >= 0 && mode <= 0777))
        return 0;
    snprintf(f, sizeof(f), "%s.defaultMode", path);
    return validation_invalid_int(err, f, mode,
                                  "must be a number between 0 and 0777 (octal), both inclusive");
}

/* One source's own rules (the ones clients trip over). */
static int source_validate(const char *kind, struct json_object *src, const char *path,
                           struct apierr *err)
{
    if (strcmp(kind, "hostPath") == 0)
        return required_key(src, "path", path, err);
    if (strcmp(kind, "persistentVolumeClaim") == 0)
        return required_key(src, "claimName", path, err);
    if (strcmp(kind, "secret") == 0)
        return required_key(src, "secretName", path, err) | default_mode(src, path, err);
    if (strcmp(kind, "configMap") == 0)
        return required_key(src, "name", path, err) | default_mode(src, path, err);
    return 0;
}

static int volume_source(struct json_object *v, const char *path, struct apierr *err)
{
    struct json_object *src;
    char f[PODSPEC_PATH];
    size_t i, found = 0;
    int rc = 0;

    for (i = 0; volume_sources[i]; i++) {
        src = obj_get(v, volume_sources[i]);
        if (!src)
            continue;
        snprintf(f, sizeof(f), "%s.%s", path, volume_sources[i]);
        if (found++)
            rc = validation_forbidden(err, f, "may not specify more than 1 volume type");
        else
            rc |= source_validate(volume_sources[i], src, f, err);
    }
    if (!found)
        rc = validation_required(err, path, "must specify a volume type");
    return rc ? -1 : 0;
}

static int volumes_validate(struct json_object *spec, const char *path, struct podspec_names *names,
                            struct apierr *err)
{
    struct json_object *vols = obj_get(spec, "volumes"), *v;
    const char *msgs[VALIDATION_MAX_MSGS], *name;
    char p[PODSPEC_PATH], f[PODSPEC_PATH + 32];
    size_t i;
    int rc = 0, bad, n;

    for (i = 0; i < kube_len(vols) && json_object_is_type(vols, json_type_array); i++) {
        v = json_object_array_get_idx(vols, i);
        name = obj_get_str(v, "name") ?: "";
        snprintf(p, sizeof(p), "%s.volumes[%zu]", path, i);
        snprintf(f, sizeof(f), "%s.name", p);
        bad = volume_source(v, p, err);
        n = *name ? validation_dns1123_label(name, msgs) : 0;
        bad |= *name ? validation_invalid_msgs(err, f, name, msgs, n)
                     : validation_required(err, f, NULL);
        if (podspec_names_has(names, name))
            bad = validation_duplicate(err, f, name);
        if (!bad)
            podspec_names_add(names, name);
        rc |= bad;
    }
    return rc ? -1 : 0;
}

static int policy_validate(struct json_object *spec, const char *path, const char *key,
                           const char *const *allowed, struct apierr *err)
{
    const char *v = obj_get_str(spec, key);
    char f[PODSPEC_PATH];
    size_t i;

    snprintf(f, sizeof(f), "%s.%s", path, key);
    if (!v || !*v)
        return validation_required(err, f, NULL);
    for (i = 0; allowed[i]; i++) {
        if (strcmp(v, allowed[i]) == 0)
            return 0;
    }
    return validation_not_supported(err, f, v, allowed);
}

static int dns_validate(struct json_object *spec, const char *path, struct apierr *err)
{
    static const char *const dns[] = {"ClusterFirst", "ClusterFirstWithHostNet", "Default", "None",
                                      NULL};
    const char *policy = obj_get_str(spec, "dnsPolicy");
    struct json_object *cfg = obj_get(spec, "dnsConfig");
    char f[PODSPEC_PATH];

    if (policy_validate(spec, path, "dnsPolicy", dns, err) < 0)
        return -1;
    if (strcmp(policy, "None") != 0)
        return 0;
    snprintf(f, sizeof(f), "%s.dnsConfig", path);
    if (!cfg)
        return validation_required(err, f, "must provide `dnsConfig` when `dnsPolicy` is None");
    if (kube_len(obj_get(cfg, "nameservers")) == 0) {
        snprintf(f, sizeof(f), "%s.dnsConfig.nameservers", path);
        return validation_required(
            err, f, "must provide at least one DNS nameserver when `dnsPolicy` is None");
    }
    return 0;
}

/* A name field checked with a name rule, when set. */
static int name_field(struct json_object *spec, const char *path, const char *key,
                      validation_name_fn *fn, struct apierr *err)
{
    const char *msgs[VALIDATION_MAX_MSGS], *v = obj_get_str(spec, key);
    char f[PODSPEC_PATH];
    int n;

    if (!v || !*v)
        return 0;
    snprintf(f, sizeof(f), "%s.%s", path, key);
    n = fn(v, false, msgs);
    return validation_invalid_msgs(err, f, v, msgs, n);
}

static int scalars_validate(struct json_object *spec, const char *path, struct apierr *err)
{
    static const char *const restart[] = {"Always", "OnFailure", "Never", NULL};
    char f[PODSPEC_PATH];
    int64_t ads;
    int rc = 0;

    rc |= policy_validate(spec, path, "restartPolicy", restart, err);
    rc |= dns_validate(spec, path, err);
    snprintf(f, sizeof(f), "%s.nodeSelector", path);
    rc |= validation_labels(obj_get(spec, "nodeSelector"), f, err);
    rc |= name_field(spec, path, "serviceAccountName", validation_name_dns_subdomain, err);
    rc |= name_field(spec, path, "nodeName", validation_name_dns_subdomain, err);
    snprintf(f, sizeof(f), "%s.activeDeadlineSeconds", path);
    if (kube_int(spec, "activeDeadlineSeconds", &ads) && (ads < 1 || ads > 2147483647))
        rc = validation_invalid_int(err, f, ads, "must be between 1 and 2147483647, inclusive");
    rc |= name_field(spec, path, "hostname", validation_name_dns_label, err);
    rc |= name_field(spec, path, "subdomain", validation_name_dns_label, err);
    return rc ? -1 : 0;
}

int podspec_validate(struct json_object *spec, const char *path, struct json_object *claims,
                     struct apierr *err)
{
    struct podspec_names vols = {0}, names = {0};
    size_t i;
    int rc = 0;

    if (!json_object_is_type(spec, json_type_object))
        spec = NULL;
    rc |= volumes_validate(spec, path, &vols, err);
    for (i = 0; i < kube_len(claims) && json_object_is_type(claims, json_type_array); i++)
        podspec_names_add(&vols,
                          obj_get_str(json_object_array_get_idx(claims, i), "metadata.name"));
    rc |= podspec_containers_validate(spec, path, &vols, &names, err);
    rc |= podspec_init_containers_validate(spec, path, &vols, &names, err);
    rc |= scalars_validate(spec, path, err);
    return rc ? -1 : 0;
}

int podtemplate_validate(struct json_object *tmpl, const char *path, struct json_object *claims,
                         struct apierr *err)
{
    char f[PODSPEC_PATH];
    int rc = 0;

    snprintf(f, sizeof(f), "%s.labels", path);
    rc |= validation_labels(obj_get(tmpl, "metadata.labels"), f, err);
    snprintf(f, sizeof(f), "%s.annotations", path);
    rc |= validation_annotations(obj_get(tmpl, "metadata.annotations"), f, err);
    snprintf(f, sizeof(f), "%s.spec", path);
    rc |= podspec_validate(obj_get(tmpl, "spec"), f, claims, err);
    snprintf(f, sizeof(f), "%s.spec.ephemeralContainers", path);
    if (kube_len(obj_get(tmpl, "spec.ephemeralContainers")) > 0)
        rc = validation_forbidden(err, f, "ephemeral containers not allowed in pod template");
    return rc ? -1 : 0;
}

/* The rules a controller adds for the pods it makes (ValidatePodTemplateSpecForReplicaSet and
 * its siblings): they restart forever and have no deadline. */
int podtemplate_validate_controller(struct json_object *tmpl, const char *path, const char *kind,
                                    struct apierr *err)
{
    static const char *const always[] = {"Always", NULL};
    const char *rp = obj_get_str(tmpl, "spec.restartPolicy") ?: "";
    char f[PODSPEC_PATH], msg[96];
    int rc = 0;

    snprintf(f, sizeof(f), "%s.spec.restartPolicy", path);
    if (strcmp(rp, "Always") != 0)
        rc = validation_not_supported(err, f, rp, always);
    if (!obj_get(tmpl, "spec.activeDeadlineSeconds"))
        return rc;
    snprintf(f, sizeof(f), "%s.spec.activeDeadlineSeconds", path);
    snprintf(msg, sizeof(msg), "activeDeadlineSeconds in %s is not Supported", kind);
    return validation_forbidden(err, f, msg);
}

/* The template's labels must be selected by the controller's selector. */
int podtemplate_check_selected(bool selected, struct json_object *tmpl, const char *path,
                               struct apierr *err)
{
    char f[PODSPEC_PATH], raw[512];

    if (selected)
        return 0;
    snprintf(f, sizeof(f), "%s.metadata.labels", path);
    kube_go_map(obj_get(tmpl, "metadata.labels"), raw, sizeof(raw));
    return kube_invalid_raw(err, f, raw, "`selector` does not match template `labels`");
}
