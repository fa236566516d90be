#!/usr/bin/env bash
# Remakes the README's screenshots from the bundled samples with the viewer's --screenshot hook, under Xvfb:
#   ladder.png  the cancelled sample call opened in the ladder (--view ladder --select CALL), the list beside it
#   list.png    the call list with the keyboard on it, its first call previewed in the ladder (--view list)
#   diff.png    the last answered sample call and the busy one after it marked (Space) and compared (d): the Diff tab
#
#   viewer/screenshots/make.sh            # with build/release
#   BUILD=build/debug viewer/screenshots/make.sh
# Needs xvfb-run (Debian's xvfb). Writes only the three PNGs and a temporary folder, removed at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
BUILD=${BUILD:-build/release}
sipscope=$root/$BUILD/cli/sipscope
viewer=$root/$BUILD/viewer/sipscope-viewer
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"  # the status bar shows the database as given: samples.db
"$sipscope" import --quiet --db samples.db "$root"/samples/*.pcap >/dev/null
cancelled=$("$sipscope" calls --db samples.db --state cancelled --format json |
    sed -n 's/.*"call_id":"\([^"]*\)".*/\1/p' | head -1)
[ -n "$cancelled" ] || { echo "make.sh: no cancelled call in the samples" >&2; exit 1; }
shoot() {  # PNG, viewer options...
    local png=$1
    shift
    xvfb-run -a -s "-screen 0 1280x720x24" "$viewer" samples.db --aliases none --size 1280x720 \
        --screenshot "$root/viewer/screenshots/$png" "$@" >/dev/null
    echo "wrote viewer/screenshots/$png"
}
shoot ladder.png --view ladder --select "$cancelled"
shoot list.png --view list
answered=$("$sipscope" calls --db samples.db --state completed --format json |
    sed -n 's/.*"call_id":"\([^"]*\)".*/\1/p' | tail -1)
printf 'frames 2\nkey Space\nkey Down\nkey Space\ntext d\nframes 2\nscreenshot %s\n' \
    "$root/viewer/screenshots/diff.png" >diff.script
xvfb-run -a -s "-screen 0 1280x720x24" "$viewer" samples.db --aliases none --size 1280x720 --script diff.script \
    --select "$answered" >/dev/null
echo "wrote viewer/screenshots/diff.png"
