#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "generic/auth/tokenfile.h"
#include "generic/filters/filter.h"

/* Paths anonymous requests may reach: kube's public-info-viewer set. */
static const char *const public_paths[] = {"/healthz", "/livez", "/readyz", "/version"};

static int is_public(const char *path)
{
    size_t i;

    for (i = 0; i < sizeof(public_paths) / sizeof(public_paths[0]); i++) {
        size_t n = strlen(public_paths[i]);

        if (strncmp(path, public_paths[i], n) == 0 && (path[n] == '\0' || path[n] == '/'))
            return 1;
    }
    return 0;
}

static void add_group(struct req_user *u, const char *group)
{
    unsigned i;

    for (i = 0; i < u->ngroups; i++) {
        if (strcmp(u->groups[i], group) == 0)
            return;
    }
    if (u->ngroups < REQ_MAX_GROUPS)
        snprintf(u->groups[u->ngroups++], sizeof(u->groups[0]), "%s", group);
}

static enum filter_next unauthorized(struct req *req)
{
    req_fail(req, APIERR_UNAUTHORIZED, "Unauthorized");
    return FILTER_HANDLED;
}

/* The bearer token of an "Authorization: Bearer <token>" header; NULL when there is none. */
static const char *bearer_token(struct req *req)
{
    const char *h = req_header(req, "Authorization");

    if (!h || strncasecmp(h, "Bearer ", 7) != 0)
        return NULL;
    h += 7;
    while (*h == ' ')
        h++;
    return h;
}

int authn_token(const struct authn_config *c, const char *token, const char *const *audiences,
                struct req_user *user, struct apierr *err)
{
    const struct authn_token *a;
    int rc;

    memset(user, 0, sizeof(*user));
    if (!*token)
        return apierr_set(err, APIERR_UNAUTHORIZED, "empty token");
    if (tokenfile_lookup(c->tokens, token, user) == 0) {
        add_group(user, "system:authenticated");
        return 0;
    }
    for (a = c->token_authenticators; a && a->authenticate; a++) {
        memset(user, 0, sizeof(*user));
        rc = a->authenticate(a->arg, token, audiences, user, err);
        if (rc > 0) {
            add_group(user, "system:authenticated");
            return 0;
        }
        if (rc < 0) {
            memset(user, 0, sizeof(*user));
            return -1;
        }
    }
    memset(user, 0, sizeof(*user));
    return apierr_set(err, APIERR_UNAUTHORIZED, "invalid bearer token");
}

enum filter_next filter_authn(struct req *req, void *arg)
{
    const struct authn_config *c = arg;
    const char *token = bearer_token(req);
    struct req_user *u = &req->user;

    memset(u, 0, sizeof(*u));
    if (req->peer_cert && c->cert_identity && c->cert_identity(req->peer_cert, u) == 0) {
        add_group(u, "system:authenticated");
        return FILTER_CONTINUE;
    }
    if (token) {
        /* a token that is presented and unknown is refused, never downgraded to anonymous */
        struct apierr err = {0};

        if (authn_token(c, token, NULL, u, &err) < 0)
            return unauthorized(req);
        return FILTER_CONTINUE;
    }
    if (!c->anonymous || !is_public(req->path))
        return unauthorized(req);
    snprintf(u->name, sizeof(u->name), "system:anonymous");
    add_group(u, "system:unauthenticated");
    return FILTER_CONTINUE;
}
