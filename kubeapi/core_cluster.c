/* core/v1 nodes, events, limitranges and resourcequotas. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "generic/apis/meta.h"
#include "generic/endpoints/table.h"
#include "kubeapi/kubeapi_internal.h"

static const char *str_or(struct json_object *obj, const char *path, const char *def)
{
    const char *s = obj_get_str(obj, path);

    return s ? s : def;
}

static size_t arr_len(struct json_object *a)
{
    return a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
}

/* kube's translateTimestampSince for an RFC 3339 time (fractions ignored): "<unknown>" when
 * absent. */
static void since(const char *ts, char *out, size_t n)
{
    char whole[40];
    const char *dot = ts ? strchr(ts, '.') : NULL;
    int64_t t;

    if (dot && (size_t)(dot - ts) < sizeof(whole) - 2) {
        memcpy(whole, ts, (size_t)(dot - ts));
        snprintf(whole + (dot - ts), sizeof(whole) - (size_t)(dot - ts), "Z");
        ts = whole;
    }
    t = ts && *ts ? meta_parse_time(ts) : -1;
    if (t < 0) {
        snprintf(out, n, "<unknown>");
        return;
    }
    meta_human_duration(time(NULL) > t ? time(NULL) - t : 0, out, n);
}

/* --- nodes --- */

static void node_defaults(struct json_object *obj)
{
    struct json_object *cap = obj_get(obj, "status.capacity");

    if (cap && json_object_is_type(cap, json_type_object) && !obj_get(obj, "status.allocatable"))
        obj_set(obj, "status.allocatable", json_object_get(cap));
}

/* kube's node STATUS: Ready or NotReady from the Ready condition, then SchedulingDisabled. */
static void node_status(struct json_object *obj, char *buf, size_t n)
{
    struct json_object *conds = obj_get(obj, "status.conditions"), *u;
    const char *ready = NULL;
    size_t i;

    for (i = 0; i < arr_len(conds); i++) {
        struct json_object *c = json_object_array_get_idx(conds, i);

        if (strcmp(str_or(c, "type", ""), "Ready") == 0)
            ready = str_or(c, "status", "");
    }
    snprintf(buf, n, "%s", !ready ? "Unknown" : strcmp(ready, "True") == 0 ? "Ready" : "NotReady");
    u = obj_get(obj, "spec.unschedulable");
    if (u && json_object_get_boolean(u))
        snprintf(buf + strlen(buf), n - strlen(buf), ",SchedulingDisabled");
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* kube's findNodeRoles: node-role.kubernetes.io/<role> keys and kubernetes.io/role values. */
static void node_roles(struct json_object *obj, char *buf, size_t n)
{
    static const char prefix[] = "node-role.kubernetes.io/";
    struct json_object *labels = obj_get(obj, "metadata.labels");
    const char *roles[32];
    size_t k = 0, i, pos = 0;

    snprintf(buf, n, "<none>");
    if (!labels || !json_object_is_type(labels, json_type_object))
        return;
    json_object_object_foreach(labels, key, val) {
        if (k < 32 && strncmp(key, prefix, sizeof(prefix) - 1) == 0 && key[sizeof(prefix) - 1])
            roles[k++] = key + sizeof(prefix) - 1;
        else if (k < 32 && strcmp(key, "kubernetes.io/role") == 0 && json_object_get_string(val)[0])
            roles[k++] = json_object_get_string(val);
    }
    qsort(roles, k, sizeof(roles[0]), cmp_str);
    for (i = 0; i < k && pos < n; i++) {
        if (i && strcmp(roles[i], roles[i - 1]) == 0)
            continue;
        pos += (size_t)snprintf(buf + pos, n - pos, "%s%s", pos ? "," : "", roles[i]);
    }
}

static const char *node_address(struct json_object *obj, const char *type)
{
    struct json_object *addrs = obj_get(obj, "status.addresses");
    size_t i;

    for (i = 0; i < arr_len(addrs); i++) {
        struct json_object *a = json_object_array_get_idx(addrs, i);

        if (strcmp(str_or(a, "type", ""), type) == 0)
            return str_or(a, "address", "<none>");
    }
    return "<none>";
}

static void node_row(struct json_object *obj, struct json_object *cells)
{
    char buf[256];
    const char *v;

    table_cell_str(cells, meta_str(obj, "name"));
    node_status(obj, buf, sizeof(buf));
    table_cell_str(cells, buf);
    node_roles(obj, buf, sizeof(buf));
    table_cell_str(cells, buf);
    table_cell_age(cells, obj);
    table_cell_str(cells, str_or(obj, "status.nodeInfo.kubeletVersion", ""));
    table_cell_str(cells, node_address(obj, "InternalIP"));
    table_cell_str(cells, node_address(obj, "ExternalIP"));
    v = str_or(obj, "status.nodeInfo.osImage", "");
    table_cell_str(cells, *v ? v : "<unknown>");
    v = str_or(obj, "status.nodeInfo.kernelVersion", "");
    table_cell_str(cells, *v ? v : "<unknown>");
    v = str_or(obj, "status.nodeInfo.containerRuntimeVersion", "");
    table_cell_str(cells, *v ? v : "<unknown>");
}

static int node_field(struct json_object *obj, const char *field, char *buf, size_t n)
{
    struct json_object *u = obj_get(obj, "spec.unschedulable");

    if (strcmp(field, "spec.unschedulable") != 0)
        return -1;
    snprintf(buf, n, "%s", u && json_object_get_boolean(u) ? "true" : "false");
    return 0;
}

const char *const node_fields[] = {"spec.unschedulable", NULL};

const struct table_column node_columns[] = {
    {"Name", "string", "name", KUBE_NAME_DESC, 0},
    {"Status", "string", "", "The status of the node", 0},
    {"Roles", "string", "", "The roles of the node", 0},
    {"Age", "string", "", KUBE_AGE_DESC, 0},
    {"Version", "string", "", "Kubelet Version reported by the node.", 0},
    {"Internal-IP", "string", "", "List of addresses reachable to the node.", 1},
    {"External-IP", "string", "", "List of addresses reachable to the node.", 1},
    {"OS-Image", "string", "", "OS Image reported by the node from /etc/os-release.", 1},
    {"Kernel-Version", "string", "", "Kernel Version reported by the node.", 1},
    {"Container-Runtime", "string", "", "ContainerRuntime Version reported by the node.", 1},
    {0},
};

const struct strategy node_strategy = {
    .defaults = node_defaults,
    .table_row = node_row,
    .field_value = node_field,
};

/* --- events --- */

/* kube's legacyValidateEvent for core/v1 Events. */
static int event_validate(struct json_object *obj, struct apierr *err)
{
    const char *ns = meta_str(obj, "namespace") ?: "",
               *ins = str_or(obj, "involvedObject.namespace", "");
    int rc = 0;

    if (!obj_get_str(obj, "eventTime")) {
        if ((!*ins && *ns && strcmp(ns, "default") != 0) || (*ins && strcmp(ns, ins) != 0))
            rc = validation_invalid(err, "involvedObject.namespace", ins,
                                    "does not match event.namespace");
        return rc;
    }
    if (!*ins && strcmp(ns, "default") != 0 && strcmp(ns, "kube-system") != 0)
        rc = validation_invalid(err, "involvedObject.namespace", ins,
                                "does not match event.namespace");
    if (!*str_or(obj, "reportingComponent", ""))
        rc = validation_required(err, "reportingComponent", NULL);
    if (!*str_or(obj, "reportingInstance", ""))
        rc = validation_required(err, "reportingInstance", NULL);
    if (!*str_or(obj, "action", ""))
        rc = validation_required(err, "action", NULL);
    if (!*str_or(obj, "reason", ""))
        rc = validation_required(err, "reason", NULL);
    return rc;
}

static int event_validate_update(struct json_object *obj, struct json_object *old,
                                 struct apierr *err)
{
    (void)old;
    return event_validate(obj, err);
}

static void event_source(struct json_object *obj, char *buf, size_t n)
{
    const char *comp = str_or(obj, "source.component", ""), *host = str_or(obj, "source.host", "");

    if (!*comp)
        comp = str_or(obj, "reportingComponent", "");
    if (!*host)
        host = str_or(obj, "reportingInstance", "");
    snprintf(buf, n, "%s%s%s", comp, *host ? ", " : "", host);
}

/* kube's printEvent, wide columns included. */
static void event_row(struct json_object *obj, struct json_object *cells)
{
    const char *first = obj_get_str(obj, "firstTimestamp"),
               *last = obj_get_str(obj, "lastTimestamp");
    const char *kind = str_or(obj, "involvedObject.kind", ""),
               *name = str_or(obj, "involvedObject.name", "");
    char first_s[32], last_s[32], target[512], src[256], msg[1024];
    int64_t count = obj_get(obj, "count") ? json_object_get_int64(obj_get(obj, "count")) : 0;
    size_t i, len;

    since(first ? first : obj_get_str(obj, "eventTime"), first_s, sizeof(first_s));
    if (last)
        since(last, last_s, sizeof(last_s));
    else
        snprintf(last_s, sizeof(last_s), "%s", first_s);
    if (obj_get(obj, "series")) {
        since(obj_get_str(obj, "series.lastObservedTime"), last_s, sizeof(last_s));
        count = json_object_get_int64(obj_get(obj, "series.count"));
    } else if (count == 0) {
        count = 1;
    }
    for (i = 0; kind[i] && i < sizeof(target) - 1; i++)
        target[i] = (char)(kind[i] >= 'A' && kind[i] <= 'Z' ? kind[i] + 32 : kind[i]);
    target[i] = '\0';
    if (*name)
        snprintf(target + i, sizeof(target) - i, "/%s", name);
    event_source(obj, src, sizeof(src));
    snprintf(msg, sizeof(msg), "%s", str_or(obj, "message", ""));
    for (len = strlen(msg); len && (msg[len - 1] == ' ' || msg[len - 1] == '\n'); len--)
        msg[len - 1] = '\0';
    table_cell_str(cells, last_s);
    table_cell_str(cells, str_or(obj, "type", ""));
    table_cell_str(cells, str_or(obj, "reason", ""));
    table_cell_str(cells, target);
    table_cell_str(cells, str_or(obj, "involvedObject.fieldPath", ""));
    table_cell_str(cells, src);
    table_cell_str(cells, msg + strspn(msg, " \n\t"));
    table_cell_str(cells, first_s);
    table_cell_int(cells, count);
    table_cell_str(cells, meta_str(obj, "name"));
}

const char *const event_fields[] = {"involvedObject.kind",
                                    "involvedObject.namespace",
                                    "involvedObject.name",
                                    "involvedObject.uid",
                                    "involvedObject.apiVersion",
                                    "involvedObject.resourceVersion",
                                    "involvedObject.fieldPath",
                                    "reason",
                                    "reportingComponent",
                                    "source",
                                    "type",
                                    NULL};

static int event_field(struct json_object *obj, const char *field, char *buf, size_t n)
{
    size_t i;

    for (i = 0; event_fields[i] && strcmp(event_fields[i], field) != 0; i++)
        ;
    if (!event_fields[i])
        return -1;
    if (strcmp(field, "source") == 0)
        snprintf(buf, n, "%s", str_or(obj, "source.component", ""));
    else
        snprintf(buf, n, "%s", str_or(obj, field, ""));
    return 0;
}

const struct table_column event_columns[] = {
    {"Last Seen", "string", "",
     "The time at which the most recent occurrence of this event was "
     "recorded.",
     0},
    {"Type", "string", "",
     "Type of this event (Normal, Warning), new types could be added in the "
     "future",
     0},
    {"Reason", "string", "",
     "This should be a short, machine understandable string that gives "
     "the reason for the transition into the object's current status.",
     0},
    {"Object", "string", "", "The object that this event is about.", 0},
    {"Subobject", "string", "",
     "If referring to a piece of an object instead of an entire "
     "object, this string should contain a valid JSON/Go field access "
     "statement.",
     1},
    {"Source", "string", "", "The component reporting this event.", 1},
    {"Message", "string", "", "A human-readable description of the status of this operation.", 0},
    {"First Seen", "string", "", "The time at which the event was first recorded.", 1},
    {"Count", "string", "", "The number of times this event has occurred.", 1},
    {"Name", "string", "name", KUBE_NAME_DESC, 1},
    {0},
};

const struct strategy event_strategy = {
    .validate_create = event_validate,
    .validate_update = event_validate_update,
    .table_row = event_row,
    .field_value = event_field,
};

/* --- limitranges --- */

/* Copies the keys of from missing in to[key] (created when there is something to copy). */
static void fill_missing(struct json_object *item, const char *to, const char *from)
{
    struct json_object *src = obj_get(item, from), *dst;

    if (!src || !json_object_is_type(src, json_type_object) || !json_object_object_length(src))
        return;
    dst = obj_get(item, to);
    if (!dst || !json_object_is_type(dst, json_type_object)) {
        dst = json_object_new_object();
        json_object_object_add(item, to, dst);
    }
    json_object_object_foreach(src, k, v) {
        if (!json_object_object_get_ex(dst, k, NULL))
            json_object_object_add(dst, k, json_object_get(v));
    }
}

/* kube's SetDefaults_LimitRangeItem: a container's default limit from max, its default request
 * from the default limit, then from min. */
static void limitrange_defaults(struct json_object *obj)
{
    struct json_object *limits = obj_get(obj, "spec.limits");
    size_t i;

    for (i = 0; i < arr_len(limits); i++) {
        struct json_object *item = json_object_array_get_idx(limits, i);

        if (strcmp(str_or(item, "type", ""), "Container") != 0)
            continue;
        fill_missing(item, "default", "max");
        fill_missing(item, "defaultRequest", "default");
        fill_missing(item, "defaultRequest", "min");
    }
}

static int limitrange_validate(struct json_object *obj, struct apierr *err)
{
    struct json_object *limits = obj_get(obj, "spec.limits");
    char field[48];
    size_t i, j;
    int rc = 0;

    for (i = 0; i < arr_len(limits); i++) {
        const char *t = str_or(json_object_array_get_idx(limits, i), "type", "");

        for (j = 0; j < i; j++) {
            if (strcmp(t, str_or(json_object_array_get_idx(limits, j), "type", "")) != 0)
                continue;
            snprintf(field, sizeof(field), "spec.limits[%zu].type", i);
            rc = validation_duplicate(err, field, t);
            break;
        }
    }
    return rc;
}

static int limitrange_validate_update(struct json_object *obj, struct json_object *old,
                                      struct apierr *err)
{
    (void)old;
    return limitrange_validate(obj, err);
}

static void limitrange_row(struct json_object *obj, struct json_object *cells)
{
    table_cell_str(cells, meta_str(obj, "name"));
    table_cell_str(cells, meta_str(obj, "creationTimestamp") ?: "");
}

const struct table_column limitrange_columns[] = {
    {"Name", "string", "name", KUBE_NAME_DESC, 0},
    {"Created At", "date", "", KUBE_AGE_DESC, 0},
    {0},
};

const struct strategy limitrange_strategy = {
    .defaults = limitrange_defaults,
    .validate_create = limitrange_validate,
    .validate_update = limitrange_validate_update,
    .table_row = limitrange_row,
};

/* --- resourcequotas --- */

/* With no quota controller here, status.hard follows spec.hard so that the table shows the
 * limits; usage is left to whoever writes status. */
static void quota_prepare_create(struct json_object *obj)
{
    struct json_object *hard = obj_get(obj, "spec.hard");

    json_object_object_del(obj, "status");
    if (hard && json_object_is_type(hard, json_type_object))
        obj_set(obj, "status.hard", json_object_get(hard));
}

static void quota_prepare_update(struct json_object *obj, struct json_object *old)
{
    struct json_object *hard = obj_get(obj, "spec.hard");

    (void)old;
    if (hard && json_object_is_type(hard, json_type_object))
        obj_set(obj, "status.hard", json_object_get(hard));
}

/* kube's printResourceQuota: "<name>: <used>/<hard>" per hard resource, sorted, the limits.*
 * ones in the second column. */
static void quota_columns(struct json_object *obj, char *req, char *lim, size_t n)
{
    struct json_object *hard = obj_get(obj, "status.hard"), *used = obj_get(obj, "status.used");
    const char *keys[64];
    size_t k = 0, i;

    req[0] = lim[0] = '\0';
    if (!hard || !json_object_is_type(hard, json_type_object))
        return;
    json_object_object_foreach(hard, key, val) {
        (void)val;
        if (k < 64)
            keys[k++] = key;
    }
    qsort(keys, k, sizeof(keys[0]), cmp_str);
    for (i = 0; i < k; i++) {
        char *w = strncmp(keys[i], "limits.", 7) == 0 ? lim : req;
        const char *u = obj_get_str(used, keys[i]);
        struct json_object *h = json_object_object_get(hard, keys[i]);

        snprintf(w + strlen(w), n - strlen(w), "%s%s: %s/%s", w[0] ? ", " : "", keys[i],
                 u ? u : "0", json_object_get_string(h));
    }
}

static void quota_row(struct json_object *obj, struct json_object *cells)
{
    char req[1024], lim[1024];

    quota_columns(obj, req, lim, sizeof(req));
    table_cell_str(cells, meta_str(obj, "name"));
    table_cell_age(cells, obj);
    table_cell_str(cells, req);
    table_cell_str(cells, lim);
}

const struct table_column resourcequota_columns[] = {
    {"Name", "string", "name", KUBE_NAME_DESC, 0},
    {"Age", "string", "", KUBE_AGE_DESC, 0},
    {"Request", "string", "",
     "Request represents a minimum amount of cpu/memory that a "
     "container may consume.",
     0},
    {"Limit", "string", "",
     "Limits control the maximum amount of cpu/memory that a container "
     "may use independent of contention on the node.",
     0},
    {0},
};

const struct strategy resourcequota_strategy = {
    .prepare_create = quota_prepare_create,
    .prepare_update = quota_prepare_update,
    .table_row = quota_row,
};
