/* Certificates for a server that starts secure with no flags: a serving CA and certificate, a
 * client CA and an admin client certificate, the admin kubeconfig, and the two helpers the TLS
 * layer needs to authenticate clients by certificate.
 *
 * Everything here runs at start-up except pki_cert_identity(). Errors fill a caller-provided
 * struct apierr whose message names the file and the problem, meant to be printed before the
 * server exits: APIERR_INVALID for a bad option (an IP that does not parse, a URL with spaces),
 * APIERR_INTERNAL for everything else (I/O, a corrupt or mismatched file, OpenSSL failures).
 * Nothing here keeps state between calls. */
#ifndef GENERIC_AUTH_PKI_H
#define GENERIC_AUTH_PKI_H

#include <time.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "generic/apis/apierr.h"

/* File names under the cert dir. Keys are PKCS#8 PEM, mode 0600; certificates PEM, mode 0644. */
#define PKI_CA_CRT        "ca.crt" /* self-signed CA of the serving certificate */
#define PKI_CA_KEY        "ca.key"
#define PKI_SERVING_CRT   "apiserver.crt" /* CN kube-apiserver, serverAuth */
#define PKI_SERVING_KEY   "apiserver.key"
#define PKI_CLIENT_CA_CRT "client-ca.crt" /* self-signed CA of client certificates */
#define PKI_CLIENT_CA_KEY "client-ca.key"
#define PKI_ADMIN_CRT     "admin.crt" /* CN kubernetes-admin, O system:masters, clientAuth */
#define PKI_ADMIN_KEY     "admin.key"
#define PKI_KUBECONFIG    "admin.kubeconfig" /* the name cmd/ gives it under the data dir */

#define PKI_ADMIN_USER  "kubernetes-admin"
#define PKI_ADMIN_GROUP "system:masters"

/* Default lifetimes in days. */
#define PKI_CA_DAYS   3650
#define PKI_LEAF_DAYS 365

#define PKI_PATH_MAX 4096

struct pki_options {
    const char *dir;              /* cert dir; created (mode 0700) with its parents if missing */
    const char *const *extra_dns; /* extra SAN DNS names, NULL-terminated; NULL = none */
    const char *const *extra_ips; /* extra SAN IPs, "10.0.0.1" or "fd00::1", NULL-terminated */
    unsigned leaf_days;           /* lifetime of new leaf certificates; 0 = PKI_LEAF_DAYS */
    time_t now;                   /* "now" for new certificates and expiry checks; 0 = time() */
};

/* Writes "<dir>/<file>" into buf (PKI_PATH_MAX bytes); -1 if it does not fit. */
int pki_path(char *buf, const char *dir, const char *file, struct apierr *err);

/* Makes sure ca.crt/ca.key and apiserver.crt/apiserver.key exist under o->dir.
 *
 * A pair (certificate and key) that exists is loaded and checked, never rewritten: both must
 * parse, the key must match the certificate, it must not have expired, the CA must be a CA and
 * the serving certificate must be signed by it. Any failed check is an error naming the file.
 * A missing pair is generated (ECDSA P-256): the CA self-signed for PKI_CA_DAYS with CN
 * "kube-apiserver-ca@<unix time>", the serving certificate signed by the CA with CN
 * "kube-apiserver" and SANs localhost, the host name, kubernetes, kubernetes.default,
 * kubernetes.default.svc, 127.0.0.1, ::1 and the extra names of o. So deleting apiserver.crt and
 * apiserver.key regenerates the serving certificate (e.g. with new SANs) under the same CA.
 * A certificate without its key is an error; a key without its certificate is what an
 * interrupted first start leaves behind (the key is written first) and is replaced.
 * Files are written atomically (temp file, fsync, rename). Extra names are only checked and
 * used when a certificate is generated. */
int pki_ensure_serving(const struct pki_options *o, struct apierr *err);

/* The same for client-ca.crt/client-ca.key (CN "kube-apiserver-client-ca@<unix time>") and
 * admin.crt/admin.key (CN PKI_ADMIN_USER, O PKI_ADMIN_GROUP, clientAuth) signed by it.
 * o->extra_dns and o->extra_ips are not used. */
int pki_ensure_client(const struct pki_options *o, struct apierr *err);

struct pki_kubeconfig {
    const char *path;      /* file to write, atomically, mode 0600; rewritten every time */
    const char *server;    /* "https://127.0.0.1:6443" */
    const char *ca_file;   /* PEM certificates that verify the serving certificate, inlined as
                            * certificate-authority-data: <dir>/ca.crt, or the user's CA when
                            * they gave --tls-cert-file; NULL writes insecure-skip-tls-verify */
    const char *cert_file; /* client certificate and key, inlined: <dir>/admin.crt, admin.key */
    const char *key_file;
    const char *cluster; /* cluster name; NULL = "kubernetes" */
    const char *user;    /* user name; NULL = PKI_ADMIN_USER; the context is "<user>@<cluster>" */
};

/* Writes a kubeconfig with one cluster, one user, one context and current-context set to it.
 * The server URL must be http(s) with no spaces or quotes, the names [A-Za-z0-9._:@-]; ca_file
 * must hold at least one PEM certificate. */
int pki_write_kubeconfig(const struct pki_kubeconfig *kc, struct apierr *err);

#define PKI_MAX_GROUPS 32

/* Who a client certificate says it is, as kube's x509 authenticator reads it. */
struct pki_identity {
    char user[256];   /* subject CN */
    unsigned ngroups; /* number of subject O values, in subject order */
    char groups[PKI_MAX_GROUPS][128];
};

/* Fills *id from the subject of cert, which the caller has verified (the TLS handshake did).
 * Returns -1 with APIERR_UNAUTHORIZED when the CN is missing, empty or given twice, or any value
 * does not fit, holds a NUL or is not a valid string; nothing is truncated, since a shortened
 * name could be somebody else's. More than PKI_MAX_GROUPS O values is also an error. */
int pki_cert_identity(const X509 *cert, struct pki_identity *id, struct apierr *err);

/* Adds every certificate of the PEM file at path to ctx's verify store and to the CA names the
 * server sends in its CertificateRequest, and turns on SSL_VERIFY_PEER (keeping the mode's
 * other bits and the callback) without FAIL_IF_NO_PEER_CERT, since a client may authenticate
 * with a token instead. Calls add up: cmd/ may load --client-ca-file and then our
 * client-ca.crt. A file with no certificate is an error. ctx stays the caller's. */
int pki_load_client_ca(SSL_CTX *ctx, const char *path, struct apierr *err);

#endif
