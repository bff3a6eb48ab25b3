#!/usr/bin/env bash
# Builds crmsync and starts it with the demo sandbox (no CRM account needed).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
echo "run: building ./crmsync (the first build compiles OpenGL bindings and takes a few minutes)"
go build -o crmsync .
exec ./crmsync --demo "$@"
