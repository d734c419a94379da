#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "generic/endpoints/negotiate.h"

struct media {
    char type[96];
    char as[48], g[64], v[16];
    double q;
};

static void trim(char *s)
{
    size_t n = strlen(s), i = 0;

    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    while (isspace((unsigned char)s[i]))
        i++;
    memmove(s, s + i, n - i + 1);
}

static void copy(char *dst, size_t n, const char *src)
{
    size_t len = strlen(src);

    if (len >= n)
        len = n - 1;
    memcpy(dst, src, len);
    dst[len] = '\0';
    trim(dst);
}

/* Parses one "type;k=v;k=v" entry (modified in place). */
static void parse_media(char *s, struct media *m)
{
    char *save = NULL, *part = strtok_r(s, ";", &save);

    memset(m, 0, sizeof(*m));
    m->q = 1;
    copy(m->type, sizeof(m->type), part ? part : "");
    while ((part = strtok_r(NULL, ";", &save))) {
        char *eq = strchr(part, '=');

        if (!eq)
            continue;
        *eq = '\0';
        trim(part);
        if (strcasecmp(part, "as") == 0)
            copy(m->as, sizeof(m->as), eq + 1);
        else if (strcasecmp(part, "g") == 0)
            copy(m->g, sizeof(m->g), eq + 1);
        else if (strcasecmp(part, "v") == 0)
            copy(m->v, sizeof(m->v), eq + 1);
        else if (strcasecmp(part, "q") == 0)
            m->q = atof(eq + 1);
    }
}

static enum negotiated classify(const struct media *m, unsigned allow)
{
    int json = strcasecmp(m->type, "application/json") == 0;

    if (m->q <= 0)
        return NEG_NONE;
    if (json && m->as[0]) {
        if ((allow & NEG_ALLOW_TABLE) && strcmp(m->as, "Table") == 0 &&
            strcmp(m->g, "meta.k8s.io") == 0 && (!strcmp(m->v, "v1") || !strcmp(m->v, "v1beta1")))
            return NEG_TABLE;
        if ((allow & NEG_ALLOW_DISCOVERY) && strcmp(m->as, "APIGroupDiscoveryList") == 0 &&
            strcmp(m->g, "apidiscovery.k8s.io") == 0)
            return strcmp(m->v, "v2") == 0        ? NEG_DISCOVERY_V2
                   : strcmp(m->v, "v2beta1") == 0 ? NEG_DISCOVERY_V2BETA1
                                                  : NEG_NONE;
        return NEG_NONE;
    }
    if (json || strcmp(m->type, "*/*") == 0 || strcasecmp(m->type, "application/*") == 0 ||
        m->type[0] == '\0')
        return NEG_JSON;
    if ((allow & NEG_ALLOW_PROTOBUF) &&
        strcasecmp(m->type, "application/vnd.kubernetes.protobuf") == 0)
        return NEG_PROTOBUF;
    return NEG_NONE;
}

enum negotiated negotiate(const char *accept, unsigned allow)
{
    char buf[1024], *save = NULL, *entry;

    if (!accept || !*accept)
        return NEG_JSON;
    copy(buf, sizeof(buf), accept);
    for (entry = strtok_r(buf, ",", &save); entry; entry = strtok_r(NULL, ",", &save)) {
        struct media m;
        enum negotiated n;

        parse_media(entry, &m);
        n = classify(&m, allow);
        if (n != NEG_NONE)
            return n;
    }
    return NEG_NONE;
}
