# End-to-end: batch, networking and RBAC objects applied with kubectl and read back; a
# TokenRequest for the default service account, whose token authenticates until the service
# account is deleted; TokenReview, SelfSubjectReview and the access reviews, as JSON with curl;
# then kubectl's typed commands (protobuf bodies) on the same resources.
. "$(dirname "$0")/lib.sh"

D="$TMPROOT/data"
start_server "$D" || { fail "server did not start"; finish; }

# post PATH JSON: POST as the admin; the body goes to $TMPROOT/out, the status code to stdout
post() {
    curl -sk --cert "$D/pki/admin.crt" --key "$D/pki/admin.key" -o "$TMPROOT/out" \
        -w '%{http_code}' -H 'Content-Type: application/json' -X POST -d "$2" "$URL$1"
}

# get TOKEN PATH: a GET with a bearer token; the status code to stdout. Not curl's user agent:
# curl's gets pretty-printed JSON, and pretty lists are another test's business.
get() {
    curl -sk -o /dev/null -w '%{http_code}' -A kube-auth-e2e -H "Authorization: Bearer $1" "$URL$2"
}

# field PATH: a value of the JSON in $TMPROOT/out, by a dotted path ("status.token")
field() {
    "$TOOLS_DIR/jsonget" "$TMPROOT/out" "$1" 2>/dev/null
}

# wait_sa NS: the namespace controller gives each namespace its default ServiceAccount.
wait_sa() {
    i=0
    while [ $i -lt 50 ] && ! kc -n "$1" get serviceaccount default >/dev/null 2>&1; do
        sleep 0.1
        i=$((i + 1))
    done
}

cat >"$TMPROOT/objects.yaml" <<'EOF'
apiVersion: batch/v1
kind: Job
metadata:
  name: pi
spec:
  template:
    spec:
      containers:
      - name: pi
        image: perl:5.34
        command: ["perl", "-e", "print 1"]
      restartPolicy: Never
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: hello
spec:
  schedule: "*/5 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: hello
            image: busybox:1.36
          restartPolicy: OnFailure
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: nginx
spec:
  controller: k8s.io/ingress-nginx
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  ingressClassName: nginx
  rules:
  - host: web.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: web
            port:
              number: 80
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: pod-reader
rules:
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "watch", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: read-pods
subjects:
- kind: User
  name: jane
roleRef:
  kind: Role
  name: pod-reader
  apiGroup: rbac.authorization.k8s.io
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: secret-reader
rules:
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "list"]
EOF

out=$(kc apply -f "$TMPROOT/objects.yaml" 2>&1)
expect_contains "apply creates the job" "$out" "job.batch/pi created"
expect_contains "apply creates the cronjob" "$out" "cronjob.batch/hello created"
expect_contains "apply creates the ingress" "$out" "ingress.networking.k8s.io/web created"
expect_contains "apply creates the clusterrole" "$out" \
    "clusterrole.rbac.authorization.k8s.io/secret-reader created"

out=$(kc get jobs 2>&1)
expect_contains "get jobs shows kube's columns" "$out" "NAME   STATUS    COMPLETIONS   DURATION   AGE"
expect_contains "the job is running 0/1" "$out" "pi     Running   0/1"
out=$(kc get job pi -o jsonpath='{.spec.backoffLimit} {.spec.completionMode} {.spec.selector.matchLabels}' 2>&1)
expect_contains "job defaults and its generated selector" "$out" \
    '6 NonIndexed {"batch.kubernetes.io/controller-uid":'
out=$(kc get cronjobs 2>&1)
expect_contains "get cronjobs shows the schedule" "$out" "hello   */5 * * * *   <none>     False     0        <none>"
out=$(kc get ingress web 2>&1)
expect_contains "get ingress" "$out" "web    nginx   web.example.com             80"
out=$(kc get ingressclass 2>&1)
expect_contains "get ingressclass" "$out" "nginx   k8s.io/ingress-nginx   <none>"
out=$(kc get roles,rolebindings 2>&1)
expect_contains "get roles" "$out" "role.rbac.authorization.k8s.io/pod-reader"
expect_contains "get rolebindings" "$out" "rolebinding.rbac.authorization.k8s.io/read-pods   Role/pod-reader"
out=$(kc get clusterrole secret-reader -o jsonpath='{.rules[0].verbs}' 2>&1)
expect_eq "the clusterrole reads back" "$out" '["get","list"]'
out=$(kc get all 2>&1)
expect_contains "get all lists jobs" "$out" "job.batch/pi"
expect_contains "get all lists cronjobs" "$out" "cronjob.batch/hello"

out=$(kc patch rolebinding read-pods --type=merge -p '{"roleRef":{"name":"other"}}' 2>&1)
expect_contains "roleRef is immutable" "$out" "roleRef: Invalid value: rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", Kind:\"Role\", Name:\"other\"}: cannot change roleRef"
printf 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: nopt\nspec:\n  rules:\n  - http:\n      paths:\n      - path: /\n        backend:\n          service:\n            name: web\n            port:\n              number: 80\n' >"$TMPROOT/bad.yaml"
out=$(kc apply -f "$TMPROOT/bad.yaml" 2>&1)
expect_contains "pathType is required" "$out" \
    "spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified"

wait_sa default
code=$(post /api/v1/namespaces/default/serviceaccounts/default/token \
    '{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{"expirationSeconds":3600}}')
expect_eq "TokenRequest is 201" "$code" "201"
TOKEN=$(field "status.token")
expect_contains "the token is a JWT" "$TOKEN" "eyJhbGciOiJSUzI1NiIsImtpZCI6"
expect_contains "the token's expiry is RFC 3339" "$(field "status.expirationTimestamp")" "Z"
expect_eq "the token authenticates" "$(get "$TOKEN" /api/v1/namespaces)" "200"

code=$(post /apis/authentication.k8s.io/v1/tokenreviews "{\"spec\":{\"token\":\"$TOKEN\"}}")
expect_eq "TokenReview is 201" "$code" "201"
expect_eq "TokenReview authenticates the token" "$(field "status.user.username")" \
    "system:serviceaccount:default:default"
expect_contains "with the service account groups" "$(field "status.user.groups")" \
    '"system:serviceaccounts","system:serviceaccounts:default","system:authenticated"'

code=$(post /api/v1/namespaces/default/serviceaccounts/default/token '{"spec":{"expirationSeconds":60}}')
expect_eq "a token shorter than 10 minutes is 422" "$code" "422"
expect_contains "with kube's message" "$(field "message")" \
    "spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes"
code=$(post /api/v1/namespaces/default/serviceaccounts/nobody/token '{"spec":{}}')
expect_eq "a token for a missing service account is 404" "$code" "404"

# kubectl's typed commands (protobuf bodies) against the same resources.
KTOKEN=$(kc create token default 2>&1)
expect_eq "kubectl create token authenticates" "$(get "$KTOKEN" /api/v1/namespaces/default)" "200"
expect_eq "kubectl auth can-i" "$(kc auth can-i create pods 2>&1)" "yes"
expect_contains "kubectl auth whoami" "$(kc auth whoami 2>&1)" "kubernetes-admin"
out=$(kc create job j2 --image=busybox 2>&1; kc create role r2 --verb=get --resource=pods 2>&1;
    kc create rolebinding rb2 --role=r2 --user=bob 2>&1;
    kc create cronjob cj2 --image=busybox --schedule='*/1 * * * *' 2>&1;
    kc create ingress ing2 --rule='foo.com/bar=svc1:8080' 2>&1)
expect_contains "kubectl create job" "$out" "job.batch/j2 created"
expect_contains "kubectl create role" "$out" "role.rbac.authorization.k8s.io/r2 created"
expect_contains "kubectl create rolebinding" "$out" "rolebinding.rbac.authorization.k8s.io/rb2 created"
expect_contains "kubectl create cronjob" "$out" "cronjob.batch/cj2 created"
expect_contains "kubectl create ingress" "$out" "ingress.networking.k8s.io/ing2 created"

kc delete serviceaccount default >/dev/null 2>&1 || fail "cannot delete the service account"
expect_eq "the token dies with its service account" "$(get "$TOKEN" /api/v1/namespaces)" "401"
expect_eq "kubectl's token dies too" "$(get "$KTOKEN" /api/v1/namespaces/default)" "401"
post /apis/authentication.k8s.io/v1/tokenreviews "{\"spec\":{\"token\":\"$TOKEN\"}}" >/dev/null
expect_eq "TokenReview says why" "$(field "status.error")" 'serviceaccounts "default" not found'

code=$(post /apis/authentication.k8s.io/v1/selfsubjectreviews \
    '{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview","status":{"userInfo":{}}}')
expect_eq "SelfSubjectReview is 201" "$code" "201"
expect_eq "whoami is the admin" "$(field "status.userInfo.username")" "kubernetes-admin"
expect_contains "in system:masters" "$(field "status.userInfo.groups")" "system:masters"

code=$(post /apis/authorization.k8s.io/v1/selfsubjectaccessreviews \
    '{"kind":"SelfSubjectAccessReview","apiVersion":"authorization.k8s.io/v1","metadata":{"creationTimestamp":null},"spec":{"resourceAttributes":{"namespace":"default","verb":"list","resource":"pods"}},"status":{"allowed":false}}')
expect_eq "SelfSubjectAccessReview is 201" "$code" "201"
expect_eq "everything is allowed" "$(field "status.allowed")" "true"
code=$(post /apis/authorization.k8s.io/v1/selfsubjectaccessreviews '{"spec":{}}')
expect_eq "a review without attributes is 422" "$code" "422"
code=$(post /apis/authorization.k8s.io/v1/selfsubjectrulesreviews '{"spec":{"namespace":"default"}}')
expect_eq "SelfSubjectRulesReview is 201" "$code" "201"
expect_eq "the rules say everything" "$(field "status.resourceRules")" \
    '[{"verbs":["*"],"apiGroups":["*"],"resources":["*"]}]'
code=$(post /apis/authorization.k8s.io/v1/namespaces/default/localsubjectaccessreviews \
    '{"spec":{"user":"jane","resourceAttributes":{"namespace":"default","verb":"get","resource":"pods"}}}')
expect_eq "LocalSubjectAccessReview is 201" "$code" "201"
expect_eq "it is namespaced" "$(field "metadata.namespace")" "default"
out=$(kc api-resources --api-group=authorization.k8s.io 2>&1)
expect_contains "discovery lists the reviews" "$out" "selfsubjectaccessreviews"

stop_server 5 || fail "SIGTERM did not stop the server"
start_server "$D" || { fail "server did not restart"; finish; }
wait_sa kube-system
code=$(post /api/v1/namespaces/kube-system/serviceaccounts/default/token '{"spec":{}}')
expect_eq "tokens are issued after a restart" "$code" "201"
T2=$(field "status.token")
expect_eq "the same key (kid) signs after a restart" "${T2%%.*}" "${TOKEN%%.*}"
expect_eq "and authenticate" "$(get "$T2" /api/v1/namespaces/kube-system)" "200"
stop_server 5 || fail "SIGTERM did not stop the server"
finish
