#!/usr/bin/env bash
# End-to-end on real Wayland desktops: a QR code shown in a window is read by
# `tweestap scan --screen --json`, normal and inverted, at output scale 1 and 2, on sway
# (wlroots), GNOME Shell and KDE KWin, each with XWayland on (DISPLAY set, as on a person's
# desktop) — so the portal must be chosen whatever DISPLAY says. Then the errors a person can
# meet: GNOME's refusal and "ask again", a permission dialog left unanswered, and no portal.
#
#   tests/wayland/scan-screen.sh path/to/tweestap [DESKTOP...]
#
# Runs as root (tests/wayland/session starts each desktop as an unprivileged user). Prints one
# line per check and "N passed, N failed"; exits non-zero on any failure.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
FIXTURES="${TWEESTAP_FIXTURES:-$root/../shared/fixtures}"
BIN="$(realpath "${1:?usage: $0 path/to/tweestap [sway|gnome|kde...]}")"
shift
desktops=("$@")
[ ${#desktops[@]} -gt 0 ] || desktops=(sway gnome kde)

# Everything the session's user reads is staged in a world-readable folder: the CLI and the
# fixtures may sit under root's home (CI's clone and target folder).
stage="$(mktemp -d /tmp/tweestap-wlscan.XXXXXX)"
trap 'rm -rf "$stage"' EXIT
chmod 755 "$stage"
install -m 755 "$BIN" "$stage/tweestap"
name="uri__unicode-cafe-raw-iri.png"
cp "$FIXTURES/qr/$name" "$stage/normal.png"
CONVERT=convert
[ -x /usr/bin/convert ] && CONVERT=/usr/bin/convert
"$CONVERT" "$stage/normal.png" -negate "$stage/inverted.png"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(next(i["text"] for i in d["items"] if i["file"]==sys.argv[2]))' \
  "$FIXTURES/qr/index.json" "$name" >"$stage/expected.txt"
install -m 755 "$here/scan-screen-inner.sh" "$stage/inner.sh"
chmod -R a+rX "$stage"

passed=0
failed=0
results="$stage/results"
run() { # desktop scale permission mode: one session
  local desktop="$1" scale="$2" permission="$3" mode="$4"
  : >"$results"
  chmod 666 "$results"
  local rc=0
  TWEESTAP_SCAN_STAGE="$stage" TWEESTAP_SCAN_MODE="$mode" TWEESTAP_SCAN_RESULTS="$results" \
    "$here/session" "$desktop" --scale "$scale" --permission "$permission" -- bash "$stage/inner.sh" || rc=$?
  local p f
  p="$(grep -c '^ok ' "$results" || true)"
  f="$(grep -c '^FAIL ' "$results" || true)"
  cat "$results"
  if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
    echo "FAIL $desktop scale $scale: the session ended with status $rc"
    f=1
  fi
  passed=$((passed + p))
  failed=$((failed + f))
}

for desktop in "${desktops[@]}"; do
  for scale in 1 2; do
    run "$desktop" "$scale" yes scan
  done
done
for desktop in "${desktops[@]}"; do
  case "$desktop" in
    gnome) run gnome 1 no gnome-permission ;;
    sway) run sway 1 yes errors ;;
  esac
done

echo "wayland scan-screen: $passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
