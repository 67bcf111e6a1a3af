package enforce

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ward-mcp/ward/internal/audit"
	"github.com/ward-mcp/ward/internal/audit/jsonl"
	"github.com/ward-mcp/ward/internal/relay"
)

// The relay's event aliases its read buffer, which the next message
// overwrites while the audit event may still wait in the queue: whatever the
// arguments mode, the record must hold the arguments as they were.
func TestAuditKeepsArgumentsAfterTheBufferIsReused(t *testing.T) {
	for _, mode := range []audit.ArgumentsMode{audit.ArgumentsFull, audit.ArgumentsRedacted} {
		store, err := jsonl.Open(filepath.Join(t.TempDir(), "a.jsonl"), nil)
		if err != nil {
			t.Fatal(err)
		}
		w := audit.NewWriter(store, &audit.WriterOptions{Linger: 50 * time.Millisecond})
		a := NewAudit(w, "srv", mode)
		buf := []byte(`{"name":"read","arguments":{"path":"/tmp/a"}}`)
		a.Record(&relay.Event{Time: time.Now(), Dir: relay.ToServer, Method: "tools/call", Kind: "tool", Name: "read", Decision: "allow", Params: buf})
		copy(buf, []byte(`{"name":"read","arguments":{"path":"/XXXXX"}}`))
		if err := w.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		w.Close()
		var got string
		for e, err := range store.Query(context.Background(), audit.Filter{}) {
			if err != nil {
				t.Fatal(err)
			}
			got = string(e.Arguments)
		}
		store.Close()
		if !strings.Contains(got, "/tmp/a") {
			t.Errorf("mode %s: recorded arguments %s, want the original /tmp/a", mode, got)
		}
	}
}
