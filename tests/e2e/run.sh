#!/usr/bin/env bash
# Runs the end-to-end suite against the real app: a private D-Bus session (for the keyring),
# a private X display (Xvfb), tauri-driver + WebKitWebDriver, and a throw-away HOME per app start.
#
#   tests/e2e/run.sh APP_BINARY CLI_BINARY [SUITE.test.mjs ...]
#
# With no SUITE, every suite runs (no-secret-leaks.test.mjs last, as it reads every log);
# naming suites (file names in tests/e2e) runs only those, in the order given.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

export TWEESTAP_APP="$(realpath "$1")"
export TWEESTAP_CLI="$(realpath "$2")"
export TWEESTAP_FIXTURES="${TWEESTAP_FIXTURES:-$(realpath "$root/../shared/fixtures")}"
export TWEESTAP_ARTIFACTS="${TWEESTAP_ARTIFACTS:-$root/artifacts/e2e}"
export NATIVE_DRIVER="${NATIVE_DRIVER:-$(command -v WebKitWebDriver)}"
export TAURI_DRIVER="${TAURI_DRIVER:-$(command -v tauri-driver || echo "$HOME/.cargo/bin/tauri-driver")}"
# Software rendering: Xvfb has no GPU, and WebKit's DMA-BUF renderer needs one.
export WEBKIT_DISABLE_DMABUF_RENDERER=1
export LIBGL_ALWAYS_SOFTWARE=1
mkdir -p "$TWEESTAP_ARTIFACTS"
# The most verbose logging, so no-secret-leaks.test.mjs (last) searches everything the app says.
export TWEESTAP_LOG="${TWEESTAP_LOG:-trace}"
rm -rf "$TWEESTAP_ARTIFACTS/logs"
suites=()
if [ $# -gt 2 ]; then
  for name in "${@:3}"; do
    f="$here/$(basename "$name")"
    [ -f "$f" ] || { echo "run.sh: no suite $name in $here" >&2; exit 2; }
    suites+=("$f")
  done
else
  for f in "$here"/*.test.mjs; do
    [ "$(basename "$f")" = no-secret-leaks.test.mjs ] || suites+=("$f")
  done
  suites+=("$here/no-secret-leaks.test.mjs")
fi

# A wedged app or driver fails its test after two minutes instead of hanging the run.
exec "$root/scripts/with-session" node --test --test-concurrency=1 --test-timeout=120000 "${suites[@]}"
