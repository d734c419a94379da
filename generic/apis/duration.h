/* Go duration strings ("1m0s", "500ms", "32s", "1h30m"), as kube's flags and ?timeout= take. */
#ifndef GENERIC_APIS_DURATION_H
#define GENERIC_APIS_DURATION_H

/* Parses s into seconds. A bare number is refused, as Go refuses it (except "0"). Returns 0, or
 * -1 for a malformed or negative duration. */
int duration_parse(const char *s, double *seconds);

#endif
