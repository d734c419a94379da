# Shared by the end-to-end tests: start the real binary on a free loopback port with a temp data
# directory, and small assertions. POSIX sh. KUBE_APISERVER is the binary under test.

: "${KUBE_APISERVER:?KUBE_APISERVER must name the kube-apiserver binary}"
TMPROOT=$(mktemp -d "${TMPDIR:-/tmp}/kas-e2e.XXXXXX")
FAILED=0
SERVER_PID=

cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -KILL "$SERVER_PID" 2>/dev/null
    fi
    rm -rf "$TMPROOT"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    FAILED=1
}

pass() {
    echo "ok: $*"
}

random_port() {
    echo $((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000))
}

# start_server DATA_DIR [flags...]: sets PORT, SERVER_PID, URL; returns non-zero if it never
# became ready.
start_server() {
    DATA=$1
    shift
    for _try in 1 2 3 4 5 6 7 8 9 10; do
        PORT=$(random_port)
        "$KUBE_APISERVER" --data-dir "$DATA" --secure-port "$PORT" --bind-address 127.0.0.1 \
            "$@" >>"$TMPROOT/server.log" 2>&1 &
        SERVER_PID=$!
        URL="https://127.0.0.1:$PORT"
        i=0
        while [ $i -lt 100 ]; do
            if ! kill -0 "$SERVER_PID" 2>/dev/null; then
                break
            fi
            if curl -sk --max-time 1 --cert "$DATA/pki/admin.crt" --key "$DATA/pki/admin.key" \
                "$URL/readyz" 2>/dev/null | grep -q '^ok$'; then
                return 0
            fi
            sleep 0.1
            i=$((i + 1))
        done
        if kill -0 "$SERVER_PID" 2>/dev/null; then
            echo "server on port $PORT never became ready" >&2
            tail -20 "$TMPROOT/server.log" >&2
            return 1
        fi
        grep -q "in use" "$TMPROOT/server.log" || { tail -20 "$TMPROOT/server.log" >&2; return 1; }
    done
    return 1
}

# stop_server [seconds]: SIGTERM, wait at most that long (default 5); sets STOP_RC and
# STOP_SECONDS; returns non-zero if the server did not stop in time.
stop_server() {
    limit=${1:-5}
    kill -TERM "$SERVER_PID"
    i=0
    while kill -0 "$SERVER_PID" 2>/dev/null && [ $i -lt $((limit * 10)) ]; do
        sleep 0.1
        i=$((i + 1))
    done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
        STOP_RC=timeout
        return 1
    fi
    wait "$SERVER_PID"
    STOP_RC=$?
    SERVER_PID=
    # a sanitizer report (a leak, say) makes the exit status non-zero
    [ "$STOP_RC" -eq 0 ] || fail "the server exited with status $STOP_RC after SIGTERM"
    return 0
}

kc() {
    kubectl --kubeconfig "$DATA/admin.kubeconfig" --cache-dir "$DATA/kcache" "$@"
}

# expect_contains NAME HAYSTACK NEEDLE
expect_contains() {
    case "$2" in
    *"$3"*) pass "$1" ;;
    *) fail "$1: expected to find [$3] in [$2]" ;;
    esac
}

expect_eq() {
    if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: expected [$3], got [$2]"; fi
}

finish() {
    if [ "$FAILED" -ne 0 ]; then
        echo "--- server log (tail) ---" >&2
        grep -v "access method" "$TMPROOT/server.log" | grep -A14 "Direct leak" >&2
        tail -40 "$TMPROOT/server.log" >&2
        exit 1
    fi
    echo "all passed"
    exit 0
}
