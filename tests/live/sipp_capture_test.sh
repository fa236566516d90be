#!/usr/bin/env bash
# Live capture end to end: SIPp UAS and UAC on 127.0.0.1, `sipscope capture -i lo` in the background.
# Usage: sipp_capture_test.sh SIPSCOPE udp|tcp WORKDIR UAS_SCENARIO [CALLS]
# UAS_SCENARIO is samples/scenarios/uas_answer.xml: SIPp's built-in uas sends no 100 Trying, so 6 messages a call.
# Checks: calls readable by another process while the capture runs; after SIGINT, exit 0, statistics printed,
# and every call stored `completed` with 7 messages. Exits 77 (CTest SKIP_RETURN_CODE) when not root or no sipp.
set -u
sipscope=$1
transport=$2
work=$3
uasScenario=$(realpath "$4")
calls=${5:-20}
uasPort=25060
uacPort=25070

if [ "$(id -u)" != 0 ]; then
    echo "SKIPPED: live capture on lo needs root (or CAP_NET_RAW); run ctest as root"
    exit 77
fi
if ! command -v sipp >/dev/null; then
    echo "SKIPPED: sipp not installed (Debian package sip-tester)"
    exit 77
fi

sippTransport=u1
[ "$transport" = tcp ] && sippTransport=t1
rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 1
db=$work/live.db
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

"$sipscope" capture -i lo -f "port $uasPort or port $uacPort" --db "$db" --duration 20 >capture.out 2>capture.err &
capturePid=$!
uasPid=
cleanup() {
    [ -n "$uasPid" ] && kill "$uasPid" 2>/dev/null
    kill -INT "$capturePid" 2>/dev/null
}
trap cleanup EXIT

# The capture prints its banner once the interface is open; the database follows within milliseconds.
for _ in $(seq 50); do
    grep -q "capturing on" capture.err 2>/dev/null && break
    sleep 0.1
done
sleep 0.5
if ! kill -0 "$capturePid" 2>/dev/null; then
    cat capture.err
    echo "FAIL: sipscope capture did not start"
    exit 1
fi

timeout 40 sipp -sf "$uasScenario" -i 127.0.0.1 -p $uasPort -t $sippTransport -m "$calls" -nostdin \
    >uas.out 2>&1 &
uasPid=$!
sleep 0.5
started=$(date +%s.%N)
timeout 40 sipp -sn uac -i 127.0.0.1 -p $uacPort -t $sippTransport 127.0.0.1:$uasPort -m "$calls" -r 10 \
    -nostdin >uac.out 2>&1 || fail "sipp UAC exited $? (see $work/uac.out)"
wait "$uasPid"
uasPid=

# Live read: the capture is still running; its 200 ms flushes must already have written every call.
sleep 1
kill -0 "$capturePid" 2>/dev/null || fail "capture ended before SIGINT"
"$sipscope" calls --format json --db "$db" >live.json 2>live.err || fail "live read failed: $(cat live.err)"
liveCalls=$(grep -c '"call_id"' live.json)
[ "$liveCalls" = "$calls" ] || fail "live read while capturing saw $liveCalls calls, expected $calls"

kill -INT "$capturePid"
wait "$capturePid"
code=$?
trap - EXIT
elapsed=$(echo "$(date +%s.%N) - $started" | bc 2>/dev/null || echo "?")
[ "$code" = 0 ] || fail "capture exited $code after SIGINT, expected 0"
grep -q "packets captured (.* received" capture.out || fail "no 'received' statistics"
grep -q "dropped by kernel" capture.out || fail "no 'dropped by kernel' line"
grep -q "dropped by interface" capture.out || fail "no 'dropped by interface' line"
grep -q "SIP messages" capture.out || fail "no 'SIP messages' line"

"$sipscope" calls --format json --db "$db" >calls.json || fail "sipscope calls failed"
stored=$(grep -c '"call_id"' calls.json)
completed=$(grep '"state":"completed"' calls.json | grep -c '"messages":7,')
[ "$stored" = "$calls" ] || fail "$stored calls stored, expected $calls"
[ "$completed" = "$calls" ] || fail "$completed calls completed with 7 messages, expected $calls"
wrongTransport=$("$sipscope" messages --format json --db "$db" | grep -vc "\"transport\":\"$transport\"")
# A healthy SIPp flow has nothing wrong in it (issue 16).
"$sipscope" findings --format json --db "$db" >findings.json || fail "sipscope findings failed"
[ ! -s findings.json ] || fail "findings on a healthy SIPp flow: $(head -3 findings.json)"
[ "$wrongTransport" = 0 ] || fail "$wrongTransport messages not over $transport"

echo "--- capture output"
cat capture.out
echo "--- $transport: $calls calls sent; live read saw $liveCalls; stored $stored, $completed completed with" \
     "7 messages; SIPp run + stop took ${elapsed}s"
if [ "$failures" != 0 ]; then
    echo "--- capture stderr"; cat capture.err
    head -50 calls.json
    exit 1
fi
echo PASS
