# End-to-end: server-side field validation (fieldValidation=Strict|Warn|Ignore) as kubectl and
# curl see it: unknown fields fail, warn or are dropped; duplicate fields in raw JSON likewise.
. "$(dirname "$0")/lib.sh"

D="$TMPROOT/data"
start_server "$D" || { fail "server did not start"; finish; }
M="$TMPROOT/m"
mkdir -p "$M"

api() {
    curl -sk --cert "$D/pki/admin.crt" --key "$D/pki/admin.key" "$@"
}

# --- kubectl create -f: Strict (the default), Warn, Ignore ---
cat >"$M/cm.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: badcfg
  namespace: default
bogus: 1
data:
  a: "1"
YAML
out=$(kc create -f "$M/cm.yaml" 2>&1)
rc=$?
expect_eq "strict create exits 1" "$rc" "1"
expect_eq "strict create prints kube's decoding error" "$out" \
    "Error from server (BadRequest): error when creating \"$M/cm.yaml\": ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field \"bogus\""
out=$(kc get configmap badcfg 2>&1)
expect_contains "nothing was created" "$out" 'configmaps "badcfg" not found'

out=$(kc create --validate=warn -f "$M/cm.yaml" 2>&1)
expect_contains "warn prints the warning" "$out" 'Warning: unknown field "bogus"'
expect_contains "warn creates" "$out" "configmap/badcfg created"
out=$(kc get configmap badcfg -o json 2>&1)
case "$out" in
*bogus*) fail "the unknown field was stored: $out" ;;
*'"a": "1"'*) pass "the unknown field was dropped, the rest kept" ;;
*) fail "unexpected object: $out" ;;
esac

sed 's/name: badcfg/name: quietcfg/' "$M/cm.yaml" >"$M/cm2.yaml"
out=$(kc create --validate=false -f "$M/cm2.yaml" 2>&1)
expect_eq "ignore creates silently" "$out" "configmap/quietcfg created"
out=$(kc get configmap quietcfg -o jsonpath='{.metadata.name}:{.bogus}' 2>&1)
expect_eq "ignore drops the field" "$out" "quietcfg:"

# --- kubectl apply: a new Deployment (create), then an existing one (strategic merge patch) ---
cat >"$M/deploy.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        bogus: true
YAML
out=$(kc apply -f "$M/deploy.yaml" 2>&1)
rc=$?
expect_eq "strict apply of a new object exits 1" "$rc" "1"
expect_eq "strict apply prints the list path" "$out" \
    "Error from server (BadRequest): error when creating \"$M/deploy.yaml\": Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.template.spec.containers[0].bogus\""

grep -v bogus "$M/deploy.yaml" >"$M/deploy-ok.yaml"
out=$(kc apply -f "$M/deploy-ok.yaml" 2>&1)
expect_contains "apply without the field creates" "$out" "deployment.apps/web created"
sed 's/nginx:1.27/nginx:1.28/' "$M/deploy.yaml" >"$M/deploy2.yaml"
out=$(kc apply -f "$M/deploy2.yaml" 2>&1)
rc=$?
expect_eq "strict apply to an existing object exits 1" "$rc" "1"
# kube's Invalid without kind or name: kubectl prints the cause as is
expect_contains "the patch is Invalid" "$out" 'The request is invalid: patch: Invalid value: "map[metadata:map['
expect_contains "the patch names the field" "$out" \
    'strict decoding error: unknown field "spec.template.spec.containers[0].bogus"'
out=$(kc apply --validate=warn -f "$M/deploy2.yaml" 2>&1)
expect_contains "warn apply warns" "$out" \
    'Warning: unknown field "spec.template.spec.containers[0].bogus"'
expect_contains "warn apply configures" "$out" "deployment.apps/web configured"
out=$(kc get deploy web -o jsonpath='{.spec.template.spec.containers[0].image}|{.spec.template.spec.containers[0].bogus}' 2>&1)
expect_eq "the patch applied without the field" "$out" "nginx:1.28|"

# --- raw JSON: duplicate fields, nested paths, patches, a bad directive ---
U="$URL/api/v1/namespaces/default/configmaps"
dup='{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dup","labels":{"a":"1","a":"2"}},"data":{"x":"1"},"data":{"y":"2"}}'
out=$(api -X POST -H 'Content-Type: application/json' -d "$dup" "$U?fieldValidation=Strict")
expect_contains "duplicates fail under Strict" "$out" \
    '"message": "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: duplicate field \"metadata.labels.a\", duplicate field \"data\""'
expect_contains "with reason BadRequest" "$out" '"code": 400'

hdrs=$(api -o /dev/null -D - -X POST -H 'Content-Type: application/json' -d "$dup" "$U")
expect_contains "absent directive warns (kube's default)" "$hdrs" \
    'Warning: 299 - "duplicate field \"metadata.labels.a\""'
expect_contains "one header per warning" "$hdrs" 'Warning: 299 - "duplicate field \"data\""'
out=$(kc get configmap dup -o jsonpath='{.data}' 2>&1)
expect_eq "the last duplicate wins" "$out" '{"y":"2"}'

out=$(api -X POST -H 'Content-Type: application/json' -d '{"metadata":{"name":"x"}}' \
    "$U?fieldValidation=strict")
expect_contains "a bad directive is kube's 422" "$out" \
    '"message": "CreateOptions.meta.k8s.io \"\" is invalid: fieldValidation: Unsupported value: \"strict\": supported values: \"\", \"Ignore\", \"Strict\", \"Warn\""'

out=$(api -X PATCH -H 'Content-Type: application/merge-patch+json' -d '{"data":{"z":"3"},"extra":{"k":1}}' \
    "$U/dup?fieldValidation=Strict")
expect_contains "a strict merge patch is Invalid" "$out" '"reason": "Invalid"'
expect_contains "naming the unknown field" "$out" 'strict decoding error: unknown field \"extra\"'
hdrs=$(api -o "$TMPROOT/body" -D - -X PATCH -H 'Content-Type: application/json-patch+json' \
    -d '[{"op":"add","path":"/extra","value":1,"from":"","bad":1}]' "$U/dup?fieldValidation=Warn")
expect_contains "a warned JSON patch succeeds" "$hdrs" "HTTP/1.1 200"
expect_contains "the patch's own unknown field" "$hdrs" \
    'Warning: 299 - "json patch unknown field \"[0].bad\""'
expect_contains "the patched object's unknown field" "$hdrs" 'Warning: 299 - "unknown field \"extra\""'
case "$(cat "$TMPROOT/body")" in
*extra*) fail "the patched unknown field was stored" ;;
*) pass "the patched unknown field was dropped" ;;
esac

out=$(api -X PUT -H 'Content-Type: application/json' "$U/dup?fieldValidation=Strict" \
    -d "$(kc get configmap dup -o json | sed 's/"data": {/"data": {"k":"v"}, "spec": {/')")
expect_contains "a strict update names the field" "$out" \
    'strict decoding error: unknown field \"spec\"'

stop_server 5 || fail "the server did not stop"
finish
