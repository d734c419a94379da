/* Private to kubeapi/: the group versions it serves and its controllers. */
#ifndef KUBEAPI_KUBEAPI_INTERNAL_H
#define KUBEAPI_KUBEAPI_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "generic/registry/resource.h"

struct json_object;

extern const struct group_version kube_core_v1;
extern const struct group_version kube_apps_v1;

struct server;

/* Registers the post-start hooks that create the system namespaces. */
void kube_bootstrap_install(struct server *s);

/* Namespace lifecycle (kubeapi/namespaces.c): the strategy hooks, the /finalize subresource and
 * the controller that empties deleted namespaces and gives each a default ServiceAccount. */
struct req;
int namespace_keep_deleting(struct json_object *obj);
void namespace_prepare_update(struct json_object *obj, struct json_object *old);
void namespace_serve_finalize(struct req *req, void *ctx);
void kube_namespace_controller_install(struct server *s);

/* --- workloads: core_pods.c, core_pods_table.c (pods), core_podcontrollers.c (podtemplates,
 * replicationcontrollers), apps_v1.c and apps_sets.c (apps/v1) --- */
extern const struct strategy pod_strategy, podtemplate_strategy, rc_strategy;
extern const struct table_column pod_columns[], podtemplate_columns[], rc_columns[];
extern const char *const pod_fields[], *const rc_fields[];
extern const struct strategy deployment_strategy, replicaset_strategy, statefulset_strategy,
    daemonset_strategy, controllerrevision_strategy;
extern const struct table_column deployment_columns[], replicaset_columns[], statefulset_columns[],
    daemonset_columns[], controllerrevision_columns[];
extern const char *const replicaset_fields[];
/* apps_v1.c, shared with apps_sets.c: what differs between the apps kinds' selector and template
 * checks (kube's "empty selector is invalid for <what>", "activeDeadlineSeconds in <kind>"). */
struct apps_rules {
    const char *what;
    const char *kind;
};
/* replicas, selector (required), template, minReadySeconds and revisionHistoryLimit of an apps
 * spec; claims as for podspec_validate. */
int apps_validate_spec(struct json_object *spec, const struct apps_rules *r,
                       struct json_object *claims, struct apierr *err);
/* `spec.selector: Invalid value: v1.LabelSelector{...}: field is immutable` when it changed. */
int apps_selector_immutable(struct json_object *obj, struct json_object *old, struct apierr *err);
/* Replaces status with {} holding the given fields at 0 (those Go does not omit when empty). */
void apps_reset_status(struct json_object *obj, const char *const *zero_fields);
/* obj.<path>.<key> as an integer, 0 when absent. */
int64_t apps_int(struct json_object *obj, const char *path, const char *key);
/* kube's selectable status.replicas (RCs, ReplicaSets), as a strategy's field_value. */
int kube_replicas_field(struct json_object *obj, const char *field, char *buf, size_t n);
/* The pod's table cells (kube's printPod, wide columns included). */
void pod_row(struct json_object *obj, struct json_object *cells);
/* The pod's first IP (status.podIPs[0].ip, else status.podIP), borrowed; NULL when none. */
const char *pod_ip(struct json_object *obj);

/* kube's descriptions of the NAME and AGE columns (ObjectMeta's name and creationTimestamp). */
#define KUBE_NAME_DESC                                                                             \
    "Name must be unique within a namespace. Is required when creating resources, although some "  \
    "resources may allow a client to request the generation of an appropriate name "               \
    "automatically. Name is primarily intended for creation idempotence and configuration "        \
    "definition. Cannot be updated. More info: "                                                   \
    "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"
#define KUBE_AGE_DESC                                                                              \
    "CreationTimestamp is a timestamp representing the server time when this object was "          \
    "created. It is not guaranteed to be set in happens-before order across separate operations. " \
    "Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\n"         \
    "Populated by the system. Read-only. Null for lists. More info: "                              \
    "https://git.k8s.io/community/contributors/devel/sig-architecture/"                            \
    "api-conventions.md#metadata"
#define KUBE_CONTAINERS_DESC "Names of each container in the template."
#define KUBE_IMAGES_DESC     "Images referenced by each container in the template."

/* --- workload.c: JSON helpers, Go's %#v, int-or-percent, table cells --- */

/* Sets obj[key] to val (taken) when the key is absent or null; a no-op when obj is no object. */
void kube_default(struct json_object *obj, const char *key, struct json_object *val);
/* obj[key] as an object (borrowed), created empty when absent or null; NULL when obj is no
 * object or the value has another type. */
struct json_object *kube_default_obj(struct json_object *obj, const char *key);
/* A deep copy of v the caller owns; NULL for NULL. */
struct json_object *kube_copy(struct json_object *v);
/* obj[key] when it is a string (a key, not a dotted path: label keys have dots), borrowed. */
const char *kube_str(struct json_object *obj, const char *key);
/* obj[key] when it is a number; false when absent or of another type. */
bool kube_int(struct json_object *obj, const char *key, int64_t *out);
/* The length of an array or the size of an object; 0 for anything else (NULL included). */
size_t kube_len(struct json_object *v);
/* `<path>: Invalid value: -1: must be greater than or equal to 0` when obj[key] < 0. */
int kube_nonneg(struct json_object *obj, const char *key, const char *path, struct apierr *err);
/* A FieldValueInvalid cause whose value is already formatted (Go's %#v of a struct or map). */
int kube_invalid_raw(struct apierr *err, const char *field, const char *raw, const char *detail);
/* A FieldValueNotFound cause: `Not found: "value"`. */
int kube_not_found(struct apierr *err, const char *field, const char *value);
/* Go's %#v of a map[string]string (sorted keys; `map[string]string(nil)` for NULL) and of a
 * *metav1.LabelSelector (`null` for NULL), as kube prints them in Invalid causes. */
void kube_go_map(struct json_object *map, char *buf, size_t n);
void kube_go_selector(struct json_object *sel, char *buf, size_t n);
/* IntOrString fields (maxSurge, maxUnavailable): a non-negative int or "N%" (0 or -1 with a
 * cause); a percentage over 100; both of a rolling update zero. NULL values pass. */
int kube_int_or_percent(struct json_object *v, const char *path, struct apierr *err);
int kube_not_over_100(struct json_object *v, const char *path, struct apierr *err);
int kube_not_both_zero(struct json_object *unavail, struct json_object *surge, const char *path,
                       struct apierr *err);
/* The number of an IntOrString: the int, or the percentage's number. */
int kube_intstr_value(struct json_object *v);
/* Appends the CONTAINERS and IMAGES cells of a pod spec (comma-joined names and images). */
void kube_container_cells(struct json_object *spec, struct json_object *cells);
/* kube's labels.FormatLabels: "a=1,b=2" sorted, "<none>" when empty. */
void kube_labels_string(struct json_object *map, char *buf, size_t n);

/* --- labelselector.c: metav1.LabelSelector --- */

/* kube's ValidateLabelSelector under path ("spec.selector"); NULL passes. */
int kube_selector_validate(struct json_object *sel, const char *path, struct apierr *err);
/* No matchLabels and no matchExpressions. */
bool kube_selector_empty(struct json_object *sel);
/* Whether sel selects labels: a NULL selector selects nothing, an empty one everything. */
bool kube_selector_matches(struct json_object *sel, struct json_object *labels);
/* The selector as kube's Selector.String() ("app=web,tier in (a,b)"), "" when empty; and as
 * metav1.FormatLabelSelector, which prints "<none>" instead of "". */
void kube_selector_string(struct json_object *sel, char *buf, size_t n);
void kube_selector_format(struct json_object *sel, char *buf, size_t n);

/* --- quantity.c: resource quantities and QoS --- */

/* Compares two quantities into *cmp (-1, 0, 1); -1 when either is not a quantity. */
int kube_quantity_cmp(struct json_object *a, struct json_object *b, int *cmp);
/* The sign of a quantity; 0 when it is not one. */
int kube_quantity_sign(struct json_object *v);
/* The QoS class of a (defaulted) pod spec: "BestEffort", "Burstable" or "Guaranteed". */
const char *pod_qos_class(struct json_object *spec);

/* --- podspec.c, podspec_validate.c, podspec_container.c: PodSpec --- */

#define PODSPEC_PATH      128 /* room for a field path */
#define PODSPEC_MAX_NAMES 128

/* A small set of borrowed names (volumes, containers, ports). */
struct podspec_names {
    const char *v[PODSPEC_MAX_NAMES];
    size_t n;
};
bool podspec_names_has(const struct podspec_names *s, const char *name);
void podspec_names_add(struct podspec_names *s, const char *name);

/* kube's SetDefaults_PodSpec and the container, probe and volume defaults under it; the pod's
 * own defaults (requests from limits, enableServiceLinks, host ports) on top. NULL or a
 * non-object is left alone. */
void podspec_defaults(struct json_object *spec);
void podtemplate_defaults(struct json_object *tmpl);
void pod_spec_defaults(struct json_object *spec);

/* kube's ValidatePodSpec of spec under path ("spec", "spec.template.spec"); claims (may be NULL)
 * are a StatefulSet's volumeClaimTemplates, whose names mounts may use. Returns 0 or -1. */
int podspec_validate(struct json_object *spec, const char *path, struct json_object *claims,
                     struct apierr *err);
/* kube's ValidatePodTemplateSpec: labels and annotations (reported as path.labels, as kube
 * does), then the spec under path.spec. */
int podtemplate_validate(struct json_object *tmpl, const char *path, struct json_object *claims,
                         struct apierr *err);
/* A controller's template: restartPolicy Always and no activeDeadlineSeconds (kind names the
 * controller in kube's message: "ReplicaSet" for deployments too). */
int podtemplate_validate_controller(struct json_object *tmpl, const char *path, const char *kind,
                                    struct apierr *err);
/* Unless selected: `<path>.metadata.labels: Invalid value: map[...]: `selector` does not match
 * template `labels``. */
int podtemplate_check_selected(bool selected, struct json_object *tmpl, const char *path,
                               struct apierr *err);
int podspec_containers_validate(struct json_object *spec, const char *path,
                                const struct podspec_names *vols, struct podspec_names *names,
                                struct apierr *err);
int podspec_init_containers_validate(struct json_object *spec, const char *path,
                                     const struct podspec_names *vols, struct podspec_names *names,
                                     struct apierr *err);

/* --- services, endpoints and config: core_services.c, service_validation.c, service_alloc.c,
 * core_endpoints.c, core_config.c; nodes, events, quotas and volumes: core_cluster.c,
 * core_storage.c --- */
struct storage;
struct kubeapi_options;
extern const struct strategy service_strategy, endpoints_strategy, secret_strategy,
    serviceaccount_strategy, node_strategy, event_strategy, limitrange_strategy,
    resourcequota_strategy, pv_strategy, pvc_strategy;
extern const struct table_column service_columns[], endpoints_columns[], secret_columns[],
    serviceaccount_columns[], node_columns[], event_columns[], limitrange_columns[],
    resourcequota_columns[], pv_columns[], pvc_columns[];
extern const char *const service_fields[], *const secret_fields[], *const node_fields[],
    *const event_fields[];
/* ConfigMap validation (keys, string values, binaryData base64, `immutable`). */
int configmap_validate(struct json_object *obj, struct apierr *err);
int configmap_validate_update(struct json_object *obj, struct json_object *old,
                              struct apierr *err);
/* Creates the service allocator of s (from its storage and o's ranges; o may be NULL) and
 * registers the bootstrap-controller post-start hook; returns the core/v1 group version to
 * install, carrying the allocator as its state (kube_core_v1 itself when s has no storage), or
 * NULL with err for a bad range or an unreadable store. */
const struct group_version *kube_services_install(struct server *s,
                                                  const struct kubeapi_options *o,
                                                  struct apierr *err);
/* Creates, when missing, the `default` namespace and the `kubernetes` Service (the first address
 * of service_cidr, NULL: 10.0.0.0/24; port 443 to secure_port) and its Endpoints (advertise_ip,
 * NULL: the host's first non-loopback IPv4 address), and brings their ports and addresses up to
 * date when they exist. The namespace is committed first (storage_flush); the rest is pending
 * until the store commits. */
int kube_bootstrap_services(struct storage *st, const char *service_cidr, int secure_port,
                            const char *advertise_ip, struct apierr *err);

#endif
