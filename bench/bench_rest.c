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
#define _GNU_SOURCE /* nftw */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <json-c/json.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "generic/apis/xalloc.h"

#define REPS        5
#define GET_SECONDS 1.5
#define NLIST       10000
#define MAX_HEADERS 16
#define TABLE       "application/json;as=Table;v=v1;g=meta.k8s.io"

enum parse_state { P_HEAD, P_BODY, P_CHUNK_SIZE, P_CHUNK_DATA, P_CHUNK_END, P_TRAILER, P_DONE };

struct load;

struct conn {
    struct bufferevent *bev;
    struct load *load;
    enum parse_state state;
    size_t left; /* body or chunk bytes still to come */
    int status;
    bool busy, dead, closing;
    double sent_at;
};

/* One measurement: n connections to one port, each with one request in flight. */
struct load {
    struct conn *conns;
    SSL_CTX *ctx;
    int n, port, active, want_status;
    pid_t pid; /* the server, for its CPU time; 0: not measured */
    void (*make)(struct load *, struct evbuffer *); /* writes the next request */
    const char *path, *accept, *json;               /* json: the body of make_post */
    double start, end, done; /* no new request after end; done when the last one came back */
    long left;               /* requests still to send; -1: no limit */
    double *lat;
    size_t nlat, cap, bytes;
    double srv_cpu, cli_cpu; /* seconds, during the run */
    long errors;
    int first_bad;                /* first unexpected status (0: a broken connection) */
    bool quiet, chunked;          /* chunked: the last reply was */
    struct evbuffer *head, *body; /* if set: the first response, verbatim */
};

struct figures {
    double rps, p50, p99, srv_us, cli_pct; /* server CPU per request, client CPU use */
    long errors;
};

/* A reply the bare server copies: status, headers but Date and Content-Length, body. */
struct reply {
    int status;
    unsigned nh;
    char *names[MAX_HEADERS], *values[MAX_HEADERS];
    char *body;
    size_t len;
};

static struct event_base *base;
static SSL_CTX *client_ctx, *probe_ctx;
static char data_dir[PATH_MAX], pki_dir[PATH_MAX + 8];
static pid_t server_pid = -1, bare_pid = -1;
static unsigned name_seq;
static char *data1k;

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static double pct(double *v, size_t n, double p)
{
    if (n == 0)
        return 0;
    qsort(v, n, sizeof(*v), cmp_double);
    return v[(size_t)((double)(n - 1) * p)];
}

static double median(double *v, size_t n)
{
    return pct(v, n, 0.5);
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

/* Stops the server (SIGTERM, then SIGKILL after 10 s) and reaps it. */
static void stop_child(pid_t pid)
{
    double give_up = now_s() + 10;

    if (pid <= 0)
        return;
    kill(pid, SIGTERM);
    while (waitpid(pid, NULL, WNOHANG) == 0) {
        if (now_s() > give_up) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            return;
        }
        usleep(2000);
    }
}

static void cleanup(void)
{
    stop_child(bare_pid);
    bare_pid = -1;
    stop_child(server_pid);
    server_pid = -1;
    if (data_dir[0])
        nftw(data_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    data_dir[0] = '\0';
}

static void die(const char *fmt, const char *arg)
{
    fputs("bench_rest: ", stderr);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    cleanup();
    exit(1);
}

/* --- the client: one request in flight per connection, HTTP/1.1 parsed by hand --- */

static void conn_next(struct conn *c);
static void conn_event(struct bufferevent *bev, short what, void *arg);

/* Finds a header in a response head; out gets its value, trimmed. */
static bool head_value(const char *h, size_t len, const char *name, char *out, size_t n)
{
    const char *end = h + len, *eol, *v;
    size_t nl = strlen(name);

    for (; h < end; h = eol + 2) {
        eol = memchr(h, '\r', (size_t)(end - h));
        if (!eol)
            return false;
        if ((size_t)(eol - h) <= nl || h[nl] != ':' || strncasecmp(h, name, nl) != 0)
            continue;
        for (v = h + nl + 1; v < eol && *v == ' '; v++)
            ;
        snprintf(out, n, "%.*s", (int)(eol - v), v);
        return true;
    }
    return false;
}

static int parse_head(struct conn *c, struct evbuffer *in)
{
    struct evbuffer_ptr p = evbuffer_search(in, "\r\n\r\n", 4, NULL);
    struct load *l = c->load;
    char v[64];
    const char *h;
    size_t len;

    if (p.pos < 0)
        return 0;
    len = (size_t)p.pos + 4;
    h = (const char *)evbuffer_pullup(in, (ev_ssize_t)len);
    if (len < 12 || strncmp(h, "HTTP/1.", 7) != 0)
        return -1;
    c->status = atoi(h + 9);
    c->closing = head_value(h, len, "Connection", v, sizeof(v)) && strcasecmp(v, "close") == 0;
    if (head_value(h, len, "Transfer-Encoding", v, sizeof(v)) && strcasecmp(v, "chunked") == 0)
        c->state = P_CHUNK_SIZE;
    else if (head_value(h, len, "Content-Length", v, sizeof(v)))
        c->state = (c->left = strtoul(v, NULL, 10)) > 0 ? P_BODY : P_DONE;
    else if (c->status == 204 || c->status == 304)
        c->state = P_DONE;
    else
        return -1; /* a body up to EOF: nothing we ask for answers so */
    l->chunked = c->state == P_CHUNK_SIZE;
    if (l->head && evbuffer_get_length(l->head) == 0)
        evbuffer_add(l->head, h, len);
    evbuffer_drain(in, len);
    return 1;
}

/* Takes up to c->left body bytes; into the capture buffer if there is one. */
static int take_body(struct conn *c, struct evbuffer *in, enum parse_state next)
{
    size_t n = evbuffer_get_length(in);

    if (n > c->left)
        n = c->left;
    if (n == 0 && c->left > 0)
        return 0;
    if (c->load->body)
        evbuffer_remove_buffer(in, c->load->body, n);
    else
        evbuffer_drain(in, n);
    c->load->bytes += n;
    c->left -= n;
    if (c->left == 0)
        c->state = next;
    return 1;
}

static int take_line(struct conn *c, struct evbuffer *in)
{
    size_t n;
    char *line = evbuffer_readln(in, &n, EVBUFFER_EOL_CRLF_STRICT);

    if (!line)
        return evbuffer_get_length(in) > 64 ? -1 : 0;
    if (c->state == P_CHUNK_SIZE) {
        c->left = strtoul(line, NULL, 16);
        c->state = c->left > 0 ? P_CHUNK_DATA : P_TRAILER;
    } else if (c->state == P_CHUNK_END) {
        c->state = n == 0 ? P_CHUNK_SIZE : P_DONE;
        c->status = n == 0 ? c->status : -1;
    } else if (n == 0) {
        c->state = P_DONE;
    }
    free(line);
    return 1;
}

/* One parsing step: 1 when it moved on, 0 when it needs more bytes, -1 on garbage. */
static int parse_step(struct conn *c, struct evbuffer *in)
{
    switch (c->state) {
    case P_HEAD:
        return parse_head(c, in);
    case P_BODY:
        return take_body(c, in, P_DONE);
    case P_CHUNK_DATA:
        return take_body(c, in, P_CHUNK_END);
    default:
        return take_line(c, in);
    }
}

static void load_idle(struct load *l)
{
    if (--l->active == 0) {
        l->done = now_s();
        event_base_loopbreak(base);
    }
}

static void conn_close(struct conn *c, const char *why)
{
    struct load *l = c->load;

    if (c->busy) {
        l->errors++;
        if (!l->quiet)
            fprintf(stderr, "bench_rest: connection to port %d: %s\n", l->port, why);
    }
    bufferevent_free(c->bev);
    c->bev = NULL;
    c->dead = true;
    if (c->busy) {
        c->busy = false;
        load_idle(l);
    }
}

static void response_done(struct conn *c)
{
    struct load *l = c->load;

    if (l->nlat == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 4096;
        l->lat = xrealloc(l->lat, l->cap * sizeof(*l->lat));
    }
    l->lat[l->nlat++] = now_s() - c->sent_at;
    if (c->status != l->want_status && l->errors++ == 0)
        l->first_bad = c->status;
    c->state = P_HEAD;
    if (c->closing) {
        conn_close(c, "closed by the server");
        return;
    }
    conn_next(c);
}

static void conn_read(struct bufferevent *bev, void *arg)
{
    struct conn *c = arg;
    struct evbuffer *in = bufferevent_get_input(bev);
    int rc = 1;

    while (c->busy && rc > 0) {
        rc = parse_step(c, in);
        if (rc > 0 && c->state == P_DONE)
            response_done(c);
    }
    if (rc < 0)
        conn_close(c, "malformed response");
}

/* Sends the next request, or goes idle once the time or the count is used up. */
static void conn_next(struct conn *c)
{
    struct load *l = c->load;

    if (now_s() >= l->end || l->left == 0) {
        c->busy = false;
        load_idle(l);
        return;
    }
    if (l->left > 0)
        l->left--;
    l->make(l, bufferevent_get_output(c->bev));
    c->sent_at = now_s();
    c->busy = true;
}

static void conn_open(struct conn *c, struct load *l, SSL_CTX *ctx)
{
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)l->port)};
    int one = 1;

    *c = (struct conn){.load = l};
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    c->bev = bufferevent_openssl_socket_new(base, -1, SSL_new(ctx), BUFFEREVENT_SSL_CONNECTING,
                                            BEV_OPT_CLOSE_ON_FREE);
    bufferevent_setcb(c->bev, conn_read, NULL, conn_event, c);
    bufferevent_enable(c->bev, EV_READ | EV_WRITE);
    if (bufferevent_socket_connect(c->bev, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
        bufferevent_free(c->bev);
        c->bev = NULL;
        c->dead = true;
        return;
    }
    setsockopt(bufferevent_getfd(c->bev), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static void conn_event(struct bufferevent *bev, short what, void *arg)
{
    struct conn *c = arg;

    (void)bev;
    if (what & BEV_EVENT_CONNECTED)
        return;
    conn_close(c, what & BEV_EVENT_EOF ? "closed" : "error");
}

static void load_init(struct load *l, int port, int n, SSL_CTX *ctx)
{
    int i;

    *l = (struct load){.ctx = ctx, .n = n, .port = port, .want_status = 200, .left = -1};
    l->conns = xcalloc((size_t)n, sizeof(*l->conns));
    for (i = 0; i < n; i++)
        conn_open(&l->conns[i], l, ctx);
}

static void load_release(struct load *l)
{
    int i;

    for (i = 0; i < l->n; i++) {
        if (l->conns[i].bev)
            bufferevent_free(l->conns[i].bev);
    }
    free(l->conns);
    free(l->lat);
}

static void watchdog(evutil_socket_t fd, short what, void *arg)
{
    struct load *l = arg;
    int i;

    (void)fd, (void)what;
    fprintf(stderr, "bench_rest: port %d did not answer in time\n", l->port);
    for (i = 0; i < l->n; i++) {
        if (l->conns[i].busy)
            conn_close(&l->conns[i], "timed out");
    }
}

/* CPU time of all the process's threads in seconds (schedstat: ns on a CPU). */
static double cpu_s(pid_t pid)
{
    char path[300];
    unsigned long long ns, sum = 0;
    struct dirent *e;
    DIR *d;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
    d = opendir(path);
    while (d && (e = readdir(d)) != NULL) {
        snprintf(path, sizeof(path), "/proc/%d/task/%s/schedstat", (int)pid, e->d_name);
        f = e->d_name[0] != '.' ? fopen(path, "r") : NULL;
        if (f && fscanf(f, "%llu", &ns) == 1)
            sum += ns;
        if (f)
            fclose(f);
    }
    if (d)
        closedir(d);
    return (double)sum / 1e9;
}

static double self_cpu_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs the load for a time and at most count requests (-1: no limit), on new connections in
 * place of broken ones; figures in l->lat. */
static void load_run(struct load *l, double seconds, long count, double limit)
{
    struct timeval tv = {(time_t)limit, 0};
    struct event *dog = evtimer_new(base, watchdog, l);
    int i;

    for (i = 0; i < l->n; i++) {
        if (l->conns[i].dead)
            conn_open(&l->conns[i], l, l->ctx);
    }
    l->nlat = l->bytes = 0;
    l->errors = l->first_bad = 0;
    l->left = count;
    l->start = l->done = now_s();
    l->end = l->start + seconds;
    l->active = 0;
    l->srv_cpu = l->pid > 0 ? cpu_s(l->pid) : 0;
    l->cli_cpu = self_cpu_s();
    for (i = 0; i < l->n; i++)
        l->active += !l->conns[i].dead;
    for (i = 0; i < l->n; i++) {
        if (!l->conns[i].dead)
            conn_next(&l->conns[i]);
    }
    evtimer_add(dog, &tv);
    if (l->active > 0)
        event_base_dispatch(base);
    event_free(dog);
    if (l->active > 0)
        l->done = now_s();
    l->srv_cpu = l->pid > 0 ? cpu_s(l->pid) - l->srv_cpu : 0;
    l->cli_cpu = self_cpu_s() - l->cli_cpu;
}

static struct figures load_figures(struct load *l)
{
    struct figures f = {.errors = l->errors};
    double secs = l->done - l->start;

    f.rps = (double)l->nlat / secs;
    f.srv_us = l->nlat ? l->srv_cpu / (double)l->nlat * 1e6 : 0;
    f.cli_pct = l->cli_cpu / secs * 100;
    f.p50 = pct(l->lat, l->nlat, 0.5);
    f.p99 = pct(l->lat, l->nlat, 0.99);
    return f;
}

static void make_get(struct load *l, struct evbuffer *out)
{
    evbuffer_add_printf(out,
                        "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: bench_rest\r\n"
                        "Accept: %s\r\n\r\n",
                        l->path, l->accept ? l->accept : "application/json");
}

static void post(struct evbuffer *out, const char *path, const char *body)
{
    evbuffer_add_printf(out,
                        "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: bench_rest\r\n"
                        "Accept: application/json\r\nContent-Type: application/json\r\n"
                        "Content-Length: %zu\r\n\r\n%s",
                        path, strlen(body), body);
}

static void make_post(struct load *l, struct evbuffer *out)
{
    post(out, l->path, l->json);
}

static void configmap_json(char *buf, size_t n, const char *name)
{
    snprintf(buf, n,
             "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"%s\"},"
             "\"data\":{\"payload\":\"%s\"}}",
             name, data1k);
}

/* A new configmap named b<seq> with 1 KiB of data, posted to l->path. */
static void make_create(struct load *l, struct evbuffer *out)
{
    char name[16], body[1400];

    snprintf(name, sizeof(name), "b%07u", name_seq++);
    configmap_json(body, sizeof(body), name);
    post(out, l->path, body);
}

/* One request on a new connection; 0 if it got want. */
static int request_once(int port, SSL_CTX *ctx, void (*make)(struct load *, struct evbuffer *),
                        const char *path, const char *json, int want, struct evbuffer *head,
                        struct evbuffer *body)
{
    struct load l;
    int ok;

    load_init(&l, port, 1, ctx);
    l.make = make;
    l.path = path;
    l.json = json;
    l.want_status = want;
    l.quiet = ctx == probe_ctx;
    l.head = head;
    l.body = body;
    load_run(&l, 300, 1, 30);
    ok = l.nlat == 1 && l.errors == 0;
    load_release(&l);
    return ok ? 0 : -1;
}

/* --- the real server as a child process --- */

static int free_port(void)
{
    struct sockaddr_in sin = {.sin_family = AF_INET};
    socklen_t len = sizeof(sin);
    int fd = socket(AF_INET, SOCK_STREAM, 0), port;

    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
        getsockname(fd, (struct sockaddr *)&sin, &len) < 0)
        die("cannot find a free port: %s", strerror(errno));
    port = ntohs(sin.sin_port);
    close(fd);
    return port;
}

static pid_t spawn(const char *bin, int port)
{
    char portarg[16], log[PATH_MAX + 16];
    pid_t pid;

    snprintf(portarg, sizeof(portarg), "%d", port);
    snprintf(log, sizeof(log), "%s/server.log", data_dir);
    fflush(stdout); /* or the child writes what is buffered once more */
    pid = fork();
    if (pid < 0)
        die("fork: %s", strerror(errno));
    if (pid > 0)
        return pid;
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* no orphan if the benchmark dies */
    if (!freopen(log, "a", stdout) || !freopen(log, "a", stderr))
        _exit(126);
    execl(bin, bin, "--data-dir", data_dir, "--bind-address", "127.0.0.1", "--secure-port", portarg,
          "--access-log=false", (char *)NULL);
    _exit(127);
}

/* Polls /readyz until it answers 200 "ok"; seconds from exec. */
static double wait_ready(int port, double t0)
{
    struct evbuffer *body = evbuffer_new();

    for (;;) {
        evbuffer_drain(body, evbuffer_get_length(body));
        if (request_once(port, probe_ctx, make_get, "/readyz", NULL, 200, NULL, body) == 0 &&
            evbuffer_get_length(body) == 2 && memcmp(evbuffer_pullup(body, 2), "ok", 2) == 0)
            break;
        if (waitpid(server_pid, NULL, WNOHANG) != 0) {
            server_pid = -1;
            die("the server exited; see %s/server.log", data_dir);
        }
        if (now_s() - t0 > 30)
            die("the server was not ready within 30 s; see %s/server.log", data_dir);
        usleep(1000);
    }
    evbuffer_free(body);
    return now_s() - t0;
}

static long status_kb(pid_t pid, const char *field)
{
    char path[64], line[256];
    FILE *f;
    long kb = -1;

    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    f = fopen(path, "r");
    while (f && fgets(line, sizeof(line), f)) {
        if (strncmp(line, field, strlen(field)) == 0)
            kb = atol(line + strlen(field) + 1);
    }
    if (f)
        fclose(f);
    return kb;
}

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

/* Starts the server, waits until ready; idle RSS (KiB) after 200 ms. */
static double start_server(const char *bin, int port, long *idle_kb)
{
    double t0 = now_s(), ready;

    server_pid = spawn(bin, port);
    ready = wait_ready(port, t0);
    usleep(200000);
    *idle_kb = status_kb(server_pid, "VmRSS:");
    return ready;
}

static SSL_CTX *client_tls(bool admin)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    char crt[PATH_MAX + 32], key[PATH_MAX + 32], ca[PATH_MAX + 32];

    if (!admin)
        return ctx; /* /readyz: anonymous, and the CA may not exist yet */
    snprintf(crt, sizeof(crt), "%s/admin.crt", pki_dir);
    snprintf(key, sizeof(key), "%s/admin.key", pki_dir);
    snprintf(ca, sizeof(ca), "%s/ca.crt", pki_dir);
    if (SSL_CTX_use_certificate_chain_file(ctx, crt) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1)
        die("cannot load the admin credentials from %s", pki_dir);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    return ctx;
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

static void post_once(int port, const char *path, const char *json)
{
    if (request_once(port, client_ctx, make_post, path, json, 201, NULL, NULL) < 0)
        die("POST %s did not answer 201", path);
}

static void medians(struct figures *f, unsigned n, struct figures *out)
{
    double v[5][REPS];
    unsigned i;

    *out = (struct figures){0};
    for (i = 0; i < n; i++) {
        v[0][i] = f[i].rps, v[1][i] = f[i].p50, v[2][i] = f[i].p99;
        v[3][i] = f[i].srv_us, v[4][i] = f[i].cli_pct;
        out->errors += f[i].errors;
    }
    *out = (struct figures){median(v[0], n), median(v[1], n), median(v[2], n),
                            median(v[3], n), median(v[4], n), out->errors};
}

static void print_row(const char *what, struct figures *f)
{
    printf("  %-12s %9.0f %9.3f %9.3f %9.1f %8.0f%%", what, f->rps, f->p50 * 1e3, f->p99 * 1e3,
           f->srv_us, f->cli_pct);
    printf(f->errors ? "   (%ld unexpected replies)\n" : "\n", f->errors);
}

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
static void fill_list(int port)
{
    struct load l;
    double secs;

    post_once(
        port, "/api/v1/namespaces",
        "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"bench-list\"}}");
    load_init(&l, port, 64, client_ctx);
    l.make = make_create;
    l.path = "/api/v1/namespaces/bench-list/configmaps";
    l.want_status = 201;
    load_run(&l, 300, NLIST, 120);
    secs = l.done - l.start;
    printf("\nfill: %zu creates into bench-list in %.2f s (%.0f /s, p99 %.1f ms)", l.nlat, secs,
           (double)l.nlat / secs, pct(l.lat, l.nlat, 0.99) * 1e3);
    printf(l.errors ? ", %ld unexpected replies\n" : "\n", l.errors);
    printf("  server RSS after the fill: %.1f MiB\n",
           (double)status_kb(server_pid, "VmRSS:") / 1024);
    load_release(&l);
}

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

/* Items (or Table rows) in a list; -1 if the body is not a whole JSON list. */
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

/* CMAKE_BUILD_TYPE from the CMakeCache.txt beside the binary, if there is one. */
static void build_type(const char *bin, char *out, size_t n)
{
    char path[PATH_MAX + 32], line[512];
    const char *slash = strrchr(bin, '/');
    FILE *f;

    snprintf(out, n, "unknown");
    snprintf(path, sizeof(path), "%.*s/CMakeCache.txt", slash ? (int)(slash - bin) : 1,
             slash ? bin : ".");
    f = fopen(path, "r");
    while (f && fgets(line, sizeof(line), f)) {
        if (strncmp(line, "CMAKE_BUILD_TYPE:STRING=", 24) == 0)
            snprintf(out, n, "%.*s", (int)strcspn(line + 24, "\n"), line + 24);
    }
    if (f)
        fclose(f);
}

static const char *find_binary(int argc, char **argv)
{
    static char path[PATH_MAX + 32];
    char self[PATH_MAX];
    ssize_t n;

    if (argc > 1)
        return argv[1];
    if (getenv("KUBE_APISERVER"))
        return getenv("KUBE_APISERVER");
    n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n < 0)
        die("cannot find myself: %s", strerror(errno));
    self[n] = '\0';
    *strrchr(self, '/') = '\0';
    snprintf(path, sizeof(path), "%s/../kube-apiserver", self);
    return path;
}

static void print_build(const char *bin)
{
    char server[64];
#ifdef __OPTIMIZE__
    const char *mine = "Release";
#else
    const char *mine = "Debug";
#endif

    build_type(bin, server, sizeof(server));
    printf("bench_rest: %s\n  server build: %s, bench build: %s\n", bin, server, mine);
    if (strcmp(server, "Release") != 0 || strcmp(mine, "Release") != 0)
        printf("  WARNING: not a Release build; sanitizers and -O0 distort every figure\n");
}

int main(int argc, char **argv)
{
    const char *bin = find_binary(argc, argv);
    double t0 = now_s();
    int port;

    signal(SIGPIPE, SIG_IGN);
    if (access(bin, X_OK) != 0)
        die("%s is not an executable; pass the server's path as the first argument", bin);
    print_build(bin);
    snprintf(data_dir, sizeof(data_dir), "/tmp/bench_rest.XXXXXX");
    if (!mkdtemp(data_dir))
        die("mkdtemp: %s", strerror(errno));
    snprintf(pki_dir, sizeof(pki_dir), "%s/pki", data_dir);
    data1k = xmalloc(1025);
    memset(data1k, 'p', 1024);
    data1k[1024] = '\0';
    base = event_base_new();
    probe_ctx = client_tls(false);
    port = free_port();
    bench_start(bin, port);
    client_ctx = client_tls(true);
    bench_get(port);
    bench_create(port);
    fill_list(port);
    bench_list(bin, port);
    cleanup();
    printf("\ntotal %.0f s\n", now_s() - t0);
    SSL_CTX_free(client_ctx);
    SSL_CTX_free(probe_ctx);
    event_base_free(base);
    free(data1k);
    return 0;
}
