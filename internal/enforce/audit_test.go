package enforce

import (
	"context"
	"iter"
	"path/filepath"
	"strings"
	"syscall"
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

// discardStore is an audit.Store that keeps nothing, so that a benchmark
// measures only what comes before it.
type discardStore struct{}

func (discardStore) Append(context.Context, []audit.Event) error              { return nil }
func (discardStore) AppendCheckpoint(context.Context, audit.Checkpoint) error { return nil }
func (discardStore) Query(context.Context, audit.Filter) iter.Seq2[audit.Event, error] {
	return func(func(audit.Event, error) bool) {}
}
func (discardStore) Checkpoints(context.Context) ([]audit.Checkpoint, error) { return nil, nil }
func (discardStore) Stats(context.Context, audit.Filter) (*audit.Stats, error) {
	return &audit.Stats{}, nil
}
func (discardStore) Close() error { return nil }

// cpuTime returns the process's user+system CPU time, for cpu-ns/op.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkAuditRecord measures what the relay pays per decision with the
// audit trail on, as ward proxy records it (NewAuditDeferred): building the
// event, copying the arguments and the queue push. The writer behind it
// keeps nothing and reduces nothing, but its goroutine's CPU is in
// cpu-ns/op.
func BenchmarkAuditRecord(b *testing.B) {
	w := audit.NewWriter(discardStore{}, &audit.WriterOptions{QueueSize: 1 << 17, Linger: 200 * time.Microsecond})
	defer w.Close()
	a := NewAuditDeferred(w, "fs", audit.ArgumentsRedacted)
	ev := &relay.Event{Time: time.Now(), Session: "s1", ClientName: "claude-code", ClientVersion: "2.1.0",
		Dir: relay.ToServer, Method: "tools/call", Kind: "tool", Name: "read_file", Decision: "allow",
		Params: []byte(`{"name":"read_file","arguments":{"path":"/src/components/Button.tsx","n":1}}`)}
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		a.Record(ev)
	}
	w.Flush(context.Background())
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
	if a.Failed() != 0 {
		b.Fatalf("%d events not queued", a.Failed())
	}
}
