package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestProxyAuditToStderr follows ward's own advice: --audit jsonl:- is
// refused because standard output carries the MCP session, "use a file or
// /dev/stderr". /dev/stderr is no file to lock and cut, and has no
// directory for a key beside it: ward refused to start with it (or, as
// root, made key files in /dev). It is now a stream, as --audit stdout is
// for the gateway.
func TestProxyAuditToStderr(t *testing.T) {
	var out, errb bytes.Buffer
	code := Run(context.Background(), []string{"proxy", "--audit", "jsonl:/dev/stderr", "--", "sh", "-c", "cat >/dev/null"},
		strings.NewReader(""), &out, &errb)
	if code != 0 {
		t.Fatalf("ward proxy --audit jsonl:/dev/stderr: exit %d: %s", code, errb.String())
	}
}
