/* Protobuf (application/vnd.kubernetes.protobuf) next to JSON against the real binary over TLS
 * keep-alive: a LIST of 10k configmaps of 1 KiB and of 1k pods (two containers with ports, env,
 * resources, a probe and a volume; created as JSON), its reply bytes, client-observed time and
 * server CPU; then GET of one configmap and one pod at concurrency 1 and 32 (req/s, p50/p99,
 * server CPU per request). Medians of REPS runs, protobuf and JSON runs alternating so that both
 * see the same machine; each figure is followed by the ratio protobuf/JSON. Replies are checked:
 * a protobuf one starts with "k8s\0" and, after the timed part, a LIST is decoded with the
 * project's codec (or json-c) and its items counted; the client's decode time is printed too.
 * The whole run stays under a minute.
 * Usage: bench_protobuf [kube-apiserver] (default $KUBE_APISERVER, else ../kube-apiserver next to
 * this program). */
#define _GNU_SOURCE /* for bench_common.h */

#include "bench/bench_common.h"

#include "generic/protobuf/protobuf.h"

#define REPS        5
#define GET_SECONDS 1.0
#define NCM         10000
#define NPOD        1000
#define LIST_LIMIT  10 /* seconds a LIST may take */

enum format { PB, JS, NFORMATS };

static const char *const accepts[NFORMATS] = {PB_MEDIA_TYPE, "application/json"};
static const char *const format_names[NFORMATS] = {"protobuf", "JSON"};

/* What a deployment's pod looks like before the server's defaults: 1.2 KiB of JSON. */
static void pod_json(char *buf, size_t n, const char *name)
{
    snprintf(
        buf, n,
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"%s\",\"labels\":{"
        "\"app\":\"web\",\"tier\":\"frontend\",\"pod-template-hash\":\"5d8f7c9b6\"},"
        "\"annotations\":{\"prometheus.io/scrape\":\"true\",\"prometheus.io/port\":\"9090\"}},"
        "\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"registry.k8s.io/nginx:1.25.3\","
        "\"args\":[\"--config\",\"/etc/web/web.conf\"],\"ports\":[{\"name\":\"http\","
        "\"containerPort\":8080,\"protocol\":\"TCP\"},{\"name\":\"metrics\",\"containerPort\":"
        "9090}],\"env\":[{\"name\":\"LOG_LEVEL\",\"value\":\"info\"},{\"name\":\"CACHE_SIZE\","
        "\"value\":\"256Mi\"},{\"name\":\"POD_NAME\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":"
        "\"metadata.name\"}}}],\"resources\":{\"requests\":{\"cpu\":\"250m\",\"memory\":"
        "\"128Mi\"},\"limits\":{\"cpu\":\"1\",\"memory\":\"512Mi\"}},\"volumeMounts\":[{\"name\":"
        "\"config\",\"mountPath\":\"/etc/web\",\"readOnly\":true}],\"readinessProbe\":{"
        "\"httpGet\":{\"path\":\"/healthz\",\"port\":8080},\"periodSeconds\":5}},{\"name\":"
        "\"log-shipper\",\"image\":\"registry.k8s.io/fluent-bit:2.2.0\",\"ports\":[{"
        "\"containerPort\":2020}],\"env\":[{\"name\":\"FLUENT_HOST\",\"value\":"
        "\"logs.observability.svc\"},{\"name\":\"FLUENT_PORT\",\"value\":\"24224\"}],"
        "\"resources\":{\"requests\":{\"cpu\":\"50m\",\"memory\":\"32Mi\"},\"limits\":{"
        "\"memory\":\"64Mi\"}}}],\"volumes\":[{\"name\":\"config\",\"configMap\":{\"name\":"
        "\"web-config\"}}],\"terminationGracePeriodSeconds\":30}}",
        name);
}

/* A new pod named p<seq>, posted to l->path. */
static void make_pod(struct load *l, struct evbuffer *out)
{
    char name[16], body[2048];

    snprintf(name, sizeof(name), "p%07u", name_seq++);
    pod_json(body, sizeof(body), name);
    post(out, l->path, body);
}

/* --- checking replies --- */

/* Decodes a whole reply in format f (timed: *secs); a new JSON object the caller owns, or NULL
 * (a protobuf reply without the "k8s\0" magic is refused before decoding). Drains body. */
static struct json_object *decode(enum format f, struct evbuffer *body, double *secs)
{
    size_t len = evbuffer_get_length(body);
    const unsigned char *p = evbuffer_pullup(body, -1);
    struct json_object *obj = NULL;
    struct apierr err = {0};
    double t0 = now_s();

    if (f == PB && len >= 4 && memcmp(p, "k8s\0", 4) == 0 &&
        pb_decode_object(p, len, &obj, &err) < 0)
        fprintf(stderr, "bench_protobuf: the reply does not decode: %s\n", err.message);
    if (f == JS) {
        evbuffer_add(body, "", 1);
        obj = json_tokener_parse((const char *)evbuffer_pullup(body, -1));
    }
    *secs = now_s() - t0;
    evbuffer_drain(body, evbuffer_get_length(body));
    return obj;
}

/* Items in a list reply; -1 if it does not decode or has no items. Drains body. */
static int list_items(enum format f, struct evbuffer *body, double *secs)
{
    struct json_object *list = decode(f, body, secs), *items;
    int n = -1;

    if (json_object_object_get_ex(list, "items", &items))
        n = (int)json_object_array_length(items);
    json_object_put(list);
    return n;
}

/* GETs path once in format f; dies unless it is a whole kind object. Returns the body's size. */
static size_t check_get(int port, const char *path, enum format f, const char *kind)
{
    struct evbuffer *body = evbuffer_new();
    struct json_object *obj, *k;
    struct load l;
    size_t len;
    double secs;

    load_init(&l, port, 1, client_ctx);
    l.make = make_get;
    l.path = path;
    l.accept = accepts[f];
    l.body = body;
    load_run(&l, 300, 1, 30);
    len = evbuffer_get_length(body);
    obj = decode(f, body, &secs);
    if (l.nlat != 1 || l.errors || !json_object_object_get_ex(obj, "kind", &k) ||
        strcmp(json_object_get_string(k), kind) != 0)
        die("GET %s did not answer a whole object", path);
    json_object_put(obj);
    load_release(&l);
    evbuffer_free(body);
    return len;
}

/* --- LIST --- */

/* LISTs in one format: figures of those that came back whole with all items. */
struct listing {
    struct load l;
    enum format f;
    double t[REPS], cpu[REPS], dec[REPS], bytes; /* bytes: of a whole reply */
    unsigned ok, failed;
    int items; /* in the last reply; -1 if it did not decode */
};

static void list_init(struct listing *x, int port, const char *path, enum format f)
{
    *x = (struct listing){.f = f};
    load_init(&x->l, port, 1, client_ctx);
    x->l.make = make_get;
    x->l.path = path;
    x->l.accept = accepts[f];
    x->l.pid = server_pid;
    x->l.body = evbuffer_new();
}

/* One LIST; its figures are kept if record and it was whole. */
static void list_once(struct listing *x, int want, bool record)
{
    double dec;

    if (x->failed >= 2) /* a LIST that fails twice will fail again: keep the run short */
        return;
    load_run(&x->l, 300, 1, LIST_LIMIT);
    x->items = list_items(x->f, x->l.body, &dec);
    if (x->l.nlat != 1 || x->l.errors || x->items != want) {
        x->failed++;
        return;
    }
    if (!record)
        return;
    x->bytes = (double)x->l.bytes;
    x->t[x->ok] = x->l.done - x->l.start;
    x->cpu[x->ok] = x->l.srv_cpu;
    x->dec[x->ok++] = dec;
}

/* The medians of x: bytes, latency, server CPU, client decode (ms); false if none was whole. */
static bool list_medians(struct listing *x, double m[4])
{
    if (x->failed)
        printf("  %-9s %u of %u incomplete; the last had %d items (-1: did not decode)\n",
               format_names[x->f], x->failed, x->ok + x->failed, x->items);
    if (x->ok == 0)
        return false;
    m[0] = x->bytes;
    m[1] = median(x->t, x->ok) * 1e3;
    m[2] = median(x->cpu, x->ok) * 1e3;
    m[3] = median(x->dec, x->ok) * 1e3;
    printf("  %-9s %12.0f %12.1f %12.1f %12.1f\n", format_names[x->f], m[0], m[1], m[2], m[3]);
    return true;
}

static void list_print(const char *what, int want, struct listing *x)
{
    double m[NFORMATS][4];
    bool ok[NFORMATS];
    int f;

    printf("\nLIST %d %s, median of %d (after one untimed LIST each)\n", want, what, REPS);
    printf("  %-9s %12s %12s %12s %12s\n", "", "bytes", "latency ms", "srv CPU ms", "decode ms");
    for (f = 0; f < NFORMATS; f++)
        ok[f] = list_medians(&x[f], m[f]);
    if (ok[PB] && ok[JS])
        printf("  %-9s %12.2f %12.2f %12.2f %12.2f\n", "pb/JSON", m[PB][0] / m[JS][0],
               m[PB][1] / m[JS][1], m[PB][2] / m[JS][2], m[PB][3] / m[JS][3]);
}

/* LISTs of the namespace's want objects, protobuf and JSON alternating. */
static void bench_list(int port, const char *ns, const char *plural, int want)
{
    struct listing x[NFORMATS];
    char path[128], what[64];
    unsigned i;
    int f;

    snprintf(path, sizeof(path), "/api/v1/namespaces/%s/%s", ns, plural);
    for (f = 0; f < NFORMATS; f++)
        list_init(&x[f], port, path, (enum format)f);
    for (i = 0; i <= REPS; i++) {
        for (f = 0; f < NFORMATS; f++)
            list_once(&x[f], want, i > 0);
    }
    snprintf(what, sizeof(what), "%s of %s", plural, ns);
    list_print(what, want, x);
    for (f = 0; f < NFORMATS; f++) {
        evbuffer_free(x[f].l.body);
        load_release(&x[f].l);
    }
}

/* --- GET --- */

/* protobuf/JSON of each figure but the client's CPU */
static void get_ratio(int conc, const struct figures *pb, const struct figures *js)
{
    char what[32];

    snprintf(what, sizeof(what), "c=%d pb/JSON", conc);
    printf("  %-12s %9.2f %9.2f %9.2f %9.2f\n", what, pb->rps / js->rps, pb->p50 / js->p50,
           pb->p99 / js->p99, pb->srv_us / js->srv_us);
}

/* GET of path at concurrency conc, protobuf and JSON runs alternating. */
static void get_pair(int port, const char *path, int conc)
{
    struct figures fig[NFORMATS][REPS], m[NFORMATS];
    struct load l[NFORMATS];
    char what[32];
    unsigned i;
    int f;

    for (f = 0; f < NFORMATS; f++) {
        load_init(&l[f], port, conc, client_ctx);
        l[f].make = make_get;
        l[f].path = path;
        l[f].accept = accepts[f];
        l[f].pid = server_pid;
        load_run(&l[f], 0.3, -1, 30); /* warm-up and handshakes */
    }
    for (i = 0; i < REPS; i++) {
        for (f = 0; f < NFORMATS; f++) {
            load_run(&l[f], GET_SECONDS, -1, GET_SECONDS + 30);
            fig[f][i] = load_figures(&l[f]);
        }
    }
    for (f = 0; f < NFORMATS; f++) {
        medians(fig[f], REPS, &m[f]);
        snprintf(what, sizeof(what), "c=%d %s", conc, format_names[f]);
        print_row(what, &m[f]);
        load_release(&l[f]);
    }
    get_ratio(conc, &m[PB], &m[JS]);
}

static void bench_get(int port, const char *path, const char *kind)
{
    size_t pb = check_get(port, path, PB, kind), js = check_get(port, path, JS, kind);

    printf("\nGET one %s (%zu bytes as protobuf, %zu as JSON: %.2f), %d x %.1f s\n", kind, pb, js,
           (double)pb / (double)js, REPS, GET_SECONDS);
    printf("  %-12s %9s %9s %9s %9s %9s\n", "", "req/s", "p50 ms", "p99 ms", "srv us/req",
           "client CPU");
    get_pair(port, path, 1);
    get_pair(port, path, 32);
}

int main(int argc, char **argv)
{
    const char *bin = bench_init(argc, argv);
    double t0 = now_s();
    int port = free_port();
    long idle;

    start_server(bin, port, &idle);
    client_ctx = client_tls(true);
    fill(port, "bench-cm", "configmaps", make_create, NCM);
    name_seq = 0; /* the pods are p0000000 on */
    fill(port, "bench-pods", "pods", make_pod, NPOD);
    bench_list(port, "bench-cm", "configmaps", NCM);
    bench_list(port, "bench-pods", "pods", NPOD);
    bench_get(port, "/api/v1/namespaces/bench-cm/configmaps/b0000000", "ConfigMap");
    bench_get(port, "/api/v1/namespaces/bench-pods/pods/p0000000", "Pod");
    printf("\nserver RSS at the end: %.1f MiB\n", (double)status_kb(server_pid, "VmRSS:") / 1024);
    bench_finish();
    printf("\ntotal %.0f s\n", now_s() - t0);
    return 0;
}
