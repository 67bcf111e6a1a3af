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

// With NewAuditDeferred the writer reduces the arguments: secrets are still
// masked and long values cut in what is stored, and the relay's buffer can
// be reused at once.
func TestAuditDeferredReduction(t *testing.T) {
	store, err := jsonl.Open(filepath.Join(t.TempDir(), "a.jsonl"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	w := audit.NewWriter(store, &audit.WriterOptions{Linger: 50 * time.Millisecond,
		Prepare: ReduceAuditArguments(audit.ArgumentsRedacted)})
	a := NewAuditDeferred(w, "srv", audit.ArgumentsRedacted)
	long := strings.Repeat("x", 1000)
	buf := []byte(`{"name":"s3","arguments":{"key":"AKIAZ7QXW2MV4TLRKS3D","note":"` + long + `"}}`)
	a.Record(&relay.Event{Time: time.Now(), Dir: relay.ToServer, Method: "tools/call", Kind: "tool", Name: "s3", Decision: "allow", Params: buf})
	for i := range buf {
		buf[i] = 'Z'
	}
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
	if strings.Contains(got, "AKIAZ7QXW2MV4TLRKS3D") || !strings.Contains(got, audit.TruncatedMark) || strings.Contains(got, long) {
		t.Errorf("stored arguments %s: want the key masked and the note cut", got)
	}
	if !strings.Contains(got, `"key"`) || !strings.Contains(got, "xxxx") {
		t.Errorf("stored arguments %s lost what should stay", got)
	}
}
