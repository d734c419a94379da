# End-to-end: the REST machinery as kubectl users see it, on namespaces and configmaps.
. "$(dirname "$0")/lib.sh"

D="$TMPROOT/data"
start_server "$D" || { fail "server did not start"; finish; }
M="$TMPROOT/m"
mkdir -p "$M"

cat >"$M/app.yaml" <<'YAML'
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: web
  namespace: shop
  labels: {app: web, tier: front}
data:
  color: blue
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: api
  namespace: shop
  labels: {app: api}
data:
  color: red
YAML
out=$(kc apply -f "$M/app.yaml" 2>&1)
expect_contains "apply creates the namespace" "$out" "namespace/shop created"
expect_contains "apply creates a configmap" "$out" "configmap/web created"
out=$(kc apply -f "$M/app.yaml" 2>&1)
expect_contains "apply again is unchanged" "$out" "configmap/web unchanged"
sed 's/color: blue/color: green/' "$M/app.yaml" >"$M/app2.yaml"
out=$(kc apply -f "$M/app2.yaml" 2>&1)
expect_contains "apply a change configures" "$out" "configmap/web configured"
expect_eq "the change is stored" "$(kc get cm web -n shop -o jsonpath='{.data.color}')" "green"

out=$(kc get ns 2>&1)
for ns in default kube-system kube-public kube-node-lease shop; do
    expect_contains "namespace $ns exists" "$out" "$ns "
done
out=$(kc get cm -n shop 2>&1)
expect_contains "get prints kube's columns" "$out" "NAME   DATA   AGE"
out=$(kc get cm -A --show-labels 2>&1)
expect_contains "get -A --show-labels" "$out" "app=web,tier=front"
expect_contains "get -A has the namespace column" "$out" "NAMESPACE"
out=$(kc get cm -n shop -L app 2>&1)
expect_contains "get -L app" "$out" "APP"
out=$(kc get cm -n shop --sort-by=.metadata.name -o name 2>&1)
expect_eq "--sort-by" "$(echo "$out" | tr '\n' ' ')" "configmap/api configmap/web "
expect_eq "-l selects" "$(kc get cm -n shop -l 'app in (web)' -o name)" "configmap/web"
expect_eq "--field-selector selects" "$(kc get cm -n shop --field-selector metadata.name=api -o name)" \
    "configmap/api"
expect_contains "-o yaml" "$(kc get cm web -n shop -o yaml)" "resourceVersion:"
expect_eq "-o jsonpath" "$(kc get cm web -n shop -o jsonpath='{.metadata.labels.tier}')" "front"
expect_contains "-o json" "$(kc get cm web -n shop -o json)" '"kind": "ConfigMap"'

# patches of the three types, label and annotate
expect_contains "label" "$(kc label cm web -n shop stage=prod 2>&1)" "configmap/web labeled"
expect_contains "annotate" "$(kc annotate cm web -n shop note=hi 2>&1)" "configmap/web annotated"
kc patch cm web -n shop -p '{"data":{"size":"L"}}' >/dev/null 2>&1
kc patch cm web -n shop --type=merge -p '{"data":{"color":null}}' >/dev/null 2>&1
kc patch cm web -n shop --type=json -p '[{"op":"add","path":"/data/shape","value":"round"}]' \
    >/dev/null 2>&1
expect_eq "strategic, merge and json patches apply" \
    "$(kc get cm web -n shop -o jsonpath='{.data}')" '{"shape":"round","size":"L"}'
out=$(kc patch cm web -n shop --type=json -p '[{"op":"test","path":"/data/size","value":"S"}]' 2>&1)
expect_contains "a failing json patch test is Invalid" "$out" "The request is invalid"

# edit with a scripted editor
printf '#!/bin/sh\nsed -i "s/size: L/size: XL/" "$1"\n' >"$M/editor.sh"
chmod +x "$M/editor.sh"
out=$(EDITOR="$M/editor.sh" kc edit cm web -n shop 2>&1)
expect_contains "edit" "$out" "configmap/web edited"
expect_eq "edit is stored" "$(kc get cm web -n shop -o jsonpath='{.data.size}')" "XL"

# watch: a line appears when another client changes the object
kc get cm -n shop -w >"$M/watch.out" 2>&1 &
WPID=$!
# the watch resumes from the list's resourceVersion: once the rows are printed, a change made
# now is seen even if the watch request itself is still on its way
wait_for() {
    i=0
    while [ $i -lt 100 ] && [ "$(grep -c "$1" "$M/watch.out")" -lt "$2" ]; do
        sleep 0.1
        i=$((i + 1))
    done
}
wait_for '^api ' 1
kc label cm api -n shop watched=yes >/dev/null 2>&1
wait_for '^api ' 2
kill "$WPID" 2>/dev/null
wait "$WPID" 2>/dev/null
expect_eq "get -w prints the initial rows and one line per change" "$(grep -c '^api ' "$M/watch.out")" "2"

# errors, worded as kube words them
out=$(kc get cm nope -n shop 2>&1)
expect_eq "NotFound" "$out" 'Error from server (NotFound): configmaps "nope" not found'
out=$(kc create -f "$M/app.yaml" 2>&1)
expect_contains "AlreadyExists" "$out" 'Error from server (AlreadyExists): error when creating'
expect_contains "AlreadyExists names the object" "$out" 'configmaps "web" already exists'
kc get cm api -n shop -o json >"$M/api.json"
kc label cm api -n shop bump=1 >/dev/null 2>&1
out=$(kc replace -f "$M/api.json" 2>&1)
expect_contains "Conflict" "$out" \
    'Operation cannot be fulfilled on configmaps "api": the object has been modified; please apply your changes to the latest version and try again'
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n  namespace: shop\n' >"$M/bad.yaml"
out=$(kc create -f "$M/bad.yaml" 2>&1)
expect_contains "Invalid" "$out" 'The ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain'
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: nosuchns\n' >"$M/nons.yaml"
out=$(kc create -f "$M/nons.yaml" 2>&1)
expect_contains "missing namespace" "$out" 'namespaces "nosuchns" not found'

# status codes and Status bodies with curl
C="curl -s --cacert $D/pki/ca.crt --cert $D/pki/admin.crt --key $D/pki/admin.key"
code=$($C -o "$M/b" -w '%{http_code}' "$URL/api/v1/namespaces/shop/configmaps/nope")
expect_eq "404 code" "$code" "404"
expect_contains "404 Status" "$(cat "$M/b")" '"reason": "NotFound"'
code=$($C -o "$M/b" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    -d '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"web"}}' \
    "$URL/api/v1/namespaces/shop/configmaps")
expect_eq "409 on create of an existing name" "$code" "409"
code=$($C -o "$M/b" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    -d '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"-bad-"}}' \
    "$URL/api/v1/namespaces/shop/configmaps")
expect_eq "422 on an invalid name" "$code" "422"
expect_contains "422 has causes" "$(cat "$M/b")" '"field": "metadata.name"'
code=$($C -o "$M/b" -w '%{http_code}' -X POST -H 'Content-Type: application/json' -d '{"a":' \
    "$URL/api/v1/namespaces/shop/configmaps")
expect_eq "400 on malformed JSON" "$code" "400"
code=$($C -o "$M/b" -w '%{http_code}' -X POST -H 'Content-Type: text/plain' -d 'x' \
    "$URL/api/v1/namespaces/shop/configmaps")
expect_eq "415 on an unknown body type" "$code" "415"
code=$($C -o "$M/b" -w '%{http_code}' -X POST -H 'Content-Type: application/json' -d '{}' \
    "$URL/api/v1/namespaces/shop/configmaps/web")
expect_eq "405 on POST to an object" "$code" "405"
code=$($C -o "$M/b" -w '%{http_code}' -H 'Accept: text/html' "$URL/api/v1/namespaces/shop/configmaps")
expect_eq "406 on an Accept we cannot produce" "$code" "406"
code=$($C -o "$M/b" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    -d '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dry"}}' \
    "$URL/api/v1/namespaces/shop/configmaps?dryRun=All")
expect_eq "dryRun create answers 201" "$code" "201"
expect_eq "dryRun create stores nothing" "$(kc get cm dry -n shop -o name 2>&1 | grep -c NotFound)" "1"

# discovery and schemas
out=$(kc api-resources 2>&1)
expect_contains "api-resources lists configmaps" "$out" "configmaps"
expect_contains "api-resources lists short names" "$out" "cm "
expect_contains "api-versions" "$(kc api-versions 2>&1)" "v1"
expect_contains "explain" "$(kc explain configmap.data 2>&1)" "FIELD: data <map[string]string>"

# delete: dry run, then for real, then kubectl wait for the deletion
out=$(kc delete cm api -n shop --dry-run=server 2>&1)
expect_contains "delete --dry-run=server" "$out" "deleted (server dry run)"
expect_eq "dry-run delete keeps it" "$(kc get cm api -n shop -o name)" "configmap/api"
kc delete cm api -n shop --wait=false >/dev/null 2>&1
expect_contains "deleted" "$(kc get cm api -n shop 2>&1)" "NotFound"

# namespace deletion empties the namespace, then the namespace goes away
out=$(kc delete ns shop --timeout=20s 2>&1)
expect_contains "namespace deletion finishes" "$out" 'namespace "shop" deleted'
expect_contains "the namespace is gone" "$(kc get ns shop 2>&1)" 'namespaces "shop" not found'
expect_eq "its configmaps are gone" "$(kc get cm -n shop -o name 2>&1)" ""

stop_server 5 || fail "SIGTERM did not stop the server"
finish
