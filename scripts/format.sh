#!/usr/bin/env bash
# Formats every C++ file git tracks with the project's .clang-format, or with --check only lists the files that
# differ from it and fails (CI runs the check). clang-format 14 (Debian 12's) is the reference: other versions
# lay some lines out differently.
set -euo pipefail
cd "$(dirname "$0")/.."
FORMAT=${CLANG_FORMAT:-clang-format-14}
command -v "$FORMAT" >/dev/null || { echo "format: $FORMAT not found: install Debian's clang-format-14 (./setup.sh deps)" >&2; exit 2; }
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.h')
if [ "${1:-}" = "--check" ]; then
    if ! "$FORMAT" --style=file --dry-run --Werror "${files[@]}" 2>/tmp/format-check.$$; then
        echo "format: these files differ from .clang-format; run scripts/format.sh to fix them:" >&2
        grep -o '^[^:]*\.[ch]pp' /tmp/format-check.$$ | sort -u | sed 's/^/  /' >&2
        rm -f /tmp/format-check.$$
        exit 1
    fi
    rm -f /tmp/format-check.$$
    echo "format: ${#files[@]} files match .clang-format"
else
    "$FORMAT" -i --style=file "${files[@]}"
fi
