package cli

import (
	"os"
	"testing"

	"github.com/ward-mcp/ward/internal/mcptest"
)

// TestMain lets the test binary serve as a scripted MCP server when it is
// re-run with mcptest.ScriptEnv set.
func TestMain(m *testing.M) {
	mcptest.ServeScriptIfRequested()
	os.Exit(m.Run())
}
