// Package e2e holds ward's end-to-end tests: real MCP clients (the TypeScript
// SDK through testdata/e2e/ts-client.mjs, the Go SDK client) drive real MCP
// servers (the npm reference servers, the Go SDK's conformance server, the
// benchmark echo server), directly and through a freshly built `ward proxy`,
// and the outcomes are compared.
//
// The package has no code outside its tests. The peers are installed by
// scripts/setup-test-deps.sh; see internal/mcptest.
package e2e
