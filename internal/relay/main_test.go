package relay_test

import (
	"os"
	"testing"

	"github.com/ward-mcp/ward/internal/mcptest"
)

// TestMain lets the test binary serve as the scripted MCP server of the
// transcript tests when it is re-run with mcptest.ScriptEnv set.
func TestMain(m *testing.M) {
	mcptest.ServeScriptIfRequested()
	os.Exit(m.Run())
}
