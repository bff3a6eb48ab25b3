#!/usr/bin/env bash
# The whole test suite, as CI runs it: vet, staticcheck, unit tests with the race detector
# (Fyne's headless test driver via -tags ci), the real Secret Service test,
# and a smoke test of the real binary in an Xvfb window.
set -euo pipefail
cd "$(dirname "$0")/.."
export LANG=${LANG:-en_US.UTF-8}

step() { printf '\n==> %s\n' "$*"; }

step "system packages"
./scripts/install-deps.sh

step "go vet ./..."
go vet ./...

step "staticcheck ./..."
# Pinned, fetched through the module proxy; not a dependency of the app.
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

step "go test -race -tags ci -timeout 90m ./..."
# The real-keyring test needs its own D-Bus session; it runs in the next step.
env -u CRMSYNC_REAL_KEYRING go test -race -tags ci -timeout 90m ./...

step "real Secret Service (gnome-keyring under dbus-run-session)"
./scripts/test-keyring.sh

step "smoke test: real binary under Xvfb"
./scripts/smoke.sh

step "all tests passed"
