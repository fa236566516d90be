#!/usr/bin/env bash
# The same answers from PostgreSQL as from SQLite (issue 17): the same captures imported into an SQLite file and
# into a PostgreSQL schema of their own, then every command a user reads with -- the listings in JSON, stats (with
# intervals and per host), show of every call (ladder and raw), diff, findings, streams, the exports (calls,
# messages, stats, ladder as SVG, pcap, streams, findings) and migrate -- run on both, their outputs compared byte
# for byte (the database's name taken out). Usage: postgres_parity_test.sh SIPSCOPE URL WORKDIR CAPTURE...
set -u
sipscope=$1
baseUrl=$2
work=$3
shift 3
rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 1
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

schema="parity_$$"
psql -q "$baseUrl" -c "DROP SCHEMA IF EXISTS $schema CASCADE" -c "CREATE SCHEMA $schema" || exit 1
trap 'psql -q "$baseUrl" -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1' EXIT
pg="$baseUrl&options=-csearch_path%3D$schema"
lite=$work/parity.db

"$sipscope" import -q "$@" --db "$lite" >import-sqlite.out 2>&1 || fail "import into SQLite: $(cat import-sqlite.out)"
"$sipscope" import -q "$@" --db "$pg" >import-pg.out 2>&1 || fail "import into PostgreSQL: $(cat import-pg.out)"

# same NAME ARGS...: the command's output (and exit code) on both, the database names replaced by DB.
compared=0
same() {
    local name=$1
    shift
    "$sipscope" "$@" --db "$lite" >"$name.sqlite" 2>&1
    echo "exit $?" >>"$name.sqlite"
    "$sipscope" "$@" --db "$pg" >"$name.pg" 2>&1
    echo "exit $?" >>"$name.pg"
    sed -i "s|$lite|DB|g" "$name.sqlite"
    sed -i "s|$pg|DB|g; s|${pg//&/\\&}|DB|g" "$name.pg"
    if ! cmp -s "$name.sqlite" "$name.pg"; then
        fail "$* differs (diff $work/$name.sqlite $work/$name.pg):"
        diff "$name.sqlite" "$name.pg" | head -8
    fi
    compared=$((compared + 1))
}
# sameFile NAME ARGS... -o: an export's file on both.
sameExport() {
    local name=$1
    shift
    "$sipscope" export "$@" --db "$lite" -o "$name.sqlite" >/dev/null 2>&1 || fail "export $* on SQLite"
    "$sipscope" export "$@" --db "$pg" -o "$name.pg" >/dev/null 2>&1 || fail "export $* on PostgreSQL"
    cmp -s "$name.sqlite" "$name.pg" || fail "export $* differs ($work/$name.sqlite, $work/$name.pg)"
    compared=$((compared + 1))
}

for format in json table; do
    same "calls-$format" calls --format "$format"
    same "messages-$format" messages --format "$format"
    same "registrations-$format" registrations --format "$format"
    same "subscriptions-$format" subscriptions --format "$format"
    same "streams-$format" streams --format "$format"
    same "findings-$format" findings --format "$format"
    same "stats-$format" stats --format "$format"
done
same stats-interval stats --interval 1 --format json
same calls-failed calls --state failed --format json
same calls-from calls --from a --format json
same calls-status calls --status 4xx --format json
same messages-grep messages --grep INVITE --format json
same calls-sorted calls --sort duration --reverse --format json

"$sipscope" calls --format csv --db "$lite" | tail -n +2 | cut -d, -f1 | sort -u >call-ids.txt
callCount=$(wc -l <call-ids.txt)
[ "$callCount" -gt 0 ] || fail "no calls imported"
# Each call's ladder, up to SHOW_CALLS of them (a Call-ID starting with '-' reads as an option: left out).
n=0
while read -r id && [ "$n" -lt "${SHOW_CALLS:-80}" ]; do
    [[ $id == -* ]] && continue
    n=$((n + 1))
    same "show-$n" show "$id"
    same "show-raw-$n" show "$id" --raw
    [ "$n" -le 20 ] && sameExport "ladder-$n.svg" ladder "$id" --format svg
done <call-ids.txt
first=$(grep -v '^-' call-ids.txt | sed -n 1p)
second=$(grep -v '^-' call-ids.txt | sed -n 2p)
[ -n "$second" ] && same diff diff "$first" "$second" --format json
sameExport calls.json calls --format json
sameExport messages.csv messages --format csv
sameExport stats.json stats --format json
sameExport streams.csv streams --format csv
sameExport findings.json findings --format json
sameExport all.pcap pcap
same migrate migrate

# A server that is not there: exit 2, the URL named without its password.
out=$("$sipscope" calls --db "postgresql://who:secret@127.0.0.1:1/none" 2>&1)
code=$?
[ "$code" = 2 ] || fail "a refused connection exits $code, expected 2"
[[ $out == *"postgresql://who:***@127.0.0.1:1/none: cannot connect"* && $out != *secret* ]] ||
    fail "a refused connection's error: $out"

echo "compared $compared outputs over $callCount calls"
[ "$failures" = 0 ] || { echo "$failures check(s) failed"; exit 1; }
echo "PASS"
