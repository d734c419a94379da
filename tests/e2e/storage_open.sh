# End-to-end: the embedded store keeps data across restarts and refuses to start on a locked
# or corrupt database.
. "$(dirname "$0")/lib.sh"

D="$TMPROOT/data"
start_server "$D" || { fail "server did not start"; finish; }
cat >"$TMPROOT/cm.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: keep
  namespace: default
data:
  a: "1"
YAML
out=$(kc apply -f "$TMPROOT/cm.yaml" 2>&1)
expect_contains "create a configmap" "$out" "configmap/keep created"
rv=$(kc get cm keep -o jsonpath='{.metadata.resourceVersion}' 2>&1)

out=$("$KUBE_APISERVER" --data-dir "$D" --secure-port "$(random_port)" --bind-address 127.0.0.1 2>&1)
rc=$?
expect_eq "a second server on the same data dir exits 1" "$rc" "1"
expect_contains "and says why" "$out" "is in use by another kube-apiserver"

stop_server 5 || fail "SIGTERM did not stop the server"
start_server "$D" || { fail "restart failed"; finish; }
expect_eq "the configmap survives a restart" \
    "$(kc get cm keep -o jsonpath='{.data.a}:{.metadata.resourceVersion}' 2>&1)" "1:$rv"
stop_server 5

mkdir -p "$TMPROOT/bad"
echo "not a database, not at all, but long enough to look like a file" >"$TMPROOT/bad/kube.db"
out=$("$KUBE_APISERVER" --data-dir "$TMPROOT/bad" --secure-port "$(random_port)" 2>&1)
rc=$?
expect_eq "a corrupt database exits 1" "$rc" "1"
expect_contains "and says why" "$out" "is corrupt or not a database"
expect_eq "the corrupt file is left alone" "$(head -c 14 "$TMPROOT/bad/kube.db")" "not a database"

finish
