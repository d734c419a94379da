/* The protobuf list writer (pb_list_*): a list encoded item by item, each item parsed alone, must
 * give the bytes pb_encode_object gives for the same list as one JSON tree, and decode to it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "generic/protobuf/protobuf.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* JSON written with single quotes, to keep the cases readable. */
static struct json_object *sq(const char *text)
{
    char *s = strdup(text), *p;
    struct json_object *obj;

    for (p = s; *p; p++)
        if (*p == '\'')
            *p = '"';
    obj = json_tokener_parse(s);
    free(s);
    ck_assert_msg(obj != NULL, "bad test JSON: %s", text);
    return obj;
}

/* Whole lists as the JSON LIST path writes them: items carry their own kind and apiVersion. */
static const char *const lists[] = {
    "{'kind':'ConfigMapList','apiVersion':'v1','metadata':{'resourceVersion':'7','continue':'abc',"
    "'remainingItemCount':3},'items':[{'kind':'ConfigMap','apiVersion':'v1','metadata':{'name':"
    "'a','namespace':'default','labels':{'z':'1','a':'2'}},'data':{'k':'v','b':'\\u00e9'}},{"
    "'metadata':{'name':'b','namespace':'default'},'binaryData':{'x':'AAEC'},'immutable':true}]}",
    "{'kind':'PodList','apiVersion':'v1','metadata':{'resourceVersion':'12'},'items':[{'kind':"
    "'Pod','apiVersion':'v1','metadata':{'name':'p','namespace':'default','creationTimestamp':"
    "'2026-11-22T15:09:23Z'},'spec':{'volumes':[{'name':'cfg','configMap':{'name':'c',"
    "'defaultMode':420}}],'containers':[{'name':'app','image':'app','ports':[{'containerPort':80,"
    "'protocol':'TCP'}],'env':[{'name':'A','valueFrom':{'fieldRef':{'fieldPath':'metadata.name'}}"
    "}],'resources':{'limits':{'cpu':'1'}},'readinessProbe':{'httpGet':{'path':'/','port':8080}},"
    "'securityContext':{'runAsUser':0}}],'terminationGracePeriodSeconds':30},'status':{'phase':"
    "'Pending'}},{'kind':'Pod','apiVersion':'v1','metadata':{'name':'q'},'spec':{'containers':[{"
    "'name':'c','image':'i'}]}}]}",
    "{'kind':'DeploymentList','apiVersion':'apps/v1','metadata':{'resourceVersion':'1'},'items':[{"
    "'kind':'Deployment','apiVersion':'apps/v1','metadata':{'name':'web'},'spec':{'replicas':0,"
    "'selector':{'matchLabels':{'app':'web'}},'template':{'metadata':{'labels':{'app':'web'}},"
    "'spec':{'containers':[{'name':'n','image':'nginx'}]}},'strategy':{'type':'RollingUpdate',"
    "'rollingUpdate':{'maxSurge':'25%','maxUnavailable':1}}}}]}",
    "{'kind':'SecretList','apiVersion':'v1','metadata':{'resourceVersion':'5'},'items':[]}",
    "{'kind':'ServiceList','apiVersion':'v1','metadata':{},'items':[{'metadata':{'name':'s'},"
    "'spec':{'ports':[{'port':80,'targetPort':'http'}],'type':'ClusterIP'}}]}",
};

static const char *str_of(struct json_object *obj, const char *key)
{
    struct json_object *v;

    ck_assert(json_object_object_get_ex(obj, key, &v));
    return json_object_get_string(v);
}

/* Encodes whole as the list writer does: each item printed, parsed alone, added, freed. */
static void encode_by_item(struct json_object *whole, struct pb_buf *out)
{
    struct json_object *items, *meta = NULL;
    struct apierr err = {0};
    struct pb_list l;
    size_t i;

    ck_assert_int_eq(pb_list_begin(&l, str_of(whole, "apiVersion"), str_of(whole, "kind"), &err),
                     0);
    ck_assert(json_object_object_get_ex(whole, "items", &items));
    for (i = 0; i < json_object_array_length(items); i++) {
        const char *text = json_object_to_json_string(json_object_array_get_idx(items, i));
        struct json_object *item = json_tokener_parse(text);

        ck_assert_msg(pb_list_add_item(&l, item, &err) == 0, "item %zu: %s", i, err.message);
        json_object_put(item);
    }
    json_object_object_get_ex(whole, "metadata", &meta);
    ck_assert_msg(pb_list_end(&l, meta, out, &err) == 0, "end: %s", err.message);
    pb_list_release(&l);
}

static void put_prefix(struct pb_buf *b)
{
    b->data = malloc(3);
    memcpy(b->data, "pre", 3);
    b->len = b->cap = 3;
}

static struct json_object *decode(const struct pb_buf *b)
{
    struct json_object *obj = NULL;
    struct apierr err = {0};

    ck_assert_msg(pb_decode_object(b->data, b->len, &obj, &err) == 0, "decode: %s", err.message);
    return obj;
}

START_TEST(same_bytes_as_whole_tree)
{
    struct json_object *whole = sq(lists[_i]), *want, *got;
    struct apierr err = {0};
    struct pb_buf a, b;

    pb_buf_init(&a);
    pb_buf_init(&b);
    ck_assert_msg(pb_encode_object(whole, &a, &err) == 0, "encode: %s", err.message);
    encode_by_item(whole, &b);
    ck_assert_uint_eq(b.len, a.len);
    ck_assert_mem_eq(b.data, a.data, a.len);
    want = decode(&a);
    got = decode(&b);
    ck_assert(json_object_equal(got, want));
    json_object_put(got);
    json_object_put(want);
    json_object_put(whole);
    pb_buf_release(&a);
    pb_buf_release(&b);
}
END_TEST

/* No metadata: no field 1, as a list object without "metadata"; out's bytes are kept. */
START_TEST(without_metadata_appends)
{
    struct json_object *whole = sq("{'kind':'ConfigMapList','apiVersion':'v1','items':[{"
                                   "'metadata':{'name':'a'}}]}"),
                       *item = sq("{'metadata':{'name':'a'}}");
    struct apierr err = {0};
    struct pb_buf a, b;
    struct pb_list l;

    pb_buf_init(&a);
    pb_buf_init(&b);
    put_prefix(&a);
    put_prefix(&b);
    ck_assert_int_eq(pb_encode_object(whole, &a, &err), 0);
    ck_assert_int_eq(pb_list_begin(&l, "v1", "ConfigMapList", &err), 0);
    ck_assert_int_eq(pb_list_add_item(&l, item, &err), 0);
    ck_assert_int_eq(pb_list_end(&l, NULL, &b, &err), 0);
    ck_assert_uint_eq(b.len, a.len);
    ck_assert_mem_eq(b.data, a.data, a.len);
    pb_list_release(&l);
    json_object_put(item);
    json_object_put(whole);
    pb_buf_release(&a);
    pb_buf_release(&b);
}
END_TEST

/* An item the schema cannot hold fails and leaves the list as it was. */
START_TEST(bad_item_leaves_list)
{
    struct json_object *good = sq("{'metadata':{'name':'a'},'data':{'k':'v'}}"),
                       *bad = sq("{'metadata':{'name':'b'},'data':{'k':1}}"), *got;
    struct apierr err = {0};
    struct pb_buf b;
    struct pb_list l;

    pb_buf_init(&b);
    ck_assert_int_eq(pb_list_begin(&l, "v1", "ConfigMapList", &err), 0);
    ck_assert_int_eq(pb_list_add_item(&l, good, &err), 0);
    ck_assert_int_eq(pb_list_add_item(&l, bad, &err), -1);
    ck_assert_int_eq(err.reason, APIERR_INTERNAL);
    ck_assert_int_eq(pb_list_end(&l, NULL, &b, &(struct apierr){0}), 0);
    got = decode(&b);
    ck_assert_str_eq(json_object_to_json_string_ext(got, JSON_C_TO_STRING_PLAIN),
                     "{\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\",\"items\":[{"
                     "\"metadata\":{\"name\":\"a\"},\"data\":{\"k\":\"v\"}}]}");
    pb_list_release(&l);
    json_object_put(got);
    json_object_put(good);
    json_object_put(bad);
    pb_buf_release(&b);
}
END_TEST

/* Kinds without a List message: custom resources, a non-list kind. */
START_TEST(unsupported_kinds)
{
    struct apierr err = {0};
    struct pb_list l;

    ck_assert_int_eq(pb_list_begin(&l, "stable.example.com/v1", "CronTabList", &err), -1);
    ck_assert_int_eq(err.reason, APIERR_UNSUPPORTED_MEDIA_TYPE);
    pb_list_release(&l);
    err = (struct apierr){0};
    ck_assert_int_eq(pb_list_begin(&l, "v1", "ConfigMap", &err), -1);
    ck_assert_int_eq(err.reason, APIERR_UNSUPPORTED_MEDIA_TYPE);
    pb_list_release(&l);
}
END_TEST

static Suite *protobuf_list_suite(void)
{
    Suite *s = suite_create("protobuf_list");
    TCase *tc = tcase_create("protobuf_list");

    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, same_bytes_as_whole_tree, 0, N(lists));
    tcase_add_test(tc, without_metadata_appends);
    tcase_add_test(tc, bad_item_leaves_list);
    tcase_add_test(tc, unsupported_kinds);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(protobuf_list_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
