/* Label and field selectors: kube's grammar, canonical strings, exact errors, matching. */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "generic/apis/selector.h"

#define NAME_PART                                                                                  \
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "  \
    "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for " \
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
#define LABEL_VALUE                                                                                \
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "    \
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "             \
    "'my_value',  or '12345', regex used for validation is "                                       \
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
#define SUBDOMAIN                                                                                  \
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "   \
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "  \
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
#define REQ     "unable to parse requirement: "
#define NOT_INT "for 'Gt', 'Lt' operators, the value must be an integer"
#define K64     "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"

/* A label selector that parses, and its canonical String(). */
static const struct {
    const char *in, *want;
} label_ok[] = {
    {"", ""},
    {NULL, ""},
    {"   ", ""},
    {"x=a", "x=a"},
    {"x==a", "x==a"},
    {"x!=a", "x!=a"},
    {"x in (a,b)", "x in (a,b)"},
    {"x in (b,a,b)", "x in (a,b)"},
    {"x notin (c)", "x notin (c)"},
    {"has", "has"},
    {"!gone", "!gone"},
    {"x>1", "x>1"},
    {"x<10", "x<10"},
    {"app=web,tier!=db,env in (a,b),x notin (c),has,!gone",
     "app=web,env in (a,b),!gone,has,tier!=db,x notin (c)"},
    {" x = a , y ", "x=a,y"},
    {"x\t=\na\r", "x=a"},
    {"x=", "x="},
    {"x==,y", "x==,y"},
    {"x in ()", "x in ()"},
    {"x in (,a)", "x in (,a)"},
    {"x in (a,,b)", "x in (,a,b)"},
    {"x in (a,)", "x in (,a)"},
    {"x in (,)", "x in ()"},
    {"x in (in,notin)", "x in (in,notin)"},
    {"in=notin", "in=notin"},
    {"notin in (in)", "notin in (in)"},
    {"example.com/app=web", "example.com/app=web"},
    {"x=a,x=b", "x=a,x=b"},
    {"!x,x", "x,!x"},
    {"x=A.b-c_d", "x=A.b-c_d"},
};

/* A label selector that fails, and kube's exact message. */
static const struct {
    const char *in, *msg;
} label_bad[] = {
    {"x=a b", "found 'b', expected: ',' or 'end of string'"},
    {"a b", REQ "found 'b', expected: in, notin, =, ==, !=, gt, lt"},
    {"a !", REQ "found '!', expected: in, notin, =, ==, !=, gt, lt"},
    {"x=a,", "found '', expected: identifier after ','"},
    {"x=a,,y", "found ',', expected: identifier after ','"},
    {",x", "found ',', expected: !, identifier, or 'end of string'"},
    {")", "found ')', expected: !, identifier, or 'end of string'"},
    {"x in a", REQ "found 'a' expected: '('"},
    {"x notin", REQ "found '' expected: '('"},
    {"x in (a", REQ "found '', expected: ',' or ')'"},
    {"x in (a b)", REQ "found 'b', expected: ',' or ')'"},
    {"x in (=)", REQ "found '=', expected: ',', ')' or identifier"},
    {"x in (,=)", REQ "found '=', expected: ',', or identifier"},
    {"x in (a,", REQ "found '', expected: ',', or identifier"},
    {"x in (a))", "found ')', expected: ',' or 'end of string'"},
    {"x===a", REQ "found '=', expected: identifier"},
    {"x=(a)", REQ "found '(', expected: identifier"},
    {"!", REQ "found '', expected: identifier"},
    {"!=a", "found '!=', expected: !, identifier, or 'end of string'"},
    {"! =a", REQ "found '=', expected: identifier"},
    {"x>+5", REQ "values[0][x]: Invalid value: \"+5\": " LABEL_VALUE}, /* an integer, no label */
    {"!x=a", "found '=', expected: ',' or 'end of string'"},
    {"x>a", REQ "values[0]: Invalid value: \"a\": " NOT_INT},
    {"x>", REQ "values[0]: Invalid value: \"\": " NOT_INT},
    {"x<99999999999999999999", REQ "values[0]: Invalid value: \"99999999999999999999\": " NOT_INT},
    {"x>-1", REQ "values[0][x]: Invalid value: \"-1\": " LABEL_VALUE},
    {"x>-a", REQ "[values[0]: Invalid value: \"-a\": " NOT_INT
                 ", values[0][x]: Invalid value: \"-a\": " LABEL_VALUE "]"},
    {"x=-bad", REQ "values[0][x]: Invalid value: \"-bad\": " LABEL_VALUE},
    {"x in (ok,-a,b-)", REQ "[values[0][x]: Invalid value: \"-a\": " LABEL_VALUE
                            ", values[1][x]: Invalid value: \"b-\": " LABEL_VALUE "]"},
    {"x=" K64, REQ "values[0][x]: Invalid value: \"" K64 "\": must be no more than 63 characters"},
    {"app:monolith", REQ "<nil>: Invalid value: \"app:monolith\": " NAME_PART},
    {"*bar=x", REQ "<nil>: Invalid value: \"*bar\": " NAME_PART},
    {"a/b/c ?=? def",
     REQ "<nil>: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric "
         "characters, '-', '_' or '.', and must start and end with an alphanumeric character "
         "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
         "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and "
         "'/' (e.g. 'example.com/MyName')"},
    {"app.kubernetes_io/name=x",
     REQ "<nil>: Invalid value: \"app.kubernetes_io/name\": prefix part " SUBDOMAIN},
    {"/x", REQ "<nil>: Invalid value: \"/x\": prefix part must be non-empty"},
    {"x/", REQ "<nil>: Invalid value: \"x/\": name part must be non-empty; " NAME_PART},
    {K64, REQ "<nil>: Invalid value: \"" K64 "\": name part must be no more than 63 characters"},
    {"\xff", REQ "<nil>: Invalid value: \"\\xff\": " NAME_PART},
    {"a\"b", REQ "<nil>: Invalid value: \"a\\\"b\": " NAME_PART},
};

START_TEST(label_parse_ok)
{
    struct apierr err = {0};
    struct selector *sel = selector_label_parse(label_ok[_i].in, &err);
    char *s;

    ck_assert_msg(sel != NULL, "%s: %s", label_ok[_i].in, err.message);
    s = selector_string(sel);
    ck_assert_str_eq(s, label_ok[_i].want);
    ck_assert_int_eq(selector_empty(sel), label_ok[_i].want[0] == '\0');
    free(s);
    selector_free(sel);
}
END_TEST

START_TEST(label_parse_bad)
{
    struct apierr err = {0};
    struct selector *sel = selector_label_parse(label_bad[_i].in, &err);

    ck_assert_msg(sel == NULL, "%s parsed", label_bad[_i].in);
    ck_assert_int_eq(err.reason, APIERR_BAD_REQUEST);
    ck_assert_str_eq(err.message, label_bad[_i].msg);
}
END_TEST

static const struct {
    const char *sel, *labels;
    bool want;
} label_match[] = {
    {"", NULL, true},
    {"", "{\"a\":\"b\"}", true},
    {"a=b", "{\"a\":\"b\"}", true},
    {"a=b", "{\"a\":\"c\"}", false},
    {"a=b", NULL, false},
    {"a==b", "{\"a\":\"b\"}", true},
    {"a=", "{\"a\":\"\"}", true},
    {"a=", "{}", false},
    {"a!=b", "{\"a\":\"b\"}", false},
    {"a!=b", "{\"a\":\"c\"}", true},
    {"a!=b", "{}", true},
    {"a!=b", NULL, true},
    {"a in (b,c)", "{\"a\":\"c\"}", true},
    {"a in (b,c)", "{\"a\":\"d\"}", false},
    {"a in (b,c)", "{}", false},
    {"a in ()", "{\"a\":\"\"}", true},
    {"a notin (b,c)", "{\"a\":\"c\"}", false},
    {"a notin (b,c)", "{\"a\":\"d\"}", true},
    {"a notin (b,c)", "{}", true},
    {"a", "{\"a\":\"\"}", true},
    {"a", "{\"b\":\"a\"}", false},
    {"!a", "{\"b\":\"a\"}", true},
    {"!a", "{\"a\":\"x\"}", false},
    {"!a", NULL, true},
    {"a>5", "{\"a\":\"6\"}", true},
    {"a>5", "{\"a\":\"5\"}", false},
    {"a>5", "{\"a\":\"x\"}", false},
    {"a>5", "{}", false},
    {"a<5", "{\"a\":\"-7\"}", true},
    {"a<5", "{\"a\":\"5\"}", false},
    {"a=b,c!=d,e in (f),g notin (h),i,!j", "{\"a\":\"b\",\"c\":\"x\",\"e\":\"f\",\"i\":\"\"}",
     true},
    {"a=b,c!=d,e in (f),g notin (h),i,!j", "{\"a\":\"b\",\"c\":\"x\",\"e\":\"f\",\"j\":\"\"}",
     false},
    {"a=b,a=c", "{\"a\":\"b\"}", false},
};

START_TEST(label_matches)
{
    struct apierr err = {0};
    struct selector *sel = selector_label_parse(label_match[_i].sel, &err);
    struct json_object *labels =
        label_match[_i].labels ? json_tokener_parse(label_match[_i].labels) : NULL;

    ck_assert_ptr_nonnull(sel);
    ck_assert_msg(selector_label_match(sel, labels) == label_match[_i].want, "%s on %s",
                  label_match[_i].sel, label_match[_i].labels);
    json_object_put(labels);
    selector_free(sel);
}
END_TEST

/* kube's RequiresExactMatch. */
static const struct {
    const char *sel, *key, *value; /* value NULL: not required */
} label_requires[] = {
    {"a=b", "a", "b"},         {"a==b", "a", "b"},         {"a in (b)", "a", "b"},
    {"a in (b,c)", "a", NULL}, {"a!=b", "a", NULL},        {"a", "a", NULL},
    {"x=y,a=b", "a", "b"},     {"x=y", "a", NULL},         {"", "a", NULL},
    {"a=b,a=c", "a", "b"},     {"a notin (b)", "a", NULL},
};

START_TEST(label_requires_value)
{
    struct apierr err = {0};
    struct selector *sel = selector_label_parse(label_requires[_i].sel, &err);
    const char *v = NULL;
    bool found;

    ck_assert_ptr_nonnull(sel);
    found = selector_label_requires(sel, label_requires[_i].key, &v);
    ck_assert_int_eq(found, label_requires[_i].value != NULL);
    if (found)
        ck_assert_str_eq(v, label_requires[_i].value);
    selector_free(sel);
}
END_TEST

START_TEST(label_reqs_exposed)
{
    struct apierr err = {0};
    struct selector *sel = selector_label_parse("b in (y,x),a", &err);
    const struct selector_req *r;
    size_t n;

    ck_assert_ptr_nonnull(sel);
    r = selector_reqs(sel, &n);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(r[0].key, "a");
    ck_assert_int_eq(r[0].op, SELECTOR_EXISTS);
    ck_assert_uint_eq(r[0].nvalues, 0);
    ck_assert_str_eq(r[1].key, "b");
    ck_assert_int_eq(r[1].op, SELECTOR_IN);
    ck_assert_uint_eq(r[1].nvalues, 2);
    ck_assert_str_eq(r[1].values[0], "x");
    ck_assert_str_eq(r[1].values[1], "y");
    selector_free(sel);
    ck_assert(selector_empty(NULL));
    ck_assert(selector_label_match(NULL, NULL));
    selector_free(NULL);
}
END_TEST

static const struct {
    const char *in, *want;
} field_ok[] = {
    {"", ""},
    {NULL, ""},
    {"metadata.name=x", "metadata.name=x"},
    {"metadata.name==x", "metadata.name=x"},
    {"status.phase!=Running,metadata.name=x", "metadata.name=x,status.phase!=Running"},
    {"a=b\\,c", "a=b\\,c"},
    {"a=b\\=c\\\\d", "a=b\\=c\\\\d"},
    {"a=", "a="},
    {",,a=b,", "a=b"},
    {"=", ""},
    {"==", ""},
    {"=x", "=x"},
    {"a b=c d", "a b=c d"},
    {"a=\xc3\xa9", "a=\xc3\xa9"},
    {"a=!", "a=!"},
};

static const struct {
    const char *in, *msg;
} field_bad[] = {
    {"foo", "invalid selector: 'foo'; can't understand 'foo'"},
    {"a=b,c", "invalid selector: 'a=b,c'; can't understand 'c'"},
    {"a!b", "invalid selector: 'a!b'; can't understand 'a!b'"},
    {"a=b=c", "invalid field selector: unescaped character in value: 61"},
    {"a!==b", "invalid field selector: unescaped character in value: 61"},
    {"a===b", "invalid field selector: unescaped character in value: 61"},
    {"a=b\\x", "invalid field selector: invalid escape sequence: \\x"},
    {"a=b\\\xc3\xa9", "invalid field selector: invalid escape sequence: \\\xc3\xa9"},
    {"a=b\\\xff", "invalid field selector: invalid escape sequence: \\\xef\xbf\xbd"},
    {"a=b\\", "invalid field selector: invalid escape sequence: \\"},
};

START_TEST(field_parse_ok)
{
    struct apierr err = {0};
    struct selector *sel = selector_field_parse(field_ok[_i].in, &err);
    char *s;

    ck_assert_msg(sel != NULL, "%s: %s", field_ok[_i].in, err.message);
    s = selector_string(sel);
    ck_assert_str_eq(s, field_ok[_i].want);
    free(s);
    selector_free(sel);
}
END_TEST

START_TEST(field_parse_bad)
{
    struct apierr err = {0};
    struct selector *sel = selector_field_parse(field_bad[_i].in, &err);

    ck_assert_msg(sel == NULL, "%s parsed", field_bad[_i].in);
    ck_assert_int_eq(err.reason, APIERR_BAD_REQUEST);
    ck_assert_str_eq(err.message, field_bad[_i].msg);
}
END_TEST

START_TEST(field_unescaped_values)
{
    struct apierr err = {0};
    struct selector *sel = selector_field_parse("b=x\\,y\\=z\\\\,a=\xff\\,", &err);
    const struct selector_req *r;
    size_t n;

    ck_assert_ptr_nonnull(sel);
    r = selector_reqs(sel, &n);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(r[0].key, "a");
    ck_assert_str_eq(r[0].values[0], "\xef\xbf\xbd,"); /* kube's rune-wise rewrite */
    ck_assert_str_eq(r[1].key, "b");
    ck_assert_str_eq(r[1].values[0], "x,y=z\\");
    selector_free(sel);
}
END_TEST

static const char pod[] = "{\"metadata\":{\"name\":\"web\",\"namespace\":\"d\"},"
                          "\"spec\":{\"replicas\":3,\"paused\":false,\"tpl\":{}},"
                          "\"status\":{\"phase\":\"Running\"}}";

static const struct {
    const char *sel;
    bool want;
} field_match[] = {
    {"", true},
    {"metadata.name=web", true},
    {"metadata.name==web", true},
    {"metadata.name=db", false},
    {"metadata.name!=db", true},
    {"metadata.name!=web", false},
    {"metadata.namespace=d,metadata.name=web", true},
    {"metadata.namespace=d,metadata.name=db", false},
    {"status.phase!=Running", false},
    {"status.phase=Running", true},
    {"spec.replicas=3", true},
    {"spec.paused=false", true},
    {"spec.nodeName=", true},
    {"spec.nodeName!=", false},
    {"spec.tpl=", true},
    {"metadata.name.x=", true},
    {"nothing.at.all=x", false},
};

START_TEST(field_matches)
{
    struct apierr err = {0};
    struct selector *sel = selector_field_parse(field_match[_i].sel, &err);
    struct json_object *obj = json_tokener_parse(pod);

    ck_assert_ptr_nonnull(sel);
    ck_assert_ptr_nonnull(obj);
    ck_assert_msg(selector_field_match_object(sel, obj) == field_match[_i].want, "%s",
                  field_match[_i].sel);
    json_object_put(obj);
    selector_free(sel);
}
END_TEST

/* A resource's own field function: only "spec.nodeName", computed. */
static const char *node_field(void *arg, const char *field)
{
    return strcmp(field, "spec.nodeName") == 0 ? (const char *)arg : NULL;
}

START_TEST(field_callback)
{
    struct apierr err = {0};
    struct selector *sel = selector_field_parse("spec.nodeName=n1,other=", &err);

    ck_assert_ptr_nonnull(sel);
    ck_assert(selector_field_match(sel, node_field, "n1"));
    ck_assert(!selector_field_match(sel, node_field, "n2"));
    ck_assert(selector_field_match(NULL, node_field, "n2"));
    selector_free(sel);
}
END_TEST

static const struct {
    const char *sel, *field, *value;
} field_requires[] = {
    {"metadata.name=x,status.phase!=y", "metadata.name", "x"},
    {"metadata.name==x", "metadata.name", "x"},
    {"metadata.name!=x", "metadata.name", NULL},
    {"metadata.namespace=x", "metadata.name", NULL},
    {"metadata.name=a\\,b", "metadata.name", "a,b"},
    {"", "metadata.name", NULL},
};

START_TEST(field_requires_value)
{
    struct apierr err = {0};
    struct selector *sel = selector_field_parse(field_requires[_i].sel, &err);
    const char *v = NULL;
    bool found;

    ck_assert_ptr_nonnull(sel);
    found = selector_field_requires(sel, field_requires[_i].field, &v);
    ck_assert_int_eq(found, field_requires[_i].value != NULL);
    if (found)
        ck_assert_str_eq(v, field_requires[_i].value);
    selector_free(sel);
}
END_TEST

START_TEST(field_check_labels)
{
    static const char *const allowed[] = {"metadata.name", "metadata.namespace", NULL};
    struct apierr err = {0};
    struct selector *ok = selector_field_parse("metadata.name=a,metadata.namespace!=b", &err);
    struct selector *bad = selector_field_parse("metadata.name=a,spec.x=1", &err);

    ck_assert_ptr_nonnull(ok);
    ck_assert_ptr_nonnull(bad);
    ck_assert_int_eq(selector_field_check(ok, allowed, &err), 0);
    ck_assert_int_eq(selector_field_check(NULL, allowed, &err), 0);
    ck_assert_int_eq(selector_field_check(bad, allowed, &err), -1);
    ck_assert_int_eq(err.reason, APIERR_BAD_REQUEST);
    ck_assert_str_eq(err.message, "field label not supported: spec.x");
    selector_free(ok);
    selector_free(bad);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *selector_suite(void)
{
    Suite *s = suite_create("selector");
    TCase *tc = tcase_create("selector");

    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, label_parse_ok, 0, N(label_ok));
    tcase_add_loop_test(tc, label_parse_bad, 0, N(label_bad));
    tcase_add_loop_test(tc, label_matches, 0, N(label_match));
    tcase_add_loop_test(tc, label_requires_value, 0, N(label_requires));
    tcase_add_test(tc, label_reqs_exposed);
    tcase_add_loop_test(tc, field_parse_ok, 0, N(field_ok));
    tcase_add_loop_test(tc, field_parse_bad, 0, N(field_bad));
    tcase_add_test(tc, field_unescaped_values);
    tcase_add_loop_test(tc, field_matches, 0, N(field_match));
    tcase_add_test(tc, field_callback);
    tcase_add_loop_test(tc, field_requires_value, 0, N(field_requires));
    tcase_add_test(tc, field_check_labels);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(selector_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
