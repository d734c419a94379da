#include <json-c/json.h>

#include "generic/server/server.h"
#include "generic/server/version.h"

#ifndef KUBE_BUILD_DATE
#define KUBE_BUILD_DATE "1970-01-01T00:00:00Z"
#endif
#ifndef KUBE_GIT_COMMIT
#define KUBE_GIT_COMMIT "0000000000000000000000000000000000000000"
#endif

static void add(struct json_object *o, const char *k, const char *v)
{
    json_object_object_add(o, k, json_object_new_string(v));
}

struct json_object *server_version_info(void)
{
    struct json_object *o = json_object_new_object();

    add(o, "major", KUBE_VERSION_MAJOR);
    add(o, "minor", KUBE_VERSION_MINOR);
    add(o, "gitVersion", KUBE_GIT_VERSION);
    add(o, "gitCommit", KUBE_GIT_COMMIT);
    add(o, "gitTreeState", "clean");
    add(o, "buildDate", KUBE_BUILD_DATE);
#if defined(__clang__)
    add(o, "goVersion", "clang " __clang_version__);
#elif defined(__GNUC__)
    add(o, "goVersion", "gcc " __VERSION__);
#else
    add(o, "goVersion", "c");
#endif
    add(o, "compiler", "c");
#if defined(__x86_64__)
    add(o, "platform", "linux/amd64");
#elif defined(__aarch64__)
    add(o, "platform", "linux/arm64");
#else
    add(o, "platform", "linux/unknown");
#endif
    return o;
}

static void serve_version(struct req *req, void *arg)
{
    struct json_object *info = server_version_info();

    (void)arg;
    req_reply_json(req, 200, info);
    json_object_put(info);
}

void server_install_version(struct server *s)
{
    server_handle(s, "/version", serve_version, NULL);
}
