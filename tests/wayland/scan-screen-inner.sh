#!/usr/bin/env bash
# The part of tests/wayland/scan-screen.sh that runs inside a desktop session (as its user).
# Appends "ok …" or "FAIL …" lines to $TWEESTAP_SCAN_RESULTS.
set -uo pipefail
stage="$TWEESTAP_SCAN_STAGE"
cli="$stage/tweestap"
expected="$(cat "$stage/expected.txt")"
desktop="${XDG_CURRENT_DESKTOP,,}"
scale="$WL_SCALE"
result() { echo "$*" >>"$TWEESTAP_SCAN_RESULTS"; }
json_field() { # json expression
  python3 -c 'import json,sys; d=json.loads(sys.stdin.read() or "{}"); print(eval(sys.argv[1], {"d": d}))' "$1" 2>/dev/null
}
error_kind() { json_field 'd["results"][0]["error"]["kind"] if d["results"][0]["error"] else ""'; }

viewer=""
show() { # png: a window with the image, until hide
  # shellcheck disable=SC2086 # TWEESTAP_WL_SHOW is a command with arguments
  $TWEESTAP_WL_SHOW "$1" >/dev/null 2>&1 &
  viewer=$!
}
hide() {
  [ -n "$viewer" ] && kill "$viewer" 2>/dev/null
  wait "$viewer" 2>/dev/null
  viewer=""
  sleep 0.3
}

# Scans until the code is found (the viewer may take a moment to map its window) or 10 tries.
scan_for_code() { # label
  local label="$1" out codes ms tries
  for tries in $(seq 1 10); do
    out="$("$cli" scan --screen --json --timeout 30 2>/dev/null)"
    codes="$(json_field '"\n".join(c for r in d["results"] for c in r["codes"])' <<<"$out")"
    if grep -qxF "$expected" <<<"$codes"; then
      ms="$(json_field 'd["decode_ms"]' <<<"$out")"
      result "ok $desktop scale $scale $label: found the code (try $tries, ${ms} ms, source $(json_field 'd["results"][0]["source"]' <<<"$out"))"
      return 0
    fi
    sleep 0.5
  done
  result "FAIL $desktop scale $scale $label: code not found after 10 scans; last answer: $out"
}

case "$TWEESTAP_SCAN_MODE" in
  scan)
    show "$stage/normal.png"
    scan_for_code normal
    hide
    show "$stage/inverted.png"
    scan_for_code inverted
    hide
    ;;
  gnome-permission)
    # The session starts with screenshots refused ("Deny" answered earlier).
    t0=$(date +%s%N)
    out="$("$cli" scan --screen --json --timeout 30 2>/dev/null)"
    kind="$(error_kind <<<"$out")"
    ms=$((($(date +%s%N) - t0) / 1000000))
    if [ "$kind" = permission_denied ] && grep -q 'ask-again' <<<"$out"; then
      result "ok gnome refused: permission_denied with the way to ask again, after $ms ms"
    else
      result "FAIL gnome refused: expected permission_denied, got: $out"
    fi
    # --ask-again forgets the refusal: GNOME shows its dialog, which nobody answers here.
    t0=$(date +%s%N)
    out="$("$cli" scan --screen --json --ask-again --timeout 6 2>/dev/null)"
    kind="$(error_kind <<<"$out")"
    ms=$((($(date +%s%N) - t0) / 1000000))
    if [ "$kind" = timeout ] && [ "$ms" -ge 5000 ]; then
      result "ok gnome ask again: the dialog was shown and left open; timeout after $ms ms"
    else
      result "FAIL gnome ask again: expected timeout after the 6 s wait, got ($ms ms): $out"
    fi
    # The refusal is gone from the permission store (GNOME's unanswered dialog stays on
    # screen and would cover a QR code, so scanning after "Allow" is proved by the sessions
    # that start with the permission granted).
    entry="$(gdbus call --session --timeout 10 -d org.freedesktop.impl.portal.PermissionStore \
      -o /org/freedesktop/impl/portal/PermissionStore \
      -m org.freedesktop.impl.portal.PermissionStore.Lookup screenshot screenshot 2>&1)"
    if grep -q "'': <\['no'\]>\|'': \['no'\]" <<<"$entry"; then
      result "FAIL gnome ask again: the refusal is still stored: $entry"
    else
      result "ok gnome ask again: the stored refusal was removed ($entry)"
    fi
    ;;
  errors)
    # No session bus at all.
    out="$(DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent "$cli" scan --screen --json 2>/dev/null)"
    rc=$?
    kind="$(error_kind <<<"$out")"
    if [ "$kind" = portal_unavailable ] && [ "$rc" = 1 ] && grep -q 'xdg-desktop-portal-wlr' <<<"$out"; then
      result "ok $desktop no session bus: portal_unavailable naming xdg-desktop-portal-wlr (exit $rc)"
    else
      result "FAIL $desktop no session bus: expected portal_unavailable, got (exit $rc): $out"
    fi
    # A portal with no backend at all (an empty portal definitions folder), on a bus of its
    # own. (Output into a file: services that bus activates outlive it and would hold a pipe.)
    mkdir -p "$HOME/no-portals"
    env XDG_DESKTOP_PORTAL_DIR="$HOME/no-portals" dbus-run-session -- \
      "$cli" scan --screen --json --timeout 30 >"$HOME/no-backend.json" 2>/dev/null </dev/null
    out="$(cat "$HOME/no-backend.json")"
    kind="$(error_kind <<<"$out")"
    if [ "$kind" = portal_unavailable ] && grep -q 'No such interface' <<<"$out"; then
      result "ok $desktop portal without a backend: portal_unavailable"
    else
      result "FAIL $desktop portal without a backend: expected portal_unavailable, got: $out"
    fi
    ;;
esac
exit 0
