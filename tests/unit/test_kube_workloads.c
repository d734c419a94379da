/* Workload resources (pods, podtemplates, replicationcontrollers, and apps/v1 deployments,
 * replicasets, statefulsets, daemonsets, controllerrevisions): kube's defaults, validation
 * causes word for word, table cells and selectable fields, driven through the strategies. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <json-c/json.h>

#include "generic/apis/meta.h"
#include "generic/endpoints/table.h"
#include "kubeapi/kubeapi_internal.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct resource *find(const char *plural)
{
    const struct resource *r = resource_find(&kube_core_v1, plural);

    if (!r)
        r = resource_find(&kube_apps_v1, plural);
    ck_assert_msg(r != NULL, "no resource %s", plural);
    return r;
}

static struct json_object *parse(const char *s)
{
    struct json_object *o = json_tokener_parse(s);

    ck_assert_msg(o != NULL, "bad JSON in test: %s", s);
    return o;
}

/* The value at a path like "spec.containers[0].image", borrowed. */
static struct json_object *at(struct json_object *obj, const char *path)
{
    char buf[256], *tok, *save = NULL, *br;

    snprintf(buf, sizeof(buf), "%s", path);
    for (tok = strtok_r(buf, ".", &save); tok && obj; tok = strtok_r(NULL, ".", &save)) {
        br = strchr(tok, '[');
        if (br)
            *br = '\0';
        if (!json_object_object_get_ex(obj, tok, &obj))
            return NULL;
        for (; br && obj; br = strchr(br + 1, '['))
            obj = json_object_array_get_idx(obj, (size_t)atoi(br + 1));
    }
    return obj;
}

static const char *text(struct json_object *v)
{
    return v ? json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
                                                     JSON_C_TO_STRING_NOSLASHESCAPE)
             : "<absent>";
}

/* Runs what the store runs on create before validation: prepare_create, then defaults. */
static struct json_object *created(const struct resource *r, const char *body)
{
    struct json_object *obj = parse(body);

    if (r->strategy->prepare_create)
        r->strategy->prepare_create(obj);
    if (r->strategy->defaults)
        r->strategy->defaults(obj);
    return obj;
}

/* "field: message" of every cause, joined with " | ". */
static void causes(const struct apierr *err, char *buf, size_t n)
{
    size_t len = 0;
    unsigned i;

    buf[0] = '\0';
    for (i = 0; i < err->ncauses && i < APIERR_MAX_CAUSES && len < n; i++)
        len += (size_t)snprintf(buf + len, n - len, "%s%s: %s", i ? " | " : "",
                                err->causes[i].field, err->causes[i].message);
}

#define POD(spec)          "{\"metadata\":{\"name\":\"p\"},\"spec\":" spec "}"
#define C1                 "{\"containers\":[{\"name\":\"a\",\"image\":\"nginx\"}]}"
#define TMPL(labels, spec) "\"template\":{\"metadata\":{\"labels\":" labels "},\"spec\":" spec "}"
#define SEL(labels)        "\"selector\":{\"matchLabels\":" labels "}"
#define APP_X              "{\"app\":\"x\"}"

/* --- defaults --- */

static const struct {
    const char *plural, *body, *path, *want;
} defaults[] = {
    {"pods", POD(C1), "spec.restartPolicy", "\"Always\""},
    {"pods", POD(C1), "spec.dnsPolicy", "\"ClusterFirst\""},
    {"pods", POD(C1), "spec.schedulerName", "\"default-scheduler\""},
    {"pods", POD(C1), "spec.terminationGracePeriodSeconds", "30"},
    {"pods", POD(C1), "spec.securityContext", "{}"},
    {"pods", POD(C1), "spec.enableServiceLinks", "true"},
    {"pods", POD(C1), "spec.containers[0].terminationMessagePath", "\"/dev/termination-log\""},
    {"pods", POD(C1), "spec.containers[0].terminationMessagePolicy", "\"File\""},
    {"pods", POD(C1), "spec.containers[0].imagePullPolicy", "\"Always\""},
    {"pods", POD(C1), "spec.containers[0].resources", "{}"},
    {"pods", POD(C1), "status", "{\"phase\":\"Pending\",\"qosClass\":\"BestEffort\"}"},
    {"pods", POD(C1), "metadata.generation", "<absent>"},
    {"pods", POD("{\"containers\":[{\"name\":\"a\",\"image\":\"nginx:latest\"}]}"),
     "spec.containers[0].imagePullPolicy", "\"Always\""},
    {"pods", POD("{\"containers\":[{\"name\":\"a\",\"image\":\"nginx:1.27\"}]}"),
     "spec.containers[0].imagePullPolicy", "\"IfNotPresent\""},
    {"pods", POD("{\"containers\":[{\"name\":\"a\",\"image\":\"localhost:5000/nginx\"}]}"),
     "spec.containers[0].imagePullPolicy", "\"Always\""},
    {"pods", POD("{\"containers\":[{\"name\":\"a\",\"image\":\"nginx@sha256:abcd\"}]}"),
     "spec.containers[0].imagePullPolicy", "\"IfNotPresent\""},
    {"pods",
     POD("{\"containers\":[{\"name\":\"a\",\"image\":\"nginx\",\"imagePullPolicy\":"
         "\"Never\"}]}"),
     "spec.containers[0].imagePullPolicy", "\"Never\""},
    {"pods",
     POD("{\"containers\":[{\"name\":\"a\",\"image\":\"x\",\"ports\":[{\"containerPort\":80}"
         "]}]}"),
     "spec.containers[0].ports[0]", "{\"containerPort\":80,\"protocol\":\"TCP\"}"},
    {"pods", POD("{\"restartPolicy\":\"Never\",\"containers\":[{\"name\":\"a\",\"image\":\"x\"}]}"),
     "spec.restartPolicy", "\"Never\""},
    {"pods",
     POD("{\"volumes\":[{\"name\":\"v\"},{\"name\":\"c\",\"configMap\":{\"name\":\"m\"}}],"
         "\"containers\":[{\"name\":\"a\",\"image\":\"x\"}]}"),
     "spec.volumes",
     "[{\"name\":\"v\",\"emptyDir\":{}},{\"name\":\"c\",\"configMap\":{\"name\":"
     "\"m\",\"defaultMode\":420}}]"},
    {"pods",
     POD("{\"containers\":[{\"name\":\"a\",\"image\":\"x\",\"readinessProbe\":{\"httpGet\":"
         "{\"port\":80}}}]}"),
     "spec.containers[0].readinessProbe",
     "{\"httpGet\":{\"port\":80,\"path\":\"/\",\"scheme\":\"HTTP\"},\"timeoutSeconds\":1,"
     "\"periodSeconds\":10,\"successThreshold\":1,\"failureThreshold\":3}"},
    {"pods",
     POD("{\"containers\":[{\"name\":\"a\",\"image\":\"x\",\"resources\":{\"limits\":{"
         "\"cpu\":\"1\",\"memory\":\"1Gi\"}}}]}"),
     "spec.containers[0].resources.requests", "{\"cpu\":\"1\",\"memory\":\"1Gi\"}"},
    {"pods",
     POD("{\"containers\":[{\"name\":\"a\",\"image\":\"x\",\"resources\":{\"limits\":{"
         "\"cpu\":\"1\",\"memory\":\"1Gi\"}}}]}"),
     "status.qosClass", "\"Guaranteed\""},
    {"pods",
     POD("{\"containers\":[{\"name\":\"a\",\"image\":\"x\",\"resources\":{\"limits\":{"
         "\"cpu\":\"1\",\"memory\":\"1Gi\"},\"requests\":{\"cpu\":\"1000m\"}}}]}"),
     "status.qosClass", "\"Guaranteed\""},
    {"pods",
     POD("{\"containers\":[{\"name\":\"a\",\"image\":\"x\",\"resources\":{\"limits\":{"
         "\"cpu\":\"1\",\"memory\":\"1Gi\"},\"requests\":{\"cpu\":\"500m\"}}}]}"),
     "status.qosClass", "\"Burstable\""},
    {"pods",
     POD("{\"containers\":[{\"name\":\"a\",\"image\":\"x\",\"resources\":{\"requests\":{"
         "\"memory\":\"64Mi\"}}},{\"name\":\"b\",\"image\":\"y\"}]}"),
     "status.qosClass", "\"Burstable\""},
    {"pods",
     POD("{\"containers\":[{\"name\":\"a\",\"image\":\"x\",\"resources\":{\"limits\":{"
         "\"cpu\":\"1\",\"memory\":\"1Gi\"}}},{\"name\":\"b\",\"image\":\"y\"}]}"),
     "status.qosClass", "\"Burstable\""},
    {"pods",
     POD("{\"schedulingGates\":[{\"name\":\"g\"}],\"containers\":[{\"name\":\"a\","
         "\"image\":\"x\"}]}"),
     "status.conditions[0].reason", "\"SchedulingGated\""},
    {"pods",
     POD("{\"hostNetwork\":true,\"containers\":[{\"name\":\"a\",\"image\":\"x\","
         "\"ports\":[{\"containerPort\":8080}]}]}"),
     "spec.containers[0].ports[0].hostPort", "8080"},
    {"podtemplates", "{\"metadata\":{\"name\":\"t\"},\"template\":{\"spec\":" C1 "}}", "template",
     "{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"nginx\","
     "\"imagePullPolicy\":\"Always\",\"terminationMessagePath\":\"/dev/"
     "termination-log\",\"terminationMessagePolicy\":\"File\",\"resources\":{}}],"
     "\"dnsPolicy\":\"ClusterFirst\",\"restartPolicy\":\"Always\",\"schedulerName\":"
     "\"default-scheduler\",\"securityContext\":{},\"terminationGracePeriodSeconds\":"
     "30},\"metadata\":{\"creationTimestamp\":null}}"},
    {"replicationcontrollers", "{\"metadata\":{\"name\":\"r\"},\"spec\":{" TMPL(APP_X, C1) "}}",
     "spec.selector", APP_X},
    {"replicationcontrollers", "{\"metadata\":{\"name\":\"r\"},\"spec\":{" TMPL(APP_X, C1) "}}",
     "metadata.labels", APP_X},
    {"replicationcontrollers", "{\"metadata\":{\"name\":\"r\"},\"spec\":{" TMPL(APP_X, C1) "}}",
     "spec.replicas", "1"},
    {"replicationcontrollers", "{\"metadata\":{\"name\":\"r\"},\"spec\":{" TMPL(APP_X, C1) "}}",
     "status", "{\"replicas\":0}"},
    {"deployments", "{\"spec\":{\"template\":{\"spec\":" C1 "}}}", "spec.replicas", "1"},
    {"deployments", "{\"spec\":{\"template\":{\"spec\":" C1 "}}}", "spec.strategy",
     "{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":\"25%\",\"maxSurge\":"
     "\"25%\"}}"},
    {"deployments", "{\"spec\":{\"strategy\":{\"type\":\"Recreate\"}}}", "spec.strategy",
     "{\"type\":\"Recreate\"}"},
    {"deployments", "{\"spec\":{\"strategy\":{\"rollingUpdate\":{\"maxSurge\":1}}}}",
     "spec.strategy.rollingUpdate", "{\"maxSurge\":1,\"maxUnavailable\":\"25%\"}"},
    {"deployments", "{\"spec\":{}}", "spec.revisionHistoryLimit", "10"},
    {"deployments", "{\"spec\":{}}", "spec.progressDeadlineSeconds", "600"},
    {"deployments", "{\"spec\":{\"template\":{\"spec\":" C1 "}}}",
     "spec.template.spec.containers[0].imagePullPolicy", "\"Always\""},
    {"deployments", "{\"spec\":{\"template\":{\"spec\":" C1 "}}}",
     "spec.template.spec.enableServiceLinks", "<absent>"},
    {"deployments", "{\"spec\":{},\"status\":{\"replicas\":3}}", "status", "{}"},
    {"replicasets", "{\"spec\":{}}", "spec.replicas", "1"},
    {"replicasets", "{\"spec\":{},\"status\":{\"readyReplicas\":3}}", "status", "{\"replicas\":0}"},
    {"statefulsets", "{\"spec\":{}}", "spec.replicas", "1"},
    {"statefulsets", "{\"spec\":{}}", "spec.podManagementPolicy", "\"OrderedReady\""},
    {"statefulsets", "{\"spec\":{}}", "spec.updateStrategy",
     "{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"partition\":0}}"},
    {"statefulsets", "{\"spec\":{}}", "spec.revisionHistoryLimit", "10"},
    {"statefulsets", "{\"spec\":{}}", "spec.persistentVolumeClaimRetentionPolicy",
     "{\"whenDeleted\":\"Retain\",\"whenScaled\":\"Retain\"}"},
    {"statefulsets", "{\"spec\":{}}", "status", "{\"replicas\":0,\"availableReplicas\":0}"},
    {"statefulsets",
     "{\"spec\":{\"volumeClaimTemplates\":[{\"metadata\":{\"name\":\"d\"},\"spec\":{}}]}}",
     "spec.volumeClaimTemplates[0]",
     "{\"metadata\":{\"name\":\"d\",\"creationTimestamp\":null},\"spec\":{\"volumeMode\":"
     "\"Filesystem\"},\"apiVersion\":\"v1\",\"kind\":\"PersistentVolumeClaim\",\"status\":{"
     "\"phase\":\"Pending\"}}"},
    {"daemonsets", "{\"spec\":{}}", "spec.updateStrategy",
     "{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":1,\"maxSurge\":0}}"},
    {"daemonsets", "{\"spec\":{}}", "spec.revisionHistoryLimit", "10"},
    {"daemonsets", "{\"spec\":{}}", "status",
     "{\"currentNumberScheduled\":0,\"numberMisscheduled\":0,\"desiredNumberScheduled\":0,"
     "\"numberReady\":0}"},
};

START_TEST(defaults_applied)
{
    const struct resource *r = find(defaults[_i].plural);
    struct json_object *obj = created(r, defaults[_i].body);

    ck_assert_msg(strcmp(text(at(obj, defaults[_i].path)), defaults[_i].want) == 0,
                  "%s %s: got %s, want %s", defaults[_i].plural, defaults[_i].path,
                  text(at(obj, defaults[_i].path)), defaults[_i].want);
    json_object_put(obj);
}
END_TEST

START_TEST(defaults_idempotent)
{
    const struct resource *r = find(defaults[_i].plural);
    struct json_object *once = created(r, defaults[_i].body), *twice = NULL;

    ck_assert_int_eq(json_object_deep_copy(once, &twice, NULL), 0);
    r->strategy->defaults(twice);
    ck_assert_msg(json_object_equal(once, twice), "%s: %s", defaults[_i].plural, text(twice));
    json_object_put(once);
    json_object_put(twice);
}
END_TEST

/* --- validation --- */

#define DEPLOY(spec) "{\"metadata\":{\"name\":\"d\"},\"spec\":{" spec "}}"
#define GOOD_DEPLOY  DEPLOY(SEL(APP_X) "," TMPL(APP_X, C1))

static const struct {
    const char *plural, *body, *old, *want; /* want: "" when valid */
} checks[] = {
    {"pods", POD(C1), NULL, ""},
    {"pods", POD("{\"containers\":[]}"), NULL, "spec.containers: Required value"},
    {"pods", POD("{}"), NULL, "spec.containers: Required value"},
    {"pods", POD("{\"containers\":[{\"name\":\"a\"}]}"), NULL,
     "spec.containers[0].image: Required value"},
    {"pods", POD("{\"containers\":[{\"image\":\"x\"}]}"), NULL,
     "spec.containers[0].name: Required value"},
    {"pods",
     POD("{\"containers\":[{\"name\":\"a\",\"image\":\"x\"},{\"name\":\"a\",\"image\":"
         "\"y\"}]}"),
     NULL, "spec.containers[1].name: Duplicate value: \"a\""},
    {"pods", POD("{\"containers\":[{\"name\":\"A_b\",\"image\":\"x\"}]}"), NULL,
     "spec.containers[0].name: Invalid value: \"A_b\": a lowercase RFC 1123 label must consist "
     "of lower case alphanumeric characters or '-', and must start and end with an alphanumeric "
     "character (e.g. 'my-name',  or '123-abc', regex used for validation is "
     "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"},
    {"pods",
     POD("{\"initContainers\":[{\"name\":\"a\",\"image\":\"x\"}],\"containers\":[{"
         "\"name\":\"a\",\"image\":\"x\"}]}"),
     NULL, "spec.initContainers[0].name: Duplicate value: \"a\""},
    {"pods",
     POD("{\"restartPolicy\":\"Sometimes\",\"containers\":[{\"name\":\"a\",\"image\":"
         "\"x\"}]}"),
     NULL,
     "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", "
     "\"OnFailure\", \"Never\""},
    {"pods", POD("{\"dnsPolicy\":\"None\",\"containers\":[{\"name\":\"a\",\"image\":\"x\"}]}"),
     NULL, "spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None"},
    {"pods",
     POD("{\"containers\":[{\"name\":\"a\",\"image\":\"x\",\"imagePullPolicy\":\"Often\""
         "}]}"),
     NULL,
     "spec.containers[0].imagePullPolicy: Unsupported value: \"Often\": supported values: "
     "\"Always\", \"IfNotPresent\", \"Never\""},
    {"pods",
     POD("{\"containers\":[{\"name\":\"a\",\"image\":\"x\",\"ports\":[{\"containerPort\":"
         "70000},{\"containerPort\":80,\"protocol\":\"ICMP\"},{\"name\":\"http\","
         "\"containerPort\":81},{\"name\":\"http\",\"containerPort\":82}]}]}"),
     NULL,
     "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and "
     "65535, inclusive | spec.containers[0].ports[1].protocol: Unsupported value: \"ICMP\": "
     "supported values: \"SCTP\", \"TCP\", \"UDP\" | spec.containers[0].ports[3].name: Duplicate "
     "value: \"http\""},
    {"pods",
     POD("{\"containers\":[{\"name\":\"a\",\"image\":\"x\",\"ports\":[{\"name\":"
         "\"Web-Port-Number-1\",\"containerPort\":80}]}]}"),
     NULL,
     "spec.containers[0].ports[0].name: Invalid value: \"Web-Port-Number-1\": must be no more "
     "than 15 characters | spec.containers[0].ports[0].name: Invalid value: "
     "\"Web-Port-Number-1\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens "
     "(-)"},
    {"pods",
     POD("{\"containers\":[{\"name\":\"a\",\"image\":\"x\",\"volumeMounts\":[{\"name\":"
         "\"data\",\"mountPath\":\"/d\"}]}]}"),
     NULL, "spec.containers[0].volumeMounts[0].name: Not found: \"data\""},
    {"pods",
     POD("{\"volumes\":[{\"name\":\"v\",\"emptyDir\":{},\"hostPath\":{\"path\":\"/x\"}}],"
         "\"containers\":[{\"name\":\"a\",\"image\":\"x\",\"volumeMounts\":[{\"name\":"
         "\"v\",\"mountPath\":\"/d\"}]}]}"),
     NULL,
     "spec.volumes[0].emptyDir: Forbidden: may not specify more than 1 volume type | "
     "spec.containers[0].volumeMounts[0].name: Not found: \"v\""},
    {"pods",
     POD("{\"volumes\":[{\"name\":\"s\",\"secret\":{}},{\"name\":\"t\",\"secret\":{"
         "\"secretName\":\"x\"}},{\"name\":\"t\"}],\"containers\":[{\"name\":\"a\","
         "\"image\":\"x\"}]}"),
     NULL,
     "spec.volumes[0].secret.secretName: Required value | spec.volumes[2].name: Duplicate "
     "value: \"t\""},
    {"pods",
     POD("{\"containers\":[{\"name\":\"a\",\"image\":\"x\",\"resources\":{\"limits\":{"
         "\"cpu\":\"1\"},\"requests\":{\"cpu\":\"2\"}}}]}"),
     NULL,
     "spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or equal "
     "to cpu limit of 1"},
    {"pods", POD("{\"containers\":[{\"name\":\"a\",\"image\":\"x\",\"env\":[{\"value\":\"v\"}]}]}"),
     NULL,
     "spec.containers[0].env[0].name: Required value | spec.containers[0].env[0].name: Invalid "
     "value: \"\": environment variable name must be non-empty"},
    {"pods", POD("{\"activeDeadlineSeconds\":0,\"containers\":[{\"name\":\"a\",\"image\":\"x\"}]}"),
     NULL,
     "spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, "
     "inclusive"},
    {"pods",
     POD("{\"containers\":[{\"name\":\"a\",\"image\":\"nginx:2\",\"imagePullPolicy\":"
         "\"Always\"}]}"),
     POD(C1), ""},
    /* a PUT without imagePullPolicy defaults it anew, by the new tag: kube refuses that too */
    {"pods", POD("{\"containers\":[{\"name\":\"a\",\"image\":\"nginx:2\"}]}"), POD(C1),
     "spec: Forbidden: pod updates may not change fields other than "
     "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"
     "`spec.tolerations` (only additions to existing tolerations),"
     "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously "
     "negative)"},
    {"pods",
     POD("{\"containers\":[{\"name\":\"a\",\"image\":\"nginx\"}],\"tolerations\":[{"
         "\"key\":\"k\",\"operator\":\"Exists\"}]}"),
     POD(C1), ""},
    {"pods",
     POD("{\"containers\":[{\"name\":\"a\",\"image\":\"nginx\",\"ports\":[{"
         "\"containerPort\":80}]}]}"),
     POD(C1),
     "spec: Forbidden: pod updates may not change fields other than "
     "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"
     "`spec.tolerations` (only additions to existing tolerations),"
     "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously "
     "negative)"},
    {"pods", POD("{\"containers\":[{\"name\":\"a\",\"image\":\"nginx\"}]}"),
     POD("{\"activeDeadlineSeconds\":10,\"containers\":[{\"name\":\"a\",\"image\":\"nginx\"}]}"),
     "spec.activeDeadlineSeconds: Invalid value: null: must not update from a positive integer "
     "to nil value"},
    {"podtemplates", "{\"template\":{\"spec\":{\"containers\":[{\"name\":\"a\"}]}}}", NULL,
     "template.spec.containers[0].image: Required value"},
    {"deployments", GOOD_DEPLOY, NULL, ""},
    {"deployments", DEPLOY("\"replicas\":-1," SEL(APP_X) "," TMPL(APP_X, C1)), NULL,
     "spec.replicas: Invalid value: -1: must be greater than or equal to 0"},
    {"deployments", DEPLOY(TMPL(APP_X, C1)), NULL,
     "spec.selector: Required value | spec.template.metadata.labels: Invalid value: "
     "map[string]string{\"app\":\"x\"}: `selector` does not match template `labels`"},
    {"deployments", DEPLOY(SEL("{\"app\":\"y\"}") "," TMPL("{\"app\":\"x\",\"b\":\"c\"}", C1)),
     NULL,
     "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"x\", "
     "\"b\":\"c\"}: `selector` does not match template `labels`"},
    {"deployments", DEPLOY("\"selector\":{}," TMPL(APP_X, C1)), NULL,
     "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
     "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for "
     "deployment"},
    {"deployments",
     DEPLOY(SEL(APP_X) "," TMPL(APP_X, "{\"restartPolicy\":\"Never\",\"containers\":[{\"name\":"
                                       "\"a\",\"image\":\"x\"}]}")),
     NULL,
     "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: "
     "\"Always\""},
    {"deployments",
     DEPLOY(SEL(APP_X) "," TMPL(APP_X, "{\"activeDeadlineSeconds\":5,\"containers\":[{\"name\":"
                                       "\"a\",\"image\":\"x\"}]}")),
     NULL,
     "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet "
     "is not Supported"},
    {"deployments",
     DEPLOY(SEL(APP_X) "," TMPL(APP_X, C1) ",\"strategy\":{\"type\":\"RollingUpdate\","
                                           "\"rollingUpdate\":{\"maxSurge\":0,"
                                           "\"maxUnavailable\":\"0%\"}}"),
     NULL,
     "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, "
     "IntVal:0, StrVal:\"0%\"}: may not be 0 when `maxSurge` is 0"},
    {"deployments",
     DEPLOY(SEL(APP_X) "," TMPL(APP_X, C1) ",\"strategy\":{\"rollingUpdate\":{\"maxSurge\":"
                                           "\"x\",\"maxUnavailable\":\"120%\"}}"),
     NULL,
     "spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, "
     "StrVal:\"x\"}: a valid percent string must be a numeric string followed by an ending '%' "
     "(e.g. '1%',  or '93%', regex used for validation is '[0-9]+%') | "
     "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, "
     "IntVal:0, StrVal:\"120%\"}: must not be greater than 100%"},
    {"deployments",
     DEPLOY(SEL(APP_X) "," TMPL(APP_X, C1) ",\"strategy\":{\"type\":\"Recreate\","
                                           "\"rollingUpdate\":{}}"),
     NULL,
     "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is "
     "'Recreate'"},
    {"deployments", DEPLOY(SEL(APP_X) "," TMPL(APP_X, C1) ",\"minReadySeconds\":700"), NULL,
     "spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds"},
    {"deployments", DEPLOY(SEL(APP_X) "," TMPL(APP_X, "{\"containers\":[{\"name\":\"a\"}]}")), NULL,
     "spec.template.spec.containers[0].image: Required value"},
    {"deployments",
     DEPLOY("\"selector\":{\"matchExpressions\":[{\"key\":\"app\",\"operator\":\"In\"}]}," TMPL(
         APP_X, C1)),
     NULL,
     "spec.selector.matchExpressions[0].values: Required value: must be specified when "
     "`operator` is 'In' or 'NotIn' | spec.selector: Invalid value: "
     "v1.LabelSelector{MatchLabels:map[string]string(nil), "
     "MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:\"app\", "
     "Operator:\"In\", Values:[]string(nil)}}}: invalid label selector"},
    {"deployments", DEPLOY(SEL("{\"app\":\"y\"}") "," TMPL("{\"app\":\"y\"}", C1)), GOOD_DEPLOY,
     "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":"
     "\"y\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"},
    {"deployments", DEPLOY("\"replicas\":5," SEL(APP_X) "," TMPL(APP_X, C1)), GOOD_DEPLOY, ""},
    {"replicasets",
     DEPLOY(SEL("{\"app.kubernetes.io/name\":\"x\"}") "," TMPL("{\"app.kubernetes.io/name\":\"x\"}",
                                                               C1)),
     NULL, ""},
    {"replicasets", GOOD_DEPLOY, NULL, ""},
    {"replicasets", DEPLOY("\"selector\":{}," TMPL(APP_X, C1)), NULL,
     "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
     "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for "
     "deployment"},
    {"replicasets", DEPLOY(SEL("{\"app\":\"y\"}") "," TMPL("{\"app\":\"y\"}", C1)), GOOD_DEPLOY,
     "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":"
     "\"y\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"},
    {"statefulsets", DEPLOY("\"serviceName\":\"s\"," SEL(APP_X) "," TMPL(APP_X, C1)), NULL, ""},
    {"statefulsets", DEPLOY("\"podManagementPolicy\":\"Random\"," SEL(APP_X) "," TMPL(APP_X, C1)),
     NULL,
     "spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or "
     "'Parallel'"},
    {"statefulsets", DEPLOY("\"selector\":{}," TMPL(APP_X, C1)), NULL,
     "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
     "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for "
     "statefulset"},
    {"statefulsets",
     DEPLOY(SEL(APP_X) "," TMPL(APP_X, "{\"containers\":[{\"name\":\"a\",\"image\":\"x\","
                                       "\"volumeMounts\":[{\"name\":\"data\",\"mountPath\":"
                                       "\"/d\"}]}]}") ",\"volumeClaimTemplates\":[{"
                                                      "\"metadata\":{\"name\":\"data\"}}]"),
     NULL, ""},
    {"statefulsets", DEPLOY("\"serviceName\":\"t\"," SEL(APP_X) "," TMPL(APP_X, C1)),
     DEPLOY("\"serviceName\":\"s\"," SEL(APP_X) "," TMPL(APP_X, C1)),
     "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', "
     "'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', "
     "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"},
    {"statefulsets",
     DEPLOY("\"replicas\":3,\"serviceName\":\"s\"," SEL(APP_X) "," TMPL(
         APP_X, "{\"containers\":[{\"name\":\"a\",\"image\":\"nginx:2\"}]}")),
     DEPLOY("\"serviceName\":\"s\"," SEL(APP_X) "," TMPL(APP_X, C1)), ""},
    {"daemonsets", GOOD_DEPLOY, NULL, ""},
    {"daemonsets", DEPLOY(TMPL(APP_X, C1)), NULL,
     "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"x\"}: "
     "`selector` does not match template `labels`"},
    {"daemonsets",
     DEPLOY(SEL(APP_X) "," TMPL(APP_X, "{\"activeDeadlineSeconds\":5,\"containers\":[{\"name\":"
                                       "\"a\",\"image\":\"x\"}]}")),
     NULL,
     "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in DaemonSet "
     "is not Supported"},
    {"daemonsets",
     DEPLOY(SEL(APP_X) "," TMPL(APP_X, C1) ",\"updateStrategy\":{\"type\":\"Sometimes\"}"), NULL,
     "spec.updateStrategy.type: Unsupported value: \"Sometimes\": supported values: "
     "\"OnDelete\", \"RollingUpdate\""},
    {"daemonsets", DEPLOY(SEL("{\"app\":\"y\"}") "," TMPL("{\"app\":\"y\"}", C1)), GOOD_DEPLOY,
     "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":"
     "\"y\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"},
    {"replicationcontrollers", "{\"spec\":{\"replicas\":-2," TMPL(APP_X, C1) "}}", NULL,
     "spec.replicas: Invalid value: -2: must be greater than or equal to 0"},
    {"replicationcontrollers", "{\"spec\":{}}", NULL,
     "spec.selector: Required value | spec.template: Required value"},
    {"replicationcontrollers", "{\"spec\":{\"selector\":{\"app\":\"y\"}," TMPL(APP_X, C1) "}}",
     NULL,
     "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"x\"}: "
     "`selector` does not match template `labels`"},
    {"controllerrevisions", "{\"revision\":-1}", NULL,
     "revision: Invalid value: -1: must be greater than or equal to 0"},
};

START_TEST(validation_causes)
{
    const struct resource *r = find(checks[_i].plural);
    struct json_object *obj = parse(checks[_i].body), *old = NULL;
    struct apierr err = {0};
    char got[4096];
    int rc;

    if (checks[_i].old) {
        old = created(r, checks[_i].old);
        r->strategy->defaults(obj);
        rc = r->strategy->validate_update(obj, old, &err);
    } else {
        if (r->strategy->defaults)
            r->strategy->defaults(obj);
        rc = r->strategy->validate_create(obj, &err);
    }
    causes(&err, got, sizeof(got));
    ck_assert_msg(strcmp(got, checks[_i].want) == 0, "%s #%d:\n got: %s\nwant: %s",
                  checks[_i].plural, _i, got, checks[_i].want);
    ck_assert_int_eq(rc, checks[_i].want[0] ? -1 : 0);
    ck_assert_int_eq(err.reason, checks[_i].want[0] ? APIERR_INVALID : APIERR_OK);
    json_object_put(obj);
    json_object_put(old);
}
END_TEST

/* --- tables --- */

#define RUNNING_POD                                                                                \
    "{\"metadata\":{\"name\":\"web\"},\"spec\":{\"nodeName\":\"n1\",\"containers\":[{\"name\":"    \
    "\"a\",\"image\":\"x\"},{\"name\":\"b\",\"image\":\"y\"}]},\"status\":{\"phase\":\"Running\"," \
    "\"podIPs\":[{\"ip\":\"10.0.0.5\"}],\"containerStatuses\":[{\"name\":\"a\",\"ready\":true,"    \
    "\"restartCount\":2,\"state\":{\"running\":{}}},{\"name\":\"b\",\"ready\":false,"              \
    "\"restartCount\":1,\"state\":{\"waiting\":{\"reason\":\"CrashLoopBackOff\"}}}]}}"

static const struct {
    const char *plural, *body, *want;
} rows[] = {
    {"pods", "{\"metadata\":{\"name\":\"p\"},\"spec\":" C1 ",\"status\":{\"phase\":\"Pending\"}}",
     "\"p\"|\"0/1\"|\"Pending\"|\"0\"|\"<unknown>\"|\"<none>\"|\"<none>\"|"
     "\"<none>\"|\"<none>\""},
    {"pods", RUNNING_POD,
     "\"web\"|\"1/2\"|\"CrashLoopBackOff\"|\"3\"|\"<unknown>\"|"
     "\"10.0.0.5\"|\"n1\"|\"<none>\"|\"<none>\""},
    {"pods",
     "{\"metadata\":{\"name\":\"t\",\"deletionTimestamp\":\"2024-01-01T00:00:00Z\"},\"spec\":{"
     "\"readinessGates\":[{\"conditionType\":\"x\"}],\"containers\":[]},\"status\":{\"phase\":"
     "\"Running\",\"conditions\":[{\"type\":\"x\",\"status\":\"True\"}]}}",
     "\"t\"|\"0/0\"|\"Terminating\"|\"0\"|\"<unknown>\"|\"<none>\"|\"<none>\"|\"<none>\"|"
     "\"1/1\""},
    {"pods",
     "{\"metadata\":{\"name\":\"i\"},\"spec\":{\"initContainers\":[{\"name\":\"i1\"},{\"name\":"
     "\"i2\"}],\"containers\":[{\"name\":\"a\"}]},\"status\":{\"phase\":\"Pending\","
     "\"initContainerStatuses\":[{\"name\":\"i1\",\"state\":{\"terminated\":{\"exitCode\":0}}},{"
     "\"name\":\"i2\",\"state\":{\"running\":{}}}]}}",
     "\"i\"|\"0/1\"|\"Init:1/2\"|\"0\"|\"<unknown>\"|\"<none>\"|\"<none>\"|\"<none>\"|"
     "\"<none>\""},
    {"pods",
     "{\"metadata\":{\"name\":\"c\"},\"spec\":{\"containers\":[{\"name\":\"a\"}]},\"status\":{"
     "\"phase\":\"Failed\",\"containerStatuses\":[{\"name\":\"a\",\"state\":{\"terminated\":{"
     "\"exitCode\":137,\"signal\":9}}}]}}",
     "\"c\"|\"0/1\"|\"Signal:9\"|\"0\"|\"<unknown>\"|\"<none>\"|\"<none>\"|\"<none>\"|"
     "\"<none>\""},
    {"deployments",
     "{\"metadata\":{\"name\":\"web\"},\"spec\":{\"replicas\":3,\"selector\":{\"matchLabels\":{"
     "\"tier\":\"f\",\"app\":\"web\"},\"matchExpressions\":[{\"key\":\"env\",\"operator\":"
     "\"NotIn\",\"values\":[\"qa\",\"dev\"]}]},\"template\":{\"spec\":{\"containers\":[{\"name\":"
     "\"a\",\"image\":\"nginx\"},{\"name\":\"b\",\"image\":\"redis:7\"}]}}},\"status\":{"
     "\"readyReplicas\":2,\"updatedReplicas\":3,\"availableReplicas\":1}}",
     "\"web\"|\"2/3\"|3|1|\"<unknown>\"|\"a,b\"|\"nginx,redis:7\"|\"app=web,env notin "
     "(dev,qa),tier=f\""},
    {"deployments", "{\"metadata\":{\"name\":\"e\"},\"spec\":{}}",
     "\"e\"|\"0/0\"|0|0|\"<unknown>\"|\"\"|\"\"|\"\""},
    {"replicasets",
     "{\"metadata\":{\"name\":\"rs\"},\"spec\":{\"replicas\":2,\"selector\":{\"matchLabels\":{"
     "\"app\":\"x\"}},\"template\":{\"spec\":" C1 "}},\"status\":{\"replicas\":2,"
     "\"readyReplicas\":1}}",
     "\"rs\"|2|2|1|\"<unknown>\"|\"a\"|\"nginx\"|\"app=x\""},
    {"replicasets", "{\"metadata\":{\"name\":\"rs\"},\"spec\":{}}",
     "\"rs\"|0|0|0|\"<unknown>\"|\"\"|\"\"|\"<none>\""},
    {"statefulsets",
     "{\"metadata\":{\"name\":\"db\"},\"spec\":{\"replicas\":3,\"template\":{\"spec\":" C1 "}},"
     "\"status\":{\"readyReplicas\":1}}",
     "\"db\"|\"1/3\"|\"<unknown>\"|\"a\"|\"nginx\""},
    {"daemonsets",
     "{\"metadata\":{\"name\":\"ds\"},\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"x\"}},"
     "\"template\":{\"spec\":{\"nodeSelector\":{\"os\":\"linux\",\"a\":\"b\"},\"containers\":[{"
     "\"name\":\"a\",\"image\":\"nginx\"}]}}},\"status\":{\"desiredNumberScheduled\":4,"
     "\"currentNumberScheduled\":3,\"numberReady\":2,\"updatedNumberScheduled\":1}}",
     "\"ds\"|4|3|2|1|0|\"a=b,os=linux\"|\"<unknown>\"|\"a\"|\"nginx\"|\"app=x\""},
    {"daemonsets",
     "{\"metadata\":{\"name\":\"dots\"},\"spec\":{\"selector\":{\"matchLabels\":{"
     "\"app.kubernetes.io/name\":\"x\"}},\"template\":{\"spec\":{\"nodeSelector\":{"
     "\"kubernetes.io/os\":\"linux\"}}}}}",
     "\"dots\"|0|0|0|0|0|\"kubernetes.io/os=linux\"|\"<unknown>\"|\"\"|\"\"|"
     "\"app.kubernetes.io/name=x\""},
    {"replicationcontrollers",
     "{\"metadata\":{\"name\":\"rc\"},\"spec\":{\"replicas\":2,\"selector\":{\"app\":\"x\"},"
     "\"template\":{\"spec\":" C1 "}}}",
     "\"rc\"|2|0|0|\"<unknown>\"|\"a\"|\"nginx\"|\"app=x\""},
    {"podtemplates",
     "{\"metadata\":{\"name\":\"pt\"},\"template\":{\"metadata\":{\"labels\":{\"app\":\"x\"}},"
     "\"spec\":" C1 "}}",
     "\"pt\"|\"a\"|\"nginx\"|\"app=x\""},
    {"controllerrevisions",
     "{\"metadata\":{\"name\":\"web-1\",\"ownerReferences\":[{\"apiVersion\":\"apps/v1\","
     "\"kind\":\"StatefulSet\",\"name\":\"web\",\"controller\":true}]},\"revision\":2}",
     "\"web-1\"|\"statefulset.apps/web\"|2|\"<unknown>\""},
    {"controllerrevisions", "{\"metadata\":{\"name\":\"r\"},\"revision\":1}",
     "\"r\"|\"<none>\"|1|\"<unknown>\""},
};

START_TEST(table_rows)
{
    const struct resource *r = find(rows[_i].plural);
    struct json_object *obj = parse(rows[_i].body), *cells;
    const struct table_column *c;
    char got[2048];
    size_t i, len = 0, ncols = 0;

    cells = table_cells(r, obj);
    for (c = r->columns; c->name; c++)
        ncols++;
    ck_assert_uint_eq(json_object_array_length(cells), ncols);
    got[0] = '\0';
    for (i = 0; i < json_object_array_length(cells); i++)
        len += (size_t)snprintf(got + len, sizeof(got) - len, "%s%s", i ? "|" : "",
                                text(json_object_array_get_idx(cells, i)));
    ck_assert_msg(strcmp(got, rows[_i].want) == 0, "%s:\n got: %s\nwant: %s", rows[_i].plural, got,
                  rows[_i].want);
    json_object_put(cells);
    json_object_put(obj);
}
END_TEST

static const struct {
    const char *plural, *columns;
} headers[] = {
    {"pods", "Name,Ready,Status,Restarts,Age,IP*,Node*,Nominated Node*,Readiness Gates*"},
    {"deployments", "Name,Ready,Up-to-date,Available,Age,Containers*,Images*,Selector*"},
    {"replicasets", "Name,Desired,Current,Ready,Age,Containers*,Images*,Selector*"},
    {"statefulsets", "Name,Ready,Age,Containers*,Images*"},
    {"daemonsets", "Name,Desired,Current,Ready,Up-to-date,Available,Node Selector,Age,"
                   "Containers*,Images*,Selector*"},
    {"replicationcontrollers", "Name,Desired,Current,Ready,Age,Containers*,Images*,Selector*"},
    {"podtemplates", "Name,Containers,Images,Pod Labels"},
    {"controllerrevisions", "Name,Controller,Revision,Age"},
};

/* Column names and which are wide-only (marked *), as kubectl prints them upper-cased. */
START_TEST(table_headers)
{
    const struct resource *r = find(headers[_i].plural);
    const struct table_column *c;
    char got[512];
    size_t len = 0;

    got[0] = '\0';
    for (c = r->columns; c->name; c++)
        len += (size_t)snprintf(got + len, sizeof(got) - len, "%s%s%s", c == r->columns ? "" : ",",
                                c->name, c->priority ? "*" : "");
    ck_assert_str_eq(got, headers[_i].columns);
}
END_TEST

/* --- resource rows and fields --- */

static const struct {
    const char *plural, *kind, *short_name;
    unsigned flags;
    bool all;
} resources[] = {
    {"pods", "Pod", "po", RES_NAMESPACED | RES_STATUS | RES_RETURN_DELETED, true},
    {"podtemplates", "PodTemplate", NULL, RES_NAMESPACED, false},
    {"replicationcontrollers", "ReplicationController", "rc",
     RES_NAMESPACED | RES_STATUS | RES_SCALE | RES_GENERATION, true},
    {"deployments", "Deployment", "deploy",
     RES_NAMESPACED | RES_STATUS | RES_SCALE | RES_GENERATION, true},
    {"replicasets", "ReplicaSet", "rs", RES_NAMESPACED | RES_STATUS | RES_SCALE | RES_GENERATION,
     true},
    {"statefulsets", "StatefulSet", "sts", RES_NAMESPACED | RES_STATUS | RES_SCALE | RES_GENERATION,
     true},
    {"daemonsets", "DaemonSet", "ds", RES_NAMESPACED | RES_STATUS | RES_GENERATION, true},
    {"controllerrevisions", "ControllerRevision", NULL, RES_NAMESPACED, false},
};

START_TEST(resource_rows)
{
    const struct resource *r = find(resources[_i].plural);

    ck_assert_str_eq(r->kind, resources[_i].kind);
    if (resources[_i].short_name)
        ck_assert_str_eq(r->short_names[0], resources[_i].short_name);
    else
        ck_assert_ptr_null(r->short_names[0]);
    ck_assert_uint_eq(r->flags, resources[_i].flags);
    ck_assert_uint_eq(r->verbs, VERB_ALL);
    if (resources[_i].all)
        ck_assert_str_eq(r->categories[0], "all");
    else
        ck_assert_ptr_null(r->categories[0]);
}
END_TEST

static const struct {
    const char *plural, *field, *want; /* want NULL: not selectable */
} fields[] = {
    {"pods", "status.phase", "Running"},      {"pods", "spec.nodeName", "n1"},
    {"pods", "spec.restartPolicy", ""},       {"pods", "spec.hostNetwork", "false"},
    {"pods", "status.podIP", "10.0.0.5"},     {"pods", "status.podIPs", ""},
    {"pods", "status.nominatedNodeName", ""}, {"pods", "spec.containers", NULL},
    {"replicasets", "status.replicas", "0"},  {"replicationcontrollers", "status.replicas", "0"},
};

START_TEST(field_values)
{
    const struct resource *r = find(fields[_i].plural);
    struct json_object *obj = parse(RUNNING_POD);
    char buf[64] = "";
    int rc = r->strategy->field_value(obj, fields[_i].field, buf, sizeof(buf));

    ck_assert_int_eq(rc, fields[_i].want ? 0 : -1);
    if (fields[_i].want)
        ck_assert_str_eq(buf, fields[_i].want);
    json_object_put(obj);
}
END_TEST

START_TEST(field_lists)
{
    const struct resource *pods = find("pods");
    size_t n = 0;

    while (pods->fields[n])
        n++;
    ck_assert_uint_eq(n, 9);
    ck_assert_str_eq(find("replicasets")->fields[0], "status.replicas");
    ck_assert_str_eq(find("replicationcontrollers")->fields[0], "status.replicas");
    ck_assert_ptr_null(find("deployments")->fields);
}
END_TEST

static Suite *workloads_suite(void)
{
    Suite *s = suite_create("kube_workloads");
    TCase *tc = tcase_create("workloads");

    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, defaults_applied, 0, N(defaults));
    tcase_add_loop_test(tc, defaults_idempotent, 0, N(defaults));
    tcase_add_loop_test(tc, validation_causes, 0, N(checks));
    tcase_add_loop_test(tc, table_rows, 0, N(rows));
    tcase_add_loop_test(tc, table_headers, 0, N(headers));
    tcase_add_loop_test(tc, resource_rows, 0, N(resources));
    tcase_add_loop_test(tc, field_values, 0, N(fields));
    tcase_add_test(tc, field_lists);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(workloads_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
