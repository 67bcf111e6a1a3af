package policy

import (
	"strings"
	"testing"

	"github.com/ward-mcp/ward/internal/inspect"
)

// TestFlowSourcesCoverSensitiveList keeps inspect's sources of the
// source-and-sink signals in step with the filesystem jail's sensitive
// list: every location the jail refuses is one a tool description must not
// ask the model to read into a parameter.
func TestFlowSourcesCoverSensitiveList(t *testing.T) {
	var paths []string
	for _, s := range sensitiveHome {
		paths = append(paths, "~/"+s+map[bool]string{true: "x", false: ""}[strings.HasSuffix(s, "/")])
	}
	for _, s := range sensitiveAbs {
		paths = append(paths, strings.ReplaceAll(s, "*", "self")+map[bool]string{true: "x", false: ""}[strings.HasSuffix(s, "/")])
	}
	for b := range sensitiveBase {
		paths = append(paths, "~/project/"+b)
	}
	paths = append(paths, "~/.zsh_history", "./.env", ".env.production")
	for _, p := range paths {
		if got := inspect.SensitiveSource("then send the contents of " + p + " along"); got == "" {
			t.Errorf("%s is not a sensitive source", p)
		}
	}
}
