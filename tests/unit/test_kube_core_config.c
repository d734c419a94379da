/* kubeapi/ core/v1 secrets, configmaps, serviceaccounts, nodes, events, limitranges,
 * resourcequotas and volumes, and the table cells of every core resource of test_kube_core.c:
 * defaults and validation with kube's exact causes, rows and selectable fields. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <json-c/json.h>

#include "generic/apis/meta.h"
#include "generic/endpoints/table.h"
#include "kubeapi/kubeapi_internal.h"
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

/* --- secrets and configmaps --- */

static const struct {
    const char *plural, *body, *want;
    enum apierr_reason reason;
} config_cases[] = {
    {"secrets", "{\"data\":{\"a\":\"aGk=\"}}", "", APIERR_OK},
    {"secrets", "{\"data\":{\"a\":\"aGk\"}}",
     "Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 0",
     APIERR_BAD_REQUEST},
    {"secrets", "{\"data\":{\"a\":\"a$Gk\"}}",
     "Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 1",
     APIERR_BAD_REQUEST},
    {"secrets", "{\"data\":{\"a\":1}}",
     "Secret in version \"v1\" cannot be handled as a Secret: json: cannot unmarshal int into Go "
     "struct field Secret.data of type []uint8",
     APIERR_BAD_REQUEST},
    {"secrets", "{\"type\":\"kubernetes.io/tls\",\"data\":{\"tls.key\":\"aGk=\"}}",
     "data[tls.crt]: Required value", APIERR_INVALID},
    {"secrets", "{\"type\":\"kubernetes.io/dockerconfigjson\"}",
     "data[.dockerconfigjson]: Required value", APIERR_INVALID},
    {"secrets", "{\"type\":\"kubernetes.io/basic-auth\"}", "data[username]: Required value",
     APIERR_INVALID},
    {"secrets", "{\"type\":\"kubernetes.io/ssh-auth\"}", "data[ssh-privatekey]: Required value",
     APIERR_INVALID},
    {"secrets", "{\"type\":\"kubernetes.io/service-account-token\"}",
     "metadata.annotations[kubernetes.io/service-account.name]: Required value", APIERR_INVALID},
    {"secrets", "{\"stringData\":{\"bad key\":\"x\"}}",
     "data[bad key]: Invalid value: \"bad key\": a valid config key must consist of alphanumeric "
     "characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used "
     "for validation is '[-._a-zA-Z0-9]+')",
     APIERR_INVALID},
    {"configmaps", "{\"data\":{\"a\":\"1\"},\"binaryData\":{\"b\":\"aGk=\"}}", "", APIERR_OK},
    {"configmaps", "{\"data\":{\"a\":1}}",
     "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal int "
     "into Go struct field ConfigMap.data of type string",
     APIERR_BAD_REQUEST},
    {"configmaps", "{\"data\":{\"a\":\"1\"},\"binaryData\":{\"a\":\"aGk=\"}}",
     "data[a]: Invalid value: \"a\": duplicate of key present in binaryData", APIERR_INVALID},
    {"configmaps", "{\"data\":{\"..\":\"1\"}}", "data[..]: Invalid value: \"..\": must not be '..'",
     APIERR_INVALID},
};

START_TEST(config_validate)
{
    struct apierr err = {0};
    char body[512], got[700];
    struct json_object *o;

    snprintf(body, sizeof(body), "{\"metadata\":{\"name\":\"x\"},%s", config_cases[_i].body + 1);
    o = create_check(config_cases[_i].plural, body, &err);
    ck_assert_str_eq(first_problem(&err, got, sizeof(got)), config_cases[_i].want);
    ck_assert_int_eq(err.reason, config_cases[_i].reason);
    json_object_put(o);
}
END_TEST

START_TEST(secret_string_data)
{
    struct apierr err = {0};
    struct json_object *o =
        create_check("secrets",
                     "{\"metadata\":{\"name\":\"x\"},\"data\":{\"a\":\"eA==\",\"b\":\"eQ=\\n=\"},"
                     "\"stringData\":{\"a\":\"hunter2\"}}",
                     &err);

    ck_assert_int_eq(err.reason, APIERR_OK);
    ck_assert_str_eq(obj_get_str(o, "type"), "Opaque");
    ck_assert_str_eq(obj_get_str(o, "data.a"), "aHVudGVyMg==");
    ck_assert_str_eq(obj_get_str(o, "data.b"), "eQ=="); /* canonical, as kube re-encodes */
    ck_assert_ptr_null(obj_get(o, "stringData"));
    json_object_put(o);
}
END_TEST

static const struct {
    const char *plural, *old, *new_, *want;
} update_cases[] = {
    {"configmaps", "{\"immutable\":true,\"data\":{\"a\":\"1\"}}",
     "{\"immutable\":true,\"data\":{\"a\":\"2\"}}",
     "data: Forbidden: field is immutable when `immutable` is set"},
    {"configmaps", "{\"immutable\":true,\"data\":{\"a\":\"1\"}}", "{\"data\":{\"a\":\"1\"}}",
     "immutable: Forbidden: field is immutable when `immutable` is set"},
    {"configmaps", "{\"immutable\":true,\"binaryData\":{\"a\":\"aGk=\"}}", "{\"immutable\":true}",
     "binaryData: Forbidden: field is immutable when `immutable` is set"},
    {"configmaps", "{\"data\":{\"a\":\"1\"}}", "{\"immutable\":true,\"data\":{\"a\":\"2\"}}", ""},
    {"secrets", "{\"immutable\":true,\"data\":{\"a\":\"aGk=\"}}",
     "{\"immutable\":true,\"stringData\":{\"a\":\"other\"}}",
     "data: Forbidden: field is immutable when `immutable` is set"},
    {"secrets", "{\"type\":\"Opaque\"}",
     "{\"type\":\"kubernetes.io/tls\",\"data\":{\"tls.crt\":"
     "\"\",\"tls.key\":\"\"}}",
     "type: Invalid value: \"kubernetes.io/tls\": field is immutable"},
};

START_TEST(config_validate_update)
{
    const struct strategy *s = strategy_of(update_cases[_i].plural);
    struct json_object *old = json_tokener_parse(update_cases[_i].old);
    struct json_object *obj = json_tokener_parse(update_cases[_i].new_);
    struct apierr err = {0};
    char got[700];

    if (s->defaults) {
        s->defaults(old);
        s->defaults(obj);
    }
    s->validate_update(obj, old, &err);
    ck_assert_str_eq(first_problem(&err, got, sizeof(got)), update_cases[_i].want);
    json_object_put(old);
    json_object_put(obj);
}
END_TEST

/* --- the other resources --- */

static const struct {
    const char *plural, *body, *want;
} other_cases[] = {
    {"persistentvolumes",
     "{\"spec\":{\"capacity\":{\"storage\":\"1Gi\"},\"accessModes\":["
     "\"ReadWriteOnce\"],\"hostPath\":{\"path\":\"/x\"}}}",
     ""},
    {"persistentvolumes",
     "{\"spec\":{\"capacity\":{\"storage\":\"1Gi\"},\"accessModes\":["
     "\"ReadWriteOnce\"]}}",
     "spec: Required value: must specify a volume type"},
    {"persistentvolumes", "{\"spec\":{\"capacity\":{\"storage\":\"1Gi\"},\"hostPath\":{}}}",
     "spec.accessModes: Required value"},
    {"persistentvolumeclaims", "{\"spec\":{\"resources\":{\"requests\":{\"storage\":\"1Gi\"}}}}",
     "spec.accessModes: Required value: at least 1 access mode is required"},
    {"persistentvolumeclaims", "{\"spec\":{\"accessModes\":[\"ReadWriteOnce\"]}}",
     "spec.resources[storage]: Required value"},
    {"events",
     "{\"metadata\":{\"namespace\":\"ns1\"},\"involvedObject\":{\"namespace\":"
     "\"ns2\"}}",
     "involvedObject.namespace: Invalid value: \"ns2\": does not match event.namespace"},
    {"limitranges", "{\"spec\":{\"limits\":[{\"type\":\"Container\"},{\"type\":\"Container\"}]}}",
     "spec.limits[1].type: Duplicate value: \"Container\""},
};

START_TEST(other_validate)
{
    struct apierr err = {0};
    char body[512], got[700];
    struct json_object *o = json_tokener_parse(other_cases[_i].body);

    ck_assert_ptr_nonnull(o);
    obj_set_str(o, "metadata.name", "x");
    snprintf(body, sizeof(body), "%s", json_object_to_json_string(o));
    json_object_put(o);
    o = create_check(other_cases[_i].plural, body, &err);
    ck_assert_str_eq(first_problem(&err, got, sizeof(got)), other_cases[_i].want);
    json_object_put(o);
}
END_TEST

START_TEST(volume_and_limit_defaults)
{
    struct apierr err = {0};
    struct json_object *pv =
        create_check("persistentvolumes",
                     "{\"metadata\":{\"name\":\"v\"},\"spec\":{\"capacity\":{\"storage\":"
                     "\"1Gi\"},\"accessModes\":[\"ReadWriteOnce\"],\"hostPath\":{}}}",
                     &err);
    struct json_object *lr =
        create_check("limitranges",
                     "{\"metadata\":{\"name\":\"l\"},\"spec\":{\"limits\":[{\"type\":"
                     "\"Container\",\"max\":{\"cpu\":\"2\"},\"min\":{\"memory\":\"1Mi\"}}]}}",
                     &err);
    struct json_object *item = json_object_array_get_idx(obj_get(lr, "spec.limits"), 0);

    ck_assert_str_eq(obj_get_str(pv, "status.phase"), "Available");
    ck_assert_str_eq(obj_get_str(pv, "spec.persistentVolumeReclaimPolicy"), "Retain");
    ck_assert_str_eq(obj_get_str(pv, "spec.volumeMode"), "Filesystem");
    ck_assert_str_eq(obj_get_str(item, "default.cpu"), "2");
    ck_assert_str_eq(obj_get_str(item, "defaultRequest.cpu"), "2");
    ck_assert_str_eq(obj_get_str(item, "defaultRequest.memory"), "1Mi");
    json_object_put(pv);
    json_object_put(lr);
}
END_TEST

/* --- table cells --- */

static const struct {
    const char *plural, *obj, *cells;
} row_cases[] = {
    {"services",
     "{\"metadata\":{\"name\":\"web\"},\"spec\":{\"type\":\"NodePort\",\"clusterIP\":"
     "\"10.0.0.7\",\"selector\":{\"tier\":\"fe\",\"app\":\"web\"},\"ports\":[{\"port\":80,"
     "\"nodePort\":30080,\"protocol\":\"TCP\"},{\"port\":53,\"protocol\":\"UDP\"}]}}",
     "[\"web\",\"NodePort\",\"10.0.0.7\",\"<none>\",\"80:30080/TCP,53/UDP\",\"<unknown>\","
     "\"app=web,tier=fe\"]"},
    {"services",
     "{\"metadata\":{\"name\":\"lb\"},\"spec\":{\"type\":\"LoadBalancer\",\"clusterIP\":"
     "\"10.0.0.8\"}}",
     "[\"lb\",\"LoadBalancer\",\"10.0.0.8\",\"<pending>\",\"<none>\",\"<unknown>\",\"<none>\"]"},
    {"services",
     "{\"metadata\":{\"name\":\"ext\"},\"spec\":{\"type\":\"ExternalName\",\"externalName\":"
     "\"example.com\"}}",
     "[\"ext\",\"ExternalName\",\"<none>\",\"example.com\",\"<none>\",\"<unknown>\",\"<none>\"]"},
    {"endpoints",
     "{\"metadata\":{\"name\":\"e\"},\"subsets\":[{\"addresses\":[{\"ip\":\"1.1.1.1\"},{\"ip\":"
     "\"1.1.1.2\"}],\"ports\":[{\"port\":80},{\"port\":443}]}]}",
     "[\"e\",\"1.1.1.1:80,1.1.1.2:80,1.1.1.1:443 + 1 more...\",\"<unknown>\"]"},
    {"endpoints", "{\"metadata\":{\"name\":\"e\"}}", "[\"e\",\"<none>\",\"<unknown>\"]"},
    {"secrets", "{\"metadata\":{\"name\":\"s\"},\"type\":\"Opaque\",\"data\":{\"a\":\"\"}}",
     "[\"s\",\"Opaque\",1,\"<unknown>\"]"},
    {"serviceaccounts", "{\"metadata\":{\"name\":\"default\"}}", "[\"default\",0,\"<unknown>\"]"},
    {"nodes",
     "{\"metadata\":{\"name\":\"n1\",\"labels\":{\"node-role.kubernetes.io/control-plane\":\"\"}},"
     "\"spec\":{\"unschedulable\":true},\"status\":{\"conditions\":[{\"type\":\"Ready\","
     "\"status\":\"True\"}],\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"10.1.1.1\"}],"
     "\"nodeInfo\":{\"kubeletVersion\":\"v1.32.0\"}}}",
     "[\"n1\",\"Ready,SchedulingDisabled\",\"control-plane\",\"<unknown>\",\"v1.32.0\","
     "\"10.1.1.1\",\"<none>\",\"<unknown>\",\"<unknown>\",\"<unknown>\"]"},
    {"events",
     "{\"metadata\":{\"name\":\"web.1\"},\"type\":\"Normal\",\"reason\":\"Scheduled\","
     "\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"web\",\"fieldPath\":\"spec\"},\"source\":{"
     "\"component\":\"kubelet\",\"host\":\"n1\"},\"message\":\" hi \\n\",\"count\":3}",
     "[\"<unknown>\",\"Normal\",\"Scheduled\",\"pod/web\",\"spec\",\"kubelet, n1\",\"hi\","
     "\"<unknown>\",3,\"web.1\"]"},
    {"resourcequotas",
     "{\"metadata\":{\"name\":\"q\"},\"status\":{\"hard\":{\"pods\":\"10\",\"limits.cpu\":\"4\","
     "\"cpu\":\"2\"},\"used\":{\"pods\":\"3\"}}}",
     "[\"q\",\"<unknown>\",\"cpu: 0/2, pods: 3/10\",\"limits.cpu: 0/4\"]"},
    {"persistentvolumes",
     "{\"metadata\":{\"name\":\"pv1\"},\"spec\":{\"capacity\":{\"storage\":\"5Gi\"},"
     "\"accessModes\":[\"ReadWriteMany\",\"ReadWriteOnce\"],\"persistentVolumeReclaimPolicy\":"
     "\"Retain\",\"claimRef\":{\"namespace\":\"d\",\"name\":\"c\"},\"storageClassName\":\"fast\","
     "\"volumeMode\":\"Filesystem\"},\"status\":{\"phase\":\"Bound\"}}",
     "[\"pv1\",\"5Gi\",\"RWO,RWX\",\"Retain\",\"Bound\",\"d/c\",\"fast\",\"<unset>\",\"\","
     "\"<unknown>\",\"Filesystem\"]"},
    {"persistentvolumeclaims",
     "{\"metadata\":{\"name\":\"c\"},\"spec\":{\"volumeName\":\"pv1\"},\"status\":{\"phase\":"
     "\"Bound\",\"accessModes\":[\"ReadWriteOnce\"],\"capacity\":{\"storage\":\"5Gi\"}}}",
     "[\"c\",\"Bound\",\"pv1\",\"5Gi\",\"RWO\",\"\",\"<unset>\",\"<unknown>\",\"<unset>\"]"},
    {"limitranges",
     "{\"metadata\":{\"name\":\"l\",\"creationTimestamp\":\"2024-01-02T03:04:05Z\"}}",
     "[\"l\",\"2024-01-02T03:04:05Z\"]"},
};

START_TEST(table_rows)
{
    const struct resource *r = resource_find(&kube_core_v1, row_cases[_i].plural);
    struct json_object *obj = json_tokener_parse(row_cases[_i].obj), *cells;
    const struct table_column *c;
    size_t ncols = 0;

    ck_assert_ptr_nonnull(obj);
    cells = table_cells(r, obj);
    for (c = r->columns; c->name; c++)
        ncols++;
    ck_assert_str_eq(json_object_to_json_string_ext(cells, JSON_C_TO_STRING_PLAIN |
                                                               JSON_C_TO_STRING_NOSLASHESCAPE),
                     row_cases[_i].cells);
    ck_assert_uint_eq(json_object_array_length(cells), ncols);
    json_object_put(cells);
    json_object_put(obj);
}
END_TEST

static const struct {
    const char *plural, *obj, *field, *value;
} field_cases[] = {
    {"secrets", "{\"type\":\"kubernetes.io/tls\"}", "type", "kubernetes.io/tls"},
    {"nodes", "{\"spec\":{\"unschedulable\":true}}", "spec.unschedulable", "true"},
    {"nodes", "{}", "spec.unschedulable", "false"},
    {"events", "{\"involvedObject\":{\"uid\":\"u1\"}}", "involvedObject.uid", "u1"},
    {"events", "{\"source\":{\"component\":\"kubelet\"}}", "source", "kubelet"},
    {"events", "{\"reportingComponent\":\"x\"}", "reportingComponent", "x"},
    {"services", "{\"spec\":{\"clusterIP\":\"None\"}}", "spec.clusterIP", "None"},
};

START_TEST(selectable_fields)
{
    const struct strategy *s = strategy_of(field_cases[_i].plural);
    struct json_object *obj = json_tokener_parse(field_cases[_i].obj);
    char buf[128];

    ck_assert_int_eq(s->field_value(obj, field_cases[_i].field, buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, field_cases[_i].value);
    ck_assert_int_eq(s->field_value(obj, "spec.nothing", buf, sizeof(buf)), -1);
    json_object_put(obj);
}
END_TEST

START_TEST(resource_table)
{
    static const char *const want[][3] = {
        {"services", "svc", "all"},
        {"endpoints", "ep", NULL},
        {"serviceaccounts", "sa", NULL},
        {"events", "ev", NULL},
        {"nodes", "no", NULL},
        {"limitranges", "limits", NULL},
        {"resourcequotas", "quota", NULL},
        {"persistentvolumes", "pv", NULL},
        {"persistentvolumeclaims", "pvc", NULL},
        {"secrets", NULL, NULL},
    };
    size_t i;

    for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        const struct resource *r = resource_find(&kube_core_v1, want[i][0]);

        ck_assert_msg(r != NULL, "%s", want[i][0]);
        if (want[i][1])
            ck_assert_str_eq(r->short_names[0], want[i][1]);
        if (want[i][2])
            ck_assert_str_eq(r->categories[0], want[i][2]);
    }
    ck_assert(!(resource_find(&kube_core_v1, "nodes")->flags & RES_NAMESPACED));
    ck_assert(!(resource_find(&kube_core_v1, "persistentvolumes")->flags & RES_NAMESPACED));
    ck_assert(resource_find(&kube_core_v1, "persistentvolumeclaims")->flags & RES_NAMESPACED);
}
END_TEST

static Suite *kube_core_config_suite(void)
{
    Suite *s = suite_create("kube_core_config");
    TCase *tc = tcase_create("strategies");

    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, config_validate, 0, sizeof(config_cases) / sizeof(config_cases[0]));
    tcase_add_test(tc, secret_string_data);
    tcase_add_loop_test(tc, config_validate_update, 0,
                        sizeof(update_cases) / sizeof(update_cases[0]));
    tcase_add_loop_test(tc, other_validate, 0, sizeof(other_cases) / sizeof(other_cases[0]));
    tcase_add_test(tc, volume_and_limit_defaults);
    tcase_add_loop_test(tc, table_rows, 0, sizeof(row_cases) / sizeof(row_cases[0]));
    tcase_add_loop_test(tc, selectable_fields, 0, sizeof(field_cases) / sizeof(field_cases[0]));
    tcase_add_test(tc, resource_table);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(kube_core_config_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
