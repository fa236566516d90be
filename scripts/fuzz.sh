#!/usr/bin/env bash
# Builds the `fuzz` preset (clang-14, libFuzzer + ASan + UBSan) and runs every fuzzer, one after the other, for a
# given time each. Seeds come from tests/fuzz/seeds/<target> and past crashes from tests/fuzz/regressions/<target>
# (both read-only here), with samples/; ../shared/corpus is added as a further read-only input where it exists. New
# inputs go to build/fuzz/work/<target>; crashes, leaks and timeouts to build/fuzz/artifacts/<target>/.
#
#   scripts/fuzz.sh [SECONDS_EACH] [TARGET...]     run (default 60 s each, every target)
#   scripts/fuzz.sh --minimise [TARGET...]        merge build/fuzz/work-own into tests/fuzz/seeds (-merge=1: only
#                                                 inputs that add coverage)
#
# The shared corpus is not ours to copy: libFuzzer writes the inputs it read that add coverage into its work
# directory, so a run that read ../shared/corpus has work/ full of (pieces of) those files. Seeds are therefore only
# minimised from a run with FUZZ_SHARED=0, which writes to build/fuzz/work-own/<target> instead.
#
# Targets: sip_message sdp packet_decoder capture_file. Exit status: 0 when no fuzzer found anything, 1 when one
# did (its artifact is named; copy it to tests/fuzz/regressions/<target>/ with the fix, so ctest replays it).
# Environment: FUZZ_JOBS (parallel jobs per target, default 1), FUZZ_SKIP_BUILD=1 (use build/fuzz as it is),
# FUZZ_SHARED=0 (leave ../shared/corpus out; work in work-own/).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ALL_TARGETS=(sip_message sdp packet_decoder capture_file rtp)
BUILD=$ROOT/build/fuzz
SHARED=$ROOT/../shared/corpus

minimise=0
if [ "${1:-}" = "--minimise" ]; then
    minimise=1
    shift
    seconds=0
else
    seconds=${1:-60}
    [ $# -gt 0 ] && shift
    case $seconds in ''|*[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS_EACH] [TARGET...] | --minimise [TARGET...]" >&2; exit 1 ;; esac
fi
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${ALL_TARGETS[@]}")
for target in "${targets[@]}"; do
    case " ${ALL_TARGETS[*]} " in *" $target "*) ;; *) echo "fuzz.sh: unknown target '$target' (one of: ${ALL_TARGETS[*]})" >&2; exit 1 ;; esac
done

if [ "${FUZZ_SKIP_BUILD:-0}" != 1 ]; then
    cmake --preset fuzz >/dev/null
    cmake --build --preset fuzz -j "$(nproc 2>/dev/null || echo 2)"
fi

# Further read-only inputs per target: the project's own samples, and the shared corpus where it exists (none of it
# fits the SDP or packet_decoder targets' formats directly).
shared_inputs() {
    [ "$1" = capture_file ] && echo "$ROOT/samples"
    [ -d "$SHARED" ] && [ "${FUZZ_SHARED:-1}" != 0 ] || return 0
    case $1 in
        sip_message) for d in rfc4475 rfc5118; do [ -d "$SHARED/$d" ] && echo "$SHARED/$d"; done ;;
        capture_file) [ -d "$SHARED/captures" ] && echo "$SHARED/captures" ;;
    esac
    return 0
}

# Options per target: a dictionary where one exists, and an input size that fits the format.
target_options() {
    case $1 in
        sip_message) echo "-dict=$ROOT/tests/fuzz/sip_message.dict -max_len=8192" ;;
        sdp) echo "-dict=$ROOT/tests/fuzz/sdp.dict -max_len=8192" ;;
        packet_decoder) echo "-max_len=16384" ;;
        capture_file) echo "-max_len=65536" ;;
        rtp) echo "-max_len=2048" ;;
    esac
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
found=0
for target in "${targets[@]}"; do
    binary=$BUILD/tests/fuzz/fuzz_$target
    seeds=$ROOT/tests/fuzz/seeds/$target
    regressions=$ROOT/tests/fuzz/regressions/$target
    work=$BUILD/work/$target
    [ "${FUZZ_SHARED:-1}" = 0 ] || [ $minimise = 1 ] && work=$BUILD/work-own/$target
    artifacts=$BUILD/artifacts/$target
    mkdir -p "$work" "$artifacts" "$seeds"
    mapfile -t extra < <(shared_inputs "$target")
    # shellcheck disable=SC2046
    if [ $minimise = 1 ]; then
        echo "== minimising $target into tests/fuzz/seeds/$target"
        "$binary" -merge=1 $(target_options "$target") "$seeds" "$work" 2>&1 | grep -E "MERGE-OUTER: [0-9]+ new files" || true
        continue
    fi
    echo "== fuzz_$target for ${seconds}s (log: $BUILD/fuzz_$target.log)"
    jobs=${FUZZ_JOBS:-1}
    parallel=()
    [ "$jobs" -gt 1 ] && parallel=(-jobs="$jobs" -workers="$jobs")
    set +e
    # From build/fuzz: with -jobs, libFuzzer writes one fuzz-N.log per job into the current directory.
    (cd "$BUILD" && rm -f fuzz-*.log &&
        "$binary" $(target_options "$target") -max_total_time="$seconds" "${parallel[@]}" \
            -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/" \
            "$work" "$seeds" "$regressions" "${extra[@]}" >"$BUILD/fuzz_$target.log" 2>&1)
    status=$?
    set -e
    logs=("$BUILD/fuzz_$target.log")
    [ "$jobs" -gt 1 ] && logs=("$BUILD"/fuzz-*.log)
    grep -h -E "^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)" "${logs[@]}" \
        2>/dev/null | sed 's/^/   /' || true
    if [ $status -ne 0 ] || compgen -G "$artifacts/*" >/dev/null; then
        found=1
        echo "   FOUND: fuzz_$target exited $status; artifacts:" && ls "$artifacts" | sed "s#^#   $artifacts/#"
        grep -h -E "^(==[0-9]+==ERROR|SUMMARY|.*runtime error)" "${logs[@]}" | head -5 | sed 's/^/   /'
    fi
done
exit $found
