#!/usr/bin/env bash
# Sourced by the HEP agent tests: skips (exit 77, CTest's SKIP_RETURN_CODE), a fresh work folder, failure counting,
# and the signature of every stored message. Needs $sipscope set.

requireRoot() {
    if [ "$(id -u)" != 0 ]; then
        echo "SKIPPED: live capture on lo needs root (or CAP_NET_RAW); run ctest as root"
        exit 77
    fi
}

requireSipp() {
    if ! command -v sipp >/dev/null; then
        echo "SKIPPED: sipp not installed (Debian package sip-tester)"
        exit 77
    fi
}

# enterWorkdir DIR: DIR emptied, created and entered; the failure count reset.
enterWorkdir() {
    rm -rf "$1"
    mkdir -p "$1"
    cd "$1" || exit 1
    failures=0
}

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# messageSignatures DB: "time src dst transport method-or-status cseq cseq-method call-id" of every message of DB
# (from `sipscope messages --format json`, whose fields keep their order), sorted.
messageSignatures() {
    "$sipscope" messages --format json --db "$1" |
        sed -E 's/.*"ts":"([^"]*)".*"src":"([^"]*)","dst":"([^"]*)","transport":"([^"]*)".*"call_id":"([^"]*)","(method|status)":"?([^",]*)"?,.*"cseq":([0-9]*),"cseq_method":"([^"]*)".*/\1 \2 \3 \4 \7 \8 \9 \5/' |
        sort
}
