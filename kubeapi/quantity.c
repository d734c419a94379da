/* resource.Quantity values ("100m", "1Gi", "1e3", 2) compared exactly, and the pod QoS class kube
 * computes from them (BestEffort, Burstable, Guaranteed). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "generic/apis/meta.h"
#include "kubeapi/kubeapi_internal.h"

/* Values are kept in units of 10^-9 as __int128, rounded up as kube rounds. */
#define NANO_MAX (((__int128)1) << 120)

static int suffix_scale(const char *s, int *e10, int *e2)
{
    static const char dec[] = "num kMGTPE";
    static const int dec_exp[] = {-9, -6, -3, 0, 3, 6, 9, 12, 15, 18};
    static const char bin[] = "KMGTPE";
    const char *p;
    char *end;
    long e;

    *e10 = 0;
    *e2 = 0;
    if (!*s)
        return 0;
    if (s[1] == 'i' && !s[2] && (p = strchr(bin, s[0])) && *p) {
        *e2 = 10 * (int)(p - bin + 1);
        return 0;
    }
    if (!s[1] && s[0] != ' ' && (p = strchr(dec, s[0])) && *p) {
        *e10 = dec_exp[p - dec];
        return 0;
    }
    if ((s[0] == 'e' || s[0] == 'E') && s[1]) {
        e = strtol(s + 1, &end, 10);
        if (*end || e < -40 || e > 40)
            return -1;
        *e10 = (int)e;
        return 0;
    }
    return -1;
}

static __int128 scale(__int128 m, int e10, int e2)
{
    for (; e2 > 0 && m < NANO_MAX; e2--)
        m *= 2;
    for (; e10 > 0 && m < NANO_MAX; e10--)
        m *= 10;
    for (; e10 < 0; e10++)
        m = m / 10 + (m % 10 != 0);
    return m;
}

/* Parses a quantity; returns -1 when it is not one. */
static int quantity_parse(const char *s, __int128 *out)
{
    __int128 m = 0;
    int frac = 0, digits = 0, neg = 0, e10, e2;
    bool dot = false;

    if (*s == '+' || *s == '-')
        neg = *s++ == '-';
    for (; (*s >= '0' && *s <= '9') || (*s == '.' && !dot); s++) {
        if (*s == '.') {
            dot = true;
            continue;
        }
        if (m < NANO_MAX) {
            m = m * 10 + (*s - '0');
            frac += dot;
        }
        digits++;
    }
    if (!digits || suffix_scale(s, &e10, &e2) < 0)
        return -1;
    m = scale(m, e10 + 9 - frac, e2);
    *out = neg ? -m : m;
    return 0;
}

static int quantity_of(struct json_object *v, __int128 *out)
{
    const char *s;

    if (!v || json_object_is_type(v, json_type_null) || json_object_is_type(v, json_type_object) ||
        json_object_is_type(v, json_type_array))
        return -1;
    s = json_object_get_string(v);
    return s ? quantity_parse(s, out) : -1;
}

int kube_quantity_cmp(struct json_object *a, struct json_object *b, int *cmp)
{
    __int128 x, y;

    if (quantity_of(a, &x) < 0 || quantity_of(b, &y) < 0)
        return -1;
    *cmp = x < y ? -1 : x > y;
    return 0;
}

int kube_quantity_sign(struct json_object *v)
{
    __int128 x;

    if (quantity_of(v, &x) < 0)
        return 0;
    return x < 0 ? -1 : x > 0;
}

/* Sums of positive cpu and memory quantities, and which were seen. */
struct qos_sum {
    __int128 v[2];
    bool seen[2];
};

static const char *const qos_names[2] = {"cpu", "memory"};

/* Adds list's cpu and memory to sum; returns a bit per resource found positive. */
static unsigned qos_add(struct qos_sum *sum, struct json_object *list)
{
    unsigned found = 0;
    __int128 q;
    int i;

    for (i = 0; i < 2; i++) {
        if (quantity_of(obj_get(list, qos_names[i]), &q) < 0 || q <= 0)
            continue;
        sum->v[i] += q;
        sum->seen[i] = true;
        found |= 1u << i;
    }
    return found;
}

static bool qos_walk(struct json_object *ctrs, struct qos_sum *req, struct qos_sum *lim)
{
    bool guaranteed = true;
    size_t i;

    for (i = 0; i < kube_len(ctrs) && json_object_is_type(ctrs, json_type_array); i++) {
        struct json_object *res = obj_get(json_object_array_get_idx(ctrs, i), "resources");

        qos_add(req, obj_get(res, "requests"));
        if (qos_add(lim, obj_get(res, "limits")) != 3)
            guaranteed = false;
    }
    return guaranteed;
}

const char *pod_qos_class(struct json_object *spec)
{
    struct qos_sum req = {0}, lim = {0};
    bool guaranteed = qos_walk(obj_get(spec, "containers"), &req, &lim);
    int i, nreq = 0, nlim = 0;

    if (!qos_walk(obj_get(spec, "initContainers"), &req, &lim))
        guaranteed = false;
    for (i = 0; i < 2; i++) {
        nreq += req.seen[i];
        nlim += lim.seen[i];
        if (req.seen[i] && (!lim.seen[i] || lim.v[i] != req.v[i]))
            guaranteed = false;
    }
    if (!nreq && !nlim)
        return "BestEffort";
    return guaranteed && nreq == nlim ? "Guaranteed" : "Burstable";
}
