package e2e

import (
	"testing"

	"github.com/ward-mcp/ward/internal/mcptest"
)

// TestTSClientThroughWardWithPolicy runs the TypeScript SDK's client
// against the npm everything-server through ward with the default policy
// (ward policy init): the server's own sampling and elicitation requests
// (trigger-sampling-request, trigger-elicitation-request), its tools,
// prompts and resources must all pass as they do without a policy. A rule
// that refused a real server's ordinary form or prompt would fail here.
func TestTSClientThroughWardWithPolicy(t *testing.T) {
	server := mcptest.ServerEverything(t)
	proxied := wardProxy(t, []string{"--policy", defaultPolicy(t)}, server)
	rep := runTSClient(t, nil, proxied)
	checkEverythingReport(t, rep) // the sampling and elicitation handlers ran once each
}
