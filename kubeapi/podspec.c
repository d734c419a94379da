/* PodSpec defaulting shared by pods and every kind with a pod template (kube's
 * SetDefaults_PodSpec, _Container, _Probe, _Volume and friends), the pod-only defaults, the
 * quantities resources are written in, and the pod's QoS class. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "generic/apis/meta.h"
#include "kubeapi/kubeapi_internal.h"

/* kube defaults imagePullPolicy by the tag: "latest", or no tag and no digest, pulls Always. */
static const char *pull_policy(const char *image)
{
    const char *at, *tag = NULL;
    size_t n, i;

    if (!image || !*image)
        return "IfNotPresent";
    at = strchr(image, '@');
    n = at ? (size_t)(at - image) : strlen(image);
    for (i = 0; i < n; i++) {
        if (image[i] == '/')
            tag = NULL; /* a colon before the last slash is a registry's port */
        else if (image[i] == ':')
            tag = image + i + 1;
    }
    if (!tag)
        return at ? "IfNotPresent" : "Always";
    return (size_t)(image + n - tag) == 6 && strncmp(tag, "latest", 6) == 0 ? "Always"
                                                                            : "IfNotPresent";
}

/* Sets an integer field that Go keeps as a plain int32: absent, null or 0 take the default. */
static void default_nonzero(struct json_object *obj, const char *key, int v)
{
    int64_t cur;

    if (!kube_int(obj, key, &cur) || cur == 0)
        json_object_object_add(obj, key, json_object_new_int(v));
}

static void http_get_defaults(struct json_object *handler)
{
    struct json_object *get = obj_get(handler, "httpGet");
    const char *path = obj_get_str(get, "path"), *scheme = obj_get_str(get, "scheme");

    if (!json_object_is_type(get, json_type_object))
        return;
    if (!path || !*path)
        json_object_object_add(get, "path", json_object_new_string("/"));
    if (!scheme || !*scheme)
        json_object_object_add(get, "scheme", json_object_new_string("HTTP"));
}

static void probe_defaults(struct json_object *c, const char *key)
{
    struct json_object *p = obj_get(c, key);

    if (!json_object_is_type(p, json_type_object))
        return;
    default_nonzero(p, "timeoutSeconds", 1);
    default_nonzero(p, "periodSeconds", 10);
    default_nonzero(p, "successThreshold", 1);
    default_nonzero(p, "failureThreshold", 3);
    http_get_defaults(p);
}

static void ports_env_defaults(struct json_object *c)
{
    struct json_object *ports = obj_get(c, "ports"), *env = obj_get(c, "env"), *ref;
    size_t i;

    for (i = 0; json_object_is_type(ports, json_type_array) && i < kube_len(ports); i++)
        kube_default(json_object_array_get_idx(ports, i), "protocol",
                     json_object_new_string("TCP"));
    for (i = 0; json_object_is_type(env, json_type_array) && i < kube_len(env); i++) {
        ref = obj_get(json_object_array_get_idx(env, i), "valueFrom.fieldRef");
        kube_default(ref, "apiVersion", json_object_new_string("v1"));
    }
}

static void container_defaults(struct json_object *c)
{
    const char *policy = obj_get_str(c, "imagePullPolicy");

    if (!json_object_is_type(c, json_type_object))
        return;
    if (!policy || !*policy)
        json_object_object_add(c, "imagePullPolicy",
                               json_object_new_string(pull_policy(obj_get_str(c, "image"))));
    if (!obj_get_str(c, "terminationMessagePath") || !*obj_get_str(c, "terminationMessagePath"))
        json_object_object_add(c, "terminationMessagePath",
                               json_object_new_string("/dev/termination-log"));
    if (!obj_get_str(c, "terminationMessagePolicy") || !*obj_get_str(c, "terminationMessagePolicy"))
        json_object_object_add(c, "terminationMessagePolicy", json_object_new_string("File"));
    kube_default(c, "resources", json_object_new_object());
    ports_env_defaults(c);
    probe_defaults(c, "livenessProbe");
    probe_defaults(c, "readinessProbe");
    probe_defaults(c, "startupProbe");
    http_get_defaults(obj_get(c, "lifecycle.postStart"));
    http_get_defaults(obj_get(c, "lifecycle.preStop"));
}

static void containers_defaults(struct json_object *spec, const char *key)
{
    struct json_object *ctrs = obj_get(spec, key);
    size_t i;

    for (i = 0; json_object_is_type(ctrs, json_type_array) && i < kube_len(ctrs); i++)
        container_defaults(json_object_array_get_idx(ctrs, i));
}

/* A volume without a source is an emptyDir; file-projecting sources get mode 0644. */
static void volume_defaults(struct json_object *v)
{
    static const char *const moded[] = {"configMap", "secret", "projected", "downwardAPI"};
    size_t i;

    if (!json_object_is_type(v, json_type_object))
        return;
    if (json_object_object_length(v) <= (obj_get(v, "name") ? 1 : 0))
        json_object_object_add(v, "emptyDir", json_object_new_object());
    for (i = 0; i < sizeof(moded) / sizeof(moded[0]); i++)
        kube_default(obj_get(v, moded[i]), "defaultMode", json_object_new_int(420));
    kube_default(obj_get(v, "hostPath"), "type", json_object_new_string(""));
}

static void default_str(struct json_object *obj, const char *key, const char *v)
{
    const char *cur = obj_get_str(obj, key);

    if (!cur || !*cur)
        json_object_object_add(obj, key, json_object_new_string(v));
}

void podspec_defaults(struct json_object *spec)
{
    struct json_object *vols = obj_get(spec, "volumes");
    size_t i;

    if (!json_object_is_type(spec, json_type_object))
        return;
    default_str(spec, "dnsPolicy", "ClusterFirst");
    default_str(spec, "restartPolicy", "Always");
    default_str(spec, "schedulerName", "default-scheduler");
    kube_default(spec, "securityContext", json_object_new_object());
    kube_default(spec, "terminationGracePeriodSeconds", json_object_new_int64(30));
    containers_defaults(spec, "containers");
    containers_defaults(spec, "initContainers");
    for (i = 0; json_object_is_type(vols, json_type_array) && i < kube_len(vols); i++)
        volume_defaults(json_object_array_get_idx(vols, i));
}

/* Go writes a template's zero creationTimestamp as null, so clients read one back. */
void podtemplate_defaults(struct json_object *tmpl)
{
    if (!json_object_is_type(tmpl, json_type_object))
        return;
    kube_default(kube_default_obj(tmpl, "metadata"), "creationTimestamp", NULL);
    podspec_defaults(obj_get(tmpl, "spec"));
}

/* Pods only (SetDefaults_Pod): requests default to limits, service links on, and host-network
 * pods publish each container port on the host. */
static void requests_from_limits(struct json_object *c, bool host_network)
{
    struct json_object *res = obj_get(c, "resources"), *lim = obj_get(res, "limits"), *req;
    struct json_object *ports = obj_get(c, "ports");
    int64_t port;
    size_t i;

    if (json_object_is_type(lim, json_type_object) && json_object_object_length(lim) > 0) {
        req = kube_default_obj(res, "requests");
        json_object_object_foreach(lim, k, v) {
            kube_default(req, k, json_object_get(v));
        }
    }
    for (i = 0; host_network && i < kube_len(ports) && json_object_is_type(ports, json_type_array);
         i++) {
        struct json_object *p = json_object_array_get_idx(ports, i);
        int64_t hp;

        if (kube_int(p, "containerPort", &port) && (!kube_int(p, "hostPort", &hp) || hp == 0))
            json_object_object_add(p, "hostPort", json_object_new_int64(port));
    }
}

void pod_spec_defaults(struct json_object *spec)
{
    static const char *const lists[] = {"containers", "initContainers"};
    struct json_object *hn = obj_get(spec, "hostNetwork"), *ctrs;
    bool host = json_object_is_type(hn, json_type_boolean) && json_object_get_boolean(hn);
    size_t i, l;

    if (!json_object_is_type(spec, json_type_object))
        return;
    podspec_defaults(spec);
    for (l = 0; l < 2; l++) {
        ctrs = obj_get(spec, lists[l]);
        for (i = 0; json_object_is_type(ctrs, json_type_array) && i < kube_len(ctrs); i++)
            requests_from_limits(json_object_array_get_idx(ctrs, i), host);
    }
    kube_default(spec, "enableServiceLinks", json_object_new_boolean(1));
}
