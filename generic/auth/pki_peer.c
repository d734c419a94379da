#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "generic/auth/pki.h"
#include "generic/auth/pki_internal.h"

/* Copies one subject value as UTF-8; refuses rather than truncates. */
static int copy_value(const X509_NAME_ENTRY *e, char *buf, size_t size, struct apierr *err)
{
    unsigned char *utf8 = NULL;
    int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
    int rc = 0;

    ERR_clear_error();
    if (len < 0)
        return apierr_set(err, APIERR_UNAUTHORIZED, "client certificate: bad subject string");
    if ((size_t)len >= size || memchr(utf8, '\0', (size_t)len))
        rc = apierr_set(err, APIERR_UNAUTHORIZED, "client certificate: subject value too long");
    else
        memcpy(buf, utf8, (size_t)len + 1);
    OPENSSL_free(utf8);
    return rc;
}

static int add_entry(const X509_NAME_ENTRY *e, struct pki_identity *id, int *ncn,
                     struct apierr *err)
{
    int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(e));

    if (nid == NID_commonName) {
        if (++*ncn > 1)
            return apierr_set(err, APIERR_UNAUTHORIZED, "client certificate: more than one CN");
        return copy_value(e, id->user, sizeof(id->user), err);
    }
    if (nid != NID_organizationName)
        return 0;
    if (id->ngroups == PKI_MAX_GROUPS)
        return apierr_set(err, APIERR_UNAUTHORIZED, "client certificate: more than %d O values",
                          PKI_MAX_GROUPS);
    return copy_value(e, id->groups[id->ngroups++], sizeof(id->groups[0]), err);
}

int pki_cert_identity(const X509 *cert, struct pki_identity *id, struct apierr *err)
{
    const X509_NAME *name = X509_get_subject_name(cert);
    int i, n = X509_NAME_entry_count(name), ncn = 0;

    memset(id, 0, sizeof(*id));
    for (i = 0; i < n; i++) {
        if (add_entry(X509_NAME_get_entry(name, i), id, &ncn, err) < 0) {
            memset(id, 0, sizeof(*id));
            return -1;
        }
    }
    if (id->user[0] == '\0')
        return apierr_set(err, APIERR_UNAUTHORIZED, "client certificate: no common name");
    return 0;
}

static STACK_OF(X509_INFO) * read_bundle(const char *path, struct apierr *err)
{
    STACK_OF(X509_INFO) * infos;
    size_t len;
    char *data;
    BIO *bio;

    if (pki_read_file(path, &data, &len, err) < 0)
        return NULL;
    bio = BIO_new_mem_buf(data, (int)len);
    if (!bio)
        abort();
    infos = PEM_X509_INFO_read_bio(bio, NULL, NULL, NULL);
    BIO_free(bio);
    free(data);
    if (!infos)
        pki_ossl_err(err, path);
    return infos;
}

int pki_load_client_ca(SSL_CTX *ctx, const char *path, struct apierr *err)
{
    X509_STORE *store = SSL_CTX_get_cert_store(ctx);
    STACK_OF(X509_INFO) *infos = read_bundle(path, err);
    int i, n = 0, rc = 0;

    if (!infos)
        return -1;
    for (i = 0; i < sk_X509_INFO_num(infos) && rc == 0; i++) {
        X509 *x = sk_X509_INFO_value(infos, i)->x509;

        if (!x)
            continue;
        if (!X509_STORE_add_cert(store, x) || !SSL_CTX_add_client_CA(ctx, x))
            rc = pki_ossl_err(err, path);
        n++;
    }
    sk_X509_INFO_pop_free(infos, X509_INFO_free);
    if (rc == 0 && n == 0)
        rc = apierr_set(err, APIERR_INTERNAL, "%s: no PEM certificate", path);
    if (rc == 0)
        SSL_CTX_set_verify(ctx, SSL_CTX_get_verify_mode(ctx) | SSL_VERIFY_PEER,
                           SSL_CTX_get_verify_callback(ctx));
    return rc;
}
