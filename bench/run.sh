#!/usr/bin/env bash
# The benchmark suite, in one command. For each workload (a pcap made by bench/gen_calls into bench/work, once),
# side by side in one run and RUNS times each: the floor (libpcap + memmem, bench/floor.cpp), `sipscope import`
# into a fresh database, the same with --no-store (decode only), `tshark -T fields` and `sngrep -N -q -l` where
# installed. Prints a Markdown table of medians: wall seconds, ratio to the floor of the same run, CPU seconds
# (user + sys: above the wall time when decode and store overlap), SIP messages/s, MB/s, peak RSS, database
# size, and the 1-minute load average as the workload started (the machine may be shared). Then query timings on the largest database imported, the Google Benchmark micro-benchmarks, and (as root)
# the live-capture benchmark, bench/live.sh.
#
#   bench/run.sh                                    # the default WORKLOADS below, 3 runs each
#   WORKLOADS="udp-100k udp-100k-5kcps udp-100k-20kcps sipp-5kcps" RUNS=3 bench/run.sh   # by call rate (issue 14)
#   WORKLOADS="udp-100k udp-1m" RUNS=5 bench/run.sh
#   BUILD=build/perf bench/run.sh                   # another build directory (default build/release)
#
# Settings (environment): WORKLOADS (udp-10k udp-100k udp-100k-5kcps udp-100k-20kcps tcp-100k rtp-10k sipp-5kcps;
# the names are described at workload_file below), RUNS (3), BUILD (build/release; built with ./setup.sh build when missing),
# COMPARE (workloads tshark and sngrep also run on; default udp-100k tcp-100k sipp-5kcps), TOOL_TIMEOUT (seconds one tshark
# or sngrep run may take, 900), TOOL_RUNS (runs of tshark and sngrep; default RUNS: they take minutes), QUERIES
# (1: time the queries), MICRO (1: run micro_bench when built), LIVE (1: run live.sh once at the end when root
# with SIPp installed: 2,000 calls/s for 60 s; its own settings pass through), KEEP_DB (0: delete the databases at
# the end; they are large), QUERY_DB (time the queries on this database instead of the largest one imported, which
# is then kept: WORKLOADS= QUERY_DB=bench/work/q1m.db bench/run.sh), BASE (another build directory, or a sipscope
# binary, e.g. main's: its import and --no-store run beside this build's on the same file in the same run, in rows
# labelled with BASE_LABEL, "base" by default).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
RUNS=${RUNS:-3}
# set but empty: none (with QUERY_DB)
WORKLOADS=${WORKLOADS-"udp-10k udp-100k udp-100k-5kcps udp-100k-20kcps tcp-100k rtp-10k sipp-5kcps"}
COMPARE=${COMPARE:-"udp-100k tcp-100k sipp-5kcps"}
TOOL_TIMEOUT=${TOOL_TIMEOUT:-900}
TOOL_RUNS=${TOOL_RUNS:-$RUNS}
QUERIES=${QUERIES:-1}
MICRO=${MICRO:-1}
LIVE=${LIVE:-1}
KEEP_DB=${KEEP_DB:-0}
QUERY_DB=${QUERY_DB:-}
BUILD=${BUILD:-build/release}
BASE=${BASE:-}
BASE_LABEL=${BASE_LABEL:-base}
work=$root/bench/work
mkdir -p "$work"

if [ ! -x "$BUILD/cli/sipscope" ] || { [ -n "$WORKLOADS" ] && { [ ! -x "$BUILD/bench/gen_calls" ] || [ ! -x "$BUILD/bench/floor" ]; }; }; then
    if [ "$BUILD" = build/release ]; then
        ./setup.sh build >/dev/null
    else
        echo "bench: $BUILD has no sipscope, gen_calls and floor; build them: ninja -C $BUILD sipscope gen_calls floor" >&2
        exit 1
    fi
fi
command -v /usr/bin/time >/dev/null || { echo "bench: needs GNU time (apt-get install time)" >&2; exit 1; }
sipscope=$root/$BUILD/cli/sipscope
gen=$root/$BUILD/bench/gen_calls
floor=$root/$BUILD/bench/floor
base=""
if [ -n "$BASE" ]; then
    base=$(realpath "$BASE")
    [ -d "$base" ] && base=$base/cli/sipscope
    [ -x "$base" ] || { echo "bench: BASE=$BASE has no sipscope" >&2; exit 1; }
fi

# Workloads: udp-10k udp-100k udp-1m tcp-100k rtp-10k (1,000 calls/s); any TRANSPORT-CALLS-RATEcps, e.g.
# udp-100k-5kcps, udp-100k-20kcps, udp-1m-5kcps, tcp-100k-5kcps (gen_calls --rate; CALLS and RATE with k or m);
# options-CALLS-RATEcps, e.g. options-100k-5kcps (an OPTIONS and its 200 per "call", over UDP: gen_calls --options); and
# sipp-5kcps (any sipp-RATEcps: 100,000 calls of real SIPp on lo, captured by tcpdump, bench/sipp_pcap.sh; needs
# root, sipp and tcpdump, else skipped). Made once into bench/work; sipp-*.pcap.txt says how the capture went.
count_of() {  # 100k -> 100000, 5k -> 5000, 1m -> 1000000
    case $1 in
        *k) echo $((${1%k} * 1000)) ;;
        *m) echo $((${1%m} * 1000000)) ;;
        *) echo "$1" ;;
    esac
}
workload_file() {
    local name=$1 file=$work/$1.pcap
    if [ ! -f "$file" ]; then
        echo "bench: generating $file" >&2
        case $name in
            udp-10k) "$gen" --calls 10000 -o "$file.tmp" ;;
            udp-100k) "$gen" --calls 100000 -o "$file.tmp" ;;
            udp-1m) "$gen" --calls 1000000 -o "$file.tmp" ;;
            tcp-100k) "$gen" --calls 100000 --transport tcp -o "$file.tmp" ;;
            rtp-10k) "$gen" --calls 10000 --rtp 70 -o "$file.tmp" ;;
            udp-*-*cps | tcp-*-*cps | options-*-*cps)
                local transport=${name%%-*} rest=${name#*-} kind=()
                local calls=${rest%%-*} rate=${rest#*-}
                if [ "$transport" = options ]; then transport=udp kind=(--options); fi
                "$gen" --calls "$(count_of "$calls")" --rate "$(count_of "${rate%cps}")" --transport "$transport" \
                    "${kind[@]}" -o "$file.tmp" ;;
            sipp-*cps)
                if [ "$(id -u)" != 0 ] || ! command -v sipp >/dev/null || ! command -v tcpdump >/dev/null; then
                    echo "bench: $name needs root, sipp and tcpdump; skipped" >&2
                    return 1
                fi
                local rate=${name#sipp-}
                RATE=$(count_of "${rate%cps}") CALLS=100000 "$root/bench/sipp_pcap.sh" "$file.tmp" | tee "$file.txt" >&2
                ;;
            *) echo "bench: unknown workload $name (udp-10k udp-100k udp-1m tcp-100k rtp-10k udp-100k-5kcps sipp-5kcps ...)" >&2; exit 1 ;;
        esac
        mv "$file.tmp" "$file"
    fi
    echo "$file"
}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# Runs a command RUNS times (at most $2 seconds each, 0 = no limit); prints medians "wall rss_kb cpu_s read_s
# write_s" (the last two from `import --timing`, "-" for other commands) or "timeout" when a run did not finish.
measure() {
    local runs=$1 limit=$2; shift 2
    local walls=() rss=() cpu=() reads=() writes=() i
    for ((i = 0; i < runs; i++)); do
        rm -f "$work/bench.db" "$work/bench.db-wal" "$work/bench.db-shm"
        local status=0
        if [ "$limit" -gt 0 ]; then
            /usr/bin/time -f "%e %M %U %S" -o "$work/time.txt" timeout "$limit" "$@" >"$work/out.txt" 2>&1 || status=$?
        else
            /usr/bin/time -f "%e %M %U %S" -o "$work/time.txt" "$@" >"$work/out.txt" 2>&1 || status=$?
        fi
        if [ "$status" -eq 124 ]; then
            echo timeout
            return
        fi
        local t r u s
        read -r t r u s < <(grep -E '^[0-9.]+ [0-9]+ ' "$work/time.txt" | tail -1)
        walls+=("$t"); rss+=("$r"); cpu+=("$(awk -v u="$u" -v s="$s" 'BEGIN {print u + s}')")
        local timing
        timing=$(sed -n 's/.*reading and decoding \([0-9.]*\) s CPU; writing \([0-9.]*\) s CPU.*/\1 \2/p' "$work/out.txt")
        if [ -n "$timing" ]; then
            reads+=("${timing% *}"); writes+=("${timing#* }")
        fi
    done
    local split="- -"
    [ "${#reads[@]}" -eq 0 ] || split="$(printf '%s\n' "${reads[@]}" | median) $(printf '%s\n' "${writes[@]}" | median)"
    echo "$(printf '%s\n' "${walls[@]}" | median) $(printf '%s\n' "${rss[@]}" | median) $(printf '%s\n' "${cpu[@]}" | median) $split"
}

in_list() { case " $2 " in *" $1 "*) return 0 ;; esac; return 1; }

echo "# sipscope benchmarks"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "- machine: $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), Linux $(uname -r); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- build: $BUILD ($(grep -m1 '^CMAKE_BUILD_TYPE' "$BUILD/CMakeCache.txt" 2>/dev/null | cut -d= -f2)); runs: $RUNS, medians"
[ -z "$base" ] || echo "- beside it ($BASE_LABEL): $base"
echo "- tools: $(command -v tshark >/dev/null && tshark --version | head -1 || echo 'no tshark'); $(command -v sngrep >/dev/null && sngrep -V 2>&1 | head -1 || echo 'no sngrep')"
echo
echo "| workload | tool | wall s | × floor | CPU s | read / write thread CPU s | SIP msg/s | MB/s | peak RSS MB | DB MB | load |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
largest_db=""
largest_messages=0
for name in $WORKLOADS; do
    file=$(workload_file "$name") || continue
    load=$(cut -d' ' -f1 /proc/loadavg)
    size_mb=$(awk -v b="$(stat -c %s "$file")" 'BEGIN {printf "%.1f", b/1048576}')
    messages=$("$floor" "$file" | awk '{print $3}')
    read -r floor_s floor_rss floor_cpu _ < <(measure "$RUNS" 0 "$floor" "$file")
    row() {  # tool "wall rss cpu" | "timeout", db_mb
        if [ "$2" = timeout ]; then
            echo "| $name ($size_mb MB) | $1 | > $TOOL_TIMEOUT | > $(awk -v l="$TOOL_TIMEOUT" -v f="$floor_s" 'BEGIN {printf "%.0f", l / (f <= 0 ? 0.01 : f)}') | | | | | | | $load |"
            return
        fi
        local s r c rd wr
        read -r s r c rd wr <<<"$2"
        awk -v n="$name ($size_mb MB)" -v tool="$1" -v s="$s" -v r="$r" -v c="$c" -v f="$floor_s" -v m="$messages" \
            -v mb="$size_mb" -v db="$3" -v rd="$rd" -v wr="$wr" -v load="$load" 'BEGIN {
                s = (s <= 0 ? 0.01 : s); fs = (f <= 0 ? 0.01 : f);
                split_ = (rd == "-" || rd == "") ? "" : sprintf("%.2f / %.2f", rd, wr);
                printf "| %s | %s | %.2f | %.1f | %.2f | %s | %.0f | %.0f | %.0f | %s | %s |\n", n, tool, s, s / fs, c, split_, m / s, mb / s, r / 1024, db, load }'
    }
    row "floor (libpcap + memmem)" "$floor_s $floor_rss $floor_cpu - -" "-"
    result=$(measure "$RUNS" 0 "$sipscope" import --quiet --timing --db "$work/bench.db" "$file")  # leaves the last run's DB
    db_mb=$(du -cm "$work"/bench.db* | awk 'END {print $1}')
    row "sipscope import" "$result" "$db_mb"
    if [ "$QUERIES" = 1 ] && [ "$messages" -gt "$largest_messages" ]; then
        largest_messages=$messages
        [ -z "$largest_db" ] || rm -f "$largest_db" "$largest_db"-*
        largest_db=$work/query-$name.db
        rm -f "$largest_db"*
        mv "$work/bench.db" "$largest_db"
        rm -f "$work"/bench.db-*
    fi
    row "sipscope import --no-store" "$(measure "$RUNS" 0 "$sipscope" import --quiet --timing --no-store --db "$work/bench.db" "$file")" "-"
    if [ -n "$base" ]; then
        result=$(measure "$RUNS" 0 "$base" import --quiet --timing --db "$work/bench.db" "$file")
        row "sipscope import ($BASE_LABEL)" "$result" "$(du -cm "$work"/bench.db* | awk 'END {print $1}')"
        row "sipscope import --no-store ($BASE_LABEL)" \
            "$(measure "$RUNS" 0 "$base" import --quiet --timing --no-store --db "$work/bench.db" "$file")" "-"
    fi
    if in_list "$name" "$COMPARE"; then
        if command -v tshark >/dev/null; then
            row "tshark -Y sip -T fields -e sip.Call-ID" \
                "$(measure "$TOOL_RUNS" "$TOOL_TIMEOUT" tshark -r "$file" -Y sip -T fields -e sip.Call-ID)" "-"
        fi
        if command -v sngrep >/dev/null; then
            # -l: without it sngrep stops keeping dialogs at its default limit of 20000 and skips the rest.
            row "sngrep -N -q -l 2000000" "$(measure "$TOOL_RUNS" "$TOOL_TIMEOUT" sngrep -I "$file" -N -q -l 2000000)" "-"
        fi
    fi
done
rm -f "$work/bench.db" "$work/bench.db-wal" "$work/bench.db-shm" "$work/time.txt" "$work/out.txt"

if [ -n "$QUERY_DB" ]; then
    [ -z "$largest_db" ] || [ "$KEEP_DB" = 1 ] || rm -f "$largest_db" "$largest_db"-*
    largest_db=$(realpath "$QUERY_DB")
    KEEP_DB=1
fi
if [ "$QUERIES" = 1 ] && [ -n "$largest_db" ]; then
    echo
    echo "## Queries on $(basename "$largest_db" .db | sed 's/^query-//') ($(du -cm "$largest_db"* | awk 'END {print $1}') MB database), median of $RUNS runs"
    echo
    echo "| query | command | wall ms | CPU ms (user + sys) |"
    echo "| --- | --- | ---: | ---: |"
    call_id=$(sqlite3 "$largest_db" "SELECT call_id FROM calls WHERE id = (SELECT id FROM calls ORDER BY id LIMIT 1 OFFSET (SELECT count(*) / 2 FROM calls))" 2>/dev/null ||
              "$sipscope" calls --db "$largest_db" --limit 1 --format csv | awk -F, 'NR == 2 {print $1}')
    has_perf=0
    perf stat -x, -e task-clock -o /dev/null true 2>/dev/null && has_perf=1
    query() {  # label, arguments
        local label=$1; shift
        local times=() cpus=() i start end u s
        for ((i = 0; i < RUNS; i++)); do
            start=$(date +%s%N)
            if [ "$has_perf" = 1 ]; then  # task-clock in ms; GNU time counts CPU in steps of 10 ms
                perf stat -x, -e task-clock -o "$work/time.txt" "$sipscope" "$@" --db "$largest_db" >/dev/null
            else
                /usr/bin/time -f "%U %S" -o "$work/time.txt" "$sipscope" "$@" --db "$largest_db" >/dev/null
            fi
            end=$(date +%s%N)
            times+=("$(( (end - start) / 1000000 ))")
            if [ "$has_perf" = 1 ]; then
                cpus+=("$(awk -F, '/task-clock/ {printf "%.1f", $1}' "$work/time.txt")")
            else
                read -r u s < <(tail -1 "$work/time.txt")
                cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN {printf "%.0f", (u + s) * 1000}')")
            fi
        done
        rm -f "$work/time.txt"
        echo "| $label | \`sipscope $*\` | $(printf '%s\n' "${times[@]}" | median) | $(printf '%s\n' "${cpus[@]}" | median) |"
    }
    query "first page of calls" calls --limit 50
    query "calls filtered by from-user" calls --from 1234 --limit 50
    query "calls filtered by status" calls --status 200 --limit 50
    query "show one call" show "$call_id"
    query "stats" stats
    [ "$KEEP_DB" = 1 ] || rm -f "$largest_db" "$largest_db"-*
fi

if [ "$MICRO" = 1 ] && [ -x "$BUILD/bench/micro_bench" ]; then
    echo
    echo "## Micro-benchmarks (Google Benchmark; CPU time per message)"
    echo
    echo '```'
    "$BUILD/bench/micro_bench" --benchmark_repetitions="$RUNS" --benchmark_report_aggregates_only=true 2>&1 |
        grep -E '^(Benchmark|BM_.*_median)' || true
    echo '```'
fi

# The live-capture benchmark (live.sh) needs root and SIPp; it runs last, once, when both are there.
if [ "$LIVE" = 1 ]; then
    echo
    echo "## Live capture (bench/live.sh: sipscope capture -i lo while SIPp places calls on 127.0.0.1)"
    echo
    if [ "$(id -u)" = 0 ] && command -v sipp >/dev/null && command -v sqlite3 >/dev/null; then
        BUILD=$BUILD RUNS=1 "$root/bench/live.sh" || echo "(live.sh failed: exit $?)"
    else
        echo "(skipped: needs root, sipp and sqlite3; run sudo bench/live.sh)"
    fi
fi
