#!/usr/bin/env bash
# Many capture points, one PostgreSQL database (issue 17): two `sipscope capture -i lo` processes, each capturing
# its own SIPp call stream on 127.0.0.1, write one database at the same time; a third is killed (SIGKILL) while it
# writes. Usage: postgres_writers_test.sh SIPSCOPE URL WORKDIR UAS_SCENARIO [CALLS]
# URL: the throwaway cluster's database (the CTest fixture `postgres`); the test works in a schema of its own.
# A third stream passes both capture points: each stores its calls, so such a call is one call per point, both
# listed. Checks: a reader sees committed calls while both write; after SIGINT, every call of each stream stored
# once per capture point that saw it, completed, with all its messages, under that capture, and no id shared; the
# killed writer left whole batches only, and the database takes a new import after it. Exits 77 when not root or no sipp.
set -u
sipscope=$1
baseUrl=$2
work=$3
uasScenario=$(realpath "$4")
calls=${5:-100}
source "$(dirname "$0")/live_common.sh"
requireRoot
requireSipp
enterWorkdir "$work"

schema="writers_$$"
psql -q "$baseUrl" -c "DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema" || exit 1
db="$baseUrl&options=-csearch_path%3D$schema"
sql() { psql -qAt "$db" -c "$1"; }
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null; done
    psql -q "$baseUrl" -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1
}
trap cleanup EXIT

# startCapture NAME UAS_PORT UAC_PORT: a capture of one stream's ports into the shared database.
startCapture() {
    "$sipscope" capture -i lo -f "port $2 or port $3" --db "$db" --duration 60 >"$1.out" 2>"$1.err" &
    eval "${1}Pid=$!"
    pids+=($!)
    for _ in $(seq 50); do
        grep -q "capturing on" "$1.err" 2>/dev/null && return 0
        sleep 0.1
    done
    cat "$1.err"
    fail "capture $1 did not start"
    return 1
}
# runCalls NAME UAS_PORT UAC_PORT CALLS RATE: a SIPp UAS and UAC pair; waits for both.
runCalls() {
    timeout 60 sipp -sf "$uasScenario" -i 127.0.0.1 -p "$2" -m "$4" -nostdin >"$1-uas.out" 2>&1 &
    local uas=$!
    sleep 0.3
    timeout 60 sipp -sn uac -i 127.0.0.1 -p "$3" 127.0.0.1:"$2" -m "$4" -r "$5" -nostdin >"$1-uac.out" 2>&1 ||
        fail "sipp UAC $1 exited $? (see $work/$1-uac.out)"
    wait "$uas"
}

shared=$((calls / 5))
startCapture a "25060 or port 25063" "25070 or port 25073" || exit 1
startCapture b "25061 or port 25063" "25071 or port 25073" || exit 1
runCalls a 25060 25070 "$calls" 50 &
callsA=$!
runCalls b 25061 25071 "$calls" 50 &
callsB=$!
runCalls shared 25063 25073 "$shared" 20 &
callsShared=$!
sleep 1
# Readers see the batches committed so far while both write.
seen=$("$sipscope" calls --format json --db "$db" 2>reader.err | grep -c '"call_id"')
[ "$seen" -gt 0 ] || fail "a reader saw no call while both captures wrote: $(cat reader.err)"
wait "$callsA" "$callsB" "$callsShared"
sleep 0.5
for name in a b; do
    pid=$(eval echo "\$${name}Pid")
    kill -INT "$pid"
    wait "$pid" || fail "capture $name exited $? after SIGINT"
done
pids=()

total=$((2 * calls + 2 * shared))
distinct=$((2 * calls + shared))
[ "$(sql "SELECT count(*) FROM captures")" = 2 ] || fail "expected 2 captures, got $(sql "SELECT count(*) FROM captures")"
stored=$(sql "SELECT count(*) || ' ' || count(DISTINCT call_id) FROM calls")
[ "$stored" = "$total $distinct" ] || fail "calls stored (all, distinct Call-IDs): $stored, expected $total $distinct"
# The shared stream's calls: each Call-ID twice, once under each capture point.
both=$(sql "SELECT count(DISTINCT m.call_key) || ' ' || count(DISTINCT m.capture_id) || ' ' || count(DISTINCT c.call_id)
            FROM messages m JOIN endpoints e ON e.id = m.src_id JOIN calls c ON c.id = m.call_key
            WHERE e.text LIKE '%:25063'")
[ "$both" = "$((2 * shared)) 2 $shared" ] ||
    fail "the calls both points saw (call keys, captures, Call-IDs): $both, expected $((2 * shared)) 2 $shared"
oneId=$(sql "SELECT c.call_id FROM calls c JOIN messages m ON m.call_key = c.id JOIN endpoints e ON e.id = m.src_id
             WHERE e.text LIKE '%:25063' LIMIT 1")
[ "$("$sipscope" calls --call-id "$oneId" --format json --db "$db" | grep -c '"call_id"')" = 2 ] ||
    fail "sipscope calls --call-id $oneId does not list the call once per capture point"
[ "$(sql "SELECT count(*) FROM calls WHERE state <> 'completed'")" = 0 ] ||
    fail "calls not completed: $(sql "SELECT call_id, state FROM calls WHERE state <> 'completed' LIMIT 5")"
# Every message of every call, counted by the call and stored under the capture that saw it.
[ "$(sql "SELECT count(*) FROM calls c WHERE c.messages <> (SELECT count(*) FROM messages m WHERE m.call_key = c.id)")" = 0 ] ||
    fail "a call's message count differs from its stored messages"
[ "$(sql "SELECT count(*) FROM captures c WHERE sip_messages <> (SELECT count(*) FROM messages m WHERE m.capture_id = c.id)")" = 0 ] ||
    fail "a capture's message count differs from its stored messages"
perCapture=$(sql "SELECT string_agg(n::text, ' ') FROM (SELECT count(DISTINCT call_key) AS n FROM messages GROUP BY capture_id) AS x")
[ "$perCapture" = "$((calls + shared)) $((calls + shared))" ] ||
    fail "calls per capture: '$perCapture', expected '$((calls + shared)) $((calls + shared))'"
[ "$(sql "SELECT count(*) FROM (SELECT call_key FROM messages GROUP BY call_key HAVING count(DISTINCT capture_id) > 1) AS x")" = 0 ] ||
    fail "a call key holds messages of both captures"
# The whole listing through sipscope, as a user reads it.
listed=$("$sipscope" calls --format json --db "$db" | grep -c '"call_id"')
[ "$listed" = "$total" ] || fail "sipscope calls lists $listed calls, expected $total"

# A writer killed while it writes: whole batches only, and the next writer goes on past its ids.
startCapture k 25062 25072 || exit 1
runCalls k 25062 25072 $((calls * 4)) 200 &
callsK=$!
for _ in $(seq 100); do
    [ "$(sql "SELECT count(*) FROM captures")" = 3 ] && [ "$(sql "SELECT sip_messages FROM captures ORDER BY id DESC LIMIT 1")" -gt 0 ] && break
    sleep 0.1
done
sleep 0.5
kill -KILL "$kPid"
wait "$kPid" 2>/dev/null
pids=()
wait "$callsK"
[ "$(sql "SELECT count(*) FROM captures c WHERE sip_messages <> (SELECT count(*) FROM messages m WHERE m.capture_id = c.id)")" = 0 ] ||
    fail "after SIGKILL: a capture's message count differs from its stored messages (a batch cut in half)"
[ "$(sql "SELECT count(*) FROM messages WHERE block_id NOT IN (SELECT id FROM text_blocks)")" = 0 ] ||
    fail "after SIGKILL: a message without its text block"
[ "$(sql "SELECT count(*) FROM calls c WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.call_key = c.id)")" = 0 ] ||
    fail "after SIGKILL: a call without its messages"
killedKept=$(sql "SELECT sip_messages FROM captures ORDER BY id DESC LIMIT 1")
[ "$killedKept" -gt 0 ] || fail "the killed writer had committed nothing"
"$sipscope" stats --db "$db" >stats.out 2>&1 || fail "stats after SIGKILL: $(cat stats.out)"
"$sipscope" import -q "$(dirname "$uasScenario")/../call-complete.pcap" --db "$db" >import.out 2>&1 ||
    fail "import after SIGKILL: $(cat import.out)"
[ "$(sql "SELECT count(*) FROM captures")" = 4 ] || fail "the import after SIGKILL stored no capture"

echo "two writers: $total calls ($shared seen by both), $(sql "SELECT count(*) FROM messages WHERE capture_id IN (SELECT id FROM captures ORDER BY id LIMIT 2)") messages; killed writer kept $killedKept messages"
[ "$failures" = 0 ] || { echo "$failures check(s) failed"; exit 1; }
echo "PASS"
