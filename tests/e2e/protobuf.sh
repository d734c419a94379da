# End-to-end: kubectl 1.32's typed commands send protobuf bodies; protobuf responses and watches
# for client-go style clients.
. "$(dirname "$0")/lib.sh"

D="$TMPROOT/data"
start_server "$D" || { fail "server did not start"; finish; }

expect_contains "create namespace" "$(kc create namespace shop 2>&1)" "namespace/shop created"
expect_contains "create configmap" "$(kc create configmap cfg -n shop --from-literal=a=1 2>&1)" \
    "configmap/cfg created"
expect_contains "create secret generic" \
    "$(kc create secret generic sec -n shop --from-literal=password=hunter2 2>&1)" "secret/sec created"
expect_contains "create deployment" "$(kc create deployment web -n shop --image=nginx:1.27 2>&1)" \
    "deployment.apps/web created"
expect_contains "create serviceaccount" "$(kc create serviceaccount robot -n shop 2>&1)" \
    "serviceaccount/robot created"
expect_contains "create service" "$(kc create service clusterip svc -n shop --tcp=80:8080 2>&1)" \
    "service/svc created"
expect_contains "create job" "$(kc create job once -n shop --image=busybox 2>&1)" \
    "job.batch/once created"

expect_eq "the configmap reads back in JSON" "$(kc get cm cfg -n shop -o jsonpath='{.data.a}')" "1"
expect_eq "the secret's bytes read back as base64" \
    "$(kc get secret sec -n shop -o jsonpath='{.data.password}')" "$(printf hunter2 | base64)"
expect_eq "the deployment's image" \
    "$(kc get deploy web -n shop -o jsonpath='{.spec.template.spec.containers[0].image}')" \
    "nginx:1.27"
expect_eq "the deployment's defaults" \
    "$(kc get deploy web -n shop -o jsonpath='{.spec.strategy.rollingUpdate.maxSurge}')" "25%"
expect_eq "the service's target port (an int-or-string)" \
    "$(kc get svc svc -n shop -o jsonpath='{.spec.ports[0].targetPort}')" "8080"
expect_contains "describe (protobuf responses)" "$(kc describe deployment web -n shop 2>&1)" \
    "nginx:1.27"

C="curl -s --cacert $D/pki/ca.crt --cert $D/pki/admin.crt --key $D/pki/admin.key"
PB='application/vnd.kubernetes.protobuf'
$C -H "Accept: $PB" -o "$TMPROOT/cm.pb" "$URL/api/v1/namespaces/shop/configmaps/cfg"
expect_eq "a GET in protobuf starts with kube's magic" "$(head -c 3 "$TMPROOT/cm.pb")" "k8s"
code=$($C -H "Accept: $PB" -o "$TMPROOT/err.pb" -w '%{http_code}' \
    "$URL/api/v1/namespaces/shop/configmaps/nope")
expect_eq "a protobuf NotFound keeps its code" "$code" "404"
expect_contains "and is a protobuf Status" "$(tr -d '\000' <"$TMPROOT/err.pb")" "Status"
$C --max-time 2 -H "Accept: $PB;stream=watch" -o "$TMPROOT/w.pb" \
    "$URL/api/v1/namespaces/shop/configmaps?watch=true"
expect_contains "a protobuf watch sends framed events" "$(tr -d '\000' <"$TMPROOT/w.pb")" "ADDED"
code=$($C -o /dev/null -w '%{http_code}' -X POST -H "Content-Type: $PB" --data-binary 'garbage' \
    "$URL/api/v1/namespaces/shop/configmaps")
expect_eq "garbage protobuf is a 400" "$code" "400"

stop_server 5
finish
