/* kube's ValidateService and ValidateServiceUpdate for core/v1 services, with kube's wording. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "generic/apis/meta.h"
#include "generic/apis/validation.h"
#include "kubeapi/services_internal.h"

#define PORT_RANGE_MSG "must be between 1 and 65535, inclusive"
#define IP_MSG         "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
#define LB_ONLY        "may only be used when `type` is 'LoadBalancer'"

static const char *const protocols[] = {"SCTP", "TCP", "UDP", NULL};
static const char *const types[] = {"ClusterIP", "ExternalName", "LoadBalancer", "NodePort", NULL};
static const char *const affinities[] = {"ClientIP", "None", NULL};
static const char *const traffic_policies[] = {"Cluster", "Local", NULL};
static const char *const families[] = {"IPv4", "IPv6", NULL};
static const char *const family_policies[] = {"PreferDualStack", "RequireDualStack", "SingleStack",
                                              NULL};
static const char *const distributions[] = {"PreferClose", NULL};

static int one_of(const char *v, const char *const *set)
{
    for (; *set; set++) {
        if (strcmp(v, *set) == 0)
            return 1;
    }
    return 0;
}

/* Required when absent or empty, Unsupported when not in set; reported as field. */
static int check_enum_at(struct json_object *obj, const char *path, const char *field,
                         const char *const *set, struct apierr *err)
{
    const char *v = obj_get_str(obj, path);

    if (!v || !*v)
        return validation_required(err, field, NULL);
    return one_of(v, set) ? 0 : validation_not_supported(err, field, v, set);
}

static int check_enum(struct json_object *obj, const char *path, const char *const *set,
                      struct apierr *err)
{
    return check_enum_at(obj, path, path, set, err);
}

static const char *str_at(struct json_object *obj, const char *path)
{
    const char *s = obj_get_str(obj, path);

    return s ? s : "";
}

static const char *idx_str(struct json_object *arr, size_t i)
{
    const char *s = json_object_get_string(json_object_array_get_idx(arr, i));

    return s ? s : "";
}

/* kube's IsValidPortName messages for a named target port. */
static int port_name_msgs(const char *s, const char **msgs)
{
    size_t n = strlen(s), i;
    int k = 0, letter = 0, charset = 1;

    for (i = 0; i < n; i++) {
        letter |= s[i] >= 'a' && s[i] <= 'z';
        charset &= (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-';
    }
    if (n > 15)
        msgs[k++] = "must be no more than 15 characters";
    if (!charset || n == 0)
        msgs[k++] = "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)";
    if (!letter)
        msgs[k++] = "must contain at least one letter (a-z)";
    if (strstr(s, "--"))
        msgs[k++] = "must not contain consecutive hyphens";
    if (n && (s[0] == '-' || s[n - 1] == '-') && k < VALIDATION_MAX_MSGS)
        msgs[k++] = "must not begin or end with a hyphen";
    return k;
}

static int validate_target_port(struct json_object *p, const char *path, struct apierr *err)
{
    struct json_object *tp = obj_get(p, "targetPort");
    const char *msgs[VALIDATION_MAX_MSGS + 1];
    char field[64];
    int n;

    snprintf(field, sizeof(field), "%s.targetPort", path);
    if (tp && json_object_is_type(tp, json_type_string)) {
        n = port_name_msgs(json_object_get_string(tp), msgs);
        return validation_invalid_msgs(err, field, json_object_get_string(tp), msgs, n);
    }
    n = tp ? json_object_get_int(tp) : 0;
    return n >= 1 && n <= 65535 ? 0 : validation_invalid_int(err, field, n, PORT_RANGE_MSG);
}

static int validate_port(struct json_object *p, size_t i, int require_name,
                         struct json_object *names, struct apierr *err)
{
    const char *name = str_at(p, "name"), *msgs[VALIDATION_MAX_MSGS];
    char path[48], field[64];
    int rc = 0, port = svc_int_at(p, "port"), n;

    snprintf(path, sizeof(path), "spec.ports[%zu]", i);
    snprintf(field, sizeof(field), "%s.name", path);
    if (require_name && !*name) {
        rc = validation_required(err, field, NULL);
    } else if (*name) {
        n = validation_dns1123_label(name, msgs);
        rc = validation_invalid_msgs(err, field, name, msgs, n);
        if (json_object_object_get_ex(names, name, NULL))
            rc = validation_duplicate(err, field, name);
        json_object_object_add(names, name, NULL);
    }
    snprintf(field, sizeof(field), "%s.port", path);
    if (port < 1 || port > 65535)
        rc = validation_invalid_int(err, field, port, PORT_RANGE_MSG);
    snprintf(field, sizeof(field), "%s.protocol", path);
    if (check_enum_at(p, "protocol", field, protocols, err) < 0)
        rc = -1;
    if (validate_target_port(p, path, err) < 0)
        rc = -1;
    return rc;
}

/* Go's %#v of the core.ServicePort kube uses as the key of a duplicate port. */
static int duplicate_port(struct apierr *err, size_t i, struct json_object *p)
{
    char field[48];

    snprintf(field, sizeof(field), "spec.ports[%zu]", i);
    return apierr_field(err, "FieldValueDuplicate", field,
                        "Duplicate value: core.ServicePort{Name:\"\", Protocol:\"%s\", "
                        "AppProtocol:(*string)(nil), Port:%d, TargetPort:intstr.IntOrString{"
                        "Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}",
                        str_at(p, "protocol"), svc_int_at(p, "port"));
}

static int validate_ports(struct json_object *svc, struct apierr *err)
{
    struct json_object *ports = obj_get(svc, "spec.ports"), *names = json_object_new_object();
    size_t i, j, n = svc_arr_len(ports);
    int rc = 0, cluster_ip = svc_is_type(svc, "ClusterIP");
    char field[64];

    for (i = 0; i < n; i++) {
        struct json_object *p = json_object_array_get_idx(ports, i);

        if (validate_port(p, i, n > 1, names, err) < 0)
            rc = -1;
        snprintf(field, sizeof(field), "spec.ports[%zu].nodePort", i);
        if (cluster_ip && svc_int_at(p, "nodePort"))
            rc = validation_forbidden(err, field, "may not be used when `type` is 'ClusterIP'");
    }
    for (i = 0; i < n; i++) {
        struct json_object *p = json_object_array_get_idx(ports, i);

        for (j = 0; j < i; j++) {
            struct json_object *q = json_object_array_get_idx(ports, j);
            int same_proto = strcmp(str_at(p, "protocol"), str_at(q, "protocol")) == 0;

            snprintf(field, sizeof(field), "spec.ports[%zu].nodePort", i);
            if (same_proto && svc_int_at(p, "nodePort") &&
                svc_int_at(p, "nodePort") == svc_int_at(q, "nodePort"))
                rc = apierr_field(err, "FieldValueDuplicate", field, "Duplicate value: %d",
                                  svc_int_at(p, "nodePort"));
            if (same_proto && svc_int_at(p, "port") == svc_int_at(q, "port")) {
                rc = duplicate_port(err, i, p);
                break;
            }
        }
    }
    json_object_put(names);
    return rc;
}

static int validate_type_fields(struct json_object *svc, struct apierr *err)
{
    const char *type = str_at(svc, "spec.type"), *msgs[VALIDATION_MAX_MSGS];
    char cname[256];
    size_t len;
    int rc = 0, n;

    if (svc_arr_len(obj_get(svc, "spec.ports")) == 0 && !svc_is_headless(svc) &&
        strcmp(type, "ExternalName") != 0)
        rc = validation_required(err, "spec.ports", NULL);
    if ((strcmp(type, "LoadBalancer") == 0 || strcmp(type, "NodePort") == 0) &&
        svc_is_headless(svc)) {
        snprintf(cname, sizeof(cname), "may not be set to 'None' for %s services", type);
        rc = validation_invalid(err, "spec.clusterIPs[0]", "None", cname);
    }
    if (strcmp(type, "ExternalName") != 0)
        return rc;
    if (svc_arr_len(obj_get(svc, "spec.clusterIPs")) > 0)
        rc = validation_forbidden(err, "spec.clusterIPs",
                                  "may not be set for ExternalName services");
    if (svc_arr_len(obj_get(svc, "spec.ipFamilies")) > 0)
        rc = validation_forbidden(err, "spec.ipFamilies",
                                  "may not be set for ExternalName services");
    if (obj_get(svc, "spec.ipFamilyPolicy"))
        rc = validation_forbidden(err, "spec.ipFamilyPolicy",
                                  "may not be set for ExternalName services");
    snprintf(cname, sizeof(cname), "%s", str_at(svc, "spec.externalName"));
    len = strlen(cname);
    if (len && cname[len - 1] == '.')
        cname[len - 1] = '\0';
    if (!cname[0])
        return validation_required(err, "spec.externalName", NULL);
    n = validation_dns1123_subdomain(cname, msgs);
    return validation_invalid_msgs(err, "spec.externalName", cname, msgs, n) < 0 ? -1 : rc;
}

static int validate_families(struct json_object *svc, struct apierr *err)
{
    struct json_object *fam = obj_get(svc, "spec.ipFamilies");
    const char *policy = obj_get_str(svc, "spec.ipFamilyPolicy");
    int rc = 0,
        selectorless = !obj_get(svc, "spec.selector") ||
                       !json_object_is_type(obj_get(svc, "spec.selector"), json_type_object) ||
                       json_object_object_length(obj_get(svc, "spec.selector")) == 0;
    int single_only = !(svc_is_headless(svc) && selectorless);
    char field[48];
    size_t i;

    for (i = 0; i < svc_arr_len(fam); i++) {
        snprintf(field, sizeof(field), "spec.ipFamilies[%zu]", i);
        if (!one_of(idx_str(fam, i), families))
            rc = validation_not_supported(err, field, idx_str(fam, i), families);
        else if (i == 1 && strcmp(idx_str(fam, 0), idx_str(fam, 1)) == 0)
            rc = validation_duplicate(err, field, idx_str(fam, i));
        else if (single_only && strcmp(idx_str(fam, i), "IPv6") == 0)
            rc = validation_invalid(err, field, "IPv6", "not configured on this cluster");
    }
    if (policy && !one_of(policy, family_policies))
        rc = validation_not_supported(err, "spec.ipFamilyPolicy", policy, family_policies);
    else if (policy && single_only && strcmp(policy, "RequireDualStack") == 0)
        rc = validation_invalid(err, "spec.ipFamilyPolicy", policy,
                                "this cluster is not configured for dual-stack services");
    return rc;
}

/* The clusterIPs list on its own: valid addresses, "None" alone, at most one per family. */
static int validate_cluster_ip_list(struct json_object *svc, struct json_object *ips,
                                    struct apierr *err)
{
    size_t i, n = svc_arr_len(ips);
    char raw[256], field[48];
    int bad = 0;

    svc_go_strings(ips, raw, sizeof(raw));
    for (i = 0; i < n; i++) {
        snprintf(field, sizeof(field), "spec.clusterIPs[%zu]", i);
        if (i == 0 && strcmp(idx_str(ips, 0), "None") == 0) {
            if (n > 1)
                bad = svc_invalid_raw(err, "spec.clusterIPs", raw,
                                      "'None' must be the first and only value");
        } else if (!svc_ip_kind(idx_str(ips, i))) {
            bad = validation_invalid(err, field, idx_str(ips, i), IP_MSG);
        }
    }
    if (n > 2)
        bad = svc_invalid_raw(err, "spec.clusterIPs", raw, "may only hold up to 2 values");
    if (bad)
        return -1;
    if (n == 2 && svc_ip_kind(idx_str(ips, 0)) == svc_ip_kind(idx_str(ips, 1)))
        return svc_invalid_raw(err, "spec.clusterIPs", raw,
                               "may specify no more than one IP for each IP family");
    (void)svc;
    return 0;
}

static int validate_cluster_ips(struct json_object *svc, struct apierr *err)
{
    struct json_object *ips = obj_get(svc, "spec.clusterIPs"),
                       *fam = obj_get(svc, "spec.ipFamilies");
    const char *ip = str_at(svc, "spec.clusterIP");
    char raw[256], field[48], msg[96];
    int rc = validate_families(svc, err);
    size_t i;

    if (svc_is_type(svc, "ExternalName"))
        return 0;
    svc_go_strings(ips, raw, sizeof(raw));
    if (*ip && svc_arr_len(ips) == 0)
        rc = validation_required(err, "spec.clusterIPs", NULL);
    else if (*ip && strcmp(idx_str(ips, 0), ip) != 0)
        rc = svc_invalid_raw(err, "spec.clusterIPs", raw, "first value must match `clusterIP`");
    else if (!*ip && svc_arr_len(ips) > 0)
        rc = svc_invalid_raw(err, "spec.clusterIPs", raw,
                             "must be empty when `clusterIP` is not specified");
    if (validate_cluster_ip_list(svc, ips, err) < 0)
        return -1;
    for (i = 0; !svc_is_headless(svc) && i < svc_arr_len(ips) && i < svc_arr_len(fam); i++) {
        int v6 = svc_ip_kind(idx_str(ips, i)) == 2, want6 = strcmp(idx_str(fam, i), "IPv6") == 0;

        if (v6 == want6)
            continue;
        snprintf(field, sizeof(field), "spec.clusterIPs[%zu]", i);
        snprintf(msg, sizeof(msg), "expected an %s value as indicated by `ipFamilies[%zu]`",
                 want6 ? "IPv6" : "IPv4", i);
        rc = validation_invalid(err, field, idx_str(ips, i), msg);
    }
    return rc;
}

/* kube's ValidateNonSpecialIP for IPv4 external IPs. */
static const char *special_ip(const char *s)
{
    struct in_addr in;
    uint32_t v;

    if (inet_pton(AF_INET, s, &in) != 1)
        return strcmp(s, "::") == 0 ? "may not be unspecified" : NULL;
    v = ntohl(in.s_addr);
    if (v == 0)
        return "may not be unspecified";
    if ((v >> 24) == 127)
        return "may not be in the loopback range (127.0.0.0/8, ::1/128)";
    if ((v >> 16) == 0xa9fe)
        return "may not be in the link-local range (169.254.0.0/16, fe80::/10)";
    if ((v >> 8) == 0xe00000)
        return "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)";
    return NULL;
}

static int valid_cidr(const char *s)
{
    char addr[64];
    const char *slash = strchr(s, '/');
    char *end;
    long bits;

    if (!slash || (size_t)(slash - s) >= sizeof(addr))
        return 0;
    memcpy(addr, s, (size_t)(slash - s));
    addr[slash - s] = '\0';
    bits = strtol(slash + 1, &end, 10);
    if (*end || end == slash + 1 || bits < 0)
        return 0;
    return svc_ip_kind(addr) == 1 ? bits <= 32 : svc_ip_kind(addr) == 2 && bits <= 128;
}

static int validate_external(struct json_object *svc, struct apierr *err)
{
    struct json_object *ext = obj_get(svc, "spec.externalIPs");
    struct json_object *ranges = obj_get(svc, "spec.loadBalancerSourceRanges");
    int rc = 0, lb = svc_is_type(svc, "LoadBalancer");
    char field[64];
    size_t i;

    for (i = 0; i < svc_arr_len(ext); i++) {
        const char *ip = idx_str(ext, i), *why = special_ip(ip);

        snprintf(field, sizeof(field), "spec.externalIPs[%zu]", i);
        if (!svc_ip_kind(ip))
            rc = validation_invalid(err, field, ip, IP_MSG);
        else if (why)
            rc = validation_invalid(err, field, ip, why);
    }
    if (svc_arr_len(ranges) && !lb)
        rc = validation_forbidden(err, "spec.LoadBalancerSourceRanges",
                                  "may only be used when `type` is 'LoadBalancer'");
    for (i = 0; i < svc_arr_len(ranges); i++) {
        snprintf(field, sizeof(field), "spec.LoadBalancerSourceRanges[%zu]", i);
        if (!valid_cidr(idx_str(ranges, i)))
            rc = validation_invalid(err, field, idx_str(ranges, i),
                                    "must be a valid CIDR value, (e.g. 10.9.8.0/24 or "
                                    "2001:db8::/64)");
    }
    if (obj_get(svc, "spec.allocateLoadBalancerNodePorts") && !lb)
        rc = validation_forbidden(err, "spec.allocateLoadBalancerNodePorts", LB_ONLY);
    return rc;
}

static int validate_traffic(struct json_object *svc, struct apierr *err)
{
    const char *etp = obj_get_str(svc, "spec.externalTrafficPolicy");
    int rc = 0, hc = svc_int_at(svc, "spec.healthCheckNodePort");

    if (!svc_externally_accessible(svc) && etp && *etp)
        rc = validation_invalid(err, "spec.externalTrafficPolicy", etp,
                                "may only be set for externally-accessible services");
    else if (svc_externally_accessible(svc) &&
             check_enum(svc, "spec.externalTrafficPolicy", traffic_policies, err) < 0)
        rc = -1;
    if (!svc_needs_health_check(svc) && hc)
        rc = validation_invalid_int(err, "spec.healthCheckNodePort", hc,
                                    "may only be set when `type` is 'LoadBalancer' and "
                                    "`externalTrafficPolicy` is 'Local'");
    else if (hc && (hc < 1 || hc > 65535))
        rc = validation_invalid_int(err, "spec.healthCheckNodePort", hc, PORT_RANGE_MSG);
    if (!svc_is_type(svc, "ExternalName") || obj_get(svc, "spec.internalTrafficPolicy")) {
        if (check_enum(svc, "spec.internalTrafficPolicy", traffic_policies, err) < 0)
            rc = -1;
    }
    if (obj_get_str(svc, "spec.trafficDistribution") &&
        !one_of(str_at(svc, "spec.trafficDistribution"), distributions))
        rc = validation_not_supported(err, "spec.trafficDistribution",
                                      str_at(svc, "spec.trafficDistribution"), distributions);
    return rc;
}

static int validate_affinity(struct json_object *svc, struct apierr *err)
{
    struct json_object *t = obj_get(svc, "spec.sessionAffinityConfig.clientIP.timeoutSeconds");
    const char *aff = str_at(svc, "spec.sessionAffinity");
    int secs = t ? json_object_get_int(t) : 0;

    if (check_enum(svc, "spec.sessionAffinity", affinities, err) < 0)
        return -1;
    if (strcmp(aff, "ClientIP") == 0 && !t)
        return validation_required(err, "spec.sessionAffinityConfig",
                                   "when session affinity type is ClientIP");
    if (strcmp(aff, "ClientIP") == 0 && (secs <= 0 || secs > 86400))
        return validation_invalid_int(err, "spec.sessionAffinityConfig.clientIP.timeoutSeconds",
                                      secs, "must be greater than 0 and less than 86400");
    if (strcmp(aff, "None") == 0 && obj_get(svc, "spec.sessionAffinityConfig"))
        return validation_forbidden(err, "spec.sessionAffinityConfig",
                                    "must not be set when session affinity is None");
    return 0;
}

int service_validate_create(struct json_object *obj, struct apierr *err)
{
    int rc = validate_type_fields(obj, err);

    rc |= validate_ports(obj, err);
    if (obj_get(obj, "spec.selector"))
        rc |= validation_labels(obj_get(obj, "spec.selector"), "spec.selector", err);
    rc |= validate_affinity(obj, err);
    rc |= validate_cluster_ips(obj, err);
    rc |= validate_external(obj, err);
    rc |= check_enum(obj, "spec.type", types, err);
    rc |= validate_traffic(obj, err);
    return rc ? -1 : 0;
}

/* kube's validateUpgradeDowngradeClusterIPs, for the single-stack cases this server has. */
static int validate_ips_update(struct json_object *obj, struct json_object *old, struct apierr *err)
{
    struct json_object *ips = obj_get(obj, "spec.clusterIPs"),
                       *oips = obj_get(old, "spec.clusterIPs");
    size_t i, n = svc_arr_len(ips), on = svc_arr_len(oips);
    char raw[256], field[48];
    int rc = 0;

    if (svc_is_type(obj, "ExternalName") || svc_is_type(old, "ExternalName") ||
        (svc_is_headless(obj) && svc_is_headless(old)))
        return 0;
    svc_go_strings(ips, raw, sizeof(raw));
    if (n == 0 && on > 0)
        return svc_invalid_raw(err, "spec.clusterIPs[0]", raw,
                               "primary clusterIP can not be unset");
    for (i = 0; i < n && i < on; i++) {
        if (strcmp(idx_str(ips, i), idx_str(oips, i)) == 0 || (i > 0 && n != on))
            continue;
        snprintf(field, sizeof(field), "spec.clusterIPs[%zu]", i);
        rc = svc_invalid_raw(err, field, raw, "may not change once set");
    }
    return rc;
}

int service_validate_update(struct json_object *obj, struct json_object *old, struct apierr *err)
{
    int rc = validate_ips_update(obj, old, err);

    if (svc_needs_health_check(obj) && svc_needs_health_check(old) &&
        svc_int_at(obj, "spec.healthCheckNodePort") != svc_int_at(old, "spec.healthCheckNodePort"))
        rc = validation_forbidden(err, "spec.healthCheckNodePort", "field is immutable");
    if (!svc_is_headless(obj) && !svc_is_headless(old) && !svc_is_type(obj, "ExternalName") &&
        !svc_is_type(old, "ExternalName") &&
        !json_object_equal(obj_get(obj, "spec.ipFamilies"), obj_get(old, "spec.ipFamilies")) &&
        svc_arr_len(obj_get(obj, "spec.ipFamilies")) ==
            svc_arr_len(obj_get(old, "spec.ipFamilies")))
        rc = apierr_field(err, "FieldValueInvalid", "spec.ipFamilies[0]",
                          "Invalid value: []core.IPFamily{\"%s\"}: may not change once set",
                          idx_str(obj_get(obj, "spec.ipFamilies"), 0));
    return service_validate_create(obj, err) < 0 || rc < 0 ? -1 : 0;
}
