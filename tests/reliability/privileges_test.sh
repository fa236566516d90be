#!/usr/bin/env bash
# `sipscope capture` started as root gives root up once the interface and the database are open: every thread of
# the process runs as `nobody` (the default --user) with nobody's group and none of root's groups, and Ctrl-C
# still ends it cleanly. `sipscope import` needs no privilege at all: it runs as nobody.
# Usage: privileges_test.sh SIPSCOPE SAMPLE.pcap WORKDIR. Exit 77 (skipped) when not root or without `nobody`.
set -u
sipscope=$1
sample=$2
work=$3
if [ "$(id -u)" != 0 ]; then
    echo "skipped: needs root (run ctest as root to test dropping privileges)"
    exit 77
fi
if ! nobody_uid=$(id -u nobody 2>/dev/null); then
    echo "skipped: no user 'nobody' here"
    exit 77
fi
nobody_gid=$(id -g nobody)
rm -rf "$work"
mkdir -p "$work"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# ids FIELD STATUSFILE: the four ids (real, effective, saved, filesystem) of Uid: or Gid:.
ids() { awk -v field="$1:" '$1 == field { print $2, $3, $4, $5 }' "$2"; }

"$sipscope" capture -i lo --quiet --db "$work/live.db" >"$work/capture.out" 2>"$work/capture.err" &
pid=$!
# Wait (bounded) for the drop: the capture opens lo and the database first, as root.
dropped=0
for _ in $(seq 1 200); do
    if ! kill -0 "$pid" 2>/dev/null; then
        break
    fi
    if [ "$(ids Uid "/proc/$pid/status" 2>/dev/null)" = "$nobody_uid $nobody_uid $nobody_uid $nobody_uid" ]; then
        dropped=1
        break
    fi
    sleep 0.05
done
if [ $dropped = 1 ]; then
    echo "ok: capture runs as uid $nobody_uid after opening lo"
    for status in /proc/"$pid"/task/*/status; do
        [ "$(ids Uid "$status")" = "$nobody_uid $nobody_uid $nobody_uid $nobody_uid" ] ||
            fail "thread $status kept uid $(ids Uid "$status")"
        [ "$(ids Gid "$status")" = "$nobody_gid $nobody_gid $nobody_gid $nobody_gid" ] ||
            fail "thread $status kept gid $(ids Gid "$status")"
        # No supplementary group but nobody's own (root's groups, e.g. 0, must be gone).
        for group in $(awk '$1 == "Groups:" { $1 = ""; print }' "$status"); do
            [ "$group" = "$nobody_gid" ] || fail "thread $status kept supplementary group $group"
        done
    done
    [ -f "$work/live.db" ] || fail "the database was not created before the drop"
else
    fail "capture did not switch to nobody: $(grep -E '^(Uid|Gid)' "/proc/$pid/status" 2>/dev/null) $(cat "$work/capture.err")"
fi
kill -INT "$pid" 2>/dev/null
wait "$pid"
code=$?
[ $code = 0 ] || fail "capture stopped by SIGINT exited $code: $(cat "$work/capture.err")"

# Files need no privilege: import as nobody into a directory nobody may write.
if command -v setpriv >/dev/null; then
    mkdir -p "$work/user"
    chmod 0777 "$work/user"
    if setpriv --reuid="$nobody_uid" --regid="$nobody_gid" --clear-groups \
        "$sipscope" import --quiet "$sample" --db "$work/user/user.db" >"$work/import.out" 2>&1; then
        grep -q "21 SIP messages" "$work/import.out" || fail "import as nobody stored: $(cat "$work/import.out")"
        echo "ok: import runs as nobody: $(head -1 "$work/import.out")"
    else
        fail "import as nobody failed: $(cat "$work/import.out")"
    fi
else
    echo "note: setpriv missing, import without privilege not checked"
fi
exit $((failures > 0))
