#!/usr/bin/env bash
# HEP end to end: hep_sender sends CALLS calls (7 messages each) as HEPv3 to `sipscope capture --hep-listen`
# on 127.0.0.1; every message must land with the ORIGINAL addresses and timestamps carried in the HEP chunks, and
# the report says the kernel dropped none. Then a collector stopped (SIGSTOP) while a burst fills its socket must
# report the datagrams the kernel dropped: received + dropped = sent.
# Usage: hep_listen_test.sh SIPSCOPE HEP_SENDER WORKDIR [CALLS]
set -u
sipscope=$1
sender=$2
work=$3
calls=${4:-5}
port=29060
rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 1
db=$work/hep.db
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

"$sipscope" capture --hep-listen udp:127.0.0.1:$port --db "$db" --duration 20 >capture.out 2>capture.err &
capturePid=$!
trap 'kill -INT $capturePid 2>/dev/null' EXIT
for _ in $(seq 50); do
    grep -q "capturing on" capture.err 2>/dev/null && break
    sleep 0.1
done
sleep 0.3
kill -0 "$capturePid" 2>/dev/null || { cat capture.err; echo "FAIL: capture did not start"; exit 1; }

timeout 20 "$sender" 127.0.0.1 $port "$calls" || fail "hep_sender exited $?"
sleep 0.7
kill -INT "$capturePid"
wait "$capturePid"
code=$?
trap - EXIT
[ "$code" = 0 ] || fail "capture exited $code after SIGINT, expected 0"
grep -q "received, 0 dropped by kernel" capture.out || fail "a normal run did not report 0 dropped: $(head -1 capture.out)"

"$sipscope" messages --format json --db "$db" >messages.json || fail "sipscope messages failed"
expected=$((calls * 7))
stored=$(grep -c '"call_id"' messages.json)
[ "$stored" = "$expected" ] || fail "$stored messages stored, expected $expected"
original=$(grep -cE '"src":"(10\.20\.30\.40:5060|192\.0\.2\.7:5080)","dst":"(192\.0\.2\.7:5080|10\.20\.30\.40:5060)"' \
    messages.json)
[ "$original" = "$expected" ] || fail "$original of $expected messages carry the original addresses"
grep -q '127\.0\.0\.1' messages.json && fail "the collector's own address 127.0.0.1 leaked into messages"
# Timestamps come from the HEP chunks: call c, step s at 2021-03-04T05:06:(07+c).(000123 + s*10000)Z.
for call in $(seq 0 $((calls - 1))); do
    for step in 0 3 6; do
        ts=$(printf '2021-03-04T05:06:%02d.%06dZ' $((7 + call)) $((123 + step * 10000)))
        grep -q "\"ts\":\"$ts\"" messages.json || fail "no message at $ts (call $call, step $step)"
    done
done
"$sipscope" calls --format json --db "$db" >calls.json || fail "sipscope calls failed"
completed=$(grep '"state":"completed"' calls.json | grep -c '"messages":7,')
[ "$completed" = "$calls" ] || fail "$completed calls completed with 7 messages, expected $calls"

# Drops: the collector is stopped, BURST calls fill its socket's buffer (at most 2 x net.core.rmem_max bytes)
# and overflow it, then it reads what was queued, and one more call after.
burst=3000
"$sipscope" capture --hep-listen udp:127.0.0.1:$port --db "$work/burst.db" --duration 30 >burst.out 2>burst.err &
burstPid=$!
trap 'kill -CONT $burstPid 2>/dev/null; kill -INT $burstPid 2>/dev/null' EXIT
for _ in $(seq 50); do
    grep -q "capturing on" burst.err 2>/dev/null && break
    sleep 0.1
done
kill -STOP "$burstPid"
timeout 20 "$sender" 127.0.0.1 $port $burst burst || fail "hep_sender burst exited $?"
kill -CONT "$burstPid"
sleep 0.5
timeout 20 "$sender" 127.0.0.1 $port 1 || fail "hep_sender exited $?"
sleep 0.7
kill -INT "$burstPid"
wait "$burstPid" || fail "burst: capture exited $? after SIGINT, expected 0"
trap - EXIT
sentBurst=$(((burst + 1) * 7))
read -r receivedBurst droppedBurst < <(sed -nE 's/.*\(([0-9]+) received, ([0-9]+) dropped by kernel.*/\1 \2/p' burst.out)
[ "${droppedBurst:-0}" -gt 0 ] || fail "burst: no drop reported ($(head -1 burst.out))"
[ "$((${receivedBurst:-0} + ${droppedBurst:-0}))" = "$sentBurst" ] ||
    fail "burst: $receivedBurst received + $droppedBurst dropped, $sentBurst sent"
storedBurst=$("$sipscope" messages --format json --db "$work/burst.db" | grep -c '"call_id"')
[ "$storedBurst" = "${receivedBurst:-0}" ] || fail "burst: $storedBurst messages stored, $receivedBurst received"

echo "--- capture output"
cat capture.out
echo "--- hep: $calls calls ($expected messages) sent; stored $stored, $original with original addresses;" \
     "$completed calls completed; burst: $sentBurst sent, $receivedBurst received, $droppedBurst dropped by kernel"
if [ "$failures" != 0 ]; then
    cat capture.err
    head -8 messages.json
    exit 1
fi
echo PASS
