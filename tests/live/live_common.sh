#!/usr/bin/env bash
# Sourced by the HEP tests: skips (exit 77, CTest's SKIP_RETURN_CODE), a fresh work folder, failure counting, the
# signature of every stored message, and Kamailio started for a test. Needs $sipscope set (and $kamailio, $modules
# for the Kamailio functions).

requireRoot() {
    if [ "$(id -u)" != 0 ]; then
        echo "SKIPPED: live capture on lo needs root (or CAP_NET_RAW); run ctest as root"
        exit 77
    fi
}

requireSipp() {
    if ! command -v sipp >/dev/null; then
        echo "SKIPPED: sipp not installed (Debian package sip-tester)"
        exit 77
    fi
}

# enterWorkdir DIR: DIR emptied, created and entered; the failure count reset.
enterWorkdir() {
    rm -rf "$1"
    mkdir -p "$1"
    cd "$1" || exit 1
    failures=0
}

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# messageSignatures DB: "time src dst transport method-or-status cseq cseq-method call-id" of every message of DB
# (from `sipscope messages --format json`, whose fields keep their order), sorted.
messageSignatures() {
    "$sipscope" messages --format json --db "$1" |
        sed -E 's/.*"ts":"([^"]*)".*"src":"([^"]*)","dst":"([^"]*)","transport":"([^"]*)".*"call_id":"([^"]*)","(method|status)":"?([^",]*)"?,.*"cseq":([0-9]*),"cseq_method":"([^"]*)".*/\1 \2 \3 \4 \7 \8 \9 \5/' |
        sort
}

# kamailioHeader PORT: the global part of a test's kamailio.cfg: one UDP listener on 127.0.0.1:PORT, one worker,
# logs to stderr, modules from $modules, xlog loaded (the config logs "sipscope-test: ... ready" from its
# event_route[core:worker-one-init]).
kamailioHeader() {
    cat <<EOF
#!KAMAILIO
debug=2
log_stderror=yes
children=1
disable_tcp=yes
auto_aliases=no
listen=udp:127.0.0.1:$1
mpath="$modules/"
loadmodule "xlog.so"
EOF
}

# startKamailio DIR: Kamailio on DIR/kamailio.cfg, in the foreground (-DD: the main process stays ours and takes
# its children with it), logging to DIR/kamailio.err (-E), small memory pools, runtime files in DIR. Sets
# kamailioPid. Returns 1, the log's tail printed and Kamailio stopped, when it did not log that it is ready
# within 10 s (a bound on a broken start, not a measured time).
startKamailio() {
    "$kamailio" -f "$1/kamailio.cfg" -DD -E -m 32 -M 4 -Y "$1" -P "$1/kamailio.pid" -L "$modules" \
        >"$1/kamailio.out" 2>"$1/kamailio.err" &
    kamailioPid=$!
    for _ in $(seq 100); do
        grep -q "sipscope-test: .* ready" "$1/kamailio.err" 2>/dev/null && return 0
        kill -0 "$kamailioPid" 2>/dev/null || break
        sleep 0.1
    done
    tail -20 "$1/kamailio.err"
    kill "$kamailioPid" 2>/dev/null
    wait "$kamailioPid"
    return 1
}
