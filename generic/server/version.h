/* /version: the build and the Kubernetes API level this server implements. */
#ifndef GENERIC_SERVER_VERSION_H
#define GENERIC_SERVER_VERSION_H

struct server;
struct json_object;

/* The Kubernetes API level we implement; kubectl's dispatcher picks its client by the minor. */
#define KUBE_VERSION_MAJOR "1"
#define KUBE_VERSION_MINOR "32"
#define KUBE_GIT_VERSION   "v1.32.0-capiserver"

/* A new version.Info object (kube's shape) the caller owns. */
struct json_object *server_version_info(void);
/* Installs GET /version in s's mux. */
void server_install_version(struct server *s);

#endif
