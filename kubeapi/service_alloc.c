/* Cluster IP and node port bitmaps, rebuilt from the stored services and kept in step with the
 * store's events. */
#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <json-c/json.h>

#include "generic/apis/meta.h"
#include "generic/apis/xalloc.h"
#include "generic/storage/storage.h"
#include "kubeapi/service_alloc.h"

#define SERVICES_PREFIX "/registry/services/"
#define NO_SKIP         UINT_MAX

/* One bitmap: offsets 0..max-1, the lower `band` offsets tried last (kube's static band, left
 * for clients that ask for a given address). */
struct bits {
    uint64_t *w;
    unsigned max, used, band, skip;
};

struct svc_alloc {
    struct bits ips, ports;
    uint32_t ip_base; /* the address at offset 0: the network address + 1 */
    int port_base;
    char cidr[48], port_range[32];
    struct storage *st;
    struct storage_watch *watch;
    int64_t rev; /* the last event seen */
};

static void bits_init(struct bits *b, unsigned max, unsigned band, unsigned skip)
{
    b->w = xcalloc((max + 63) / 64, sizeof(uint64_t));
    b->max = max;
    b->used = 0;
    b->band = band < max ? band : max;
    b->skip = skip;
}

static int bits_get(const struct bits *b, unsigned i)
{
    return (b->w[i / 64] >> (i % 64)) & 1;
}

static void bits_set(struct bits *b, unsigned i)
{
    if (bits_get(b, i))
        return;
    b->w[i / 64] |= (uint64_t)1 << (i % 64);
    b->used++;
}

static void bits_clear(struct bits *b, unsigned i)
{
    if (!bits_get(b, i))
        return;
    b->w[i / 64] &= ~((uint64_t)1 << (i % 64));
    b->used--;
}

/* A free offset in [lo, hi), looking from a random point and wrapping; -1 if none. */
static long bits_scan(const struct bits *b, unsigned lo, unsigned hi)
{
    unsigned r = 0, i, n = hi - lo;

    if (hi <= lo)
        return -1;
    if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
        r = 0;
    for (i = 0; i < n; i++) {
        unsigned off = lo + (r + i) % n;

        if (off != b->skip && !bits_get(b, off))
            return off;
    }
    return -1;
}

/* kube's random scan with an offset: the dynamic band first, then the static one. */
static long bits_next(struct bits *b)
{
    long off = bits_scan(b, b->band, b->max);

    if (off < 0)
        off = bits_scan(b, 0, b->band);
    if (off >= 0)
        bits_set(b, (unsigned)off);
    return off;
}

/* kube's calculateRangeOffset: min(max(min, size/step), most). */
static unsigned band_of(unsigned size, unsigned min, unsigned most, unsigned step)
{
    unsigned off = size / step;

    if (size < min)
        return 0;
    if (off < min)
        return min;
    return off > most ? most : off;
}

static int parse_cidr(struct svc_alloc *a, const char *cidr, struct apierr *err)
{
    char addr[48];
    const char *slash = strchr(cidr, '/');
    struct in_addr in;
    char *end;
    long prefix;
    uint32_t net, size;

    if (!slash || (size_t)(slash - cidr) >= sizeof(addr))
        goto bad;
    memcpy(addr, cidr, (size_t)(slash - cidr));
    addr[slash - cidr] = '\0';
    prefix = strtol(slash + 1, &end, 10);
    if (*end || end == slash + 1 || inet_pton(AF_INET, addr, &in) != 1 || prefix < 0 || prefix > 32)
        goto bad;
    if (prefix < 12 || prefix > 30)
        return apierr_set(err, APIERR_BAD_REQUEST,
                          "--service-cluster-ip-range %s: the mask must be between /12 and /30",
                          cidr);
    size = (uint32_t)1 << (32 - prefix);
    net = ntohl(in.s_addr) & ~(size - 1);
    a->ip_base = net + 1;
    in.s_addr = htonl(net);
    inet_ntop(AF_INET, &in, addr, INET_ADDRSTRLEN);
    snprintf(a->cidr, sizeof(a->cidr), "%.15s/%ld", addr, prefix & 63);
    bits_init(&a->ips, size - 2, band_of(size, 16, 256, 16), 0);
    return 0;
bad:
    return apierr_set(err, APIERR_BAD_REQUEST,
                      "invalid --service-cluster-ip-range %s: must be an IPv4 CIDR such as "
                      "10.0.0.0/24",
                      cidr);
}

static int parse_ports(struct svc_alloc *a, const char *spec, struct apierr *err)
{
    char *end, *end2;
    long lo = strtol(spec, &end, 10), hi = lo;

    if (end == spec)
        goto bad;
    if (*end == '-' || *end == '+') {
        long v = strtol(end + 1, &end2, 10);

        if (end2 == end + 1 || *end2)
            goto bad;
        hi = *end == '-' ? v : lo + v;
    } else if (*end) {
        goto bad;
    }
    if (lo < 1 || hi > 65535 || hi < lo)
        goto bad;
    a->port_base = (int)lo;
    snprintf(a->port_range, sizeof(a->port_range), "%d-%d", (int)lo, (int)hi);
    bits_init(&a->ports, (unsigned)(hi - lo + 1), band_of((unsigned)(hi - lo + 1), 16, 128, 32),
              NO_SKIP);
    return 0;
bad:
    return apierr_set(err, APIERR_BAD_REQUEST,
                      "invalid --service-node-port-range %s: must be a port range such as "
                      "30000-32767",
                      spec);
}

struct svc_alloc *svc_alloc_new(const char *cidr, const char *ports, struct apierr *err)
{
    struct svc_alloc *a = xcalloc(1, sizeof(*a));

    if (parse_cidr(a, cidr && *cidr ? cidr : SVC_DEFAULT_CIDR, err) < 0 ||
        parse_ports(a, ports && *ports ? ports : SVC_DEFAULT_PORTS, err) < 0) {
        svc_alloc_free(a);
        return NULL;
    }
    return a;
}

void svc_alloc_free(struct svc_alloc *a)
{
    if (!a)
        return;
    free(a->ips.w);
    free(a->ports.w);
    free(a);
}

const char *svc_alloc_cidr(const struct svc_alloc *a)
{
    return a->cidr;
}

const char *svc_alloc_port_range(const struct svc_alloc *a)
{
    return a->port_range;
}

static void ip_string(uint32_t ip, char out[16])
{
    struct in_addr in = {.s_addr = htonl(ip)};

    inet_ntop(AF_INET, &in, out, 16);
}

void svc_alloc_first_ip(const struct svc_alloc *a, char out[16])
{
    ip_string(a->ip_base, out);
}

/* The bitmap offset of ip, or -1 when it is not a usable address of the range. */
static long ip_offset(const struct svc_alloc *a, const char *ip)
{
    struct in_addr in;
    uint32_t v;

    if (!ip || inet_pton(AF_INET, ip, &in) != 1)
        return -1;
    v = ntohl(in.s_addr);
    if (v < a->ip_base || v - a->ip_base >= a->ips.max)
        return -1;
    return (long)(v - a->ip_base);
}

enum svc_alloc_rc svc_ip_allocate(struct svc_alloc *a, const char *ip)
{
    long off = ip_offset(a, ip);

    if (off < 0)
        return SVC_ALLOC_NOT_IN_RANGE;
    if (bits_get(&a->ips, (unsigned)off))
        return SVC_ALLOC_TAKEN;
    bits_set(&a->ips, (unsigned)off);
    return SVC_ALLOC_OK;
}

enum svc_alloc_rc svc_ip_next(struct svc_alloc *a, char out[16])
{
    long off = bits_next(&a->ips);

    if (off < 0)
        return SVC_ALLOC_FULL;
    ip_string(a->ip_base + (uint32_t)off, out);
    return SVC_ALLOC_OK;
}

void svc_ip_release(struct svc_alloc *a, const char *ip)
{
    long off = ip_offset(a, ip);

    if (off >= 0)
        bits_clear(&a->ips, (unsigned)off);
}

bool svc_ip_allocated(const struct svc_alloc *a, const char *ip)
{
    long off = ip_offset(a, ip);

    return off >= 0 && bits_get(&a->ips, (unsigned)off);
}

const char *svc_ip_message(const struct svc_alloc *a, enum svc_alloc_rc rc, const char *ip,
                           char *buf, size_t n)
{
    if (rc == SVC_ALLOC_NOT_IN_RANGE)
        snprintf(buf, n,
                 "the provided IP (%s) is not in the valid range. The range of valid IPs is %s", ip,
                 a->cidr);
    else
        snprintf(buf, n, "%s",
                 rc == SVC_ALLOC_FULL ? "range is full" : "provided IP is already allocated");
    return buf;
}

static long port_offset(const struct svc_alloc *a, int port)
{
    if (port < a->port_base || (unsigned)(port - a->port_base) >= a->ports.max)
        return -1;
    return port - a->port_base;
}

enum svc_alloc_rc svc_port_allocate(struct svc_alloc *a, int port)
{
    long off = port_offset(a, port);

    if (off < 0)
        return SVC_ALLOC_NOT_IN_RANGE;
    if (bits_get(&a->ports, (unsigned)off))
        return SVC_ALLOC_TAKEN;
    bits_set(&a->ports, (unsigned)off);
    return SVC_ALLOC_OK;
}

enum svc_alloc_rc svc_port_next(struct svc_alloc *a, int *port)
{
    long off = bits_next(&a->ports);

    if (off < 0)
        return SVC_ALLOC_FULL;
    *port = a->port_base + (int)off;
    return SVC_ALLOC_OK;
}

void svc_port_release(struct svc_alloc *a, int port)
{
    long off = port_offset(a, port);

    if (off >= 0)
        bits_clear(&a->ports, (unsigned)off);
}

bool svc_port_allocated(const struct svc_alloc *a, int port)
{
    long off = port_offset(a, port);

    return off >= 0 && bits_get(&a->ports, (unsigned)off);
}

const char *svc_port_message(const struct svc_alloc *a, enum svc_alloc_rc rc, char *buf, size_t n)
{
    if (rc == SVC_ALLOC_NOT_IN_RANGE)
        snprintf(buf, n, "provided port is not in the valid range. The range of valid ports is %s",
                 a->port_range);
    else
        snprintf(buf, n, "%s",
                 rc == SVC_ALLOC_FULL ? "range is full" : "provided port is already allocated");
    return buf;
}

unsigned svc_ip_free_count(const struct svc_alloc *a)
{
    return a->ips.max - a->ips.used - (bits_get(&a->ips, 0) ? 0 : 1);
}

unsigned svc_port_free_count(const struct svc_alloc *a)
{
    return a->ports.max - a->ports.used;
}

/* --- what a service holds --- */

static int has_ip(struct json_object *svc, const char *ip)
{
    struct json_object *ips = obj_get(svc, "spec.clusterIPs");
    size_t i,
        n = ips && json_object_is_type(ips, json_type_array) ? json_object_array_length(ips) : 0;

    for (i = 0; i < n; i++) {
        const char *s = json_object_get_string(json_object_array_get_idx(ips, i));

        if (s && strcmp(s, ip) == 0)
            return 1;
    }
    return 0;
}

static int has_port(struct json_object *svc, int port)
{
    struct json_object *ports = obj_get(svc, "spec.ports"), *hc;
    size_t i, n = ports && json_object_is_type(ports, json_type_array)
                      ? json_object_array_length(ports)
                      : 0;

    hc = obj_get(svc, "spec.healthCheckNodePort");
    if (hc && json_object_get_int(hc) == port)
        return 1;
    for (i = 0; i < n; i++) {
        struct json_object *np = obj_get(json_object_array_get_idx(ports, i), "nodePort");

        if (np && json_object_get_int(np) == port)
            return 1;
    }
    return 0;
}

/* Calls fn for each cluster IP and node port svc holds. */
static void each_held(struct svc_alloc *a, struct json_object *svc, struct json_object *other,
                      void (*ip_fn)(struct svc_alloc *, const char *),
                      void (*port_fn)(struct svc_alloc *, int))
{
    struct json_object *ips = obj_get(svc, "spec.clusterIPs"), *ports = obj_get(svc, "spec.ports");
    struct json_object *hc = obj_get(svc, "spec.healthCheckNodePort");
    size_t i;

    for (i = 0;
         ips && json_object_is_type(ips, json_type_array) && i < json_object_array_length(ips);
         i++) {
        const char *ip = json_object_get_string(json_object_array_get_idx(ips, i));

        if (ip && (!other || !has_ip(other, ip)))
            ip_fn(a, ip);
    }
    for (i = 0; ports && json_object_is_type(ports, json_type_array) &&
                i < json_object_array_length(ports);
         i++) {
        struct json_object *np = obj_get(json_object_array_get_idx(ports, i), "nodePort");

        if (np && (!other || !has_port(other, json_object_get_int(np))))
            port_fn(a, json_object_get_int(np));
    }
    if (hc && (!other || !has_port(other, json_object_get_int(hc))))
        port_fn(a, json_object_get_int(hc));
}

static void mark_ip(struct svc_alloc *a, const char *ip)
{
    svc_ip_allocate(a, ip);
}

static void mark_port(struct svc_alloc *a, int port)
{
    svc_port_allocate(a, port);
}

void svc_alloc_mark(struct svc_alloc *a, struct json_object *svc)
{
    each_held(a, svc, NULL, mark_ip, mark_port);
}

void svc_alloc_release_diff(struct svc_alloc *a, struct json_object *had, struct json_object *has)
{
    each_held(a, had, has, svc_ip_release, svc_port_release);
}

/* --- following the store --- */

static void mark_item(void *arg, const char *key, const char *value, size_t len, int64_t rev)
{
    struct json_object *svc = json_tokener_parse(value);

    (void)key;
    (void)len;
    (void)rev;
    svc_alloc_mark(arg, svc);
    json_object_put(svc);
}

static int start_watch(struct svc_alloc *a, struct apierr *err);

static void on_event(void *arg, const struct storage_event *ev, const struct apierr *end)
{
    struct svc_alloc *a = arg;
    struct json_object *obj, *prev;
    struct apierr err = {0};

    if (!ev) {
        storage_watch_free(a->watch);
        a->watch = NULL;
        if (end->reason == APIERR_UNAVAILABLE)
            svc_alloc_free(a); /* the store is closing */
        else if (start_watch(a, &err) < 0)
            fprintf(stderr, "kube-apiserver: service allocations no longer follow the store: %s\n",
                    err.message);
        return;
    }
    a->rev = ev->rev;
    obj = json_tokener_parse(ev->value);
    prev = ev->prev ? json_tokener_parse(ev->prev) : NULL;
    if (ev->type == STORAGE_DELETED) {
        svc_alloc_release_diff(a, obj, NULL);
    } else {
        svc_alloc_mark(a, obj);
        if (prev)
            svc_alloc_release_diff(a, prev, obj);
    }
    json_object_put(prev);
    json_object_put(obj);
}

static int start_watch(struct svc_alloc *a, struct apierr *err)
{
    struct storage_watch_opts o = {
        .key = SERVICES_PREFIX, .flags = STORAGE_WATCH_PREFIX, .rev = a->rev};

    a->watch = storage_watch(a->st, &o, on_event, a, err);
    return a->watch ? 0 : -1;
}

int svc_alloc_attach(struct svc_alloc *a, struct storage *st, struct apierr *err)
{
    struct storage_list_opts lo = {.prefix = SERVICES_PREFIX};
    struct storage_list_result res = {0};
    int rc = storage_list(st, &lo, mark_item, a, &res, err);

    a->rev = res.rev;
    storage_list_result_release(&res);
    if (rc < 0)
        return -1;
    a->st = st;
    return start_watch(a, err);
}
