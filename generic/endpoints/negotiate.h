/* Content negotiation: what an Accept header asks for, in kube's terms. */
#ifndef GENERIC_ENDPOINTS_NEGOTIATE_H
#define GENERIC_ENDPOINTS_NEGOTIATE_H

enum negotiated {
    NEG_JSON,              /* application/json; also any-type wildcards and no Accept */
    NEG_TABLE,             /* application/json;as=Table;g=meta.k8s.io;v=v1 (or v1beta1) */
    NEG_PROTOBUF,          /* application/vnd.kubernetes.protobuf */
    NEG_DISCOVERY_V2,      /* application/json;as=APIGroupDiscoveryList;g=apidiscovery.k8s.io;v=v2 */
    NEG_DISCOVERY_V2BETA1, /* the same with v=v2beta1 */
    NEG_NONE,              /* nothing we can produce: 406 */
};

enum negotiate_allow {
    NEG_ALLOW_TABLE = 1 << 0,
    NEG_ALLOW_PROTOBUF = 1 << 1,
    NEG_ALLOW_DISCOVERY = 1 << 2,
};

/* The first media type of accept (NULL = JSON) that the endpoint can produce, honouring the
 * order of the header and q=0; allow says which beyond plain JSON this endpoint offers. */
enum negotiated negotiate(const char *accept, unsigned allow);

#endif
