#!/usr/bin/env bash
# The live-capture benchmark of issue 7: "`sipscope capture` keeps up with SIPp at 2,000 calls/s on loopback for
# 60 s with zero kernel drops and every call stored". For each run: `sipscope capture -i lo` into a fresh database,
# a SIPp UAS (samples/scenarios/uas_answer.xml: 100, 180, 200 with SDP, so 7 messages a call with the UAC's INVITE,
# ACK, BYE and the 200 to it) and SIPp's built-in uac placing RATE calls/s, RATE*SECONDS calls in all, all on
# 127.0.0.1. When the UAC is done the capture gets a second, then SIGINT, and the run is one Markdown table row:
# calls offered, calls SIPp counted successful, the rate SIPp reached (successful calls / seconds from the UAC's
# start to its last successful call, read from SIPp's statistics rows, written every second), SIP
# messages SIPp sent and received (retransmissions apart), packets the capture decoded and pcap_stats' received,
# kernel drops (ps_drop) and interface drops (ps_ifdrop), sipscope's own loss counters (the "not decoded or
# incomplete" lines), calls stored, calls stored `completed` with 7 messages or more, CPU seconds (user + system)
# and peak RSS of the capture process, CPU seconds of the two SIPp processes. Met: zero kernel and interface drops,
# no sipscope loss, every call offered stored, and every call SIPp completed stored `completed` with its 7 messages
# or more (retransmissions); calls SIPp itself failed, its own timeouts on a loaded machine, are counted in the row
# but decide nothing.
#
#   sudo bench/live.sh                                    # 2000 calls/s for 60 s, UDP, once
#   sudo RATE=200 SECONDS=5 BUILD=build/perf bench/live.sh  # a smoke run
#   sudo RATE=1000 RUNS=3 TRANSPORT=tcp bench/live.sh
#
# Settings (environment): RATE (2000 calls/s), SECONDS (60; DURATION is the same: SECONDS is also bash's own
# clock, so the script reads it from the environment it was started with), RUNS (1), TRANSPORT (udp or tcp),
# BUILD (build/release; built with ./setup.sh build when missing), BUFFER_MB (256, see below), CALL_MS (100: the
# UAC's pause between ACK and BYE), LIMIT (RATE: the most calls SIPp keeps open at once, -l), UAS_PORT (5070),
# UAC_PORT (5071), SNAPLEN (empty: sipscope's default of 262144), KEEP (0: delete the work directory at the end;
# 1: keep it and print where it is: databases, SIPp's statistics and the capture's output).
#
# BUFFER_MB is the kernel ring of the capture (`sipscope capture --buffer`). sipscope asks libpcap for immediate
# mode, and libpcap 1.10 then uses TPACKET_V2: one fixed-size slot per packet, as large as the largest packet the
# interface can carry. On lo (MTU 65536) that is ~64 KiB a slot (and each slot takes a 128 KiB block of kernel
# memory), so libpcap's default 2 MB holds ~32 packets, and every packet on lo is seen twice (going out and coming
# in), both copies taking a slot. At 2000 calls/s that is ~28,000 slots a second: 2 MB would last about a
# millisecond. 256 MB gives ~4,000 slots (~140 ms of traffic, 512 MB of kernel memory), enough to ride out the
# capture being descheduled for a while on a busy 2-core machine; it does not help if the capture is slower than
# the traffic on average. SNAPLEN (e.g. 2048) makes the slots smaller, so many more fit in the same buffer.
#
# Needs root (the capture opens lo; it then drops to user nobody), sipp (Debian package sip-tester), GNU time
# (/usr/bin/time) and sqlite3. Traffic stays on 127.0.0.1; every process has a time limit; the trap stops SIPp
# and the capture on any exit. Writes only into a mktemp -d directory.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

# SECONDS counts up from the value it was given; take the value the script was started with.
startSeconds=$(tr '\0' '\n' </proc/$$/environ | sed -n 's/^SECONDS=//p')
DURATION=${DURATION:-${startSeconds:-60}}
RATE=${RATE:-2000}
RUNS=${RUNS:-1}
TRANSPORT=${TRANSPORT:-udp}
BUILD=${BUILD:-build/release}
BUFFER_MB=${BUFFER_MB:-256}
CALL_MS=${CALL_MS:-100}
LIMIT=${LIMIT:-$RATE}
UAS_PORT=${UAS_PORT:-5070}
UAC_PORT=${UAC_PORT:-5071}
SNAPLEN=${SNAPLEN:-}
KEEP=${KEEP:-0}

die() { echo "live: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root: the capture opens lo (run: sudo bench/live.sh)"
command -v sipp >/dev/null || die "needs sipp (apt-get install sip-tester)"
[ -x /usr/bin/time ] || die "needs GNU time (apt-get install time)"
command -v sqlite3 >/dev/null || die "needs sqlite3 (apt-get install sqlite3)"
for setting in DURATION RATE RUNS BUFFER_MB LIMIT UAS_PORT UAC_PORT; do
    [[ ${!setting} =~ ^[1-9][0-9]*$ ]] || die "$setting must be a positive whole number, not '${!setting}'"
done
[[ $CALL_MS =~ ^[0-9]+$ ]] || die "CALL_MS must be a whole number of milliseconds, not '$CALL_MS'"
case $TRANSPORT in
    udp) sippTransport=u1 ;;
    tcp) sippTransport=t1 ;;
    *) die "TRANSPORT is udp or tcp, not '$TRANSPORT'" ;;
esac
if [ ! -x "$BUILD/cli/sipscope" ]; then
    if [ "$BUILD" = build/release ]; then
        ./setup.sh build >/dev/null
    else
        die "$BUILD has no cli/sipscope; build it: ninja -C $BUILD sipscope"
    fi
fi
sipscope=$root/$BUILD/cli/sipscope
uasScenario=$root/samples/scenarios/uas_answer.xml
[ -f "$uasScenario" ] || die "missing $uasScenario"

offered=$((RATE * DURATION))
sippLimit=$((2 * DURATION + 30))       # seconds SIPp may take (SIPp's own -timeout; `timeout` 10 s later)
# A call that waits longer than this for a message fails (-recv_timeout), so a lost message does not keep the UAC
# waiting, unfinished, until its time limit.
recvTimeoutMs=10000
captureLimit=$((sippLimit + 30))        # the capture's hard limit (SIGINT, then SIGKILL 10 s later)
filter="$TRANSPORT port $UAS_PORT or $TRANSPORT port $UAC_PORT"
work=$(mktemp -d "${TMPDIR:-/tmp}/sipscope-live.XXXXXX")
chmod 755 "$work"                       # the capture runs as nobody once the database is open

# Processes are started as `/usr/bin/time -> timeout -> program`; these hold the time processes' ids.
capturePid=
uasPid=
uacPid=
descendants() {  # every process below $1, deepest first
    local child
    for child in $(pgrep -P "$1" 2>/dev/null || true); do
        descendants "$child"
        echo "$child"
    done
}
stopTree() {  # signal, pid: the signal to the processes below pid (not pid: GNU time ignores SIGINT)
    local pid
    [ -n "$2" ] || return 0
    for pid in $(descendants "$2"); do
        kill -s "$1" "$pid" 2>/dev/null || true
    done
}
cleanup() {
    local status=$? pid
    trap - EXIT INT TERM
    stopTree TERM "$uacPid"
    stopTree TERM "$uasPid"
    stopTree INT "$capturePid"
    for pid in $uacPid $uasPid $capturePid; do  # up to 10 s to end, then killed
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        stopTree KILL "$pid"
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if [ "$KEEP" = 1 ]; then
        echo "live: work directory kept: $work" >&2
    else
        rm -rf "$work"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

elapsedSince() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN {printf "%.2f", b - a}'; }

# The last row of a SIPp statistics file (-trace_stat, ';'-separated, with a header row): the column named $2.
sippStat() {
    awk -F';' -v name="$2" 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == name) col = i; next}
                            {last = $0}
                            END {n = split(last, f, ";"); print (col && col <= n ? f[col] : "?")}' "$1" 2>/dev/null ||
        echo "?"
}
# Successful calls a second: SuccessfulCall(C) over the seconds from StartTime to the first statistics row that
# has the final count (rows come every second, so this is a lower bound, within a second of the truth).
# SIPp's times are "date<TAB>time<TAB>epoch seconds".
sippRateOf() {
    awk -F';' 'function epoch(t,  p) {split(t, p, "\t"); return p[3]}
               NR == 1 {for (i = 1; i <= NF; i++) col[$i] = i; next}
               {n++; ok[n] = $col["SuccessfulCall(C)"]; at[n] = epoch($col["CurrentTime"]); start = epoch($col["StartTime"])}
               END {if (!n) {print "?"; exit}
                    first = n; while (first > 1 && ok[first - 1] == ok[n]) first--
                    s = at[first] - start
                    if (s > 0) printf "%.0f", ok[n] / s; else print "?"}' "$1" 2>/dev/null || echo "?"
}
# From a SIPp message counts file (-trace_counts): "messages retransmissions" of its last row, messages being the
# sum of the *_Sent and *_Recv columns.
sippCounts() {
    awk -F';' 'NR == 1 {for (i = 1; i <= NF; i++) name[i] = $i; next}
               {last = $0}
               END {n = split(last, f, ";"); m = 0; r = 0
                    for (i = 1; i <= n; i++) {
                        if (name[i] ~ /_(Sent|Recv)$/) m += f[i]
                        else if (name[i] ~ /_Retrans$/) r += f[i]
                    }
                    print m, r}' "$1" 2>/dev/null || echo "? ?"
}

echo "# sipscope live capture on lo (issue 7)"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "- machine: $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), Linux $(uname -r); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- build: $BUILD ($(grep -m1 '^CMAKE_BUILD_TYPE' "$BUILD/CMakeCache.txt" 2>/dev/null | cut -d= -f2)), sipscope linked $(date -u -r "$sipscope" '+%Y-%m-%d %H:%M:%S UTC'), sha256 $(sha256sum "$sipscope" | cut -c1-12) (the working tree may differ from the commit); $(sipp -v 2>&1 | grep -m1 -o 'SIPp v[^ ]*')"
echo "- $RUNS run(s): $TRANSPORT, $RATE calls/s for $DURATION s = $offered calls, calls of $CALL_MS ms (SIPp -d), at most $LIMIT open (-l); capture: --buffer $BUFFER_MB${SNAPLEN:+ --snaplen $SNAPLEN}, filter '$filter'"
echo
echo "| run | start UTC | load avg | offered | SIPp ok | SIPp failed | SIPp calls/s | SIPp msgs (retrans) | captured pkts (pcap received) | kernel drops | if drops | sipscope losses | stored msgs | stored calls | completed, ≥ 7 msgs | capture CPU s | capture peak RSS MB (ring) | SIPp CPU s (UAC + UAS) | met |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"

details=""
for ((run = 1; run <= RUNS; run++)); do
    dir=$work/run$run
    mkdir -p "$dir"
    chmod 755 "$dir"
    db=$dir/live.db
    load=$(cut -d' ' -f1 /proc/loadavg)
    startTime=$(date -u +%H:%M:%S)

    # The capture, under `timeout --foreground` so that its SIGINT goes to sipscope alone (without --foreground,
    # timeout also signals its process group, and a second SIGINT kills sipscope: its handler is SA_RESETHAND).
    captureArgs=(capture -i lo -f "$filter" --db "$db" --buffer "$BUFFER_MB" --quiet)
    [ -z "$SNAPLEN" ] || captureArgs+=(--snaplen "$SNAPLEN")
    /usr/bin/time -f "%e %U %S %M" -o "$dir/capture.time" \
        timeout --foreground -s INT -k 10 "$captureLimit" "$sipscope" "${captureArgs[@]}" \
        >"$dir/capture.out" 2>"$dir/capture.err" &
    capturePid=$!
    # With --quiet there is no banner; the source (lo opened, filter set, ring mapped) is opened before the
    # database is created, so the database file means it is capturing.
    for _ in $(seq 100); do
        [ -e "$db" ] && break
        kill -0 "$capturePid" 2>/dev/null || break
        sleep 0.1
    done
    if [ ! -e "$db" ] || ! kill -0 "$capturePid" 2>/dev/null; then
        cat "$dir/capture.err" >&2
        die "sipscope capture did not start"
    fi
    sleep 0.5
    below=($(descendants "$capturePid"))  # deepest first: sipscope, then timeout
    sipscopePid=${below[0]:-}
    [ -n "$sipscopePid" ] || die "sipscope capture is not running"
    # The ring libpcap mapped: the largest shared mapping of the capture process (the packet socket's).
    ringBytes=0
    while read -r range perms _; do
        [[ $perms == rw-s ]] || continue
        size=$((16#${range#*-} - 16#${range%-*}))
        [ "$size" -le "$ringBytes" ] || ringBytes=$size
    done <"/proc/$sipscopePid/maps"
    ringMb=$((ringBytes / 1048576))

    (cd "$dir" && exec /usr/bin/time -f "%e %U %S %M" -o uas.time \
        timeout -k 10 $((sippLimit + 10)) sipp -sf "$uasScenario" -i 127.0.0.1 -p "$UAS_PORT" -t "$sippTransport" \
        -m "$offered" -recv_timeout "$recvTimeoutMs" -timeout "${sippLimit}s" -nostdin \
        -trace_stat -stf uas.csv -fd 1 -trace_counts -trace_screen -screen_file uas_screen.log \
        >"$dir/uas.out" 2>&1) &
    uasPid=$!
    sleep 0.5
    kill -0 "$uasPid" 2>/dev/null || { cat "$dir/uas.out" >&2; die "the SIPp UAS did not start"; }

    uacStart=$(date +%s.%N)
    (cd "$dir" && exec /usr/bin/time -f "%e %U %S %M" -o uac.time \
        timeout -k 10 $((sippLimit + 10)) sipp -sn uac -i 127.0.0.1 -p "$UAC_PORT" -t "$sippTransport" \
        "127.0.0.1:$UAS_PORT" -r "$RATE" -m "$offered" -l "$LIMIT" -d "$CALL_MS" -recv_timeout "$recvTimeoutMs" \
        -timeout "${sippLimit}s" -nostdin \
        -trace_stat -stf uac.csv -fd 1 -trace_counts -trace_screen -screen_file uac_screen.log \
        >"$dir/uac.out" 2>&1) &
    uacPid=$!
    uacStatus=0
    wait "$uacPid" || uacStatus=$?
    uacSeconds=$(elapsedSince "$uacStart")
    uacPid=

    # The UAS ends by itself after the last call when every call got through; give it 5 s.
    for _ in $(seq 50); do kill -0 "$uasPid" 2>/dev/null || break; sleep 0.1; done
    stopTree TERM "$uasPid"
    wait "$uasPid" 2>/dev/null || true
    uasPid=

    sleep 1
    captureAlive=1
    kill -0 "$sipscopePid" 2>/dev/null || captureAlive=0
    kill -INT "$sipscopePid" 2>/dev/null || true
    captureStatus=0
    wait "$capturePid" || captureStatus=$?
    capturePid=

    # SIPp's figures.
    ok=$(sippStat "$dir/uac.csv" 'SuccessfulCall(C)')
    failed=$(sippStat "$dir/uac.csv" 'FailedCall(C)')
    countsFiles=("$dir"/uac_*_counts.csv)
    read -r messages retrans < <(sippCounts "${countsFiles[0]}")
    sippRate=$(sippRateOf "$dir/uac.csv")
    sippCpu=$(cat "$dir/uac.time" "$dir/uas.time" 2>/dev/null |
              awk '/^[0-9.]+ [0-9.]+ [0-9.]+ [0-9]+$/ {c += $2 + $3; n++} END {if (n == 2) printf "%.1f", c; else print "?"}')

    # The capture's: "lo: N packets captured (R received, K dropped by kernel, I dropped by interface)",
    # "stored M SIP messages in C calls into DB", then "not decoded or incomplete:" and one "  COUNT what" a loss.
    read -r captured received kernelDrops ifDrops < <(
        sed -n 's/^[^:]*: \([0-9]*\) packets captured (\([0-9]*\) received, \([0-9]*\) dropped by kernel, \([0-9]*\) dropped by interface)$/\1 \2 \3 \4/p' \
            "$dir/capture.out" | grep -m1 . || echo "? ? ? ?")
    storedMessages=$(sed -n 's/^stored \([0-9]*\) SIP messages in .*/\1/p' "$dir/capture.out")
    losses=$(awk '/^not decoded or incomplete:/ {on = 1; next} on && /^  [0-9]+ / {n += $1} END {print n + 0}' \
             "$dir/capture.out")
    read -r captureCpu captureRss < <(
        awk '/^[0-9.]+ [0-9.]+ [0-9.]+ [0-9]+$/ {printf "%.1f %.0f\n", $2 + $3, $4 / 1024; found = 1}
             END {if (!found) print "? ?"}' "$dir/capture.time" 2>/dev/null || echo "? ?")

    # The database: calls stored, and those `completed` with all 7 messages (more with retransmissions).
    read -r stored completed < <(sqlite3 -separator ' ' "$db" \
        "SELECT count(*), coalesce(sum(state = 'completed' AND messages >= 7), 0) FROM calls" 2>/dev/null ||
        echo "? ?")

    # Met when the capture lost nothing: no drops, every call SIPp started stored, at least as many calls stored whole
    # as SIPp completed (a call SIPp gave up on may still have ended on the wire). Calls SIPp itself failed (its own
    # timeouts on a loaded machine) are in the row, not in the verdict.
    met=no
    if [ "$kernelDrops" = 0 ] && [ "$ifDrops" = 0 ] && [ "$losses" = 0 ] && [ "$stored" = "$offered" ] &&
        [ "$completed" -ge "$ok" ] 2>/dev/null; then
        met=yes
    fi
    notes=()
    [ "$uacStatus" = 0 ] || notes+=("SIPp UAC exited $uacStatus")
    [ "$captureAlive" = 1 ] || notes+=("capture had ended before SIGINT")
    [ "$captureStatus" = 0 ] || notes+=("capture exited $captureStatus")
    [ ${#notes[@]} = 0 ] || met="$met ($(IFS=';'; echo "${notes[*]}" | sed 's/;/; /g'))"

    echo "| $run | $startTime | $load | $offered | $ok | $failed | $sippRate | $messages ($retrans) | $captured ($received) | $kernelDrops | $ifDrops | $losses | ${storedMessages:-?} | $stored | $completed | $captureCpu | $captureRss ($ringMb) | $sippCpu | $met |"
    details+=$'\n'"Run $run: UAC wall ${uacSeconds} s; capture $(awk 'END {printf "%s s wall, %s s user, %s s system", $1, $2, $3}' "$dir/capture.time"); output:"$'\n\n'
    details+=$(sed 's/^/    /' "$dir/capture.out"; sed 's/^/    (stderr) /' "$dir/capture.err")$'\n'
done
echo "$details"
