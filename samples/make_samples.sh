#!/usr/bin/env bash
# Regenerates the project's own sample captures: SIPp UAC and UAS on 127.0.0.1, recorded by tcpdump on lo.
# Needs root (tcpdump), sipp, tcpdump and tshark. Every run is bounded (-m calls, timeout seconds) and checked
# with tshark; any difference from the expected message sequence fails the script. Also rewrites EXPECTED.md.
# Usage: sudo samples/make_samples.sh [OUTPUT_DIR]   (default: the folder this script is in)
#        ONLY="subscribe" sudo samples/make_samples.sh   regenerates only the named samples (complete, failed,
#        register, subscribe), keeping the others, whose Call-IDs golden tests name; EXPECTED.md covers every file.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$(mkdir -p "${1:-$here}" && cd "${1:-$here}" && pwd)"
scenarios="$here/scenarios"

readonly Host=127.0.0.1
readonly UasPort=15060  # not 5060, so nothing else on lo leaks into the captures
readonly UacPort=15070
readonly RunSeconds=20  # hard bound on any single sipp run

die() { echo "make_samples: $*" >&2; exit 1; }
wanted() { [[ -z "${ONLY:-}" || " $ONLY " == *" $1 "* ]]; }

for tool in sipp tcpdump tshark timeout; do
    command -v "$tool" >/dev/null || die "$tool is not installed"
done
[[ $(id -u) -eq 0 ]] || die "run as root: tcpdump needs to capture on lo"

work="$(mktemp -d)"
capturePid=""
cleanup() {
    if [[ -n "$capturePid" ]]; then kill -INT "$capturePid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

# Starts tcpdump on lo for the UAS port only (SIP and nothing else) and waits until it is capturing.
startCapture() {
    local file="$1"
    rm -f "$file"
    tcpdump -i lo -n -U --immediate-mode -Z root -w "$file" "udp and port $UasPort" \
        2>"$work/tcpdump.log" &
    capturePid=$!
    local i
    for i in $(seq 50); do
        grep -q "listening on" "$work/tcpdump.log" && break
        kill -0 "$capturePid" 2>/dev/null || { cat "$work/tcpdump.log" >&2; die "tcpdump did not start"; }
        sleep 0.1
    done
    sleep 0.5
}

stopCapture() {
    sleep 0.5  # let the last datagram reach the file
    kill -INT "$capturePid"
    wait "$capturePid" || true
    capturePid=""
}

# Runs one UAS/UAC pair for `calls` calls. The UAS starts first; both must exit 0 (all calls succeeded).
# Arguments: name, UAS scenario option (e.g. "-sf FILE"), UAC scenario option, calls.
runPair() {
    local name="$1" uasScenario="$2" uacScenario="$3" calls="$4"
    local common=(-i "$Host" -nostdin -nr -m "$calls" -l 1 -timeout "${RunSeconds}s" -timeout_error)
    # shellcheck disable=SC2086  # the scenario options are two words on purpose
    (cd "$work" && exec timeout "$RunSeconds" sipp $uasScenario "${common[@]}" -p "$UasPort") \
        >"$work/$name-uas.log" 2>&1 &
    local uasPid=$!
    sleep 0.5
    local uacStatus=0 uasStatus=0
    # shellcheck disable=SC2086
    (cd "$work" && exec timeout "$RunSeconds" sipp $uacScenario "${common[@]}" -p "$UacPort" -r 5 \
        -s bob "$Host:$UasPort") >"$work/$name-uac.log" 2>&1 || uacStatus=$?
    wait "$uasPid" || uasStatus=$?
    if [[ $uacStatus -ne 0 || $uasStatus -ne 0 ]]; then
        tail -n 40 "$work/$name-uac.log" "$work/$name-uas.log" >&2 || true
        die "$name: sipp failed (uac exit $uacStatus, uas exit $uasStatus)"
    fi
}

# tshark without its "running as root" notice; real errors still reach stderr.
tsharkQuiet() { tshark "$@" 2> >(grep -v '^Running as user' >&2); }

# Prints each SIP message as its method (requests) or status code (responses), space-separated.
sipSequence() {
    tsharkQuiet -r "$1" -d "udp.port==$UasPort,sip" -Y sip -T fields -e sip.Method -e sip.Status-Code |
        awk -F'\t' '{ printf "%s%s", (NR > 1 ? " " : ""), ($1 != "" ? $1 : $2) } END { print "" }'
}

expectSequence() {
    local file="$1" expected="$2" actual
    actual="$(sipSequence "$file")"
    if [[ "$actual" != "$expected" ]]; then
        die "$(basename "$file"): expected [$expected], got [$actual]"
    fi
    echo "ok $(basename "$file"): $actual"
}

# --- call-complete.pcap: three answered calls, each INVITE 100 180 200 ACK BYE 200 with SDP -------------------
# The UAC is SIPp's built-in uac; the UAS is ours because SIPp's built-in uas sends no 100 Trying.
complete="$out/call-complete.pcap"
if wanted complete; then
startCapture "$complete"
runPair complete "-sf $scenarios/uas_answer.xml" "-sn uac" 3
stopCapture
oneCall="INVITE 100 180 200 ACK BYE 200"
expectSequence "$complete" "$oneCall $oneCall $oneCall"
fi

# --- call-failed.pcap: a call rejected 486 Busy Here, then a call cancelled while ringing ---------------------
failed="$out/call-failed.pcap"
if wanted failed; then
startCapture "$failed"
runPair busy "-sf $scenarios/uas_busy.xml" "-sf $scenarios/uac_busy.xml" 1
runPair cancel "-sf $scenarios/uas_cancel.xml" "-sf $scenarios/uac_cancel.xml" 1
stopCapture
expectSequence "$failed" "INVITE 100 486 ACK INVITE 100 180 CANCEL 200 487 ACK"
fi

# --- register.pcap: REGISTER challenged 401, re-sent with Authorization, 200; then an OPTIONS keepalive -------
register="$out/register.pcap"
if wanted register; then
startCapture "$register"
runPair register "-sf $scenarios/uas_register.xml" "-sf $scenarios/uac_register.xml" 1
runPair options "-sf $scenarios/uas_options.xml" "-sf $scenarios/uac_options.xml" 1
stopCapture
expectSequence "$register" "REGISTER 401 REGISTER 200 OPTIONS 200"
tsharkQuiet -r "$register" -d "udp.port==$UasPort,sip" -Y 'sip.Method == "REGISTER" && sip.Authorization' \
    -T fields -e frame.number | grep -q . || die "register.pcap: no REGISTER carries Authorization"
fi

# --- subscribe.pcap: a presence subscription (RFC 6665) from SUBSCRIBE to NOTIFY terminated, then a publication
# and its refresh (RFC 3903) ----------------------------------------------------------------------------------
subscribe="$out/subscribe.pcap"
if wanted subscribe; then
startCapture "$subscribe"
runPair subscribe "-sf $scenarios/uas_subscribe.xml" "-sf $scenarios/uac_subscribe.xml" 1
runPair publish "-sf $scenarios/uas_publish.xml" "-sf $scenarios/uac_publish.xml" 1
stopCapture
expectSequence "$subscribe" "SUBSCRIBE 202 NOTIFY 200 SUBSCRIBE 200 NOTIFY 200 PUBLISH 200 PUBLISH 200"
tsharkQuiet -r "$subscribe" -d "udp.port==$UasPort,sip" -Y 'sip.Method == "PUBLISH" && sip.If_Match' \
    -T fields -e frame.number | grep -q . || die "subscribe.pcap: the refresh PUBLISH carries no SIP-If-Match"
fi

# --- EXPECTED.md: what tshark reads in each sample; tests compare the importer against it --------------------
describe() {
    local file="$1" name
    name="$(basename "$file")"
    local fields=(-r "$file" -d "udp.port==$UasPort,sip" -Y sip -T fields -e sip.Call-ID -e sip.Method
        -e sip.Status-Code)
    echo "## $name"
    echo
    echo "- bytes: $(stat -c %s "$file"), frames: $(tsharkQuiet -r "$file" | wc -l)"
    echo "- SIP messages: $(tsharkQuiet "${fields[@]}" | wc -l)"
    echo "- Call-IDs: $(tsharkQuiet "${fields[@]}" | cut -f1 | awk '!seen[$0]++' | wc -l)"
    echo "- sequence: \`$(sipSequence "$file")\`"
    echo
    echo "| Call-ID | messages | sequence |"
    echo "| --- | --- | --- |"
    tsharkQuiet "${fields[@]}" | awk -F'\t' '
        !($1 in count) { order[++n] = $1 }
        { count[$1]++; seq[$1] = seq[$1] (seq[$1] == "" ? "" : " ") ($2 != "" ? $2 : $3) }
        END { for (i = 1; i <= n; i++) printf "| `%s` | %d | `%s` |\n", order[i], count[order[i]], seq[order[i]] }'
    echo
}

{
    echo "# Expected content of the samples"
    echo
    echo "Written by \`make_samples.sh\` from what tshark reads (\`-d udp.port==$UasPort,sip\`);"
    echo "regenerate both together. Call-IDs change on every regeneration (they carry SIPp's pid);"
    echo "the counts and sequences do not. Sequence = method for requests, status code for responses."
    echo
    describe "$complete"
    describe "$failed"
    describe "$register"
    describe "$subscribe"
} >"$out/EXPECTED.md"
echo "wrote $out/EXPECTED.md"
