#!/usr/bin/env bash
# sipscope as a live HEP agent: SIPp calls on 127.0.0.1 captured by two `sipscope capture -i lo --hep-send` agents,
# each sending to its own `sipscope capture --hep-listen` collector:
#   A stores locally too and sends HEPv3 over TCP with a capture id to a TCP collector; that collector must store
#     exactly what A stored
#     (time, addresses, ports, transport, Call-ID, method or status, CSeq);
#   B is --no-store, sends HEPv2 and its filter takes in collector B's port, so only the exclusion it adds
#     itself keeps its own HEP packets from being captured and sent again; its collector must hold the same
#     messages (times aside: B has its own capture handle) and nothing twice, and B writes no database.
# Usage: hep_send_test.sh SIPSCOPE WORKDIR UAS_SCENARIO [CALLS]
# Exits 77 (CTest SKIP_RETURN_CODE) when not root or without sipp.
set -u
sipscope=$1
work=$2
uasScenario=$(realpath "$3")
calls=${4:-10}
uasPort=25260
uacPort=25270
collectorA=29171
collectorB=29172

source "$(dirname "$0")/live_common.sh"
requireRoot
requireSipp
enterWorkdir "$work"
mkdir b
pids=()
trap 'kill -INT "${pids[@]}" 2>/dev/null' EXIT

# start NAME DIR ARGS...: a capture in the background in DIR, waited for until its banner says the source is open.
start() {
    local name=$1 dir=$2
    shift 2
    (cd "$dir" && exec "$sipscope" capture --duration 60 "$@") >"$work/$name.out" 2>"$work/$name.err" &
    pids+=($!)
    for _ in $(seq 50); do
        grep -q "capturing on" "$work/$name.err" 2>/dev/null && return
        sleep 0.1
    done
    cat "$work/$name.err"
    fail "$name did not start"
}

start collectorA . --hep-listen tcp:127.0.0.1:$collectorA --db collectorA.db
start collectorB . --hep-listen udp:127.0.0.1:$collectorB --db collectorB.db
start agentA . -i lo -f "port $uasPort or port $uacPort" --db local.db --hep-send tcp:127.0.0.1:$collectorA \
    --hep-id 101
# B's filter takes in its own packets to collector B: only the exclusion it adds itself keeps them out. (Not all
# UDP on lo: other tests may send there meanwhile.)
start agentB b -i lo -f "udp and (port $uasPort or port $uacPort or port $collectorB)" \
    --hep-send udp:127.0.0.1:$collectorB --hep-version 2 --no-store
sleep 0.5

timeout 40 sipp -sf "$uasScenario" -i 127.0.0.1 -p $uasPort -m "$calls" -nostdin >uas.out 2>&1 &
uasPid=$!
sleep 0.5
timeout 40 sipp -sn uac -i 127.0.0.1 -p $uacPort 127.0.0.1:$uasPort -m "$calls" -r 10 -nostdin >uac.out 2>&1 ||
    fail "sipp UAC exited $? (see $work/uac.out)"
wait "$uasPid" || fail "sipp UAS exited $? (see $work/uas.out)"

# The agents first (what they hold is sent as they read it), then the collectors, which store at their SIGINT.
sleep 0.5
kill -INT "${pids[2]}" "${pids[3]}"
wait "${pids[2]}" || fail "agent A exited $?"
wait "${pids[3]}" || fail "agent B exited $?"
sleep 0.5
kill -INT "${pids[0]}" "${pids[1]}"
wait "${pids[0]}" || fail "collector A exited $?"
wait "${pids[1]}" || fail "collector B exited $?"
trap - EXIT

expected=$((calls * 7))
messageSignatures local.db >local.txt
messageSignatures collectorA.db >collectorA.txt
messageSignatures collectorB.db >collectorB.txt
[ "$(wc -l <local.txt)" = "$expected" ] || fail "agent A stored $(wc -l <local.txt) messages, expected $expected"
diff local.txt collectorA.txt >a.diff || { fail "collector A differs from agent A (< agent, > collector):"; head -20 a.diff; }
cut -d' ' -f2- local.txt | sort >local.untimed
cut -d' ' -f2- collectorB.txt | sort >collectorB.untimed
diff local.untimed collectorB.untimed >b.diff ||
    { fail "collector B differs from agent A, times aside (< agent A, > collector B):"; head -20 b.diff; }
grep -q "^sent $expected SIP messages to tcp:127.0.0.1:$collectorA as HEPv3$" agentA.out ||
    fail "agent A did not report $expected messages sent: $(cat agentA.out)"
grep -q "^sent $expected SIP messages to udp:127.0.0.1:$collectorB as HEPv2$" agentB.out ||
    fail "agent B did not report $expected messages sent: $(cat agentB.out)"
grep -q "not sent" agentA.out agentB.out && fail "an agent could not send everything"
grep -q "^1 HEP agents connected over TCP$" collectorA.out || fail "collector A: not one TCP agent: $(cat collectorA.out)"
ls b/*.db >/dev/null 2>&1 && fail "--no-store wrote a database: $(ls b)"
grep -q "stored" agentB.out && fail "--no-store reported storing: $(cat agentB.out)"
completed=$("$sipscope" calls --format json --db collectorA.db | grep '"state":"completed"' | grep -c '"messages":7,')
[ "$completed" = "$calls" ] || fail "collector A: $completed calls completed with 7 messages, expected $calls"

# Usage errors, before anything is opened.
"$sipscope" capture -i lo --no-store >usage.out 2>&1
[ $? = 1 ] || fail "--no-store without --hep-send: not a usage error ($(cat usage.out))"
"$sipscope" capture -i lo --hep-send udp:127.0.0.1:9 --hep-version 2 --hep-password x >usage.out 2>&1
[ $? = 1 ] && grep -q "HEPv2 has no field for a password" usage.out || fail "v2 password: $(cat usage.out)"
"$sipscope" capture -i lo --hep-send 127.0.0.1:9 >usage.out 2>&1
[ $? = 2 ] && grep -q "udp:HOST:PORT" usage.out || fail "--hep-send without udp: $(cat usage.out)"
"$sipscope" capture -i lo --hep-send tcp:127.0.0.1:9 --hep-version 2 >usage.out 2>&1
[ $? = 1 ] && grep -q "HEPv2 has no length field" usage.out || fail "v2 over TCP: $(cat usage.out)"

echo "--- agent A"; cat agentA.out
echo "--- agent B"; cat agentB.out
echo "--- $calls calls: agent A stored $(wc -l <local.txt), collector A $(wc -l <collectorA.txt) (HEPv3)," \
     "collector B $(wc -l <collectorB.txt) (HEPv2 from --no-store)" "(A over TCP)"
if [ "$failures" != 0 ]; then
    echo "$failures failures; files in $work"
    exit 1
fi
echo PASS
