#define _GNU_SOURCE
#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "generic/auth/pki.h"

static char tmpdir[64];
static char certdir[128];

static const char *const files[] = {PKI_CA_CRT,      PKI_CA_KEY,        PKI_SERVING_CRT,
                                    PKI_SERVING_KEY, PKI_CLIENT_CA_CRT, PKI_CLIENT_CA_KEY,
                                    PKI_ADMIN_CRT,   PKI_ADMIN_KEY};
#define NFILES (sizeof(files) / sizeof(files[0]))

static const char *const extra_dns[] = {"api.example.com", NULL};
static const char *const extra_ips[] = {"10.0.0.7", "fd00::7", NULL};

static void setup(void)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_pki.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    snprintf(certdir, sizeof(certdir), "%s/data/certs", tmpdir); /* parents created too */
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void teardown(void)
{
    nftw(tmpdir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

static const char *in_dir(const char *file)
{
    static char buf[2][PKI_PATH_MAX];
    static int n;
    char *p = buf[n++ % 2];

    snprintf(p, PKI_PATH_MAX, "%s/%s", certdir, file);
    return p;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0;
    FILE *out = open_memstream(&buf, &cap);
    int c;

    ck_assert_msg(f != NULL, "open %s", path);
    while ((c = fgetc(f)) != EOF)
        fputc(c, out);
    fclose(f);
    fclose(out);
    if (len)
        *len = cap;
    return buf;
}

static void put(const char *path, const char *data)
{
    FILE *f = fopen(path, "wb");

    ck_assert_ptr_nonnull(f);
    fputs(data, f);
    fclose(f);
}

static X509 *cert_at(const char *file)
{
    FILE *f = fopen(in_dir(file), "r");
    X509 *x;

    ck_assert_ptr_nonnull(f);
    x = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    ck_assert_ptr_nonnull(x);
    return x;
}

static void ensure_all(void)
{
    struct pki_options o = {.dir = certdir, .extra_dns = extra_dns, .extra_ips = extra_ips};
    struct apierr err = {0};

    ck_assert_msg(pki_ensure_serving(&o, &err) == 0, "%s", err.message);
    ck_assert_msg(pki_ensure_client(&o, &err) == 0, "%s", err.message);
}

/* X509_verify_cert of leaf against the single root ca, for the given purpose. */
static int verify(X509 *ca, X509 *leaf, int purpose)
{
    X509_STORE *store = X509_STORE_new();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    int ok;

    X509_STORE_add_cert(store, ca);
    X509_STORE_CTX_init(ctx, store, leaf, NULL);
    X509_STORE_CTX_set_purpose(ctx, purpose);
    ok = X509_verify_cert(ctx);
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    ERR_clear_error();
    return ok;
}

START_TEST(first_start_writes_files)
{
    struct stat st;
    unsigned i;

    ensure_all();
    ck_assert_int_eq(stat(certdir, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0700);
    for (i = 0; i < NFILES; i++) {
        int want = strstr(files[i], ".key") ? 0600 : 0644;

        ck_assert_msg(stat(in_dir(files[i]), &st) == 0, "%s missing", files[i]);
        ck_assert_msg((st.st_mode & 0777) == (unsigned)want, "%s mode %o", files[i],
                      st.st_mode & 0777);
    }
}
END_TEST

START_TEST(serving_cert_verifies)
{
    X509 *ca, *leaf;
    BIGNUM *serial;
    char cn[128];

    ensure_all();
    ca = cert_at(PKI_CA_CRT);
    leaf = cert_at(PKI_SERVING_CRT);
    ck_assert_int_eq(verify(ca, leaf, X509_PURPOSE_SSL_SERVER), 1);
    ck_assert_int_ne(verify(ca, leaf, X509_PURPOSE_SSL_CLIENT), 1);
    ck_assert_int_eq(X509_check_ca(ca), 1);
    ck_assert_int_eq(X509_check_ca(leaf), 0);
    X509_NAME_get_text_by_NID(X509_get_subject_name(ca), NID_commonName, cn, sizeof(cn));
    ck_assert_msg(strncmp(cn, "kube-apiserver-ca@", 18) == 0, "%s", cn);
    X509_NAME_get_text_by_NID(X509_get_subject_name(leaf), NID_commonName, cn, sizeof(cn));
    ck_assert_str_eq(cn, "kube-apiserver");
    ck_assert(X509_get_extended_key_usage(leaf) & XKU_SSL_SERVER);
    serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(leaf), NULL);
    ck_assert_int_eq(BN_num_bits(serial), 128);
    BN_free(serial);

    X509_free(ca);
    X509_free(leaf);
}
END_TEST

static const struct {
    const char *name;
    int ip, want;
} sans[] = {
    {"localhost", 0, 1},          {"kubernetes", 0, 1},
    {"kubernetes.default", 0, 1}, {"kubernetes.default.svc", 0, 1},
    {"api.example.com", 0, 1},    {"example.org", 0, 0},
    {"127.0.0.1", 1, 1},          {"::1", 1, 1},
    {"10.0.0.7", 1, 1},           {"fd00::7", 1, 1},
    {"10.0.0.8", 1, 0},           {NULL, 0, 1}, /* NULL: gethostname() */
};

START_TEST(serving_cert_sans)
{
    char host[256] = "";
    const char *name = sans[_i].name;
    X509 *leaf;
    int got;

    ensure_all();
    leaf = cert_at(PKI_SERVING_CRT);
    if (!name) {
        gethostname(host, sizeof(host) - 1);
        name = host;
    }
    if (sans[_i].ip)
        got = X509_check_ip_asc(leaf, name, 0);
    else
        got = X509_check_host(leaf, name, 0, 0, NULL);
    X509_free(leaf);
    ck_assert_msg(got == sans[_i].want, "%s: %d", name, got);
}
END_TEST

START_TEST(admin_cert_yields_identity)
{
    X509 *cca, *sca, *admin;
    struct pki_identity id;
    struct apierr err = {0};

    ensure_all();
    cca = cert_at(PKI_CLIENT_CA_CRT);
    sca = cert_at(PKI_CA_CRT);
    admin = cert_at(PKI_ADMIN_CRT);
    ck_assert_int_eq(verify(cca, admin, X509_PURPOSE_SSL_CLIENT), 1);
    ck_assert_int_ne(verify(sca, admin, X509_PURPOSE_SSL_CLIENT), 1);
    ck_assert_int_ne(verify(cca, admin, X509_PURPOSE_SSL_SERVER), 1);
    ck_assert_int_eq(pki_cert_identity(admin, &id, &err), 0);
    ck_assert_str_eq(id.user, "kubernetes-admin");
    ck_assert_uint_eq(id.ngroups, 1);
    ck_assert_str_eq(id.groups[0], "system:masters");
    X509_free(cca);
    X509_free(sca);
    X509_free(admin);
}
END_TEST

START_TEST(second_start_reuses_files)
{
    char *before[NFILES];
    unsigned i;
    struct pki_options o = {.dir = certdir, .extra_ips = (const char *const[]){"10.9.9.9", NULL}};
    struct apierr err = {0};

    ensure_all();
    for (i = 0; i < NFILES; i++)
        before[i] = slurp(in_dir(files[i]), NULL);
    ck_assert_msg(pki_ensure_serving(&o, &err) == 0, "%s", err.message);
    ck_assert_msg(pki_ensure_client(&o, &err) == 0, "%s", err.message);
    for (i = 0; i < NFILES; i++) {
        char *after = slurp(in_dir(files[i]), NULL);

        ck_assert_msg(strcmp(before[i], after) == 0, "%s changed", files[i]);
        free(after);
        free(before[i]);
    }
}
END_TEST

/* Damage one file after a first start: the next start fails, names it and leaves it alone. */
static const struct {
    const char *file;
    const char *content; /* NULL: delete the file */
    const char *want;    /* in the message */
} damage[] = {
    {PKI_CA_CRT, "garbage\n", "ca.crt: not a PEM certificate"},
    {PKI_CA_KEY, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
     "ca.key: not a PEM private key"},
    {PKI_SERVING_CRT, "-----BEGIN CERTIFICATE-----\nMIIB\n", "apiserver.crt: not a PEM"},
    {PKI_SERVING_KEY, NULL, "apiserver.crt exists but"},
    {PKI_ADMIN_KEY, "", "admin.key: not a PEM private key"},
    {PKI_CLIENT_CA_CRT, "", "client-ca.crt: not a PEM certificate"},
};

START_TEST(damaged_file_is_an_error)
{
    struct pki_options o = {.dir = certdir};
    struct apierr err = {0};
    const char *path;
    int rc;

    ensure_all();
    path = in_dir(damage[_i].file);
    if (damage[_i].content)
        put(path, damage[_i].content);
    else
        unlink(path);
    rc = pki_ensure_serving(&o, &err);
    if (rc == 0)
        rc = pki_ensure_client(&o, &err);
    ck_assert_int_eq(rc, -1);
    ck_assert_int_eq(err.reason, APIERR_INTERNAL);
    ck_assert_msg(strstr(err.message, damage[_i].want), "%s", err.message);
    if (damage[_i].content) {
        char *now = slurp(path, NULL);

        ck_assert_str_eq(now, damage[_i].content);
        free(now);
    } else {
        ck_assert_int_ne(access(path, F_OK), 0);
    }
}
END_TEST

static void copy_file(const char *from, const char *to)
{
    char *data = slurp(in_dir(from), NULL);

    put(in_dir(to), data);
    free(data);
}

START_TEST(mismatched_key_is_an_error)
{
    struct pki_options o = {.dir = certdir};
    struct apierr err = {0};

    ensure_all();
    copy_file(PKI_CLIENT_CA_KEY, PKI_CA_KEY);
    ck_assert_int_eq(pki_ensure_serving(&o, &err), -1);
    ck_assert_msg(strstr(err.message, "ca.key does not match"), "%s", err.message);
}
END_TEST

START_TEST(leaf_of_another_ca_is_an_error)
{
    struct pki_options o = {.dir = certdir};
    struct apierr err = {0};

    ensure_all();
    unlink(in_dir(PKI_CA_CRT));
    unlink(in_dir(PKI_CA_KEY));
    ck_assert_int_eq(pki_ensure_serving(&o, &err), -1);
    ck_assert_msg(strstr(err.message, "apiserver.crt is not signed by its CA"), "%s", err.message);
}
END_TEST

START_TEST(lone_key_is_replaced)
{
    struct pki_options o = {.dir = certdir};
    struct apierr err = {0};
    char *ca = NULL, *key = NULL, *ca2, *key2;
    X509 *cax, *leaf;

    ensure_all();
    ca = slurp(in_dir(PKI_CA_CRT), NULL);
    key = slurp(in_dir(PKI_SERVING_KEY), NULL);
    unlink(in_dir(PKI_SERVING_CRT)); /* as if the first start died between the two writes */
    ck_assert_msg(pki_ensure_serving(&o, &err) == 0, "%s", err.message);
    ca2 = slurp(in_dir(PKI_CA_CRT), NULL);
    key2 = slurp(in_dir(PKI_SERVING_KEY), NULL);
    ck_assert_str_eq(ca, ca2);
    ck_assert_str_ne(key, key2);
    cax = cert_at(PKI_CA_CRT);
    leaf = cert_at(PKI_SERVING_CRT);
    ck_assert_int_eq(verify(cax, leaf, X509_PURPOSE_SSL_SERVER), 1);
    X509_free(cax);
    X509_free(leaf);
    free(ca);
    free(ca2);
    free(key);
    free(key2);
}
END_TEST

START_TEST(expired_leaf_is_an_error)
{
    struct pki_options o = {.dir = certdir, .leaf_days = 1, .now = time(NULL) - 3 * 86400};
    struct apierr err = {0};

    ck_assert_msg(pki_ensure_serving(&o, &err) == 0, "%s", err.message);
    o.now = 0;
    ck_assert_int_eq(pki_ensure_serving(&o, &err), -1);
    ck_assert_msg(strstr(err.message, "apiserver.crt has expired"), "%s", err.message);
}
END_TEST

static const struct {
    const char *dns, *ip;
} bad_names[] = {{"a b.example", NULL}, {"", NULL}, {NULL, "10.0.0.300"}, {NULL, "host"}};

START_TEST(bad_extra_name_is_invalid)
{
    const char *dns[] = {bad_names[_i].dns, NULL}, *ips[] = {bad_names[_i].ip, NULL};
    struct pki_options o = {.dir = certdir, .extra_dns = dns, .extra_ips = ips};
    struct apierr err = {0};

    ck_assert_int_eq(pki_ensure_serving(&o, &err), -1);
    ck_assert_int_eq(err.reason, APIERR_INVALID);
    ck_assert_int_ne(access(in_dir(PKI_SERVING_CRT), F_OK), 0);
}
END_TEST

static void make_dirs(void)
{
    struct pki_options o = {.dir = certdir};
    struct apierr err = {0};

    ck_assert_int_eq(pki_ensure_client(&o, &err), 0);
    ck_assert_int_eq(pki_ensure_serving(&o, &err), 0);
}

/* The value of "<key>: " in the kubeconfig text, decoded from base64 if b64. */
static char *yaml_value(const char *text, const char *key, int b64)
{
    const char *p = strstr(text, key), *end;
    unsigned char *out;
    int n;

    ck_assert_msg(p != NULL, "no %s", key);
    p += strlen(key);
    end = strchr(p, '\n');
    if (!b64)
        return strndup(p, (size_t)(end - p));
    out = calloc(1, (size_t)(end - p));
    n = EVP_DecodeBlock(out, (const unsigned char *)p, (int)(end - p));
    ck_assert_int_gt(n, 0);
    while (n > 0 && out[n - 1] == '\0') /* padding decodes to NULs */
        n--;
    out[n] = '\0';
    return (char *)out;
}

static void assert_value(const char *text, const char *key, int b64, const char *want)
{
    char *got = yaml_value(text, key, b64);

    ck_assert_str_eq(got, want);
    free(got);
}

START_TEST(kubeconfig_inlines_credentials)
{
    char path[PKI_PATH_MAX], ca[PKI_PATH_MAX], crt[PKI_PATH_MAX], key[PKI_PATH_MAX];
    struct pki_kubeconfig kc = {path, "https://127.0.0.1:6443", ca, crt, key, NULL, NULL};
    struct apierr err = {0};
    struct stat st;
    char *text, *want;

    make_dirs();
    snprintf(path, sizeof(path), "%s/data/%s", tmpdir, PKI_KUBECONFIG);
    snprintf(ca, sizeof(ca), "%s", in_dir(PKI_CA_CRT));
    snprintf(crt, sizeof(crt), "%s", in_dir(PKI_ADMIN_CRT));
    snprintf(key, sizeof(key), "%s", in_dir(PKI_ADMIN_KEY));
    ck_assert_msg(pki_write_kubeconfig(&kc, &err) == 0, "%s", err.message);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    text = slurp(path, NULL);
    ck_assert_ptr_nonnull(strstr(text, "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n"));
    assert_value(text, "\n    server: ", 0, "https://127.0.0.1:6443");
    assert_value(text, "\n  name: ", 0, "kubernetes");
    assert_value(text, "\ncurrent-context: ", 0, "kubernetes-admin@kubernetes");
    assert_value(text, "\n    cluster: ", 0, "kubernetes");
    assert_value(text, "\n    user: ", 0, "kubernetes-admin");
    assert_value(text, "\n- name: ", 0, "kubernetes-admin");
    want = slurp(ca, NULL);
    assert_value(text, "certificate-authority-data: ", 1, want);
    free(want);
    want = slurp(crt, NULL);
    assert_value(text, "client-certificate-data: ", 1, want);
    free(want);
    want = slurp(key, NULL);
    assert_value(text, "client-key-data: ", 1, want);
    free(want);
    ck_assert_ptr_null(strstr(text, "insecure"));
    free(text);
}
END_TEST

START_TEST(kubeconfig_is_rewritten)
{
    char path[PKI_PATH_MAX], crt[PKI_PATH_MAX], key[PKI_PATH_MAX];
    struct pki_kubeconfig kc = {.path = path,
                                .server = "https://[::1]:7443",
                                .cert_file = crt,
                                .key_file = key,
                                .cluster = "local",
                                .user = "admin"};
    struct apierr err = {0};
    char *text;

    make_dirs();
    snprintf(path, sizeof(path), "%s/data/%s", tmpdir, PKI_KUBECONFIG);
    snprintf(crt, sizeof(crt), "%s", in_dir(PKI_ADMIN_CRT));
    snprintf(key, sizeof(key), "%s", in_dir(PKI_ADMIN_KEY));
    put(path, "old contents\n");
    ck_assert_msg(pki_write_kubeconfig(&kc, &err) == 0, "%s", err.message);
    text = slurp(path, NULL);
    ck_assert_ptr_null(strstr(text, "old contents"));
    ck_assert_ptr_null(strstr(text, "certificate-authority-data"));
    ck_assert_ptr_nonnull(strstr(text, "\n    insecure-skip-tls-verify: true\n"));
    assert_value(text, "\n    server: ", 0, "https://[::1]:7443");
    assert_value(text, "\ncurrent-context: ", 0, "admin@local");
    free(text);
}
END_TEST

static const struct {
    const char *server, *ca, *cert;
    enum apierr_reason want;
} bad_kc[] = {
    {"https://x:1 #", NULL, PKI_ADMIN_CRT, APIERR_INVALID},
    {"ftp://x", NULL, PKI_ADMIN_CRT, APIERR_INVALID},
    {NULL, NULL, PKI_ADMIN_CRT, APIERR_INVALID},
    {"https://x", "missing.crt", PKI_ADMIN_CRT, APIERR_NOT_FOUND},
    {"https://x", PKI_ADMIN_KEY, PKI_ADMIN_CRT, APIERR_INTERNAL}, /* a CA file with no cert */
    {"https://x", NULL, "missing.crt", APIERR_NOT_FOUND},
};

START_TEST(kubeconfig_bad_input)
{
    char path[PKI_PATH_MAX], ca[PKI_PATH_MAX], crt[PKI_PATH_MAX], key[PKI_PATH_MAX];
    struct pki_kubeconfig kc = {path, bad_kc[_i].server, NULL, crt, key, NULL, NULL};
    struct apierr err = {0};

    make_dirs();
    snprintf(path, sizeof(path), "%s/kc", tmpdir);
    snprintf(crt, sizeof(crt), "%s", in_dir(bad_kc[_i].cert));
    snprintf(key, sizeof(key), "%s", in_dir(PKI_ADMIN_KEY));
    if (bad_kc[_i].ca) {
        snprintf(ca, sizeof(ca), "%s", in_dir(bad_kc[_i].ca));
        kc.ca_file = ca;
    }
    ck_assert_int_eq(pki_write_kubeconfig(&kc, &err), -1);
    ck_assert_int_eq(err.reason, bad_kc[_i].want);
    ck_assert_int_ne(access(path, F_OK), 0);
}
END_TEST

/* Subjects as "k=v/k=v", read by pki_cert_identity. */
static const struct {
    const char *subject;
    int ok;
    const char *user;
    unsigned ngroups;
    const char *group1;
} subjects[] = {
    {"O=devs/CN=alice/O=ops", 1, "alice", 2, "ops"},
    {"CN=system:node:n1/O=system:nodes", 1, "system:node:n1", 1, NULL},
    {"CN=bob", 1, "bob", 0, NULL},
    {"O=devs", 0, NULL, 0, NULL},
    {"CN=", 0, NULL, 0, NULL},
    {"CN=a/CN=b", 0, NULL, 0, NULL},
    {"CN=%300", 0, NULL, 0, NULL}, /* 300 'x': too long for user[] */
    {"CN=c/O=%200", 0, NULL, 0, NULL},
};

static X509 *cert_with_subject(const char *spec)
{
    X509 *x = X509_new();
    char *copy = strdup(spec), *save = NULL, *tok;

    for (tok = strtok_r(copy, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
        char *eq = strchr(tok, '='), value[512] = "";

        *eq = '\0';
        if (eq[1] == '%')
            memset(value, 'x', (size_t)atoi(eq + 2));
        else
            snprintf(value, sizeof(value), "%s", eq + 1);
        ck_assert(X509_NAME_add_entry_by_txt(X509_get_subject_name(x), tok, V_ASN1_UTF8STRING,
                                             (unsigned char *)value, -1, -1, 0));
    }
    free(copy);
    return x;
}

START_TEST(identity_from_subject)
{
    X509 *x = cert_with_subject(subjects[_i].subject);
    struct pki_identity id;
    struct apierr err = {0};

    if (!subjects[_i].ok) {
        ck_assert_int_eq(pki_cert_identity(x, &id, &err), -1);
        ck_assert_int_eq(err.reason, APIERR_UNAUTHORIZED);
        ck_assert_str_eq(id.user, "");
        X509_free(x);
        return;
    }
    ck_assert_msg(pki_cert_identity(x, &id, &err) == 0, "%s", err.message);
    ck_assert_str_eq(id.user, subjects[_i].user);
    ck_assert_uint_eq(id.ngroups, subjects[_i].ngroups);
    if (subjects[_i].group1)
        ck_assert_str_eq(id.groups[1], subjects[_i].group1);
    X509_free(x);
}
END_TEST

START_TEST(client_ca_bundle)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    struct apierr err = {0};
    char bundle[PKI_PATH_MAX];
    char *a, *b;
    FILE *f;

    make_dirs();
    snprintf(bundle, sizeof(bundle), "%s/bundle.crt", tmpdir);
    a = slurp(in_dir(PKI_CA_CRT), NULL);
    b = slurp(in_dir(PKI_CLIENT_CA_CRT), NULL);
    put(bundle, a);
    f = fopen(bundle, "a");
    fputs(b, f);
    fclose(f);
    free(a);
    free(b);
    ck_assert_msg(pki_load_client_ca(ctx, bundle, &err) == 0, "%s", err.message);
    ck_assert_int_eq(sk_X509_NAME_num(SSL_CTX_get_client_CA_list(ctx)), 2);
    ck_assert_int_eq(SSL_CTX_get_verify_mode(ctx), SSL_VERIFY_PEER);
    ck_assert_int_eq(pki_load_client_ca(ctx, in_dir(PKI_ADMIN_KEY), &err), -1);
    ck_assert_int_eq(pki_load_client_ca(ctx, in_dir("nope.crt"), &err), -1);
    ck_assert_int_eq(err.reason, APIERR_NOT_FOUND);
    ck_assert_int_eq(sk_X509_NAME_num(SSL_CTX_get_client_CA_list(ctx)), 2);
    SSL_CTX_free(ctx);
}
END_TEST

static SSL_CTX *tls_ctx(int server)
{
    SSL_CTX *ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
    const char *crt = in_dir(server ? PKI_SERVING_CRT : PKI_ADMIN_CRT);
    const char *key = in_dir(server ? PKI_SERVING_KEY : PKI_ADMIN_KEY);
    struct apierr err = {0};

    ck_assert_int_eq(SSL_CTX_use_certificate_chain_file(ctx, crt), 1);
    ck_assert_int_eq(SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM), 1);
    if (server) {
        ck_assert_int_eq(pki_load_client_ca(ctx, in_dir(PKI_CLIENT_CA_CRT), &err), 0);
    } else {
        ck_assert_int_eq(SSL_CTX_load_verify_locations(ctx, in_dir(PKI_CA_CRT), NULL), 1);
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    }
    return ctx;
}

/* A handshake over a BIO pair: the client checks the server's name against our CA, the server
 * checks the admin certificate against the client CA and reads its identity. */
START_TEST(tls_handshake_end_to_end)
{
    SSL_CTX *sctx, *cctx;
    SSL *s, *c;
    BIO *sb, *cb;
    struct pki_identity id;
    struct apierr err = {0};
    int i, sdone = 0, cdone = 0;

    make_dirs();
    sctx = tls_ctx(1);
    cctx = tls_ctx(0);
    s = SSL_new(sctx);
    c = SSL_new(cctx);
    ck_assert_int_eq(SSL_set1_host(c, "kubernetes.default.svc"), 1);
    ck_assert_int_eq(BIO_new_bio_pair(&sb, 0, &cb, 0), 1);
    SSL_set_bio(s, sb, sb);
    SSL_set_bio(c, cb, cb);
    SSL_set_accept_state(s);
    SSL_set_connect_state(c);
    for (i = 0; i < 20 && !(sdone && cdone); i++) {
        cdone = cdone || SSL_do_handshake(c) == 1;
        sdone = sdone || SSL_do_handshake(s) == 1;
    }
    ck_assert_msg(sdone && cdone, "handshake: %ld", SSL_get_verify_result(c));
    ck_assert_int_eq(SSL_get_verify_result(s), X509_V_OK);
    ck_assert_int_eq(pki_cert_identity(SSL_get0_peer_certificate(s), &id, &err), 0);
    ck_assert_str_eq(id.user, PKI_ADMIN_USER);
    ck_assert_str_eq(id.groups[0], PKI_ADMIN_GROUP);
    SSL_free(s);
    SSL_free(c);
    SSL_CTX_free(sctx);
    SSL_CTX_free(cctx);
}
END_TEST

#define NELEM(a) (int)(sizeof(a) / sizeof((a)[0]))

static Suite *pki_suite(void)
{
    Suite *s = suite_create("pki");
    TCase *tc = tcase_create("pki");

    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, first_start_writes_files);
    tcase_add_test(tc, serving_cert_verifies);
    tcase_add_loop_test(tc, serving_cert_sans, 0, NELEM(sans));
    tcase_add_test(tc, admin_cert_yields_identity);
    tcase_add_test(tc, second_start_reuses_files);
    tcase_add_loop_test(tc, damaged_file_is_an_error, 0, NELEM(damage));
    tcase_add_test(tc, mismatched_key_is_an_error);
    tcase_add_test(tc, leaf_of_another_ca_is_an_error);
    tcase_add_test(tc, lone_key_is_replaced);
    tcase_add_test(tc, expired_leaf_is_an_error);
    tcase_add_loop_test(tc, bad_extra_name_is_invalid, 0, NELEM(bad_names));
    tcase_add_test(tc, kubeconfig_inlines_credentials);
    tcase_add_test(tc, kubeconfig_is_rewritten);
    tcase_add_loop_test(tc, kubeconfig_bad_input, 0, NELEM(bad_kc));
    tcase_add_loop_test(tc, identity_from_subject, 0, NELEM(subjects));
    tcase_add_test(tc, client_ca_bundle);
    tcase_add_test(tc, tls_handshake_end_to_end);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(pki_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
