#!/usr/bin/env bash
# Import benchmarks, side by side on the same files in one run: the libpcap floor, sipscope import (store on),
# sipscope import --no-store (decode only), tshark -T fields and sngrep -N -q where installed. Each tool runs
# RUNS times; the table shows medians, ratios to the floor, messages/s, MB/s, peak RSS and database size.
#
#   bench/run.sh                         # workloads udp-10k, udp-100k, tcp-100k, rtp-10k; 3 runs each
#   WORKLOADS="udp-10k" RUNS=5 bench/run.sh
#   WORKLOADS="udp-1m" bench/run.sh      # the 1M-call file (about 2.7 GB)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
RUNS=${RUNS:-3}
WORKLOADS=${WORKLOADS:-"udp-10k udp-100k tcp-100k rtp-10k"}
work=$root/bench/work
mkdir -p "$work"

[ -x build/release/cli/sipscope ] || ./setup.sh build >/dev/null
command -v /usr/bin/time >/dev/null || { echo "bench: needs GNU time (apt-get install time)"; exit 1; }
sipscope=$root/build/release/cli/sipscope
gen=$root/build/release/bench/gen_calls
floor=$root/build/release/bench/floor

workload_file() {
    local name=$1 file=$work/$1.pcap
    if [ ! -f "$file" ]; then
        case $name in
            udp-10k) "$gen" --calls 10000 -o "$file" ;;
            udp-100k) "$gen" --calls 100000 -o "$file" ;;
            udp-1m) "$gen" --calls 1000000 -o "$file" ;;
            tcp-100k) "$gen" --calls 100000 --transport tcp -o "$file" ;;
            rtp-10k) "$gen" --calls 10000 --rtp 70 -o "$file" ;;
            *) echo "bench: unknown workload $name" >&2; exit 1 ;;
        esac
    fi
    echo "$file"
}

# Runs a command RUNS times; prints "median_seconds max_rss_kb" (RSS: median too).
measure() {
    local times=() rss=() i
    for ((i = 0; i < RUNS; i++)); do
        rm -f "$work/bench.db" "$work/bench.db-wal" "$work/bench.db-shm"
        /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >/dev/null 2>&1 || true
        read -r t r <"$work/time.txt"
        times+=("$t"); rss+=("$r")
    done
    local mt mr
    mt=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    mr=$(printf '%s\n' "${rss[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    echo "$mt $mr"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); runs: $RUNS (medians)"
echo
echo "| workload | tool | seconds | × floor | SIP msg/s | MB/s | peak RSS MB | DB MB |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for name in $WORKLOADS; do
    file=$(workload_file "$name")
    size_mb=$(awk -v b="$(stat -c %s "$file")" 'BEGIN {printf "%.1f", b/1048576}')
    messages=$("$floor" "$file" | awk '{print $3}')
    read -r floor_s floor_rss < <(measure "$floor" "$file")
    row() {  # tool seconds rss db_mb
        awk -v n="$name ($size_mb MB)" -v tool="$1" -v s="$2" -v r="$3" -v f="$floor_s" -v m="$messages" \
            -v mb="$size_mb" -v db="$4" 'BEGIN {
                s = (s <= 0 ? 0.01 : s); fs = (f <= 0 ? 0.01 : f);
                printf "| %s | %s | %.2f | %.1f | %.0f | %.0f | %.0f | %s |\n", n, tool, s, s / fs, m / s, mb / s, r / 1024, db }'
    }
    row "floor (libpcap + memmem)" "$floor_s" "$floor_rss" "-"
    read -r s r < <(measure "$sipscope" import --quiet --db "$work/bench.db" "$file")
    "$sipscope" import --quiet --db "$work/bench.db" "$file" >/dev/null
    db_mb=$(du -cm "$work"/bench.db* | awk 'END {print $1}')
    row "sipscope import" "$s" "$r" "$db_mb"
    read -r s r < <(measure "$sipscope" import --quiet --no-store --db "$work/bench.db" "$file")
    row "sipscope import --no-store" "$s" "$r" "-"
    if command -v tshark >/dev/null; then
        read -r s r < <(measure tshark -r "$file" -Y sip -T fields -e sip.Call-ID)
        row "tshark -T fields" "$s" "$r" "-"
    fi
    if command -v sngrep >/dev/null; then
        read -r s r < <(measure sngrep -I "$file" -N -q)
        row "sngrep -N -q" "$s" "$r" "-"
    fi
done
rm -f "$work/bench.db" "$work/bench.db-wal" "$work/bench.db-shm" "$work/time.txt"
