#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "generic/apis/duration.h"
#include "generic/server/flags.h"

static const struct flag *find(const struct flag *flags, const char *name, size_t len)
{
    for (; flags->name; flags++) {
        if (strlen(flags->name) == len && strncmp(flags->name, name, len) == 0)
            return flags;
    }
    return NULL;
}

static int parse_int(const char *v, long lo, long hi, int *out)
{
    char *end;
    long x;

    errno = 0;
    x = strtol(v, &end, 10);
    if (!*v || *end || errno || x < lo || x > hi)
        return -1;
    *out = (int)x;
    return 0;
}

static int parse_bool(const char *v, bool *out)
{
    static const char *const yes[] = {"true", "1", "t", "T", "TRUE", "True"};
    static const char *const no[] = {"false", "0", "f", "F", "FALSE", "False"};
    size_t i;

    for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        if (strcmp(v, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcmp(v, no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    return -1;
}

static int set_value(const struct flag *f, const char *v)
{
    switch (f->type) {
    case FLAG_STRING:
        *(const char **)f->ptr = v;
        return 0;
    case FLAG_INT:
        return parse_int(v, INT_MIN, INT_MAX, f->ptr);
    case FLAG_PORT:
        return parse_int(v, 0, 65535, f->ptr);
    case FLAG_BOOL:
        return parse_bool(v, f->ptr);
    case FLAG_DURATION:
        return duration_parse(v, f->ptr);
    }
    return -1;
}

static int set_defaults(const struct flag *flags, char *errbuf, size_t n)
{
    for (; flags->name; flags++) {
        if (set_value(flags, flags->def ? flags->def : (flags->type == FLAG_STRING ? "" : "0")) <
            0) {
            snprintf(errbuf, n, "bad default for --%s", flags->name);
            return -1;
        }
    }
    return 0;
}

/* Applies the argument at argv[*i] (and maybe its value at argv[*i + 1]). */
static int apply(const struct flag *flags, int argc, char **argv, int *i, char *errbuf, size_t n)
{
    const char *arg = argv[*i], *name, *eq, *v;
    const struct flag *f;
    size_t len;

    if (arg[0] != '-' || arg[1] == '\0') {
        snprintf(errbuf, n, "unexpected argument %s: this command takes only flags", arg);
        return -1;
    }
    name = arg + (arg[1] == '-' ? 2 : 1);
    eq = strchr(name, '=');
    len = eq ? (size_t)(eq - name) : strlen(name);
    f = find(flags, name, len);
    if (!f) {
        snprintf(errbuf, n, "unknown flag: --%.*s", (int)len, name); /* pflag leaves out =value */
        return -1;
    }
    if (eq) {
        v = eq + 1;
    } else if (f->type == FLAG_BOOL) {
        v = "true";
    } else if (*i + 1 < argc) {
        v = argv[++*i];
    } else {
        snprintf(errbuf, n, "flag needs an argument: --%s", f->name);
        return -1;
    }
    if (set_value(f, v) < 0) {
        snprintf(errbuf, n, "invalid argument \"%s\" for \"--%s\" flag", v, f->name);
        return -1;
    }
    return 0;
}

int flag_parse(const struct flag *flags, int argc, char **argv, char *errbuf, size_t n)
{
    int i;

    if (set_defaults(flags, errbuf, n) < 0)
        return -1;
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return 1;
        if (apply(flags, argc, argv, &i, errbuf, n) < 0)
            return -1;
    }
    return 0;
}

static const char *type_name(enum flag_type t)
{
    switch (t) {
    case FLAG_STRING: return "string";
    case FLAG_INT: return "int";
    case FLAG_PORT: return "int";
    case FLAG_BOOL: return "";
    case FLAG_DURATION: return "duration";
    }
    return "";
}

void flag_usage(const struct flag *flags, FILE *out)
{
    for (; flags->name; flags++) {
        char left[80];

        snprintf(left, sizeof(left), "--%s %s", flags->name, type_name(flags->type));
        fprintf(out, "      %-40s %s", left, flags->help);
        if (flags->def && *flags->def)
            fprintf(out, " (default %s)", flags->def);
        fputc('\n', out);
    }
}
