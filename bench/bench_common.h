/* What the benchmarks that drive the real server share: the server as a child process on a temp
 * data dir (start, readiness, stop, its CPU time from each thread's schedstat), a client on one
 * libevent loop that keeps N TLS keep-alive connections each with one request in flight and
 * writes and parses HTTP/1.1 by hand, percentiles and medians, and the 1 KiB configmaps both fill
 * the server with. Every function is static: each bench .c file is its own executable and includes
 * this once, after defining _GNU_SOURCE (nftw, program_invocation_short_name).
 * Messages and the User-Agent carry the program's name. die() stops the server and removes the
 * data dir; other children of the benchmark should die with it (PR_SET_PDEATHSIG). */
#ifndef BENCH_BENCH_COMMON_H
#define BENCH_BENCH_COMMON_H

#include <arpa/inet.h>
#include <assert.h>
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

#define MAX_REPS 16 /* medians() of at most this many runs */

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

static struct event_base *base;
static SSL_CTX *client_ctx, *probe_ctx;
static char data_dir[PATH_MAX], pki_dir[PATH_MAX + 8];
static pid_t server_pid = -1;
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
    stop_child(server_pid);
    server_pid = -1;
    if (data_dir[0])
        nftw(data_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    data_dir[0] = '\0';
}

static void die(const char *fmt, const char *arg)
{
    fprintf(stderr, "%s: ", program_invocation_short_name);
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
            fprintf(stderr, "%s: connection to port %d: %s\n", program_invocation_short_name,
                    l->port, why);
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
    fprintf(stderr, "%s: port %d did not answer in time\n", program_invocation_short_name, l->port);
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
                        "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: %s\r\n"
                        "Accept: %s\r\n\r\n",
                        l->path, program_invocation_short_name,
                        l->accept ? l->accept : "application/json");
}

static void post(struct evbuffer *out, const char *path, const char *body)
{
    evbuffer_add_printf(out,
                        "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: %s\r\n"
                        "Accept: application/json\r\nContent-Type: application/json\r\n"
                        "Content-Length: %zu\r\n\r\n%s",
                        path, program_invocation_short_name, strlen(body), body);
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

static void post_once(int port, const char *path, const char *json)
{
    if (request_once(port, client_ctx, make_post, path, json, 201, NULL, NULL) < 0)
        die("POST %s did not answer 201", path);
}

/* out: the median of each figure over n runs; errors are summed. */
static void medians(struct figures *f, unsigned n, struct figures *out)
{
    double v[5][MAX_REPS];
    unsigned i;

    assert(n <= MAX_REPS);
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
    printf("%s: %s\n  server build: %s, bench build: %s\n", program_invocation_short_name, bin,
           server, mine);
    if (strcmp(server, "Release") != 0 || strcmp(mine, "Release") != 0)
        printf("  WARNING: not a Release build; sanitizers and -O0 distort every figure\n");
}

/* n objects made by make (which names them), created in namespace ns (made here) at
 * concurrency 64; prints the rate and the server's RSS. */
static void fill(int port, const char *ns, const char *plural,
                 void (*make)(struct load *, struct evbuffer *), long n)
{
    char path[128], body[160];
    struct load l;
    double secs;

    snprintf(body, sizeof(body),
             "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"%s\"}}", ns);
    post_once(port, "/api/v1/namespaces", body);
    snprintf(path, sizeof(path), "/api/v1/namespaces/%s/%s", ns, plural);
    load_init(&l, port, 64, client_ctx);
    l.make = make;
    l.path = path;
    l.want_status = 201;
    load_run(&l, 300, n, 120);
    secs = l.done - l.start;
    printf("\nfill: %zu creates into %s in %.2f s (%.0f /s, p99 %.1f ms)", l.nlat, ns, secs,
           (double)l.nlat / secs, pct(l.lat, l.nlat, 0.99) * 1e3);
    printf(l.errors ? ", %ld unexpected replies\n" : "\n", l.errors);
    printf("  server RSS after the fill: %.1f MiB\n",
           (double)status_kb(server_pid, "VmRSS:") / 1024);
    load_release(&l);
}

/* Finds and checks the server binary, prints the builds, makes the data dir and the loop; the
 * server binary's path (borrowed). */
static const char *bench_init(int argc, char **argv)
{
    const char *bin = find_binary(argc, argv);

    signal(SIGPIPE, SIG_IGN);
    if (access(bin, X_OK) != 0)
        die("%s is not an executable; pass the server's path as the first argument", bin);
    print_build(bin);
    snprintf(data_dir, sizeof(data_dir), "/tmp/%s.XXXXXX", program_invocation_short_name);
    if (!mkdtemp(data_dir))
        die("mkdtemp: %s", strerror(errno));
    snprintf(pki_dir, sizeof(pki_dir), "%s/pki", data_dir);
    data1k = xmalloc(1025);
    memset(data1k, 'p', 1024);
    data1k[1024] = '\0';
    base = event_base_new();
    probe_ctx = client_tls(false);
    return bin;
}

/* Stops the server, removes the data dir, frees what bench_init and the admin client made. */
static void bench_finish(void)
{
    cleanup();
    SSL_CTX_free(client_ctx);
    SSL_CTX_free(probe_ctx);
    event_base_free(base);
    free(data1k);
}

#endif
