#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "generic/apis/xalloc.h"
#include "generic/auth/tokenfile.h"

#define MAX_FIELDS 4

struct token {
    char *token;
    struct req_user user;
};

struct tokenfile {
    struct token *tokens;
    unsigned n;
};

/* Splits one CSV record (RFC 4180 quoting) into at most MAX_FIELDS fields; returns the count or
 * -1 for a malformed line. Fields are written into buf, which must be as long as the line. */
static int split_csv(const char *line, char *buf, char *fields[MAX_FIELDS + 1])
{
    int nf = 0;
    const char *p = line;
    char *o = buf;

    for (;;) {
        if (nf > MAX_FIELDS)
            return -1;
        fields[nf++] = o;
        if (*p == '"') {
            for (p++;; p++) {
                if (*p == '\0')
                    return -1;
                if (*p == '"' && p[1] == '"') {
                    *o++ = '"';
                    p++;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    *o++ = *p;
                }
            }
        } else {
            while (*p && *p != ',')
                *o++ = *p++;
        }
        *o++ = '\0';
        if (*p == '\0')
            return nf;
        if (*p != ',')
            return -1;
        p++;
    }
}

static void set_groups(struct req_user *u, char *groups)
{
    char *save = NULL, *g;

    for (g = strtok_r(groups, ",", &save); g && u->ngroups < REQ_MAX_GROUPS;
         g = strtok_r(NULL, ",", &save)) {
        while (*g == ' ')
            g++;
        if (*g)
            snprintf(u->groups[u->ngroups++], sizeof(u->groups[0]), "%s", g);
    }
}

static int add_line(struct tokenfile *tf, const char *line, char *errbuf, size_t n, int lineno)
{
    char *buf = xmalloc(strlen(line) + 1), *f[MAX_FIELDS + 1];
    int nf = split_csv(line, buf, f);
    struct token *t;

    if (nf < 3) {
        snprintf(errbuf, n, "line %d: expected token,user,uid[,groups]", lineno);
        free(buf);
        return -1;
    }
    if (!f[0][0] || !f[1][0]) {
        snprintf(errbuf, n, "line %d: empty token or user name", lineno);
        free(buf);
        return -1;
    }
    tf->tokens = xrealloc(tf->tokens, (tf->n + 1) * sizeof(*tf->tokens));
    t = &tf->tokens[tf->n++];
    memset(t, 0, sizeof(*t));
    t->token = xstrdup(f[0]);
    snprintf(t->user.name, sizeof(t->user.name), "%s", f[1]);
    snprintf(t->user.uid, sizeof(t->user.uid), "%s", f[2]);
    if (nf == 4)
        set_groups(&t->user, f[3]);
    free(buf);
    return 0;
}

struct tokenfile *tokenfile_parse(const char *text, char *errbuf, size_t n)
{
    struct tokenfile *tf = xcalloc(1, sizeof(*tf));
    const char *p = text;
    int lineno = 0;

    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char *line = xstrndup(p, len);
        int rc = 0;

        lineno++;
        if (len && line[len - 1] == '\r')
            line[len - 1] = '\0';
        if (line[0] && line[0] != '#')
            rc = add_line(tf, line, errbuf, n, lineno);
        free(line);
        if (rc < 0) {
            tokenfile_free(tf);
            return NULL;
        }
        p = nl ? nl + 1 : p + len;
    }
    return tf;
}

struct tokenfile *tokenfile_load(const char *path, char *errbuf, size_t n)
{
    FILE *f = fopen(path, "r");
    char *text;
    long len;
    struct tokenfile *tf;

    if (!f) {
        snprintf(errbuf, n, "cannot open %s: %m", path);
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    rewind(f);
    text = xcalloc(1, (size_t)(len > 0 ? len : 0) + 1);
    if (len > 0 && fread(text, 1, (size_t)len, f) != (size_t)len) {
        snprintf(errbuf, n, "cannot read %s", path);
        free(text);
        fclose(f);
        return NULL;
    }
    fclose(f);
    tf = tokenfile_parse(text, errbuf, n);
    free(text);
    return tf;
}

void tokenfile_free(struct tokenfile *tf)
{
    unsigned i;

    if (!tf)
        return;
    for (i = 0; i < tf->n; i++)
        free(tf->tokens[i].token);
    free(tf->tokens);
    free(tf);
}

int tokenfile_lookup(const struct tokenfile *tf, const char *token, struct req_user *user)
{
    size_t len = strlen(token);
    unsigned i;

    for (i = 0; tf && i < tf->n; i++) {
        const char *t = tf->tokens[i].token;

        if (strlen(t) == len && CRYPTO_memcmp(t, token, len) == 0) {
            *user = tf->tokens[i].user;
            return 0;
        }
    }
    return -1;
}
