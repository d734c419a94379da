#!/usr/bin/env python3
"""Generates generic/protobuf/tables_gen.c, the message tables of the protobuf codec.

Run by developers when the reference protos change, never at build time; the output is checked in.

    scripts/proto-tables.py [--ref ../shared/reference] [--go-src DIR] [-o generic/protobuf/tables_gen.c]

Inputs, and the facts kept from each:
  * <ref>/proto/**/generated.proto: message names, field names, numbers and types.
  * <ref>/openapi/v3/**.json: the JSON names (checked against the proto names; an embedded Go
    struct shows up as a proto field whose own fields sit in the parent's properties, and is marked
    inline) and the (group, version, kind) of each top-level message.
  * --go-src DIR (optional, a tree of k8s.io/{api,apimachinery,apiextensions-apiserver,
    kube-aggregator} Go sources): which scalar fields are Go pointers (an explicit zero is
    meaningful there, so the decoder keeps it) and which have no omitempty (kube's JSON prints their
    zero, so the decoder does too); named slice types (`type Verbs []string`). Without it every
    scalar zero is dropped on decode and the tables say so in their header.

The checked-in tables were made with Go sources: a tree holding the types*.go files of the
kubernetes/api, apimachinery (pkg/apis/meta/v1, pkg/runtime, pkg/util/intstr, pkg/api/resource),
apiextensions-apiserver (pkg/apis/apiextensions/v1) and kube-aggregator (pkg/apis/apiregistration/v1)
repositories, laid out by import path (DIR/k8s.io/api/core/v1/types.go, ...). Nothing of them is
copied into the output but the facts above.

Mismatches between the proto names and the OpenAPI/Go JSON names are listed on stderr and in the
generated file's header.
"""
import argparse
import glob
import json
import os
import re
import sys

# The groups the servers serve; a file missing under <ref>/proto is skipped.
PROTO_FILES = [
    "k8s.io/apimachinery/pkg/runtime/generated.proto",
    "k8s.io/apimachinery/pkg/util/intstr/generated.proto",
    "k8s.io/apimachinery/pkg/api/resource/generated.proto",
    "k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto",
    "k8s.io/api/core/v1/generated.proto",
    "k8s.io/api/apps/v1/generated.proto",
    "k8s.io/api/autoscaling/v1/generated.proto",
    "k8s.io/api/autoscaling/v2/generated.proto",
    "k8s.io/api/batch/v1/generated.proto",
    "k8s.io/api/networking/v1/generated.proto",
    "k8s.io/api/rbac/v1/generated.proto",
    "k8s.io/api/authorization/v1/generated.proto",
    "k8s.io/api/authentication/v1/generated.proto",
    "k8s.io/api/policy/v1/generated.proto",
    "k8s.io/api/coordination/v1/generated.proto",
    "k8s.io/api/events/v1/generated.proto",
    "k8s.io/api/discovery/v1/generated.proto",
    "k8s.io/api/storage/v1/generated.proto",
    "k8s.io/api/scheduling/v1/generated.proto",
    "k8s.io/api/node/v1/generated.proto",
    "k8s.io/api/certificates/v1/generated.proto",
    "k8s.io/api/admissionregistration/v1/generated.proto",
    "k8s.io/api/flowcontrol/v1/generated.proto",
    "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1/generated.proto",
    "k8s.io/kube-aggregator/pkg/apis/apiregistration/v1/generated.proto",
]

META = "k8s.io.apimachinery.pkg.apis.meta.v1."
# Messages whose JSON form is not an object of their fields (custom MarshalJSON in Go).
SPECIAL = {
    META + "Time": "PBS_TIME",
    META + "MicroTime": "PBS_MICROTIME",
    META + "Duration": "PBS_DURATION",
    META + "FieldsV1": "PBS_FIELDSV1",
    "k8s.io.apimachinery.pkg.api.resource.Quantity": "PBS_QUANTITY",
    "k8s.io.apimachinery.pkg.api.resource.QuantityValue": "PBS_QUANTITY",
    "k8s.io.apimachinery.pkg.util.intstr.IntOrString": "PBS_INTORSTRING",
    "k8s.io.apimachinery.pkg.runtime.RawExtension": "PBS_RAWEXT",
    "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSON": "PBS_JSON",
    "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray":
        "PBS_PROPS_OR_ARRAY",
    "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool":
        "PBS_PROPS_OR_BOOL",
    "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray":
        "PBS_PROPS_OR_STRINGS",
}
# Named slice types (`type Verbs []string`), used when --go-src is not given.
LIST_WRAPPERS = {"Verbs", "ExtraValue", "AttestationValue"}
# meta/v1 kinds every group version registers (metav1.AddToGroupVersion): any apiVersion matches.
META_ANY_VERSION = ["APIGroup", "APIGroupList", "APIResourceList", "APIVersions", "CreateOptions",
                    "DeleteOptions", "GetOptions", "ListOptions", "PatchOptions", "Status",
                    "UpdateOptions", "WatchEvent"]
# The API group of each k8s.io/api package.
GROUPS = {"core": "", "apps": "apps", "autoscaling": "autoscaling", "batch": "batch",
          "policy": "policy", "flowcontrol": "flowcontrol.apiserver.k8s.io"}
for _g in ("networking", "authorization", "authentication", "coordination", "events", "discovery",
           "storage", "scheduling", "node", "certificates", "admissionregistration"):
    GROUPS[_g] = _g + ".k8s.io"
GROUPS["rbac"] = "rbac.authorization.k8s.io"
SCALARS = {"string": "PBK_STRING", "bytes": "PBK_BYTES", "bool": "PBK_BOOL",
           "int32": "PBK_INT32", "int64": "PBK_INT64", "double": "PBK_DOUBLE"}

FIELD_RE = re.compile(r"^\s*(optional|repeated)\s+([\w.]+)\s+(\w+)\s*=\s*(\d+)\s*;")
MAP_RE = re.compile(r"^\s*map<\s*string\s*,\s*([\w.]+)\s*>\s+(\w+)\s*=\s*(\d+)\s*;")


def parse_proto(path):
    """Returns (package, {name: [field dict]})."""
    pkg, msgs, cur = None, {}, None
    for line in open(path, encoding="utf-8"):
        line = line.split("//", 1)[0]
        m = re.match(r"^\s*package\s+([\w.]+)\s*;", line)
        if m:
            pkg = m.group(1)
            continue
        m = re.match(r"^\s*message\s+(\w+)\s*\{", line)
        if m:
            cur = msgs.setdefault(m.group(1), [])
            continue
        m = FIELD_RE.match(line)
        if m and cur is not None:
            cur.append({"label": m.group(1), "type": m.group(2), "name": m.group(3),
                        "num": int(m.group(4)), "map": False})
            continue
        m = MAP_RE.match(line)
        if m and cur is not None:
            cur.append({"label": "repeated", "type": m.group(1), "name": m.group(2),
                        "num": int(m.group(3)), "map": True})
            continue
        if re.match(r"^\s*}", line):
            cur = None
    return pkg, msgs


def resolve(pkg, typ, known):
    if typ in SCALARS:
        return typ
    if typ.startswith("."):
        return typ[1:]
    if pkg + "." + typ in known:
        return pkg + "." + typ
    sys.exit("unresolved type %s in %s" % (typ, pkg))


def openapi_schemas(ref):
    schemas = {}
    for path in glob.glob(os.path.join(ref, "openapi", "v3", "**", "*.json"), recursive=True):
        doc = json.load(open(path, encoding="utf-8"))
        for name, sch in doc.get("components", {}).get("schemas", {}).items():
            if not name.startswith("io.k8s."):
                continue
            full = "k8s.io." + name[len("io.k8s."):].replace("-", "_")
            schemas.setdefault(full, sch)
    return schemas


GO_FIELD_RE = re.compile(r"^\s*(\w+\s+)?(\*?)([\w.\[\]*]+)\s+`([^`]*)`")


def go_tag(tag, key):
    m = re.search(key + r':"([^"]*)"', tag)
    return m.group(1) if m else None


def parse_go(root):
    """{(package, message): {proto field name: info}} and the set of named []string types."""
    structs, slices = {}, set()
    for path in glob.glob(os.path.join(root, "**", "*.go"), recursive=True):
        if path.endswith("_test.go"):
            continue
        rel = os.path.relpath(os.path.dirname(path), root)
        pkg = rel.replace("/", ".").replace("-", "_")
        cur = None
        for line in open(path, encoding="utf-8"):
            m = re.match(r"^type (\w+) \[\]string\b", line)
            if m:
                slices.add(pkg + "." + m.group(1))
            m = re.match(r"^type (\w+) struct \{", line)
            if m:
                cur = structs.setdefault(pkg + "." + m.group(1), {})
                continue
            if line.startswith("}"):
                cur = None
                continue
            m = GO_FIELD_RE.match(line)
            if cur is None or not m or "protobuf:" not in m.group(4):
                continue
            tag, pb = m.group(4), go_tag(m.group(4), "protobuf") or ""
            pm = re.search(r"name=(\w+)", pb)
            nm = re.match(r"\w+,(\d+),", pb)
            if not nm:
                continue
            pname = pm.group(1) if pm else "#" + nm.group(1)  # by number when unnamed
            jt = go_tag(tag, "json")
            js = jt.split(",") if jt is not None else [pname]
            embedded = m.group(1) is None
            cur[pname] = {"json": js[0] or pname, "omitempty": "omitempty" in js[1:],
                          "inline": embedded and (js[0] == "" or "inline" in js[1:]),
                          "ptr": m.group(2) == "*"}
    return structs, slices


def norm(s):
    return re.sub(r"[^a-z0-9]", "", s.lower())


class Gen:
    def __init__(self, ref, go_src):
        self.msgs = {}  # full name -> fields
        for rel in PROTO_FILES:
            path = os.path.join(ref, "proto", rel)
            if not os.path.exists(path):
                print("skipped (missing): " + rel, file=sys.stderr)
                continue
            pkg, msgs = parse_proto(path)
            for name, fields in msgs.items():
                self.msgs[pkg + "." + name] = (pkg, fields)
        self.notes = []
        for full, (pkg, fields) in self.msgs.items():
            for f in fields:
                f["type"] = resolve(pkg, f["type"], self.msgs)
            # A field of a message from a file we do not read (an alpha group) is left out:
            # the decoder skips it as an unknown field.
            for f in [f for f in fields if f["type"] not in SCALARS and f["type"] not in self.msgs]:
                self.notes.append("%s.%s: left out (type %s not read)" % (full, f["name"], f["type"]))
                fields.remove(f)
        self.schemas = openapi_schemas(ref)
        self.go, self.slices = parse_go(go_src) if go_src else ({}, set())
        self.go_src = go_src
        self.names = sorted(self.msgs)
        self.index = {n: i for i, n in enumerate(self.names)}

    def special(self, full):
        if full in SPECIAL:
            return SPECIAL[full]
        fields = self.msgs[full][1]
        short = full.rsplit(".", 1)[1]
        wrapper = full in self.slices if self.go_src else short in LIST_WRAPPERS
        if wrapper and len(fields) == 1 and fields[0]["name"] == "items":
            return "PBS_LIST"
        return "PBS_NONE"

    def go_field(self, full, f):
        st = self.go.get(full, {})
        return st.get(f["name"], st.get("#%d" % f["num"]))

    def props(self, full):
        sch = self.schemas.get(full)
        return set(sch.get("properties", {})) if sch else None

    def json_name(self, full, f):
        """(json name, inline) for one field, from Go if known, checked against OpenAPI."""
        go = self.go_field(full, f)
        props = self.props(full)
        if go is not None:
            inline = go["inline"]
            if inline:
                self.notes.append("%s.%s: inline (embedded Go struct)" % (full, f["name"]))
            name = f["name"] if inline else go["json"]
            if name != f["name"] and not inline:
                self.notes.append("%s.%s: JSON name %r (Go tag)" % (full, f["name"], name))
            if props is not None and not inline and name not in props and name != "-":
                self.notes.append("%s.%s: %r not in OpenAPI (newer field?)" % (full, f["name"], name))
            return name, inline
        return self.json_name_openapi(full, f, props)

    def json_name_openapi(self, full, f, props):
        name = f["name"]
        if props is None or name in props:
            return name, False
        sub = self.msgs.get(f["type"])
        inner = {g["name"] for g in sub[1]} if sub else set()
        # Newer fields of the embedded struct may be missing from an older document: a majority.
        if f["label"] == "optional" and inner and 2 * len(inner & props) > len(inner):
            self.notes.append("%s.%s: inline (fields in parent's OpenAPI)" % (full, name))
            return name, True
        for p in props:
            if norm(p) == norm(name):
                self.notes.append("%s.%s: JSON name %r (OpenAPI)" % (full, name, p))
                return p, False
        self.notes.append("%s.%s: not in OpenAPI (newer field?)" % (full, name))
        return name, False

    def flags(self, full, f, inline):
        out = []
        if f["label"] == "repeated" and not f["map"]:
            out.append("PBF_REPEATED")
        if inline:
            out.append("PBF_INLINE")
        go = self.go_field(full, f)
        if go is not None and f["label"] == "optional" and not inline:
            scalarish = f["type"] in SCALARS or self.special(f["type"]) in (
                "PBS_INTORSTRING", "PBS_QUANTITY")
            keep = go["ptr"] or (f["type"] in ("int32", "int64", "bool", "double")
                                 and not go["omitempty"])
            if scalarish and keep:
                out.append("PBF_KEEPZERO")
        return " | ".join(out) or "0"

    def field_row(self, full, f):
        name, inline = self.json_name(full, f)
        if f["map"]:
            kind = "PBK_MAP"
            val = SCALARS.get(f["type"], "PBK_MESSAGE")
        else:
            kind = SCALARS.get(f["type"], "PBK_MESSAGE")
            val = "0"
        ref = self.index[f["type"]] if f["type"] in self.index else 0
        return '    {"%s", %d, %s, %s, %s, %d},' % (name, f["num"], kind, val,
                                                   self.flags(full, f, inline), ref)

    def gvks(self):
        rows = {}
        for full in self.names:
            sch = self.schemas.get(full, {})
            short = full.rsplit(".", 1)[1]
            if full.startswith(META) and short in META_ANY_VERSION:
                rows[("*", short)] = self.index[full]
                continue
            for g in sch.get("x-kubernetes-group-version-kind", []):
                api = g["version"] if not g["group"] else g["group"] + "/" + g["version"]
                if full.startswith(META) or g["kind"] != short:
                    continue
                if self.version_of(full) == g["version"]:
                    rows[(api, g["kind"])] = self.index[full]
        for full in self.names:
            short = full.rsplit(".", 1)[1]
            api = self.api_version(full)
            lst = self.msgs.get(full + "List")
            if api and lst and self.has_meta(full, "ObjectMeta") and self.has_meta(full + "List",
                                                                                    "ListMeta"):
                for kind, msg in ((short, full), (short + "List", full + "List")):
                    if (api, kind) not in rows:
                        self.notes.append("%s: kind %s %s (has a List; not in OpenAPI)" %
                                          (msg, api, kind))
                        rows[(api, kind)] = self.index[msg]
        for short in ("PartialObjectMetadata", "PartialObjectMetadataList"):
            rows[("meta.k8s.io/v1", short)] = self.index[META + short]
        return sorted(rows.items())

    def has_meta(self, full, meta):
        return any(f["num"] == 1 and f["type"] == META + meta for f in self.msgs[full][1])

    @staticmethod
    def api_version(full):
        m = re.match(r"k8s\.io\.api\.(\w+)\.(v\w+)\.\w+$", full)
        if m:
            group = GROUPS.get(m.group(1))
            return None if group is None else (group + "/" if group else "") + m.group(2)
        m = re.match(r"k8s\.io\.\w+\.pkg\.apis\.(\w+)\.(v\w+)\.\w+$", full)
        if m and m.group(1) in ("apiextensions", "apiregistration"):
            return "%s.k8s.io/%s" % (m.group(1), m.group(2))
        return None

    @staticmethod
    def version_of(full):
        return full.rsplit(".", 2)[1]

    def emit(self, out):
        w = out.write
        rows = {}
        for full in self.names:
            fields = sorted(self.msgs[full][1], key=lambda f: f["num"])
            rows[full] = [self.field_row(full, f) for f in fields]
        gv = self.gvks()
        w("/* Generated by scripts/proto-tables.py from the upstream generated.proto files and\n"
          " * OpenAPI v3 documents%s. DO NOT EDIT.\n *\n" %
          (" and Go type sources" if self.go_src else " (no Go sources: zeros dropped)"))
        w(" * Inputs:\n")
        for rel in PROTO_FILES:
            w(" *   %s\n" % rel)
        w(" *\n * JSON names that differ from the proto names, and fields OpenAPI lacks:\n")
        for n in self.notes:
            w(" *   %s\n" % n.replace("*/", "* /"))
        w(" */\n#include \"generic/protobuf/tables.h\"\n\n")
        for full in self.names:
            if rows[full]:
                w("static const struct pb_field f%d[] = { /* %s */\n" % (self.index[full], full))
                w("\n".join(rows[full]) + "\n};\n\n")
        w("const struct pb_message pb_messages[] = {\n")
        for full in self.names:
            i = self.index[full]
            fl = "f%d" % i if rows[full] else "NULL"
            w('    {"%s", %s, %d, %s}, /* %d */\n' % (full, self.special(full), len(rows[full]),
                                                     fl, i))
        w("};\nconst unsigned pb_nmessages = %d;\n\n" % len(self.names))
        w("/* Sorted by (apiVersion, kind); \"*\" matches any apiVersion. */\n")
        w("const struct pb_kind_entry pb_kinds[] = {\n")
        for (api, kind), i in gv:
            w('    {"%s", "%s", %d},\n' % (api, kind, i))
        w("};\nconst unsigned pb_nkinds = %d;\n" % len(gv))
        print("%d messages, %d fields, %d kinds, %d notes" %
              (len(self.names), sum(len(r) for r in rows.values()), len(gv), len(self.notes)),
              file=sys.stderr)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ref", default=os.path.join(here, "..", "..", "shared", "reference"))
    ap.add_argument("--go-src", help="root holding k8s.io/api/... Go type sources")
    ap.add_argument("-o", "--output",
                    default=os.path.join(here, "..", "generic", "protobuf", "tables_gen.c"))
    args = ap.parse_args()
    gen = Gen(args.ref, args.go_src)
    with open(args.output, "w", encoding="utf-8") as out:
        gen.emit(out)


if __name__ == "__main__":
    main()
