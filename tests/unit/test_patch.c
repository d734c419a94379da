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
    {"{\"baz\":\"qux\",\"foo\":\"bar\"}",
     "[{\"op\":\"replace\",\"path\":\"/baz\",\"value\":\"boo\"}]",
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
    {"{\"foo\":\"bar\"}",
     "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\",\"op\":\"remove\"}]", ERR_422},
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
    {"{\"foo\":1}", "[{\"op\":\"add\",\"path\":\"/bar\",\"value\":true}]",
     "{\"foo\":1,\"bar\":true}"},
    {"{\"foo\":1}", "[{\"op\":\"add\",\"path\":\"/bar\",\"value\":null}]",
     "{\"foo\":1,\"bar\":null}"},
    {"{\"foo\":1}", "[{\"op\":\"add\",\"path\":\"/0\",\"value\":\"bar\"}]",
     "{\"foo\":1,\"0\":\"bar\"}"},
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
    enum { HALF = PATCH_MAX_DEPTH / 2 };
    struct json_object *doc = parse("{}");
    struct apierr err = {0};
    char *open_h = repeat("", "[", HALF, ""), *close_h = repeat("", "]", HALF, "");
    char *open_s = repeat("", "[", 5, ""), *close_s = repeat("", "]", 5, "");
    char *path = repeat("/x", "/0", HALF - 1, "/-"), buf[1024];

    snprintf(buf, sizeof(buf), "[{\"op\":\"add\",\"path\":\"/x\",\"value\":%s%s}]", open_h,
             close_h);
    ck_assert_int_eq(patch_json_apply(&doc, buf, strlen(buf), &err), 0);
    /* the innermost array of /x plus another HALF levels is deeper than the bound */
    snprintf(buf, sizeof(buf), "[{\"op\":\"add\",\"path\":\"%s\",\"value\":%s%s}]", path,
             open_h, close_h);
    ck_assert_int_eq(patch_json_apply(&doc, buf, strlen(buf), &err), -1);
    ck_assert_int_eq(err.reason, APIERR_INVALID);
    snprintf(buf, sizeof(buf), "[{\"op\":\"copy\",\"from\":\"/x\",\"path\":\"%s\"}]", path);
    ck_assert_int_eq(patch_json_apply(&doc, buf, strlen(buf), &err), -1);
    snprintf(buf, sizeof(buf), "[{\"op\":\"add\",\"path\":\"%s\",\"value\":%s%s}]", path,
             open_s, close_s);
    ck_assert_int_eq(patch_json_apply(&doc, buf, strlen(buf), &err), 0);
    free(open_h);
    free(close_h);
    free(open_s);
    free(close_s);
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
    p = repeat("[", "{\"op\":\"copy\",\"from\":\"/a\",\"path\":\"/b\"},", 2,
               "{\"op\":\"test\","
               "\"path\":\"/a\",\"value\":null}]");
    ck_assert_int_eq(patch_json_apply(&doc, p, strlen(p), &err), -1); /* the test fails */
    free(p);
    p = repeat("[", "{\"op\":\"copy\",\"from\":\"/a\",\"path\":\"/b\"},", 3,
               "{\"op\":\"test\","
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

/* ---- strategic merge patch ---- */

static struct json_object *copy_json(struct json_object *v)
{
    struct json_object *c = NULL;

    ck_assert_int_eq(v ? json_object_deep_copy(v, &c, NULL) : 0, 0);
    return c;
}

/* A fake schema: each object lists its known fields. */
struct fake_field {
    const char *name;
    enum smp_strategy strategy;
    const char *merge_key;
    const struct smp_schema *sub;
    int retain_keys;
};

struct smp_schema {
    const struct fake_field *fields;
};

static const struct smp_schema *fake_field(const struct smp_schema *s, const char *name,
                                           struct smp_field_info *info)
{
    const struct fake_field *f;

    for (f = s->fields; f->name; f++) {
        if (strcmp(f->name, name) == 0) {
            info->strategy = f->strategy;
            info->merge_key = f->merge_key;
            info->retain_keys = f->retain_keys;
            return f->sub;
        }
    }
    return NULL;
}

static const struct smp_schema_ops fake_ops = {.field = fake_field};

static const struct smp_schema owner_ref = {(const struct fake_field[]){{0}}};
static const struct smp_schema meta = {
    (const struct fake_field[]){{"finalizers", SMP_MERGE, NULL, NULL, 0},
                                {"labels", SMP_DEFAULT, NULL, NULL, 0},
                                {"ownerReferences", SMP_MERGE, "uid", &owner_ref, 0},
                                {0}}};
static const struct smp_schema container = {
    (const struct fake_field[]){{"env", SMP_MERGE, "name", NULL, 0},
                                {"ports", SMP_MERGE, "containerPort", NULL, 0},
                                {"volumeMounts", SMP_MERGE, "mountPath", NULL, 0},
                                {0}}};
static const struct smp_schema pod_spec = {
    (const struct fake_field[]){{"containers", SMP_MERGE, "name", &container, 0},
                                {"volumes", SMP_MERGE, "name", NULL, 1},
                                {"tolerations", SMP_DEFAULT, NULL, NULL, 0},
                                {0}}};
static const struct smp_schema template = {(const struct fake_field[]){
    {"metadata", SMP_DEFAULT, NULL, &meta, 0}, {"spec", SMP_DEFAULT, NULL, &pod_spec, 0}, {0}}};
static const struct smp_schema deploy_spec = {
    (const struct fake_field[]){{"template", SMP_DEFAULT, NULL, &template, 0},
                                {"strategy", SMP_DEFAULT, NULL, NULL, 1},
                                {"selector", SMP_REPLACE, NULL, NULL, 0},
                                {0}}};
static const struct smp_schema status = {
    (const struct fake_field[]){{"conditions", SMP_MERGE, "type", NULL, 0}, {0}}};
static const struct smp_schema deployment = {
    (const struct fake_field[]){{"metadata", SMP_DEFAULT, NULL, &meta, 0},
                                {"spec", SMP_DEFAULT, NULL, &deploy_spec, 0},
                                {"status", SMP_DEFAULT, NULL, &status, 0},
                                {0}}};

/* Test JSON uses single quotes for readability; they become double quotes. */
static struct json_object *parse_q(const char *s)
{
    char *d = strdup(s), *p;
    struct json_object *o;

    for (p = d; *p; p++) {
        if (*p == '\'')
            *p = '"';
    }
    o = parse(d);
    free(d);
    return o;
}

#define PS(x) "{'spec':{'template':{'spec':" x "}}}"
#define CS(x) PS("{'containers':" x "}")

static const struct {
    const char *doc, *patch, *want;
} smp_cases[] = {
    /* lists of objects merged by key */
    {CS("[{'name':'a','image':'x'},{'name':'b','image':'y'}]"), CS("[{'name':'b','image':'z'}]"),
     CS("[{'name':'a','image':'x'},{'name':'b','image':'z'}]")},
    {CS("[{'name':'a','image':'x'}]"), CS("[{'name':'c','image':'w'}]"),
     CS("[{'name':'c','image':'w'},{'name':'a','image':'x'}]")},
    {CS("[{'name':'a'},{'name':'b'}]"), CS("[{'$patch':'delete','name':'a'}]"),
     CS("[{'name':'b'}]")},
    {CS("[{'name':'a'},{'name':'b'}]"), CS("[{'$patch':'replace'},{'name':'c','image':'w'}]"),
     CS("[{'name':'c','image':'w'}]")},
    {CS("[{'name':'a'}]"), CS("[{'$patch':'merge'}]"), (const char *)3},
    {CS("[{'name':'a'}]"), CS("[{'$patch':'foo','name':'a'}]"), (const char *)3},
    {CS("[{'name':'a'}]"), CS("[{'image':'x'}]"), (const char *)3},
    {CS("[{'name':'a'}]"), CS("[{'$patch':'delete'}]"), (const char *)3},
    {CS("[{'image':'a'}]"), CS("[{'name':'a'}]"), (const char *)3},
    {CS("[{'name':'a','image':'x'}]"), CS("[{'name':'a','image':null}]"), CS("[{'name':'a'}]")},
    {CS("[{'name':'a','env':[{'name':'A','value':'1'},{'name':'B','value':'2'}]}]"),
     CS("[{'name':'a','env':[{'name':'B','value':'3'},{'name':'C','value':'4'}]}]"),
     CS("[{'name':'a','env':[{'name':'A','value':'1'},{'name':'B','value':'3'},"
        "{'name':'C','value':'4'}]}]")},
    {CS("[{'name':'a','ports':[{'containerPort':80,'name':'http'}]}]"),
     CS("[{'name':'a','ports':[{'containerPort':80,'protocol':'TCP'},{'containerPort':443}]}]"),
     CS("[{'name':'a','ports':[{'containerPort':80,'name':'http','protocol':'TCP'},"
        "{'containerPort':443}]}]")},
    {CS("[{'name':'a','volumeMounts':[{'mountPath':'/a','name':'v'}]}]"),
     CS("[{'name':'a','volumeMounts':[{'mountPath':'/a','$patch':'delete'}]}]"),
     CS("[{'name':'a','volumeMounts':[]}]")},
    {PS("{'volumes':[{'name':'v','emptyDir':{}}]}"),
     PS("{'volumes':[{'name':'w','configMap':{'name':'c'}}]}"),
     PS("{'volumes':[{'name':'w','configMap':{'name':'c'}},{'name':'v','emptyDir':{}}]}")},
    {"{'status':{'conditions':[{'type':'Ready','status':'False'},{'type':'Progressing',"
     "'status':'True'}]}}",
     "{'status':{'conditions':[{'type':'Ready','status':'True'}]}}",
     "{'status':{'conditions':[{'type':'Ready','status':'True'},{'type':'Progressing',"
     "'status':'True'}]}}"},
    {"{'metadata':{'ownerReferences':[{'uid':'1','name':'a'}]}}",
     "{'metadata':{'ownerReferences':[{'uid':'1','controller':true}]}}",
     "{'metadata':{'ownerReferences':[{'uid':'1','name':'a','controller':true}]}}"},
    /* inserted values lose their directives and nulls */
    {PS("{}"), CS("[{'name':'a','image':null},{'name':'b','$patch':'delete'}]"),
     CS("[{'name':'a'}]")},
    {"{}", "{'metadata':{'labels':{'a':'1','b':null}}}", "{'metadata':{'labels':{'a':'1'}}}"},
    /* tolerations have no merge key: replaced */
    {PS("{'tolerations':[{'key':'a'}]}"), PS("{'tolerations':[{'key':'b'}]}"),
     PS("{'tolerations':[{'key':'b'}]}")},
    /* primitive lists with merge strategy: a set union */
    {"{'metadata':{'finalizers':['a','b']}}", "{'metadata':{'finalizers':['b','c']}}",
     "{'metadata':{'finalizers':['a','b','c']}}"},
    {"{'metadata':{'finalizers':['a']}}", "{'metadata':{'finalizers':['b']}}",
     "{'metadata':{'finalizers':['b','a']}}"},
    {"{'metadata':{'finalizers':['a','b']}}", "{'metadata':{'finalizers':[['b']]}}", ERR_422},
    {"{'metadata':{'finalizers':['a','b']}}", "{'metadata':{'finalizers':[1]}}", ERR_500},
    {"{'metadata':{'finalizers':['a','b','c']}}",
     "{'metadata':{'$deleteFromPrimitiveList/finalizers':['b','x']}}",
     "{'metadata':{'finalizers':['a','c']}}"},
    {"{'metadata':{'name':'n'}}", "{'metadata':{'$deleteFromPrimitiveList/finalizers':['b']}}",
     "{'metadata':{'name':'n'}}"},
    {"{'metadata':{'finalizers':['a']}}", "{'metadata':{'$deleteFromPrimitiveList/finalizers':1}}",
     ERR_400},
    {"{'metadata':{'finalizers':['a']}}", "{'metadata':{'$deleteFromPrimitiveListfinalizers':[]}}",
     ERR_400},
    /* $setElementOrder, alone and as kubectl sends it */
    {"{'metadata':{'finalizers':['a','b']}}",
     "{'metadata':{'$setElementOrder/finalizers':['b','a']}}",
     "{'metadata':{'finalizers':['b','a']}}"},
    {"{'metadata':{'finalizers':['a','b','c']}}",
     "{'metadata':{'$setElementOrder/finalizers':['a','c'],"
     "'$deleteFromPrimitiveList/finalizers':['b']}}",
     "{'metadata':{'finalizers':['a','c']}}"},
    {CS("[{'name':'a'},{'name':'b'}]"),
     PS("{'$setElementOrder/containers':[{'name':'b'},{'name':'c'},{'name':'a'}],"
        "'containers':[{'name':'c','image':'w'}]}"),
     CS("[{'name':'b'},{'name':'c','image':'w'},{'name':'a'}]")},
    {CS("[{'name':'a'},{'name':'b'}]"),
     PS("{'$setElementOrder/containers':[{'name':'a'},{'name':'c'}],"
        "'containers':[{'name':'c'},{'name':'b','$patch':'delete'}]}"),
     CS("[{'name':'a'},{'name':'c'}]")},
    {CS("[{'name':'a'}]"),
     PS("{'$setElementOrder/containers':[{'name':'a'}],'containers':[{'name':'c'}]}"), ERR_500},
    {CS("[{'name':'a'}]"), PS("{'$setElementOrder/containers':'a'}"), ERR_500},
    {CS("[{'name':'a'}]"), PS("{'$setElementOrder':[]}"), ERR_400},
    /* $retainKeys */
    {"{'spec':{'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':1}}}}",
     "{'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate'}}}",
     "{'spec':{'strategy':{'type':'Recreate'}}}"},
    {"{'spec':{'strategy':{'type':'Recreate'}}}",
     "{'spec':{'strategy':{'$retainKeys':['type','rollingUpdate'],'type':'RollingUpdate',"
     "'rollingUpdate':{'maxSurge':2}}}}",
     "{'spec':{'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':2}}}}"},
    {"{'spec':{'strategy':{'type':'Recreate'}}}",
     "{'spec':{'strategy':{'$retainKeys':['type'],'rollingUpdate':{'maxSurge':2}}}}", ERR_400},
    {"{'spec':{'strategy':{'type':'Recreate'}}}", "{'spec':{'strategy':{'$retainKeys':'type'}}}",
     ERR_400},
    /* $patch in maps */
    {"{'metadata':{'labels':{'a':'1','b':'2'}}}",
     "{'metadata':{'labels':{'$patch':'replace','x':'1'}}}", "{'metadata':{'labels':{'x':'1'}}}"},
    {"{'metadata':{'labels':{'a':'1'}}}", "{'metadata':{'labels':{'$patch':'delete'}}}",
     "{'metadata':{'labels':{}}}"},
    {"{'metadata':{'labels':{'a':'1'}}}", "{'metadata':{'labels':{'$patch':'merge','b':'2'}}}",
     "{'metadata':{'labels':{'a':'1','b':'2'}}}"},
    {"{'metadata':{'labels':{'a':'1'}}}", "{'metadata':{'labels':{'$patch':'foo'}}}", ERR_500},
    {"{'a':1,'b':{'c':2}}", "{'$patch':'replace','x':1}", "{'x':1}"},
    {"{'a':1}", "{'$patch':'delete'}", "{}"},
    /* a replace strategy on an object, nulls, type changes, fields without schema */
    {"{'spec':{'selector':{'a':'1'}}}", "{'spec':{'selector':{'b':'2'}}}",
     "{'spec':{'selector':{'b':'2'}}}"},
    {"{'spec':{'replicas':1,'paused':true}}", "{'spec':{'replicas':'x','paused':null,'zz':null}}",
     "{'spec':{'replicas':'x'}}"},
    {"{'spec':{'foo':[1,2],'bar':{'a':1}}}", "{'spec':{'foo':[3],'bar':{'b':2}}}",
     "{'spec':{'foo':[3],'bar':{'a':1,'b':2}}}"},
    {"{'a':[1]}", "null", "{'a':[1]}"},
    {"{'a':[1]}", "[1]", ERR_400},
};

START_TEST(smp_cases_test)
{
    struct json_object *doc = parse_q(smp_cases[_i].doc), *p = parse_q(smp_cases[_i].patch);
    struct json_object *before = copy_json(p);
    const char *want = smp_cases[_i].want;
    char *want_d = want == ERR_400 || want == ERR_422 || want == ERR_500 ? NULL : strdup(want);
    char *doc_d = strdup(smp_cases[_i].doc), *c, what[64];
    struct apierr err = {0};
    int rc;

    for (c = doc_d; *c; c++)
        *c = *c == '\'' ? '"' : *c;
    for (c = want_d; c && *c; c++)
        *c = *c == '\'' ? '"' : *c;
    snprintf(what, sizeof(what), "smp case %d", _i);
    rc = patch_strategic_apply(&doc, p, &fake_ops, &deployment, &err);
    check_outcome(rc, &err, doc, doc_d, want_d ? want_d : want, what);
    ck_assert_msg(json_object_equal(p, before), "%s: patch modified", what);
    free(want_d);
    free(doc_d);
    json_object_put(before);
    json_object_put(doc);
    json_object_put(p);
}
END_TEST

/* Without any schema every list is replaced, while directives in objects still apply. */
START_TEST(smp_without_schema)
{
    struct json_object *doc = parse_q(CS("[{'name':'a'},{'name':'b'}]")),
                       *p = parse_q(PS("{'containers':[{'name':'c'}],'x':{'$patch':'delete'}}"));
    struct json_object *want = parse_q(PS("{'containers':[{'name':'c'}],'x':{}}"));
    struct apierr err = {0};

    ck_assert_int_eq(patch_strategic_apply(&doc, p, NULL, NULL, &err), 0);
    ck_assert(json_object_equal(doc, want));
    json_object_put(doc);
    json_object_put(p);
    json_object_put(want);
}
END_TEST

START_TEST(smp_messages)
{
    struct json_object *doc = parse_q(CS("[{'name':'a'}]")), *p = parse_q(CS("[{'image':'x'}]"));
    struct json_object *orig = json_object_get(doc);
    struct apierr err = {0};

    ck_assert_int_eq(patch_strategic_apply(&doc, p, &fake_ops, &deployment, &err), -1);
    ck_assert_ptr_eq(doc, orig);
    ck_assert_str_eq(err.message,
                     "map: {\"image\":\"x\"} does not contain declared merge key: name");
    json_object_put(p);
    p = parse_q("{'spec':{'strategy':{'$retainKeys':'type'}}}");
    ck_assert_int_eq(patch_strategic_apply(&doc, p, &fake_ops, &deployment, &err), -1);
    ck_assert_str_eq(err.message, "invalid patch format of retainKeys");
    json_object_put(p);
    p = parse_q("['x']");
    ck_assert_int_eq(patch_strategic_apply(&doc, p, &fake_ops, &deployment, &err), -1);
    ck_assert_str_eq(err.message,
                     "json: cannot unmarshal array into Go value of type map[string]interface {}");
    json_object_put(p);
    json_object_put(doc);
    json_object_put(orig);
}
END_TEST

/* The caller's document is shared, so it is never written, even on success. */
START_TEST(smp_leaves_shared_doc)
{
    struct json_object *doc = parse_q(CS("[{'name':'a','env':[{'name':'A'}]}]"));
    struct json_object *orig = json_object_get(doc), *before = copy_json(doc);
    struct json_object *p = parse_q(CS("[{'name':'a','env':[{'name':'B'}]},{'name':'b'}]"));
    struct apierr err = {0};

    ck_assert_int_eq(patch_strategic_apply(&doc, p, &fake_ops, &deployment, &err), 0);
    ck_assert_ptr_ne(doc, orig);
    ck_assert(json_object_equal(orig, before));
    json_object_put(doc);
    json_object_put(orig);
    json_object_put(before);
    json_object_put(p);
}
END_TEST

START_TEST(smp_limits)
{
    struct json_object *doc = parse("{}"), *p = json_object_new_object(), *cur = p, *n, *list;
    struct apierr err = {0};
    int i;

    for (i = 0; i < 150; i++) {
        n = json_object_new_object();
        json_object_object_add(cur, "a", n);
        cur = n;
    }
    ck_assert_int_eq(patch_strategic_apply(&doc, p, &fake_ops, &deployment, &err), -1);
    ck_assert_int_eq(err.reason, APIERR_INVALID);
    json_object_put(p);
    /* a merge list longer than SMP_MAX_LIST_ITEMS */
    p = parse("{\"metadata\":{\"finalizers\":[]}}");
    list = json_object_object_get(json_object_object_get(p, "metadata"), "finalizers");
    for (i = 0; i < SMP_MAX_LIST_ITEMS; i++)
        json_object_array_add(list, json_object_new_int(i));
    ck_assert_int_eq(patch_strategic_apply(&doc, p, &fake_ops, &deployment, &err), 0);
    ck_assert_int_eq(patch_strategic_apply(&doc, p, &fake_ops, &deployment, &err), -1);
    ck_assert_int_eq(err.reason, APIERR_INVALID);
    json_object_put(p);
    json_object_put(doc);
}
END_TEST

static Suite *patch_suite(void)
{
    Suite *s = suite_create("patch");
    TCase *jp = tcase_create("json"), *mp = tcase_create("merge");
    TCase *sp = tcase_create("strategic");

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
    tcase_set_timeout(sp, 30);
    tcase_add_loop_test(sp, smp_cases_test, 0, sizeof(smp_cases) / sizeof(smp_cases[0]));
    tcase_add_test(sp, smp_without_schema);
    tcase_add_test(sp, smp_messages);
    tcase_add_test(sp, smp_leaves_shared_doc);
    tcase_add_test(sp, smp_limits);
    suite_add_tcase(s, sp);
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
