# End-to-end: workload resources as kubectl users meet them: pods, deployments, replicasets,
# statefulsets, daemonsets, replicationcontrollers and pod templates, with kube's defaults,
# columns, field selectors, describe, explain and Invalid errors.
. "$(dirname "$0")/lib.sh"

D="$TMPROOT/data"
start_server "$D" || { fail "server did not start"; finish; }
M="$TMPROOT/m"
mkdir -p "$M"

cat >"$M/apps.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
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
        ports:
        - containerPort: 80
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: cache
spec:
  replicas: 2
  selector:
    matchLabels: {app: cache}
  template:
    metadata:
      labels: {app: cache}
    spec:
      containers:
      - name: redis
        image: redis
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
      - name: pg
        image: postgres:16
        volumeMounts:
        - name: data
          mountPath: /var/lib/postgresql
  volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests:
          storage: 1Gi
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      nodeSelector: {kubernetes.io/os: linux}
      containers:
      - name: agent
        image: busybox
---
apiVersion: v1
kind: Pod
metadata:
  name: x
  labels: {run: x}
spec:
  containers:
  - name: main
    image: busybox:1.36
    resources:
      limits: {cpu: 100m, memory: 64Mi}
---
apiVersion: v1
kind: ReplicationController
metadata:
  name: legacy
spec:
  replicas: 1
  template:
    metadata:
      labels: {app: legacy}
    spec:
      containers:
      - name: main
        image: busybox
---
apiVersion: v1
kind: PodTemplate
metadata:
  name: tmpl
template:
  metadata:
    labels: {app: tmpl}
  spec:
    containers:
    - name: main
      image: busybox
YAML
out=$(kc apply -f "$M/apps.yaml" 2>&1)
expect_contains "apply creates a deployment" "$out" "deployment.apps/web created"
expect_contains "apply creates a replicaset" "$out" "replicaset.apps/cache created"
expect_contains "apply creates a statefulset" "$out" "statefulset.apps/db created"
expect_contains "apply creates a daemonset" "$out" "daemonset.apps/agent created"
expect_contains "apply creates a pod" "$out" "pod/x created"
expect_contains "apply creates a replicationcontroller" "$out" "replicationcontroller/legacy created"
expect_contains "apply creates a pod template" "$out" "podtemplate/tmpl created"
out=$(kc apply -f "$M/apps.yaml" 2>&1)
expect_contains "apply again leaves the deployment unchanged" "$out" "deployment.apps/web unchanged"
expect_contains "apply again leaves the pod unchanged" "$out" "pod/x unchanged"

# defaults clients read back
jp() { kc get "$1" -o jsonpath="$2" 2>&1; }
expect_eq "deployment maxSurge" "$(jp deploy/web '{.spec.strategy.rollingUpdate.maxSurge}')" "25%"
expect_eq "deployment maxUnavailable" \
    "$(jp deploy/web '{.spec.strategy.rollingUpdate.maxUnavailable}')" "25%"
expect_eq "deployment replicas" "$(jp deploy/web '{.spec.replicas}')" "1"
expect_eq "deployment revisionHistoryLimit" "$(jp deploy/web '{.spec.revisionHistoryLimit}')" "10"
expect_eq "deployment progressDeadlineSeconds" \
    "$(jp deploy/web '{.spec.progressDeadlineSeconds}')" "600"
expect_eq "deployment generation" "$(jp deploy/web '{.metadata.generation}')" "1"
expect_eq "template imagePullPolicy by tag" \
    "$(jp deploy/web '{.spec.template.spec.containers[0].imagePullPolicy}')" "IfNotPresent"
expect_eq "template port protocol" \
    "$(jp deploy/web '{.spec.template.spec.containers[0].ports[0].protocol}')" "TCP"
expect_eq "pod restartPolicy" "$(jp pod/x '{.spec.restartPolicy}')" "Always"
expect_eq "pod dnsPolicy" "$(jp pod/x '{.spec.dnsPolicy}')" "ClusterFirst"
expect_eq "pod schedulerName" "$(jp pod/x '{.spec.schedulerName}')" "default-scheduler"
expect_eq "pod grace period" "$(jp pod/x '{.spec.terminationGracePeriodSeconds}')" "30"
expect_eq "pod phase" "$(jp pod/x '{.status.phase}')" "Pending"
expect_eq "pod qosClass" "$(jp pod/x '{.status.qosClass}')" "Guaranteed"
expect_eq "pod requests from limits" \
    "$(jp pod/x '{.spec.containers[0].resources.requests.memory}')" "64Mi"
expect_eq "pod has no generation" "$(jp pod/x '{.metadata.generation}')" ""
expect_eq "statefulset podManagementPolicy" "$(jp sts/db '{.spec.podManagementPolicy}')" \
    "OrderedReady"
expect_eq "statefulset partition" "$(jp sts/db '{.spec.updateStrategy.rollingUpdate.partition}')" "0"
expect_eq "statefulset claim volumeMode" \
    "$(jp sts/db '{.spec.volumeClaimTemplates[0].spec.volumeMode}')" "Filesystem"
expect_eq "daemonset maxUnavailable" \
    "$(jp ds/agent '{.spec.updateStrategy.rollingUpdate.maxUnavailable}')" "1"
expect_eq "rc selector from template labels" "$(jp rc/legacy '{.spec.selector.app}')" "legacy"

# tables
out=$(kc get all 2>&1)
expect_contains "get all lists the pod" "$out" "pod/x"
expect_contains "get all lists the deployment" "$out" "deployment.apps/web"
expect_contains "get all lists the replicaset" "$out" "replicaset.apps/cache"
expect_contains "get all lists the statefulset" "$out" "statefulset.apps/db"
expect_contains "get all lists the daemonset" "$out" "daemonset.apps/agent"
expect_contains "get all lists the rc" "$out" "replicationcontroller/legacy"
expect_contains "deployment columns" "$out" "READY   UP-TO-DATE   AVAILABLE   AGE"
expect_contains "daemonset columns" "$out" \
    "DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR            AGE"
out=$(kc get pods -o wide 2>&1)
expect_contains "pods -o wide header" "$out" \
    "NAME   READY   STATUS    RESTARTS   AGE"
expect_contains "pods -o wide wide columns" "$out" "IP       NODE     NOMINATED NODE   READINESS GATES"
expect_contains "pod row" "$out" "x      0/1     Pending   0"
out=$(kc get deploy -o wide 2>&1)
expect_contains "deploy -o wide" "$out" "nginx        nginx:1.27   app=web"
out=$(kc get rs cache -o wide 2>&1)
expect_contains "rs row" "$out" "cache   2         0         0"
out=$(kc get sts 2>&1)
expect_contains "sts row" "$out" "db     0/1"
out=$(kc get podtemplates 2>&1)
expect_contains "podtemplate columns" "$out" "NAME   CONTAINERS   IMAGES    POD LABELS"

# field selectors
expect_eq "field selector status.phase" \
    "$(kc get pods --field-selector status.phase=Pending -o name 2>&1)" "pod/x"
out=$(kc get pods --field-selector status.phase=Running 2>&1)
expect_contains "field selector that matches nothing" "$out" "No resources found"
expect_eq "field selector spec.restartPolicy" \
    "$(kc get pods --field-selector spec.restartPolicy=Always -o name 2>&1)" "pod/x"
out=$(kc get pods --field-selector spec.image=x 2>&1)
expect_contains "unknown field selector" "$out" "field label not supported: spec.image"
expect_eq "rs field selector status.replicas" \
    "$(kc get rs --field-selector status.replicas=0 -o name 2>&1)" "replicaset.apps/cache"

# describe and explain
kc describe deployment web >"$M/describe" 2>&1 && pass "describe deployment succeeds" ||
    fail "describe deployment: $(cat "$M/describe")"
expect_contains "describe deployment shows the strategy" "$(cat "$M/describe")" \
    "RollingUpdateStrategy:  25% max unavailable, 25% max surge"
kc describe pod x >"$M/describe" 2>&1 && pass "describe pod succeeds" ||
    fail "describe pod: $(cat "$M/describe")"
if grep -Eq '^QoS Class: +Guaranteed$' "$M/describe"; then
    pass "describe pod shows the QoS class"
else
    fail "describe pod shows the QoS class: $(cat "$M/describe")"
fi
out=$(kc explain deployment.spec.strategy 2>&1)
expect_contains "explain deployment.spec.strategy" "$out" "FIELD: strategy <DeploymentStrategy>"

# Invalid objects: kube's kubectl text
cat >"$M/bad.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: neg
spec:
  replicas: -1
  selector:
    matchLabels: {app: neg}
  template:
    metadata:
      labels: {app: neg}
    spec:
      containers:
      - name: c
        image: nginx
YAML
out=$(kc apply -f "$M/bad.yaml" 2>&1)
expect_contains "negative replicas" "$out" \
    'The Deployment "neg" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0'
cat >"$M/bad.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: mismatch
spec:
  selector:
    matchLabels: {app: other}
  template:
    metadata:
      labels: {app: x}
    spec:
      containers:
      - name: c
        image: nginx
YAML
out=$(kc create -f "$M/bad.yaml" 2>&1)
expect_contains "selector must match the template" "$out" \
    'The Deployment "mismatch" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`'
cat >"$M/bad.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata:
  name: bad
spec:
  containers:
  - name: a
  - name: a
    image: busybox
YAML
out=$(kc create -f "$M/bad.yaml" 2>&1)
expect_contains "invalid pod header" "$out" 'The Pod "bad" is invalid:'
expect_contains "missing image" "$out" '* spec.containers[0].image: Required value'
expect_contains "duplicate container name" "$out" \
    '* spec.containers[1].name: Duplicate value: "a"'
cat >"$M/bad.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata:
  name: empty
spec:
  containers: []
YAML
out=$(kc create -f "$M/bad.yaml" 2>&1)
expect_contains "no containers" "$out" 'The Pod "empty" is invalid: spec.containers: Required value'

# updates: through PUT (kubectl replace) since PATCH paths are covered elsewhere
kc get deploy web -o json | sed 's/"app": "web"/"app": "web2"/g' >"$M/web2.json"
out=$(kc replace -f "$M/web2.json" 2>&1)
expect_contains "selector is immutable" "$out" \
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable'
kc get deploy web -o json | sed 's/"image": "nginx:1.27"/"image": "nginx:1.28"/' >"$M/web3.json"
out=$(kc replace -f "$M/web3.json" 2>&1)
expect_contains "a template change replaces" "$out" "deployment.apps/web replaced"
expect_eq "a spec change bumps the generation" "$(jp deploy/web '{.metadata.generation}')" "2"
kc get pod x -o json | sed 's/"image": "busybox:1.36"/"image": "busybox:1.37"/' >"$M/x2.json"
out=$(kc replace -f "$M/x2.json" 2>&1)
expect_contains "a pod's image may change" "$out" "pod/x replaced"
kc get pod x -o json | sed 's/"dnsPolicy": "ClusterFirst"/"dnsPolicy": "Default"/' >"$M/x3.json"
out=$(kc replace -f "$M/x3.json" 2>&1)
expect_contains "other pod spec changes are forbidden" "$out" \
    'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`'
out=$(kc scale deploy web --replicas=3 2>&1)
case "$out" in
*scaled*) expect_eq "scale sets replicas" "$(jp deploy/web '{.spec.replicas}')" "3" ;;
*) echo "pending: kubectl scale ($out)" ;; # the scale subresource is the lead's
esac

# delete
out=$(kc delete pod x 2>&1)
expect_contains "delete pod" "$out" 'pod "x" deleted'
out=$(kc get pod x 2>&1)
expect_contains "the pod is gone" "$out" 'pods "x" not found'
out=$(kc delete deploy web 2>&1)
expect_contains "delete deployment" "$out" 'deployment.apps "web" deleted'
code=$(curl -sk -o "$M/body" -w '%{http_code}' --cert "$D/pki/admin.crt" --key "$D/pki/admin.key" \
    -X DELETE "$URL/api/v1/namespaces/default/pods/nope")
expect_eq "delete of a missing pod is 404" "$code" "404"

finish
