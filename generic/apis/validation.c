/* The checks, field errors and the Invalid message; ObjectMeta is in validation_meta.c. The
 * patterns kube writes as regular expressions are small enough to test by hand, character by
 * character, which also spares us a regex engine on client input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "generic/apis/validation.h"
#include "generic/apis/xalloc.h"

#define MAX_LEN_63  "must be no more than 63 characters"
#define MAX_LEN_253 "must be no more than 253 characters"

#define DNS1123_LABEL_MSG                                                                          \
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "   \
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "     \
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
#define DNS1123_SUBDOMAIN_MSG                                                                      \
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "   \
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "  \
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
#define DNS1035_LABEL_MSG                                                                          \
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "   \
    "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or "           \
    "'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
#define QNAME_MSG                                                                                  \
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "    \
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "         \
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
#define LABEL_VALUE_MSG                                                                            \
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "    \
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "             \
    "'my_value',  or '12345', regex used for validation is "                                       \
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
#define CONFIG_KEY_MSG                                                                             \
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. "           \
    "'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"

static bool is_lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_alnum(char c)
{
    return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

/* [a-z0-9]([-a-z0-9]*[a-z0-9])? over s[0..n); first_alpha narrows the first to [a-z] (RFC 1035). */
static bool dns_label_ok(const char *s, size_t n, bool first_alpha)
{
    size_t i;

    if (n == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1]))
        return false;
    if (first_alpha && !(s[0] >= 'a' && s[0] <= 'z'))
        return false;
    for (i = 1; i < n; i++) {
        if (!is_lower_alnum(s[i]) && s[i] != '-')
            return false;
    }
    return true;
}

static bool dns_subdomain_ok(const char *s, size_t n)
{
    const char *end = s + n, *dot;

    for (;;) {
        dot = memchr(s, '.', (size_t)(end - s));
        if (!dot)
            return dns_label_ok(s, (size_t)(end - s), false);
        if (!dns_label_ok(s, (size_t)(dot - s), false))
            return false;
        s = dot + 1;
    }
}

/* ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]: the name part of a qualified name. */
static bool qname_part_ok(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || !is_alnum(s[0]) || !is_alnum(s[n - 1]))
        return false;
    for (i = 1; i < n; i++) {
        if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
            return false;
    }
    return true;
}

int validation_dns1123_label(const char *value, const char **msgs)
{
    size_t n = strlen(value);
    int k = 0;

    if (n > 63)
        msgs[k++] = MAX_LEN_63;
    if (!dns_label_ok(value, n, false))
        msgs[k++] = dns_subdomain_ok(value, n) ? "must not contain dots" : DNS1123_LABEL_MSG;
    return k;
}

int validation_dns1123_subdomain(const char *value, const char **msgs)
{
    size_t n = strlen(value);
    int k = 0;

    if (n > 253)
        msgs[k++] = MAX_LEN_253;
    if (!dns_subdomain_ok(value, n))
        msgs[k++] = DNS1123_SUBDOMAIN_MSG;
    return k;
}

int validation_dns1035_label(const char *value, const char **msgs)
{
    size_t n = strlen(value);
    int k = 0;

    if (n > 63)
        msgs[k++] = MAX_LEN_63;
    if (!dns_label_ok(value, n, true))
        msgs[k++] = DNS1035_LABEL_MSG;
    return k;
}

int validation_qualified_name(const char *value, const char **msgs)
{
    const char *slash = strchr(value, '/'), *name = value;
    size_t n;
    int k = 0;

    if (slash && strchr(slash + 1, '/')) {
        msgs[0] = "a qualified name " QNAME_MSG " with an optional DNS subdomain prefix and '/' "
                  "(e.g. 'example.com/MyName')";
        return 1;
    }
    if (slash) {
        n = (size_t)(slash - value);
        if (n == 0)
            msgs[k++] = "prefix part must be non-empty";
        if (n > 253)
            msgs[k++] = "prefix part " MAX_LEN_253;
        if (n > 0 && !dns_subdomain_ok(value, n))
            msgs[k++] = "prefix part " DNS1123_SUBDOMAIN_MSG;
        name = slash + 1;
    }
    n = strlen(name);
    if (n == 0)
        msgs[k++] = "name part must be non-empty";
    else if (n > 63)
        msgs[k++] = "name part " MAX_LEN_63;
    if (!qname_part_ok(name, n))
        msgs[k++] = "name part " QNAME_MSG;
    return k;
}

int validation_label_value(const char *value, const char **msgs)
{
    size_t n = strlen(value);
    int k = 0;

    if (n > 63)
        msgs[k++] = MAX_LEN_63;
    if (n > 0 && !qname_part_ok(value, n))
        msgs[k++] = LABEL_VALUE_MSG;
    return k;
}

int validation_config_map_key(const char *value, const char **msgs)
{
    size_t i, n = strlen(value);
    bool ok = n > 0;
    int k = 0;

    for (i = 0; i < n && ok; i++)
        ok = is_alnum(value[i]) || value[i] == '-' || value[i] == '_' || value[i] == '.';
    if (n > 253)
        msgs[k++] = MAX_LEN_253;
    if (!ok)
        msgs[k++] = CONFIG_KEY_MSG;
    if (strcmp(value, ".") == 0)
        msgs[k++] = "must not be '.'";
    else if (strcmp(value, "..") == 0)
        msgs[k++] = "must not be '..'";
    else if (strncmp(value, "..", 2) == 0)
        msgs[k++] = "must not start with '..'";
    return k;
}

int validation_path_segment(const char *value, bool prefix, const char **msgs)
{
    int k = 0;

    if (!prefix && strcmp(value, ".") == 0) {
        msgs[0] = "may not be '.'";
        return 1;
    }
    if (!prefix && strcmp(value, "..") == 0) {
        msgs[0] = "may not be '..'";
        return 1;
    }
    if (strchr(value, '/'))
        msgs[k++] = "may not contain '/'";
    if (strchr(value, '%'))
        msgs[k++] = "may not contain '%'";
    return k;
}

/* kube checks a generateName as a name whose trailing '-' is masked. Its mask drops two
 * characters, not one ("ab-" is checked as "aa"); we do the same, and a lone "-" (on which kube
 * panics) counts as "a". */
static int check_masked(int (*check)(const char *, const char **), const char *name, bool prefix,
                        const char **msgs)
{
    size_t n = strlen(name);
    char *buf;
    int k;

    if (!prefix || n == 0 || name[n - 1] != '-')
        return check(name, msgs);
    n = n >= 2 ? n - 2 : 0;
    buf = xmalloc(n + 2);
    memcpy(buf, name, n);
    buf[n] = 'a';
    buf[n + 1] = '\0';
    k = check(buf, msgs);
    free(buf);
    return k;
}

int validation_name_dns_subdomain(const char *name, bool prefix, const char **msgs)
{
    return check_masked(validation_dns1123_subdomain, name, prefix, msgs);
}

int validation_name_dns_label(const char *name, bool prefix, const char **msgs)
{
    return check_masked(validation_dns1123_label, name, prefix, msgs);
}

int validation_name_dns1035_label(const char *name, bool prefix, const char **msgs)
{
    return check_masked(validation_dns1035_label, name, prefix, msgs);
}

int validation_name_path_segment(const char *name, bool prefix, const char **msgs)
{
    return validation_path_segment(name, prefix, msgs);
}

size_t validation_utf8_len(const char *p)
{
    const unsigned char *s = (const unsigned char *)p;
    unsigned long c;
    size_t i, n;

    if (s[0] < 0x80)
        return 1;
    if (s[0] < 0xc2 || s[0] > 0xf4)
        return 0;
    n = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
    c = s[0] & (0x7f >> n);
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = c << 6 | (s[i] & 0x3f);
    }
    if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)))
        return 0;
    if (c >= 0xd800 && c <= 0xdfff)
        return 0;
    return n;
}

/* One character of Go's %q into out (at most 7 bytes); *used is how many input bytes it took. */
static size_t quote_char(const char *s, char *out, size_t *used)
{
    static const char esc[] = "\a\b\f\n\r\t\v\"\\", letter[] = "abfnrtv\"\\";
    unsigned char c = (unsigned char)*s, c1 = (unsigned char)s[1];
    size_t n = validation_utf8_len(s);
    const char *e = c ? strchr(esc, c) : NULL;

    *used = n ? n : 1;
    if (n == 0 || (c < 0x80 && (c < 0x20 || c == 0x7f) && !e))
        return (size_t)snprintf(out, 8, "\\x%02x", c);
    if (e) {
        out[0] = '\\';
        out[1] = letter[e - esc];
        return 2;
    }
    /* C1 controls, the no-break space and the soft hyphen are not printable to Go */
    if (c == 0xc2 && (c1 <= 0xa0 || c1 == 0xad))
        return (size_t)snprintf(out, 8, "\\u%04x", c1);
    memcpy(out, s, n);
    return n;
}

void validation_quote(char *dst, size_t size, const char *s)
{
    size_t pos = 1, len, used;
    char unit[8];

    if (size < 3) {
        if (size)
            dst[0] = '\0';
        return;
    }
    dst[0] = '"';
    for (; *s; s += used) {
        len = quote_char(s, unit, &used);
        if (pos + len + 2 > size)
            break;
        memcpy(dst + pos, unit, len);
        pos += len;
    }
    dst[pos++] = '"';
    dst[pos] = '\0';
}

/* Adds a cause whose message is `head[: "value"][: detail]`, leaving the detail room. */
static int add_cause(struct apierr *err, const char *type, const char *field, const char *head,
                     const char *value, const char *detail)
{
    char quoted[sizeof(err->causes[0].message)];
    size_t room = sizeof(quoted) - strlen(head) - 4;

    if (detail && detail[0])
        room = strlen(detail) + 2 < room ? room - strlen(detail) - 2 : 0;
    quoted[0] = '\0';
    if (value)
        validation_quote(quoted, room > 3 ? room : 3, value);
    return apierr_field(err, type, field, "%s%s%s%s%s", head, value ? ": " : "", quoted,
                        detail && detail[0] ? ": " : "", detail ? detail : "");
}

int validation_invalid(struct apierr *err, const char *field, const char *value, const char *detail)
{
    return add_cause(err, "FieldValueInvalid", field, "Invalid value", value, detail);
}

int validation_invalid_int(struct apierr *err, const char *field, int64_t value, const char *detail)
{
    char head[48];

    snprintf(head, sizeof(head), "Invalid value: %lld", (long long)value);
    return add_cause(err, "FieldValueInvalid", field, head, NULL, detail);
}

int validation_invalid_msgs(struct apierr *err, const char *field, const char *value,
                            const char **msgs, int n)
{
    int i;

    for (i = 0; i < n; i++)
        validation_invalid(err, field, value, msgs[i]);
    return n ? -1 : 0;
}

int validation_required(struct apierr *err, const char *field, const char *detail)
{
    return add_cause(err, "FieldValueRequired", field, "Required value", NULL, detail);
}

int validation_forbidden(struct apierr *err, const char *field, const char *detail)
{
    return add_cause(err, "FieldValueForbidden", field, "Forbidden", NULL, detail);
}

int validation_duplicate(struct apierr *err, const char *field, const char *value)
{
    return add_cause(err, "FieldValueDuplicate", field, "Duplicate value", value, NULL);
}

int validation_too_long(struct apierr *err, const char *field, long max)
{
    char detail[64];

    snprintf(detail, sizeof(detail), "may not be more than %ld bytes", max);
    return add_cause(err, "FieldValueTooLong", field, "Too long", NULL, detail);
}

int validation_not_supported(struct apierr *err, const char *field, const char *value,
                             const char *const *supported)
{
    char detail[256] = "", one[64];
    size_t i, pos = 0;

    for (i = 0; supported && supported[i]; i++) {
        validation_quote(one, sizeof(one), supported[i]);
        pos += (size_t)snprintf(detail + pos, sizeof(detail) - pos, "%s%s",
                                i ? ", " : "supported values: ", one);
        if (pos >= sizeof(detail))
            break;
    }
    return add_cause(err, "FieldValueNotSupported", field, "Unsupported value", value, detail);
}

/* A bounded appender for the Invalid message: output past the end is dropped. */
struct sbuf {
    char *p;
    size_t size, len;
};

static void sb_add(struct sbuf *b, const char *s)
{
    size_t n = strlen(s);

    if (b->len + 1 >= b->size)
        return;
    if (n > b->size - b->len - 1)
        n = b->size - b->len - 1;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static bool cause_seen(const struct apierr *err, unsigned i)
{
    unsigned j;

    for (j = 0; j < i; j++) {
        if (strcmp(err->causes[j].field, err->causes[i].field) == 0 &&
            strcmp(err->causes[j].message, err->causes[i].message) == 0)
            return true;
    }
    return false;
}

void validation_finish(struct apierr *err, const char *group, const char *kind, const char *name)
{
    unsigned i, n = err->ncauses < APIERR_MAX_CAUSES ? err->ncauses : APIERR_MAX_CAUSES,
                distinct = 0;
    struct sbuf b = {err->message, sizeof(err->message), 0};
    char quoted[256];
    bool first = true;

    for (i = 0; i < n; i++)
        distinct += !cause_seen(err, i);
    err->reason = APIERR_INVALID;
    apierr_details(err, group, kind, name);
    err->message[0] = '\0';
    validation_quote(quoted, sizeof(quoted), name ? name : "");
    sb_add(&b, kind ? kind : "");
    if (group && group[0]) {
        sb_add(&b, ".");
        sb_add(&b, group);
    }
    sb_add(&b, " ");
    sb_add(&b, quoted);
    sb_add(&b, distinct ? " is invalid: " : " is invalid");
    sb_add(&b, distinct > 1 ? "[" : "");
    for (i = 0; i < n; i++) {
        if (cause_seen(err, i))
            continue;
        sb_add(&b, first ? "" : ", ");
        first = false;
        sb_add(&b, err->causes[i].field);
        sb_add(&b, ": ");
        sb_add(&b, err->causes[i].message);
    }
    sb_add(&b, distinct > 1 ? "]" : "");
}
