/* Go's text forms of time values, as kube's JSON carries them: meta.v1.Time is RFC 3339 in UTC
 * with whole seconds, MicroTime the same with 6 fractional digits (Go truncates, never rounds), and
 * meta.v1.Duration is time.Duration.String() ("1h0m0s", "1.5s", "500ms", "0s"). */
#include <stdio.h>
#include <string.h>

#include "generic/protobuf/protobuf_internal.h"

#define MIN_SECONDS (-62167219200LL) /* 0000-01-01T00:00:00Z: Go prints years 0 to 9999 */
#define MAX_SECONDS 253402300799LL   /* 9999-12-31T23:59:59Z */
#define NS_PER_S    1000000000LL

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t era;
    unsigned doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (unsigned)(z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

int pb_format_time(int64_t seconds, int32_t nanos, bool micro, char *buf, size_t size)
{
    int64_t days, y;
    unsigned m, d, sod;

    seconds += nanos / NS_PER_S; /* normalise as Go's time.Unix does */
    nanos %= NS_PER_S;
    if (nanos < 0) {
        nanos += NS_PER_S;
        seconds--;
    }
    if (seconds < MIN_SECONDS || seconds > MAX_SECONDS)
        return -1;
    days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
    sod = (unsigned)(seconds - days * 86400);
    civil_from_days(days, &y, &m, &d);
    if (micro)
        snprintf(buf, size, "%04d-%02u-%02uT%02u:%02u:%02u.%06dZ", (int)y, m, d, sod / 3600,
                 sod / 60 % 60, sod % 60, nanos / 1000);
    else
        snprintf(buf, size, "%04d-%02u-%02uT%02u:%02u:%02uZ", (int)y, m, d, sod / 3600,
                 sod / 60 % 60, sod % 60);
    return 0;
}

/* n decimal digits at *s, advancing it; -1 if any is not a digit. */
static int digits(const char **s, int n)
{
    int v = 0;

    for (; n > 0; n--, (*s)++) {
        if (**s < '0' || **s > '9')
            return -1;
        v = v * 10 + (**s - '0');
    }
    return v;
}

static int parse_zone(const char *s, int *offset)
{
    int sign, hh, mm;

    if (strcmp(s, "Z") == 0) {
        *offset = 0;
        return 0;
    }
    if ((s[0] != '+' && s[0] != '-') || strlen(s) != 6 || s[3] != ':')
        return -1;
    sign = s[0] == '-' ? -1 : 1;
    s++;
    hh = digits(&s, 2);
    s++;
    mm = digits(&s, 2);
    if (hh < 0 || hh > 23 || mm < 0 || mm > 59)
        return -1;
    *offset = sign * (hh * 3600 + mm * 60);
    return 0;
}

/* The fraction after "." (1 to 9 digits) as nanoseconds. */
static int parse_frac(const char **s, int32_t *nanos)
{
    int32_t v = 0, scale = 100000000;

    if (**s != '.')
        return 0;
    (*s)++;
    if (**s < '0' || **s > '9')
        return -1;
    for (; **s >= '0' && **s <= '9'; (*s)++, scale /= 10) {
        if (scale == 0)
            return -1;
        v += (**s - '0') * scale;
    }
    *nanos = v;
    return 0;
}

/* n digits within [lo, hi] followed by sep (none if 0); -1 otherwise. Never passes the NUL. */
static int part(const char **s, int n, int lo, int hi, char sep)
{
    int v = digits(s, n);

    if (v < lo || v > hi || (sep && **s != sep))
        return -1;
    if (sep)
        (*s)++;
    return v;
}

static bool leap(int y)
{
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

int pb_parse_time(const char *s, int64_t *seconds, int32_t *nanos)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, mo, d, h, mi, se, off;

    *nanos = 0;
    y = part(&s, 4, 0, 9999, '-'); /* a failed part leaves s where it stopped, so the rest fail */
    mo = part(&s, 2, 1, 12, '-');
    d = part(&s, 2, 1, 31, 'T');
    h = part(&s, 2, 0, 23, ':');
    mi = part(&s, 2, 0, 59, ':');
    se = part(&s, 2, 0, 59, 0);
    if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || se < 0)
        return -1;
    if (d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap(y)))
        return -1;
    if (parse_frac(&s, nanos) < 0 || parse_zone(s, &off) < 0)
        return -1;
    *seconds =
        days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se - off;
    return 0;
}

/* Writes v's digits right to left ending before w; returns the new start. */
static char *put_int(char *w, uint64_t v)
{
    do {
        *--w = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    return w;
}

/* Go's fmtFrac: the low prec digits of *v as ".ddd" without trailing zeros. */
static char *put_frac(char *w, uint64_t *v, int prec)
{
    bool print = false;
    int i;

    for (i = 0; i < prec; i++) {
        unsigned digit = (unsigned)(*v % 10);
        print = print || digit != 0;
        if (print)
            *--w = (char)('0' + digit);
        *v /= 10;
    }
    if (print)
        *--w = '.';
    return w;
}

void pb_format_duration(int64_t ns, char *buf, size_t size)
{
    char tmp[40], *end = tmp + sizeof(tmp) - 1, *w = end;
    uint64_t u = ns < 0 ? -(uint64_t)ns : (uint64_t)ns;

    *end = '\0';
    if (u == 0) {
        w -= 2;
        memcpy(w, "0s", 2);
    } else if (u < (uint64_t)NS_PER_S) {
        const char *unit = u < 1000 ? "ns" : u < 1000000 ? "\xc2\xb5s" : "ms";
        int prec = u < 1000 ? 0 : u < 1000000 ? 3 : 6;
        w -= strlen(unit);
        memcpy(w, unit, strlen(unit));
        w = put_frac(w, &u, prec);
        w = put_int(w, u);
    } else {
        *--w = 's';
        w = put_frac(w, &u, 9);
        w = put_int(w, u % 60);
        u /= 60;
        if (u > 0) {
            *--w = 'm';
            w = put_int(w, u % 60);
            u /= 60;
        }
        if (u > 0) {
            *--w = 'h';
            w = put_int(w, u);
        }
    }
    if (ns < 0)
        *--w = '-';
    snprintf(buf, size, "%s", w);
}

static int64_t unit_ns(const char *u, size_t n)
{
    static const struct {
        const char *name;
        int64_t ns;
    } units[] = {{"ns", 1},       {"us", 1000},    {"\xc2\xb5s", 1000},  {"\xce\xbcs", 1000},
                 {"ms", 1000000}, {"s", NS_PER_S}, {"m", 60 * NS_PER_S}, {"h", 3600 * NS_PER_S}};
    size_t i;

    for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
        if (strlen(units[i].name) == n && memcmp(units[i].name, u, n) == 0)
            return units[i].ns;
    return 0;
}

/* One "<number><unit>" term of a duration, added to *total (nanoseconds, unsigned). */
static int parse_term(const char **s, uint64_t *total)
{
    uint64_t whole = 0, frac = 0, scale = 1, unit, add;
    const char *start = *s, *u;

    for (; **s >= '0' && **s <= '9'; (*s)++) {
        if (whole > (UINT64_MAX - 9) / 10)
            return -1;
        whole = whole * 10 + (uint64_t)(**s - '0');
    }
    if (**s == '.')
        for ((*s)++; **s >= '0' && **s <= '9'; (*s)++)
            if (scale < 1000000000000000000ULL) {
                frac = frac * 10 + (uint64_t)(**s - '0');
                scale *= 10;
            }
    if (*s == start || (*s == start + 1 && *start == '.'))
        return -1;
    for (u = *s; **s && **s != '.' && (**s < '0' || **s > '9'); (*s)++)
        ;
    unit = (uint64_t)unit_ns(u, (size_t)(*s - u));
    if (unit == 0 || whole > (1ULL << 63) / unit)
        return -1;
    add = whole * unit + (uint64_t)((double)frac * ((double)unit / (double)scale));
    if (add > (1ULL << 63) - *total)
        return -1;
    *total += add;
    return 0;
}

int pb_parse_duration(const char *s, int64_t *ns)
{
    bool neg = false;
    uint64_t total = 0;

    if (*s == '-' || *s == '+')
        neg = *s++ == '-';
    if (strcmp(s, "0") == 0) {
        *ns = 0;
        return 0;
    }
    if (*s == '\0')
        return -1;
    while (*s)
        if (parse_term(&s, &total) < 0)
            return -1;
    if (!neg && total > (uint64_t)INT64_MAX)
        return -1;
    *ns = neg ? (int64_t)(0 - total) : (int64_t)total;
    return 0;
}
