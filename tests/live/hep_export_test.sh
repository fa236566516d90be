#!/usr/bin/env bash
# sipscope as a HEP agent, received by sipscope's own collector on 127.0.0.1: `export hep` replays a database
# (the sample captures) to `capture --hep-listen`, as HEPv3 with a capture id and a password, as HEPv2, as HEPv3
# over TCP (with --rate), and with --pace original; the collector's database must hold every message of the
# source with the same time, addresses,
# ports, transport, Call-ID, method or status and CSeq. Also checks that a filter chooses what is sent, and that
# a refused collector and bad options are reported.
# Usage: hep_export_test.sh SIPSCOPE SAMPLES_DIR WORKDIR [MORE_CAPTURES...] (e.g. TCP and IPv6 ones)
set -u
sipscope=$1
samples=$(realpath "$2")
work=$3
shift 3
more=("$@")  # absolute paths (CTest gives them so): the test works in $work
hepPort=29170  # live_hep_listen binds 29060-29063, live_kamailio_hep 29162
source "$(dirname "$0")/live_common.sh"
enterWorkdir "$work"

"$sipscope" import --db source.db "$samples"/*.pcap "${more[@]}" >import.out 2>&1 || { cat import.out; fail "import failed"; }
messageSignatures source.db >source.txt
total=$(wc -l <source.txt)
[ "$total" -gt 20 ] || fail "only $total messages in the sample captures"
grep -qv '^[^ ]* [^ ]* [^ ]* [a-z]* [A-Z0-9]* [0-9]* [A-Z]* .' source.txt &&
    fail "signatures not parsed: $(grep -v '^[^ ]* [^ ]* [^ ]* [a-z]* [A-Z0-9]* [0-9]* [A-Z]* .' source.txt | head -2)"

# replay NAME EXPORT_OPTIONS...: export hep to a fresh collector, stopped once the export has returned; over TCP
# when $proto is tcp.
proto=udp
replay() {
    local name=$1
    shift
    "$sipscope" capture --hep-listen $proto:127.0.0.1:$hepPort --db "$name.db" --duration 60 >"$name.capture.out" \
        2>"$name.capture.err" &
    local capturePid=$!
    for _ in $(seq 50); do
        grep -q "capturing on" "$name.capture.err" 2>/dev/null && break
        sleep 0.1
    done
    timeout 60 "$sipscope" export hep --db source.db $proto:127.0.0.1:$hepPort "$@" >"$name.export.out" \
        2>"$name.export.err" || fail "$name: export hep exited $? ($(cat "$name.export.err"))"
    # The collector writes every 200 ms; what it received is stored at its SIGINT either way.
    sleep 0.5
    kill -INT "$capturePid"
    wait "$capturePid" || fail "$name: the collector exited $?"
    cat "$name.export.err"
}

replay v3 --hep-id 4242 --hep-password s3cret
grep -q "^sent $total SIP messages to udp:127.0.0.1:$hepPort as HEPv3$" v3.export.err ||
    fail "v3: the export did not say it sent $total messages"
messageSignatures v3.db >v3.txt
diff source.txt v3.txt >v3.diff || { fail "v3: the collector's messages differ (< source, > collector):"; head -20 v3.diff; }

replay v2 --hep-version 2
messageSignatures v2.db >v2.txt
diff source.txt v2.txt >v2.diff || { fail "v2: the collector's messages differ (< source, > collector):"; head -20 v2.diff; }

# HEPv3 over TCP, at most 2000 messages a second: the same messages, all of them, over one connection.
proto=tcp
replay tcp --hep-id 4243 --rate 2000
proto=udp
grep -q "^sent $total SIP messages to tcp:127.0.0.1:$hepPort as HEPv3$" tcp.export.err ||
    fail "tcp: the export did not say it sent $total messages"
grep -q "^1 HEP agents connected over TCP$" tcp.capture.out || fail "tcp: not one agent: $(cat tcp.capture.out)"
messageSignatures tcp.db >tcp.txt
diff source.txt tcp.txt >tcp.diff || { fail "tcp: the collector's messages differ (< source, > collector):"; head -20 tcp.diff; }

# Original pace: one call of the samples (its messages span well under a second) arrives whole and alone.
"$sipscope" import --db one.db "$samples/call-complete.pcap" >/dev/null 2>&1 || fail "import call-complete failed"
pacedCall=$(messageSignatures one.db | sed -n '1s/.* //p')
replay paced --pace original --call-id "$pacedCall"
messageSignatures paced.db >paced.txt
expectedPaced=$(awk -v id="$pacedCall" '$8 == id' source.txt | wc -l)
[ "$(wc -l <paced.txt)" = "$expectedPaced" ] && [ "$expectedPaced" -gt 0 ] ||
    fail "paced: $(wc -l <paced.txt) messages stored, expected the $expectedPaced of Call-ID $pacedCall"
grep -qv " $pacedCall\$" paced.txt && fail "paced: --call-id did not choose the messages"

# A TCP collector shrugs off an agent that is not HEPv3 (an HTTP request on its port): that connection is closed
# and reported, the messages from the next agent are stored whole.
"$sipscope" capture --hep-listen tcp:127.0.0.1:$hepPort --db garbage.db --duration 60 >garbage.capture.out \
    2>garbage.capture.err &
garbagePid=$!
for _ in $(seq 50); do
    grep -q "capturing on" garbage.capture.err 2>/dev/null && break
    sleep 0.1
done
printf 'GET / HTTP/1.1\r\nHost: collector\r\n\r\n' >/dev/tcp/127.0.0.1/$hepPort || fail "garbage: cannot connect"
timeout 60 "$sipscope" export hep --db one.db tcp:127.0.0.1:$hepPort 2>garbage.export.err || fail "garbage: export failed"
sleep 0.5
kill -INT "$garbagePid"
wait "$garbagePid" || fail "garbage: the collector exited $?"
grep -q "^2 HEP agents connected over TCP$" garbage.capture.out &&
    grep -q "^  1 connections closed: bytes that cannot be HEPv3" garbage.capture.out ||
    fail "garbage: not reported: $(cat garbage.capture.out)"
messageSignatures one.db >one.txt
messageSignatures garbage.db >garbage.txt
diff one.txt garbage.txt >garbage.diff || { fail "garbage: the collector's messages differ:"; head -20 garbage.diff; }

# Filters choose what is sent: only the responses of status 200.
replay ok --status 200
expectedOk=$("$sipscope" messages --format json --db source.db --status 200 | grep -c '"call_id"')
storedOk=$(messageSignatures ok.db | wc -l)
[ "$storedOk" = "$expectedOk" ] || fail "--status 200: $storedOk messages stored, $expectedOk chosen by messages"

# Nobody listens: the kernel refuses the datagrams, the export says so and fails.
"$sipscope" export hep --db source.db udp:127.0.0.1:$hepPort >refused.out 2>refused.err
code=$?
[ "$code" = 2 ] || fail "refused: exit $code, expected 2"
grep -q "the collector refused them" refused.err || fail "refused: not reported ($(cat refused.err))"

# Nobody listens on TCP: the connection is refused before the database is read.
"$sipscope" export hep --db source.db tcp:127.0.0.1:$hepPort >refused.out 2>refused.err
code=$?
[ "$code" = 2 ] && grep -q "cannot connect" refused.err || fail "tcp refused: exit $code, $(cat refused.err)"

# Usage errors: exit 1 before anything is sent.
"$sipscope" export hep --db source.db 127.0.0.1:9 >usage.out 2>usage.err
code=$?
[ "$code" = 2 ] && grep -q "udp:HOST:PORT" usage.err || fail "no udp: prefix: exit $code, $(cat usage.err)"
"$sipscope" export hep --db source.db udp:127.0.0.1:9 --hep-version 2 --hep-password x >usage.out 2>usage.err
code=$?
[ "$code" = 1 ] && grep -q "HEPv2 has no field for a password" usage.err || fail "v2 password: exit $code, $(cat usage.err)"
"$sipscope" export hep --db source.db udp:127.0.0.1:9 --pace slow >usage.out 2>usage.err
[ $? = 1 ] || fail "--pace slow accepted"
"$sipscope" export hep --db source.db tcp:127.0.0.1:9 --hep-version 2 >usage.out 2>usage.err
code=$?
[ "$code" = 1 ] && grep -q "HEPv2 has no length field" usage.err || fail "v2 over TCP: exit $code, $(cat usage.err)"
"$sipscope" export hep --db source.db udp:127.0.0.1:9 --rate 0 >usage.out 2>usage.err
[ $? = 1 ] || fail "--rate 0 accepted"

echo "--- $total messages replayed: HEPv3 $(wc -l <v3.txt) stored, HEPv2 $(wc -l <v2.txt) stored," \
     "HEPv3 over TCP at --rate 2000 $(wc -l <tcp.txt) stored," \
     "paced $(wc -l <paced.txt) of $expectedPaced, --status 200 $storedOk of $expectedOk"
if [ "$failures" != 0 ]; then
    echo "$failures failures; files in $work"
    exit 1
fi
echo PASS
