# End-to-end: the server starts secure by default, kubectl reaches it, anonymous access is
# limited, certificates are reused, and SIGTERM stops it cleanly.
. "$(dirname "$0")/lib.sh"

D="$TMPROOT/data"
start_server "$D" || { fail "server did not start"; finish; }

out=$(kc version 2>&1)
expect_contains "kubectl version shows the server" "$out" "Server Version: v1.32.0"
out=$(kc get --raw /healthz 2>&1)
expect_eq "kubectl get --raw /healthz" "$out" "ok"
out=$(kc get --raw '/readyz?verbose' 2>&1)
expect_contains "readyz verbose lists checks" "$out" "[+]ping ok"
expect_contains "readyz verbose passes" "$out" "readyz check passed"
out=$(kc get --raw /no/such/path 2>&1)
expect_contains "unknown path is NotFound" "$out" "Error from server (NotFound)"

code=$(curl -sk -o "$TMPROOT/body" -w '%{http_code}' "$URL/api")
expect_eq "anonymous /api is 401" "$code" "401"
body=$(tr -d ' \n' <"$TMPROOT/body")
expect_eq "401 body is a Status" "$body" \
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}'
expect_eq "anonymous /livez is ok" "$(curl -sk "$URL/livez")" "ok"
expect_eq "anonymous /livez/ping is ok" "$(curl -sk "$URL/livez/ping")" "ok"
expect_contains "anonymous /version" "$(curl -sk "$URL/version")" '"minor": "32"'

code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://127.0.0.1:$PORT/livez")
case "$code" in
2??) fail "plain HTTP to the TLS port got $code" ;;
*) pass "plain HTTP to the TLS port is refused ($code)" ;;
esac

code=$(curl -sk -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer nope' "$URL/livez")
expect_eq "an unknown bearer token is 401" "$code" "401"

sums=$(cat "$D"/pki/*.crt "$D"/pki/*.key | cksum)
start=$(date +%s)
stop_server 5 || fail "SIGTERM did not stop the server within 5 s"
expect_eq "SIGTERM exits 0" "$STOP_RC" "0"

start_server "$D" || { fail "second start failed"; finish; }
expect_eq "second start reuses the certificates" "$(cat "$D"/pki/*.crt "$D"/pki/*.key | cksum)" "$sums"
out=$(kc get --raw /healthz 2>&1)
expect_eq "kubectl works after restart" "$out" "ok"
stop_server 5 || fail "second SIGTERM did not stop the server"
expect_eq "second SIGTERM exits 0" "$STOP_RC" "0"

finish
