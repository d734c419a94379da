/* kube-apiserver: flags, certificates, CreateServerChain, the filter chain, the TLS listener and
 * a graceful shutdown. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <event2/event.h>

#include "aggregator/aggregator.h"
#include "cmd/options.h"
#include "extensions/extensions.h"
#include "generic/auth/pki.h"
#include "generic/auth/satoken.h"
#include "generic/auth/tokenfile.h"
#include "generic/discovery/discovery.h"
#include "generic/filters/filter.h"
#include "generic/http/listener.h"
#include "generic/openapi/openapi.h"
#include "generic/server/health.h"
#include "generic/storage/storage.h"
#include "kubeapi/kubeapi.h"

#define MAX_BODY (3u << 20) /* kube's request body limit */

struct app {
    struct options opt;
    struct event_base *base;
    struct server *ext, *kube, *agg;
    struct storage *st;
    struct discovery *discovery;
    struct openapi *openapi;
    struct tokenfile *tokens;
    struct satoken *sa;
    struct authn_token token_authn[2];
    char *sa_lists; /* the comma-separated flags, split in place */
    const char *audiences[SATOKEN_MAX_AUDIENCES + 1], *sa_key_files[SATOKEN_MAX_KEYS + 1];
    char sa_key[PKI_PATH_MAX];
    struct http_listener *listener;
    struct event *sigterm, *sigint, *drain;
    struct maxinflight inflight[2];
    struct timeout_config timeout;
    struct bodylimit body;
    struct authn_config authn;
    struct accesslog log;
    struct filter chain[8];
    char cert_dir[PKI_PATH_MAX], cert[PKI_PATH_MAX], key[PKI_PATH_MAX];
    char ca[PKI_PATH_MAX], client_ca[PKI_PATH_MAX], kubeconfig[PKI_PATH_MAX];
    const char *client_cas[3];
    struct timespec stop_at;
    int stopping;
};

static int fail(const char *fmt, const char *arg)
{
    fputs("kube-apiserver: ", stderr);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    return -1;
}

/* mkdir -p with mode 0700 for what it creates. */
static int make_dirs(const char *path)
{
    char buf[PKI_PATH_MAX], *p;

    if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
        return fail("path too long: %s", path);
    for (p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0700) < 0 && errno != EEXIST)
            return fail("cannot create directory %s: %m", buf);
        *p = '/';
    }
    if (mkdir(buf, 0700) < 0 && errno != EEXIST)
        return fail("cannot create directory %s: %m", buf);
    return 0;
}

static int pki_fail(const struct apierr *err)
{
    return fail("%s", err->message);
}

/* The serving certificate and client CA: the user's, or generated under the cert dir. */
static int setup_pki(struct app *a)
{
    const char *ips[2] = {NULL, NULL};
    struct pki_options po = {.dir = a->cert_dir, .extra_ips = ips};
    struct apierr err = {0};
    const char *bind = a->opt.bind_address;
    unsigned n = 0;

    if (strcmp(bind, "0.0.0.0") != 0 && strcmp(bind, "::") != 0 && *bind)
        ips[0] = bind;
    if (make_dirs(a->cert_dir) < 0)
        return -1;
    if (*a->opt.tls_cert_file || *a->opt.tls_private_key_file) {
        if (!*a->opt.tls_cert_file || !*a->opt.tls_private_key_file)
            return fail("%s", "--tls-cert-file and --tls-private-key-file go together");
        snprintf(a->cert, sizeof(a->cert), "%s", a->opt.tls_cert_file);
        snprintf(a->key, sizeof(a->key), "%s", a->opt.tls_private_key_file);
        a->ca[0] = '\0';
    } else {
        if (pki_ensure_serving(&po, &err) < 0 || pki_path(a->cert, a->cert_dir, PKI_SERVING_CRT,
                                                          &err) < 0 ||
            pki_path(a->key, a->cert_dir, PKI_SERVING_KEY, &err) < 0 ||
            pki_path(a->ca, a->cert_dir, PKI_CA_CRT, &err) < 0)
            return pki_fail(&err);
    }
    if (pki_ensure_client(&po, &err) < 0 ||
        pki_path(a->client_ca, a->cert_dir, PKI_CLIENT_CA_CRT, &err) < 0)
        return pki_fail(&err);
    a->client_cas[n++] = a->client_ca;
    if (*a->opt.client_ca_file)
        a->client_cas[n++] = a->opt.client_ca_file;
    return 0;
}

static int write_kubeconfig(struct app *a)
{
    char server[300], crt[PKI_PATH_MAX], key[PKI_PATH_MAX];
    const char *host = a->opt.bind_address;
    struct apierr err = {0};
    struct pki_kubeconfig kc = {.path = a->kubeconfig, .server = server, .cert_file = crt,
                                .key_file = key, .ca_file = a->ca[0] ? a->ca : NULL};

    if (!*host || strcmp(host, "0.0.0.0") == 0 || strcmp(host, "::") == 0)
        host = "127.0.0.1";
    snprintf(server, sizeof(server), strchr(host, ':') ? "https://[%s]:%d" : "https://%s:%d",
             host, http_listener_port(a->listener));
    if (pki_path(crt, a->cert_dir, PKI_ADMIN_CRT, &err) < 0 ||
        pki_path(key, a->cert_dir, PKI_ADMIN_KEY, &err) < 0 ||
        pki_path(a->kubeconfig, a->opt.data_dir, PKI_KUBECONFIG, &err) < 0 ||
        pki_write_kubeconfig(&kc, &err) < 0)
        return pki_fail(&err);
    return 0;
}

static int cert_identity(void *cert, struct req_user *u)
{
    struct pki_identity id;
    struct apierr err = {0};
    unsigned i;

    if (pki_cert_identity(cert, &id, &err) < 0)
        return -1;
    snprintf(u->name, sizeof(u->name), "%s", id.user);
    for (i = 0; i < id.ngroups && u->ngroups < REQ_MAX_GROUPS; i++)
        snprintf(u->groups[u->ngroups++], sizeof(u->groups[0]), "%s", id.groups[i]);
    return 0;
}

/* The filter chain, outermost first, in kube's order (DESIGN.md §6). */
static void build_filters(struct app *a)
{
    const struct filter chain[] = {
        {"accesslog", filter_accesslog, &a->log},
        {"requestinfo", filter_requestinfo, NULL},
        {"maxinflight", filter_max_inflight, a->inflight},
        {"timeout", filter_timeout, &a->timeout},
        {"bodylimit", filter_bodylimit, &a->body},
        {"authentication", filter_authn, &a->authn},
        {0},
    };

    a->log.enabled = a->opt.access_log;
    a->inflight[0].limit = (unsigned)a->opt.max_requests_inflight;
    a->inflight[1].limit = (unsigned)a->opt.max_mutating_requests_inflight;
    a->timeout = (struct timeout_config){.base = a->base, .seconds = a->opt.request_timeout};
    a->body.max = MAX_BODY;
    a->authn = (struct authn_config){
        .anonymous = a->opt.anonymous_auth, .tokens = a->tokens, .cert_identity = cert_identity,
        .token_authenticators = a->token_authn, .api_audiences = a->audiences, .sa_tokens = a->sa};
    memcpy(a->chain, chain, sizeof(chain));
}

static void direct(struct req *req, void *arg)
{
    server_direct(arg, req);
}

static void serve(struct req *req, void *arg)
{
    struct app *a = arg;

    filter_chain_run(a->chain, req, direct, a->agg);
}

static int open_storage(struct app *a)
{
    struct storage_config sc = {
        .data_dir = a->opt.data_dir,
        .compaction_interval_ms = a->opt.etcd_compaction_interval > 0
                                      ? (long)(a->opt.etcd_compaction_interval * 1000)
                                      : -1,
    };
    struct apierr err = {0};

    a->st = storage_open(a->base, &sc, &err);
    if (!a->st)
        return fail("cannot open the store: %s", err.message);
    return 0;
}

/* Splits a comma-separated list (in place) into out, at most max entries and a NULL. */
static void split_list(char *s, const char **out, size_t max)
{
    size_t n = 0;
    char *tok, *save = NULL;

    for (tok = strtok_r(s, ",", &save); tok && n < max; tok = strtok_r(NULL, ",", &save))
        out[n++] = tok;
    out[n] = NULL;
}

/* Service account tokens: the signing key (the flag's, or <data-dir>/pki/sa.key generated once),
 * the verification keys, the issuer and the API audiences; then their authenticator. */
static int setup_sa(struct app *a)
{
    struct satoken_config sc = {.issuer = a->opt.service_account_issuer,
                                .audiences = a->audiences,
                                .signing_key_file = a->opt.service_account_signing_key_file,
                                .key_files = a->sa_key_files,
                                .generated_key_file = a->sa_key,
                                .storage = a->st};
    const char *auds = a->opt.api_audiences, *keys = a->opt.service_account_key_file;
    struct apierr err = {0};
    size_t na = strlen(auds ? auds : ""), nk = strlen(keys ? keys : "");

    a->sa_lists = calloc(1, na + nk + 2);
    if (!a->sa_lists)
        abort();
    memcpy(a->sa_lists, auds ? auds : "", na);
    memcpy(a->sa_lists + na + 1, keys ? keys : "", nk);
    split_list(a->sa_lists, a->audiences, SATOKEN_MAX_AUDIENCES);
    split_list(a->sa_lists + na + 1, a->sa_key_files, SATOKEN_MAX_KEYS);
    if (!a->audiences[0]) {
        a->audiences[0] = a->opt.service_account_issuer;
        a->audiences[1] = NULL;
    }
    if (pki_path(a->sa_key, a->opt.data_dir, "pki/sa.key", &err) < 0 ||
        !(a->sa = satoken_new(&sc, &err)))
        return fail("service account tokens: %s", err.message);
    a->token_authn[0] = (struct authn_token){satoken_authenticate, a->sa};
    return 0;
}

static int storage_ready(void *arg, char *why, size_t n)
{
    struct apierr err = {0};

    if (storage_health(arg, &err) == 0)
        return 0;
    snprintf(why, n, "%s", err.message);
    return -1;
}

/* CreateServerChain: extensions, then the kube API delegating to it, then the aggregator. */
static int build_chain(struct app *a)
{
    struct server_config cfg = {.base = a->base, .storage = a->st};
    struct kubeapi_options ko = {a->opt.service_cluster_ip_range, a->opt.service_node_port_range,
                                 a->opt.secure_port, a->opt.bind_address};
    struct apierr err = {0};

    a->discovery = discovery_new();
    a->openapi = openapi_new();
    cfg.discovery = a->discovery;
    cfg.openapi = a->openapi;
    cfg.authn = &a->authn; /* filled by build_filters, before the first request */

    a->ext = extensions_new(&cfg, NULL, &err);
    a->kube = a->ext ? kubeapi_new(&cfg, &ko, a->ext, &err) : NULL;
    a->agg = a->kube ? aggregator_new(&cfg, a->kube, &err) : NULL;
    if (!a->agg)
        return fail("cannot build the server chain: %s", err.message);
    server_add_health_check(a->agg, HEALTH_ALL, "etcd", storage_ready, a->st);
    return 0;
}

static int start_listener(struct app *a)
{
    struct http_listener_config lc = {
        .address = a->opt.bind_address, .port = a->opt.secure_port, .cert_file = a->cert,
        .key_file = a->key, .client_ca_files = a->client_cas, .max_body = 2 * MAX_BODY,
        .handler = serve, .arg = a};
    char err[512];

    a->listener = http_listener_new(a->base, &lc, err, sizeof(err));
    if (!a->listener)
        return fail("%s", err);
    return 0;
}

static double since(const struct timespec *t)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

/* Polls until the in-flight requests (watches aside) are done or the grace period is over. */
static void drain_tick(evutil_socket_t fd, short what, void *arg)
{
    struct app *a = arg;
    unsigned lr, n;
    struct timeval tv = {0, 20000};

    (void)fd;
    (void)what;
    if (a->stopping == 1 && since(&a->stop_at) >= a->opt.shutdown_delay) {
        http_listener_stop_accepting(a->listener);
        a->stopping = 2;
        clock_gettime(CLOCK_MONOTONIC, &a->stop_at);
    }
    n = http_listener_inflight(a->listener, &lr);
    if (a->stopping == 2 && (n == lr || since(&a->stop_at) >= a->opt.shutdown_grace)) {
        event_base_loopexit(a->base, NULL);
        return;
    }
    evtimer_add(a->drain, &tv);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
    struct app *a = arg;

    (void)what;
    if (a->stopping) {
        fprintf(stderr, "kube-apiserver: second signal %d, exiting now\n", (int)sig);
        exit(1);
    }
    fprintf(stderr, "kube-apiserver: signal %d, shutting down\n", (int)sig);
    a->stopping = 1;
    clock_gettime(CLOCK_MONOTONIC, &a->stop_at);
    server_set_shutting_down(a->agg);
    a->drain = evtimer_new(a->base, drain_tick, a);
    drain_tick(-1, 0, a);
}

static int setup(struct app *a)
{
    char err[512];

    if (make_dirs(a->opt.data_dir) < 0)
        return -1;
    if (*a->opt.cert_dir)
        snprintf(a->cert_dir, sizeof(a->cert_dir), "%s", a->opt.cert_dir);
    else
        snprintf(a->cert_dir, sizeof(a->cert_dir), "%s/pki", a->opt.data_dir);
    if (*a->opt.token_auth_file) {
        a->tokens = tokenfile_load(a->opt.token_auth_file, err, sizeof(err));
        if (!a->tokens)
            return fail("--token-auth-file: %s", err);
    }
    if (setup_pki(a) < 0 || open_storage(a) < 0 || setup_sa(a) < 0 || build_chain(a) < 0)
        return -1;
    build_filters(a);
    if (start_listener(a) < 0 || write_kubeconfig(a) < 0)
        return -1;
    return 0;
}

static void teardown(struct app *a)
{
    http_listener_free(a->listener);
    server_free(a->agg);
    server_free(a->kube);
    server_free(a->ext);
    openapi_free(a->openapi);
    discovery_free(a->discovery);
    storage_free(a->st);
    tokenfile_free(a->tokens);
    satoken_free(a->sa);
    free(a->sa_lists);
    if (a->drain)
        event_free(a->drain);
    if (a->sigterm)
        event_free(a->sigterm);
    if (a->sigint)
        event_free(a->sigint);
    event_base_free(a->base);
}

int main(int argc, char **argv)
{
    struct app a = {0};
    int rc = options_parse(&a.opt, argc, argv, stdout, stderr);

    if (rc)
        return rc == 1 ? 0 : 2;
    signal(SIGPIPE, SIG_IGN);
    a.base = event_base_new();
    if (setup(&a) < 0) {
        teardown(&a);
        return 1;
    }
    a.sigterm = evsignal_new(a.base, SIGTERM, on_signal, &a);
    a.sigint = evsignal_new(a.base, SIGINT, on_signal, &a);
    evsignal_add(a.sigterm, NULL);
    evsignal_add(a.sigint, NULL);
    server_run_poststart_hooks(a.agg);
    fprintf(stderr, "kube-apiserver: serving securely on %s:%d; kubeconfig: %s\n",
            a.opt.bind_address, http_listener_port(a.listener), a.kubeconfig);
    event_base_dispatch(a.base);
    teardown(&a);
    fprintf(stderr, "kube-apiserver: stopped\n");
    return 0;
}
