/* Name checks, field errors, ObjectMeta and kube's Invalid message, word for word. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "generic/apis/validation.h"

#define SUBDOMAIN                                                                                  \
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "   \
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "  \
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
#define LABEL                                                                                      \
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "   \
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "     \
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
#define DNS1035                                                                                    \
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "   \
    "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or "           \
    "'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
#define QNAME                                                                                      \
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "    \
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "         \
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
#define LABEL_VALUE                                                                                \
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "    \
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "             \
    "'my_value',  or '12345', regex used for validation is "                                       \
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
#define CONFIG_KEY                                                                                 \
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. "           \
    "'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"
#define A64  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define A256 A64 A64 A64 A64

enum check { SUB, LBL, D1035, QN, LVAL, CMKEY, PATH, PATH_PREFIX, N_SUB_PRE, N_LBL_PRE };

static int run_check(enum check c, const char *v, const char **msgs)
{
    switch (c) {
    case SUB:
        return validation_dns1123_subdomain(v, msgs);
    case LBL:
        return validation_dns1123_label(v, msgs);
    case D1035:
        return validation_dns1035_label(v, msgs);
    case QN:
        return validation_qualified_name(v, msgs);
    case LVAL:
        return validation_label_value(v, msgs);
    case CMKEY:
        return validation_config_map_key(v, msgs);
    case PATH:
        return validation_name_path_segment(v, false, msgs);
    case PATH_PREFIX:
        return validation_name_path_segment(v, true, msgs);
    case N_SUB_PRE:
        return validation_name_dns_subdomain(v, true, msgs);
    default:
        return validation_name_dns_label(v, true, msgs);
    }
}

/* A check, a value, and kube's messages joined with " | " ("" = valid). */
static const struct {
    enum check check;
    const char *value, *want;
} checks[] = {
    {SUB, "example.com", ""},
    {SUB, "a", ""},
    {SUB, "0-a.b-0", ""},
    {SUB, "Bad_Name", SUBDOMAIN},
    {SUB, "a..b", SUBDOMAIN},
    {SUB, "-a", SUBDOMAIN},
    {SUB, "a-", SUBDOMAIN},
    {SUB, "a.", SUBDOMAIN},
    {SUB, "", SUBDOMAIN},
    {SUB, A256, "must be no more than 253 characters"},
    {SUB, A256 "_", "must be no more than 253 characters | " SUBDOMAIN},
    {LBL, "my-name", ""},
    {LBL, "123-abc", ""},
    {LBL, "a.b", "must not contain dots"},
    {LBL, "A", LABEL},
    {LBL, "", LABEL},
    {LBL, A64, "must be no more than 63 characters"},
    {LBL, A64 ".b", "must be no more than 63 characters | must not contain dots"},
    {D1035, "abc-123", ""},
    {D1035, "1abc", DNS1035},
    {D1035, "abc-", DNS1035},
    {QN, "MyName", ""},
    {QN, "my.name", ""},
    {QN, "123-abc", ""},
    {QN, "example.com/MyName", ""},
    {QN, "a/b/c",
     "a qualified name " QNAME " with an optional DNS subdomain prefix and '/' (e.g. "
     "'example.com/MyName')"},
    {QN, "/a", "prefix part must be non-empty"},
    {QN, "a/", "name part must be non-empty | name part " QNAME},
    {QN, "", "name part must be non-empty | name part " QNAME},
    {QN, "Example.com/x", "prefix part " SUBDOMAIN},
    {QN, A256 "/x", "prefix part must be no more than 253 characters"},
    {QN, "x_", "name part " QNAME},
    {QN, A64, "name part must be no more than 63 characters"},
    {QN, "Bad_/a_", "prefix part " SUBDOMAIN " | name part " QNAME},
    {LVAL, "", ""},
    {LVAL, "MyValue", ""},
    {LVAL, "-a", LABEL_VALUE},
    {LVAL, A64, "must be no more than 63 characters"},
    {CMKEY, "key.name", ""},
    {CMKEY, "KEY_NAME", ""},
    {CMKEY, ".a", ""},
    {CMKEY, "a b", CONFIG_KEY},
    {CMKEY, "", CONFIG_KEY},
    {CMKEY, ".", "must not be '.'"},
    {CMKEY, "..", "must not be '..'"},
    {CMKEY, "..a", "must not start with '..'"},
    {CMKEY, A256, "must be no more than 253 characters"},
    {PATH, "a.b", ""},
    {PATH, ".", "may not be '.'"},
    {PATH, "..", "may not be '..'"},
    {PATH, "a/b%", "may not contain '/' | may not contain '%'"},
    {PATH_PREFIX, "..", ""},
    {PATH_PREFIX, "a%", "may not contain '%'"},
    {N_SUB_PRE, "web-", ""},
    {N_SUB_PRE, "web--", ""},
    {N_SUB_PRE, "-", ""},
    {N_SUB_PRE, "Web-", SUBDOMAIN},
    {N_SUB_PRE, "web", ""},
    {N_LBL_PRE, "a.b-", "must not contain dots"},
    {N_LBL_PRE, "ab-", ""},
};

START_TEST(check_messages)
{
    const char *msgs[VALIDATION_MAX_MSGS];
    char got[2048] = "";
    int i, n = run_check(checks[_i].check, checks[_i].value, msgs);

    for (i = 0; i < n; i++) {
        strcat(got, i ? " | " : "");
        strcat(got, msgs[i]);
    }
    ck_assert_msg(strcmp(got, checks[_i].want) == 0, "case %d (%s): got %s", _i, checks[_i].value,
                  got);
}
END_TEST

START_TEST(field_error_bodies)
{
    static const char *const supported[] = {"a", "b", NULL};
    struct apierr err = {0};

    ck_assert_int_eq(validation_invalid(&err, "metadata.name", "Bad_Name", SUBDOMAIN), -1);
    validation_invalid_int(&err, "metadata.generation", -1, "must be greater than or equal to 0");
    validation_required(&err, "metadata.name", "name or generateName is required");
    validation_required(&err, "metadata.namespace", "");
    validation_forbidden(&err, "metadata.namespace", "not allowed on this type");
    validation_duplicate(&err, "spec.ports[0].name", "x");
    validation_too_long(&err, "metadata.annotations", VALIDATION_ANNOTATIONS_MAX);
    validation_not_supported(&err, "spec.type", "x", supported);
    ck_assert_int_eq(err.reason, APIERR_INVALID);
    ck_assert_uint_eq(err.ncauses, 8);
    ck_assert_str_eq(err.causes[0].type, "FieldValueInvalid");
    ck_assert_str_eq(err.causes[0].field, "metadata.name");
    ck_assert_str_eq(err.causes[0].message, "Invalid value: \"Bad_Name\": " SUBDOMAIN);
    ck_assert_str_eq(err.causes[1].message,
                     "Invalid value: -1: must be greater than or equal to 0");
    ck_assert_str_eq(err.causes[2].type, "FieldValueRequired");
    ck_assert_str_eq(err.causes[2].message, "Required value: name or generateName is required");
    ck_assert_str_eq(err.causes[3].message, "Required value");
    ck_assert_str_eq(err.causes[4].type, "FieldValueForbidden");
    ck_assert_str_eq(err.causes[4].message, "Forbidden: not allowed on this type");
    ck_assert_str_eq(err.causes[5].type, "FieldValueDuplicate");
    ck_assert_str_eq(err.causes[5].message, "Duplicate value: \"x\"");
    ck_assert_str_eq(err.causes[6].type, "FieldValueTooLong");
    ck_assert_str_eq(err.causes[6].message, "Too long: may not be more than 262144 bytes");
    ck_assert_str_eq(err.causes[7].type, "FieldValueNotSupported");
    ck_assert_str_eq(err.causes[7].message,
                     "Unsupported value: \"x\": supported values: \"a\", \"b\"");
}
END_TEST

static const struct {
    const char *in, *want;
} quotes[] = {
    {"", "\"\""},
    {"plain", "\"plain\""},
    {"a\nb\t\"\\", "\"a\\nb\\t\\\"\\\\\""},
    {"\x01\x7f\a\b\f\r\v", "\"\\x01\\x7f\\a\\b\\f\\r\\v\""},
    {"\xff\xc3", "\"\\xff\\xc3\""},
    {"\xc0\xaf", "\"\\xc0\\xaf\""},          /* overlong */
    {"\xed\xa0\x80", "\"\\xed\\xa0\\x80\""}, /* surrogate */
    {"\xc2\x85\xc2\xa0\xc3\xa9", "\"\\u0085\\u00a0\xc3\xa9\""},
    {"\xe2\x82\xac\xf0\x9f\x98\x80", "\"\xe2\x82\xac\xf0\x9f\x98\x80\""},
};

START_TEST(go_quote)
{
    char buf[64];

    validation_quote(buf, sizeof(buf), quotes[_i].in);
    ck_assert_str_eq(buf, quotes[_i].want);
}
END_TEST

START_TEST(long_values_keep_detail)
{
    struct apierr err = {0};
    char small[8];
    size_t n;

    validation_invalid(&err, "metadata.name", A256 A256 A256, SUBDOMAIN);
    n = strlen(err.causes[0].message);
    ck_assert_uint_lt(n, sizeof(err.causes[0].message));
    ck_assert_str_eq(err.causes[0].message + n - strlen(SUBDOMAIN), SUBDOMAIN);
    ck_assert(strncmp(err.causes[0].message, "Invalid value: \"aaaa", 20) == 0);
    validation_quote(small, sizeof(small), "abcdefgh");
    ck_assert_str_eq(small, "\"abcde\"");
    validation_quote(small, sizeof(small), "ab\n\n");
    ck_assert_str_eq(small, "\"ab\\n\"");
}
END_TEST

START_TEST(finish_messages)
{
    struct apierr one = {0}, two = {0}, dup = {0}, none = {0};
    struct json_object *st;
    struct json_object *details, *causes;

    validation_invalid(&one, "metadata.name", "Bad_Name", SUBDOMAIN);
    validation_finish(&one, "", "ConfigMap", "Bad_Name");
    ck_assert_int_eq(one.reason, APIERR_INVALID);
    ck_assert_str_eq(one.message, "ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid "
                                  "value: \"Bad_Name\": " SUBDOMAIN);
    ck_assert_str_eq(one.kind, "ConfigMap");
    ck_assert_str_eq(one.name, "Bad_Name");
    validation_required(&two, "spec.replicas", NULL);
    validation_invalid_int(&two, "spec.replicas", -1, "must be greater than or equal to 0");
    validation_finish(&two, "apps", "Deployment", "web");
    ck_assert_str_eq(two.message, "Deployment.apps \"web\" is invalid: [spec.replicas: Required "
                                  "value, spec.replicas: Invalid value: -1: must be greater than "
                                  "or equal to 0]");
    ck_assert_str_eq(two.group, "apps");
    validation_forbidden(&dup, "metadata.namespace", "not allowed on this type");
    validation_forbidden(&dup, "metadata.namespace", "not allowed on this type");
    validation_finish(&dup, NULL, "Namespace", "x");
    ck_assert_str_eq(dup.message, "Namespace \"x\" is invalid: metadata.namespace: Forbidden: not "
                                  "allowed on this type");
    ck_assert_uint_eq(dup.ncauses, 2); /* kube lists both causes, the message once */
    validation_finish(&none, NULL, "Pod", "p\"q");
    ck_assert_str_eq(none.message, "Pod \"p\\\"q\" is invalid");

    st = apierr_to_status(&one);
    ck_assert(json_object_object_get_ex(st, "details", &details));
    ck_assert(json_object_object_get_ex(details, "causes", &causes));
    ck_assert_str_eq(json_object_get_string(
                         json_object_object_get(json_object_array_get_idx(causes, 0), "reason")),
                     "FieldValueInvalid");
    ck_assert_int_eq(json_object_get_int(json_object_object_get(st, "code")), 422);
    json_object_put(st);
}
END_TEST

/* An ObjectMeta, how to check it, and the causes kube reports ("<type> <field>: <message>"). */
static const struct {
    const char *meta;
    bool namespaced;
    validation_name_fn *name_fn;
    const char *want[4];
} metas[] = {
    {"{\"name\":\"ok\"}", false, validation_name_dns_subdomain, {NULL}},
    {"{\"name\":\"ok\",\"namespace\":\"d\"}", true, validation_name_dns_subdomain, {NULL}},
    {NULL,
     false,
     NULL,
     {"FieldValueRequired metadata.name: Required value: name or generateName is required"}},
    {"{}",
     true,
     validation_name_dns_subdomain,
     {"FieldValueRequired metadata.name: Required value: name or generateName is required",
      "FieldValueRequired metadata.namespace: Required value"}},
    {"{\"name\":\"Bad_Name\"}",
     false,
     validation_name_dns_subdomain,
     {"FieldValueInvalid metadata.name: Invalid value: \"Bad_Name\": " SUBDOMAIN}},
    {"{\"name\":\"a.b\"}",
     false,
     validation_name_dns_label,
     {"FieldValueInvalid metadata.name: Invalid value: \"a.b\": must not contain dots"}},
    {"{\"name\":\"a/b\"}",
     false,
     NULL,
     {"FieldValueInvalid metadata.name: Invalid value: \"a/b\": may not contain '/'"}},
    {"{\"generateName\":\"Web-\",\"name\":\"web-x1\"}",
     false,
     validation_name_dns_subdomain,
     {"FieldValueInvalid metadata.generateName: Invalid value: \"Web-\": " SUBDOMAIN}},
    {"{\"generateName\":\"web-\"}",
     false,
     validation_name_dns_subdomain,
     {"FieldValueRequired metadata.name: Required value: name or generateName is required"}},
    {"{\"name\":\"x\",\"namespace\":\"a.b\"}",
     true,
     validation_name_dns_subdomain,
     {"FieldValueInvalid metadata.namespace: Invalid value: \"a.b\": must not contain dots"}},
    {"{\"name\":\"x\",\"namespace\":\"d\"}",
     false,
     validation_name_dns_subdomain,
     {"FieldValueForbidden metadata.namespace: Forbidden: not allowed on this type"}},
    {"{\"name\":\"x\",\"labels\":{\"app\":\"web\",\"-bad\":\"x\",\"ok\":\"-v\"}}",
     false,
     NULL,
     {"FieldValueInvalid metadata.labels: Invalid value: \"-bad\": name part " QNAME,
      "FieldValueInvalid metadata.labels: Invalid value: \"-v\": " LABEL_VALUE}},
    {"{\"name\":\"x\",\"annotations\":{\"Example.COM/Key\":\"v\",\"bad key\":\"\"}}",
     false,
     NULL,
     {"FieldValueInvalid metadata.annotations: Invalid value: \"bad key\": name part " QNAME}},
    {"{\"name\":\"x\",\"generation\":-1}",
     false,
     NULL,
     {"FieldValueInvalid metadata.generation: Invalid value: -1: must be greater than or equal "
      "to 0"}},
    {"{\"name\":\"x\",\"finalizers\":[\"kubernetes.io/pvc-protection\",\"a/b/c\"]}",
     false,
     NULL,
     {"FieldValueInvalid metadata.finalizers: Invalid value: \"a/b/c\": a qualified name " QNAME
      " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"}},
    {"{\"name\":\"x\",\"finalizers\":[\"orphan\",\"foregroundDeletion\"]}",
     false,
     NULL,
     {"FieldValueInvalid metadata.finalizers: Invalid value: []string{\"orphan\", "
      "\"foregroundDeletion\"}: finalizer orphan and foregroundDeletion cannot be both set"}},
    {"{\"name\":\"x\",\"ownerReferences\":[{\"apiVersion\":\"apps/\",\"kind\":\"\",\"name\":"
     "\"a\",\"uid\":\"u\"},{\"apiVersion\":\"v1\",\"kind\":\"K\",\"name\":\"a\"}]}",
     false,
     NULL,
     {"FieldValueInvalid metadata.ownerReferences.apiVersion: Invalid value: \"apps/\": version "
      "must not be empty",
      "FieldValueInvalid metadata.ownerReferences.kind: Invalid value: \"\": must not be empty",
      "FieldValueInvalid metadata.ownerReferences.uid: Invalid value: \"\": must not be empty"}},
    {"{\"name\":5,\"labels\":{\"a\":1}}",
     false,
     NULL,
     {"FieldValueTypeInvalid metadata.name: Invalid value: \"integer\": metadata.name in body "
      "must be of type string: \"integer\"",
      "FieldValueRequired metadata.name: Required value: name or generateName is required",
      "FieldValueTypeInvalid metadata.labels: Invalid value: \"integer\": metadata.labels in body "
      "must be of type string: \"integer\""}},
    {"[]",
     false,
     NULL,
     {"FieldValueTypeInvalid metadata: Invalid value: \"array\": metadata in body must be of type "
      "object: \"array\""}},
};

static void assert_causes(const struct apierr *err, const char *const *want)
{
    char got[1024];
    unsigned i;

    for (i = 0; i < 4 && want[i]; i++) {
        ck_assert_msg(i < err->ncauses, "missing cause %u: %s", i, want[i]);
        snprintf(got, sizeof(got), "%s %s: %s", err->causes[i].type, err->causes[i].field,
                 err->causes[i].message);
        ck_assert_str_eq(got, want[i]);
    }
    ck_assert_uint_eq(err->ncauses, i);
}

START_TEST(object_meta)
{
    struct apierr err = {0};
    struct json_object *meta = metas[_i].meta ? json_tokener_parse(metas[_i].meta) : NULL;
    int rc = validation_object_meta(meta, metas[_i].namespaced, metas[_i].name_fn, &err);

    ck_assert_int_eq(rc, metas[_i].want[0] ? -1 : 0);
    assert_causes(&err, metas[_i].want);
    json_object_put(meta);
}
END_TEST

START_TEST(annotations_size)
{
    struct json_object *a = json_object_new_object();
    char *v = malloc(VALIDATION_ANNOTATIONS_MAX + 1);
    struct apierr err = {0};

    memset(v, 'x', VALIDATION_ANNOTATIONS_MAX);
    v[VALIDATION_ANNOTATIONS_MAX - 1] = '\0'; /* "a" + value: exactly the limit */
    json_object_object_add(a, "a", json_object_new_string(v));
    ck_assert_int_eq(validation_annotations(a, "metadata.annotations", &err), 0);
    v[VALIDATION_ANNOTATIONS_MAX - 1] = 'x';
    v[VALIDATION_ANNOTATIONS_MAX] = '\0';
    json_object_object_add(a, "a", json_object_new_string(v));
    ck_assert_int_eq(validation_annotations(a, "metadata.annotations", &err), -1);
    ck_assert_uint_eq(err.ncauses, 1);
    ck_assert_str_eq(err.causes[0].type, "FieldValueTooLong");
    ck_assert_str_eq(err.causes[0].message, "Too long: may not be more than 262144 bytes");
    validation_finish(&err, "", "ConfigMap", "big");
    ck_assert_str_eq(err.message, "ConfigMap \"big\" is invalid: metadata.annotations: Too long: "
                                  "may not be more than 262144 bytes");
    ck_assert_int_eq(validation_labels(NULL, "metadata.labels", &err), 0);
    free(v);
    json_object_put(a);
}
END_TEST

static const struct {
    const char *meta, *old;
    const char *want[4];
} updates[] = {
    {"{\"name\":\"x\",\"resourceVersion\":\"5\",\"generation\":2}",
     "{\"name\":\"x\",\"resourceVersion\":\"4\",\"generation\":2}",
     {NULL}},
    {"{\"name\":\"y\",\"namespace\":\"d\",\"uid\":\"u2\",\"generation\":1}",
     "{\"name\":\"x\",\"namespace\":\"d\",\"uid\":\"u\",\"resourceVersion\":\"5\",\"generation\":"
     "2}",
     {"FieldValueInvalid metadata.resourceVersion: Invalid value: \"\": must be specified for an "
      "update",
      "FieldValueInvalid metadata.generation: Invalid value: 1: must not be decremented",
      "FieldValueInvalid metadata.name: Invalid value: \"y\": field is immutable",
      "FieldValueInvalid metadata.uid: Invalid value: \"u2\": field is immutable"}},
    {"{\"name\":\"x\",\"resourceVersion\":\"5\",\"finalizers\":[\"a\",\"c\",\"b\",\"c\"]}",
     "{\"name\":\"x\",\"deletionTimestamp\":\"2024-01-01T00:00:00Z\",\"finalizers\":[\"a\"]}",
     {"FieldValueForbidden metadata.finalizers: Forbidden: no new finalizers can be added if the "
      "object is being deleted, found new finalizers []string{\"b\", \"c\"}"}},
    {"{\"name\":\"x\",\"resourceVersion\":\"5\",\"finalizers\":[\"b\",\"c\"]}",
     "{\"name\":\"x\",\"finalizers\":[\"a\"]}",
     {NULL}},
    {"{\"name\":\"x\",\"resourceVersion\":\"5\",\"labels\":{\"a\":\"-\"}}",
     "{\"name\":\"x\"}",
     {"FieldValueInvalid metadata.labels: Invalid value: \"-\": " LABEL_VALUE}},
};

START_TEST(object_meta_update)
{
    struct apierr err = {0};
    struct json_object *meta = json_tokener_parse(updates[_i].meta);
    struct json_object *old = json_tokener_parse(updates[_i].old);

    ck_assert_ptr_nonnull(meta);
    ck_assert_ptr_nonnull(old);
    ck_assert_int_eq(validation_object_meta_update(meta, old, &err), updates[_i].want[0] ? -1 : 0);
    assert_causes(&err, updates[_i].want);
    json_object_put(meta);
    json_object_put(old);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *validation_suite(void)
{
    Suite *s = suite_create("validation");
    TCase *tc = tcase_create("validation");

    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, check_messages, 0, N(checks));
    tcase_add_test(tc, field_error_bodies);
    tcase_add_loop_test(tc, go_quote, 0, N(quotes));
    tcase_add_test(tc, long_values_keep_detail);
    tcase_add_test(tc, finish_messages);
    tcase_add_loop_test(tc, object_meta, 0, N(metas));
    tcase_add_test(tc, annotations_size);
    tcase_add_loop_test(tc, object_meta_update, 0, N(updates));
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(validation_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
