#!/usr/bin/env bash
# Runs the real Secret Service test (app/secret/keyringtest) against a
# throwaway gnome-keyring inside its own D-Bus session. The keyring files go
# to a temp XDG_DATA_HOME, so your own login keyring is never touched.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in dbus-run-session gnome-keyring-daemon; do
	command -v "$tool" >/dev/null || { echo "test-keyring: $tool is missing; run scripts/install-deps.sh" >&2; exit 1; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go test -race -c -o "$tmp/keyringtest.test" ./app/secret/keyringtest/
# The CLI's end-to-end test again, now with its tokens in the real keyring
# and shared across its subprocesses through it.
go test -race -c -o "$tmp/cli.test" ./app/cli/

mkdir -p "$tmp/data" "$tmp/runtime"
chmod 700 "$tmp/runtime"
# An empty password does not create a login collection, so use a fixed one.
XDG_DATA_HOME="$tmp/data" XDG_RUNTIME_DIR="$tmp/runtime" CRMSYNC_REAL_KEYRING=1 \
	dbus-run-session -- sh -c '
		printf "crmsync-test" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
		"$0" -test.v -test.count=1 -test.timeout=120s || exit 1
		exec "$1" -test.v -test.count=1 -test.timeout=300s -test.run "^TestCLIEndToEndOnSandbox$"
	' "$tmp/keyringtest.test" "$tmp/cli.test" 2> >(grep -v "Failed to set fd limit" >&2)
