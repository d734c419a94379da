# End-to-end: core/v1 services (cluster IPs and node ports allocated without duplicates, kept
# across a restart), the kubernetes service, secrets, serviceaccounts, configmaps and the other
# core resources through kubectl, with kube's error messages.
. "$(dirname "$0")/lib.sh"

D="$TMPROOT/data"
start_server "$D" || { fail "server did not start"; finish; }

# the kubernetes service comes from a post-start hook: give it a moment
i=0
while [ $i -lt 50 ] && ! kc get svc kubernetes >/dev/null 2>&1; do
    sleep 0.1
    i=$((i + 1))
done
out=$(kc get svc -A 2>&1)
expect_contains "the kubernetes service has the range's first address" "$out" \
    "kubernetes   ClusterIP   10.0.0.1"
expect_contains "the kubernetes service serves 443" "$out" "443/TCP"
out=$(kc get endpoints kubernetes 2>&1)
expect_contains "the kubernetes endpoints point at the secure port" "$out" ":$PORT"

cat >"$TMPROOT/app.yaml" <<'EOF'
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: edge}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: fixed}
spec:
  clusterIP: 10.0.0.5
  ports: [{port: 80}]
---
apiVersion: v1
kind: Secret
metadata: {name: creds}
stringData: {password: hunter2}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: builder}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: frozen}
immutable: true
data: {a: "1"}
EOF
out=$(kc apply -f "$TMPROOT/app.yaml" 2>&1)
expect_contains "apply creates the services" "$out" "service/edge created"
expect_contains "apply creates the secret" "$out" "secret/creds created"
expect_contains "apply creates the serviceaccount" "$out" "serviceaccount/builder created"

ips=$(kc get svc -o jsonpath='{range .items[*]}{.spec.clusterIP}{"\n"}{end}' 2>&1)
expect_eq "five services have five distinct cluster IPs" "$(echo "$ips" | sort -u | wc -l)" "5"
case "$ips" in
*10.0.0.5*) pass "a requested cluster IP is honoured" ;;
*) fail "10.0.0.5 missing from [$ips]" ;;
esac
np=$(kc get svc edge -o jsonpath='{.spec.ports[0].nodePort}' 2>&1)
if [ "$np" -ge 30000 ] 2>/dev/null && [ "$np" -le 32767 ]; then
    pass "the NodePort $np is in 30000-32767"
else
    fail "nodePort [$np] out of range"
fi
out=$(kc get svc edge 2>&1)
expect_contains "kubectl shows port:nodePort" "$out" "80:$np/TCP"
out=$(kc get svc web -o wide 2>&1)
expect_contains "get svc -o wide shows the selector" "$out" "app=web"
expect_contains "targetPort is kept" "$(kc get svc web -o jsonpath='{.spec.ports[0].targetPort}')" \
    "8080"

printf 'apiVersion: v1\nkind: Service\nmetadata: {name: dup}\nspec:\n  clusterIP: 10.0.0.5\n  ports: [{port: 80}]\n' >"$TMPROOT/dup.yaml"
out=$(kc apply -f "$TMPROOT/dup.yaml" 2>&1)
expect_contains "a taken cluster IP is rejected as kube does" "$out" \
    'The Service "dup" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.0.5"}: failed to allocate IP 10.0.0.5: provided IP is already allocated'
sed 's/10.0.0.5/192.168.7.7/' "$TMPROOT/dup.yaml" >"$TMPROOT/out.yaml"
out=$(kc apply -f "$TMPROOT/out.yaml" 2>&1)
expect_contains "an IP outside the range is rejected" "$out" \
    "the provided IP (192.168.7.7) is not in the valid range. The range of valid IPs is 10.0.0.0/24"
printf 'apiVersion: v1\nkind: Service\nmetadata: {name: np2}\nspec:\n  type: NodePort\n  ports: [{port: 80, nodePort: %s}]\n' "$np" >"$TMPROOT/np.yaml"
out=$(kc apply -f "$TMPROOT/np.yaml" 2>&1)
expect_contains "a taken node port is rejected" "$out" \
    "spec.ports[0].nodePort: Invalid value: $np: provided port is already allocated"
printf 'apiVersion: v1\nkind: Service\nmetadata: {name: nop}\nspec:\n  ports: [{port: 0}]\n' >"$TMPROOT/bad.yaml"
out=$(kc apply -f "$TMPROOT/bad.yaml" 2>&1)
expect_contains "a bad port is Invalid" "$out" 'The Service "nop" is invalid: '
expect_contains "a bad port names the field" "$out" \
    "* spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive"

out=$(kc delete svc fixed 2>&1)
expect_contains "delete a service" "$out" 'service "fixed" deleted'
sleep 0.3
out=$(kc apply -f "$TMPROOT/dup.yaml" 2>&1)
expect_contains "a deleted service's IP can be had again" "$out" "service/dup created"

out=$(kc get secrets 2>&1)
expect_contains "get secrets shows type and data count" "$out" "creds   Opaque   1"
expect_eq "stringData is stored base64-encoded" \
    "$(kc get secret creds -o jsonpath='{.data.password}')" "aHVudGVyMg=="
printf 'apiVersion: v1\nkind: Secret\nmetadata: {name: t}\ntype: kubernetes.io/tls\ndata: {tls.crt: aGk=}\n' >"$TMPROOT/tls.yaml"
out=$(kc apply -f "$TMPROOT/tls.yaml" 2>&1)
expect_contains "a TLS secret needs tls.key" "$out" \
    'The Secret "t" is invalid: data[tls.key]: Required value'
printf 'apiVersion: v1\nkind: Secret\nmetadata: {name: b}\ndata: {a: "!!!!"}\n' >"$TMPROOT/b64.yaml"
out=$(kc apply -f "$TMPROOT/b64.yaml" 2>&1)
expect_contains "bad base64 is a BadRequest" "$out" \
    'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 0'
out=$(kc get --raw '/api/v1/namespaces/default/secrets?fieldSelector=type%3DOpaque' 2>&1)
expect_contains "secrets select by type" "$out" '"name":"creds"'

printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: frozen}\nimmutable: true\ndata: {a: "2"}\n' >"$TMPROOT/cm.yaml"
out=$(kc apply -f "$TMPROOT/cm.yaml" 2>&1)
expect_contains "an immutable configmap keeps its data" "$out" \
    'The ConfigMap "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set'

out=$(kc get sa 2>&1)
expect_contains "get sa" "$out" "builder"
out=$(kc api-resources 2>&1)
expect_contains "api-resources lists services with svc" "$out" "svc"
expect_contains "api-resources lists persistentvolumeclaims" "$out" "pvc"
out=$(kc get all 2>&1)
expect_contains "services are in category all" "$out" "service/web"

cat >"$TMPROOT/more.yaml" <<'EOF'
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv1}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  hostPath: {path: /tmp/pv1}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: claim}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: q}
spec:
  hard: {pods: "10"}
---
apiVersion: v1
kind: LimitRange
metadata: {name: l}
spec:
  limits: [{type: Container, max: {cpu: "2"}}]
---
apiVersion: v1
kind: Node
metadata: {name: n1}
---
apiVersion: v1
kind: Event
metadata: {name: web.1}
involvedObject: {kind: Pod, name: web, namespace: default}
reason: Started
type: Normal
message: started
EOF
out=$(kc apply -f "$TMPROOT/more.yaml" 2>&1)
expect_contains "apply creates a PV" "$out" "persistentvolume/pv1 created"
expect_contains "apply creates an event" "$out" "event/web.1 created"
expect_contains "get pv shows Available" "$(kc get pv 2>&1)" "Available"
expect_contains "get pvc shows Pending" "$(kc get pvc 2>&1)" "Pending"
expect_contains "get quota shows the hard limits" "$(kc get quota 2>&1)" "pods: 0/10"
expect_contains "get nodes" "$(kc get nodes 2>&1)" "n1     Unknown   <none>"
expect_contains "get events" "$(kc get events 2>&1)" "pod/web"
out=$(kc get --raw '/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dweb' 2>&1)
expect_contains "events select by involvedObject.name" "$out" '"name":"web.1"'
expect_eq "limitranges default the container limit" \
    "$(kc get limits l -o jsonpath='{.spec.limits[0].default.cpu}')" "2"

# a restart keeps every allocation: a new service never gets an address already in use
before=$(kc get svc -A -o jsonpath='{range .items[*]}{.spec.clusterIP}{"\n"}{end}' | sort)
stop_server 5 || fail "SIGTERM did not stop the server"
start_server "$D" || { fail "server did not restart"; finish; }
for n in 1 2 3 4 5 6 7 8; do
    printf 'apiVersion: v1\nkind: Service\nmetadata: {name: after-%s}\nspec:\n  ports: [{port: 80}]\n---\n' "$n"
done >"$TMPROOT/after.yaml"
kc apply -f "$TMPROOT/after.yaml" >/dev/null 2>&1 || fail "creating services after the restart"
all=$(kc get svc -A -o jsonpath='{range .items[*]}{.spec.clusterIP}{"\n"}{end}' | sort)
expect_eq "no cluster IP is shared after a restart" "$(echo "$all" | uniq -d)" ""
expect_eq "the services from before the restart kept their IPs" \
    "$(echo "$before" | while read -r ip; do echo "$all" | grep -cx "$ip"; done | sort -u)" "1"
out=$(kc apply -f "$TMPROOT/np.yaml" 2>&1)
expect_contains "node ports survive a restart" "$out" "provided port is already allocated"

stop_server 5 || fail "SIGTERM did not stop the server"
finish
