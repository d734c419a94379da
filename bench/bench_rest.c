/* REST figures against the real binary over TLS keep-alive, authenticated with the generated
 * admin client certificate: GET of one configmap at concurrency 1 and 32 next to a bare
 * evhttp+TLS server (a forked child of this program, same certificate, same reply bytes), creates
 * at concurrency 64, a LIST of 10k configmaps as JSON and as Table (time, peak extra server RSS),
 * idle RSS and the time from exec to /readyz. Medians of REPS runs; real and bare runs alternate
 * so that both see the same machine; server CPU per request is read from each thread's schedstat.
 * The client is one thread on its own loop, N connections each with one request in flight,
 * HTTP/1.1 written and parsed by hand. A LIST counts as done only with all NLIST items in whole
 * JSON within LIST_LIMIT seconds; the whole run stays near a minute.
 * Usage: bench_rest [kube-apiserver] (default $KUBE_APISERVER, else ../kube-apiserver next to
 * this program). */
#define _GNU_SOURCE /* for bench_common.h */

#include "bench/bench_common.h"

#define REPS        5
#define GET_SECONDS 1.5
#define NLIST       10000
#define MAX_HEADERS 16
#define TABLE       "application/json;as=Table;v=v1;g=meta.k8s.io"

/* A reply the bare server copies: status, headers but Date and Content-Length, body. */
struct reply {
    int status;
    unsigned nh;
    char *names[MAX_HEADERS], *values[MAX_HEADERS];
    char *body;
    size_t len;
};

static pid_t bare_pid = -1;

/* Restarts VmHWM from the current RSS. */
static void reset_peak(pid_t pid)
{
    char path[64];
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%d/clear_refs", (int)pid);
    f = fopen(path, "w");
    if (!f)
        die("cannot reset the RSS high-water mark: %s", strerror(errno));
    fputs("5", f);
    fclose(f);
}

/* --- the bare evhttp+TLS server: a forked child answering every request with one reply --- */

static struct bufferevent *bare_bev(struct event_base *b, void *arg)
{
    return bufferevent_openssl_socket_new(b, -1, SSL_new(arg), BUFFEREVENT_SSL_ACCEPTING,
                                          BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
}

static void bare_reply(struct evhttp_request *req, void *arg)
{
    const struct reply *r = arg;
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    struct evbuffer *body = evbuffer_new();
    unsigned i;

    for (i = 0; i < r->nh; i++)
        evhttp_add_header(h, r->names[i], r->values[i]);
    evbuffer_add(body, r->body, r->len);
    evhttp_send_reply(req, r->status, "OK", body);
    evbuffer_free(body);
}

/* The real server's certificate and client CA, so both handshakes do the same work. */
static SSL_CTX *bare_tls(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    char crt[PATH_MAX + 32], key[PATH_MAX + 32], ca[PATH_MAX + 32];

    snprintf(crt, sizeof(crt), "%s/apiserver.crt", pki_dir);
    snprintf(key, sizeof(key), "%s/apiserver.key", pki_dir);
    snprintf(ca, sizeof(ca), "%s/client-ca.crt", pki_dir);
    if (SSL_CTX_use_certificate_chain_file(ctx, crt) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)
        _exit(1);
    SSL_CTX_set_client_CA_list(ctx, SSL_load_client_CA_file(ca));
    SSL_CTX_load_verify_locations(ctx, ca, NULL);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    return ctx;
}

static void bare_serve(int fd, struct reply *r)
{
    struct event_base *b = event_base_new();
    SSL_CTX *ctx = bare_tls();
    struct evhttp *http = evhttp_new(b);

    signal(SIGPIPE, SIG_IGN);
    evutil_make_socket_nonblocking(fd); /* the listener accepts until EAGAIN */
    evhttp_set_bevcb(http, bare_bev, ctx);
    evhttp_set_gencb(http, bare_reply, r);
    if (!evhttp_accept_socket_with_handle(http, fd))
        _exit(1);
    event_base_dispatch(b);
    _exit(0);
}

/* Listens on a free port with TCP_NODELAY (STYLE.md §8), then forks the server. */
static pid_t bare_start(struct reply *r, int *port)
{
    struct sockaddr_in sin = {.sin_family = AF_INET};
    socklen_t len = sizeof(sin);
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    pid_t pid;

    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(fd, 1024) < 0 ||
        getsockname(fd, (struct sockaddr *)&sin, &len) < 0)
        die("bare server: %s", strerror(errno));
    *port = ntohs(sin.sin_port);
    fflush(stdout); /* or the child writes what is buffered once more */
    pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        bare_serve(fd, r);
    }
    close(fd);
    return pid;
}

/* Fills r from a captured response head and body. */
static void reply_parse(struct reply *r, struct evbuffer *head, struct evbuffer *body)
{
    size_t n = evbuffer_get_length(head);
    char *h = xstrndup((const char *)evbuffer_pullup(head, (ev_ssize_t)n), n), *line, *save;
    char *colon;

    r->status = atoi(h + 9);
    r->len = evbuffer_get_length(body);
    r->body = xmalloc(r->len + 1);
    evbuffer_copyout(body, r->body, r->len);
    for (line = strtok_r(strstr(h, "\r\n"), "\r\n", &save); line && r->nh < MAX_HEADERS;
         line = strtok_r(NULL, "\r\n", &save)) {
        colon = strchr(line, ':');
        if (!colon || strncasecmp(line, "Date:", 5) == 0 ||
            strncasecmp(line, "Content-Length:", 15) == 0)
            continue;
        *colon = '\0';
        r->names[r->nh] = xstrdup(line);
        r->values[r->nh++] = xstrdup(colon + 1 + strspn(colon + 1, " "));
    }
    free(h);
}

/* --- the measurements --- */

/* Timed runs of l, after a warm-up that also does the handshakes. */
static void load_reps(struct load *l, struct figures *f)
{
    unsigned i;

    load_run(l, 0.3, -1, 30);
    for (i = 0; i < REPS; i++) {
        load_run(l, GET_SECONDS, -1, GET_SECONDS + 30);
        f[i] = load_figures(l);
    }
}

/* GET at concurrency conc, real and bare runs alternating; real/bare is the figure. */
static void get_pair(int real_port, int bare_port, const char *path, int conc)
{
    struct figures real[REPS], bare[REPS], mr, mb;
    struct load lr, lb;
    unsigned i;
    char what[32];

    load_init(&lr, real_port, conc, client_ctx);
    load_init(&lb, bare_port, conc, client_ctx);
    lr.make = lb.make = make_get;
    lr.pid = server_pid;
    lb.pid = bare_pid;
    lr.path = lb.path = path;
    load_run(&lr, 0.3, -1, 30);
    load_run(&lb, 0.3, -1, 30);
    for (i = 0; i < REPS; i++) {
        load_run(&lr, GET_SECONDS, -1, GET_SECONDS + 30);
        real[i] = load_figures(&lr);
        load_run(&lb, GET_SECONDS, -1, GET_SECONDS + 30);
        bare[i] = load_figures(&lb);
    }
    medians(real, REPS, &mr);
    medians(bare, REPS, &mb);
    snprintf(what, sizeof(what), "c=%d real", conc);
    print_row(what, &mr);
    snprintf(what, sizeof(what), "c=%d bare", conc);
    print_row(what, &mb);
    printf("  c=%-2d real/bare req/s: %.2f (goal >= 0.5)\n", conc, mr.rps / mb.rps);
    load_release(&lr);
    load_release(&lb);
}

static void reply_free(struct reply *r)
{
    unsigned i;

    for (i = 0; i < r->nh; i++) {
        free(r->names[i]);
        free(r->values[i]);
    }
    free(r->body);
}

/* GETs the object from a server; 0 if it answered 200. */
static int capture(int port, const char *path, struct reply *r)
{
    struct evbuffer *head = evbuffer_new(), *body = evbuffer_new();
    int rc = request_once(port, client_ctx, make_get, path, NULL, 200, head, body);

    *r = (struct reply){0};
    if (rc == 0)
        reply_parse(r, head, body);
    evbuffer_free(head);
    evbuffer_free(body);
    return rc;
}

static bool same_reply(const struct reply *a, const struct reply *b)
{
    unsigned i;

    if (a->status != b->status || a->len != b->len || memcmp(a->body, b->body, a->len) != 0 ||
        a->nh != b->nh)
        return false;
    for (i = 0; i < a->nh; i++) {
        if (strcasecmp(a->names[i], b->names[i]) != 0 || strcmp(a->values[i], b->values[i]) != 0)
            return false;
    }
    return true;
}

static void bench_get(int port)
{
    const char *path = "/api/v1/namespaces/default/configmaps/bench-get";
    struct reply real, bare;
    char json[1400];
    int bare_port;

    configmap_json(json, sizeof(json), "bench-get");
    post_once(port, "/api/v1/namespaces/default/configmaps", json);
    if (capture(port, path, &real) < 0)
        die("GET %s did not answer 200", path);
    bare_pid = bare_start(&real, &bare_port);
    if (capture(bare_port, path, &bare) < 0)
        die("the bare server did not answer %s", "");
    printf("\nGET one configmap (%zu-byte body, %u headers besides Date and Content-Length; bare "
           "reply %s), %d x %.1f s\n",
           real.len, real.nh, same_reply(&real, &bare) ? "identical" : "DIFFERENT", REPS,
           GET_SECONDS);
    printf("  %-12s %9s %9s %9s %9s %9s\n", "", "req/s", "p50 ms", "p99 ms", "srv us/req",
           "client CPU");
    get_pair(port, bare_port, path, 1);
    get_pair(port, bare_port, path, 32);
    stop_child(bare_pid);
    bare_pid = -1;
    reply_free(&real);
    reply_free(&bare);
}

static void bench_create(int port)
{
    struct figures f[REPS], m;
    struct load l;

    load_init(&l, port, 64, client_ctx);
    l.make = make_create;
    l.path = "/api/v1/namespaces/default/configmaps";
    l.want_status = 201;
    l.pid = server_pid;
    load_reps(&l, f);
    medians(f, REPS, &m);
    printf("\ncreate configmap (1 KiB data), %d x %.1f s\n", REPS, GET_SECONDS);
    print_row("c=64 create", &m);
    printf("  server RSS after the creates: %.1f MiB\n",
           (double)status_kb(server_pid, "VmRSS:") / 1024);
    load_release(&l);
}

/* NLIST configmaps of 1 KiB in a namespace of their own, 64 at a time. */
#define LIST_LIMIT 5 /* seconds a LIST may take (a healthy one takes well under 1) */
#define STR_(x)    #x
#define STR(x)     STR_(x)

/* LISTs of one kind: the time and the peak extra server RSS (KiB) of those that completed. */
struct listing {
    struct load l;
    double t[REPS], kb[REPS], bytes, stalled_at; /* bytes: of a whole reply */
    unsigned ok, failed;
    int items; /* in the last reply: items or rows; -1 if it was not whole JSON */
};

/* Items (or Table rows) in a list; -1 if the body is not a whole JSON list. Drains the body. */
static int count_items(struct evbuffer *body)
{
    struct json_object *list, *items;
    int n = -1;

    evbuffer_add(body, "", 1);
    list = json_tokener_parse((const char *)evbuffer_pullup(body, -1));
    if (json_object_object_get_ex(list, "items", &items) ||
        json_object_object_get_ex(list, "rows", &items))
        n = (int)json_object_array_length(items);
    json_object_put(list);
    evbuffer_drain(body, evbuffer_get_length(body));
    return n;
}

static void list_once(struct listing *x)
{
    long rss;

    if (x->failed >= 2) /* a LIST that stalls twice will stall again: keep the run short */
        return;
    reset_peak(server_pid);
    rss = status_kb(server_pid, "VmRSS:");
    load_run(&x->l, 300, 1, LIST_LIMIT);
    x->items = count_items(x->l.body);
    if (x->l.nlat != 1 || x->l.errors || x->items != NLIST) {
        x->failed++;
        x->stalled_at = (double)x->l.bytes;
        return;
    }
    x->bytes = (double)x->l.bytes;
    x->t[x->ok] = x->l.done - x->l.start;
    x->kb[x->ok++] = (double)(status_kb(server_pid, "VmHWM:") - rss);
}

static void print_list(const char *what, struct listing *x)
{
    double first = x->kb[0]; /* cold; median() sorts in place */

    if (x->ok)
        printf("  %-6s %7.1f ms  %5.1f MiB %-8s  peak extra server RSS %5.1f MiB (first: %.1f)\n",
               what, median(x->t, x->ok) * 1e3, x->bytes / 1048576,
               x->l.chunked ? "chunked" : "in one", median(x->kb, x->ok) / 1024, first / 1024);
    if (x->failed)
        printf("  %-6s %u of %u incomplete: the last %s after %.2f MiB with %s\n", what, x->failed,
               x->ok + x->failed, x->l.nlat ? "ended" : "stalled " STR(LIST_LIMIT) " s",
               x->stalled_at / 1048576, x->items < 0 ? "invalid JSON" : "too few items");
}

/* On a restarted server, so that the heap the creates left does not hide the LIST's own. */
static void bench_list(const char *bin, int port)
{
    static struct listing x[2];
    unsigned i, k;
    long idle;

    stop_child(server_pid);
    start_server(bin, port, &idle);
    for (k = 0; k < 2; k++) {
        load_init(&x[k].l, port, 1, client_ctx);
        x[k].l.make = make_get;
        x[k].l.path = "/api/v1/namespaces/bench-list/configmaps";
        x[k].l.accept = k ? TABLE : "application/json";
        x[k].l.body = evbuffer_new(); /* to count the items */
    }
    for (i = 0; i < REPS; i++) {
        for (k = 0; k < 2; k++)
            list_once(&x[k]);
    }
    printf("\nLIST %d configmaps of 1 KiB, median of %d, after a restart (idle RSS %.1f MiB)\n",
           NLIST, REPS, (double)idle / 1024);
    print_list("JSON", &x[0]);
    print_list("Table", &x[1]);
    printf("  server RSS after the LISTs: %.1f MiB (anon %.1f, file %.1f)\n",
           (double)status_kb(server_pid, "VmRSS:") / 1024,
           (double)status_kb(server_pid, "RssAnon:") / 1024,
           (double)status_kb(server_pid, "RssFile:") / 1024);
    for (k = 0; k < 2; k++) {
        evbuffer_free(x[k].l.body);
        load_release(&x[k].l);
    }
}

/* A fresh start (the PKI is generated), then restarts on the same data dir. */
static void bench_start(const char *bin, int port)
{
    double first, again[REPS];
    long idle_first, idle[REPS];
    double idle_mib[REPS];
    unsigned i;

    first = start_server(bin, port, &idle_first);
    for (i = 0; i < 3; i++) {
        stop_child(server_pid);
        again[i] = start_server(bin, port, &idle[i]);
        idle_mib[i] = (double)idle[i] / 1024;
    }
    printf("\nstart  exec -> /readyz ok    idle RSS\n");
    printf("  first start (generates PKI) %8.1f ms %8.1f MiB\n", first * 1e3,
           (double)idle_first / 1024);
    printf("  restart, median of 3        %8.1f ms %8.1f MiB\n", median(again, 3) * 1e3,
           median(idle_mib, 3));
}

int main(int argc, char **argv)
{
    const char *bin = bench_init(argc, argv);
    double t0 = now_s();
    int port = free_port();

    bench_start(bin, port);
    client_ctx = client_tls(true);
    bench_get(port);
    bench_create(port);
    fill(port, "bench-list", "configmaps", make_create, NLIST);
    bench_list(bin, port);
    bench_finish();
    printf("\ntotal %.0f s\n", now_s() - t0);
    return 0;
}
