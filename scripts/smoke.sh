#!/usr/bin/env bash
# Smoke test of the real binary (real Fyne/GLFW driver, no ci tag): start it
# in an Xvfb screen with a throwaway data folder, wait for the "crmsync"
# window, take a screenshot and fail if the window never appeared, the app
# died, or the screenshot is blank.
#
# It runs twice: plain, then with --demo (the in-process sandbox CRMs).
#
#   CRMSYNC_SMOKE_SHOT=path   where to save the screenshot (default /tmp/crmsync-smoke.png;
#                             the demo run's goes next to it as *-demo.png)
#   UPDATE_SCREENSHOT=1       also copy the demo window to docs/screenshot.png (the README's)
set -euo pipefail
self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$self")/.."

shot=${CRMSYNC_SMOKE_SHOT:-/tmp/crmsync-smoke.png}
wait_secs=${CRMSYNC_SMOKE_WAIT:-60}

if [[ ${1:-} == --inside-xvfb ]]; then
	# Runs under xvfb-run; $DISPLAY is the virtual screen.
	bin=$2
	shift 2
	"$bin" "$@" >"$SMOKE_TMP/app.log" 2>&1 &
	pid=$!
	trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' EXIT

	appeared=""
	for ((i = 0; i < wait_secs * 2; i++)); do
		kill -0 "$pid" 2>/dev/null || { echo "smoke: crmsync exited early; its log:" >&2; cat "$SMOKE_TMP/app.log" >&2; exit 1; }
		if xwininfo -root -tree | grep -q '"crmsync"'; then
			appeared=1
			break
		fi
		sleep 0.5
	done
	[[ -n $appeared ]] || { echo "smoke: no window named crmsync after ${wait_secs}s; app log:" >&2; cat "$SMOKE_TMP/app.log" >&2; exit 1; }
	echo "smoke: window appeared"

	# The first frames may still be black; retake until the picture has content.
	colours=0
	for ((i = 0; i < 40; i++)); do
		sleep 0.5
		import -window root "$SMOKE_TMP/shot.png"
		colours=$(identify -format %k "$SMOKE_TMP/shot.png")
		((colours >= 50)) && break
	done
	kill -0 "$pid" 2>/dev/null || { echo "smoke: crmsync died while drawing; its log:" >&2; cat "$SMOKE_TMP/app.log" >&2; exit 1; }
	echo "$colours" >"$SMOKE_TMP/colours"

	# The README picture: the window alone, cropped from the root capture.
	id=$(xwininfo -root -tree | awk '/"crmsync"/ {print $1; exit}')
	geo=$(xwininfo -id "$id" | awk '/Absolute upper-left X/ {x=$NF} /Absolute upper-left Y/ {y=$NF} /Width:/ {w=$NF} /Height:/ {h=$NF} END {printf "%sx%s+%s+%s", w, h, x, y}')
	convert "$SMOKE_TMP/shot.png" -crop "$geo" +repage "$SMOKE_TMP/window.png" || cp "$SMOKE_TMP/shot.png" "$SMOKE_TMP/window.png"
	exit 0
fi

for tool in xvfb-run xwininfo import identify convert; do
	command -v "$tool" >/dev/null || { echo "smoke: $tool is missing; run scripts/install-deps.sh" >&2; exit 1; }
done

SMOKE_TMP=$(mktemp -d)
export SMOKE_TMP
trap 'rm -rf "$SMOKE_TMP"' EXIT

echo "smoke: building the real binary"
go build -o "$SMOKE_TMP/crmsync" .

# A throwaway data folder and Fyne preferences, so the test never touches yours.
export CRMSYNC_HOME="$SMOKE_TMP/home" XDG_CONFIG_HOME="$SMOKE_TMP/config" LANG=${LANG:-en_US.UTF-8}
mkdir -p "$CRMSYNC_HOME" "$XDG_CONFIG_HOME"
check_run() { # label, screenshot path, extra args...
	local label=$1 out=$2
	shift 2
	rm -f "$SMOKE_TMP/colours" "$SMOKE_TMP/shot.png" "$SMOKE_TMP/window.png"
	echo "smoke: run ${label}"
	xvfb-run -a -s "-screen 0 1280x800x24" "$self" --inside-xvfb "$SMOKE_TMP/crmsync" "$@"
	colours=$(cat "$SMOKE_TMP/colours")
	mkdir -p "$(dirname "$out")"
	cp "$SMOKE_TMP/shot.png" "$out"
	if ((colours < 50)); then
		echo "smoke: ${label}: screenshot looks blank ($colours colours): $out" >&2
		exit 1
	fi
	echo "smoke: ${label}: ok, screenshot with $colours colours at $out"
}

check_run plain "$shot"
check_run --demo "${shot%.png}-demo.png" --demo
if [[ ${UPDATE_SCREENSHOT:-} == 1 ]]; then
	mkdir -p docs
	cp "$SMOKE_TMP/window.png" docs/screenshot.png
	echo "smoke: updated docs/screenshot.png"
fi
