#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/pem.h>

#include "generic/apis/base64.h"
#include "generic/auth/pki.h"
#include "generic/auth/pki_internal.h"

/* Strings we write unquoted must stay plain YAML scalars: no spaces, quotes, '#' or flow
 * indicators at the start. */
static int name_ok(const char *s)
{
    if (!isalnum((unsigned char)*s) || strlen(s) > 128)
        return 0;
    for (; *s; s++) {
        if (!isalnum((unsigned char)*s) && !strchr("._:@-", *s))
            return 0;
    }
    return 1;
}

static int url_ok(const char *s)
{
    if (strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0)
        return 0;
    for (; *s; s++) {
        if (!isalnum((unsigned char)*s) && !strchr("-._~:/?[]@!$&()*+,;=%", *s))
            return 0;
    }
    return 1;
}

static int check_args(const struct pki_kubeconfig *kc, struct apierr *err)
{
    if (!kc->path || !kc->cert_file || !kc->key_file)
        return apierr_set(err, APIERR_INVALID, "kubeconfig: path, certificate and key needed");
    if (!kc->server || !url_ok(kc->server))
        return apierr_set(err, APIERR_INVALID, "kubeconfig: invalid server URL \"%.64s\"",
                          kc->server ? kc->server : "");
    if ((kc->cluster && !name_ok(kc->cluster)) || (kc->user && !name_ok(kc->user)))
        return apierr_set(err, APIERR_INVALID, "kubeconfig: invalid cluster or user name");
    return 0;
}

/* The file's contents, base64-encoded, which the caller frees; a CA bundle must hold at least
 * one certificate, since kubectl would otherwise fail with a less useful message. */
static char *file_base64(const char *path, int is_ca, struct apierr *err)
{
    char *data, *b64;
    size_t len;

    if (is_ca) {
        X509 *x = pki_read_cert(path, err);

        if (!x)
            return NULL;
        X509_free(x);
    }
    if (pki_read_file(path, &data, &len, err) < 0)
        return NULL;
    b64 = base64_encode_alloc(data, len, BASE64_STD, NULL);
    OPENSSL_cleanse(data, len);
    free(data);
    return b64;
}

static void print_yaml(FILE *f, const struct pki_kubeconfig *kc, const char *ca, const char *crt,
                       const char *key)
{
    const char *cluster = kc->cluster ? kc->cluster : "kubernetes";
    const char *user = kc->user ? kc->user : PKI_ADMIN_USER;

    fprintf(f, "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n");
    if (ca)
        fprintf(f, "    certificate-authority-data: %s\n", ca);
    else
        fprintf(f, "    insecure-skip-tls-verify: true\n");
    fprintf(f, "    server: %s\n  name: %s\n", kc->server, cluster);
    fprintf(f, "contexts:\n- context:\n    cluster: %s\n    user: %s\n  name: %s@%s\n", cluster,
            user, user, cluster);
    fprintf(f, "current-context: %s@%s\npreferences: {}\n", user, cluster);
    fprintf(f, "users:\n- name: %s\n  user:\n", user);
    fprintf(f, "    client-certificate-data: %s\n    client-key-data: %s\n", crt, key);
}

static int write_yaml(const struct pki_kubeconfig *kc, const char *ca, const char *crt,
                      const char *key, struct apierr *err)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    int rc;

    if (!f)
        abort();
    print_yaml(f, kc, ca, crt, key);
    if (fclose(f) != 0)
        abort();
    rc = pki_write_atomic(kc->path, buf, len, 0600, err);
    OPENSSL_cleanse(buf, len);
    free(buf);
    return rc;
}

int pki_write_kubeconfig(const struct pki_kubeconfig *kc, struct apierr *err)
{
    char *ca = NULL, *crt = NULL, *key = NULL;
    int rc = -1;

    if (check_args(kc, err) < 0)
        return -1;
    if (kc->ca_file) {
        ca = file_base64(kc->ca_file, 1, err);
        if (!ca)
            goto out;
    }
    crt = file_base64(kc->cert_file, 0, err);
    if (!crt)
        goto out;
    key = file_base64(kc->key_file, 0, err);
    if (!key)
        goto out;
    rc = write_yaml(kc, ca, crt, key, err);
out:
    free(ca);
    free(crt);
    if (key)
        OPENSSL_cleanse(key, strlen(key));
    free(key);
    return rc;
}
