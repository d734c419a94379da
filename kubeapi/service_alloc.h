/* Service cluster IPs and node ports: kube's ipallocator and portallocator, as bitmaps over the
 * --service-cluster-ip-range and --service-node-port-range.
 *
 * The allocator is per kube API server and in memory; it is authoritative for what may be handed
 * out next, so that two creates in one loop turn (whose writes are not visible to reads until
 * the turn commits) never get the same address. It is rebuilt from the stored services at start
 * (svc_alloc_attach) and follows the store's event bus afterwards: what a committed write or
 * delete stops using (a deleted service, a NodePort service turned ClusterIP) is released only
 * once that write is durable, whoever made it (a client, the namespace controller, ...). */
#ifndef KUBEAPI_SERVICE_ALLOC_H
#define KUBEAPI_SERVICE_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "generic/apis/apierr.h"

struct json_object;
struct storage;
struct svc_alloc;

#define SVC_DEFAULT_CIDR  "10.0.0.0/24"
#define SVC_DEFAULT_PORTS "30000-32767"

enum svc_alloc_rc {
    SVC_ALLOC_OK = 0,
    SVC_ALLOC_NOT_IN_RANGE, /* outside the range (or not an IPv4 address) */
    SVC_ALLOC_TAKEN,        /* already allocated */
    SVC_ALLOC_FULL,         /* nothing left */
};

/* A new allocator over cidr (an IPv4 CIDR with a mask of /12 to /30; NULL: SVC_DEFAULT_CIDR) and
 * ports ("30000-32767" or "30000+2767"; NULL: SVC_DEFAULT_PORTS); the caller owns it. NULL with
 * err (APIERR_BAD_REQUEST, a message naming the flag) when either does not parse. The range's
 * first address is kept for the `kubernetes` service: never handed out by svc_ip_next. */
struct svc_alloc *svc_alloc_new(const char *cidr, const char *ports, struct apierr *err);
/* Frees a; NULL does nothing. Not for an attached allocator (the store frees that one). */
void svc_alloc_free(struct svc_alloc *a);

/* Marks what the services stored under /registry/services/ hold, then follows the store's
 * events from that revision on. From then on the store owns a: it is freed when the store
 * closes. Returns -1 with err if the store cannot be read (a is still the caller's then). */
int svc_alloc_attach(struct svc_alloc *a, struct storage *st, struct apierr *err);

/* The range as given ("10.0.0.0/24", "30000-32767") and the first address ("10.0.0.1"). */
const char *svc_alloc_cidr(const struct svc_alloc *a);
const char *svc_alloc_port_range(const struct svc_alloc *a);
void svc_alloc_first_ip(const struct svc_alloc *a, char out[16]);

/* Cluster IPs in dotted form. */
enum svc_alloc_rc svc_ip_allocate(struct svc_alloc *a, const char *ip);
enum svc_alloc_rc svc_ip_next(struct svc_alloc *a, char out[16]);
void svc_ip_release(struct svc_alloc *a, const char *ip);
bool svc_ip_allocated(const struct svc_alloc *a, const char *ip);
/* kube's message for a failed svc_ip_allocate of ip: "provided IP is already allocated", ... */
const char *svc_ip_message(const struct svc_alloc *a, enum svc_alloc_rc rc, const char *ip,
                           char *buf, size_t n);

/* Node ports. */
enum svc_alloc_rc svc_port_allocate(struct svc_alloc *a, int port);
enum svc_alloc_rc svc_port_next(struct svc_alloc *a, int *port);
void svc_port_release(struct svc_alloc *a, int port);
bool svc_port_allocated(const struct svc_alloc *a, int port);
const char *svc_port_message(const struct svc_alloc *a, enum svc_alloc_rc rc, char *buf, size_t n);

/* Counts of free addresses and ports (for tests and diagnostics). */
unsigned svc_ip_free_count(const struct svc_alloc *a);
unsigned svc_port_free_count(const struct svc_alloc *a);

/* What a Service object (borrowed) holds: marks its cluster IPs, node ports and health check
 * node port as allocated (idempotent). */
void svc_alloc_mark(struct svc_alloc *a, struct json_object *svc);
/* Releases what had holds and has does not (has NULL: everything had holds). */
void svc_alloc_release_diff(struct svc_alloc *a, struct json_object *had, struct json_object *has);

#endif
