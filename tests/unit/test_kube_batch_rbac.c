/* kubeapi/ batch/v1, networking.k8s.io/v1 and rbac.authorization.k8s.io/v1 strategies: kube's
 * defaults (with the generated job selector), validation causes with kube's wording, the cron
 * schedule check and the table cells. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <json-c/json.h>

#include "generic/apis/meta.h"
#include "generic/apis/validation.h"
#include "generic/endpoints/table.h"
#include "kubeapi/groups_internal.h"
#include "kubeapi/kubeapi_internal.h"
#include "tests/unit/strategy_check.h"

static const struct resource *find(const char *plural)
{
    static const struct group_version *const gvs[] = {&kube_batch_v1, &kube_networking_v1,
                                                      &kube_rbac_v1, NULL};
    const struct resource *r = NULL;
    size_t i;

    for (i = 0; gvs[i] && !r; i++)
        r = resource_find(gvs[i], plural);
    ck_assert_msg(r != NULL, "no resource %s", plural);
    return r;
}

/* As the store does it: prepare, defaults, validate. The caller puts the object. */
static struct json_object *create_check(const char *plural, const char *body, struct apierr *err)
{
    return strategy_create_check(find(plural)->strategy, body, err);
}

#define POD_SPEC(rp) "{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]" rp "}"
#define JOB(spec)    "{\"metadata\":{\"name\":\"pi\",\"uid\":\"u-1\"},\"spec\":" spec "}"
#define TEMPLATE(rp) "{\"spec\":" POD_SPEC(rp) "}"
#define NEVER        ",\"restartPolicy\":\"Never\""
#define CRON(sched, extra)                                                                         \
    "{\"metadata\":{\"name\":\"c\"},\"spec\":{\"schedule\":\"" sched "\"" extra                    \
    ",\"jobTemplate\":{\"spec\":{\"template\":" TEMPLATE(NEVER) "}}}}"
#define BACKEND "\"backend\":{\"service\":{\"name\":\"web\",\"port\":{\"number\":80}}}"

/* --- defaults --- */

START_TEST(job_defaults)
{
    struct apierr err = {0};
    struct json_object *o = create_check("jobs", JOB("{\"template\":" TEMPLATE(NEVER) "}"), &err);

    ck_assert_int_eq(err.reason, APIERR_OK);
    ck_assert_int_eq(json_object_get_int(obj_get(o, "spec.parallelism")), 1);
    ck_assert_int_eq(json_object_get_int(obj_get(o, "spec.completions")), 1);
    ck_assert_int_eq(json_object_get_int(obj_get(o, "spec.backoffLimit")), 6);
    ck_assert_str_eq(obj_get_str(o, "spec.completionMode"), "NonIndexed");
    ck_assert_str_eq(obj_get_str(o, "spec.podReplacementPolicy"), "TerminatingOrFailed");
    ck_assert(!json_object_get_boolean(obj_get(o, "spec.suspend")));
    ck_assert_ptr_null(obj_get(o, "spec.manualSelector"));
    ck_assert_str_eq(
        json_object_to_json_string_ext(obj_get(o, "spec.selector"),
                                       JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
        "{\"matchLabels\":{\"batch.kubernetes.io/controller-uid\":\"u-1\"}}");
    ck_assert_str_eq(
        json_object_to_json_string_ext(obj_get(o, "spec.template.metadata.labels"),
                                       JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
        "{\"batch.kubernetes.io/controller-uid\":\"u-1\",\"batch.kubernetes.io/"
        "job-name\":\"pi\",\"controller-uid\":\"u-1\",\"job-name\":\"pi\"}");
    ck_assert_str_eq(obj_get_str(o, "metadata.labels.job-name"), "pi");
    ck_assert_str_eq(obj_get_str(o, "spec.template.spec.dnsPolicy"), "ClusterFirst");
    ck_assert_str_eq(json_object_to_json_string(obj_get(o, "status")), "{ }");
    json_object_put(o);
}
END_TEST

START_TEST(job_defaults_work_queue)
{
    struct apierr err = {0};
    struct json_object *o =
        create_check("jobs", JOB("{\"parallelism\":3,\"template\":" TEMPLATE(NEVER) "}"), &err);

    ck_assert_int_eq(err.reason, APIERR_OK);
    ck_assert_ptr_null(obj_get(o, "spec.completions")); /* kube leaves a work queue's unset */
    ck_assert_int_eq(json_object_get_int(obj_get(o, "spec.parallelism")), 3);
    json_object_put(o);
}
END_TEST

START_TEST(cronjob_defaults)
{
    struct apierr err = {0};
    struct json_object *o = create_check("cronjobs", CRON("*/5 * * * *", ""), &err);

    ck_assert_int_eq(err.reason, APIERR_OK);
    ck_assert_str_eq(obj_get_str(o, "spec.concurrencyPolicy"), "Allow");
    ck_assert(!json_object_get_boolean(obj_get(o, "spec.suspend")));
    ck_assert_int_eq(json_object_get_int(obj_get(o, "spec.successfulJobsHistoryLimit")), 3);
    ck_assert_int_eq(json_object_get_int(obj_get(o, "spec.failedJobsHistoryLimit")), 1);
    ck_assert_ptr_null(obj_get(o, "spec.jobTemplate.spec.selector"));
    ck_assert_str_eq(obj_get_str(o, "spec.jobTemplate.spec.template.spec.schedulerName"),
                     "default-scheduler");
    json_object_put(o);
}
END_TEST

START_TEST(binding_defaults)
{
    struct apierr err = {0};
    struct json_object *o = create_check(
        "rolebindings",
        "{\"metadata\":{\"name\":\"b\",\"namespace\":\"default\"},\"roleRef\":{\"kind\":\"Role\","
        "\"name\":\"r\"},\"subjects\":[{\"kind\":\"User\",\"name\":\"jane\"},{\"kind\":"
        "\"ServiceAccount\",\"name\":\"default\",\"namespace\":\"default\"}]}",
        &err);

    ck_assert_int_eq(err.reason, APIERR_OK);
    ck_assert_str_eq(obj_get_str(o, "roleRef.apiGroup"), "rbac.authorization.k8s.io");
    ck_assert_str_eq(obj_get_str(json_object_array_get_idx(obj_get(o, "subjects"), 0), "apiGroup"),
                     "rbac.authorization.k8s.io");
    ck_assert_ptr_null(obj_get(json_object_array_get_idx(obj_get(o, "subjects"), 1), "apiGroup"));
    json_object_put(o);
}
END_TEST

/* --- validation: the first cause, kube's words --- */

static const struct {
    const char *plural, *body, *want;
} cases[] = {
    {"jobs", JOB("{\"template\":" TEMPLATE(NEVER) "}"), ""},
    {"jobs", JOB("{\"template\":" TEMPLATE("") "}"),
     "spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: "
     "\"OnFailure\", \"Never\""},
    {"jobs", JOB("{\"parallelism\":-1,\"template\":" TEMPLATE(NEVER) "}"),
     "spec.parallelism: Invalid value: -1: must be greater than or equal to 0"},
    {"jobs", JOB("{\"completionMode\":\"Sometimes\",\"template\":" TEMPLATE(NEVER) "}"),
     "spec.completionMode: Unsupported value: \"Sometimes\": supported values: \"NonIndexed\", "
     "\"Indexed\""},
    {"jobs", JOB("{\"manualSelector\":true,\"template\":" TEMPLATE(NEVER) "}"),
     "spec.selector: Required value"},
    {"jobs", JOB("{\"template\":{\"spec\":{\"containers\":[],\"restartPolicy\":\"Never\"}}}"),
     "spec.template.spec.containers: Required value"},
    {"cronjobs", CRON("*/5 * * * *", ""), ""},
    {"cronjobs", CRON("@hourly", ""), ""},
    {"cronjobs", CRON("0 0 1 jan-mar mon,fri", ""), ""},
    {"cronjobs", CRON("", ""), "spec.schedule: Required value"},
    {"cronjobs", CRON("61 * * * *", ""),
     "spec.schedule: Invalid value: \"61 * * * *\": end of range (61) above maximum (59): 61"},
    {"cronjobs", CRON("* * *", ""),
     "spec.schedule: Invalid value: \"* * *\": expected exactly 5 fields, found 3: [* * *]"},
    {"cronjobs", CRON("x * * * *", ""),
     "spec.schedule: Invalid value: \"x * * * *\": failed to parse int from x: strconv.Atoi: "
     "parsing \"x\": invalid syntax"},
    {"cronjobs", CRON("@fortnightly", ""),
     "spec.schedule: Invalid value: \"@fortnightly\": unrecognized descriptor: @fortnightly"},
    {"cronjobs", CRON("* * * * *", ",\"concurrencyPolicy\":\"Sometimes\""),
     "spec.concurrencyPolicy: Unsupported value: \"Sometimes\": supported values: \"Allow\", "
     "\"Forbid\", \"Replace\""},
    {"cronjobs", CRON("* * * * *", ",\"timeZone\":\"Mars/Olympus\""),
     "spec.timeZone: Invalid value: \"Mars/Olympus\": unknown time zone Mars/Olympus"},
    {"ingresses",
     "{\"metadata\":{\"name\":\"w\"},\"spec\":{\"rules\":[{\"host\":\"a.example.com\",\"http\":"
     "{\"paths\":[{\"path\":\"/\",\"pathType\":\"Prefix\"," BACKEND "}]}}]}}",
     ""},
    {"ingresses",
     "{\"metadata\":{\"name\":\"w\"},\"spec\":{\"rules\":[{\"http\":{\"paths\":[{\"path\":\"/"
     "\"," BACKEND "}]}}]}}",
     "spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified"},
    {"ingresses",
     "{\"metadata\":{\"name\":\"w\"},\"spec\":{\"rules\":[{\"host\":\"1.2.3.4\",\"http\":{"
     "\"paths\":[{\"path\":\"/\",\"pathType\":\"Exact\"," BACKEND "}]}}]}}",
     "spec.rules[0].host: Invalid value: \"1.2.3.4\": must be a DNS name, not an IP address"},
    {"ingresses", "{\"metadata\":{\"name\":\"w\"},\"spec\":{}}",
     "spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` "
     "must be specified"},
    {"ingressclasses", "{\"metadata\":{\"name\":\"n\"},\"spec\":{\"controller\":\"k8s.io/nginx\"}}",
     ""},
    {"ingressclasses", "{\"metadata\":{\"name\":\"n\"},\"spec\":{\"controller\":\"nginx\"}}",
     "spec.controller: Invalid value: \"nginx\": must be a domain-prefixed path (such as "
     "\"acme.io/foo\")"},
    {"roles",
     "{\"metadata\":{\"name\":\"r\"},\"rules\":[{\"apiGroups\":[\"\"],\"resources\":[\"pods\"]}]}",
     "rules[0].verbs: Required value: verbs must contain at least one value"},
    {"roles",
     "{\"metadata\":{\"name\":\"r\"},\"rules\":[{\"verbs\":[\"get\"],\"nonResourceURLs\":[\"/x\"]"
     "}]}",
     "rules[0].nonResourceURLs: Invalid value: []string{\"/x\"}: namespaced rules cannot apply to "
     "non-resource URLs"},
    {"clusterroles",
     "{\"metadata\":{\"name\":\"r\"},\"rules\":[{\"verbs\":[\"get\"],\"nonResourceURLs\":[\"/x\"]"
     "}]}",
     ""},
    {"rolebindings",
     "{\"metadata\":{\"name\":\"b\"},\"roleRef\":{\"kind\":\"Role\",\"name\":\"r\"},\"subjects\":"
     "[{\"kind\":\"Robot\",\"name\":\"r2\"}]}",
     "subjects[0].kind: Unsupported value: \"Robot\": supported values: \"ServiceAccount\", "
     "\"User\", \"Group\""},
    {"clusterrolebindings",
     "{\"metadata\":{\"name\":\"b\"},\"roleRef\":{\"kind\":\"Role\",\"name\":\"r\"}}",
     "roleRef.kind: Unsupported value: \"Role\": supported values: \"ClusterRole\""},
    {"clusterrolebindings",
     "{\"metadata\":{\"name\":\"b\"},\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"r\"},"
     "\"subjects\":[{\"kind\":\"ServiceAccount\",\"name\":\"sa\"}]}",
     "subjects[0].namespace: Required value"},
};

START_TEST(validate_create)
{
    struct apierr err = {0};
    struct json_object *o = create_check(cases[_i].plural, cases[_i].body, &err);
    char got[1200];

    ck_assert_msg(strcmp(first_problem(&err, got, sizeof(got)), cases[_i].want) == 0,
                  "%s case %d: got [%s], want [%s]", cases[_i].plural, _i, got, cases[_i].want);
    json_object_put(o);
}
END_TEST

START_TEST(roleref_immutable)
{
    const struct strategy *s = find("rolebindings")->strategy;
    struct json_object *old = json_tokener_parse(
        "{\"metadata\":{\"name\":\"b\"},\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\","
        "\"kind\":\"Role\",\"name\":\"a\"}}");
    struct json_object *obj = json_tokener_parse(
        "{\"metadata\":{\"name\":\"b\"},\"roleRef\":{\"kind\":\"Role\",\"name\":\"b\"}}");
    struct apierr err = {0};
    char got[600];

    s->defaults(obj);
    ck_assert_int_eq(s->validate_update(obj, old, &err), -1);
    ck_assert_str_eq(first_problem(&err, got, sizeof(got)),
                     "roleRef: Invalid value: rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", "
                     "Kind:\"Role\", Name:\"b\"}: cannot change roleRef");
    memset(&err, 0, sizeof(err));
    ck_assert_int_eq(s->validate_update(old, old, &err), 0);
    json_object_put(old);
    json_object_put(obj);
}
END_TEST

/* --- table cells --- */

static const char *cells_of(const char *plural, const char *body, char *buf, size_t n)
{
    struct json_object *obj = json_tokener_parse(body), *cells = json_object_new_array();
    const struct resource *r = find(plural);
    const struct table_column *c;
    size_t ncols = 0;

    ck_assert_ptr_nonnull(obj);
    r->strategy->table_row(obj, cells);
    for (c = r->columns; c->name; c++)
        ncols++;
    ck_assert_int_eq(json_object_array_length(cells), ncols);
    snprintf(buf, n, "%s", json_object_to_json_string_ext(cells, JSON_C_TO_STRING_PLAIN));
    json_object_put(cells);
    json_object_put(obj);
    return buf;
}

START_TEST(rows)
{
    char buf[2048];

    ck_assert_str_eq(
        cells_of("jobs",
                 "{\"metadata\":{\"name\":\"pi\"},\"spec\":{\"completions\":3,\"selector\":{"
                 "\"matchLabels\":{\"a\":\"b\"}},\"template\":{\"spec\":{\"containers\":[{"
                 "\"name\":\"c\",\"image\":\"i\"}]}}},\"status\":{\"succeeded\":2,\"startTime\":"
                 "\"2024-01-01T00:00:00Z\",\"completionTime\":\"2024-01-01T00:01:05Z\","
                 "\"conditions\":[{\"type\":\"Complete\",\"status\":\"True\"}]}}",
                 buf, sizeof(buf)),
        "[\"pi\",\"Complete\",\"2\\/3\",\"65s\",\"<unknown>\",\"c\",\"i\",\"a=b\"]");
    ck_assert_str_eq(cells_of("cronjobs",
                              "{\"metadata\":{\"name\":\"c\"},\"spec\":{\"schedule\":\"@hourly\","
                              "\"suspend\":true,\"jobTemplate\":{\"spec\":{\"template\":{}}}}}",
                              buf, sizeof(buf)),
                     "[\"c\",\"@hourly\",\"<none>\",\"True\",0,\"<none>\",\"<unknown>\",\"\",\"\","
                     "\"<none>\"]");
    ck_assert_str_eq(
        cells_of("ingresses",
                 "{\"metadata\":{\"name\":\"w\"},\"spec\":{\"rules\":[{\"host\":\"a\"},"
                 "{\"host\":\"b\"},{},{\"host\":\"c\"},{\"host\":\"d\"}],\"tls\":[{}]},"
                 "\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"10.0.0.2\"},{"
                 "\"hostname\":\"lb\"},{\"ip\":\"10.0.0.1\"}]}}}",
                 buf, sizeof(buf)),
        "[\"w\",\"<none>\",\"a,b,c + 2 more...\",\"10.0.0.1,10.0.0.2,lb\",\"80, "
        "443\",\"<unknown>\"]");
    ck_assert_str_eq(
        cells_of("ingressclasses",
                 "{\"metadata\":{\"name\":\"n\"},\"spec\":{\"controller\":\"k8s.io/x\","
                 "\"parameters\":{\"apiGroup\":\"k8s.example.com\",\"kind\":\"P\","
                 "\"name\":\"p\"}}}",
                 buf, sizeof(buf)),
        "[\"n\",\"k8s.io\\/x\",\"P.k8s.example.com\\/p\",\"<unknown>\"]");
    ck_assert_str_eq(cells_of("roles",
                              "{\"metadata\":{\"name\":\"r\",\"creationTimestamp\":\"2024-01-01T00:"
                              "00:00Z\"}}",
                              buf, sizeof(buf)),
                     "[\"r\",\"2024-01-01T00:00:00Z\"]");
    ck_assert_str_eq(cells_of("rolebindings",
                              "{\"metadata\":{\"name\":\"b\"},\"roleRef\":{\"kind\":\"Role\","
                              "\"name\":\"r\"},\"subjects\":[{\"kind\":\"User\",\"name\":\"u1\"},{"
                              "\"kind\":\"User\",\"name\":\"u2\"},{\"kind\":\"Group\",\"name\":"
                              "\"g\"},{\"kind\":\"ServiceAccount\",\"name\":\"sa\",\"namespace\":"
                              "\"ns\"}]}",
                              buf, sizeof(buf)),
                     "[\"b\",\"Role\\/r\",\"<unknown>\",\"u1, u2\",\"g\",\"ns\\/sa\"]");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("kube_batch_rbac");
    TCase *tc = tcase_create("strategies");

    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, job_defaults);
    tcase_add_test(tc, job_defaults_work_queue);
    tcase_add_test(tc, cronjob_defaults);
    tcase_add_test(tc, binding_defaults);
    tcase_add_loop_test(tc, validate_create, 0, sizeof(cases) / sizeof(cases[0]));
    tcase_add_test(tc, roleref_immutable);
    tcase_add_test(tc, rows);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
