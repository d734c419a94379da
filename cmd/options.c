#include "cmd/options.h"
#include "generic/server/flags.h"

static const char *const usage_head =
    "The Kubernetes API server validates and configures data for the api objects which include\n"
    "pods, services, namespaces and others. This one is written in C and keeps its data in an\n"
    "embedded SQLite file under --data-dir.\n\n"
    "Usage:\n  kube-apiserver [flags]\n\nFlags:\n";

static void table(struct options *o, struct flag *f)
{
    const struct flag t[] = {
        {"data-dir", FLAG_STRING, &o->data_dir, "./data",
         "Directory for the database, generated certificates and admin.kubeconfig."},
        {"cert-dir", FLAG_STRING, &o->cert_dir, NULL,
         "Directory of the generated certificates; ignored with --tls-cert-file (default "
         "<data-dir>/pki)."},
        {"bind-address", FLAG_STRING, &o->bind_address, "0.0.0.0",
         "The IP address on which to listen for the --secure-port port."},
        {"secure-port", FLAG_PORT, &o->secure_port, "6443", "The port on which to serve HTTPS."},
        {"tls-cert-file", FLAG_STRING, &o->tls_cert_file, NULL,
         "File containing the default x509 certificate for HTTPS (CA cert, if any, concatenated "
         "after server cert); without it one is generated under --cert-dir."},
        {"tls-private-key-file", FLAG_STRING, &o->tls_private_key_file, NULL,
         "File containing the default x509 private key matching --tls-cert-file."},
        {"client-ca-file", FLAG_STRING, &o->client_ca_file, NULL,
         "Client certificates signed by one of these CAs authenticate as their CommonName, with "
         "their Organizations as groups."},
        {"token-auth-file", FLAG_STRING, &o->token_auth_file, NULL,
         "File of static bearer tokens: token,user,uid,\"group1,group2\" per line."},
        {"anonymous-auth", FLAG_BOOL, &o->anonymous_auth, "true",
         "Let requests without credentials reach /healthz, /livez, /readyz and /version as "
         "system:anonymous."},
        {"max-requests-inflight", FLAG_INT, &o->max_requests_inflight, "400",
         "Most non-mutating requests in flight at once; 0 = no limit."},
        {"max-mutating-requests-inflight", FLAG_INT, &o->max_mutating_requests_inflight, "200",
         "Most mutating requests in flight at once; 0 = no limit."},
        {"request-timeout", FLAG_DURATION, &o->request_timeout, "1m0s",
         "How long a request may take before it fails with 504; watches are exempt."},
        {"shutdown-delay-duration", FLAG_DURATION, &o->shutdown_delay, "0s",
         "After SIGTERM, keep serving this long with /readyz failing before draining."},
        {"shutdown-grace-period", FLAG_DURATION, &o->shutdown_grace, "30s",
         "After SIGTERM, how long in-flight requests may take to finish."},
        {"etcd-compaction-interval", FLAG_DURATION, &o->etcd_compaction_interval, "5m0s",
         "How often old revisions are compacted; 0 = never."},
        {"access-log", FLAG_BOOL, &o->access_log, "true",
         "Log one line per request to standard error."},
        {"v", FLAG_INT, &o->verbosity, "0", "Log level verbosity."},
        {"service-account-signing-key-file", FLAG_STRING, &o->service_account_signing_key_file,
         NULL,
         "PEM private key (RSA or EC P-256) that signs service account tokens; without it an RSA "
         "key is generated as <data-dir>/pki/sa.key."},
        {"service-account-key-file", FLAG_STRING, &o->service_account_key_file, NULL,
         "Comma-separated PEM files of public or private keys that verify service account "
         "tokens (default: the signing key)."},
        {"service-account-issuer", FLAG_STRING, &o->service_account_issuer,
         "https://kubernetes.default.svc.cluster.local",
         "The iss of issued service account tokens, and the one accepted."},
        {"api-audiences", FLAG_STRING, &o->api_audiences, NULL,
         "Comma-separated audiences of the API: tokens must name one; default: the issuer."},
        {"service-cluster-ip-range", FLAG_STRING, &o->service_cluster_ip_range, "10.0.0.0/24",
         "A CIDR notation IP range from which to assign service cluster IPs."},
        {"service-node-port-range", FLAG_STRING, &o->service_node_port_range, "30000-32767",
         "A port range to reserve for services with NodePort visibility."},
        {0},
    };
    unsigned i;

    for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
        f[i] = t[i];
}

int options_parse(struct options *o, int argc, char **argv, FILE *out, FILE *errout)
{
    struct flag flags[32];
    char err[512];
    int rc;

    table(o, flags);
    rc = flag_parse(flags, argc, argv, err, sizeof(err));
    if (rc == 1) {
        fputs(usage_head, out);
        flag_usage(flags, out);
        return 1;
    }
    if (rc < 0) {
        fprintf(errout, "Error: %s\nRun 'kube-apiserver --help' for the list of flags.\n", err);
        return 2;
    }
    return 0;
}
