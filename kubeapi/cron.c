/* CronJob schedules: the standard five-field cron syntax and descriptors that kube accepts
 * (robfig/cron's ParseStandard), with its error messages. Only validated, never evaluated. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kubeapi/groups_internal.h"

struct cron_field {
    int min, max;
    const char *const *names; /* lower-case names for min, min+1, ...; NULL for none */
};

static const char *const months[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul",
                                     "aug", "sep", "oct", "nov", "dec", NULL};
static const char *const days[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat", NULL};

static const struct cron_field fields[5] = {
    {0, 59, NULL}, {0, 23, NULL}, {1, 31, NULL}, {1, 12, months}, {0, 6, days},
};

/* A number or a name of f; -1 with msg on error. */
static int parse_value(const char *s, const struct cron_field *f, const char *expr, char *msg,
                       size_t n)
{
    char *end;
    long v;
    int i;

    for (i = 0; f->names && f->names[i]; i++) {
        if (strcasecmp(s, f->names[i]) == 0)
            return f->min + i;
    }
    v = strtol(s, &end, 10);
    if (!*s || *end || !isdigit((unsigned char)s[*s == '-' || *s == '+'])) {
        snprintf(msg, n,
                 "failed to parse int from %s: strconv.Atoi: parsing \"%s\": invalid syntax", s, s);
        return -1;
    }
    if (v < 0) {
        snprintf(msg, n, "negative number (%ld) not allowed: %s", v, expr);
        return -1;
    }
    return v > 1000000 ? 1000000 : (int)v;
}

/* Splits "a-b/c" of one range into its parts; -1 with msg when there are too many. */
static int split_range(char *r, char **lo, char **hi, char **step, const char *expr, char *msg,
                       size_t n)
{
    *step = strchr(r, '/');
    if (*step) {
        *(*step)++ = '\0';
        if (strchr(*step, '/')) {
            snprintf(msg, n, "too many slashes: %s", expr);
            return -1;
        }
    }
    *lo = r;
    *hi = strchr(r, '-');
    if (*hi) {
        *(*hi)++ = '\0';
        if (strchr(*hi, '-')) {
            snprintf(msg, n, "too many hyphens: %s", expr);
            return -1;
        }
    }
    return 0;
}

static int check_range(char *r, const struct cron_field *f, char *msg, size_t n)
{
    char expr[128], *lo, *hi, *step;
    int a, b;

    snprintf(expr, sizeof(expr), "%s", r);
    if (split_range(r, &lo, &hi, &step, expr, msg, n) < 0)
        return -1;
    if (strcmp(lo, "*") == 0 || strcmp(lo, "?") == 0) {
        a = f->min;
        b = f->max;
        if (hi) {
            snprintf(msg, n,
                     "failed to parse int from %s: strconv.Atoi: parsing \"%s\": invalid "
                     "syntax",
                     hi, hi);
            return -1;
        }
    } else {
        if ((a = parse_value(lo, f, expr, msg, n)) < 0)
            return -1;
        b = a;
        if (hi && (b = parse_value(hi, f, expr, msg, n)) < 0)
            return -1;
    }
    if (step && (parse_value(step, f, expr, msg, n) < 0 || atoi(step) <= 0)) {
        if (atoi(step) <= 0 && isdigit((unsigned char)*step))
            snprintf(msg, n, "step of range should be a positive number: %s", expr);
        return -1;
    }
    if (a < f->min)
        snprintf(msg, n, "beginning of range (%d) below minimum (%d): %s", a, f->min, expr);
    else if (b > f->max)
        snprintf(msg, n, "end of range (%d) above maximum (%d): %s", b, f->max, expr);
    else if (a > b)
        snprintf(msg, n, "beginning of range (%d) beyond end of range (%d): %s", a, b, expr);
    else
        return 0;
    return -1;
}

static int check_field(char *s, const struct cron_field *f, char *msg, size_t n)
{
    char *save = NULL, *r;

    for (r = strtok_r(s, ",", &save); r; r = strtok_r(NULL, ",", &save)) {
        if (check_range(r, f, msg, n) < 0)
            return -1;
    }
    return 0;
}

static int check_descriptor(const char *s, char *msg, size_t n)
{
    static const char *const known[] = {"@yearly", "@annually", "@monthly", "@weekly",
                                        "@daily",  "@midnight", "@hourly",  NULL};
    size_t i;

    for (i = 0; known[i]; i++) {
        if (strcmp(s, known[i]) == 0)
            return 0;
    }
    if (strncmp(s, "@every ", 7) == 0 && s[7])
        return 0; /* robfig takes any Go duration; the controller reads it, not us */
    snprintf(msg, n, "unrecognized descriptor: %s", s);
    return -1;
}

int kube_cron_validate(const char *schedule, char *msg, size_t n)
{
    char buf[512], *f[6], *save = NULL, *tok, list[600] = "";
    size_t nf = 0, len = 0, i;

    snprintf(buf, sizeof(buf), "%s", schedule);
    if (buf[0] == '@')
        return check_descriptor(buf, msg, n);
    for (tok = strtok_r(buf, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save)) {
        if (nf < 6)
            f[nf] = tok;
        nf++;
        len += (size_t)snprintf(list + len, len < sizeof(list) ? sizeof(list) - len : 0, "%s%s",
                                len ? " " : "", tok);
    }
    if (nf != 5) {
        snprintf(msg, n, "expected exactly 5 fields, found %zu: [%s]", nf,
                 len < sizeof(list) ? list : "");
        return -1;
    }
    for (i = 0; i < 5; i++) {
        if (check_field(f[i], &fields[i], msg, n) < 0)
            return -1;
    }
    return 0;
}
