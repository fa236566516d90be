#!/usr/bin/env bash
# The viewer's benchmark (a report, not a test): sipscope-viewer under Xvfb with --timing, on a database of CALLS
# generated calls (bench/gen_calls, 1M by default) and on one call of 1,000 and one of 10,000 messages
# (bench/long_call.py). Prints, per scenario, the time to the first frame, to the first frame with every answer in
# (the full list), frame times p50/p99 (CPU and llvmpipe's rendering, glFinish included), and each step's latency
# (input to the first frame with its answers drawn).
#
#   bench/viewer_bench.sh                 # CALLS=1000000
#   CALLS=100000 bench/viewer_bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
CALLS=${CALLS:-1000000}
BUILD=${BUILD:-build/release}
work=bench/work
mkdir -p "$work"
viewer=$BUILD/viewer/sipscope-viewer
sipscope=$BUILD/cli/sipscope
db=$work/viewer-$CALLS.db
if [ ! -f "$db" ]; then
    "$BUILD/bench/gen_calls" --calls "$CALLS" -o "$work/viewer-$CALLS.pcap" >/dev/null
    "$sipscope" import --quiet --db "$db" "$work/viewer-$CALLS.pcap"
    rm -f "$work/viewer-$CALLS.pcap"
fi
for messages in 1000 10000; do
    if [ ! -f "$work/long-$messages.db" ]; then
        python3 bench/long_call.py "$messages" "long-$messages" "$work/long-$messages.pcap"
        "$sipscope" import --quiet --db "$work/long-$messages.db" "$work/long-$messages.pcap"
        rm -f "$work/long-$messages.pcap"
    fi
done

run() {  # NAME DB SCRIPT-TEXT [viewer options...]
    local name=$1 database=$2 script=$3
    shift 3
    printf '%b' "$script" >"$work/$name.script"
    xvfb-run -a -s "-screen 0 1280x800x24" "$viewer" "$database" --script "$work/$name.script" \
        --timing "$work/$name.timing" "$@" >/dev/null
    echo "== $name"
    cat "$work/$name.timing"
}

# Open: the first frame, and the first with the count and the first page in.
run open "$db" 'frames 30\n'
# Scroll: 60 PageDown presses, then End (the last page: an OFFSET of every call).
run scroll "$db" "$(printf 'key PageDown\\n%.0s' $(seq 60))key End\nframes 30\n"
# Sort by status (a sort of every call: no index), then by start descending (the Status and Start headers of the
# 1280x800 window's list).
run sort "$db" 'click 530 71\nframes 10\nclick 80 71\nclick 80 71\nframes 10\n'
# Filter: typed word by word, each step the latency of the count and the first page.
run filter "$db" 'text /\ntext from:alice\ntext  status:200\nframes 10\n'
# Ladders: open, proportional mode, to the end, zoom out.
for messages in 1000 10000; do
    run "ladder-$messages" "$work/long-$messages.db" 'frames 10\ntext c\nkey End\ntext --\nkey PageUp\nkey PageUp\nframes 30\n' \
        --select "long-$messages" --view ladder
done
