/* Private to the service files of kubeapi/: predicates on Service objects (borrowed json-c
 * objects, any shape) shared by the strategy and its validation. */
#ifndef KUBEAPI_SERVICES_INTERNAL_H
#define KUBEAPI_SERVICES_INTERNAL_H

#include <stddef.h>

#include "generic/apis/apierr.h"

struct json_object;

/* The length of a json array; 0 for anything else (NULL included). */
size_t svc_arr_len(struct json_object *a);
/* The integer at path, 0 when absent or not an integer. */
int svc_int_at(struct json_object *obj, const char *path);
/* spec.type is type (an absent type counts as ClusterIP). */
int svc_is_type(struct json_object *svc, const char *type);
/* spec.clusterIPs is ["None"]. */
int svc_is_headless(struct json_object *svc);
/* kube's ExternallyAccessible, needsNodePort and NeedsHealthCheck. */
int svc_externally_accessible(struct json_object *svc);
int svc_needs_node_ports(struct json_object *svc);
int svc_needs_health_check(struct json_object *svc);
/* 1 if s is an IPv4 or IPv6 address, 2 if IPv6 only; 0 if neither. */
int svc_ip_kind(const char *s);

/* A FieldValueInvalid cause whose value is shown raw (raw is already formatted, as Go's %#v
 * shows a slice or a struct). */
int svc_invalid_raw(struct apierr *err, const char *field, const char *raw, const char *detail);
/* Go's %#v of the strings of a json array: []string{"a", "b"}. */
void svc_go_strings(struct json_object *arr, char *buf, size_t n);

/* ValidateService and ValidateServiceUpdate, as field causes in err. */
int service_validate_create(struct json_object *obj, struct apierr *err);
int service_validate_update(struct json_object *obj, struct json_object *old, struct apierr *err);

#endif
