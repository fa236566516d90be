#!/usr/bin/env bash
# A workload made by real SIPp (issue 14): SIPp's own uac and uas scenarios (-sn uac, -sn uas: INVITE, 180, 200,
# ACK, BYE, 200, six messages a call) on 127.0.0.1 at RATE calls/s for CALLS calls, captured on lo by tcpdump into
# a pcap file, the way a new user would make one.
#
#   bench/sipp_pcap.sh OUT.pcap                  # 100,000 calls at 5,000 calls/s
#   RATE=20000 CALLS=200000 bench/sipp_pcap.sh OUT.pcap
#
# Settings (environment): RATE (5000), CALLS (100000), LIMIT (the most calls SIPp keeps open at once, -l; default
# RATE), CALL_MS (0: the UAC's pause between ACK and BYE, SIPp -d), UAS_PORT (5070), UAC_PORT (5071), BUFFER_MB
# (tcpdump's kernel buffer, -B, 256). Prints one line: the calls SIPp completed and failed, the packets tcpdump
# captured and those the kernel dropped (a capture with drops is not a faithful workload: rerun it on a quieter
# machine). Needs root (tcpdump on lo), sipp (Debian package sip-tester) and tcpdump. Traffic stays on 127.0.0.1;
# every process has a time limit; SIPp and tcpdump are stopped on any exit. Writes OUT.pcap and a mktemp -d
# directory it removes.
set -euo pipefail
out=${1:?usage: bench/sipp_pcap.sh OUT.pcap}
RATE=${RATE:-5000}
CALLS=${CALLS:-100000}
LIMIT=${LIMIT:-$RATE}
CALL_MS=${CALL_MS:-0}
UAS_PORT=${UAS_PORT:-5070}
UAC_PORT=${UAC_PORT:-5071}
BUFFER_MB=${BUFFER_MB:-256}

die() { echo "sipp_pcap: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root: tcpdump opens lo"
command -v sipp >/dev/null || die "needs sipp (apt-get install sip-tester)"
command -v tcpdump >/dev/null || die "needs tcpdump (apt-get install tcpdump)"
for setting in RATE CALLS LIMIT UAS_PORT UAC_PORT BUFFER_MB; do
    [[ ${!setting} =~ ^[1-9][0-9]*$ ]] || die "$setting must be a positive whole number, not '${!setting}'"
done
[[ $CALL_MS =~ ^[0-9]+$ ]] || die "CALL_MS must be a whole number of milliseconds"

limit=$((CALLS / RATE * 3 + 60))  # seconds SIPp may take
work=$(mktemp -d "${TMPDIR:-/tmp}/sipscope-sipp.XXXXXX")
dumpPid=
uasPid=
uacPid=
cleanup() {
    local status=$? pid
    trap - EXIT INT TERM
    for pid in $uacPid $uasPid; do kill -TERM "$pid" 2>/dev/null || true; done
    [ -z "$dumpPid" ] || kill -INT "$dumpPid" 2>/dev/null || true
    for pid in $uacPid $uasPid $dumpPid; do
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

timeout -s INT -k 10 $((limit + 30)) tcpdump -i lo -B $((BUFFER_MB * 1024)) -s 0 -w "$out.tmp" \
    "udp and host 127.0.0.1 and (port $UAS_PORT or port $UAC_PORT)" 2>"$work/tcpdump.err" &
dumpPid=$!
for _ in $(seq 50); do grep -q 'listening on' "$work/tcpdump.err" 2>/dev/null && break; sleep 0.1; done
kill -0 "$dumpPid" 2>/dev/null || { cat "$work/tcpdump.err" >&2; die "tcpdump did not start"; }

(cd "$work" && exec timeout -k 10 $((limit + 10)) sipp -sn uas -i 127.0.0.1 -p "$UAS_PORT" -m "$CALLS" \
    -timeout "${limit}s" -nostdin -trace_stat -stf uas.csv -fd 1 >uas.out 2>&1) &
uasPid=$!
sleep 0.5
kill -0 "$uasPid" 2>/dev/null || { cat "$work/uas.out" >&2; die "the SIPp UAS did not start"; }
(cd "$work" && exec timeout -k 10 $((limit + 10)) sipp -sn uac -i 127.0.0.1 -p "$UAC_PORT" "127.0.0.1:$UAS_PORT" \
    -r "$RATE" -m "$CALLS" -l "$LIMIT" -d "$CALL_MS" -recv_timeout 10000 -timeout "${limit}s" -nostdin \
    -trace_stat -stf uac.csv -fd 1 >uac.out 2>&1) &
uacPid=$!
uacStatus=0
wait "$uacPid" || uacStatus=$?
uacPid=
for _ in $(seq 50); do kill -0 "$uasPid" 2>/dev/null || break; sleep 0.1; done
kill -TERM "$uasPid" 2>/dev/null || true
wait "$uasPid" 2>/dev/null || true
uasPid=
sleep 1
kill -INT "$dumpPid" 2>/dev/null || true
wait "$dumpPid" 2>/dev/null || true
dumpPid=
mv "$out.tmp" "$out"

lastOf() {  # SIPp statistics file, column name: the value in its last row
    awk -F';' -v name="$2" 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == name) col = i; next} {last = $0}
        END {n = split(last, f, ";"); print (col && col <= n ? f[col] : "?")}' "$1" 2>/dev/null || echo "?"
}
captured=$(sed -n 's/^\([0-9]*\) packets captured$/\1/p' "$work/tcpdump.err")
dropped=$(sed -n 's/^\([0-9]*\) packets dropped by kernel$/\1/p' "$work/tcpdump.err")
echo "sipp_pcap: $out: $CALLS calls offered at $RATE/s; SIPp $(lastOf "$work/uac.csv" 'SuccessfulCall(C)') ok," \
    "$(lastOf "$work/uac.csv" 'FailedCall(C)') failed (uac exit $uacStatus); tcpdump ${captured:-?} packets," \
    "${dropped:-?} dropped by the kernel"
