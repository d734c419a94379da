/* Container validation for PodSpec (kube's validateContainers, validateInitContainers and
 * validateContainerCommon): names, images, ports, env, volume mounts, pull policy and resources,
 * with kube's field paths and wording. */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "generic/apis/meta.h"
#include "kubeapi/kubeapi_internal.h"

#define PORT_RANGE "must be between 1 and 65535, inclusive"

bool podspec_names_has(const struct podspec_names *s, const char *name)
{
    size_t i;

    for (i = 0; name && i < s->n; i++) {
        if (strcmp(s->v[i], name) == 0)
            return true;
    }
    return false;
}

void podspec_names_add(struct podspec_names *s, const char *name)
{
    if (name && s->n < PODSPEC_MAX_NAMES)
        s->v[s->n++] = name;
}

int kube_not_found(struct apierr *err, const char *field, const char *value)
{
    char q[200];

    validation_quote(q, sizeof(q), value ? value : "");
    return apierr_field(err, "FieldValueNotFound", field, "Not found: %s", q);
}

static int dns_label(struct apierr *err, const char *field, const char *value)
{
    const char *msgs[VALIDATION_MAX_MSGS];
    int n = validation_dns1123_label(value, msgs);

    return validation_invalid_msgs(err, field, value, msgs, n);
}

/* kube's IsValidPortName (an IANA service name). */
static int port_name(struct apierr *err, const char *field, const char *name)
{
    const char *msgs[VALIDATION_MAX_MSGS];
    size_t len = strlen(name), i;
    bool charset = true, letter = false;
    int n = 0;

    for (i = 0; i < len; i++) {
        charset &= (name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
                   name[i] == '-';
        letter |= name[i] >= 'a' && name[i] <= 'z';
    }
    if (len > 15)
        msgs[n++] = "must be no more than 15 characters";
    if (!charset)
        msgs[n++] = "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)";
    if (!letter)
        msgs[n++] = "must contain at least one letter (a-z)";
    if (strstr(name, "--"))
        msgs[n++] = "must not contain consecutive hyphens (-)";
    if (len > 0 && (name[0] == '-' || name[len - 1] == '-') && n < VALIDATION_MAX_MSGS)
        msgs[n++] = "must not begin or end with a hyphen (-)";
    return validation_invalid_msgs(err, field, name, msgs, n);
}

static int port_validate(struct json_object *p, const char *path, struct podspec_names *names,
                         struct apierr *err)
{
    static const char *const protocols[] = {"SCTP", "TCP", "UDP", NULL};
    const char *name = obj_get_str(p, "name"), *proto = obj_get_str(p, "protocol");
    char f[PODSPEC_PATH];
    int64_t port = 0;
    int rc = 0;

    snprintf(f, sizeof(f), "%s.name", path);
    if (name && *name && port_name(err, f, name) < 0)
        rc = -1;
    else if (name && *name && podspec_names_has(names, name))
        rc = validation_duplicate(err, f, name);
    else if (name && *name)
        podspec_names_add(names, name);
    snprintf(f, sizeof(f), "%s.containerPort", path);
    if (!kube_int(p, "containerPort", &port) || port == 0)
        rc = validation_required(err, f, NULL);
    else if (port < 1 || port > 65535)
        rc = validation_invalid_int(err, f, port, PORT_RANGE);
    snprintf(f, sizeof(f), "%s.hostPort", path);
    if (kube_int(p, "hostPort", &port) && port != 0 && (port < 1 || port > 65535))
        rc = validation_invalid_int(err, f, port, PORT_RANGE);
    snprintf(f, sizeof(f), "%s.protocol", path);
    if (!proto || !*proto)
        rc = validation_required(err, f, NULL);
    else if (strcmp(proto, "TCP") && strcmp(proto, "UDP") && strcmp(proto, "SCTP"))
        rc = validation_not_supported(err, f, proto, protocols);
    return rc;
}

/* kube 1.32 checks env names the relaxed way (RelaxedEnvironmentVariableValidation is on). */
static int env_validate(struct json_object *env, const char *path, struct apierr *err)
{
    char f[PODSPEC_PATH];
    size_t i;
    int rc = 0;

    for (i = 0; i < kube_len(env) && json_object_is_type(env, json_type_array); i++) {
        const char *name = obj_get_str(json_object_array_get_idx(env, i), "name") ?: "";
        const char *c;

        snprintf(f, sizeof(f), "%s[%zu].name", path, i);
        if (!*name) {
            validation_required(err, f, NULL);
            rc = validation_invalid(err, f, "", "environment variable name must be non-empty");
        }
        for (c = name; *c; c++) {
            if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e || *c == '=') {
                rc = validation_invalid(err, f, name,
                                        "a valid environment variable name must consist only of "
                                        "printable ASCII characters other than '='");
                break;
            }
        }
    }
    return rc;
}

static int mounts_validate(struct json_object *mounts, const char *path,
                           const struct podspec_names *vols, struct apierr *err)
{
    struct podspec_names points = {0};
    char f[PODSPEC_PATH];
    size_t i;
    int rc = 0;

    for (i = 0; i < kube_len(mounts) && json_object_is_type(mounts, json_type_array); i++) {
        struct json_object *m = json_object_array_get_idx(mounts, i);
        const char *name = obj_get_str(m, "name") ?: "", *mp = obj_get_str(m, "mountPath") ?: "";

        snprintf(f, sizeof(f), "%s[%zu].name", path, i);
        if (!*name)
            rc = validation_required(err, f, NULL);
        if (!podspec_names_has(vols, name))
            rc = kube_not_found(err, f, name);
        snprintf(f, sizeof(f), "%s[%zu].mountPath", path, i);
        if (!*mp)
            rc = validation_required(err, f, NULL);
        if (podspec_names_has(&points, mp))
            rc = validation_invalid(err, f, mp, "must be unique");
        podspec_names_add(&points, mp);
    }
    return rc;
}

static void quantity_text(struct json_object *q, char *buf, size_t n)
{
    snprintf(buf, n, "%s", json_object_get_string(q) ?: "");
}

static int resources_validate(struct json_object *res, const char *path, struct apierr *err)
{
    struct json_object *lim = obj_get(res, "limits"), *req = obj_get(res, "requests"), *l;
    char f[PODSPEC_PATH], q[64], lq[64], detail[160];
    int rc = 0, cmp;

    if (json_object_is_type(lim, json_type_object)) {
        json_object_object_foreach(lim, k, v) {
            snprintf(f, sizeof(f), "%s.limits[%s]", path, k);
            quantity_text(v, q, sizeof(q));
            if (kube_quantity_sign(v) < 0)
                rc = validation_invalid(err, f, q, "must be greater than or equal to 0");
        }
    }
    if (!json_object_is_type(req, json_type_object))
        return rc;
    json_object_object_foreach(req, k, v) {
        snprintf(f, sizeof(f), "%s.requests[%s]", path, k);
        quantity_text(v, q, sizeof(q));
        if (kube_quantity_sign(v) < 0)
            rc = validation_invalid(err, f, q, "must be greater than or equal to 0");
        l = NULL;
        if (json_object_is_type(lim, json_type_object))
            json_object_object_get_ex(lim, k, &l);
        if (!l || kube_quantity_cmp(v, l, &cmp) < 0 || cmp <= 0)
            continue;
        quantity_text(l, lq, sizeof(lq));
        snprintf(detail, sizeof(detail), "must be less than or equal to %s limit of %s", k, lq);
        snprintf(f, sizeof(f), "%s.requests", path);
        rc = validation_invalid(err, f, q, detail);
    }
    return rc;
}

static int pull_policy_validate(struct json_object *c, const char *path, struct apierr *err)
{
    static const char *const policies[] = {"Always", "IfNotPresent", "Never", NULL};
    const char *p = obj_get_str(c, "imagePullPolicy");
    char f[PODSPEC_PATH];

    snprintf(f, sizeof(f), "%s.imagePullPolicy", path);
    if (!p || !*p)
        return validation_required(err, f, NULL);
    if (strcmp(p, "Always") && strcmp(p, "IfNotPresent") && strcmp(p, "Never"))
        return validation_not_supported(err, f, p, policies);
    return 0;
}

static int message_policy_validate(struct json_object *c, const char *path, struct apierr *err)
{
    static const char *const policies[] = {"File", "FallbackToLogsOnError", NULL};
    const char *p = obj_get_str(c, "terminationMessagePolicy");
    char f[PODSPEC_PATH];

    snprintf(f, sizeof(f), "%s.terminationMessagePolicy", path);
    if (!p || !*p)
        return validation_required(err, f, NULL);
    if (strcmp(p, "File") && strcmp(p, "FallbackToLogsOnError"))
        return validation_not_supported(err, f, p, policies);
    return 0;
}

/* What every kind of container is checked for (kube's validateContainerCommon). */
static int container_common(struct json_object *c, const char *path,
                            const struct podspec_names *vols, struct apierr *err)
{
    const char *name = obj_get_str(c, "name") ?: "", *image = obj_get_str(c, "image");
    struct podspec_names port_names = {0};
    struct json_object *ports = obj_get(c, "ports");
    char f[PODSPEC_PATH];
    size_t i;
    int rc = 0;

    snprintf(f, sizeof(f), "%s.name", path);
    rc |= *name ? dns_label(err, f, name) : validation_required(err, f, NULL);
    snprintf(f, sizeof(f), "%s.image", path);
    if (!image || !*image)
        rc = validation_required(err, f, NULL);
    rc |= message_policy_validate(c, path, err);
    for (i = 0; i < kube_len(ports) && json_object_is_type(ports, json_type_array); i++) {
        snprintf(f, sizeof(f), "%s.ports[%zu]", path, i);
        rc |= port_validate(json_object_array_get_idx(ports, i), f, &port_names, err);
    }
    snprintf(f, sizeof(f), "%s.env", path);
    rc |= env_validate(obj_get(c, "env"), f, err);
    snprintf(f, sizeof(f), "%s.volumeMounts", path);
    rc |= mounts_validate(obj_get(c, "volumeMounts"), f, vols, err);
    rc |= pull_policy_validate(c, path, err);
    snprintf(f, sizeof(f), "%s.resources", path);
    rc |= resources_validate(obj_get(c, "resources"), f, err);
    return rc ? -1 : 0;
}

int podspec_containers_validate(struct json_object *spec, const char *path,
                                const struct podspec_names *vols, struct podspec_names *names,
                                struct apierr *err)
{
    struct json_object *ctrs = obj_get(spec, "containers"), *c;
    char p[PODSPEC_PATH], f[PODSPEC_PATH + 32];
    size_t i;
    int rc = 0;

    snprintf(p, sizeof(p), "%s.containers", path);
    if (kube_len(ctrs) == 0 || !json_object_is_type(ctrs, json_type_array))
        return validation_required(err, p, NULL);
    for (i = 0; i < kube_len(ctrs); i++) {
        c = json_object_array_get_idx(ctrs, i);
        snprintf(p, sizeof(p), "%s.containers[%zu]", path, i);
        rc |= container_common(c, p, vols, err);
        snprintf(f, sizeof(f), "%s.name", p);
        if (podspec_names_has(names, obj_get_str(c, "name")))
            rc = validation_duplicate(err, f, obj_get_str(c, "name"));
        else
            podspec_names_add(names, obj_get_str(c, "name"));
        snprintf(f, sizeof(f), "%s.restartPolicy", p);
        if (obj_get(c, "restartPolicy"))
            rc = validation_forbidden(err, f, "may not be set for non-init containers");
    }
    return rc ? -1 : 0;
}

static int init_restart_policy(struct json_object *c, const char *path, struct apierr *err)
{
    static const char *const always[] = {"Always", NULL};
    const char *rp = obj_get_str(c, "restartPolicy");
    char f[PODSPEC_PATH];

    snprintf(f, sizeof(f), "%s.restartPolicy", path);
    if (rp && strcmp(rp, "Always") != 0)
        return validation_not_supported(err, f, rp, always);
    return 0;
}

/* Init containers without restartPolicy Always run to completion: no probes, no lifecycle. */
static int init_only(struct json_object *c, const char *path, struct apierr *err)
{
    static const char *const keys[] = {"lifecycle", "livenessProbe", "readinessProbe",
                                       "startupProbe"};
    const char *rp = obj_get_str(c, "restartPolicy");
    char f[PODSPEC_PATH];
    size_t i;
    int rc = 0;

    if (rp && strcmp(rp, "Always") == 0)
        return 0;
    for (i = 0; i < 4; i++) {
        snprintf(f, sizeof(f), "%s.%s", path, keys[i]);
        if (obj_get(c, keys[i]))
            rc = validation_forbidden(err, f,
                                      i == 2 ? "may not be set for init containers"
                                             : "may not be set for init containers without "
                                               "restartPolicy=Always");
    }
    return rc;
}

int podspec_init_containers_validate(struct json_object *spec, const char *path,
                                     const struct podspec_names *vols, struct podspec_names *names,
                                     struct apierr *err)
{
    struct json_object *ctrs = obj_get(spec, "initContainers"), *c;
    char p[PODSPEC_PATH], f[PODSPEC_PATH + 32];
    size_t i;
    int rc = 0;

    for (i = 0; i < kube_len(ctrs) && json_object_is_type(ctrs, json_type_array); i++) {
        c = json_object_array_get_idx(ctrs, i);
        snprintf(p, sizeof(p), "%s.initContainers[%zu]", path, i);
        rc |= container_common(c, p, vols, err);
        rc |= init_restart_policy(c, p, err);
        snprintf(f, sizeof(f), "%s.name", p);
        if (podspec_names_has(names, obj_get_str(c, "name")))
            rc = validation_duplicate(err, f, obj_get_str(c, "name"));
        else if (obj_get_str(c, "name") && *obj_get_str(c, "name"))
            podspec_names_add(names, obj_get_str(c, "name"));
        rc |= init_only(c, p, err);
    }
    return rc ? -1 : 0;
}
