/* kube-apiserver's flags. */
#ifndef CMD_OPTIONS_H
#define CMD_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

struct options {
    const char *data_dir;
    const char *cert_dir;
    const char *bind_address;
    int secure_port;
    const char *tls_cert_file;
    const char *tls_private_key_file;
    const char *client_ca_file;
    const char *token_auth_file;
    bool anonymous_auth;
    int max_requests_inflight;
    int max_mutating_requests_inflight;
    double request_timeout;
    double shutdown_delay;
    double shutdown_grace;
    double etcd_compaction_interval;
    bool access_log;
    int verbosity;
    const char *service_account_signing_key_file;
    const char *service_account_key_file; /* comma-separated */
    const char *service_account_issuer;
    const char *api_audiences;            /* comma-separated; empty: the issuer */
    const char *service_cluster_ip_range;
    const char *service_node_port_range;
};

/* Parses argv into *o. Returns 0 to run, 1 after printing help, 2 after printing an error. */
int options_parse(struct options *o, int argc, char **argv, FILE *out, FILE *errout);

#endif
