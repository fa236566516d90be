#!/usr/bin/env bash
# PostgreSQL beside SQLite (issue 17): `sipscope import` of each workload into a fresh SQLite file and into a fresh
# schema of a PostgreSQL 15 server on this machine, alternating, RUNS times; then the queries of bench/run.sh on a
# database of QUERY_CALLS calls in both. Prints Markdown tables of medians. The server is a throwaway cluster
# (tests/tools/postgres_cluster.sh) on a Unix socket in bench/work/pg, with fsync on and synchronous_commit off: a
# commit survives a crash of sipscope or of the server, as SQLite's WAL with synchronous=NORMAL does; a power cut
# may lose the last commits of either.
#
#   bench/postgres.sh                                 # udp-100k, 3 runs; queries on 1M calls
#   WORKLOADS="udp-100k tcp-100k" RUNS=5 QUERY_CALLS=0 bench/postgres.sh
#
# Settings (environment): WORKLOADS (udp-100k; made by gen_calls into bench/work as bench/run.sh names them), RUNS
# (3), QUERY_CALLS (1000000; 0: no queries), BUILD (build/release), URL (an existing server's database instead of
# the throwaway cluster; the bench works in a schema of its own there and drops it).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
RUNS=${RUNS:-3}
WORKLOADS=${WORKLOADS:-udp-100k}
QUERY_CALLS=${QUERY_CALLS:-1000000}
BUILD=${BUILD:-build/release}
work=$root/bench/work
mkdir -p "$work"
sipscope=$root/$BUILD/cli/sipscope
gen=$root/$BUILD/bench/gen_calls
[ -x "$sipscope" ] && [ -x "$gen" ] || { echo "bench: build first: ./setup.sh build" >&2; exit 1; }

cluster=$root/tests/tools/postgres_cluster.sh
base=${URL:-}
if [ -z "$base" ]; then
    base=$(POSTGRES_SETTINGS="-c synchronous_commit=off -c shared_buffers=256MB -c max_wal_size=4GB" \
        "$cluster" start "$work/pg")
    trap '"$cluster" stop "$work/pg"' EXIT
fi
schema=bench_$$
url="$base&options=-csearch_path%3D$schema"
[[ $base == *\?* ]] || url="$base?options=-csearch_path%3D$schema"
fresh_schema() { psql -q "$base" -c "DROP SCHEMA IF EXISTS $schema CASCADE" -c "CREATE SCHEMA $schema" >/dev/null 2>&1; }
fresh_sqlite() { rm -f "$work/pgbench.db" "$work/pgbench.db-wal" "$work/pgbench.db-shm"; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# calls -> a generated workload file, made once (the names of bench/run.sh)
workload_file() {
    local file=$work/$1.pcap
    if [ ! -f "$file" ]; then
        case $1 in
            udp-100k) "$gen" --calls 100000 -o "$file.tmp" ;;
            udp-1m) "$gen" --calls 1000000 -o "$file.tmp" ;;
            tcp-100k) "$gen" --calls 100000 --transport tcp -o "$file.tmp" ;;
            udp-10k) "$gen" --calls 10000 -o "$file.tmp" ;;
            *) echo "bench: unknown workload $1" >&2; exit 1 ;;
        esac
        mv "$file.tmp" "$file"
    fi
    echo "$file"
}

# import FILE DB: "wall cpu rss_kb" of one import
import_once() {
    /usr/bin/time -f "%e %U %S %M" -o "$work/pgtime.txt" "$sipscope" import --quiet --db "$2" "$1" >/dev/null
    awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$work/pgtime.txt"
}

echo "# PostgreSQL beside SQLite"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'); $(nproc) cores; load at start $(cut -d' ' -f1 /proc/loadavg)"
echo "- server: $(psql -qAt "$base" -c 'SHOW server_version'), $( [ -n "${URL:-}" ] && echo "$URL" || echo "throwaway cluster, Unix socket, fsync on, synchronous_commit off")"
echo
echo "| workload | backend | import wall s | × SQLite | sipscope CPU s | peak RSS MB |"
echo "| --- | --- | ---: | ---: | ---: | ---: |"
for name in $WORKLOADS; do
    file=$(workload_file "$name")
    sw=() sc=() sr=() pw=() pc=() pr=()
    for ((i = 0; i < RUNS; i++)); do
        fresh_sqlite
        read -r w c r < <(import_once "$file" "$work/pgbench.db")
        sw+=("$w") sc+=("$c") sr+=("$r")
        fresh_schema
        read -r w c r < <(import_once "$file" "$url")
        pw+=("$w") pc+=("$c") pr+=("$r")
    done
    s=$(printf '%s\n' "${sw[@]}" | median) p=$(printf '%s\n' "${pw[@]}" | median)
    echo "| $name | SQLite | $s | 1.00 | $(printf '%s\n' "${sc[@]}" | median) | $(( $(printf '%s\n' "${sr[@]}" | median) / 1024 )) |"
    echo "| $name | PostgreSQL | $p | $(awk -v p="$p" -v s="$s" 'BEGIN {printf "%.2f", p / s}') | $(printf '%s\n' "${pc[@]}" | median) | $(( $(printf '%s\n' "${pr[@]}" | median) / 1024 )) |"
done
fresh_sqlite

if [ "$QUERY_CALLS" -gt 0 ]; then
    name=udp-$((QUERY_CALLS / 1000))k
    [ "$QUERY_CALLS" = 1000000 ] && name=udp-1m
    file=$(workload_file "$name")
    fresh_sqlite
    fresh_schema
    import_once "$file" "$work/pgbench.db" >/dev/null
    import_once "$file" "$url" >/dev/null
    call_id=$("$sipscope" calls --db "$work/pgbench.db" --limit 1 --sort start --reverse --format csv | awk -F, 'NR == 2 {print $1}')
    echo
    echo "## Queries on $name ($QUERY_CALLS calls), median of $RUNS runs, wall ms"
    echo
    echo "| query | command | SQLite | PostgreSQL |"
    echo "| --- | --- | ---: | ---: |"
    query() {  # label, arguments
        local label=$1 db times start end i
        shift
        local row="| $label | \`sipscope $*\` |"
        for db in "$work/pgbench.db" "$url"; do
            times=()
            for ((i = 0; i < RUNS; i++)); do
                start=$(date +%s%N)
                "$sipscope" "$@" --db "$db" >/dev/null
                end=$(date +%s%N)
                times+=("$(( (end - start) / 1000000 ))")
            done
            row+=" $(printf '%s\n' "${times[@]}" | median) |"
        done
        echo "$row"
    }
    query "first page of calls" calls --limit 50
    query "calls filtered by from-user" calls --from 1234 --limit 50
    query "calls filtered by status" calls --status 200 --limit 50
    query "show one call" show "$call_id"
    query "stats" stats
    fresh_sqlite
fi
psql -q "$base" -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true
rm -f "$work/pgtime.txt"
