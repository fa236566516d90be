#!/usr/bin/env bash
# sipscope as a HEP agent, received by a collector sipscope did not write: Kamailio's sipcapture module
# (hep_capture_on) storing through db_sqlite into a SQLite file. `sipscope export hep` replays the sample captures
# as HEPv3, then as HEPv2; every row Kamailio stored is compared with the message sipscope sent: time (micro_ts),
# source and destination address and port, transport, method or status, CSeq and Call-ID, and the capture id in
# Kamailio's node column.
# Usage: kamailio_sipcapture_test.sh SIPSCOPE SAMPLES_DIR WORKDIR [MORE_CAPTURES...] (e.g. TCP and IPv6 ones)
# Exits 77 (CTest SKIP_RETURN_CODE) without kamailio, its sipcapture or db_sqlite module, or the sqlite3 shell.
set -u
sipscope=$1
samples=$(realpath "$2")
work=$3
shift 3
more=("$@")  # absolute paths (CTest gives them so): the test works in $work
hepPort=29173

kamailio=$(command -v kamailio || true)
if [ -z "$kamailio" ]; then
    echo "SKIPPED: kamailio not installed (Debian package kamailio; setup.sh test installs it)"
    exit 77
fi
modules=$(dirname "$(dpkg -L kamailio 2>/dev/null | grep '/modules/sipcapture\.so$' | head -1)")
if [ ! -f "$modules/sipcapture.so" ] || [ ! -f "$modules/db_sqlite.so" ]; then
    echo "SKIPPED: kamailio's sipcapture or db_sqlite module not found (Debian package kamailio-sqlite-modules)"
    exit 77
fi
if ! command -v sqlite3 >/dev/null; then
    echo "SKIPPED: the sqlite3 shell is not installed (Debian package sqlite3)"
    exit 77
fi
source "$(dirname "$0")/live_common.sh"
enterWorkdir "$work"

# The columns Kamailio 5.6's sipcapture inserts (sqlite takes the MySQL types of Homer's schema as they come).
# In WAL mode, so that this script's polling reads never lock Kamailio's writes out: db_sqlite gives up a commit
# that finds the database locked, and the message is lost.
createTable() {
    sqlite3 "$1" "PRAGMA journal_mode=WAL" >/dev/null
    sqlite3 "$1" "CREATE TABLE sip_capture (id INTEGER PRIMARY KEY AUTOINCREMENT, date TEXT, micro_ts BIGINT,
        method TEXT, reply_reason TEXT, ruri TEXT, ruri_user TEXT, ruri_domain TEXT, from_user TEXT,
        from_domain TEXT, from_tag TEXT, to_user TEXT, to_domain TEXT, to_tag TEXT, pid_user TEXT,
        contact_user TEXT, auth_user TEXT, callid TEXT, callid_aleg TEXT, via_1 TEXT, via_1_branch TEXT,
        cseq TEXT, diversion TEXT, reason TEXT, content_type TEXT, auth TEXT, user_agent TEXT, source_ip TEXT,
        source_port INTEGER, destination_ip TEXT, destination_port INTEGER, contact_ip TEXT, contact_port INTEGER,
        originator_ip TEXT, originator_port INTEGER, correlation_id TEXT, custom_field1 TEXT, custom_field2 TEXT,
        custom_field3 TEXT, proto INTEGER, family INTEGER, rtp_stat TEXT, type INTEGER, node TEXT, msg TEXT)"
}

# Kamailio's rows in the form of messageSignatures: time, src, dst, transport (Kamailio's PROTO_* numbers),
# method or status, CSeq number and method, Call-ID.
kamailioSignatures() {
    sqlite3 -separator ' ' "$1" "SELECT
        strftime('%Y-%m-%dT%H:%M:%S', micro_ts / 1000000, 'unixepoch') || printf('.%06dZ', micro_ts % 1000000),
        CASE family WHEN 10 THEN '[' || source_ip || ']' ELSE source_ip END || ':' || source_port,
        CASE family WHEN 10 THEN '[' || destination_ip || ']' ELSE destination_ip END || ':' || destination_port,
        CASE proto WHEN 1 THEN 'udp' WHEN 2 THEN 'tcp' WHEN 3 THEN 'tls' WHEN 4 THEN 'sctp' ELSE 'proto' || proto END,
        method, substr(cseq, 1, instr(cseq, ' ') - 1), substr(cseq, instr(cseq, ' ') + 1), callid
        FROM sip_capture" | sort
}

writeConfig() {  # writeConfig DATABASE FILE
    kamailioHeader $hepPort >"$2"
    cat >>"$2" <<EOF
# Written by kamailio_sipcapture_test.sh: a HEP collector storing every SIP message into SQLite.
loadmodule "db_sqlite.so"
loadmodule "sipcapture.so"
modparam("sipcapture", "db_url", "sqlite://$1")
modparam("sipcapture", "table_name", "sip_capture")
modparam("sipcapture", "capture_on", 1)
modparam("sipcapture", "hep_capture_on", 1)
modparam("sipcapture", "capture_node", "sipscope-test")

event_route[core:worker-one-init] {
    xlog("L_NOTICE", "sipscope-test: collector ready\n");
}

request_route {
    sip_capture();
    exit;
}

reply_route {
    sip_capture();
    drop;
}
EOF
}

"$sipscope" import --db source.db "$samples"/*.pcap "${more[@]}" >import.out 2>&1 || { cat import.out; fail "import failed"; }
messageSignatures source.db >source.txt
total=$(wc -l <source.txt)
[ "$total" -gt 20 ] || fail "only $total messages in the sample captures"

runOnce() {  # runOnce HEP_VERSION
    local version=$1
    local dir=$work/hep$version
    local captureId=$((4200 + version))
    mkdir -p "$dir"
    createTable "$dir/capture.db"
    writeConfig "$dir/capture.db" "$dir/kamailio.cfg"
    if ! startKamailio "$dir"; then
        fail "HEPv$version: kamailio did not start"
        return
    fi
    # shellcheck disable=SC2064
    trap "kill $kamailioPid 2>/dev/null" EXIT

    # One Call-ID at a time, each waited for: Kamailio writes one SQLite transaction per message, slower than
    # sipscope sends, and a full receive buffer would lose datagrams before sipcapture sees them.
    local stored=0
    for callId in $(cut -d' ' -f8 source.txt | sort -u); do
        local messages
        messages=$(grep -c " $callId\$" source.txt)
        timeout 30 "$sipscope" export hep --db source.db "udp:127.0.0.1:$hepPort" --hep-version "$version" \
            --hep-id "$captureId" --call-id "$callId" 2>>"$dir/export.err" ||
            fail "HEPv$version: export hep --call-id $callId exited $?"
        stored=$((stored + messages))
        local rows=0
        for _ in $(seq 300); do  # a bound on a stuck collector (30 s), not a measured time
            rows=$(sqlite3 -cmd ".timeout 2000" "$dir/capture.db" "SELECT count(*) FROM sip_capture" 2>/dev/null)
            [ "${rows:-0}" -ge "$stored" ] && break
            sleep 0.1
        done
        if [ "${rows:-0}" -lt "$stored" ]; then
            fail "HEPv$version: Kamailio stored ${rows:-0} rows of the $stored sent so far (Call-ID $callId)"
            break
        fi
    done
    kill "$kamailioPid"
    wait "$kamailioPid"
    trap - EXIT

    kamailioSignatures "$dir/capture.db" >"$dir/kamailio.txt"
    diff source.txt "$dir/kamailio.txt" >"$dir/differences.txt" ||
        { fail "HEPv$version: Kamailio's rows differ from what sipscope sent (< sent, > stored):"; head -20 "$dir/differences.txt"; }
    local nodes
    nodes=$(sqlite3 "$dir/capture.db" "SELECT DISTINCT node FROM sip_capture")
    [ "$nodes" = "sipscope-test:$captureId" ] || fail "HEPv$version: node column '$nodes', expected sipscope-test:$captureId"
    local types
    types=$(sqlite3 "$dir/capture.db" "SELECT count(*) FROM sip_capture WHERE type = CASE WHEN method GLOB '[0-9]*' THEN 2 ELSE 1 END")
    [ "$types" = "$total" ] || fail "HEPv$version: $types of $total rows typed as request or reply by their first line"
    grep -q "ERROR: db_sqlite\|db_do_insert" "$dir/kamailio.err" &&
        fail "HEPv$version: Kamailio logged errors: $(grep ERROR "$dir/kamailio.err" | head -3)"
    echo "--- HEPv$version: $total messages sent, $(wc -l <"$dir/kamailio.txt") rows stored by Kamailio's sipcapture"
}

runOnce 3
runOnce 2
if [ "$failures" != 0 ]; then
    echo "$failures failures; files in $work"
    exit 1
fi
echo PASS
