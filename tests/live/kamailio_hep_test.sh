#!/usr/bin/env bash
# HEP from a real sender: Debian's Kamailio proxies SIPp calls on 127.0.0.1 and its siptrace module mirrors every
# message it receives and sends (trace_mode 1) as HEPv2, then as HEPv3, to `sipscope capture --hep-listen`.
# Each run must store every traced message once, with the addresses of the hop it crossed (not the collector's).
# Usage: kamailio_hep_test.sh SIPSCOPE WORKDIR [CALLS]
# Exits 77 (CTest SKIP_RETURN_CODE) when kamailio or sipp is not installed.
set -u
sipscope=$1
work=$2
calls=${3:-5}
uacPort=25160
proxyPort=25170
uasPort=25180
hepPort=29162  # not 29060-29063: live_hep_listen and hep_listener_tests bind those

kamailio=$(command -v kamailio || true)
if [ -z "$kamailio" ]; then
    echo "SKIPPED: kamailio not installed (Debian package kamailio; setup.sh test installs it)"
    exit 77
fi
if ! command -v sipp >/dev/null; then
    echo "SKIPPED: sipp not installed (Debian package sip-tester)"
    exit 77
fi
# Where the Debian package put its modules (multiarch path), found from the package's file list.
modules=$(dirname "$(dpkg -L kamailio 2>/dev/null | grep '/modules/siptrace\.so$' | head -1)")
if [ ! -f "$modules/siptrace.so" ]; then
    echo "SKIPPED: kamailio's siptrace module not found (dpkg -L kamailio lists no siptrace.so)"
    exit 77
fi

source "$(dirname "$0")/live_common.sh"
enterWorkdir "$work"

# What one call leaves on the two hops through the proxy, as "src dst method-or-status cseq-method":
# the proxy answers the INVITE with its own 100 and absorbs none of the rest (SIPp's UAS sends no 100).
A=127.0.0.1:$uacPort
K=127.0.0.1:$proxyPort
B=127.0.0.1:$uasPort
expectedCall=$(sort <<EOF
$A $K INVITE INVITE
$K $A 100 INVITE
$K $B INVITE INVITE
$B $K 180 INVITE
$K $A 180 INVITE
$B $K 200 INVITE
$K $A 200 INVITE
$A $K ACK ACK
$K $B ACK ACK
$A $K BYE BYE
$K $B BYE BYE
$B $K 200 BYE
$K $A 200 BYE
EOF
)
perCall=$(wc -l <<<"$expectedCall")

# The value of one JSON field of `sipscope messages --format json` lines (strings unquoted).
field() { grep -o "\"$1\":\"\?[^,\"}]*" | sed 's/^"[^"]*":"\?//'; }

writeConfig() {  # writeConfig HEP_VERSION FILE
    kamailioHeader $proxyPort >"$2"
    cat >>"$2" <<EOF
# Written by kamailio_hep_test.sh: a stateful proxy to SIPp's UAS that mirrors all its SIP as HEPv$1.
loadmodule "pv.so"
loadmodule "siputils.so"
loadmodule "textops.so"
loadmodule "sl.so"
loadmodule "tm.so"
loadmodule "maxfwd.so"
loadmodule "siptrace.so"
modparam("siptrace", "trace_on", 1)
modparam("siptrace", "trace_to_database", 0)
modparam("siptrace", "trace_mode", 1)
modparam("siptrace", "hep_mode_on", 1)
modparam("siptrace", "hep_version", $1)
modparam("siptrace", "hep_capture_id", 2001)
modparam("siptrace", "duplicate_uri", "sip:127.0.0.1:$hepPort")

event_route[core:worker-one-init] {
    xlog("L_NOTICE", "sipscope-test: proxy ready\n");
}

request_route {
    if (!mf_process_maxfwd_header("10")) {
        sl_send_reply("483", "Too Many Hops");
        exit;
    }
    # SIPp's built-in UAC sends in-dialog requests back to the proxy without a Route: relay them all to the UAS.
    \$du = "sip:127.0.0.1:$uasPort";
    if (!t_relay()) {
        sl_reply_error();
    }
}
EOF
}

runOnce() {  # runOnce HEP_VERSION
    local version=$1
    local dir=$work/hep$version
    mkdir -p "$dir"
    local db=$dir/kamailio.db
    "$sipscope" capture --hep-listen udp:127.0.0.1:$hepPort --db "$db" --duration 60 >"$dir/capture.out" \
        2>"$dir/capture.err" &
    local capturePid=$!
    local kamailioPid= uasPid=
    # shellcheck disable=SC2064
    trap "kill $capturePid 2>/dev/null" EXIT
    for _ in $(seq 50); do
        grep -q "capturing on" "$dir/capture.err" 2>/dev/null && break
        sleep 0.1
    done
    if ! kill -0 "$capturePid" 2>/dev/null; then
        cat "$dir/capture.err"
        fail "HEPv$version: sipscope capture did not start"
        return
    fi

    writeConfig "$version" "$dir/kamailio.cfg"
    if ! startKamailio "$dir"; then
        fail "HEPv$version: kamailio did not start"
        kill "$capturePid" 2>/dev/null
        wait
        trap - EXIT
        return
    fi
    trap "kill $capturePid $kamailioPid 2>/dev/null" EXIT

    timeout 40 sipp -sn uas -i 127.0.0.1 -p $uasPort -m "$calls" -nostdin >"$dir/uas.out" 2>&1 &
    uasPid=$!
    trap "kill $capturePid $kamailioPid $uasPid 2>/dev/null" EXIT
    sleep 0.3
    timeout 40 sipp -sn uac -i 127.0.0.1 -p $uacPort 127.0.0.1:$proxyPort -m "$calls" -r 10 -d 100 -nostdin \
        >"$dir/uac.out" 2>&1 || fail "HEPv$version: sipp UAC exited $? (see $dir/uac.out)"
    wait "$uasPid" || fail "HEPv$version: sipp UAS exited $? (see $dir/uas.out)"
    # The last 200 to the BYE was traced before SIPp's UAC saw it; give the collector's 200 ms flush time.
    sleep 0.5
    kill "$kamailioPid"
    wait "$kamailioPid"
    kill -INT "$capturePid"
    wait "$capturePid"
    local code=$?
    trap - EXIT
    [ "$code" = 0 ] || fail "HEPv$version: capture exited $code after SIGINT, expected 0"

    "$sipscope" messages --format json --db "$db" >"$dir/messages.json" ||
        fail "HEPv$version: sipscope messages failed"
    # "call-id src dst method-or-status cseq-method" of every message (the JSON fields keep their order).
    local signatures=$dir/signatures.txt
    sed -E 's/.*"src":"([^"]*)","dst":"([^"]*)".*"call_id":"([^"]*)","(method|status)":"?([^",]*)"?,.*"cseq_method":"([^"]*)".*/\3 \1 \2 \5 \6/' \
        "$dir/messages.json" | sort >"$signatures"

    local received stored expected retransmitted
    received=$(sed -n 's/.* packets captured (\([0-9]*\) received.*/\1/p' "$dir/capture.out")
    stored=$(wc -l <"$signatures")
    expected=$((calls * perCall))
    retransmitted=$(grep -c '"retransmission":true' "$dir/messages.json")
    [ "$stored" = "$received" ] || fail "HEPv$version: $received HEP datagrams received, $stored messages stored"
    grep -q "not decoded" "$dir/capture.out" && fail "HEPv$version: something was not decoded: $(cat "$dir/capture.out")"
    [ "$stored" = "$expected" ] ||
        fail "HEPv$version: $stored messages stored ($retransmitted retransmissions), expected $calls x $perCall"
    grep -q ":$hepPort" "$signatures" && fail "HEPv$version: the collector's port $hepPort leaked into messages"
    # Every call has exactly the messages of its two hops, each once, with the addresses of its hop.
    local callIds callCount
    callIds=$(cut -d' ' -f1 "$signatures" | sort -u)
    callCount=$(wc -w <<<"$callIds")
    [ "$callCount" = "$calls" ] || fail "HEPv$version: $callCount Call-IDs stored, expected $calls"
    for callId in $callIds; do
        sed "s/^/$callId /" <<<"$expectedCall"
    done | sort >"$dir/expected.txt"
    diff "$dir/expected.txt" "$signatures" >"$dir/differences.txt" ||
        { fail "HEPv$version: messages differ from the expected hops (< expected, > stored):"; cat "$dir/differences.txt"; }
    "$sipscope" calls --format json --db "$db" >"$dir/calls.json" || fail "HEPv$version: sipscope calls failed"
    local completed
    completed=$(grep -c '"state":"completed"' "$dir/calls.json")
    [ "$completed" = "$calls" ] || fail "HEPv$version: $completed calls completed, expected $calls"
    echo "--- HEPv$version: $calls calls through kamailio; $received datagrams received, $stored messages stored," \
         "$completed calls completed"
    cat "$dir/capture.out"
}

runOnce 2
runOnce 3
if [ "$failures" != 0 ]; then
    echo "$failures failures; files in $work"
    exit 1
fi
echo PASS
