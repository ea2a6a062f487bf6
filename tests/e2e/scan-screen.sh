#!/usr/bin/env bash
# End-to-end: a QR image shown on an X display (Xvfb) is read by `tweestap scan --screen --json`;
# then the same with the QR inverted (light modules on dark, made here with ImageMagick).
#
#   tests/e2e/scan-screen.sh [path/to/tweestap]
#
# Needs xvfb-run, ImageMagick (display, convert), xwininfo and python3 (scripts/install-deps).
# Without an argument the debug CLI is built first. With SCAN_SCREEN_BENCH=N it also times N
# capture-and-decode runs of a 1920x1080 screen showing a QR code, then N of the same screen
# covered by a busy picture without one (SCAN_SCREEN_NO_CODE=IMAGE, e.g. a corpus negative;
# default a generated plasma with text). Use a release build:
#   cargo build --release -p tweestap-cli && SCAN_SCREEN_BENCH=20 tests/e2e/scan-screen.sh target/release/tweestap
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
FIXTURES="${TWEESTAP_FIXTURES:-$ROOT/../shared/fixtures}"
BIN="${1:-}"
if [ -z "$BIN" ]; then
  (cd "$ROOT" && cargo build -q -p tweestap-cli)
  BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/tweestap"
fi
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"

if [ -z "${SCAN_SCREEN_INNER:-}" ]; then
  for tool in xvfb-run display xwininfo python3; do
    command -v "$tool" >/dev/null || { echo "scan-screen: $tool not found (run scripts/install-deps)" >&2; exit 1; }
  done
  export SCAN_SCREEN_INNER=1 TWEESTAP_FIXTURES="$FIXTURES"
  exec xvfb-run -a -s "-screen 0 1920x1080x24" "$0" "$BIN"
fi

# --- inside Xvfb ---------------------------------------------------------------------------
tmp="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

name="uri__unicode-cafe-raw-iri.png"
src="$FIXTURES/qr/$name"
[ -f "$src" ] || { echo "scan-screen: fixture $src not found" >&2; exit 1; }
expected="$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(next(i["text"] for i in d["items"] if i["file"]==sys.argv[2]))' "$FIXTURES/qr/index.json" "$name")"

CONVERT=convert
[ -x /usr/bin/convert ] && CONVERT=/usr/bin/convert
"$CONVERT" "$src" -negate "$tmp/inverted.png"
cp "$src" "$tmp/normal.png"

passed=0
failed=0
# A display number that xvfb-run -a just picked can still be let go by a server shutting down
# from an earlier run (CI once saw `display` fail with "unable to open X server" while the next
# client connected fine), so wait until the display answers, and start the viewer again when it
# quits before its window shows.
for i in $(seq 1 50); do
  xwininfo -root >/dev/null 2>&1 && break
  sleep 0.1
done

pid=""
show() { # title png: sets pid once the window is viewable
  local title="$1" png="$2" attempt i
  for attempt in 1 2 3; do
    display -title "$title" -geometry +700+300 "$png" &
    pid=$!
    pids+=("$pid")
    for i in $(seq 1 100); do
      if xwininfo -name "$title" 2>/dev/null | grep -q "IsViewable"; then
        sleep 0.5 # let it draw
        return 0
      fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    echo "scan-screen: the viewer did not show $title (attempt $attempt)" >&2
    kill "$pid" 2>/dev/null || true
    sleep 0.5
  done
  return 1
}

show_and_scan() { # label png
  local label="$1" png="$2"
  show "tweestap-e2e-$label" "$png" || { echo "FAIL $label: could not show the image"; failed=$((failed + 1)); return; }
  local out
  out="$("$BIN" scan --screen --json)" || { echo "FAIL $label: exit $?; $out"; failed=$((failed + 1)); kill "$pid"; return; }
  if python3 -c 'import json,sys; d=json.loads(sys.argv[1]); codes=[c for r in d["results"] for c in r["codes"]]; sys.exit(0 if codes==[sys.argv[2]] else 1)' "$out" "$expected"; then
    echo "ok   $label: $(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["decode_ms"])' "$out") ms"
    passed=$((passed + 1))
  else
    echo "FAIL $label: expected [$expected], got $out"
    failed=$((failed + 1))
  fi
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

show_and_scan normal "$tmp/normal.png"
show_and_scan inverted "$tmp/inverted.png"

# Nothing on screen: every source read, no codes, exit 0.
out="$("$BIN" scan --screen --json)" && python3 -c 'import json,sys; d=json.loads(sys.argv[1]); sys.exit(0 if d["results"] and all(r["codes"]==[] and r["error"] is None for r in d["results"]) else 1)' "$out" \
  && { echo "ok   empty screen"; passed=$((passed + 1)); } \
  || { echo "FAIL empty screen: $out"; failed=$((failed + 1)); }

if [ -n "${SCAN_SCREEN_BENCH:-}" ]; then
  show bench "$tmp/normal.png" || { echo "scan-screen: could not show the bench image" >&2; exit 1; }
  time_scans() { # label want-codes(1|0)
    local times=() i
    for i in $(seq 1 "$SCAN_SCREEN_BENCH"); do
      times+=("$("$BIN" scan --screen --json | python3 -c 'import json,sys; d=json.load(sys.stdin); n=len([c for r in d["results"] for c in r["codes"]]); assert (n>0)==(sys.argv[1]=="1"), d; print(d["decode_ms"])' "$2")")
    done
    python3 -c 'import statistics,sys; t=sorted(map(float,sys.argv[2:])); print(f"screen 1920x1080 {sys.argv[1]}, capture+decode over {len(t)} runs: median {statistics.median(t):.1f} ms, p95 {t[min(len(t)-1,round(0.95*(len(t)-1)))]:.1f} ms, min {t[0]:.1f} ms")' "$1" "${times[@]}"
  }
  time_scans "with a code" 1
  kill "$pid" 2>/dev/null || true
  no_code="${SCAN_SCREEN_NO_CODE:-$tmp/no-code.png}"
  if [ -z "${SCAN_SCREEN_NO_CODE:-}" ]; then
    "$CONVERT" -size 1920x1080 -seed 7 plasma:steelblue-khaki -font DejaVu-Sans -pointsize 28 -fill black \
      -annotate +120+200 'Inloggen bij het BLk-portaal: vul de code in' \
      -annotate +120+260 'Beter Leven keurmerk - Mijn account - Beveiliging' "$no_code"
  fi
  # Full screen, so nothing else (the previous window, the root) is what gets decoded.
  display -title tweestap-bench-no-code -geometry 1920x1080+0+0 -resize 1920x1080! "$no_code" &
  pid=$!
  pids+=("$pid")
  for i in $(seq 1 100); do
    xwininfo -name tweestap-bench-no-code 2>/dev/null | grep -q IsViewable && break
    sleep 0.1
  done
  sleep 0.5
  time_scans "without a code" 0
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
