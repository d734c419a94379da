/* Helpers shared by pki.c, pki_file.c and kubeconfig.c; not part of the module's surface. */
#ifndef GENERIC_AUTH_PKI_INTERNAL_H
#define GENERIC_AUTH_PKI_INTERNAL_H

#include <stddef.h>
#include <sys/types.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "generic/apis/apierr.h"

/* Largest PEM file we read: a CA bundle of a few hundred certificates. */
#define PKI_FILE_MAX (4u << 20)

/* Records the newest OpenSSL error after "what", clears the queue and returns -1. */
int pki_ossl_err(struct apierr *err, const char *what);

/* mkdir -p with mode 0700 for what it creates; -1 if dir is not a directory. */
int pki_mkdir(const char *dir, struct apierr *err);

/* Replaces path with data atomically: a temp file beside it gets mode, data and fsync, is
 * renamed over path, and the directory is fsynced. */
int pki_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
                     struct apierr *err);

/* Reads a whole regular file of at most PKI_FILE_MAX bytes into *out, NUL-terminated, which the
 * caller owns (free). A missing file is APIERR_NOT_FOUND. */
int pki_read_file(const char *path, char **out, size_t *len, struct apierr *err);

/* The first certificate or private key of a PEM file; the caller owns the result (X509_free,
 * EVP_PKEY_free). NULL on error; a missing file is APIERR_NOT_FOUND. An encrypted key is an
 * error, never a password prompt. */
X509 *pki_read_cert(const char *path, struct apierr *err);
EVP_PKEY *pki_read_key(const char *path, struct apierr *err);

#endif
