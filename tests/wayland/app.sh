#!/usr/bin/env bash
# The real app on real Wayland desktops, driven over WebDriver (tauri-driver +
# WebKitWebDriver): on headless sway (app-scan.test.mjs: scan, clipboard, shortcut setting)
# and on headless GNOME Shell never asked about screenshots (app-gnome.test.mjs), both with
# XWayland on.
#
#   tests/wayland/app.sh APP_BINARY CLI_BINARY
#
# Runs as root; the desktop and the app run as tests/wayland/session's unprivileged user, so
# the binaries, the test files and the fixtures they read are staged in a world-readable
# folder first.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
FIXTURES="${TWEESTAP_FIXTURES:-$root/../shared/fixtures}"
APP="$(realpath "${1:?usage: $0 APP_BINARY CLI_BINARY}")"
CLI="$(realpath "${2:?usage: $0 APP_BINARY CLI_BINARY}")"
DRIVER="$(command -v tauri-driver || echo "$HOME/.cargo/bin/tauri-driver")"
[ -x "$DRIVER" ] || { echo "app.sh: tauri-driver not found (make cargo-tools)" >&2; exit 1; }

stage="$(mktemp -d /tmp/tweestap-wlapp.XXXXXX)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/tests/e2e" "$stage/tests/wayland" "$stage/fixtures/qr" "$stage/fixtures/vectors" "$stage/artifacts"
install -m 755 "$APP" "$stage/bin/tweestap-app"
install -m 755 "$CLI" "$stage/bin/tweestap"
install -m 755 "$DRIVER" "$stage/bin/tauri-driver"
cp "$root"/tests/e2e/{helpers,webdriver,procfs}.mjs "$stage/tests/e2e/"
cp "$here/app-scan.test.mjs" "$here/app-gnome.test.mjs" "$stage/tests/wayland/"
cp "$FIXTURES/qr/index.json" "$FIXTURES/qr/uri__unicode-dutch-encoded.png" "$stage/fixtures/qr/"
cp "$FIXTURES/vectors/otpauth_uris.json" "$stage/fixtures/vectors/"
chmod -R a+rX "$stage"
chmod 1777 "$stage/artifacts"

# The session's PATH is /usr/bin:/bin; node may live elsewhere (nvm, /usr/local).
NODE="$(command -v node)" || { echo "app.sh: node not found" >&2; exit 1; }
run() { # desktop permission test-file
  TWEESTAP_APP="$stage/bin/tweestap-app" TWEESTAP_CLI="$stage/bin/tweestap" TWEESTAP_FIXTURES="$stage/fixtures" \
    TWEESTAP_ARTIFACTS="$stage/artifacts" \
    "$here/session" "$1" --permission "$2" -- env TAURI_DRIVER="$stage/bin/tauri-driver" \
    NATIVE_DRIVER="$(command -v WebKitWebDriver)" WEBKIT_DISABLE_DMABUF_RENDERER=1 LIBGL_ALWAYS_SOFTWARE=1 \
    "$NODE" --test --test-concurrency=1 --test-timeout=180000 "$stage/tests/wayland/$3"
}
rc=0
run sway yes app-scan.test.mjs || rc=$?
run gnome unset app-gnome.test.mjs || rc=$?
if [ "$rc" != 0 ]; then
  for f in "$stage"/artifacts/logs/*.log; do
    [ -s "$f" ] && { echo "--- $f (last lines)" >&2; tail -30 "$f" >&2; }
  done
fi
exit $rc
