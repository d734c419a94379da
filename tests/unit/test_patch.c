/* patch_json_apply, patch_merge(_apply), patch_strategic_apply: RFC 6902 appendix A and the
 * json-patch-tests suite (with kube's json-patch v4 deviations), RFC 7386 appendix A, and
 * kube's strategic merge patch directives over a small fake schema. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <json-c/json.h>

#include "generic/endpoints/patch.h"

#define ERR_422 ((const char *)1) /* expected outcome: APIERR_INVALID */
#define ERR_400 ((const char *)2) /* expected outcome: APIERR_BAD_REQUEST */
#define ERR_500 ((const char *)3) /* expected outcome: APIERR_INTERNAL */

static struct json_object *parse(const char *s)
{
    struct json_object *o = json_tokener_parse(s);

    ck_assert_msg(o != NULL || strcmp(s, "null") == 0, "bad test JSON: %s", s);
    return o;
}

static enum apierr_reason want_reason(const char *want)
{
    if (want == ERR_422)
        return APIERR_INVALID;
    if (want == ERR_400)
        return APIERR_BAD_REQUEST;
    return APIERR_INTERNAL;
}

/* Checks one outcome: rc/err against want, and the document against want or, on failure,
 * against its untouched text. */
static void check_outcome(int rc, const struct apierr *err, struct json_object *doc,
                          const char *before, const char *want, const char *what)
{
    struct json_object *w;

    if (want == ERR_422 || want == ERR_400 || want == ERR_500) {
        ck_assert_msg(rc == -1, "%s: expected failure, got %s", what,
                      json_object_to_json_string(doc));
        ck_assert_msg(err->reason == want_reason(want), "%s: reason %d (%s)", what, err->reason,
                      err->message);
        w = parse(before);
    } else {
        ck_assert_msg(rc == 0, "%s: failed: %s", what, err->message);
        w = parse(want);
    }
    ck_assert_msg(json_object_equal(w, doc), "%s: got %s", what, json_object_to_json_string(doc));
    json_object_put(w);
}

/* ---- JSON patch ---- */

static const struct {
    const char *doc, *patch, *want;
} jp_cases[] = {
    /* RFC 6902 appendix A */
    {"{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\"}]",
     "{\"baz\":\"qux\",\"foo\":\"bar\"}"},
    {"{\"foo\":[\"bar\",\"baz\"]}", "[{\"op\":\"add\",\"path\":\"/foo/1\",\"value\":\"qux\"}]",
     "{\"foo\":[\"bar\",\"qux\",\"baz\"]}"},
    {"{\"baz\":\"qux\",\"foo\":\"bar\"}", "[{\"op\":\"remove\",\"path\":\"/baz\"}]",
     "{\"foo\":\"bar\"}"},
    {"{\"foo\":[\"bar\",\"qux\",\"baz\"]}", "[{\"op\":\"remove\",\"path\":\"/foo/1\"}]",
     "{\"foo\":[\"bar\",\"baz\"]}"},
    {"{\"baz\":\"qux\",\"foo\":\"bar\"}", "[{\"op\":\"replace\",\"path\":\"/baz\",\"value\":\"boo\"}]",
     "{\"baz\":\"boo\",\"foo\":\"bar\"}"},
    {"{\"foo\":{\"bar\":\"baz\",\"waldo\":\"fred\"},\"qux\":{\"corge\":\"grault\"}}",
     "[{\"op\":\"move\",\"from\":\"/foo/waldo\",\"path\":\"/qux/thud\"}]",
     "{\"foo\":{\"bar\":\"baz\"},\"qux\":{\"corge\":\"grault\",\"thud\":\"fred\"}}"},
    {"{\"foo\":[\"all\",\"grass\",\"cows\",\"eat\"]}",
     "[{\"op\":\"move\",\"from\":\"/foo/1\",\"path\":\"/foo/3\"}]",
     "{\"foo\":[\"all\",\"cows\",\"eat\",\"grass\"]}"},
    {"{\"baz\":\"qux\",\"foo\":[\"a\",2,\"c\"]}",
     "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"qux\"},"
     "{\"op\":\"test\",\"path\":\"/foo/1\",\"value\":2}]",
     "{\"baz\":\"qux\",\"foo\":[\"a\",2,\"c\"]}"},
    {"{\"baz\":\"qux\"}", "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"bar\"}]", ERR_422},
    {"{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/child\",\"value\":{\"grandchild\":{}}}]",
     "{\"foo\":\"bar\",\"child\":{\"grandchild\":{}}}"},
    {"{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\",\"xyz\":123}]",
     "{\"foo\":\"bar\",\"baz\":\"qux\"}"},
    {"{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz/bat\",\"value\":\"qux\"}]", ERR_422},
    {"{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\",\"op\":\"remove\"}]",
     ERR_422},
    {"{\"/\":9,\"~1\":10}", "[{\"op\":\"test\",\"path\":\"/~01\",\"value\":10}]",
     "{\"/\":9,\"~1\":10}"},
    {"{\"/\":9,\"~1\":10}", "[{\"op\":\"test\",\"path\":\"/~01\",\"value\":\"10\"}]", ERR_422},
    {"{\"foo\":[\"bar\"]}", "[{\"op\":\"add\",\"path\":\"/foo/-\",\"value\":[\"abc\",\"def\"]}]",
     "{\"foo\":[\"bar\",[\"abc\",\"def\"]]}"},
    /* json-patch-tests */
    {"{}", "[]", "{}"},
    {"[]", "[{\"op\":\"add\",\"path\":\"/0\",\"value\":\"foo\"}]", "[\"foo\"]"},
    {"[\"foo\"]", "[]", "[\"foo\"]"},
    {"{}", "[{\"op\":\"add\",\"path\":\"/foo\",\"value\":\"1\"}]", "{\"foo\":\"1\"}"},
    {"{}", "[{\"op\":\"add\",\"path\":\"/foo\",\"value\":1}]", "{\"foo\":1}"},
    {"{}", "[{\"op\":\"add\",\"path\":\"/\",\"value\":1}]", "{\"\":1}"},
    {"{\"foo\":{}}", "[{\"op\":\"add\",\"path\":\"/foo/\",\"value\":1}]", "{\"foo\":{\"\":1}}"},
    {"{\"foo\":1}", "[{\"op\":\"add\",\"path\":\"/bar\",\"value\":[1,2]}]",
     "{\"foo\":1,\"bar\":[1,2]}"},
    {"{\"foo\":1,\"baz\":[{\"qux\":\"hello\"}]}",
     "[{\"op\":\"add\",\"path\":\"/baz/0/foo\",\"value\":\"world\"}]",
     "{\"foo\":1,\"baz\":[{\"qux\":\"hello\",\"foo\":\"world\"}]}"},
    {"{\"bar\":[1,2]}", "[{\"op\":\"add\",\"path\":\"/bar/8\",\"value\":\"5\"}]", ERR_422},
    {"{\"foo\":1}", "[{\"op\":\"add\",\"path\":\"/bar\",\"value\":true}]", "{\"foo\":1,\"bar\":true}"},
    {"{\"foo\":1}", "[{\"op\":\"add\",\"path\":\"/bar\",\"value\":null}]", "{\"foo\":1,\"bar\":null}"},
    {"{\"foo\":1}", "[{\"op\":\"add\",\"path\":\"/0\",\"value\":\"bar\"}]", "{\"foo\":1,\"0\":\"bar\"}"},
    {"[\"foo\"]", "[{\"op\":\"add\",\"path\":\"/1\",\"value\":\"bar\"}]", "[\"foo\",\"bar\"]"},
    {"[\"foo\",\"sil\"]", "[{\"op\":\"add\",\"path\":\"/1\",\"value\":\"bar\"}]",
     "[\"foo\",\"bar\",\"sil\"]"},
    {"[\"foo\",\"sil\"]", "[{\"op\":\"add\",\"path\":\"/0\",\"value\":\"bar\"}]",
     "[\"bar\",\"foo\",\"sil\"]"},
    {"[\"foo\",\"sil\"]", "[{\"op\":\"add\",\"path\":\"/2\",\"value\":\"bar\"}]",
     "[\"foo\",\"sil\",\"bar\"]"},
    {"[\"foo\",\"sil\"]", "[{\"op\":\"add\",\"path\":\"/3\",\"value\":\"bar\"}]", ERR_422},
    {"[\"foo\",\"sil\"]", "[{\"op\":\"add\",\"path\":\"/bar\",\"value\":42}]", ERR_422},
    {"[\"foo\",\"sil\"]", "[{\"op\":\"add\",\"path\":\"/1\",\"value\":[\"bar\",\"baz\"]}]",
     "[\"foo\",[\"bar\",\"baz\"],\"sil\"]"},
    {"{\"foo\":1,\"bar\":[1,2,3,4]}", "[{\"op\":\"remove\",\"path\":\"/bar\"}]", "{\"foo\":1}"},
    {"{\"foo\":1,\"baz\":[{\"qux\":\"hello\"}]}", "[{\"op\":\"remove\",\"path\":\"/baz/0/qux\"}]",
     "{\"foo\":1,\"baz\":[{}]}"},
    {"{\"foo\":1,\"baz\":[{\"qux\":\"hello\"}]}",
     "[{\"op\":\"replace\",\"path\":\"/foo\",\"value\":[1,2,3,4]}]",
     "{\"foo\":[1,2,3,4],\"baz\":[{\"qux\":\"hello\"}]}"},
    {"{\"foo\":[1,2,3,4],\"baz\":[{\"qux\":\"hello\"}]}",
     "[{\"op\":\"replace\",\"path\":\"/baz/0/qux\",\"value\":\"world\"}]",
     "{\"foo\":[1,2,3,4],\"baz\":[{\"qux\":\"world\"}]}"},
    {"[\"foo\"]", "[{\"op\":\"replace\",\"path\":\"/0\",\"value\":\"bar\"}]", "[\"bar\"]"},
    {"[\"\"]", "[{\"op\":\"replace\",\"path\":\"/0\",\"value\":null}]", "[null]"},
    {"[\"foo\",\"sil\"]", "[{\"op\":\"replace\",\"path\":\"/1\",\"value\":[\"bar\",\"baz\"]}]",
     "[\"foo\",[\"bar\",\"baz\"]]"},
    {"{\"1e0\":\"foo\"}", "[{\"op\":\"test\",\"path\":\"/1e0\",\"value\":\"foo\"}]",
     "{\"1e0\":\"foo\"}"},
    {"[\"foo\",\"bar\"]", "[{\"op\":\"test\",\"path\":\"/1e0\",\"value\":\"bar\"}]", ERR_422},
    {"{\"foo\":null}", "[{\"op\":\"test\",\"path\":\"/foo\",\"value\":null}]", "{\"foo\":null}"},
    {"{\"foo\":null}", "[{\"op\":\"remove\",\"path\":\"/foo\"}]", "{}"},
    {"{\"foo\":null}", "[{\"op\":\"replace\",\"path\":\"/foo\",\"value\":\"truthy\"}]",
     "{\"foo\":\"truthy\"}"},
    {"{\"foo\":null}", "[{\"op\":\"move\",\"from\":\"/foo\",\"path\":\"/bar\"}]", "{\"bar\":null}"},
    {"{\"foo\":null}", "[{\"op\":\"copy\",\"from\":\"/foo\",\"path\":\"/bar\"}]",
     "{\"foo\":null,\"bar\":null}"},
    {"{\"foo\":{\"foo\":1,\"bar\":2}}",
     "[{\"op\":\"test\",\"path\":\"/foo\",\"value\":{\"bar\":2,\"foo\":1}}]",
     "{\"foo\":{\"foo\":1,\"bar\":2}}"},
    {"{\"foo\":[{\"foo\":1,\"bar\":2}]}",
     "[{\"op\":\"test\",\"path\":\"/foo\",\"value\":[{\"bar\":2,\"foo\":1}]}]",
     "{\"foo\":[{\"foo\":1,\"bar\":2}]}"},
    {"{\"foo\":{\"bar\":[1,2,5,4]}}", "[{\"op\":\"test\",\"path\":\"/foo\",\"value\":[1,2]}]",
     ERR_422},
    {"{\"\":1}", "[{\"op\":\"test\",\"path\":\"/\",\"value\":1}]", "{\"\":1}"},
    {"{\"a/b\":1,\"c%d\":2,\"g|h\":4,\"i\\\\j\":5,\"k\\\"l\":6,\" \":7,\"m~n\":8}",
     "[{\"op\":\"test\",\"path\":\"/a~1b\",\"value\":1},{\"op\":\"test\",\"path\":\"/c%d\","
     "\"value\":2},{\"op\":\"test\",\"path\":\"/g|h\",\"value\":4},{\"op\":\"test\",\"path\":"
     "\"/i\\\\j\",\"value\":5},{\"op\":\"test\",\"path\":\"/k\\\"l\",\"value\":6},{\"op\":"
     "\"test\",\"path\":\"/ \",\"value\":7},{\"op\":\"test\",\"path\":\"/m~0n\",\"value\":8}]",
     "{\"a/b\":1,\"c%d\":2,\"g|h\":4,\"i\\\\j\":5,\"k\\\"l\":6,\" \":7,\"m~n\":8}"},
    {"{\"foo\":1}", "[{\"op\":\"move\",\"from\":\"/foo\",\"path\":\"/foo\"}]", "{\"foo\":1}"},
    {"{\"foo\":1,\"baz\":[{\"qux\":\"hello\"}]}",
     "[{\"op\":\"move\",\"from\":\"/foo\",\"path\":\"/bar\"}]",
     "{\"baz\":[{\"qux\":\"hello\"}],\"bar\":1}"},
    {"{\"baz\":[{\"qux\":\"hello\"}],\"bar\":1}",
     "[{\"op\":\"move\",\"from\":\"/baz/0/qux\",\"path\":\"/baz/1\"}]",
     "{\"baz\":[{},\"hello\"],\"bar\":1}"},
    {"{\"baz\":[{\"qux\":\"hello\"}],\"bar\":1}",
     "[{\"op\":\"copy\",\"from\":\"/baz/0\",\"path\":\"/boo\"}]",
     "{\"baz\":[{\"qux\":\"hello\"}],\"bar\":1,\"boo\":{\"qux\":\"hello\"}}"},
    {"{\"foo\":1,\"baz\":[{\"qux\":\"hello\"}]}", "[{\"op\":\"remove\",\"path\":\"/baz/1e0/qux\"}]",
     ERR_422},
    {"[1,2,3,4]", "[{\"op\":\"remove\",\"path\":\"/1e0\"}]", ERR_422},
    {"[\"\"]", "[{\"op\":\"replace\",\"path\":\"/1e0\",\"value\":false}]", ERR_422},
    {"{\"foo\":1,\"baz\":[1,2,3,4]}", "[{\"op\":\"move\",\"from\":\"/baz/1e0\",\"path\":\"/foo\"}]",
     ERR_422},
    {"{\"baz\":[1,2,3],\"bar\":1}", "[{\"op\":\"copy\",\"from\":\"/baz/1e0\",\"path\":\"/boo\"}]",
     ERR_422},
    {"[\"foo\",\"sil\"]", "[{\"op\":\"add\",\"path\":\"/1e0\",\"value\":\"bar\"}]", ERR_422},
    {"{}", "[{\"op\":\"add\",\"value\":\"bar\"}]", ERR_422},
    {"{}", "[{\"op\":\"move\",\"path\":\"/a\"}]", ERR_422},
    {"{\"a\":1}", "[{\"op\":\"copy\",\"path\":\"/b\"}]", ERR_422},
    {"{}", "[{\"op\":\"spam\",\"path\":\"/foo\",\"value\":1}]", ERR_422},
    {"{}", "[{\"path\":\"/foo\",\"value\":1}]", ERR_422},
    {"{}", "[{\"op\":1,\"path\":\"/foo\",\"value\":1}]", ERR_422},
    {"{\"foo\":\"bar\"}", "[{\"op\":\"remove\",\"path\":\"/baz\"}]", ERR_422},
    {"[\"foo\",\"bar\"]", "[{\"op\":\"remove\",\"path\":\"/2\"}]", ERR_422},
    {"{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/FOO\",\"value\":\"BAR\"}]",
     "{\"foo\":\"bar\",\"FOO\":\"BAR\"}"},
    {"{\"foo\":\"bar\"}", "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"qux\"}]", ERR_422},
    {"{\"a\":{\"b\":1}}", "[{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/a/c\"}]", ERR_422},
    {"{\"a\":1}", "[{\"op\":\"add\",\"path\":\"/a/b\",\"value\":1}]", ERR_422},
    {"{\"a\":null}", "[{\"op\":\"add\",\"path\":\"/a/b\",\"value\":1}]", ERR_422},
    /* the whole document, and paths without a leading slash, are never found */
    {"{}", "[{\"op\":\"replace\",\"path\":\"\",\"value\":{\"a\":1}}]", ERR_422},
    {"{\"a\":1}", "[{\"op\":\"test\",\"path\":\"\",\"value\":{\"a\":1}}]", ERR_422},
    {"{\"a\":1}", "[{\"op\":\"remove\",\"path\":\"a\"}]", ERR_422},
    /* json-patch v4 as kube runs it */
    {"{\"bar\":[1,2]}", "[{\"op\":\"add\",\"path\":\"/bar/-1\",\"value\":5}]", "{\"bar\":[1,2,5]}"},
    {"{\"bar\":[1,2]}", "[{\"op\":\"add\",\"path\":\"/bar/-3\",\"value\":5}]", "{\"bar\":[5,1,2]}"},
    {"{\"bar\":[1,2]}", "[{\"op\":\"add\",\"path\":\"/bar/-4\",\"value\":5}]", ERR_422},
    {"[1,2,3]", "[{\"op\":\"remove\",\"path\":\"/-1\"}]", "[1,2]"},
    {"[1,2,3]", "[{\"op\":\"test\",\"path\":\"/-3\",\"value\":1}]", "[1,2,3]"},
    {"[\"foo\",\"bar\"]", "[{\"op\":\"test\",\"path\":\"/01\",\"value\":\"bar\"}]",
     "[\"foo\",\"bar\"]"},
    {"{}", "[{\"op\":\"add\",\"path\":\"/foo\"}]", "{\"foo\":null}"},
    {"{\"foo\":\"bar\"}", "[{\"op\":\"replace\",\"path\":\"/baz\",\"value\":\"qux\"}]",
     "{\"foo\":\"bar\",\"baz\":\"qux\"}"},
    {"{\"foo\":\"bar\"}", "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":null}]",
     "{\"foo\":\"bar\"}"},
    {"{\"foo\":\"bar\"}", "[{\"op\":\"test\",\"path\":\"/baz\"}]", "{\"foo\":\"bar\"}"},
    {"{\"a\":1}", "null", "{\"a\":1}"},
    {"{\"a\":1}", "[null]", ERR_422},
    {"{\"a\":1}", " [ ] \n", "{\"a\":1}"},
    /* a failure part-way leaves the document as it was */
    {"{\"a\":[1,2]}",
     "[{\"op\":\"add\",\"path\":\"/b\",\"value\":1},{\"op\":\"remove\",\"path\":\"/a/0\"},"
     "{\"op\":\"test\",\"path\":\"/a/0\",\"value\":1}]",
     ERR_422},
    /* malformed patch documents */
    {"{}", "", ERR_400},
    {"{}", "[", ERR_400},
    {"{}", "{}", ERR_400},
    {"{}", "\"add\"", ERR_400},
    {"{}", "[1]", ERR_400},
    {"{}", "[[]]", ERR_400},
    {"{}", "[] x", ERR_400},
    {"{}", "[{'op':'add'}]", ERR_400},
    {"{}", "[/* c */]", ERR_400},
};

START_TEST(json_patch_cases)
{
    struct json_object *doc = parse(jp_cases[_i].doc);
    struct apierr err = {0};
    char what[64];
    int rc;

    snprintf(what, sizeof(what), "jp case %d", _i);
    rc = patch_json_apply(&doc, jp_cases[_i].patch, strlen(jp_cases[_i].patch), &err);
    check_outcome(rc, &err, doc, jp_cases[_i].doc, jp_cases[_i].want, what);
    if (rc < 0 && err.reason == APIERR_INVALID) {
        ck_assert_str_eq(err.message, PATCH_INVALID_MESSAGE);
        ck_assert_int_eq(err.ncauses, 0);
    }
    json_object_put(doc);
}
END_TEST

START_TEST(json_patch_messages)
{
    struct json_object *doc = parse("{}");
    struct apierr err = {0};

    ck_assert_int_eq(patch_json_apply(&doc, "{}", 2, &err), -1);
    ck_assert_str_eq(err.message, "json: cannot unmarshal object into Go value of type "
                                  "jsonpatch.Patch");
    ck_assert_int_eq(patch_json_apply(&doc, "[\"x\"]", 5, &err), -1);
    ck_assert_str_eq(err.message, "json: cannot unmarshal string into Go value of type "
                                  "jsonpatch.Operation");
    ck_assert_int_eq(patch_json_apply(&doc, "[{", 2, &err), -1);
    ck_assert_str_eq(err.message, "unexpected end of JSON input");
    ck_assert_int_eq(patch_json_apply(&doc, "[] x", 4, &err), -1);
    ck_assert_int_eq(err.reason, APIERR_BAD_REQUEST);
    json_object_put(doc);
}
END_TEST

/* The caller's object is never written: it may be shared. */
START_TEST(json_patch_leaves_shared_doc)
{
    struct json_object *orig = parse("{\"a\":{\"b\":[1,2]}}"), *doc = json_object_get(orig);
    struct apierr err = {0};
    const char *p = "[{\"op\":\"add\",\"path\":\"/a/b/0\",\"value\":0},"
                    "{\"op\":\"remove\",\"path\":\"/a/b/2\"}]";
    struct json_object *want = parse("{\"a\":{\"b\":[1,2]}}");

    ck_assert_int_eq(patch_json_apply(&doc, p, strlen(p), &err), 0);
    ck_assert_ptr_ne(doc, orig);
    ck_assert(json_object_equal(orig, want));
    ck_assert_str_eq(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN),
                     "{\"a\":{\"b\":[0,1]}}");
    json_object_put(doc);
    json_object_put(orig);
    json_object_put(want);
}
END_TEST

static char *repeat(const char *head, const char *unit, size_t n, const char *tail)
{
    size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail), i;
    char *s = malloc(hl + ul * n + tl + 1), *p = s;

    memcpy(p, head, hl);
    p += hl;
    for (i = 0; i < n; i++, p += ul)
        memcpy(p, unit, ul);
    memcpy(p, tail, tl + 1);
    return s;
}

START_TEST(json_patch_limits)
{
    struct json_object *doc = parse("{\"a\":[]}");
    struct apierr err = {0};
    char *p;
    size_t len;

    /* 10000 operations are fine, 10001 are 413 */
    p = repeat("[", "{\"op\":\"add\",\"path\":\"/a/-\",\"value\":1},", 10000, "{}]");
    len = strlen(p);
    ck_assert_int_eq(patch_json_apply(&doc, p, len, &err), -1);
    ck_assert_int_eq(err.reason, APIERR_TOO_LARGE);
    ck_assert_str_eq(err.message, "Request entity too large: The allowed maximum operations in "
                                  "a JSON patch is 10000, got 10001");
    strcpy(p + len - 4, "]");
    ck_assert_int_eq(patch_json_apply(&doc, p, strlen(p), &err), 0);
    ck_assert_int_eq(json_object_array_length(json_object_object_get(doc, "a")), 10000);
    free(p);
    /* a value nested too deep for the parser */
    p = repeat("[{\"op\":\"add\",\"path\":\"/x\",\"value\":", "[", 200, "");
    ck_assert_int_eq(patch_json_apply(&doc, p, strlen(p), &err), -1);
    ck_assert_int_eq(err.reason, APIERR_BAD_REQUEST);
    free(p);
    json_object_put(doc);
}
END_TEST

/* Adds that would nest the document deeper than PATCH_MAX_DEPTH fail, whatever the parser
 * allowed each value. */
START_TEST(json_patch_depth_growth)
{
    struct json_object *doc = parse("{}");
    struct apierr err = {0};
    char *open60 = repeat("", "[", 60, ""), *close60 = repeat("", "]", 60, "");
    char *open39 = repeat("", "[", 39, ""), *close39 = repeat("", "]", 39, "");
    char *path = repeat("/x", "/0", 59, "/-"), buf[1024];

    snprintf(buf, sizeof(buf), "[{\"op\":\"add\",\"path\":\"/x\",\"value\":%s%s}]", open60,
             close60);
    ck_assert_int_eq(patch_json_apply(&doc, buf, strlen(buf), &err), 0);
    snprintf(buf, sizeof(buf), "[{\"op\":\"add\",\"path\":\"%s\",\"value\":%s%s}]", path, open60,
             close60);
    ck_assert_int_eq(patch_json_apply(&doc, buf, strlen(buf), &err), -1);
    ck_assert_int_eq(err.reason, APIERR_INVALID);
    snprintf(buf, sizeof(buf), "[{\"op\":\"copy\",\"from\":\"/x\",\"path\":\"%s\"}]", path);
    ck_assert_int_eq(patch_json_apply(&doc, buf, strlen(buf), &err), -1);
    snprintf(buf, sizeof(buf), "[{\"op\":\"add\",\"path\":\"%s\",\"value\":%s%s}]", path, open39,
             close39);
    ck_assert_int_eq(patch_json_apply(&doc, buf, strlen(buf), &err), 0);
    free(open60);
    free(close60);
    free(open39);
    free(close39);
    free(path);
    json_object_put(doc);
}
END_TEST

/* Copies may add at most PATCH_MAX_COPY_BYTES in all. */
START_TEST(json_patch_copy_limit)
{
    struct json_object *doc = json_object_new_object();
    char *big = malloc(1024 * 1024 + 1), *p;
    struct apierr err = {0};

    memset(big, 'x', 1024 * 1024);
    big[1024 * 1024] = '\0';
    json_object_object_add(doc, "a", json_object_new_string(big));
    p = repeat("[", "{\"op\":\"copy\",\"from\":\"/a\",\"path\":\"/b\"},", 2, "{\"op\":\"test\","
               "\"path\":\"/a\",\"value\":null}]");
    ck_assert_int_eq(patch_json_apply(&doc, p, strlen(p), &err), -1); /* the test fails */
    free(p);
    p = repeat("[", "{\"op\":\"copy\",\"from\":\"/a\",\"path\":\"/b\"},", 3, "{\"op\":\"test\","
               "\"path\":\"/a\",\"value\":null}]");
    ck_assert_int_eq(patch_json_apply(&doc, p, strlen(p), &err), -1);
    ck_assert_int_eq(err.reason, APIERR_INVALID);
    free(p);
    p = repeat("[", "{\"op\":\"copy\",\"from\":\"/a\",\"path\":\"/b\"},", 2, "{}]");
    ck_assert_int_eq(patch_json_apply(&doc, p, strlen(p) - 4, &err), -1); /* trailing comma */
    strcpy(p + strlen(p) - 4, "]");
    ck_assert_int_eq(patch_json_apply(&doc, p, strlen(p), &err), 0);
    free(p);
    p = repeat("[", "{\"op\":\"copy\",\"from\":\"/a\",\"path\":\"/b\"},", 3, "{}]");
    strcpy(p + strlen(p) - 4, "]");
    ck_assert_int_eq(patch_json_apply(&doc, p, strlen(p), &err), -1);
    ck_assert_int_eq(err.reason, APIERR_INVALID);
    free(p);
    free(big);
    json_object_put(doc);
}
END_TEST

/* Inserting at the head of a long array over and over runs out of work, not of time. */
START_TEST(json_patch_work_limit)
{
    struct json_object *doc = json_object_new_object(), *arr = json_object_new_array();
    struct apierr err = {0};
    char *p;
    int i;

    for (i = 0; i < 20000; i++)
        json_object_array_add(arr, json_object_new_int(i));
    json_object_object_add(doc, "a", arr);
    p = repeat("[", "{\"op\":\"add\",\"path\":\"/a/0\",\"value\":0},", 9999, "{}]");
    strcpy(p + strlen(p) - 4, "]");
    ck_assert_int_eq(patch_json_apply(&doc, p, strlen(p), &err), 0);
    ck_assert_int_eq(json_object_array_length(json_object_object_get(doc, "a")), 29999);
    ck_assert_int_eq(patch_json_apply(&doc, p, strlen(p), &err), -1);
    ck_assert_int_eq(err.reason, APIERR_INVALID);
    free(p);
    json_object_put(doc);
}
END_TEST

/* ---- JSON merge patch ---- */

static const struct {
    const char *target, *patch, *want;
} mp_cases[] = {
    /* RFC 7386 appendix A */
    {"{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}"},
    {"{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}"},
    {"{\"a\":\"b\"}", "{\"a\":null}", "{}"},
    {"{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}"},
    {"{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}"},
    {"{\"a\":\"c\"}", "{\"a\":[\"b\"]}", "{\"a\":[\"b\"]}"},
    {"{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}", "{\"a\":{\"b\":\"d\"}}"},
    {"{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}"},
    {"[\"a\",\"b\"]", "[\"c\",\"d\"]", "[\"c\",\"d\"]"},
    {"{\"a\":\"b\"}", "[\"c\"]", "[\"c\"]"},
    {"{\"a\":\"foo\"}", "null", "null"},
    {"{\"a\":\"foo\"}", "\"bar\"", "\"bar\""},
    {"{\"e\":null}", "{\"a\":1}", "{\"e\":null,\"a\":1}"},
    {"[1,2]", "{\"a\":\"b\",\"c\":null}", "{\"a\":\"b\"}"},
    {"{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", "{\"a\":{\"bb\":{}}}"},
    /* more */
    {"{\"a\":1}", "{}", "{\"a\":1}"},
    {"{\"a\":{\"b\":1,\"c\":2}}", "{\"a\":{\"b\":null,\"d\":{\"e\":null,\"f\":[null]}}}",
     "{\"a\":{\"c\":2,\"d\":{\"f\":[null]}}}"},
    {"{\"a\":5}", "{\"a\":{\"b\":null,\"c\":1}}", "{\"a\":{\"c\":1}}"},
    {"{\"metadata\":{\"labels\":{\"app\":\"x\",\"tier\":\"web\"}}}",
     "{\"metadata\":{\"labels\":{\"tier\":null,\"env\":\"prod\"}}}",
     "{\"metadata\":{\"labels\":{\"app\":\"x\",\"env\":\"prod\"}}}"},
};

START_TEST(merge_patch_rfc)
{
    struct json_object *t = parse(mp_cases[_i].target), *p = parse(mp_cases[_i].patch);
    struct json_object *w = parse(mp_cases[_i].want);
    struct apierr err = {0};

    ck_assert_int_eq(patch_merge(&t, p, &err), 0);
    ck_assert_msg(json_object_equal(t, w), "mp case %d: got %s", _i, json_object_to_json_string(t));
    json_object_put(t);
    json_object_put(p);
    json_object_put(w);
}
END_TEST

START_TEST(merge_patch_apply)
{
    static const char *const bad[] = {"null", "1", "\"x\"", "[1]", "true"};
    struct json_object *orig = parse("{\"a\":{\"b\":1},\"c\":[1]}"), *doc = json_object_get(orig);
    struct json_object *p = parse("{\"a\":{\"b\":null,\"x\":2},\"c\":null}"), *bp;
    struct apierr err = {0};
    unsigned i;

    ck_assert_int_eq(patch_merge_apply(&doc, p, &err), 0);
    ck_assert_str_eq(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN),
                     "{\"a\":{\"x\":2}}");
    ck_assert_str_eq(json_object_to_json_string_ext(orig, JSON_C_TO_STRING_PLAIN),
                     "{\"a\":{\"b\":1},\"c\":[1]}");
    ck_assert_str_eq(json_object_to_json_string_ext(p, JSON_C_TO_STRING_PLAIN),
                     "{\"a\":{\"b\":null,\"x\":2},\"c\":null}");
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        bp = parse(bad[i]);
        ck_assert_int_eq(patch_merge_apply(&doc, bp, &err), -1);
        ck_assert_int_eq(err.reason, APIERR_BAD_REQUEST);
        ck_assert_str_eq(err.message, "Invalid JSON Patch");
        json_object_put(bp);
    }
    json_object_put(doc);
    json_object_put(orig);
    json_object_put(p);
}
END_TEST

/* A patch nested deeper than PATCH_MAX_DEPTH is refused before anything changes. */
START_TEST(merge_patch_depth)
{
    struct json_object *doc = parse("{\"a\":1}"), *p = json_object_new_object(), *cur = p, *n;
    struct apierr err = {0};
    int i;

    for (i = 0; i < 150; i++) {
        n = json_object_new_object();
        json_object_object_add(cur, "a", n);
        cur = n;
    }
    ck_assert_int_eq(patch_merge_apply(&doc, p, &err), -1);
    ck_assert_int_eq(err.reason, APIERR_BAD_REQUEST);
    ck_assert_int_eq(patch_merge(&doc, p, &err), -1);
    ck_assert_str_eq(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN), "{\"a\":1}");
    json_object_put(p);
    json_object_put(doc);
}
END_TEST

static Suite *patch_suite(void)
{
    Suite *s = suite_create("patch");
    TCase *jp = tcase_create("json"), *mp = tcase_create("merge");

    tcase_set_timeout(jp, 60);
    tcase_add_loop_test(jp, json_patch_cases, 0, sizeof(jp_cases) / sizeof(jp_cases[0]));
    tcase_add_test(jp, json_patch_messages);
    tcase_add_test(jp, json_patch_leaves_shared_doc);
    tcase_add_test(jp, json_patch_limits);
    tcase_add_test(jp, json_patch_depth_growth);
    tcase_add_test(jp, json_patch_copy_limit);
    tcase_add_test(jp, json_patch_work_limit);
    suite_add_tcase(s, jp);
    tcase_set_timeout(mp, 30);
    tcase_add_loop_test(mp, merge_patch_rfc, 0, sizeof(mp_cases) / sizeof(mp_cases[0]));
    tcase_add_test(mp, merge_patch_apply);
    tcase_add_test(mp, merge_patch_depth);
    suite_add_tcase(s, mp);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(patch_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
