#!/usr/bin/env bash
# The viewer's benchmark (a report, not a test): sipscope-viewer under Xvfb with --timing, on a database of CALLS
# generated calls (bench/gen_calls, 1M by default), on one call of 1,000 and one of 10,000 messages
# (bench/long_call.py), and on a database that `sipscope capture -i lo` writes while SIPp places LIVE_RATE calls/s
# on 127.0.0.1 (the "live" scenario; needs root and sipp, as bench/live.sh). Each scenario runs RUNS times (3); each
# run is one row with the load average at its start (the machine is shared), then a row of the medians over the
# runs. Per run: the time to the first frame, to the first frame with every answer in (the full list), frame times
# p50/p99 (CPU and llvmpipe's rendering, glFinish included) and the UI part of a frame (answers applied and the
# windows built by ImGui, before the draw data goes to GL), and the steps' latency (input to the first frame with
# its answers drawn: median and largest; the last step's apart, for `End` in the scroll scenario). Live: the frame
# times of the frames drawn while SIPp ran, and the latency of a new call: from the call's first packet (the
# capture's timestamp) to the first frame that shows it under the cursor with follow on, p50/p99/largest.
#
#   bench/viewer_bench.sh                                   # every scenario, CALLS=1000000, RUNS=3
#   SCENARIOS="live" LIVE_RATE=2000 LIVE_SECONDS=10 bench/viewer_bench.sh
#   CALLS=100000 RUNS=1 SCENARIOS="open scroll" bench/viewer_bench.sh
#
# Settings (environment): CALLS, RUNS, BUILD (build/release), SCENARIOS (open scroll sort filter ladder-1000
# ladder-10000 live), LIVE_RATE (2000 calls/s), LIVE_SECONDS (10: LIVE_RATE * LIVE_SECONDS calls in all), UAS_PORT
# (5170), UAC_PORT (5171), KEEP (0; 1 keeps the live runs' folders: capture output, SIPp's, the viewer's stderr).
# Writes into bench/work (databases, scripts, .timing files); the live runs into mktemp -d folders. Traffic stays on
# 127.0.0.1; every process has a time limit.
set -euo pipefail
cd "$(dirname "$0")/.."
CALLS=${CALLS:-1000000}
RUNS=${RUNS:-3}
BUILD=${BUILD:-build/release}
SCENARIOS=${SCENARIOS:-"open scroll sort filter ladder-1000 ladder-10000 live"}
LIVE_RATE=${LIVE_RATE:-2000}
LIVE_SECONDS=${LIVE_SECONDS:-10}
UAS_PORT=${UAS_PORT:-5170}
UAC_PORT=${UAC_PORT:-5171}
KEEP=${KEEP:-0}
work=bench/work
mkdir -p "$work"
viewer=$PWD/$BUILD/viewer/sipscope-viewer
sipscope=$PWD/$BUILD/cli/sipscope
db=$work/viewer-$CALLS.db
wants() { [[ " $SCENARIOS " == *" $1 "* ]]; }

if wants open || wants scroll || wants sort || wants filter; then
    if [ ! -f "$db" ]; then
        "$BUILD/bench/gen_calls" --calls "$CALLS" -o "$work/viewer-$CALLS.pcap" >/dev/null
        "$sipscope" import --quiet --db "$db" "$work/viewer-$CALLS.pcap" >/dev/null
        rm -f "$work/viewer-$CALLS.pcap"
    fi
fi
for messages in 1000 10000; do
    if wants "ladder-$messages" && [ ! -f "$work/long-$messages.db" ]; then
        python3 bench/long_call.py "$messages" "long-$messages" "$work/long-$messages.pcap" >/dev/null
        "$sipscope" import --quiet --db "$work/long-$messages.db" "$work/long-$messages.pcap" >/dev/null 2>&1
        rm -f "$work/long-$messages.pcap"
    fi
done

# The value of KEY in a .timing file ("key value" lines).
value() { awk -v key="$2" '$1 == key {print $2; exit}' "$1"; }
# Median of numbers, one a line ("-" when none).
median() { sort -g | awk '{v[NR] = $1} END {if (!NR) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
# The P-th percentile (0..1, nearest rank) of numbers, one a line ("-" when none).
pct() { sort -g | awk -v p="$1" '{v[NR] = $1} END {if (!NR) {print "-"; exit} i = int(p * NR) + 1; if (i > NR) i = NR; print v[i]}'; }
# The steps of a .timing file: "median largest last" of their latencies.
steps() {
    local values
    values=$(awk '/^step_line_/ {print $2}' "$1")
    if [ -z "$values" ]; then echo "- - -"; return; fi
    echo "$(echo "$values" | median) $(echo "$values" | pct 1) $(echo "$values" | tail -1)"
}

echo "# sipscope-viewer benchmark"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'); $(nproc) cores; Xvfb 1280x800x24, Mesa llvmpipe"
echo "- $RUNS run(s) a scenario; times in ms; load: the 1, 5 and 15 minute load averages at the run's start"
echo
echo "| scenario | run | load | first frame | first settled | frame p50 | frame p99 | UI p50 | UI p99 | UI CPU p99 | steps: median / largest / last |"
echo "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"

summary=()
run() {  # NAME DB SCRIPT-TEXT [viewer options...]
    local name=$1 database=$2 script=$3 i t
    shift 3
    printf '%b' "$script" >"$work/$name.script"
    for ((i = 1; i <= RUNS; i++)); do
        t=$work/$name-$i.timing
        local load
        load=$(cut -d' ' -f1-3 /proc/loadavg)
        xvfb-run -a -s "-screen 0 1280x800x24" "$viewer" "$database" --script "$work/$name.script" \
            --timing "$t" "$@" >/dev/null || echo "($name run $i: the viewer exited $?)" >&2
        read -r stepMedian stepMax stepLast < <(steps "$t")
        echo "| $name | $i | $load | $(value "$t" first_frame_ms) | $(value "$t" first_settled_ms) | $(value "$t" frame_p50_ms) | $(value "$t" frame_p99_ms) | $(value "$t" frame_ui_p50_ms) | $(value "$t" frame_ui_p99_ms) | $(value "$t" frame_ui_cpu_p99_ms) | $stepMedian / $stepMax / $stepLast |"
    done
    local row="| $name | median |  "
    for key in first_frame_ms first_settled_ms frame_p50_ms frame_p99_ms frame_ui_p50_ms frame_ui_p99_ms \
        frame_ui_cpu_p99_ms; do
        row+=" | $(for ((i = 1; i <= RUNS; i++)); do value "$work/$name-$i.timing" "$key"; done | median)"
    done
    local column
    row+=" |"
    for column in 1 2 3; do
        row+=" $(for ((i = 1; i <= RUNS; i++)); do steps "$work/$name-$i.timing" | cut -d' ' -f$column; done | median)"
        [ $column = 3 ] || row+=" /"
    done
    echo "$row |"
}

# Open: the first frame, and the first with the count and the first page in.
wants open && run open "$db" 'frames 30\n'
# Scroll: 60 PageDown presses, then End (the last page: read backward from the end; the last step).
wants scroll && run scroll "$db" "$(printf 'key PageDown\\n%.0s' $(seq 60))key End\n"
# Sort by status (a sort of every call: no index), then by start descending (the Status and Start headers of the
# 1280x800 window's list).
wants sort && run sort "$db" 'click 530 71\nframes 10\nclick 80 71\nclick 80 71\nframes 10\n'
# Filter: typed word by word, each step the latency of the count and the first page.
wants filter && run filter "$db" 'text /\ntext from:alice\ntext  status:200\nframes 10\n'
# Ladders: open, proportional mode, to the end, zoom out.
for messages in 1000 10000; do
    wants "ladder-$messages" &&
        run "ladder-$messages" "$work/long-$messages.db" 'frames 10\ntext c\nkey End\ntext --\nkey PageUp\nkey PageUp\nframes 30\n' \
            --select "long-$messages" --view ladder
done

# Live: `sipscope capture -i lo` writes the database the viewer has open with follow on, while SIPp places
# LIVE_RATE calls/s (LIVE_RATE * LIVE_SECONDS calls; samples/scenarios/uas_answer.xml answers: 7 messages a call).
livePids=()
liveDirs=()
stopLive() {
    local pid
    for pid in "${livePids[@]}"; do
        kill -INT "$pid" 2>/dev/null || true
    done
    for pid in "${livePids[@]}"; do
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    livePids=()
}
cleanup() {
    stopLive
    local dir
    for dir in "${liveDirs[@]}"; do
        if [ "$KEEP" = 1 ]; then echo "kept $dir" >&2; else rm -rf "$dir"; fi
    done
}
trap cleanup EXIT

# Frames and new calls of a .timing file between two wall-clock times (ms): "frames p50 p99 uiP50 uiP99 uiCpuP99
# calls lagP50 lagP99 lagMax" (new calls shown up to 2 s after the end: those that started before it).
window() {
    local frames ui uiCpu lags
    frames=$(awk -v from="$2" -v to="$3" '$1 == "frame_at" && $2 >= from && $2 <= to {print $3}' "$1")
    ui=$(awk -v from="$2" -v to="$3" '$1 == "frame_at" && $2 >= from && $2 <= to {print $4}' "$1")
    uiCpu=$(awk -v from="$2" -v to="$3" '$1 == "frame_at" && $2 >= from && $2 <= to {print $5}' "$1")
    lags=$(awk -v from="$2" -v to="$3" '$1 == "newest_at" && $2 >= from && $2 <= to + 2000 {print $3}' "$1")
    echo "$(echo -n "$frames" | grep -c .) $(echo "$frames" | pct 0.5) $(echo "$frames" | pct 0.99)" \
        "$(echo "$ui" | pct 0.5) $(echo "$ui" | pct 0.99) $(echo "$uiCpu" | pct 0.99) $(echo -n "$lags" | grep -c .)" \
        "$(echo "$lags" | pct 0.5) $(echo "$lags" | pct 0.99) $(echo "$lags" | pct 1)"
}

if wants live; then
    offered=$((LIVE_RATE * LIVE_SECONDS))
    limit=$((LIVE_SECONDS + 60))
    echo
    echo "Live: \`sipscope capture -i lo\` writing while SIPp places $LIVE_RATE calls/s for $LIVE_SECONDS s ($offered calls); the viewer has the database open with follow on. Frames: those drawn while SIPp ran. New call: from its first packet to the first frame showing it (follow on), for each newer call shown."
    echo
    echo "| run | load | frames | frame p50 | frame p99 | UI p50 | UI p99 | UI CPU p99 | newer calls shown | new call p50 | p99 | largest | calls stored | SIPp ok |"
    echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    [ "$(id -u)" = 0 ] || { echo "live: needs root (the capture opens lo)" >&2; exit 1; }
    command -v sipp >/dev/null || { echo "live: needs sipp (apt-get install sip-tester)" >&2; exit 1; }
    liveRows=()
    root=$PWD
    for ((i = 1; i <= RUNS; i++)); do
        dir=$(mktemp -d "${TMPDIR:-/tmp}/sipscope-viewer-live.XXXXXX")
        liveDirs+=("$dir")
        chmod 755 "$dir"  # the capture runs as nobody once the database is open
        live=$dir/live.db
        t=$PWD/$work/live-$i.timing
        load=$(cut -d' ' -f1-3 /proc/loadavg)
        timeout --foreground -s INT -k 10 "$limit" "$sipscope" capture -i lo \
            -f "udp port $UAS_PORT or udp port $UAC_PORT" --db "$live" --buffer 256 --quiet \
            >"$dir/capture.out" 2>&1 &
        livePids+=($!)
        for _ in $(seq 100); do [ -e "$live" ] && break; sleep 0.1; done
        [ -e "$live" ] || { cat "$dir/capture.out" >&2; echo "live: the capture did not start" >&2; exit 1; }
        sleep 0.5
        # Follow on, then hold the script while the calls come in (each wait has the viewer's 20 s step limit).
        {
            echo "text f"
            for part in 1 2 3 4 5 6 7 8 9; do echo "wait calls $((offered * part / 10))"; done
            echo "frames 30"
        } >"$dir/live.script"
        xvfb-run -a -s "-screen 0 1280x800x24" "$viewer" "$live" --script "$dir/live.script" --timing "$t" \
            >/dev/null 2>"$dir/viewer.err" &
        viewerPid=$!
        sleep 3  # the window is up, drawing the empty database
        (cd "$dir" && exec timeout -k 5 "$limit" sipp -sf "$root/samples/scenarios/uas_answer.xml" \
            -i 127.0.0.1 -p "$UAS_PORT" -m "$offered" -recv_timeout 10000 -nostdin >/dev/null 2>&1) &
        livePids+=($!)
        sleep 0.5
        from=$(date +%s%3N)
        (cd "$dir" && timeout -k 5 "$limit" sipp -sn uac -i 127.0.0.1 -p "$UAC_PORT" "127.0.0.1:$UAS_PORT" \
            -r "$LIVE_RATE" -m "$offered" -l "$LIVE_RATE" -d 100 -recv_timeout 10000 -nostdin \
            -trace_stat -stf uac.csv -fd 1 >/dev/null 2>&1) || true
        to=$(date +%s%3N)
        wait "$viewerPid" || echo "(live run $i: the viewer exited $?; $(tail -1 "$dir/viewer.err"))" >&2
        stopLive
        stored=$(sqlite3 "$live" 'SELECT count(*) FROM calls' 2>/dev/null || echo '?')
        ok=$(awk -F';' 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == "SuccessfulCall(C)") c = i; next}
                        {last = $c} END {print last == "" ? "?" : last}' "$dir/uac.csv" 2>/dev/null || echo '?')
        read -r frames p50 p99 ui50 ui99 uiCpu99 newer lag50 lag99 lagMax < <(window "$t" "$from" "$to")
        liveRows+=("$p50 $p99 $ui50 $ui99 $uiCpu99 $lag50 $lag99 $lagMax")
        echo "| $i | $load | $frames | $p50 | $p99 | $ui50 | $ui99 | $uiCpu99 | $newer | $lag50 | $lag99 | $lagMax | $stored | $ok |"
    done
    row="| median | | "
    for column in 1 2 3 4 5; do
        row+=" | $(printf '%s\n' "${liveRows[@]}" | cut -d' ' -f$column | grep -v -- - | median)"
    done
    row+=" | "
    for column in 6 7 8; do
        row+=" | $(printf '%s\n' "${liveRows[@]}" | cut -d' ' -f$column | grep -v -- - | median)"
    done
    echo "$row | | |"
fi
