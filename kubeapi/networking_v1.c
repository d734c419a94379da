/* networking.k8s.io/v1: ingresses and ingressclasses, with kube 1.32's defaults, validation
 * (pkg/apis/networking/validation) and table rows. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "generic/apis/meta.h"
#include "generic/endpoints/table.h"
#include "kubeapi/groups_internal.h"
#include "kubeapi/kubeapi_internal.h"

#define CONTROLLER_MAX 250

static int fieldf(char *buf, size_t n, const char *path, const char *suffix)
{
    return snprintf(buf, n, "%s.%s", path, suffix);
}

/* --- ingresses --- */

static void ingress_prepare_create(struct json_object *obj)
{
    struct json_object *status = json_object_new_object();

    json_object_object_add(status, "loadBalancer", json_object_new_object());
    json_object_object_add(obj, "status", status);
}

/* A port name as kube's IsValidPortName has it. */
static int port_name_validate(const char *name, const char *path, struct apierr *err)
{
    size_t len = strlen(name), i;
    bool letter = false;
    int rc = 0;

    if (len > 15)
        rc = validation_invalid(err, path, name, "must be no more than 15 characters");
    for (i = 0; i < len; i++) {
        if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
              name[i] == '-'))
            return validation_invalid(err, path, name,
                                      "must contain only alpha-numeric characters (a-z, 0-9), "
                                      "and hyphens (-)");
        letter |= name[i] >= 'a' && name[i] <= 'z';
    }
    if (strstr(name, "--"))
        rc = validation_invalid(err, path, name, "must not contain consecutive hyphens");
    if (!letter)
        rc = validation_invalid(err, path, name, "must contain at least one letter (a-z)");
    if (len && (name[0] == '-' || name[len - 1] == '-'))
        rc = validation_invalid(err, path, name, "must not begin or end with a hyphen");
    return rc;
}

static int service_backend_validate(struct json_object *svc, const char *path, struct apierr *err)
{
    const char *name = obj_get_str(svc, "name") ?: "", *pname = obj_get_str(svc, "port.name") ?: "";
    const char *msgs[VALIDATION_MAX_MSGS];
    int64_t num = 0;
    char f[160];
    int rc = 0, n;

    kube_int(obj_get(svc, "port"), "number", &num);
    fieldf(f, sizeof(f), path, "service.name");
    n = *name ? validation_dns1035_label(name, msgs) : 0;
    if (!*name)
        rc = validation_required(err, f, NULL);
    else if (n)
        rc = validation_invalid_msgs(err, f, name, msgs, n);
    if (*pname && num)
        return validation_invalid(err, path, "", "cannot set both port name & port number");
    fieldf(f, sizeof(f), path, *pname ? "service.port.name" : "service.port.number");
    if (*pname)
        rc |= port_name_validate(pname, f, err);
    else if (num && (num < 1 || num > 65535))
        rc = validation_invalid_int(err, f, num, "must be between 1 and 65535, inclusive");
    else if (!num)
        rc = validation_required(err, path, "port name or number is required");
    return rc ? -1 : 0;
}

/* kube's validateIngressBackend: a service or a resource, not both. */
static int backend_validate(struct json_object *b, const char *path, struct apierr *err)
{
    struct json_object *res = obj_get(b, "resource"), *svc = obj_get(b, "service");
    char f[160];

    if (res && svc)
        return validation_invalid(err, path, "", "cannot set both resource and service backends");
    if (svc)
        return service_backend_validate(svc, path, err);
    if (!res)
        return validation_invalid(err, path, "", "resource or service backend is required");
    fieldf(f, sizeof(f), path, "resource.kind");
    if (!obj_get_str(res, "kind") || !*obj_get_str(res, "kind"))
        return validation_required(err, f, NULL);
    fieldf(f, sizeof(f), path, "resource.name");
    if (!obj_get_str(res, "name") || !*obj_get_str(res, "name"))
        return validation_required(err, f, NULL);
    return 0;
}

/* kube's validateHTTPIngressPath: pathType is required in v1. */
static int path_validate(struct json_object *p, const char *path, struct apierr *err)
{
    static const char *const types[] = {"Exact", "ImplementationSpecific", "Prefix", NULL};
    static const char *const bad_seq[] = {"//", "/./", "/../", "%2f", "%2F", NULL};
    const char *type = obj_get_str(p, "pathType"), *v = obj_get_str(p, "path") ?: "";
    char f[160], msg[64], b[160];
    int rc = 0, i;

    fieldf(f, sizeof(f), path, "pathType");
    if (!type)
        return validation_required(err, f, "pathType must be specified");
    fieldf(f, sizeof(f), path, "path");
    if (strcmp(type, "Exact") == 0 || strcmp(type, "Prefix") == 0) {
        if (v[0] != '/')
            rc = validation_invalid(err, f, v, "must be an absolute path");
        for (i = 0; *v && bad_seq[i]; i++) {
            snprintf(msg, sizeof(msg), "must not contain '%s'", bad_seq[i]);
            if (strstr(v, bad_seq[i]))
                rc = validation_invalid(err, f, v, msg);
        }
        if (strlen(v) >= 2 && (strcmp(v + strlen(v) - 2, "/.") == 0 ||
                               (strlen(v) >= 3 && strcmp(v + strlen(v) - 3, "/..") == 0)))
            rc = validation_invalid(err, f, v,
                                    v[strlen(v) - 2] == '.' ? "cannot end with '/..'"
                                                            : "cannot end with '/.'");
    } else if (strcmp(type, "ImplementationSpecific") == 0) {
        if (*v && v[0] != '/')
            rc = validation_invalid(err, f, v, "must be an absolute path");
    } else {
        fieldf(f, sizeof(f), path, "pathType");
        rc = validation_not_supported(err, f, type, types);
    }
    fieldf(b, sizeof(b), path, "backend");
    return backend_validate(obj_get(p, "backend"), b, err) < 0 ? -1 : rc;
}

/* A host: a DNS subdomain or a wildcard one, never an IP address. */
static int host_validate(const char *host, const char *path, struct apierr *err)
{
    const char *msgs[VALIDATION_MAX_MSGS];
    unsigned char ip[16];
    int n;

    if (inet_pton(AF_INET, host, ip) == 1 || inet_pton(AF_INET6, host, ip) == 1)
        return validation_invalid(err, path, host, "must be a DNS name, not an IP address");
    if (strncmp(host, "*.", 2) == 0)
        n = validation_dns1123_subdomain(host + 2, msgs);
    else
        n = validation_dns1123_subdomain(host, msgs);
    if (strchr(host + (strncmp(host, "*.", 2) == 0 ? 2 : 0), '*'))
        return validation_invalid(err, path, host,
                                  "a wildcard DNS-1123 subdomain must start with '*.', followed "
                                  "by a valid DNS subdomain, which must consist of lower case "
                                  "alphanumeric characters, '-' or '.' and end with an "
                                  "alphanumeric character (e.g. '*.example.com', regex used for "
                                  "validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]"
                                  "([-a-z0-9]*[a-z0-9])?)*')");
    return n ? validation_invalid_msgs(err, path, host, msgs, n) : 0;
}

static int rule_validate(struct json_object *rule, const char *path, struct apierr *err)
{
    struct json_object *http = obj_get(rule, "http"), *paths = obj_get(http, "paths");
    const char *host = obj_get_str(rule, "host");
    char f[160];
    size_t i;
    int rc = 0;

    fieldf(f, sizeof(f), path, "host");
    if (host && *host)
        rc = host_validate(host, f, err);
    if (!http)
        return rc;
    fieldf(f, sizeof(f), path, "http.paths");
    if (kube_len(paths) == 0)
        rc = validation_required(err, f, NULL);
    for (i = 0; json_object_is_type(paths, json_type_array) && i < json_object_array_length(paths);
         i++) {
        snprintf(f, sizeof(f), "%s.http.paths[%zu]", path, i);
        if (path_validate(json_object_array_get_idx(paths, i), f, err) < 0)
            rc = -1;
    }
    return rc;
}

static int tls_validate(struct json_object *tls, struct apierr *err)
{
    char f[64];
    size_t i, j;
    int rc = 0;

    for (i = 0; json_object_is_type(tls, json_type_array) && i < json_object_array_length(tls);
         i++) {
        struct json_object *hosts = obj_get(json_object_array_get_idx(tls, i), "hosts");

        for (j = 0;
             json_object_is_type(hosts, json_type_array) && j < json_object_array_length(hosts);
             j++) {
            snprintf(f, sizeof(f), "spec.tls[%zu].hosts[%zu]", i, j);
            if (host_validate(json_object_get_string(json_object_array_get_idx(hosts, j)), f, err) <
                0)
                rc = -1;
        }
    }
    return rc;
}

/* kube's ValidateIngressSpec. */
static int ingress_validate(struct json_object *obj, struct apierr *err)
{
    struct json_object *spec = obj_get(obj, "spec"), *rules = obj_get(spec, "rules");
    struct json_object *def = obj_get(spec, "defaultBackend");
    const char *cls = obj_get_str(spec, "ingressClassName"), *msgs[VALIDATION_MAX_MSGS];
    char f[48];
    size_t i;
    int rc = 0, n;

    if (kube_len(rules) == 0 && !def)
        rc = kube_invalid_raw(err, "spec", "[]networking.IngressRule(nil)",
                              "either `defaultBackend` or `rules` must be specified");
    if (def && backend_validate(def, "spec.defaultBackend", err) < 0)
        rc = -1;
    for (i = 0; json_object_is_type(rules, json_type_array) && i < json_object_array_length(rules);
         i++) {
        snprintf(f, sizeof(f), "spec.rules[%zu]", i);
        if (rule_validate(json_object_array_get_idx(rules, i), f, err) < 0)
            rc = -1;
    }
    if (tls_validate(obj_get(spec, "tls"), err) < 0)
        rc = -1;
    n = cls ? validation_dns1123_subdomain(cls, msgs) : 0;
    if (n)
        rc = validation_invalid_msgs(err, "spec.ingressClassName", cls, msgs, n);
    return rc;
}

static int ingress_validate_update(struct json_object *obj, struct json_object *old,
                                   struct apierr *err)
{
    (void)old;
    return ingress_validate(obj, err);
}

/* kube's formatHosts: the first three hosts, "*" when there are none. */
static void ingress_hosts(struct json_object *rules, char *buf, size_t n)
{
    size_t i, count = 0, len = 0, total = kube_len(rules);
    bool more = false;

    buf[0] = '\0';
    for (i = 0; i < total && json_object_is_type(rules, json_type_array); i++) {
        const char *h = obj_get_str(json_object_array_get_idx(rules, i), "host");

        if (count == 3)
            more = true;
        if (!more && h && *h && len < n) {
            len += (size_t)snprintf(buf + len, n - len, "%s%s", count ? "," : "", h);
            count++;
        }
    }
    if (count == 0)
        snprintf(buf, n, "*");
    else if (more && len < n)
        snprintf(buf + len, n - len, " + %zu more...", total - 3);
}

/* The load balancer's IPs or host names, sorted and unique. */
static void ingress_address(struct json_object *lbs, char *buf, size_t n)
{
    const char *v[64];
    size_t i, j, k, count = 0, len = 0;

    for (i = 0; i < kube_len(lbs) && json_object_is_type(lbs, json_type_array) && count < 64; i++) {
        struct json_object *lb = json_object_array_get_idx(lbs, i);
        const char *ip = obj_get_str(lb, "ip"), *host = obj_get_str(lb, "hostname");
        const char *a = ip && *ip ? ip : host && *host ? host : NULL;

        for (j = 0; a && j < count && strcmp(v[j], a) < 0; j++)
            ;
        if (!a || (j < count && strcmp(v[j], a) == 0))
            continue;
        for (k = count++; k > j; k--)
            v[k] = v[k - 1];
        v[j] = a;
    }
    buf[0] = '\0';
    for (i = 0; i < count && len < n; i++)
        len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? "," : "", v[i]);
}

static void ingress_row(struct json_object *obj, struct json_object *cells)
{
    struct json_object *spec = obj_get(obj, "spec");
    char buf[1024];

    table_cell_str(cells, meta_str(obj, "name") ?: "");
    table_cell_str(cells, obj_get_str(spec, "ingressClassName") ?: "<none>");
    ingress_hosts(obj_get(spec, "rules"), buf, sizeof(buf));
    table_cell_str(cells, buf);
    ingress_address(obj_get(obj, "status.loadBalancer.ingress"), buf, sizeof(buf));
    table_cell_str(cells, buf);
    table_cell_str(cells, kube_len(obj_get(spec, "tls")) ? "80, 443" : "80");
    table_cell_age(cells, obj);
}

static const struct table_column ingress_columns[] = {
    {"Name", "string", "name", KUBE_NAME_DESC, 0},
    {"Class", "string", "",
     "The name of the IngressClass resource that should be used for ingress class.", 0},
    {"Hosts", "string", "",
     "Hosts that incoming requests are matched against before the ingress rule", 0},
    {"Address", "string", "", "Address is a list containing ingress points for the load-balancer",
     0},
    {"Ports", "string", "", "Ports of TLS configurations that open", 0},
    {"Age", "string", "", KUBE_AGE_DESC, 0},
    {0},
};

static const struct strategy ingress_strategy = {
    .prepare_create = ingress_prepare_create,
    .validate_create = ingress_validate,
    .validate_update = ingress_validate_update,
    .table_row = ingress_row,
};

/* --- ingressclasses --- */

static void ingressclass_defaults(struct json_object *obj)
{
    struct json_object *p = obj_get(obj, "spec.parameters");

    if (json_object_is_type(p, json_type_object))
        kube_default(p, "scope", json_object_new_string("Cluster"));
}

/* kube's IsDomainPrefixedPath: "acme.io/ingress-controller". */
static int controller_validate(const char *c, struct apierr *err)
{
    const char *slash = strchr(c, '/'), *msgs[VALIDATION_MAX_MSGS];
    char host[256];
    int n;

    if (!*c)
        return validation_required(err, "spec.controller", NULL);
    if (strlen(c) > CONTROLLER_MAX)
        return validation_too_long(err, "spec.controller", CONTROLLER_MAX);
    if (!slash || slash == c)
        return validation_invalid(err, "spec.controller", c,
                                  "must be a domain-prefixed path (such as \"acme.io/foo\")");
    snprintf(host, sizeof(host), "%.*s", (int)(slash - c), c);
    n = validation_dns1123_subdomain(host, msgs);
    return n ? validation_invalid_msgs(err, "spec.controller", host, msgs, n) : 0;
}

/* kube's validateIngressClassParametersReference. */
static int parameters_validate(struct json_object *p, struct apierr *err)
{
    static const char *const scopes[] = {"Cluster", "Namespace", NULL};
    const char *scope = obj_get_str(p, "scope"), *ns = obj_get_str(p, "namespace");
    int rc = 0;

    if (!p)
        return 0;
    if (!obj_get_str(p, "kind") || !*obj_get_str(p, "kind"))
        rc = validation_required(err, "spec.parameters.kind", NULL);
    if (!obj_get_str(p, "name") || !*obj_get_str(p, "name"))
        rc = validation_required(err, "spec.parameters.name", NULL);
    if (!scope)
        return validation_required(err, "spec.parameters.scope", NULL);
    if (strcmp(scope, "Namespace") == 0 && (!ns || !*ns))
        rc = validation_required(err, "spec.parameters.namespace",
                                 "`parameters.scope` is set to 'Namespace'");
    else if (strcmp(scope, "Cluster") == 0 && ns)
        rc = validation_forbidden(err, "spec.parameters.namespace",
                                  "`parameters.scope` is set to 'Cluster'");
    else if (strcmp(scope, "Cluster") != 0 && strcmp(scope, "Namespace") != 0)
        rc = validation_not_supported(err, "spec.parameters.scope", scope, scopes);
    return rc;
}

static int ingressclass_validate(struct json_object *obj, struct apierr *err)
{
    int rc = controller_validate(obj_get_str(obj, "spec.controller") ?: "", err);

    return parameters_validate(obj_get(obj, "spec.parameters"), err) < 0 ? -1 : rc;
}

static int ingressclass_validate_update(struct json_object *obj, struct json_object *old,
                                        struct apierr *err)
{
    const char *a = obj_get_str(obj, "spec.controller") ?: "";
    const char *b = obj_get_str(old, "spec.controller") ?: "";
    int rc = ingressclass_validate(obj, err);

    if (strcmp(a, b) != 0)
        rc = validation_invalid(err, "spec.controller", a, "field is immutable");
    return rc;
}

static void ingressclass_row(struct json_object *obj, struct json_object *cells)
{
    struct json_object *p = obj_get(obj, "spec.parameters");
    const char *group = obj_get_str(p, "apiGroup");
    char params[600];

    if (p)
        snprintf(params, sizeof(params), "%s%s%s/%s", obj_get_str(p, "kind") ?: "",
                 group ? "." : "", group ? group : "", obj_get_str(p, "name") ?: "");
    else
        snprintf(params, sizeof(params), "<none>");
    table_cell_str(cells, meta_str(obj, "name") ?: "");
    table_cell_str(cells, obj_get_str(obj, "spec.controller") ?: "");
    table_cell_str(cells, params);
    table_cell_age(cells, obj);
}

static const struct table_column ingressclass_columns[] = {
    {"Name", "string", "name", KUBE_NAME_DESC, 0},
    {"Controller", "string", "", "Controller that is responsible for handling this class", 0},
    {"Parameters", "string", "", "A reference to a resource with additional parameters", 0},
    {"Age", "string", "", KUBE_AGE_DESC, 0},
    {0},
};

static const struct strategy ingressclass_strategy = {
    .defaults = ingressclass_defaults,
    .validate_create = ingressclass_validate,
    .validate_update = ingressclass_validate_update,
    .table_row = ingressclass_row,
};

/* --- the group version --- */

static const struct resource networking_v1_resources[] = {
    {"ingressclasses",
     "IngressClass",
     {0},
     RES_GENERATION,
     VERB_ALL,
     &ingressclass_strategy,
     .columns = ingressclass_columns},
    {"ingresses",
     "Ingress",
     {"ing"},
     RES_NAMESPACED | RES_STATUS | RES_GENERATION,
     VERB_ALL,
     &ingress_strategy,
     .columns = ingress_columns},
    {0},
};

const struct group_version kube_networking_v1 = {"networking.k8s.io", "v1",
                                                 networking_v1_resources};
