#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "generic/apis/duration.h"

static const struct {
    const char *unit;
    double seconds;
} units[] = {
    {"ns", 1e-9}, {"us", 1e-6}, {"\xc2\xb5s", 1e-6}, {"ms", 1e-3}, {"s", 1}, {"m", 60}, {"h", 3600},
};

/* Length of the unit at s and its scale; 0 when none matches. Longer units are tried first so
 * that "ms" is not read as "m". */
static size_t match_unit(const char *s, double *scale)
{
    size_t i, best = 0;

    for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        size_t n = strlen(units[i].unit);

        if (n > best && strncmp(s, units[i].unit, n) == 0) {
            best = n;
            *scale = units[i].seconds;
        }
    }
    return best;
}

int duration_parse(const char *s, double *seconds)
{
    double total = 0;

    if (!s || !*s || *s == '-')
        return -1;
    if (*s == '+')
        s++;
    if (!*s)
        return -1;
    if (strcmp(s, "0") == 0) {
        *seconds = 0;
        return 0;
    }
    while (*s) {
        char *end;
        double v, scale = 0;
        size_t n;

        if (!isdigit((unsigned char)*s) && *s != '.')
            return -1;
        v = strtod(s, &end);
        /* strtod also reads exponents and hex ("1e3", "0x10"), which Go refuses */
        if (end == s || strspn(s, "0123456789.") < (size_t)(end - s))
            return -1;
        n = match_unit(end, &scale);
        if (n == 0)
            return -1;
        total += v * scale;
        s = end + n;
    }
    *seconds = total;
    return 0;
}
