/* The pod's table row as kube prints it (printPod): READY counts ready containers, STATUS is the
 * phase or the most telling container state, RESTARTS sums restarts and says how long ago the
 * last one was; the wide columns are the pod IP, node, nominated node and readiness gates. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "generic/apis/meta.h"
#include "generic/endpoints/table.h"
#include "kubeapi/kubeapi_internal.h"

const struct table_column pod_columns[] = {
    {"Name", "string", "name", KUBE_NAME_DESC, 0},
    {"Ready", "string", "", "The aggregate readiness state of this pod for accepting traffic.", 0},
    {"Status", "string", "", "The aggregate status of the containers in this pod.", 0},
    {"Restarts", "string", "",
     "The number of times the containers in this pod have been restarted and when the last "
     "container in this pod has restarted.",
     0},
    {"Age", "string", "", KUBE_AGE_DESC, 0},
    {"IP", "string", "",
     "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet "
     "allocated.",
     1},
    {"Node", "string", "",
     "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate "
     "for preemption by the scheduler.",
     1},
    {"Nominated Node", "string", "",
     "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot "
     "be scheduled right away as preemption victims receive their graceful termination periods.",
     1},
    {"Readiness Gates", "string", "",
     "If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when "
     "all its containers are ready AND all conditions specified in the readiness gates have "
     "status equal to \"True\"",
     1},
    {0},
};

struct pod_view {
    char reason[128];
    int64_t restarts, init_restarts; /* all, and those of restartable init containers */
    int64_t last, init_last;         /* when the last restart finished (Unix seconds) */
    int total, ready;
};

static bool is_true(struct json_object *v)
{
    return json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}

static bool condition_true(struct json_object *obj, const char *type)
{
    struct json_object *conds = obj_get(obj, "status.conditions"), *c;
    size_t i;

    for (i = 0; i < kube_len(conds) && json_object_is_type(conds, json_type_array); i++) {
        c = json_object_array_get_idx(conds, i);
        if (strcmp(obj_get_str(c, "type") ?: "", type) == 0)
            return strcmp(obj_get_str(c, "status") ?: "", "True") == 0;
    }
    return false;
}

/* Init containers with restartPolicy Always are sidecars: they count among the containers. */
static bool restartable_init(struct json_object *obj, const char *name)
{
    struct json_object *ics = obj_get(obj, "spec.initContainers"), *c;
    size_t i;

    for (i = 0; name && i < kube_len(ics) && json_object_is_type(ics, json_type_array); i++) {
        c = json_object_array_get_idx(ics, i);
        if (strcmp(obj_get_str(c, "name") ?: "", name) == 0)
            return strcmp(obj_get_str(c, "restartPolicy") ?: "", "Always") == 0;
    }
    return false;
}

static void count_restarts(struct json_object *cs, int64_t *count, int64_t *last)
{
    int64_t n = 0, t = meta_parse_time(obj_get_str(cs, "lastState.terminated.finishedAt"));

    kube_int(cs, "restartCount", &n);
    *count += n;
    if (t > *last)
        *last = t;
}

/* The reason a terminated container gives: its own, or its signal or exit code. */
static void terminated_reason(struct json_object *term, const char *prefix, char *out, size_t n)
{
    const char *r = obj_get_str(term, "reason");
    int64_t sig = 0, code = 0;

    kube_int(term, "signal", &sig);
    kube_int(term, "exitCode", &code);
    if (r && *r)
        snprintf(out, n, "%s%s", prefix, r);
    else if (sig)
        snprintf(out, n, "%sSignal:%lld", prefix, (long long)sig);
    else
        snprintf(out, n, "%sExitCode:%lld", prefix, (long long)code);
}

/* Returns true while init containers still run (the pod is initializing). */
static bool init_statuses(struct json_object *obj, struct pod_view *v)
{
    struct json_object *st = obj_get(obj, "status.initContainerStatuses"), *cs, *term, *wait;
    size_t i, nspec = kube_len(obj_get(obj, "spec.initContainers"));
    const char *wr;
    int64_t code = 1;

    for (i = 0; i < kube_len(st) && json_object_is_type(st, json_type_array); i++) {
        cs = json_object_array_get_idx(st, i);
        count_restarts(cs, &v->restarts, &v->last);
        if (restartable_init(obj, obj_get_str(cs, "name")))
            count_restarts(cs, &v->init_restarts, &v->init_last);
        term = obj_get(cs, "state.terminated");
        wait = obj_get(cs, "state.waiting");
        wr = obj_get_str(wait, "reason");
        if (term && kube_int(term, "exitCode", &code) && code == 0)
            continue;
        if (restartable_init(obj, obj_get_str(cs, "name")) && is_true(obj_get(cs, "started"))) {
            v->ready += is_true(obj_get(cs, "ready"));
            continue;
        }
        if (term)
            terminated_reason(term, "Init:", v->reason, sizeof(v->reason));
        else if (wr && *wr && strcmp(wr, "PodInitializing") != 0)
            snprintf(v->reason, sizeof(v->reason), "Init:%s", wr);
        else
            snprintf(v->reason, sizeof(v->reason), "Init:%zu/%zu", i, nspec);
        return true;
    }
    return false;
}

static void container_statuses(struct json_object *obj, struct pod_view *v)
{
    struct json_object *st = obj_get(obj, "status.containerStatuses"), *cs, *term;
    size_t i = kube_len(st);
    bool running = false;
    const char *wr, *tr;

    v->restarts = v->init_restarts;
    v->last = v->init_last;
    while (i-- > 0 && json_object_is_type(st, json_type_array)) {
        cs = json_object_array_get_idx(st, i);
        count_restarts(cs, &v->restarts, &v->last);
        term = obj_get(cs, "state.terminated");
        wr = obj_get_str(cs, "state.waiting.reason");
        tr = obj_get_str(term, "reason");
        if (wr && *wr)
            snprintf(v->reason, sizeof(v->reason), "%s", wr);
        else if (term && tr && *tr)
            snprintf(v->reason, sizeof(v->reason), "%s", tr);
        else if (term)
            terminated_reason(term, "", v->reason, sizeof(v->reason));
        else if (is_true(obj_get(cs, "ready")) && obj_get(cs, "state.running")) {
            running = true;
            v->ready++;
        }
    }
    if (strcmp(v->reason, "Completed") == 0 && running)
        snprintf(v->reason, sizeof(v->reason), "%s",
                 condition_true(obj, "Ready") ? "Running" : "NotReady");
}

static void pod_view(struct json_object *obj, struct pod_view *v)
{
    const char *phase = obj_get_str(obj, "status.phase") ?: "";
    const char *reason = obj_get_str(obj, "status.reason");
    struct json_object *conds = obj_get(obj, "status.conditions"), *ics;
    size_t i;

    snprintf(v->reason, sizeof(v->reason), "%s", reason && *reason ? reason : phase);
    for (i = 0; i < kube_len(conds) && json_object_is_type(conds, json_type_array); i++) {
        struct json_object *c = json_object_array_get_idx(conds, i);

        if (strcmp(obj_get_str(c, "type") ?: "", "PodScheduled") == 0 &&
            strcmp(obj_get_str(c, "reason") ?: "", "SchedulingGated") == 0)
            snprintf(v->reason, sizeof(v->reason), "SchedulingGated");
    }
    v->total = (int)kube_len(obj_get(obj, "spec.containers"));
    ics = obj_get(obj, "spec.initContainers");
    for (i = 0; i < kube_len(ics) && json_object_is_type(ics, json_type_array); i++)
        v->total += strcmp(obj_get_str(json_object_array_get_idx(ics, i), "restartPolicy") ?: "",
                           "Always") == 0;
    if (!init_statuses(obj, v) || condition_true(obj, "Initialized"))
        container_statuses(obj, v);
    if (meta_str(obj, "deletionTimestamp") && reason && strcmp(reason, "NodeLost") == 0)
        snprintf(v->reason, sizeof(v->reason), "Unknown");
    else if (meta_str(obj, "deletionTimestamp") && strcmp(phase, "Succeeded") != 0 &&
             strcmp(phase, "Failed") != 0)
        snprintf(v->reason, sizeof(v->reason), "Terminating");
}

static void readiness_gates(struct json_object *obj, char *buf, size_t n)
{
    struct json_object *gates = obj_get(obj, "spec.readinessGates");
    size_t i, ok = 0;

    if (kube_len(gates) == 0 || !json_object_is_type(gates, json_type_array)) {
        snprintf(buf, n, "<none>");
        return;
    }
    for (i = 0; i < kube_len(gates); i++)
        ok += condition_true(obj, obj_get_str(json_object_array_get_idx(gates, i), "conditionType")
                                      ?: "");
    snprintf(buf, n, "%zu/%zu", ok, kube_len(gates));
}

static const char *or_none(const char *s)
{
    return s && *s ? s : "<none>";
}

void pod_row(struct json_object *obj, struct json_object *cells)
{
    struct pod_view v = {0};
    char buf[96], ago[32];

    pod_view(obj, &v);
    table_cell_str(cells, meta_str(obj, "name") ?: "");
    snprintf(buf, sizeof(buf), "%d/%d", v.ready, v.total);
    table_cell_str(cells, buf);
    table_cell_str(cells, v.reason);
    snprintf(buf, sizeof(buf), "%lld", (long long)v.restarts);
    if (v.restarts && v.last > 0) {
        meta_human_duration((int64_t)time(NULL) - v.last, ago, sizeof(ago));
        snprintf(buf, sizeof(buf), "%lld (%s ago)", (long long)v.restarts, ago);
    }
    table_cell_str(cells, buf);
    table_cell_age(cells, obj);
    table_cell_str(cells, or_none(pod_ip(obj)));
    table_cell_str(cells, or_none(obj_get_str(obj, "spec.nodeName")));
    table_cell_str(cells, or_none(obj_get_str(obj, "status.nominatedNodeName")));
    readiness_gates(obj, buf, sizeof(buf));
    table_cell_str(cells, buf);
}
