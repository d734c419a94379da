/* core/v1 endpoints, and the `kubernetes` Service and Endpoints in `default` (kube's bootstrap
 * controller), with the service allocator's installation in the kube API server. */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "generic/apis/meta.h"
#include "generic/apis/xalloc.h"
#include "generic/endpoints/table.h"
#include "generic/registry/store.h"
#include "generic/server/health.h"
#include "generic/server/server.h"
#include "kubeapi/kubeapi.h"
#include "kubeapi/kubeapi_internal.h"
#include "kubeapi/service_alloc.h"
#include "kubeapi/services_internal.h"

#define ENDPOINTS_SHOWN 3 /* kube's formatEndpoints shows three, then "+ N more..." */

static void endpoints_defaults(struct json_object *obj)
{
    struct json_object *subsets = obj_get(obj, "subsets");
    size_t i, j;

    for (i = 0; i < svc_arr_len(subsets); i++) {
        struct json_object *ports = obj_get(json_object_array_get_idx(subsets, i), "ports");

        for (j = 0; j < svc_arr_len(ports); j++) {
            struct json_object *p = json_object_array_get_idx(ports, j);

            if (json_object_is_type(p, json_type_object) && !obj_get_str(p, "protocol"))
                obj_set_str(p, "protocol", "TCP");
        }
    }
}

static int endpoints_validate_subset(struct json_object *ss, size_t i, struct apierr *err)
{
    struct json_object *addrs = obj_get(ss, "addresses"), *ports = obj_get(ss, "ports");
    char field[80];
    size_t j;
    int rc = 0;

    for (j = 0; j < svc_arr_len(addrs); j++) {
        const char *ip = obj_get_str(json_object_array_get_idx(addrs, j), "ip");

        snprintf(field, sizeof(field), "subsets[%zu].addresses[%zu].ip", i, j);
        if (!svc_ip_kind(ip))
            rc = validation_invalid(err, field, ip ? ip : "",
                                    "must be a valid IP address, (e.g. 10.9.8.7 or "
                                    "2001:db8::ffff)");
    }
    for (j = 0; j < svc_arr_len(ports); j++) {
        int port = svc_int_at(json_object_array_get_idx(ports, j), "port");

        snprintf(field, sizeof(field), "subsets[%zu].ports[%zu].port", i, j);
        if (port < 1 || port > 65535)
            rc = validation_invalid_int(err, field, port, "must be between 1 and 65535, inclusive");
    }
    return rc;
}

static int endpoints_validate(struct json_object *obj, struct apierr *err)
{
    struct json_object *subsets = obj_get(obj, "subsets");
    size_t i;
    int rc = 0;

    for (i = 0; i < svc_arr_len(subsets); i++) {
        if (endpoints_validate_subset(json_object_array_get_idx(subsets, i), i, err) < 0)
            rc = -1;
    }
    return rc;
}

static int endpoints_validate_update(struct json_object *obj, struct json_object *old,
                                     struct apierr *err)
{
    (void)old;
    return endpoints_validate(obj, err);
}

/* Appends one "ip:port" (or the bare ip) to buf unless ENDPOINTS_SHOWN are there. */
static void add_endpoint(char *buf, size_t n, unsigned *shown, const char *ip, int port)
{
    size_t pos = strlen(buf);

    if (*shown >= ENDPOINTS_SHOWN || pos >= n)
        return;
    if (port && strchr(ip, ':'))
        snprintf(buf + pos, n - pos, "%s[%s]:%d", *shown ? "," : "", ip, port);
    else if (port)
        snprintf(buf + pos, n - pos, "%s%s:%d", *shown ? "," : "", ip, port);
    else
        snprintf(buf + pos, n - pos, "%s%s", *shown ? "," : "", ip);
    (*shown)++;
}

/* kube's formatEndpoints: every address with every port of each subset. */
static void endpoints_string(struct json_object *obj, char *buf, size_t n)
{
    struct json_object *subsets = obj_get(obj, "subsets");
    unsigned shown = 0, count = 0;
    size_t i, j, k;

    buf[0] = '\0';
    for (i = 0; i < svc_arr_len(subsets); i++) {
        struct json_object *ss = json_object_array_get_idx(subsets, i);
        struct json_object *addrs = obj_get(ss, "addresses"), *ports = obj_get(ss, "ports");
        size_t np = svc_arr_len(ports) ? svc_arr_len(ports) : 1;

        for (j = 0; j < np; j++) {
            int port =
                svc_arr_len(ports) ? svc_int_at(json_object_array_get_idx(ports, j), "port") : 0;

            for (k = 0; k < svc_arr_len(addrs); k++, count++) {
                const char *ip = obj_get_str(json_object_array_get_idx(addrs, k), "ip");

                add_endpoint(buf, n, &shown, ip ? ip : "", port);
            }
        }
    }
    if (count > shown)
        snprintf(buf + strlen(buf), n - strlen(buf), " + %u more...", count - shown);
    if (!buf[0])
        snprintf(buf, n, "<none>");
}

static void endpoints_row(struct json_object *obj, struct json_object *cells)
{
    char buf[512];

    table_cell_str(cells, meta_str(obj, "name"));
    endpoints_string(obj, buf, sizeof(buf));
    table_cell_str(cells, buf);
    table_cell_age(cells, obj);
}

const struct table_column endpoints_columns[] = {
    {"Name", "string", "name", KUBE_NAME_DESC, 0},
    {"Endpoints", "string", "", "The set of all endpoints is the union of all subsets.", 0},
    {"Age", "string", "", KUBE_AGE_DESC, 0},
    {0},
};

const struct strategy endpoints_strategy = {
    .defaults = endpoints_defaults,
    .validate_create = endpoints_validate,
    .validate_update = endpoints_validate_update,
    .table_row = endpoints_row,
};

/* --- the kubernetes service --- */

/* Replaces one top-level field of the stored object (a mutate function for registry_update). */
struct set_field {
    const char *key;
    struct json_object *val;
};

static int set_field(void *arg, struct json_object *cur, struct json_object **obj,
                     struct apierr *err)
{
    const struct set_field *f = arg;
    struct json_object *copy = NULL;

    (void)err;
    json_object_deep_copy(cur, &copy, NULL);
    obj_set(copy, f->key, json_object_get(f->val));
    *obj = copy;
    return 0;
}

/* Creates obj in default, or brings path of the existing one in line with obj's. */
static int ensure(struct storage *st, const char *plural, struct json_object *obj, const char *path,
                  struct apierr *err)
{
    struct registry rg = {st, &kube_core_v1, resource_find(&kube_core_v1, plural)};
    struct registry_write w = {.ns = "default"};
    struct set_field f = {path, obj_get(obj, path)};
    struct storage_obj out = {0};
    int rc;

    rc = registry_create(&rg, &w, obj, &out, err);
    storage_obj_release(&out);
    if (rc == 0 || err->reason != APIERR_ALREADY_EXISTS)
        return rc;
    memset(err, 0, sizeof(*err));
    rc = registry_update(&rg, &w, meta_str(obj, "name"), "", set_field, &f, &out, err);
    storage_obj_release(&out);
    return rc;
}

/* The address the kubernetes Endpoints point at: advertise, or the host's first non-loopback
 * IPv4 address when it is unset or unspecified. */
static void advertise_address(const char *advertise, char out[INET_ADDRSTRLEN])
{
    struct ifaddrs *ifs = NULL, *i;

    snprintf(out, INET_ADDRSTRLEN, "%s", advertise && *advertise ? advertise : "0.0.0.0");
    if (strcmp(out, "0.0.0.0") != 0 || getifaddrs(&ifs) < 0)
        return;
    for (i = ifs; i; i = i->ifa_next) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)i->ifa_addr;

        if (sin && sin->sin_family == AF_INET && (ntohl(sin->sin_addr.s_addr) >> 24) != 127) {
            inet_ntop(AF_INET, &sin->sin_addr, out, INET_ADDRSTRLEN);
            break;
        }
    }
    freeifaddrs(ifs);
    if (strcmp(out, "0.0.0.0") == 0)
        snprintf(out, INET_ADDRSTRLEN, "127.0.0.1");
}

static struct json_object *kubernetes_service(const char *ip, int port)
{
    char body[1024];

    snprintf(body, sizeof(body),
             "{\"metadata\":{\"name\":\"kubernetes\",\"labels\":{\"component\":\"apiserver\","
             "\"provider\":\"kubernetes\"}},\"spec\":{\"type\":\"ClusterIP\",\"clusterIP\":"
             "\"%s\",\"clusterIPs\":[\"%s\"],\"sessionAffinity\":\"None\",\"ports\":[{"
             "\"name\":\"https\",\"port\":443,\"protocol\":\"TCP\",\"targetPort\":%d}]}}",
             ip, ip, port);
    return json_tokener_parse(body);
}

static struct json_object *kubernetes_endpoints(const char *ip, int port)
{
    char body[1024];

    snprintf(body, sizeof(body),
             "{\"metadata\":{\"name\":\"kubernetes\",\"labels\":{"
             "\"endpointslice.kubernetes.io/skip-mirror\":\"true\"}},\"subsets\":[{\"addresses\":"
             "[{\"ip\":\"%s\"}],\"ports\":[{\"name\":\"https\",\"port\":%d,\"protocol\":"
             "\"TCP\"}]}]}",
             ip, port);
    return json_tokener_parse(body);
}

static int ensure_default_namespace(struct storage *st, struct apierr *err)
{
    struct registry rg = {st, &kube_core_v1, resource_find(&kube_core_v1, "namespaces")};
    struct registry_write w = {.ns = ""};
    struct json_object *ns = json_tokener_parse("{\"metadata\":{\"name\":\"default\"}}");
    struct storage_obj out = {0};
    int rc = registry_create(&rg, &w, ns, &out, err);

    storage_obj_release(&out);
    json_object_put(ns);
    if (rc < 0 && err->reason == APIERR_ALREADY_EXISTS) {
        memset(err, 0, sizeof(*err));
        rc = 0;
    }
    return rc;
}

int kube_bootstrap_services(struct storage *st, const char *service_cidr, int secure_port,
                            const char *advertise_ip, struct apierr *err)
{
    struct svc_alloc *a = svc_alloc_new(service_cidr, NULL, err);
    struct json_object *svc, *ep;
    char first[16], addr[INET_ADDRSTRLEN];
    int rc;

    if (!a)
        return -1;
    svc_alloc_first_ip(a, first);
    svc_alloc_free(a);
    advertise_address(advertise_ip, addr);
    /* flushed: creating in a namespace checks it among committed objects */
    if (ensure_default_namespace(st, err) < 0 || storage_flush(st, err) < 0)
        return -1;
    svc = kubernetes_service(first, secure_port > 0 ? secure_port : 6443);
    ep = kubernetes_endpoints(addr, secure_port > 0 ? secure_port : 6443);
    rc = ensure(st, "services", svc, "spec.ports", err);
    if (rc == 0)
        rc = ensure(st, "endpoints", ep, "subsets", err);
    json_object_put(svc);
    json_object_put(ep);
    return rc;
}

/* What the bootstrap-controller post-start hook needs; adopted by the server. */
struct bootstrap {
    struct storage *st;
    char cidr[48], advertise[64];
    int port;
};

static void bootstrap_hook(void *arg)
{
    struct bootstrap *b = arg;
    struct apierr err = {0};

    if (kube_bootstrap_services(b->st, b->cidr, b->port, b->advertise, &err) < 0 ||
        storage_flush(b->st, &err) < 0)
        fprintf(stderr, "kube-apiserver: cannot create the kubernetes service: %s\n", err.message);
}

/* A copy of core/v1 whose services strategy carries a (the store frees a when it closes; the
 * copies are the server's to free). */
static struct group_version *with_allocator(struct server *s, struct svc_alloc *a)
{
    struct group_version *gv = xmalloc(sizeof(*gv));
    struct strategy *strat = xmalloc(sizeof(*strat));
    struct resource *res;
    size_t n = 0, i;

    while (kube_core_v1.resources[n].plural)
        n++;
    res = xcalloc(n + 1, sizeof(*res));
    memcpy(res, kube_core_v1.resources, n * sizeof(*res));
    *strat = service_strategy;
    strat->state = a;
    for (i = 0; i < n; i++) {
        if (res[i].strategy == &service_strategy)
            res[i].strategy = strat;
    }
    *gv = kube_core_v1;
    gv->resources = res;
    server_adopt(s, res);
    server_adopt(s, strat);
    return gv;
}

const struct group_version *kube_services_install(struct server *s, const struct kubeapi_options *o,
                                                  struct apierr *err)
{
    struct storage *st = server_storage(s);
    struct group_version *gv;
    struct bootstrap *b;
    struct svc_alloc *a;

    if (!st)
        return &kube_core_v1;
    a = svc_alloc_new(o ? o->service_cluster_ip_range : NULL, o ? o->service_node_port_range : NULL,
                      err);
    if (!a || svc_alloc_attach(a, st, err) < 0) {
        svc_alloc_free(a);
        return NULL;
    }
    gv = with_allocator(s, a);
    server_adopt(s, gv);
    b = xcalloc(1, sizeof(*b));
    b->st = st;
    snprintf(b->cidr, sizeof(b->cidr), "%s", svc_alloc_cidr(a));
    snprintf(b->advertise, sizeof(b->advertise), "%s",
             o && o->advertise_address ? o->advertise_address : "");
    b->port = o && o->secure_port > 0 ? o->secure_port : 6443;
    server_adopt(s, b);
    server_add_poststart_hook(s, "bootstrap-controller", bootstrap_hook, b);
    return gv;
}
