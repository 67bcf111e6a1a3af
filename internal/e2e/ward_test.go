package e2e

import (
	"os/exec"
	"regexp"
	"sync"
	"testing"

	"github.com/ward-mcp/ward/internal/mcptest"
)

var (
	proxyOnce sync.Once
	proxyHelp string
)

// proxyFlagLine matches a flag line of `ward proxy --help`. cobra answers
// --help of a subcommand that does not exist with the root's help, so the
// exit status alone does not tell whether the proxy is there.
var proxyFlagLine = regexp.MustCompile(`(?m)^\s+--deny-tools\b`)

// wardProxy returns the argv that runs `ward proxy` with flags in front of the
// server argv, after checking that the built ward has the proxy command.
func wardProxy(t *testing.T, flags []string, server []string) []string {
	t.Helper()
	ward := mcptest.WardBinary(t)
	proxyOnce.Do(func() {
		out, _ := exec.Command(ward, "proxy", "--help").CombinedOutput()
		proxyHelp = string(out)
	})
	if !proxyFlagLine.MatchString(proxyHelp) {
		t.Fatalf("the ward binary has no proxy command (no --deny-tools in `ward proxy --help`):\n%s", tail(proxyHelp))
	}
	argv := append([]string{ward, "proxy"}, flags...)
	argv = append(argv, "--")
	return append(argv, server...)
}
