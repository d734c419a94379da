/* generic/auth JWTs and service account tokens: base64url, kube's key ids, RS256 and ES256
 * signatures (ours and one made by an independent implementation), malformed tokens, and
 * satoken's issuing and checks (issuer, audience, expiry, a deleted or recreated service
 * account, a key generated once and reused) against a real store; authn_token's order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <check.h>
#include <event2/event.h>
#include <json-c/json.h>
#include <openssl/pem.h>

#include "generic/apis/base64.h"
#include "generic/apis/meta.h"
#include "generic/auth/jwt.h"
#include "generic/auth/satoken.h"
#include "generic/auth/tokenfile.h"
#include "generic/filters/filter.h"
#include "generic/storage/storage.h"

#define B64URL (BASE64_URL | BASE64_RAW) /* the JWS compact form */

/* A fixed P-256 key, its kid (computed with the openssl CLI: SHA-256 of the DER public key,
 * base64url) and a token signed with it by Python's cryptography package. */
static const char ec_pem[] = "-----BEGIN PRIVATE KEY-----\n"
                             "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgz41Zfq1sgUTmHLvB\n"
                             "RQHe1BuYgwiweV5cS+2WnsX70+OhRANCAASqi7nuv7zChN+AQUmGKkHhHGsJKW3Y\n"
                             "AtPbvKj3F9Biwk1WBpYilSVhAkBucGh+sKmrTJRuHjimyxvlmN3Btf4v\n"
                             "-----END PRIVATE KEY-----\n";
static const char ec_kid[] = "tmaNTxF0-uitU5OEb0XxugMqKcMpTAXpOc2ClL8g81o";
static const char ec_foreign_token[] =
    "eyJhbGciOiJFUzI1NiIsImtpZCI6InRtYU5UeEYwLXVpdFU1T0ViMFh4dWdNcUtjTXBUQVhwT2MyQ2xMOGc4MW8ifQ."
    "eyJpc3MiOiJ0ZXN0Iiwic3ViIjoieCJ9."
    "sbILVfmzytQoDKxI5D9lsZng5iMSlTtP8gu8Ryv9Ui8rcu9BlKPwu89RIvpFW5pWl1n1chI9zdFOr82LRh4k6A";

static EVP_PKEY *ec_key(void)
{
    BIO *bio = BIO_new_mem_buf(ec_pem, -1);
    EVP_PKEY *k = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);

    BIO_free(bio);
    ck_assert_ptr_nonnull(k);
    return k;
}

static EVP_PKEY *rsa_key(void)
{
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);

    ck_assert_ptr_nonnull(k);
    return k;
}

START_TEST(b64url_round_trip)
{
    unsigned char in[64], out[64];
    char enc[100];
    size_t n, len;

    for (n = 0; n < sizeof(in); n++)
        in[n] = (unsigned char)(n * 37 + 250);
    for (n = 0; n < sizeof(in); n++) {
        len = base64_encode(enc, in, n, B64URL);
        ck_assert_uint_eq(len, strlen(enc));
        ck_assert_ptr_null(strpbrk(enc, "+/="));
        ck_assert_int_eq(base64_decode(out, enc, len, B64URL, NULL), (long)n);
        ck_assert(memcmp(in, out, n) == 0);
    }
    ck_assert_int_eq(base64_decode(out, "a", 1, B64URL, NULL), -1);
    ck_assert_int_eq(base64_decode(out, "ab+c", 4, B64URL, NULL), -1);
    ck_assert_int_eq(base64_decode(out, "ab=c", 4, B64URL, NULL), -1);
}
END_TEST

START_TEST(key_id_is_kubes)
{
    EVP_PKEY *k = ec_key();
    char kid[JWT_KID_LEN + 1];

    ck_assert_int_eq(jwt_key_id(k, kid), 0);
    ck_assert_str_eq(kid, ec_kid);
    ck_assert_str_eq(jwt_alg(k), "ES256");
    EVP_PKEY_free(k);
}
END_TEST

START_TEST(foreign_token_verifies)
{
    EVP_PKEY *k = ec_key();
    struct json_object *claims = NULL;
    struct apierr err = {0};

    ck_assert_int_eq(jwt_verify(ec_foreign_token, &k, 1, &claims, &err), 0);
    ck_assert_str_eq(obj_get_str(claims, "iss"), "test");
    json_object_put(claims);
    EVP_PKEY_free(k);
}
END_TEST

/* Signs with key, verifies with key and fails with other; a flipped byte fails. */
static void sign_verify(EVP_PKEY *key, EVP_PKEY *other, const char *alg)
{
    struct json_object *c = json_tokener_parse("{\"iss\":\"me\",\"n\":1}"), *got = NULL;
    struct apierr err = {0};
    char *tok = NULL, *dot;

    ck_assert_int_eq(jwt_sign(key, "kid-1", c, &tok, &err), 0);
    ck_assert(jwt_looks_like(tok));
    ck_assert_int_eq(jwt_verify(tok, &key, 1, &got, &err), 0);
    ck_assert(json_object_equal(c, got));
    json_object_put(got);
    ck_assert_int_eq(jwt_verify(tok, &other, 1, &got, &err), -1);
    ck_assert_ptr_null(got);
    ck_assert_int_eq(err.reason, APIERR_UNAUTHORIZED);
    ck_assert_ptr_nonnull(strstr(alg, "256"));
    dot = strrchr(tok, '.');
    dot[3] = dot[3] == 'A' ? 'B' : 'A';
    ck_assert_int_eq(jwt_verify(tok, &key, 1, &got, &err), -1);
    free(tok);
    json_object_put(c);
}

START_TEST(sign_verify_es256_rs256)
{
    EVP_PKEY *ec = ec_key(), *rsa = rsa_key(), *ec2 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    EVP_PKEY *both[2] = {rsa, ec};
    struct json_object *c = json_tokener_parse("{}"), *got = NULL;
    struct apierr err = {0};
    char *tok = NULL;

    sign_verify(ec, ec2, "ES256");
    sign_verify(rsa, ec2, "RS256");
    ck_assert_int_eq(jwt_sign(ec, NULL, c, &tok, &err), 0);
    ck_assert_int_eq(jwt_verify(tok, both, 2, &got, &err), 0); /* every key is tried */
    json_object_put(got);
    free(tok);
    json_object_put(c);
    EVP_PKEY_free(ec);
    EVP_PKEY_free(ec2);
    EVP_PKEY_free(rsa);
}
END_TEST

/* Tokens that must be refused without crashing: shapes, headers, algorithms, signatures. */
static const char *const malformed[] = {
    "",
    "a",
    "a.b",
    "a.b.c.d",
    "..",
    "a..c",
    "!!.e30.c",
    "e30.e30.",
    "bm90IGpzb24.e30.AAAA",                            /* header is not JSON */
    "eyJhbGciOiJub25lIn0.e30.",                        /* alg none */
    "eyJhbGciOiJub25lIn0.e30.AAAA",                    /* alg none, with a signature */
    "eyJhbGciOiJIUzI1NiJ9.e30.AAAA",                   /* HS256 */
    "eyJhbGciOiJSUzI1NiJ9.e30.AAAA",                   /* RS256 against an EC key */
    "eyJhbGciOiJFUzI1NiJ9.e30.AAAA",                   /* ES256, a short signature */
    "eyJhbGciOiJFUzI1NiIsImNyaXQiOlsiYiJdfQ.e30.AAAA", /* crit */
    "eyJhbGciOjF9.e30.AAAA",                           /* alg is a number */
    "W10.e30.AAAA",                                    /* header is an array */
    "eyJhbGciOiJFUzI1NiJ9.W10.AAAA",                   /* claims are an array */
    "eyJhbGciOiJFUzI1NiJ9.e30.A",                      /* impossible base64 length */
};

START_TEST(malformed_tokens)
{
    EVP_PKEY *k = ec_key();
    struct json_object *claims = NULL;
    struct apierr err = {0};

    ck_assert_int_eq(jwt_verify(malformed[_i], &k, 1, &claims, &err), -1);
    ck_assert_ptr_null(claims);
    ck_assert_int_eq(err.reason, APIERR_UNAUTHORIZED);
    EVP_PKEY_free(k);
}
END_TEST

START_TEST(oversized_token)
{
    size_t n = JWT_MAX_LEN + 10;
    char *tok = malloc(n + 1);
    EVP_PKEY *k = ec_key();
    struct json_object *claims = NULL;
    struct apierr err = {0};

    memset(tok, 'A', n);
    tok[10] = '.';
    tok[20] = '.';
    tok[n] = '\0';
    ck_assert(!jwt_looks_like(tok));
    ck_assert_int_eq(jwt_verify(tok, &k, 1, &claims, &err), -1);
    free(tok);
    EVP_PKEY_free(k);
}
END_TEST

/* --- service account tokens against a store --- */

static char dir[64];
static struct event_base *base;
static struct storage *store;

static void put_sa(const char *name, const char *uid)
{
    char key[256], val[256];
    struct apierr err = {0};

    snprintf(key, sizeof(key), "/registry/serviceaccounts/default/%s", name);
    snprintf(val, sizeof(val),
             "{\"metadata\":{\"name\":\"%s\",\"namespace\":\"default\",\"uid\":"
             "\"%s\"}}",
             name, uid);
    ck_assert_int_eq(storage_create(store, key, val, strlen(val), NULL, &err), 0);
    ck_assert_int_eq(storage_flush(store, &err), 0);
}

static void del_sa(const char *name)
{
    char key[256];
    struct apierr err = {0};

    snprintf(key, sizeof(key), "/registry/serviceaccounts/default/%s", name);
    ck_assert_int_eq(storage_delete(store, key, NULL, NULL, NULL, &err), 0);
    ck_assert_int_eq(storage_flush(store, &err), 0);
}

static void store_setup(void)
{
    struct storage_config sc = {0};
    struct apierr err = {0};

    snprintf(dir, sizeof(dir), "/tmp/test_jwt.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    base = event_base_new();
    sc.data_dir = dir;
    store = storage_open(base, &sc, &err);
    ck_assert_msg(store != NULL, "%s", err.message);
    put_sa("robot", "uid-1");
}

static void store_teardown(void)
{
    char cmd[128];

    storage_free(store);
    event_base_free(base);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static const char *const api_auds[] = {"https://kubernetes.default.svc.cluster.local", NULL};

static struct satoken *authority(const char *issuer, const char *keyname)
{
    char path[128];
    struct satoken_config c = {
        .issuer = issuer, .audiences = api_auds, .storage = store, .generated_key_file = path};
    struct apierr err = {0};
    struct satoken *t;

    snprintf(path, sizeof(path), "%s/pki/%s", dir, keyname);
    t = satoken_new(&c, &err);
    ck_assert_msg(t != NULL, "%s", err.message);
    return t;
}

static char *issue(struct satoken *t, int64_t now, const char *const *auds)
{
    struct satoken_request r = {.ns = "default",
                                .name = "robot",
                                .uid = "uid-1",
                                .audiences = auds,
                                .expiration_seconds = 3600,
                                .now = now};
    struct apierr err = {0};
    char *tok = NULL;
    int64_t exp;

    ck_assert_int_eq(satoken_issue(t, &r, &tok, &exp, &err), 0);
    ck_assert_int_eq(exp, now + 3600);
    return tok;
}

START_TEST(sa_token_round_trip)
{
    struct satoken *t = authority("https://issuer", "sa.key");
    char *tok = issue(t, 1700000000, NULL);
    struct req_user u;
    struct apierr err = {0};
    struct stat sb;
    char path[128];

    ck_assert_int_eq(satoken_authenticate_at(t, tok, NULL, 1700000100, &u, &err), 1);
    ck_assert_str_eq(u.name, "system:serviceaccount:default:robot");
    ck_assert_str_eq(u.uid, "uid-1");
    ck_assert_uint_eq(u.ngroups, 2);
    ck_assert_str_eq(u.groups[0], "system:serviceaccounts");
    ck_assert_str_eq(u.groups[1], "system:serviceaccounts:default");
    snprintf(path, sizeof(path), "%s/pki/sa.key", dir);
    ck_assert_int_eq(stat(path, &sb), 0);
    ck_assert_int_eq(sb.st_mode & 0777, 0600);
    free(tok);
    satoken_free(t);
}
END_TEST

START_TEST(sa_token_claims_are_kubes)
{
    struct satoken *t = authority("https://issuer", "sa.key");
    char *tok = issue(t, 1700000000, NULL), *dot1 = strchr(tok, '.'), *dot2 = strchr(dot1 + 1, '.');
    unsigned char buf[2048];
    long n = base64_decode(buf, dot1 + 1, (size_t)(dot2 - dot1 - 1), B64URL, NULL);
    struct json_object *c;
    char want[1024];

    ck_assert_int_gt(n, 0);
    buf[n] = '\0';
    c = json_tokener_parse((char *)buf);
    json_object_object_del(c, "jti");
    snprintf(want, sizeof(want), "%s",
             "{\"aud\":[\"https://kubernetes.default.svc.cluster.local\"],\"exp\":1700003600,"
             "\"iat\":1700000000,\"iss\":\"https://issuer\",\"kubernetes.io\":{\"namespace\":"
             "\"default\",\"serviceaccount\":{\"name\":\"robot\",\"uid\":\"uid-1\"}},\"nbf\":"
             "1700000000,\"sub\":\"system:serviceaccount:default:robot\"}");
    ck_assert_str_eq(
        json_object_to_json_string_ext(c, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
        want);
    ck_assert_ptr_nonnull(strstr((char *)buf, "\"jti\":\""));
    json_object_put(c);
    free(tok);
    satoken_free(t);
}
END_TEST

START_TEST(sa_token_rejections)
{
    static const char *const other_aud[] = {"vault", NULL};
    struct satoken *t = authority("https://issuer", "sa.key");
    struct satoken *other_iss = authority("https://elsewhere", "sa.key"); /* same key */
    struct satoken *other_key = authority("https://issuer", "other.key");
    char *tok = issue(t, 1700000000, NULL), *vault = issue(t, 1700000000, other_aud);
    struct req_user u;
    struct apierr err = {0};

    ck_assert_str_eq(satoken_key_id(t), satoken_key_id(other_iss)); /* the key was reused */
    ck_assert_int_eq(satoken_authenticate_at(t, tok, NULL, 1700003600 + 61, &u, &err), -1);
    ck_assert_str_eq(err.message, "service account token has expired");
    ck_assert_int_eq(satoken_authenticate_at(t, tok, NULL, 1700000000 - 61, &u, &err), -1);
    ck_assert_str_eq(err.message, "service account token is not valid yet");
    ck_assert_int_eq(satoken_authenticate_at(t, vault, NULL, 1700000000, &u, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.message, "token audiences [\"vault\"] is invalid"));
    ck_assert_int_eq(satoken_authenticate_at(t, vault, other_aud, 1700000000, &u, &err), 1);
    ck_assert_int_eq(satoken_authenticate_at(other_iss, tok, NULL, 1700000000, &u, &err), 0);
    ck_assert_int_eq(satoken_authenticate_at(other_key, tok, NULL, 1700000000, &u, &err), -1);
    ck_assert_str_eq(err.message, "invalid signature");
    ck_assert_int_eq(satoken_authenticate_at(t, "not-a-jwt", NULL, 1700000000, &u, &err), 0);
    free(tok);
    free(vault);
    satoken_free(t);
    satoken_free(other_iss);
    satoken_free(other_key);
}
END_TEST

START_TEST(sa_token_dies_with_its_service_account)
{
    struct satoken *t = authority("https://issuer", "sa.key");
    char *tok = issue(t, 1700000000, NULL);
    struct req_user u;
    struct apierr err = {0};

    del_sa("robot");
    ck_assert_int_eq(satoken_authenticate_at(t, tok, NULL, 1700000000, &u, &err), -1);
    ck_assert_str_eq(err.message, "serviceaccounts \"robot\" not found");
    put_sa("robot", "uid-2"); /* same name, another incarnation */
    ck_assert_int_eq(satoken_authenticate_at(t, tok, NULL, 1700000000, &u, &err), -1);
    ck_assert_str_eq(err.message, "service account UID (uid-2) does not match claim (uid-1)");
    free(tok);
    satoken_free(t);
}
END_TEST

START_TEST(sa_signing_key_file)
{
    char path[128];
    FILE *f;
    struct satoken_config c = {
        .issuer = "i", .audiences = api_auds, .storage = store, .signing_key_file = path};
    struct apierr err = {0};
    struct satoken *t;

    snprintf(path, sizeof(path), "%s/ec.pem", dir);
    c.signing_key_file = "/nonexistent/sa.key";
    ck_assert_ptr_null(satoken_new(&c, &err)); /* a given key is never generated */
    f = fopen(path, "w");
    fputs(ec_pem, f);
    fclose(f);
    c.signing_key_file = path;
    memset(&err, 0, sizeof(err));
    t = satoken_new(&c, &err);
    ck_assert_msg(t != NULL, "%s", err.message);
    ck_assert_str_eq(satoken_key_id(t), ec_kid);
    satoken_free(t);
}
END_TEST

START_TEST(authn_token_order)
{
    struct satoken *t = authority("https://issuer", "sa.key");
    char *tok = issue(t, (int64_t)time(NULL), NULL);
    char errbuf[128];
    struct tokenfile *tf =
        tokenfile_parse("static-token,alice,uid-a,\"devs\"\n", errbuf, sizeof(errbuf));
    struct authn_token list[] = {{satoken_authenticate, t}, {0}};
    struct authn_config c = {.tokens = tf, .token_authenticators = list};
    struct req_user u;
    struct apierr err = {0};

    ck_assert_ptr_nonnull(tf);
    ck_assert_int_eq(authn_token(&c, "static-token", NULL, &u, &err), 0);
    ck_assert_str_eq(u.name, "alice");
    ck_assert_int_eq(authn_token(&c, tok, NULL, &u, &err), 0);
    ck_assert_str_eq(u.name, "system:serviceaccount:default:robot");
    ck_assert_str_eq(u.groups[u.ngroups - 1], "system:authenticated");
    ck_assert_int_eq(authn_token(&c, "nope", NULL, &u, &err), -1);
    ck_assert_str_eq(err.message, "invalid bearer token");
    ck_assert_str_eq(u.name, "");
    tokenfile_free(tf);
    free(tok);
    satoken_free(t);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("jwt");
    TCase *tc = tcase_create("jwt"), *ts = tcase_create("satoken");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, b64url_round_trip);
    tcase_add_test(tc, key_id_is_kubes);
    tcase_add_test(tc, foreign_token_verifies);
    tcase_add_test(tc, sign_verify_es256_rs256);
    tcase_add_loop_test(tc, malformed_tokens, 0, sizeof(malformed) / sizeof(malformed[0]));
    tcase_add_test(tc, oversized_token);
    suite_add_tcase(s, tc);
    tcase_set_timeout(ts, 60);
    tcase_add_checked_fixture(ts, store_setup, store_teardown);
    tcase_add_test(ts, sa_token_round_trip);
    tcase_add_test(ts, sa_token_claims_are_kubes);
    tcase_add_test(ts, sa_token_rejections);
    tcase_add_test(ts, sa_token_dies_with_its_service_account);
    tcase_add_test(ts, sa_signing_key_file);
    tcase_add_test(ts, authn_token_order);
    suite_add_tcase(s, ts);
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
