/* batch/v1: jobs and cronjobs, with kube 1.32's defaults, generated job selector, validation
 * (pkg/apis/batch/validation) and table rows. Nothing runs them: there is no job controller. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include <json-c/json.h>

#include "generic/apis/meta.h"
#include "generic/endpoints/table.h"
#include "kubeapi/groups_internal.h"
#include "kubeapi/kubeapi_internal.h"

#define JOB_NAME_LABEL        "batch.kubernetes.io/job-name"
#define CONTROLLER_UID_LABEL  "batch.kubernetes.io/controller-uid"
#define LEGACY_JOB_NAME       "job-name"
#define LEGACY_CONTROLLER_UID "controller-uid"
#define CRONJOB_NAME_MAX      52 /* a DNS-1035 label less the 11 characters of a job suffix */

static bool is_true(struct json_object *v)
{
    return json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}

/* --- jobs --- */

static void job_defaults(struct json_object *obj)
{
    struct json_object *spec = kube_default_obj(obj, "spec"), *labels;
    bool indexed_limit;

    if (!spec)
        return;
    if (!obj_get(spec, "completions") && !obj_get(spec, "parallelism"))
        kube_default(spec, "completions", json_object_new_int(1));
    kube_default(spec, "parallelism", json_object_new_int(1));
    indexed_limit = obj_get(spec, "backoffLimitPerIndex") != NULL;
    kube_default(spec, "backoffLimit", json_object_new_int(indexed_limit ? 2147483647 : 6));
    kube_default(spec, "completionMode", json_object_new_string("NonIndexed"));
    kube_default(spec, "suspend", json_object_new_boolean(0));
    kube_default(spec, "podReplacementPolicy",
                 json_object_new_string(obj_get(spec, "podFailurePolicy") ? "Failed"
                                                                          : "TerminatingOrFailed"));
    labels = obj_get(spec, "template.metadata.labels");
    if (json_object_is_type(labels, json_type_object) &&
        kube_len(obj_get(obj, "metadata.labels")) == 0)
        json_object_object_add(meta_ensure(obj), "labels", kube_copy(labels));
    podtemplate_defaults(obj_get(spec, "template"));
}

/* kube's generateSelector: the template gets the job-name and controller-uid labels (new and
 * legacy) unless set, the selector matches the uid. */
static void generate_selector(struct json_object *obj)
{
    static const char *const keys[] = {CONTROLLER_UID_LABEL, JOB_NAME_LABEL, LEGACY_CONTROLLER_UID,
                                       LEGACY_JOB_NAME};
    struct json_object *spec = kube_default_obj(obj, "spec"), *tmpl, *labels, *sel, *ml;
    const char *uid = meta_str(obj, "uid") ?: "", *name = meta_str(obj, "name") ?: "";
    size_t i;

    tmpl = kube_default_obj(spec, "template");
    labels = kube_default_obj(kube_default_obj(tmpl, "metadata"), "labels");
    for (i = 0; labels && i < 4; i++) {
        if (!json_object_object_get_ex(labels, keys[i], NULL))
            json_object_object_add(labels, keys[i], json_object_new_string(i % 2 ? name : uid));
    }
    sel = kube_default_obj(spec, "selector");
    ml = kube_default_obj(sel, "matchLabels");
    if (ml && !json_object_object_get_ex(ml, CONTROLLER_UID_LABEL, NULL))
        json_object_object_add(ml, CONTROLLER_UID_LABEL, json_object_new_string(uid));
}

static void job_prepare_create(struct json_object *obj)
{
    json_object_object_add(obj, "status", json_object_new_object());
    if (!is_true(obj_get(obj, "spec.manualSelector")))
        generate_selector(obj);
}

/* The pod template of a job: kube's pod template rules, and a restartPolicy a job can use. */
static int job_template_validate(struct json_object *tmpl, const char *path, struct apierr *err)
{
    static const char *const policies[] = {"OnFailure", "Never", NULL};
    const char *rp = obj_get_str(tmpl, "spec.restartPolicy") ?: "";
    char f[128];
    int rc = podtemplate_validate(tmpl, path, NULL, err);

    snprintf(f, sizeof(f), "%s.spec.restartPolicy", path);
    if (strcmp(rp, "OnFailure") != 0 && strcmp(rp, "Never") != 0)
        rc = validation_not_supported(err, f, rp, policies);
    return rc;
}

static int nonneg(struct json_object *spec, const char *key, const char *path, struct apierr *err)
{
    char f[128];

    snprintf(f, sizeof(f), "%s.%s", path, key);
    return kube_nonneg(spec, key, f, err);
}

/* kube's validateJobSpec: what jobs and cronjob job templates share. */
static int job_spec_validate(struct json_object *spec, const char *path, struct apierr *err)
{
    static const char *const modes[] = {"NonIndexed", "Indexed", NULL};
    static const char *const fields[] = {"parallelism",
                                         "completions",
                                         "activeDeadlineSeconds",
                                         "backoffLimit",
                                         "ttlSecondsAfterFinished",
                                         NULL};
    const char *mode = obj_get_str(spec, "completionMode");
    char f[128];
    size_t i;
    int rc = 0;

    for (i = 0; fields[i]; i++)
        rc |= nonneg(spec, fields[i], path, err);
    snprintf(f, sizeof(f), "%s.completionMode", path);
    if (mode && strcmp(mode, "NonIndexed") != 0 && strcmp(mode, "Indexed") != 0)
        rc = validation_not_supported(err, f, mode, modes);
    snprintf(f, sizeof(f), "%s.completions", path);
    if (mode && strcmp(mode, "Indexed") == 0 && !obj_get(spec, "completions"))
        rc = validation_required(err, f, "when completion mode is Indexed");
    snprintf(f, sizeof(f), "%s.template", path);
    rc |= job_template_validate(obj_get(spec, "template"), f, err);
    return rc ? -1 : 0;
}

/* A generated selector must select the job's own uid and name (kube's
 * validateGeneratedSelector). */
static int generated_selector_validate(struct json_object *obj, struct apierr *err)
{
    struct json_object *labels = obj_get(obj, "spec.template.metadata.labels"), *want;
    struct json_object *sel = obj_get(obj, "spec.selector");
    const char *uid = meta_str(obj, "uid") ?: "", *name = meta_str(obj, "name") ?: "";
    const char *have = obj_get_str(labels, LEGACY_CONTROLLER_UID);
    char raw[1024], msg[200];
    int rc = 0;

    if (is_true(obj_get(obj, "spec.manualSelector")) || !labels)
        return 0;
    snprintf(msg, sizeof(msg), "must be '%s'", uid);
    if (have && strcmp(have, uid) != 0)
        rc = validation_invalid(err, "spec.template.metadata.labels", have, msg);
    want = json_object_new_object();
    json_object_object_add(want, CONTROLLER_UID_LABEL, json_object_new_string(uid));
    json_object_object_add(want, JOB_NAME_LABEL, json_object_new_string(name));
    json_object_object_add(want, LEGACY_CONTROLLER_UID, json_object_new_string(uid));
    json_object_object_add(want, LEGACY_JOB_NAME, json_object_new_string(name));
    if (sel && !kube_selector_matches(sel, want)) {
        kube_go_selector(sel, raw, sizeof(raw));
        rc = kube_invalid_raw(err, "spec.selector", raw, "`selector` not auto-generated");
    }
    json_object_put(want);
    return rc;
}

static int job_validate(struct json_object *obj, struct apierr *err)
{
    struct json_object *spec = obj_get(obj, "spec"), *sel = obj_get(spec, "selector");
    struct json_object *tmpl = obj_get(spec, "template");
    int rc = job_spec_validate(spec, "spec", err);

    if (!sel)
        rc = validation_required(err, "spec.selector", NULL);
    else if (kube_selector_validate(sel, "spec.selector", err) < 0)
        rc = -1;
    else if (podtemplate_check_selected(
                 kube_selector_matches(sel, obj_get(tmpl, "metadata.labels")), tmpl,
                 "spec.template", err) < 0)
        rc = -1;
    if (generated_selector_validate(obj, err) < 0)
        rc = -1;
    return rc;
}

/* kube's ValidateJobUpdate: the selector, the completion mode and (unless the job is suspended)
 * the template stay as they are. */
static int job_validate_update(struct json_object *obj, struct json_object *old, struct apierr *err)
{
    struct json_object *a = obj_get(obj, "spec"), *b = obj_get(old, "spec");
    int rc = job_validate(obj, err);
    char raw[1024];

    if (!json_object_equal(obj_get(a, "selector"), obj_get(b, "selector"))) {
        kube_go_selector(obj_get(a, "selector"), raw, sizeof(raw));
        rc = kube_invalid_raw(err, "spec.selector", raw, "field is immutable");
    }
    if (!json_object_equal(obj_get(a, "completionMode"), obj_get(b, "completionMode")))
        rc = validation_invalid(err, "spec.completionMode", obj_get_str(a, "completionMode") ?: "",
                                "field is immutable");
    if (!is_true(obj_get(b, "suspend")) &&
        !json_object_equal(obj_get(a, "template"), obj_get(b, "template")))
        rc = kube_invalid_raw(
            err, "spec.template",
            json_object_to_json_string_ext(obj_get(a, "template"), JSON_C_TO_STRING_PLAIN),
            "field is immutable");
    return rc;
}

/* A condition of type with status True. */
static bool has_condition(struct json_object *obj, const char *type)
{
    struct json_object *conds = obj_get(obj, "status.conditions");
    size_t i;

    for (i = 0; json_object_is_type(conds, json_type_array) && i < json_object_array_length(conds);
         i++) {
        struct json_object *c = json_object_array_get_idx(conds, i);

        if (strcmp(obj_get_str(c, "type") ?: "", type) == 0 &&
            strcmp(obj_get_str(c, "status") ?: "", "True") == 0)
            return true;
    }
    return false;
}

static const char *job_status(struct json_object *obj)
{
    if (has_condition(obj, "Complete"))
        return "Complete";
    if (has_condition(obj, "Failed"))
        return "Failed";
    if (meta_str(obj, "deletionTimestamp"))
        return "Terminating";
    if (has_condition(obj, "Suspended"))
        return "Suspended";
    if (has_condition(obj, "FailureTarget"))
        return "FailureTarget";
    if (has_condition(obj, "SuccessCriteriaMet"))
        return "SuccessCriteriaMet";
    return "Running";
}

/* kube's COMPLETIONS cell: succeeded/completions, or of a work queue "n/1 of <parallelism>". */
static void job_completions(struct json_object *obj, char *buf, size_t n)
{
    struct json_object *spec = obj_get(obj, "spec");
    int64_t succeeded = 0, completions, parallelism;

    kube_int(obj_get(obj, "status"), "succeeded", &succeeded);
    if (kube_int(spec, "completions", &completions))
        snprintf(buf, n, "%lld/%lld", (long long)succeeded, (long long)completions);
    else if (kube_int(spec, "parallelism", &parallelism) && parallelism > 1)
        snprintf(buf, n, "%lld/1 of %lld", (long long)succeeded, (long long)parallelism);
    else
        snprintf(buf, n, "%lld/1", (long long)succeeded);
}

static void job_duration(struct json_object *obj, char *buf, size_t n)
{
    const char *start = obj_get_str(obj, "status.startTime");
    const char *end = obj_get_str(obj, "status.completionTime");
    int64_t from = start ? meta_parse_time(start) : -1, to;

    buf[0] = '\0';
    if (from < 0)
        return;
    to = end ? meta_parse_time(end) : (int64_t)time(NULL);
    meta_human_duration(to > from ? to - from : 0, buf, n);
}

static void job_row(struct json_object *obj, struct json_object *cells)
{
    char buf[1024];

    table_cell_str(cells, meta_str(obj, "name") ?: "");
    table_cell_str(cells, job_status(obj));
    job_completions(obj, buf, sizeof(buf));
    table_cell_str(cells, buf);
    job_duration(obj, buf, sizeof(buf));
    table_cell_str(cells, buf);
    table_cell_age(cells, obj);
    kube_container_cells(obj_get(obj, "spec.template.spec"), cells);
    kube_selector_format(obj_get(obj, "spec.selector"), buf, sizeof(buf));
    table_cell_str(cells, buf);
}

#define JOB_SELECTOR_DESC                                                                          \
    "A label query over pods that should match the pod count. Normally, the system sets this "     \
    "field for you. More info: "                                                                   \
    "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"

static const struct table_column job_columns[] = {
    {"Name", "string", "name", KUBE_NAME_DESC, 0},
    {"Status", "string", "", "Status of the job.", 0},
    {"Completions", "string", "", "The number of pods which reached phase Succeeded.", 0},
    {"Duration", "string", "", "Time required to complete the job.", 0},
    {"Age", "string", "", KUBE_AGE_DESC, 0},
    {"Containers", "string", "", KUBE_CONTAINERS_DESC, 1},
    {"Images", "string", "", KUBE_IMAGES_DESC, 1},
    {"Selector", "string", "", JOB_SELECTOR_DESC, 1},
    {0},
};

static const struct strategy job_strategy = {
    .defaults = job_defaults,
    .prepare_create = job_prepare_create,
    .validate_create = job_validate,
    .validate_update = job_validate_update,
    .table_row = job_row,
};

/* --- cronjobs --- */

static void cronjob_defaults(struct json_object *obj)
{
    struct json_object *spec = kube_default_obj(obj, "spec");
    const char *cp = obj_get_str(spec, "concurrencyPolicy");

    if (!spec)
        return;
    if (!cp || !*cp)
        json_object_object_add(spec, "concurrencyPolicy", json_object_new_string("Allow"));
    kube_default(spec, "suspend", json_object_new_boolean(0));
    kube_default(spec, "successfulJobsHistoryLimit", json_object_new_int(3));
    kube_default(spec, "failedJobsHistoryLimit", json_object_new_int(1));
    podtemplate_defaults(obj_get(spec, "jobTemplate.spec.template"));
}

static void cronjob_prepare_create(struct json_object *obj)
{
    json_object_object_add(obj, "status", json_object_new_object());
}

static int schedule_validate(struct json_object *spec, struct apierr *err)
{
    const char *s = obj_get_str(spec, "schedule");
    char msg[300];

    if (!s || !*s)
        return validation_required(err, "spec.schedule", NULL);
    if (strstr(s, "TZ"))
        return validation_invalid(err, "spec.schedule", s,
                                  "cannot use TZ or CRON_TZ in schedule, use timeZone field "
                                  "instead");
    if (kube_cron_validate(s, msg, sizeof(msg)) < 0)
        return validation_invalid(err, "spec.schedule", s, msg);
    return 0;
}

/* An IANA zone the system's tz database knows (kube loads it the same way). */
static int timezone_validate(struct json_object *spec, struct apierr *err)
{
    struct json_object *tz = obj_get(spec, "timeZone");
    const char *z = json_object_get_string(tz);
    char path[512], msg[300];
    struct stat sb;

    if (!tz)
        return 0;
    if (!*z)
        return validation_invalid(err, "spec.timeZone", z,
                                  "timeZone must be nil or non-empty string");
    if (strcasecmp(z, "Local") == 0)
        return validation_invalid(err, "spec.timeZone", z,
                                  "timeZone must be an explicit time zone as defined in "
                                  "https://www.iana.org/time-zones");
    snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", z);
    if (strcmp(z, "UTC") == 0 ||
        (!strstr(z, "..") && z[0] != '/' && stat(path, &sb) == 0 && S_ISREG(sb.st_mode)))
        return 0;
    snprintf(msg, sizeof(msg), "unknown time zone %s", z);
    return validation_invalid(err, "spec.timeZone", z, msg);
}

/* kube's ValidateJobTemplateSpec: a job spec whose selector is generated. */
static int job_template_spec_validate(struct json_object *spec, struct apierr *err)
{
    static const char *const manual[] = {"nil", "false", NULL};
    struct json_object *jspec = obj_get(spec, "jobTemplate.spec"),
                       *sel = obj_get(jspec, "selector");
    int rc = job_spec_validate(jspec, "spec.jobTemplate.spec", err);
    char raw[1024];

    if (sel) {
        kube_go_selector(sel, raw, sizeof(raw));
        rc = kube_invalid_raw(err, "spec.jobTemplate.spec.selector", raw,
                              "`selector` will be auto-generated");
    }
    if (is_true(obj_get(jspec, "manualSelector")))
        rc = validation_not_supported(err, "spec.jobTemplate.spec.manualSelector", "true", manual);
    return rc;
}

static int cronjob_spec_validate(struct json_object *spec, struct apierr *err)
{
    static const char *const policies[] = {"Allow", "Forbid", "Replace", NULL};
    const char *cp = obj_get_str(spec, "concurrencyPolicy") ?: "";
    int rc = 0;

    rc |= schedule_validate(spec, err);
    rc |= timezone_validate(spec, err);
    if (!*cp)
        rc = validation_required(err, "spec.concurrencyPolicy", NULL);
    else if (strcmp(cp, "Allow") != 0 && strcmp(cp, "Forbid") != 0 && strcmp(cp, "Replace") != 0)
        rc = validation_not_supported(err, "spec.concurrencyPolicy", cp, policies);
    rc |= kube_nonneg(spec, "startingDeadlineSeconds", "spec.startingDeadlineSeconds", err);
    rc |= kube_nonneg(spec, "successfulJobsHistoryLimit", "spec.successfulJobsHistoryLimit", err);
    rc |= kube_nonneg(spec, "failedJobsHistoryLimit", "spec.failedJobsHistoryLimit", err);
    rc |= job_template_spec_validate(spec, err);
    return rc ? -1 : 0;
}

static int cronjob_validate(struct json_object *obj, struct apierr *err)
{
    const char *name = meta_str(obj, "name") ?: "";
    int rc = cronjob_spec_validate(obj_get(obj, "spec"), err);

    if (strlen(name) > CRONJOB_NAME_MAX)
        rc = validation_invalid(err, "metadata.name", name, "must be no more than 52 characters");
    return rc;
}

static int cronjob_validate_update(struct json_object *obj, struct json_object *old,
                                   struct apierr *err)
{
    (void)old;
    return cronjob_spec_validate(obj_get(obj, "spec"), err);
}

static void cronjob_row(struct json_object *obj, struct json_object *cells)
{
    struct json_object *spec = obj_get(obj, "spec"), *suspend = obj_get(spec, "suspend");
    const char *last = obj_get_str(obj, "status.lastScheduleTime");
    char buf[1024];
    int64_t t;

    table_cell_str(cells, meta_str(obj, "name") ?: "");
    table_cell_str(cells, obj_get_str(spec, "schedule") ?: "");
    table_cell_str(cells, obj_get_str(spec, "timeZone") ?: "<none>");
    table_cell_str(cells, !suspend ? "<unset>" : is_true(suspend) ? "True" : "False");
    table_cell_int(cells, (int64_t)kube_len(obj_get(obj, "status.active")));
    t = last ? meta_parse_time(last) : -1;
    if (t < 0)
        snprintf(buf, sizeof(buf), "<none>");
    else
        meta_human_duration(time(NULL) > t ? (int64_t)time(NULL) - t : 0, buf, sizeof(buf));
    table_cell_str(cells, buf);
    table_cell_age(cells, obj);
    kube_container_cells(obj_get(spec, "jobTemplate.spec.template.spec"), cells);
    kube_selector_format(obj_get(spec, "jobTemplate.spec.selector"), buf, sizeof(buf));
    table_cell_str(cells, buf);
}

static const struct table_column cronjob_columns[] = {
    {"Name", "string", "name", KUBE_NAME_DESC, 0},
    {"Schedule", "string", "",
     "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.", 0},
    {"Timezone", "string", "",
     "The time zone name for the given schedule, see "
     "https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. If not specified, this will "
     "default to the time zone of the kube-controller-manager process. The set of valid time zone "
     "names and the time zone offset is loaded from the system-wide time zone database by the API "
     "server during CronJob validation and the controller manager during execution. If no "
     "system-wide time zone database can be found a bundled version of the database is used "
     "instead. If the time zone name becomes invalid during the lifetime of a CronJob or due to a "
     "change in host configuration, the controller will stop creating new new Jobs and will "
     "create a system event with the reason UnknownTimeZone. More information can be found in "
     "https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones",
     0},
    {"Suspend", "boolean", "",
     "This flag tells the controller to suspend subsequent executions, it does not apply to "
     "already started executions.  Defaults to false.",
     0},
    {"Active", "integer", "", "A list of pointers to currently running jobs.", 0},
    {"Last Schedule", "string", "",
     "Information when was the last time the job was successfully scheduled.", 0},
    {"Age", "string", "", KUBE_AGE_DESC, 0},
    {"Containers", "string", "", KUBE_CONTAINERS_DESC, 1},
    {"Images", "string", "", KUBE_IMAGES_DESC, 1},
    {"Selector", "string", "", JOB_SELECTOR_DESC, 1},
    {0},
};

static const struct strategy cronjob_strategy = {
    .defaults = cronjob_defaults,
    .prepare_create = cronjob_prepare_create,
    .validate_create = cronjob_validate,
    .validate_update = cronjob_validate_update,
    .table_row = cronjob_row,
};

/* --- the group version --- */

static const struct resource batch_v1_resources[] = {
    {"cronjobs",
     "CronJob",
     {"cj"},
     RES_NAMESPACED | RES_STATUS | RES_GENERATION,
     VERB_ALL,
     &cronjob_strategy,
     .categories = {"all"},
     .columns = cronjob_columns},
    {"jobs",
     "Job",
     {0},
     RES_NAMESPACED | RES_STATUS | RES_GENERATION,
     VERB_ALL,
     &job_strategy,
     .categories = {"all"},
     .columns = job_columns},
    {0},
};

const struct group_version kube_batch_v1 = {"batch", "v1", batch_v1_resources};
