#!/usr/bin/env bash
# `sipscope capture` refuses what it cannot do with exit 2 (1 for usage) and one line saying what to do, and
# creates no database when the source cannot be opened. Usage: capture_errors_test.sh SIPSCOPE WORKDIR
set -u
sipscope=$1
work=$2
rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 1
failures=0

# expect CODE TEXT ARGS...: runs `sipscope capture ARGS`, checks the exit code and that stderr names TEXT.
expect() {
    local code=$1 text=$2
    shift 2
    timeout 10 "$sipscope" capture --db "$work/never.db" "$@" >out.txt 2>err.txt
    local got=$?
    if [ "$got" != "$code" ] || ! grep -q -- "$text" err.txt; then
        echo "FAIL: capture $* exited $got (expected $code) with: $(cat err.txt)"
        failures=$((failures + 1))
    else
        echo "ok: capture $* -> $got: $(head -1 err.txt)"
    fi
}

expect 2 "expected udp:ADDR:PORT" --hep-listen udp:127.0.0.1
expect 2 "port must be a number" --hep-listen udp:127.0.0.1:99999
expect 2 "HEP over TLS is not supported" --hep-listen tls:127.0.0.1:9060
expect 2 "not an IP address" --hep-listen tcp:localhost:9060
expect 2 "not an IP address" --hep-listen udp:localhost:9060
expect 1 "excludes" -i lo --hep-listen udp:127.0.0.1:29061
if [ "$(id -u)" = 0 ]; then
    expect 2 "no interface named 'nosuch0'" -i nosuch0
    expect 2 "bad capture filter" -i lo -f "port or"
    expect 2 "no such user" -i lo --user no-such-user-here
else
    expect 2 "no permission to capture" -i lo
    echo "note: interface and --user checks need root; run ctest as root for them"
fi
if [ -e "$work/never.db" ]; then
    echo "FAIL: a failed capture created the database"
    failures=$((failures + 1))
fi
[ "$failures" = 0 ] && echo PASS
exit "$failures"
