/* core/v1 services: kube's defaulting, validation, type-change handling, the allocation of
 * cluster IPs and node ports (kubeapi/service_alloc.c) and the table. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "generic/apis/meta.h"
#include "generic/endpoints/table.h"
#include "kubeapi/kubeapi_internal.h"
#include "kubeapi/service_alloc.h"
#include "kubeapi/services_internal.h"

size_t svc_arr_len(struct json_object *a)
{
    return a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
}

static const char *str_or(struct json_object *obj, const char *path, const char *def)
{
    const char *s = obj_get_str(obj, path);

    return s ? s : def;
}

int svc_int_at(struct json_object *obj, const char *path)
{
    struct json_object *v = obj_get(obj, path);

    return v && json_object_is_type(v, json_type_int) ? json_object_get_int(v) : 0;
}

int svc_is_type(struct json_object *svc, const char *type)
{
    return strcmp(str_or(svc, "spec.type", "ClusterIP"), type) == 0;
}

int svc_is_headless(struct json_object *svc)
{
    struct json_object *ips = obj_get(svc, "spec.clusterIPs");
    const char *first =
        svc_arr_len(ips) == 1 ? json_object_get_string(json_object_array_get_idx(ips, 0)) : NULL;

    return first && strcmp(first, "None") == 0;
}

/* kube's ExternallyAccessible: reachable from outside through node ports or external IPs. */
int svc_externally_accessible(struct json_object *svc)
{
    return svc_is_type(svc, "LoadBalancer") || svc_is_type(svc, "NodePort") ||
           (svc_is_type(svc, "ClusterIP") && svc_arr_len(obj_get(svc, "spec.externalIPs")) > 0);
}

int svc_needs_node_ports(struct json_object *svc)
{
    struct json_object *alloc = obj_get(svc, "spec.allocateLoadBalancerNodePorts");

    return svc_is_type(svc, "NodePort") ||
           (svc_is_type(svc, "LoadBalancer") && (!alloc || json_object_get_boolean(alloc)));
}

int svc_needs_health_check(struct json_object *svc)
{
    return svc_is_type(svc, "LoadBalancer") &&
           strcmp(str_or(svc, "spec.externalTrafficPolicy", ""), "Local") == 0;
}

/* --- defaults --- */

static void default_ports(struct json_object *spec)
{
    struct json_object *ports = obj_get(spec, "ports"), *tp;
    size_t i;

    for (i = 0; i < svc_arr_len(ports); i++) {
        struct json_object *p = json_object_array_get_idx(ports, i);

        if (!json_object_is_type(p, json_type_object))
            continue;
        if (!obj_get_str(p, "protocol"))
            obj_set_str(p, "protocol", "TCP");
        tp = obj_get(p, "targetPort");
        if (!tp || (json_object_is_type(tp, json_type_int) && json_object_get_int(tp) == 0) ||
            (json_object_is_type(tp, json_type_string) && !*json_object_get_string(tp)))
            obj_set(p, "targetPort", json_object_new_int(svc_int_at(p, "port")));
    }
}

static void set_families(struct json_object *svc, struct json_object *spec)
{
    struct json_object *sel = obj_get(spec, "selector");
    int selectorless =
        !sel || !json_object_is_type(sel, json_type_object) || json_object_object_length(sel) == 0;
    const char *policy = obj_get_str(spec, "ipFamilyPolicy");
    struct json_object *fam;

    if (!policy) {
        policy = svc_is_headless(svc) && selectorless ? "RequireDualStack" : "SingleStack";
        obj_set_str(spec, "ipFamilyPolicy", policy);
    }
    if (svc_arr_len(obj_get(spec, "ipFamilies")) > 0)
        return;
    fam = json_object_new_array();
    json_object_array_add(fam, json_object_new_string("IPv4"));
    /* kube lets a selectorless headless service carry both families even on one stack */
    if (svc_is_headless(svc) && selectorless && strcmp(policy, "SingleStack") != 0)
        json_object_array_add(fam, json_object_new_string("IPv6"));
    obj_set(spec, "ipFamilies", fam);
}

static void service_defaults(struct json_object *obj)
{
    struct json_object *spec = obj_get(obj, "spec");
    const char *aff;

    if (!spec || !json_object_is_type(spec, json_type_object))
        obj_set(obj, "spec", spec = json_object_new_object());
    if (!obj_get_str(spec, "sessionAffinity"))
        obj_set_str(spec, "sessionAffinity", "None");
    aff = obj_get_str(spec, "sessionAffinity");
    if (strcmp(aff, "None") == 0)
        json_object_object_del(spec, "sessionAffinityConfig");
    if (strcmp(aff, "ClientIP") == 0 &&
        !obj_get(spec, "sessionAffinityConfig.clientIP.timeoutSeconds"))
        obj_set(spec, "sessionAffinityConfig.clientIP.timeoutSeconds", json_object_new_int(10800));
    if (!obj_get_str(spec, "type"))
        obj_set_str(spec, "type", "ClusterIP");
    default_ports(spec);
    if (svc_externally_accessible(obj) && !obj_get_str(spec, "externalTrafficPolicy"))
        obj_set_str(spec, "externalTrafficPolicy", "Cluster");
    if (!svc_is_type(obj, "ExternalName") && !obj_get(spec, "internalTrafficPolicy"))
        obj_set_str(spec, "internalTrafficPolicy", "Cluster");
    if (svc_is_type(obj, "LoadBalancer") && !obj_get(spec, "allocateLoadBalancerNodePorts"))
        obj_set(spec, "allocateLoadBalancerNodePorts", json_object_new_boolean(1));
    if (!svc_is_type(obj, "ExternalName"))
        set_families(obj, spec);
}

/* --- create and update preparation --- */

static void service_prepare_create(struct json_object *obj)
{
    const char *ip = obj_get_str(obj, "spec.clusterIP");
    struct json_object *ips;

    json_object_object_del(obj, "status");
    /* a client that only knows the singular field (kube's NormalizeClusterIPs) */
    if (ip && *ip && svc_arr_len(obj_get(obj, "spec.clusterIPs")) == 0) {
        ips = json_object_new_array();
        json_object_array_add(ips, json_object_new_string(ip));
        obj_set(obj, "spec.clusterIPs", ips);
    }
}

static int same(struct json_object *a, struct json_object *b, const char *path)
{
    return json_object_equal(obj_get(a, path), obj_get(b, path));
}

static void copy_path(struct json_object *dst, struct json_object *src, const char *path)
{
    struct json_object *v = obj_get(src, path);

    if (v)
        obj_set(dst, path, json_object_get(v));
}

/* Fills in what a client left out but was allocated before (kube's patchAllocatedValues). */
static void patch_allocated(struct json_object *obj, struct json_object *old)
{
    struct json_object *ports = obj_get(obj, "spec.ports"), *oports = obj_get(old, "spec.ports");
    size_t i, j;

    if (!svc_is_type(old, "ExternalName") && !svc_is_type(obj, "ExternalName")) {
        if (!*str_or(obj, "spec.clusterIP", ""))
            copy_path(obj, old, "spec.clusterIP");
        if (svc_arr_len(obj_get(obj, "spec.clusterIPs")) == 0)
            copy_path(obj, old, "spec.clusterIPs");
    }
    if (svc_needs_health_check(old) && svc_needs_health_check(obj) &&
        !svc_int_at(obj, "spec.healthCheckNodePort"))
        copy_path(obj, old, "spec.healthCheckNodePort");
    if (!svc_needs_node_ports(old) || !svc_needs_node_ports(obj))
        return;
    for (i = 0; i < svc_arr_len(ports); i++) {
        struct json_object *p = json_object_array_get_idx(ports, i);

        for (j = 0; !svc_int_at(p, "nodePort") && j < svc_arr_len(oports); j++) {
            struct json_object *op = json_object_array_get_idx(oports, j);

            if (strcmp(str_or(p, "name", ""), str_or(op, "name", "")) == 0 &&
                svc_int_at(op, "nodePort"))
                obj_set(p, "nodePort", json_object_new_int(svc_int_at(op, "nodePort")));
        }
    }
}

/* On a type change, drops what the new type does not use and the client did not touch (kube's
 * dropTypeDependentFields); what is dropped is released once the update commits. */
static void drop_type_dependent(struct json_object *obj, struct json_object *old)
{
    struct json_object *spec = obj_get(obj, "spec"), *ports = obj_get(obj, "spec.ports");
    size_t i;

    if (!svc_is_type(old, "ExternalName") && svc_is_type(obj, "ExternalName")) {
        if (same(obj, old, "spec.clusterIPs") && same(obj, old, "spec.clusterIP")) {
            json_object_object_del(spec, "clusterIP");
            json_object_object_del(spec, "clusterIPs");
        }
        if (same(obj, old, "spec.ipFamilies"))
            json_object_object_del(spec, "ipFamilies");
        if (same(obj, old, "spec.ipFamilyPolicy"))
            json_object_object_del(spec, "ipFamilyPolicy");
    }
    if (svc_needs_node_ports(old) && !svc_needs_node_ports(obj)) {
        for (i = 0; i < svc_arr_len(ports); i++)
            json_object_object_del(json_object_array_get_idx(ports, i), "nodePort");
    }
    if (svc_needs_health_check(old) && !svc_needs_health_check(obj) &&
        same(obj, old, "spec.healthCheckNodePort"))
        json_object_object_del(spec, "healthCheckNodePort");
    if (svc_is_type(old, "LoadBalancer") && !svc_is_type(obj, "LoadBalancer") &&
        same(obj, old, "spec.allocateLoadBalancerNodePorts"))
        json_object_object_del(spec, "allocateLoadBalancerNodePorts");
    if (svc_externally_accessible(old) && !svc_externally_accessible(obj) &&
        same(obj, old, "spec.externalTrafficPolicy"))
        json_object_object_del(spec, "externalTrafficPolicy");
    if (!svc_is_type(obj, "LoadBalancer"))
        obj_del(obj, "status.loadBalancer");
}

static void service_prepare_update(struct json_object *obj, struct json_object *old)
{
    service_defaults(obj); /* the type decides what follows */
    drop_type_dependent(obj, old);
    patch_allocated(obj, old);
    if (*str_or(obj, "spec.clusterIP", "") && svc_arr_len(obj_get(obj, "spec.clusterIPs")) == 0 &&
        same(obj, old, "spec.clusterIP"))
        copy_path(obj, old, "spec.clusterIPs");
}

int svc_ip_kind(const char *s)
{
    unsigned char b[16];

    if (!s)
        return 0;
    if (inet_pton(AF_INET, s, b) == 1)
        return 1;
    return inet_pton(AF_INET6, s, b) == 1 ? 2 : 0;
}

int svc_invalid_raw(struct apierr *err, const char *field, const char *raw, const char *detail)
{
    return apierr_field(err, "FieldValueInvalid", field, "Invalid value: %s: %s", raw, detail);
}

void svc_go_strings(struct json_object *arr, char *buf, size_t n)
{
    size_t i, pos = (size_t)snprintf(buf, n, "[]string{");
    char q[128];

    for (i = 0; i < svc_arr_len(arr) && pos < n; i++) {
        validation_quote(q, sizeof(q), json_object_get_string(json_object_array_get_idx(arr, i)));
        pos += (size_t)snprintf(buf + pos, n - pos, "%s%s", i ? ", " : "", q);
    }
    if (pos < n)
        snprintf(buf + pos, n - pos, "}");
}

/* --- allocation --- */

/* What one admit reserved, to give back if a later step fails. */
struct svc_txn {
    struct svc_alloc *a;
    char ip[16];
    int *ports;
    size_t nports;
};

static void txn_port(struct svc_txn *t, int port)
{
    t->ports = realloc(t->ports, (t->nports + 1) * sizeof(*t->ports));
    if (!t->ports)
        abort();
    t->ports[t->nports++] = port;
}

static void txn_rollback(struct svc_txn *t)
{
    size_t i;

    if (t->ip[0])
        svc_ip_release(t->a, t->ip);
    for (i = 0; i < t->nports; i++)
        svc_port_release(t->a, t->ports[i]);
}

static int alloc_cluster_ip(struct svc_txn *t, struct json_object *obj, struct json_object *old,
                            struct apierr *err)
{
    const char *ip = obj_get_str(obj, "spec.clusterIP");
    char raw[200], msg[200], detail[300], next[16];
    struct json_object *ips;
    enum svc_alloc_rc rc;

    if (svc_is_type(obj, "ExternalName") || svc_is_headless(obj))
        return 0;
    if (ip && *ip) {
        if (old && strcmp(str_or(old, "spec.clusterIP", ""), ip) == 0)
            return 0;
        rc = svc_ip_allocate(t->a, ip);
        if (rc == SVC_ALLOC_OK) {
            snprintf(t->ip, sizeof(t->ip), "%s", ip);
            return 0;
        }
        svc_go_strings(obj_get(obj, "spec.clusterIPs"), raw, sizeof(raw));
        snprintf(detail, sizeof(detail), "failed to allocate IP %s: %s", ip,
                 svc_ip_message(t->a, rc, ip, msg, sizeof(msg)));
        return svc_invalid_raw(err, "spec.clusterIPs", raw, detail);
    }
    if (svc_ip_next(t->a, next) != SVC_ALLOC_OK)
        return apierr_set(err, APIERR_INTERNAL,
                          "Internal error occurred: failed to allocate a serviceIP: range is full");
    snprintf(t->ip, sizeof(t->ip), "%s", next);
    obj_set_str(obj, "spec.clusterIP", next);
    ips = json_object_new_array();
    json_object_array_add(ips, json_object_new_string(next));
    obj_set(obj, "spec.clusterIPs", ips);
    return 0;
}

static int holds_node_port(struct json_object *svc, int np)
{
    struct json_object *ports = obj_get(svc, "spec.ports");
    size_t i;

    for (i = 0; svc && i < svc_arr_len(ports); i++) {
        if (svc_int_at(json_object_array_get_idx(ports, i), "nodePort") == np)
            return 1;
    }
    return svc && svc_int_at(svc, "spec.healthCheckNodePort") == np;
}

/* The node port an earlier entry of ports (before i) with the same port number got: kube gives
 * TCP and UDP of one port the same node port. */
static int shared_node_port(struct json_object *ports, size_t i)
{
    struct json_object *p = json_object_array_get_idx(ports, i);
    size_t j;

    for (j = 0; j < i; j++) {
        struct json_object *q = json_object_array_get_idx(ports, j);

        if (svc_int_at(q, "port") == svc_int_at(p, "port") && svc_int_at(q, "nodePort"))
            return svc_int_at(q, "nodePort");
    }
    return 0;
}

static int alloc_node_port(struct svc_txn *t, struct json_object *p, size_t i,
                           struct json_object *old, struct apierr *err)
{
    int np = svc_int_at(p, "nodePort");
    enum svc_alloc_rc rc;
    char field[64], msg[200];

    if (np == 0) {
        if (svc_port_next(t->a, &np) != SVC_ALLOC_OK)
            return apierr_set(err, APIERR_INTERNAL,
                              "Internal error occurred: failed to "
                              "allocate a nodePort: range is full");
        txn_port(t, np);
        obj_set(p, "nodePort", json_object_new_int(np));
        return 0;
    }
    if (holds_node_port(old, np))
        return 0;
    rc = svc_port_allocate(t->a, np);
    if (rc == SVC_ALLOC_OK) {
        txn_port(t, np);
        return 0;
    }
    snprintf(field, sizeof(field), "spec.ports[%zu].nodePort", i);
    return validation_invalid_int(err, field, np, svc_port_message(t->a, rc, msg, sizeof(msg)));
}

static int alloc_node_ports(struct svc_txn *t, struct json_object *obj, struct json_object *old,
                            struct apierr *err)
{
    struct json_object *ports = obj_get(obj, "spec.ports");
    int need = svc_needs_node_ports(obj), shared;
    size_t i;

    for (i = 0; i < svc_arr_len(ports); i++) {
        struct json_object *p = json_object_array_get_idx(ports, i);
        int np = svc_int_at(p, "nodePort");

        if (np == 0 && !need)
            continue;
        shared = shared_node_port(ports, i);
        if (shared && (np == 0 || np == shared)) {
            obj_set(p, "nodePort", json_object_new_int(shared));
            continue;
        }
        if (alloc_node_port(t, p, i, old, err) < 0)
            return -1;
    }
    return 0;
}

static int alloc_health_check(struct svc_txn *t, struct json_object *obj, struct json_object *old,
                              struct apierr *err)
{
    int hc = svc_int_at(obj, "spec.healthCheckNodePort");
    enum svc_alloc_rc rc;
    char msg[200], detail[300];

    if (!svc_needs_health_check(obj) || (hc && holds_node_port(old, hc)))
        return 0;
    rc = hc ? svc_port_allocate(t->a, hc) : svc_port_next(t->a, &hc);
    if (rc == SVC_ALLOC_OK) {
        txn_port(t, hc);
        obj_set(obj, "spec.healthCheckNodePort", json_object_new_int(hc));
        return 0;
    }
    if (rc == SVC_ALLOC_FULL)
        return apierr_set(err, APIERR_INTERNAL,
                          "Internal error occurred: failed to allocate a "
                          "nodePort: range is full");
    snprintf(detail, sizeof(detail), "failed to allocate requested HealthCheck NodePort %d: %s", hc,
             svc_port_message(t->a, rc, msg, sizeof(msg)));
    return validation_invalid_int(err, "spec.healthCheckNodePort", hc, detail);
}

/* Reserves the cluster IP and node ports obj asks for or needs and old does not hold. */
static int service_admit(void *state, struct json_object *obj, struct json_object *old,
                         struct apierr *err)
{
    struct svc_txn t = {.a = state};
    int rc;

    if (!t.a)
        return 0; /* not served through an API server: nothing to allocate from */
    rc = alloc_cluster_ip(&t, obj, old, err) < 0 || alloc_node_ports(&t, obj, old, err) < 0 ||
                 alloc_health_check(&t, obj, old, err) < 0
             ? -1
             : 0;
    if (rc < 0)
        txn_rollback(&t);
    free(t.ports);
    return rc;
}

static void service_unadmit(void *state, struct json_object *obj, struct json_object *old)
{
    if (state)
        svc_alloc_release_diff(state, obj, old);
}

/* --- table --- */

static void join_strings(struct json_object *arr, char *buf, size_t n)
{
    size_t i, pos = 0;

    buf[0] = '\0';
    for (i = 0; i < svc_arr_len(arr) && pos < n; i++)
        pos += (size_t)snprintf(buf + pos, n - pos, "%s%s", i ? "," : "",
                                json_object_get_string(json_object_array_get_idx(arr, i)));
}

/* kube's getServiceExternalIP. */
static void external_ip(struct json_object *svc, char *buf, size_t n)
{
    struct json_object *ing = obj_get(svc, "status.loadBalancer.ingress");
    char ext[512];
    size_t i, pos = 0;

    join_strings(obj_get(svc, "spec.externalIPs"), ext, sizeof(ext));
    if (svc_is_type(svc, "ExternalName")) {
        snprintf(buf, n, "%s", str_or(svc, "spec.externalName", ""));
        return;
    }
    buf[0] = '\0';
    if (svc_is_type(svc, "LoadBalancer")) {
        for (i = 0; i < svc_arr_len(ing) && pos < n; i++) {
            struct json_object *e = json_object_array_get_idx(ing, i);
            const char *v = obj_get_str(e, "ip") ?: obj_get_str(e, "hostname");

            if (v)
                pos += (size_t)snprintf(buf + pos, n - pos, "%s%s", pos ? "," : "", v);
        }
        if (!pos && !ext[0]) {
            snprintf(buf, n, "<pending>");
            return;
        }
    } else if (!ext[0]) {
        snprintf(buf, n, "<none>");
        return;
    }
    if (ext[0] && pos < n)
        snprintf(buf + pos, n - pos, "%s%s", pos ? "," : "", ext);
}

static void port_string(struct json_object *svc, char *buf, size_t n)
{
    struct json_object *ports = obj_get(svc, "spec.ports");
    size_t i, pos = 0;

    snprintf(buf, n, "<none>");
    for (i = 0; i < svc_arr_len(ports) && pos < n; i++) {
        struct json_object *p = json_object_array_get_idx(ports, i);
        int np = svc_int_at(p, "nodePort");

        pos += (size_t)snprintf(buf + pos, n - pos, "%s%d", i ? "," : "", svc_int_at(p, "port"));
        if (np && pos < n)
            pos += (size_t)snprintf(buf + pos, n - pos, ":%d", np);
        if (pos < n)
            pos += (size_t)snprintf(buf + pos, n - pos, "/%s", str_or(p, "protocol", "TCP"));
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void selector_string(struct json_object *map, char *buf, size_t n)
{
    const char *keys[64];
    size_t k = 0, i, pos = 0;

    snprintf(buf, n, "<none>");
    if (!map || !json_object_is_type(map, json_type_object))
        return;
    json_object_object_foreach(map, key, val) {
        (void)val;
        if (k < sizeof(keys) / sizeof(keys[0]))
            keys[k++] = key;
    }
    qsort(keys, k, sizeof(keys[0]), cmp_str);
    for (i = 0; i < k && pos < n; i++)
        pos += (size_t)snprintf(buf + pos, n - pos, "%s%s=%s", i ? "," : "", keys[i],
                                str_or(map, keys[i], ""));
}

static void service_row(struct json_object *obj, struct json_object *cells)
{
    const char *ip = str_or(obj, "spec.clusterIP", "");
    char buf[1024];

    table_cell_str(cells, meta_str(obj, "name"));
    table_cell_str(cells, str_or(obj, "spec.type", "ClusterIP"));
    table_cell_str(cells, *ip ? ip : NULL);
    external_ip(obj, buf, sizeof(buf));
    table_cell_str(cells, buf);
    port_string(obj, buf, sizeof(buf));
    table_cell_str(cells, buf);
    table_cell_age(cells, obj);
    selector_string(obj_get(obj, "spec.selector"), buf, sizeof(buf));
    table_cell_str(cells, buf);
}

static int service_field(struct json_object *obj, const char *field, char *buf, size_t n)
{
    if (strcmp(field, "spec.clusterIP") != 0 && strcmp(field, "spec.type") != 0)
        return -1;
    snprintf(buf, n, "%s", str_or(obj, field, ""));
    return 0;
}

const char *const service_fields[] = {"spec.clusterIP", "spec.type", NULL};

const struct table_column service_columns[] = {
    {"Name", "string", "name", "Name must be unique within a namespace.", 0},
    {"Type", "string", "", "type determines how the Service is exposed.", 0},
    {"Cluster-IP", "string", "", "clusterIP is the IP address of the service.", 0},
    {"External-IP", "string", "",
     "externalIPs is a list of IP addresses for which nodes in the "
     "cluster will also accept traffic for this service.",
     0},
    {"Port(s)", "string", "", "The list of ports that are exposed by this service.", 0},
    {"Age", "string", "",
     "CreationTimestamp is a timestamp representing the server time when "
     "this object was created.",
     0},
    {"Selector", "string", "",
     "Route service traffic to pods with label keys and values "
     "matching this selector.",
     1},
    {0},
};

const struct strategy service_strategy = {
    .defaults = service_defaults,
    .prepare_create = service_prepare_create,
    .prepare_update = service_prepare_update,
    .validate_create = service_validate_create,
    .validate_update = service_validate_update,
    .admit = service_admit,
    .unadmit = service_unadmit,
    .table_row = service_row,
    .field_value = service_field,
};
