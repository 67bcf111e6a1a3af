#!/usr/bin/env bash
# test.sh runs every test of ward (make test, and CI through .ci/run): it
# installs the pinned real peers the end-to-end tests need, then runs go vet
# and the whole test suite with the race detector. Extra arguments are passed
# to go test (for example -run TestTSClient or -v).
set -euo pipefail

cd "$(dirname "$0")/.."

scripts/setup-test-deps.sh

echo "test: go vet ./..." >&2
go vet ./...

echo "test: go test -race -count=1 ./..." >&2
start=$SECONDS
go test -race -count=1 "$@" ./...
echo "test: all tests passed in $((SECONDS - start))s" >&2
