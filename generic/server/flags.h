/* Command-line flags in kube-apiserver's style: --name=value, --name value, and a bare --name
 * for booleans. */
#ifndef GENERIC_SERVER_FLAGS_H
#define GENERIC_SERVER_FLAGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum flag_type {
    FLAG_STRING,   /* const char **: points into argv or at the default */
    FLAG_INT,      /* int * */
    FLAG_PORT,     /* int *, 0..65535 */
    FLAG_BOOL,     /* bool *: true, false, 1, 0 */
    FLAG_DURATION, /* double * seconds: Go durations such as 1m0s */
};

struct flag {
    const char *name; /* without dashes: "secure-port" */
    enum flag_type type;
    void *ptr;
    const char *def;  /* the default, in the flag's own syntax; NULL = empty */
    const char *help;
};

/* Sets every flag to its default, then applies argv[1..argc-1]. flags ends with a NULL name.
 * Returns 0, 1 when --help (or -h) was asked for, or -1 with a message in errbuf for an unknown
 * flag, a missing value, a bad value or a positional argument. */
int flag_parse(const struct flag *flags, int argc, char **argv, char *errbuf, size_t n);
/* Prints every flag with its type, default and help. */
void flag_usage(const struct flag *flags, FILE *out);

#endif
