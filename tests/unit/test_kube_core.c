/* kubeapi/ core/v1 services and their allocators: defaults, validation with kube's exact causes,
 * the cluster IP and node port allocators alone and through the generic store (two creates in
 * one turn, release after a durable delete, a restart), and the kubernetes service. The other
 * core resources are in test_kube_core_config.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <event2/event.h>
#include <json-c/json.h>

#include "generic/apis/meta.h"
#include "generic/endpoints/table.h"
#include "generic/registry/store.h"
#include "generic/storage/storage.h"
#include "kubeapi/kubeapi_internal.h"
#include "kubeapi/service_alloc.h"
#include "tests/unit/strategy_check.h"

static const struct strategy *strategy_of(const char *plural)
{
    const struct resource *r = resource_find(&kube_core_v1, plural);

    ck_assert_ptr_nonnull(r);
    return r->strategy;
}

/* Defaults and validates body as a create of plural; returns the object (caller puts it). */
static struct json_object *create_check(const char *plural, const char *body, struct apierr *err)
{
    return strategy_create_check(strategy_of(plural), body, err);
}

/* --- services: defaults --- */

START_TEST(service_defaults)
{
    struct apierr err = {0};
    struct json_object *o =
        create_check("services",
                     "{\"metadata\":{\"name\":\"web\"},\"spec\":{\"selector\":{\"app\":\"web\"},"
                     "\"ports\":[{\"port\":80}]}}",
                     &err);

    ck_assert_int_eq(err.reason, APIERR_OK);
    ck_assert_str_eq(obj_get_str(o, "spec.type"), "ClusterIP");
    ck_assert_str_eq(obj_get_str(o, "spec.sessionAffinity"), "None");
    ck_assert_str_eq(obj_get_str(o, "spec.ipFamilyPolicy"), "SingleStack");
    ck_assert_str_eq(obj_get_str(o, "spec.internalTrafficPolicy"), "Cluster");
    ck_assert_str_eq(json_object_to_json_string(obj_get(o, "spec.ipFamilies")), "[ \"IPv4\" ]");
    ck_assert_str_eq(json_object_to_json_string(obj_get(o, "spec.ports")),
                     "[ { \"port\": 80, \"protocol\": \"TCP\", \"targetPort\": 80 } ]");
    ck_assert_ptr_null(obj_get(o, "spec.externalTrafficPolicy"));
    json_object_put(o);
}
END_TEST

START_TEST(service_defaults_nodeport)
{
    struct apierr err = {0};
    struct json_object *o =
        create_check("services",
                     "{\"metadata\":{\"name\":\"web\"},\"spec\":{\"type\":\"LoadBalancer\","
                     "\"sessionAffinity\":\"ClientIP\",\"ports\":[{\"port\":80,\"targetPort\":"
                     "\"http\"}]}}",
                     &err);

    ck_assert_int_eq(err.reason, APIERR_OK);
    ck_assert_str_eq(obj_get_str(o, "spec.externalTrafficPolicy"), "Cluster");
    ck_assert(json_object_get_boolean(obj_get(o, "spec.allocateLoadBalancerNodePorts")));
    ck_assert_int_eq(
        json_object_get_int(obj_get(o, "spec.sessionAffinityConfig.clientIP.timeoutSeconds")),
        10800);
    ck_assert_str_eq(
        obj_get_str(json_object_array_get_idx(obj_get(o, "spec.ports"), 0), "targetPort"), "http");
    json_object_put(o);
}
END_TEST

START_TEST(service_defaults_headless)
{
    struct apierr err = {0};
    struct json_object *o = create_check(
        "services", "{\"metadata\":{\"name\":\"db\"},\"spec\":{\"clusterIP\":\"None\"}}", &err);

    ck_assert_int_eq(err.reason, APIERR_OK);
    ck_assert_str_eq(json_object_to_json_string(obj_get(o, "spec.clusterIPs")), "[ \"None\" ]");
    ck_assert_str_eq(obj_get_str(o, "spec.ipFamilyPolicy"), "RequireDualStack");
    json_object_put(o);
}
END_TEST

/* --- services: validation --- */

static const struct {
    const char *spec, *want;
} svc_cases[] = {
    {"{\"ports\":[{\"port\":80}]}", ""},
    {"{}", "spec.ports: Required value"},
    {"{\"ports\":[{\"port\":0}]}",
     "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive"},
    {"{\"ports\":[{\"port\":80,\"protocol\":\"HTTP\"}]}",
     "spec.ports[0].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", "
     "\"UDP\""},
    {"{\"type\":\"Foo\",\"ports\":[{\"port\":80}]}",
     "spec.type: Unsupported value: \"Foo\": supported values: \"ClusterIP\", \"ExternalName\", "
     "\"LoadBalancer\", \"NodePort\""},
    {"{\"ports\":[{\"port\":80},{\"port\":81}]}", "spec.ports[0].name: Required value"},
    {"{\"ports\":[{\"name\":\"a\",\"port\":80},{\"name\":\"a\",\"port\":81}]}",
     "spec.ports[1].name: Duplicate value: \"a\""},
    {"{\"ports\":[{\"name\":\"a\",\"port\":80},{\"name\":\"b\",\"port\":80}]}",
     "spec.ports[1]: Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\", "
     "AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, "
     "StrVal:\"\"}, NodePort:0}"},
    {"{\"ports\":[{\"port\":80,\"nodePort\":30080}]}",
     "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"},
    {"{\"clusterIP\":\"10.0.0.300\",\"ports\":[{\"port\":80}]}",
     "spec.clusterIPs[0]: Invalid value: \"10.0.0.300\": must be a valid IP address, (e.g. "
     "10.9.8.7 or 2001:db8::ffff)"},
    {"{\"type\":\"NodePort\",\"clusterIP\":\"None\",\"ports\":[{\"port\":80}]}",
     "spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort "
     "services"},
    {"{\"type\":\"ExternalName\"}", "spec.externalName: Required value"},
    {"{\"ports\":[{\"port\":80,\"targetPort\":\"Web_1\"}]}",
     "spec.ports[0].targetPort: Invalid value: \"Web_1\": must contain only alpha-numeric "
     "characters (a-z, 0-9), and hyphens (-)"},
    {"{\"externalIPs\":[\"127.0.0.1\"],\"ports\":[{\"port\":80}]}",
     "spec.externalIPs[0]: Invalid value: \"127.0.0.1\": may not be in the loopback range "
     "(127.0.0.0/8, ::1/128)"},
    {"{\"ipFamilyPolicy\":\"RequireDualStack\",\"ports\":[{\"port\":80}]}",
     "spec.ipFamilyPolicy: Invalid value: \"RequireDualStack\": this cluster is not configured "
     "for dual-stack services"},
    {"{\"sessionAffinity\":\"Sticky\",\"ports\":[{\"port\":80}]}",
     "spec.sessionAffinity: Unsupported value: \"Sticky\": supported values: \"ClientIP\", "
     "\"None\""},
};

START_TEST(service_validate)
{
    struct apierr err = {0};
    char body[512], got[700];
    struct json_object *o;

    snprintf(body, sizeof(body), "{\"metadata\":{\"name\":\"s\"},\"spec\":%s}", svc_cases[_i].spec);
    o = create_check("services", body, &err);
    ck_assert_str_eq(first_problem(&err, got, sizeof(got)), svc_cases[_i].want);
    json_object_put(o);
}
END_TEST

/* --- the allocators --- */

START_TEST(alloc_ranges)
{
    struct apierr err = {0};
    struct svc_alloc *a = svc_alloc_new("10.0.0.7/24", "30000-32767", &err);
    char ip[16], msg[200];

    ck_assert_ptr_nonnull(a);
    ck_assert_str_eq(svc_alloc_cidr(a), "10.0.0.0/24");
    svc_alloc_first_ip(a, ip);
    ck_assert_str_eq(ip, "10.0.0.1");
    ck_assert_int_eq(svc_ip_free_count(a), 253); /* .1 kept, .0 and .255 not addresses */
    ck_assert_int_eq(svc_ip_allocate(a, "10.0.0.0"), SVC_ALLOC_NOT_IN_RANGE);
    ck_assert_int_eq(svc_ip_allocate(a, "10.0.0.255"), SVC_ALLOC_NOT_IN_RANGE);
    ck_assert_str_eq(svc_ip_message(a, SVC_ALLOC_NOT_IN_RANGE, "192.168.1.1", msg, sizeof(msg)),
                     "the provided IP (192.168.1.1) is not in the valid range. The range of valid "
                     "IPs is 10.0.0.0/24");
    ck_assert_str_eq(svc_port_message(a, SVC_ALLOC_NOT_IN_RANGE, msg, sizeof(msg)),
                     "provided port is not in the valid range. The range of valid ports is "
                     "30000-32767");
    ck_assert_int_eq(svc_port_allocate(a, 80), SVC_ALLOC_NOT_IN_RANGE);
    svc_alloc_free(a);
    ck_assert_ptr_null(svc_alloc_new("10.0.0.0/33", NULL, &err));
    ck_assert_int_eq(err.reason, APIERR_BAD_REQUEST);
    ck_assert_ptr_null(svc_alloc_new(NULL, "3-2", &err));
    a = svc_alloc_new(NULL, "30000+10", &err);
    ck_assert_str_eq(svc_alloc_port_range(a), "30000-30010");
    svc_alloc_free(a);
}
END_TEST

START_TEST(alloc_ip_exhaustion_and_reuse)
{
    struct apierr err = {0};
    struct svc_alloc *a = svc_alloc_new("10.1.0.0/29", NULL, &err);
    char ip[16], seen[8][16];
    int i, j;

    ck_assert_ptr_nonnull(a);
    for (i = 0; i < 5; i++) { /* .2 to .6: .1 is the kubernetes service's */
        ck_assert_int_eq(svc_ip_next(a, seen[i]), SVC_ALLOC_OK);
        ck_assert_str_ne(seen[i], "10.1.0.1");
        for (j = 0; j < i; j++)
            ck_assert_str_ne(seen[i], seen[j]);
    }
    ck_assert_int_eq(svc_ip_next(a, ip), SVC_ALLOC_FULL);
    ck_assert_int_eq(svc_ip_allocate(a, seen[2]), SVC_ALLOC_TAKEN);
    svc_ip_release(a, seen[2]);
    ck_assert_int_eq(svc_ip_next(a, ip), SVC_ALLOC_OK);
    ck_assert_str_eq(ip, seen[2]);
    ck_assert_int_eq(svc_ip_allocate(a, "10.1.0.1"), SVC_ALLOC_OK); /* asked for: fine */
    svc_alloc_free(a);
}
END_TEST

START_TEST(alloc_port_exhaustion_and_reuse)
{
    struct apierr err = {0};
    struct svc_alloc *a = svc_alloc_new(NULL, "30000-30003", &err);
    int p, i, got[4] = {0};

    for (i = 0; i < 4; i++) {
        ck_assert_int_eq(svc_port_next(a, &p), SVC_ALLOC_OK);
        ck_assert(p >= 30000 && p <= 30003);
        ck_assert_int_eq(got[p - 30000]++, 0);
    }
    ck_assert_int_eq(svc_port_next(a, &p), SVC_ALLOC_FULL);
    ck_assert_int_eq(svc_port_allocate(a, 30001), SVC_ALLOC_TAKEN);
    svc_port_release(a, 30001);
    ck_assert_int_eq(svc_port_free_count(a), 1);
    ck_assert_int_eq(svc_port_next(a, &p), SVC_ALLOC_OK);
    ck_assert_int_eq(p, 30001);
    svc_alloc_free(a);
}
END_TEST

/* The strategy's admit with an allocator, as the store calls it. */
static int admit(struct svc_alloc *a, struct json_object *obj, struct json_object *old,
                 struct apierr *err)
{
    return strategy_of("services")->admit(a, obj, old, err);
}

START_TEST(admit_cluster_ips_and_node_ports)
{
    struct apierr err = {0};
    struct svc_alloc *a = svc_alloc_new(NULL, NULL, &err);
    struct json_object *s1 =
        create_check("services",
                     "{\"metadata\":{\"name\":\"a\"},\"spec\":{\"type\":\"NodePort\",\"ports\":["
                     "{\"name\":\"t\",\"port\":53},{\"name\":\"u\",\"port\":53,\"protocol\":"
                     "\"UDP\"}]}}",
                     &err);
    struct json_object *s2 =
        create_check("services",
                     "{\"metadata\":{\"name\":\"b\"},\"spec\":{\"clusterIP\":\"10.0.0.5\","
                     "\"ports\":[{\"port\":80}]}}",
                     &err);
    struct json_object *p0, *p1;

    ck_assert_int_eq(admit(a, s1, NULL, &err), 0);
    ck_assert_ptr_nonnull(obj_get_str(s1, "spec.clusterIP"));
    ck_assert_str_eq(
        json_object_get_string(json_object_array_get_idx(obj_get(s1, "spec.clusterIPs"), 0)),
        obj_get_str(s1, "spec.clusterIP"));
    p0 = json_object_array_get_idx(obj_get(s1, "spec.ports"), 0);
    p1 = json_object_array_get_idx(obj_get(s1, "spec.ports"), 1);
    ck_assert_int_ge(json_object_get_int(obj_get(p0, "nodePort")), 30000);
    ck_assert_int_le(json_object_get_int(obj_get(p0, "nodePort")), 32767);
    ck_assert_int_eq(json_object_get_int(obj_get(p0, "nodePort")),
                     json_object_get_int(obj_get(p1, "nodePort"))); /* TCP and UDP share it */
    ck_assert_int_eq(admit(a, s2, NULL, &err), 0);
    ck_assert(svc_ip_allocated(a, "10.0.0.5"));
    json_object_put(s2);
    s2 = create_check("services",
                      "{\"metadata\":{\"name\":\"c\"},\"spec\":{\"clusterIP\":\"10.0.0.5\","
                      "\"ports\":[{\"port\":80}]}}",
                      &err);
    ck_assert_int_eq(admit(a, s2, NULL, &err), -1);
    ck_assert_str_eq(err.causes[0].field, "spec.clusterIPs");
    ck_assert_str_eq(err.causes[0].message, "Invalid value: []string{\"10.0.0.5\"}: failed to "
                                            "allocate IP 10.0.0.5: provided IP is already "
                                            "allocated");
    json_object_put(s1);
    json_object_put(s2);
    svc_alloc_free(a);
}
END_TEST

START_TEST(admit_rolls_back)
{
    struct apierr err = {0};
    struct svc_alloc *a = svc_alloc_new(NULL, NULL, &err);
    unsigned ips = svc_ip_free_count(a);
    struct json_object *s;

    ck_assert_int_eq(svc_port_allocate(a, 30080), SVC_ALLOC_OK);
    s = create_check("services",
                     "{\"metadata\":{\"name\":\"a\"},\"spec\":{\"type\":\"NodePort\",\"ports\":["
                     "{\"port\":80,\"nodePort\":30080}]}}",
                     &err);
    ck_assert_int_eq(admit(a, s, NULL, &err), -1);
    ck_assert_str_eq(err.causes[0].field, "spec.ports[0].nodePort");
    ck_assert_str_eq(err.causes[0].message,
                     "Invalid value: 30080: provided port is already allocated");
    ck_assert_int_eq(svc_ip_free_count(a), ips); /* the IP it got first went back */
    ck_assert(svc_port_allocated(a, 30080));     /* and the other service keeps its port */
    json_object_put(s);
    memset(&err, 0, sizeof(err));
    s = create_check("services",
                     "{\"metadata\":{\"name\":\"a\"},\"spec\":{\"clusterIP\":\"192.168.1.1\","
                     "\"ports\":[{\"port\":80}]}}",
                     &err);
    ck_assert_int_eq(admit(a, s, NULL, &err), -1);
    ck_assert_str_eq(err.causes[0].message,
                     "Invalid value: []string{\"192.168.1.1\"}: failed to allocate IP "
                     "192.168.1.1: the provided IP (192.168.1.1) is not in the valid range. The "
                     "range of valid IPs is 10.0.0.0/24");
    json_object_put(s);
    svc_alloc_free(a);
}
END_TEST

START_TEST(admit_type_change)
{
    struct apierr err = {0};
    struct svc_alloc *a = svc_alloc_new(NULL, NULL, &err);
    const struct strategy *st = strategy_of("services");
    struct json_object *old = create_check(
        "services", "{\"metadata\":{\"name\":\"a\"},\"spec\":{\"ports\":[{\"port\":80}]}}", &err);
    struct json_object *obj = NULL;
    unsigned ports = svc_port_free_count(a);

    ck_assert_int_eq(admit(a, old, NULL, &err), 0);
    json_object_deep_copy(old, &obj, NULL);
    obj_set_str(obj, "spec.type", "NodePort");
    obj_del(obj, "spec.clusterIP"); /* a PUT that leaves the allocated IP out keeps it */
    st->prepare_update(obj, old);
    st->defaults(obj);
    ck_assert_int_eq(st->validate_update(obj, old, &err), 0);
    ck_assert_int_eq(admit(a, obj, old, &err), 0);
    ck_assert_str_eq(obj_get_str(obj, "spec.clusterIP"), obj_get_str(old, "spec.clusterIP"));
    ck_assert_int_eq(svc_port_free_count(a), ports - 1);
    st->unadmit(a, obj, old); /* the write did not happen: the port goes back, the IP stays */
    ck_assert_int_eq(svc_port_free_count(a), ports);
    ck_assert(svc_ip_allocated(a, obj_get_str(old, "spec.clusterIP")));
    obj_set_str(obj, "spec.clusterIP", "10.0.0.99");
    obj_set(obj, "spec.clusterIPs", json_tokener_parse("[\"10.0.0.99\"]"));
    ck_assert_int_eq(st->validate_update(obj, old, &err), -1);
    ck_assert_str_eq(err.causes[0].message,
                     "Invalid value: []string{\"10.0.0.99\"}: may not change once set");
    json_object_put(obj);
    json_object_put(old);
    svc_alloc_free(a);
}
END_TEST

/* --- the allocator through the store, across a restart --- */

static struct event_base *base;
static struct storage *store;
static char dir[64];

static void open_store(void)
{
    struct storage_config sc = {.data_dir = dir};
    struct apierr err = {0};

    store = storage_open(base, &sc, &err);
    ck_assert_msg(store != NULL, "%s", err.message);
}

static void store_setup(void)
{
    struct registry rg = {.gv = &kube_core_v1, .r = resource_find(&kube_core_v1, "namespaces")};
    struct registry_write w = {.ns = ""};
    struct json_object *ns = json_tokener_parse("{\"metadata\":{\"name\":\"default\"}}");
    struct storage_obj out = {0};
    struct apierr err = {0};

    snprintf(dir, sizeof(dir), "/tmp/test_kube_core.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    base = event_base_new();
    open_store();
    rg.st = store;
    ck_assert_int_eq(registry_create(&rg, &w, ns, &out, &err), 0);
    storage_obj_release(&out);
    json_object_put(ns);
    ck_assert_int_eq(storage_flush(store, &err), 0);
}

static void store_teardown(void)
{
    char cmd[128];

    storage_free(store);
    event_base_free(base);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* Flushes the store and lets its events reach the allocator. */
static void settle(void)
{
    struct apierr err = {0};
    int i;

    ck_assert_int_eq(storage_flush(store, &err), 0);
    for (i = 0; i < 5; i++)
        event_base_loop(base, EVLOOP_NONBLOCK);
}

/* A services resource whose strategy carries a, as kube_services_install makes it. */
struct svc_registry {
    struct strategy strat;
    struct resource res;
    struct registry rg;
};

static void svc_registry_init(struct svc_registry *s, struct svc_alloc *a)
{
    s->strat = *strategy_of("services");
    s->strat.state = a;
    s->res = *resource_find(&kube_core_v1, "services");
    s->res.strategy = &s->strat;
    s->rg = (struct registry){.st = store, .gv = &kube_core_v1, .r = &s->res};
}

static char *create_svc(struct svc_registry *s, const char *name, bool dry_run)
{
    struct registry_write w = {.ns = "default", .dry_run = dry_run};
    struct storage_obj out = {0};
    struct apierr err = {0};
    char body[256];
    struct json_object *obj, *stored;
    char *ip;

    snprintf(body, sizeof(body),
             "{\"metadata\":{\"name\":\"%s\"},\"spec\":{\"ports\":[{\"port\""
             ":80}]}}",
             name);
    obj = json_tokener_parse(body);
    ck_assert_msg(registry_create(&s->rg, &w, obj, &out, &err) == 0, "%s", err.message);
    stored = json_tokener_parse(out.value);
    ip = strdup(obj_get_str(stored, "spec.clusterIP"));
    json_object_put(stored);
    json_object_put(obj);
    storage_obj_release(&out);
    return ip;
}

START_TEST(store_allocations_survive_restart)
{
    struct svc_registry s;
    struct apierr err = {0};
    struct svc_alloc *a = svc_alloc_new(NULL, NULL, &err);
    struct registry_write w = {.ns = "default"};
    struct storage_obj out = {0};
    char *ip1, *ip2, *ip3, *dry;
    unsigned free_before;
    bool deleted;

    ck_assert_int_eq(svc_alloc_attach(a, store, &err), 0);
    svc_registry_init(&s, a);
    free_before = svc_ip_free_count(a);
    ip1 = create_svc(&s, "one", false); /* two creates in one turn, before any commit */
    ip2 = create_svc(&s, "two", false);
    ck_assert_str_ne(ip1, ip2);
    dry = create_svc(&s, "three", true);
    ck_assert_int_eq(svc_ip_free_count(a), free_before - 2); /* a dry run keeps nothing */
    free(dry);
    settle();
    ck_assert_int_eq(registry_delete(&s.rg, &w, "one", NULL, &out, &deleted, &err), 0);
    storage_obj_release(&out);
    ck_assert(svc_ip_allocated(a, ip1)); /* released only once the delete is durable */
    settle();
    ck_assert(!svc_ip_allocated(a, ip1));
    storage_free(store); /* a restart: the store frees the attached allocator */
    open_store();
    a = svc_alloc_new(NULL, NULL, &err);
    ck_assert_int_eq(svc_alloc_attach(a, store, &err), 0);
    ck_assert(svc_ip_allocated(a, ip2));
    ck_assert(!svc_ip_allocated(a, ip1));
    svc_registry_init(&s, a);
    ip3 = create_svc(&s, "four", false);
    ck_assert_str_ne(ip3, ip2);
    free(ip1);
    free(ip2);
    free(ip3);
}
END_TEST

START_TEST(store_bootstrap_kubernetes_service)
{
    struct apierr err = {0};
    struct storage_obj o = {0};
    struct json_object *svc;

    ck_assert_int_eq(kube_bootstrap_services(store, NULL, 6443, "192.168.0.10", &err), 0);
    ck_assert_int_eq(kube_bootstrap_services(store, NULL, 7443, "192.168.0.10", &err), 0);
    settle();
    ck_assert_int_eq(storage_get(store, "/registry/services/default/kubernetes", NULL, &o, &err),
                     0);
    svc = json_tokener_parse(o.value);
    ck_assert_str_eq(obj_get_str(svc, "spec.clusterIP"), "10.0.0.1");
    ck_assert_int_eq(json_object_get_int(obj_get(
                         json_object_array_get_idx(obj_get(svc, "spec.ports"), 0), "targetPort")),
                     7443);
    json_object_put(svc);
    storage_obj_release(&o);
    ck_assert_int_eq(storage_get(store, "/registry/endpoints/default/kubernetes", NULL, &o, &err),
                     0);
    ck_assert_ptr_nonnull(strstr(o.value, "\"ip\":\"192.168.0.10\""));
    storage_obj_release(&o);
}
END_TEST

static Suite *kube_core_suite(void)
{
    Suite *s = suite_create("kube_core");
    TCase *tc = tcase_create("strategies"), *ts = tcase_create("store");

    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, service_defaults);
    tcase_add_test(tc, service_defaults_nodeport);
    tcase_add_test(tc, service_defaults_headless);
    tcase_add_loop_test(tc, service_validate, 0, sizeof(svc_cases) / sizeof(svc_cases[0]));
    tcase_add_test(tc, alloc_ranges);
    tcase_add_test(tc, alloc_ip_exhaustion_and_reuse);
    tcase_add_test(tc, alloc_port_exhaustion_and_reuse);
    tcase_add_test(tc, admit_cluster_ips_and_node_ports);
    tcase_add_test(tc, admit_rolls_back);
    tcase_add_test(tc, admit_type_change);
    suite_add_tcase(s, tc);
    tcase_set_timeout(ts, 60);
    tcase_add_checked_fixture(ts, store_setup, store_teardown);
    tcase_add_test(ts, store_allocations_survive_restart);
    tcase_add_test(ts, store_bootstrap_kubernetes_service);
    suite_add_tcase(s, ts);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(kube_core_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
