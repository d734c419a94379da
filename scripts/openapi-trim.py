#!/usr/bin/env python3
"""Derives our OpenAPI v3 schema tables from the upstream Kubernetes documents.

Run by developers, not at build time; the output is checked in and embedded into the binary
(cmake/embed.cmake). For each group/version it writes {"components":{"schemas":{...}}},
minified, holding the schemas of the document's kinds (those carrying
x-kubernetes-group-version-kind) and everything they reference. Field names, types, formats,
required lists, enums, defaults, $ref/allOf and every x-kubernetes-* extension are kept; the
upstream descriptions and paths are dropped (the server generates its own paths). Top-level
kinds get a one-line description of our own where we wrote one (KIND_DESCRIPTIONS).

usage: scripts/openapi-trim.py [REFERENCE_DIR [OUTPUT_ROOT]]
  REFERENCE_DIR defaults to ../shared/reference/openapi/v3 next to the repository,
  OUTPUT_ROOT to the repository root.
"""
import json
import os
import sys

# (upstream document under v3/, output file under the repository root)
DOCUMENTS = [
    ("api/v1.json", "kubeapi/openapi/core_v1.json"),
    ("apis/apps/v1.json", "kubeapi/openapi/apps_v1.json"),
    ("apis/autoscaling/v1.json", "kubeapi/openapi/autoscaling_v1.json"),
    ("apis/batch/v1.json", "kubeapi/openapi/batch_v1.json"),
    ("apis/networking.k8s.io/v1.json", "kubeapi/openapi/networking.k8s.io_v1.json"),
    ("apis/rbac.authorization.k8s.io/v1.json",
     "kubeapi/openapi/rbac.authorization.k8s.io_v1.json"),
    ("apis/authorization.k8s.io/v1.json", "kubeapi/openapi/authorization.k8s.io_v1.json"),
    ("apis/authentication.k8s.io/v1.json", "kubeapi/openapi/authentication.k8s.io_v1.json"),
    ("apis/policy/v1.json", "kubeapi/openapi/policy_v1.json"),
    ("apis/coordination.k8s.io/v1.json", "kubeapi/openapi/coordination.k8s.io_v1.json"),
    ("apis/events.k8s.io/v1.json", "kubeapi/openapi/events.k8s.io_v1.json"),
    ("apis/discovery.k8s.io/v1.json", "kubeapi/openapi/discovery.k8s.io_v1.json"),
    ("apis/storage.k8s.io/v1.json", "kubeapi/openapi/storage.k8s.io_v1.json"),
    ("apis/scheduling.k8s.io/v1.json", "kubeapi/openapi/scheduling.k8s.io_v1.json"),
    ("apis/node.k8s.io/v1.json", "kubeapi/openapi/node.k8s.io_v1.json"),
    ("apis/certificates.k8s.io/v1.json", "kubeapi/openapi/certificates.k8s.io_v1.json"),
    ("apis/admissionregistration.k8s.io/v1.json",
     "kubeapi/openapi/admissionregistration.k8s.io_v1.json"),
    ("apis/apiextensions.k8s.io/v1.json", "extensions/openapi/apiextensions.k8s.io_v1.json"),
    ("apis/apiregistration.k8s.io/v1.json", "aggregator/openapi/apiregistration.k8s.io_v1.json"),
]

REF_PREFIX = "#/components/schemas/"

# Our own one-line descriptions for the kinds people explain most; kubectl explain prints an
# empty DESCRIPTION for the others.
KIND_DESCRIPTIONS = {
    "io.k8s.api.core.v1.Pod": "A group of containers scheduled together onto one node.",
    "io.k8s.api.core.v1.Service": "A stable network address and load balancer for a set of pods.",
    "io.k8s.api.core.v1.ConfigMap": "Non-secret configuration data as key/value pairs.",
    "io.k8s.api.core.v1.Secret": "Sensitive data (passwords, tokens, keys) as key/value pairs.",
    "io.k8s.api.core.v1.Namespace": "A scope for names; most objects live in one namespace.",
    "io.k8s.api.core.v1.Node": "A machine (physical or virtual) that runs pods.",
    "io.k8s.api.core.v1.ServiceAccount": "An identity for processes that run in pods.",
    "io.k8s.api.core.v1.Endpoints": "The network addresses that back a service.",
    "io.k8s.api.core.v1.Event": "A report of something that happened to an object.",
    "io.k8s.api.core.v1.PersistentVolume": "A piece of storage provisioned in the cluster.",
    "io.k8s.api.core.v1.PersistentVolumeClaim": "A request for storage by a user.",
    "io.k8s.api.core.v1.LimitRange": "Default and maximum resource limits in a namespace.",
    "io.k8s.api.core.v1.ResourceQuota": "Limits on aggregate resource use in a namespace.",
    "io.k8s.api.core.v1.ReplicationController": "Keeps a number of pod replicas running.",
    "io.k8s.api.core.v1.PodTemplate": "A template from which pods are created.",
    "io.k8s.api.apps.v1.Deployment": "Declarative, rolling updates for pods and replica sets.",
    "io.k8s.api.apps.v1.ReplicaSet": "Keeps a number of identical pod replicas running.",
    "io.k8s.api.apps.v1.StatefulSet": "Pods with stable identities and storage, run in order.",
    "io.k8s.api.apps.v1.DaemonSet": "Runs a copy of a pod on every eligible node.",
    "io.k8s.api.apps.v1.ControllerRevision": "An immutable snapshot of a controller's state.",
    "io.k8s.api.batch.v1.Job": "Runs pods until a number of them complete successfully.",
    "io.k8s.api.batch.v1.CronJob": "Creates jobs on a repeating schedule.",
    "io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler":
        "Scales a workload's replicas to a target CPU utilization.",
    "io.k8s.api.autoscaling.v1.Scale": "The desired and observed replica count of a resource.",
    "io.k8s.api.networking.v1.Ingress": "HTTP routing from outside the cluster to services.",
    "io.k8s.api.networking.v1.IngressClass": "The controller that implements an ingress.",
    "io.k8s.api.networking.v1.NetworkPolicy": "Which traffic pods may send and receive.",
    "io.k8s.api.rbac.v1.Role": "A set of permissions within a namespace.",
    "io.k8s.api.rbac.v1.ClusterRole": "A set of permissions, cluster-wide or reusable.",
    "io.k8s.api.rbac.v1.RoleBinding": "Grants a role's permissions to subjects in a namespace.",
    "io.k8s.api.rbac.v1.ClusterRoleBinding": "Grants a cluster role to subjects cluster-wide.",
    "io.k8s.api.policy.v1.PodDisruptionBudget":
        "Limits how many pods of a set may be down at once by voluntary disruptions.",
    "io.k8s.api.coordination.v1.Lease": "A lock with a holder and a renewal time.",
    "io.k8s.api.storage.v1.StorageClass": "A class of storage that volumes are provisioned from.",
    "io.k8s.api.scheduling.v1.PriorityClass": "A named pod priority.",
    "io.k8s.api.discovery.v1.EndpointSlice": "A subset of the endpoints that back a service.",
    "io.k8s.api.certificates.v1.CertificateSigningRequest":
        "A request to have a certificate signed.",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition":
        "Defines a custom resource type served by this server.",
    "io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIService":
        "Says which server serves an API group/version.",
}


def strip(schema):
    """A copy of schema without descriptions, descending only into subschemas."""
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key, val in schema.items():
        if key == "description":
            continue
        if key == "properties":
            val = {name: strip(sub) for name, sub in val.items()}
        elif key in ("items", "not") or (key == "additionalProperties" and
                                         isinstance(val, dict)):
            val = strip(val)
        elif key in ("allOf", "anyOf", "oneOf"):
            val = [strip(sub) for sub in val]
        out[key] = val
    return out


def refs(node, found):
    """Collects the component names node references, anywhere below it."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(REF_PREFIX):
            found.add(ref[len(REF_PREFIX):])
        for val in node.values():
            refs(val, found)
    elif isinstance(node, list):
        for val in node:
            refs(val, found)


def reachable(schemas):
    todo = [name for name, s in schemas.items() if "x-kubernetes-group-version-kind" in s]
    seen = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name not in schemas:
            sys.exit("dangling $ref to %s" % name)
        seen.add(name)
        found = set()
        refs(schemas[name], found)
        todo.extend(found - seen)
    return seen


def trim(src):
    with open(src) as f:
        schemas = json.load(f)["components"]["schemas"]
    keep = reachable(schemas)
    out = {}
    for name in sorted(keep):
        s = strip(schemas[name])
        if name in KIND_DESCRIPTIONS:
            s = dict(description=KIND_DESCRIPTIONS[name], **s)
        out[name] = s
    return {"components": {"schemas": out}}, len(schemas)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    ref = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        root, "..", "shared", "reference", "openapi", "v3")
    outroot = sys.argv[2] if len(sys.argv) > 2 else root
    total = 0
    for src, dst in DOCUMENTS:
        doc, upstream = trim(os.path.join(ref, src))
        data = json.dumps(doc, separators=(",", ":"), ensure_ascii=False) + "\n"
        path = os.path.join(outroot, dst)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(data)
        total += len(data.encode())
        print("%-52s %4d of %4d schemas %8d bytes" % (
            dst, len(doc["components"]["schemas"]), upstream, len(data.encode())))
    print("total %d bytes" % total)


if __name__ == "__main__":
    main()
