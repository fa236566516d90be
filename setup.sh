#!/usr/bin/env bash
# sipscope setup: installs the Debian packages it needs (once, skipping what is present), builds with
# CMake + Ninja, and runs the demo or the test suite.
#
#   ./setup.sh demo   build, import the bundled samples, print the call list, one ladder and the statistics
#   ./setup.sh test   check formatting, build, then run the whole test suite (fails if no test ran); then a second
#                     pass: the suite again under ASan+UBSan (asan preset, without the per-command corpus sweep),
#                     and every fuzzer for FUZZ_SECONDS (15) each
#   ./setup.sh deps   only install packages;   ./setup.sh build   only build (release)
set -euo pipefail
cd "$(dirname "$0")"

BUILD_PACKAGES=(build-essential cmake ninja-build pkg-config libpcap-dev libsqlite3-dev libcli11-dev
    nlohmann-json3-dev libgtest-dev libimgui-dev libglfw3-dev libgl-dev libstb-dev zlib1g-dev libzstd-dev libpq-dev
    libmimalloc-dev)
# Needed at run time: rsvg-convert renders `sipscope export ladder --format png`; sipscope-viewer draws its text in
# DejaVu Sans (ImGui's own small font otherwise).
RUNTIME_PACKAGES=(librsvg2-bin fonts-dejavu-core)
BUILD_PACKAGES+=("${RUNTIME_PACKAGES[@]}")
# libxml2-utils and plantuml: the ladder exports' XML and PlantUML syntax checks run, never skip, in CI.
# clang-format-14: CI checks the tree's formatting (scripts/format.sh --check) before it builds.
# kamailio-sqlite-modules and sqlite3: Kamailio's sipcapture stores what `export hep` sends into SQLite, and the
# test reads it back (live_kamailio_sipcapture).
# postgresql-15: the store's tests run against a throwaway PostgreSQL cluster as well as SQLite (tests/tools/pg).
TEST_PACKAGES=(sip-tester tcpdump tshark xvfb xauth clang-14 libclang-rt-14-dev kamailio libxml2-utils plantuml
    clang-format-14 kamailio-sqlite-modules sqlite3 postgresql-15)
JOBS=$(nproc 2>/dev/null || echo 2)

install_packages() {
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "setup: installing ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    # tshark asks whether non-root users may capture; answer no without a prompt.
    echo "wireshark-common wireshark-common/install-setuid boolean false" | $sudo debconf-set-selections 2>/dev/null || true
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build() {
    local preset=$1
    cmake --preset "$preset" >/dev/null
    cmake --build --preset "$preset" -j "$JOBS"
}

demo() {
    install_packages "${BUILD_PACKAGES[@]}"
    build release
    local bin=build/release/cli/sipscope db=build/demo.db
    rm -f "$db" "$db-wal" "$db-shm"
    "$bin" import --quiet --db "$db" samples/*.pcap
    echo; echo "== sipscope calls"; "$bin" calls --db "$db"
    local call
    call=$("$bin" calls --db "$db" --method INVITE --state completed --format csv | sed -n '2p' | cut -d, -f1)
    [ -n "$call" ] || call=$("$bin" calls --db "$db" --format csv | sed -n '2p' | cut -d, -f1)
    echo; echo "== sipscope show $call"; "$bin" show --db "$db" "$call"
    echo; echo "== sipscope stats"; "$bin" stats --db "$db"
}

test_suite() {
    install_packages "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    scripts/format.sh --check
    build release
    ctest --preset release --no-tests=error -j "$JOBS" --timeout 600
    # Second pass: the tests again with AddressSanitizer and UndefinedBehaviorSanitizer (the preset's environment
    # makes the first report fatal), then the fuzzers: their seeds and past crashes replayed, and a short run each.
    # The sweep that runs every CLI command on every corpus capture (CorpusCommands, 84 tests, 62% of the
    # sanitized run's time) runs in the release pass only: under ASan the same parser, correlator and store code
    # still reads every corpus capture in process (Captures, CorpusGolden), which keeps the whole run in budget.
    echo "setup: second pass (ASan+UBSan)"
    build asan
    ctest --preset asan --no-tests=error -j "$JOBS" --timeout 900 -E '^Corpus/CorpusCommands\.'
    echo "setup: fuzzers (${FUZZ_SECONDS:-15} s each)"
    build fuzz
    ctest --preset fuzz --no-tests=error
    FUZZ_SKIP_BUILD=1 scripts/fuzz.sh "${FUZZ_SECONDS:-15}"
}

case "${1:-}" in
    deps) install_packages "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}" ;;
    build) install_packages "${BUILD_PACKAGES[@]}"; build release ;;
    demo) demo ;;
    test) test_suite ;;
    *) sed -n '2,9p' "$0"; exit 1 ;;
esac
