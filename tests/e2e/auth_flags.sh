# End-to-end: flags (help, errors), token and client-certificate authentication, anonymous off.
. "$(dirname "$0")/lib.sh"

out=$("$KUBE_APISERVER" --help 2>&1)
rc=$?
expect_eq "--help exits 0" "$rc" "0"
for f in --secure-port --bind-address --data-dir --tls-cert-file --client-ca-file \
    --token-auth-file --anonymous-auth --max-requests-inflight --request-timeout; do
    expect_contains "--help lists $f" "$out" "$f"
done
expect_contains "--help shows defaults" "$out" "(default 6443)"

out=$("$KUBE_APISERVER" --no-such-flag 2>&1)
rc=$?
expect_eq "unknown flag exits 2" "$rc" "2"
expect_contains "unknown flag is named" "$out" "unknown flag: --no-such-flag"
out=$("$KUBE_APISERVER" --secure-port=notaport 2>&1)
rc=$?
expect_eq "bad value exits 2" "$rc" "2"
expect_contains "bad value is named" "$out" 'invalid argument "notaport" for "--secure-port" flag'

printf 'sekrit,alice,1001,"dev,ops"\n' >"$TMPROOT/tokens.csv"
D="$TMPROOT/data"
start_server "$D" --token-auth-file "$TMPROOT/tokens.csv" --anonymous-auth=false ||
    { fail "server did not start"; finish; }
code=$(curl -sk -o /dev/null -w '%{http_code}' "$URL/livez")
expect_eq "--anonymous-auth=false: /livez is 401" "$code" "401"
code=$(curl -sk -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer sekrit' "$URL/livez")
expect_eq "a static token authenticates" "$code" "200"
code=$(curl -sk -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer sekrit2' "$URL/livez")
expect_eq "a wrong token is 401" "$code" "401"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$D/pki/ca.crt" --cert "$D/pki/admin.crt" \
    --key "$D/pki/admin.key" "$URL/livez")
expect_eq "the admin client certificate authenticates and the CA verifies the server" "$code" "200"
grep -q "user=alice" "$TMPROOT/server.log" && pass "access log names the token user" ||
    fail "access log does not name alice"
grep -q "user=kubernetes-admin" "$TMPROOT/server.log" && pass "access log names the cert user" ||
    fail "access log does not name kubernetes-admin"
stop_server 5 || fail "SIGTERM did not stop the server"

# a second server on a port already taken fails clearly
start_server "$TMPROOT/d2" || { fail "server did not start"; finish; }
out=$("$KUBE_APISERVER" --data-dir "$TMPROOT/d3" --secure-port "$PORT" --bind-address 127.0.0.1 2>&1)
rc=$?
expect_eq "a taken port exits non-zero" "$rc" "1"
expect_contains "a taken port says so" "$out" "failed to listen on 127.0.0.1:$PORT"
stop_server 5

finish
