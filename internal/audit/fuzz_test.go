package audit_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ward-mcp/ward/internal/audit"
)

func FuzzReduceArguments(f *testing.F) {
	f.Add([]byte(`{"path":"/etc/passwd","token":"ghp_x","list":[1,2,3],"n":1e400}`))
	f.Add([]byte(`"` + strings.Repeat("é", 300) + `"`))
	f.Add([]byte(`[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		mask := func(s string) (string, bool) {
			if strings.Contains(s, "secret") {
				return "[REDACTED]", true
			}
			return s, false
		}
		out := audit.ReduceArguments(raw, audit.ArgumentsRedacted, &audit.ReduceOptions{MaxString: 16, MaxItems: 4, MaxDepth: 4, Mask: mask})
		if len(raw) == 0 {
			return
		}
		if !json.Valid(out) {
			t.Fatalf("reduced %q to invalid JSON %q", raw, out)
		}
		if strings.Contains(string(out), "secret") {
			t.Fatalf("secret survived reduction: %s", out)
		}
	})
}
