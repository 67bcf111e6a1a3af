package cli

import (
	"context"
	"iter"
	"testing"
	"time"

	"github.com/ward-mcp/ward/internal/audit"
	"github.com/ward-mcp/ward/internal/enforce"
	"github.com/ward-mcp/ward/internal/jsonrpc"
	"github.com/ward-mcp/ward/internal/relay"
)

// stalledStore holds the writer's first batch until released, as a disk
// that stalls does, and counts what it stored.
type stalledStore struct {
	entered, release chan struct{}
	stored           chan int
}

func (s *stalledStore) Append(_ context.Context, evs []audit.Event) error {
	select {
	case s.entered <- struct{}{}:
		<-s.release
	default:
	}
	s.stored <- len(evs)
	return nil
}
func (s *stalledStore) AppendCheckpoint(context.Context, audit.Checkpoint) error { return nil }
func (s *stalledStore) Query(context.Context, audit.Filter) iter.Seq2[audit.Event, error] {
	return func(func(audit.Event, error) bool) {}
}
func (s *stalledStore) Checkpoints(context.Context) ([]audit.Checkpoint, error) { return nil, nil }
func (s *stalledStore) Stats(context.Context, audit.Filter) (*audit.Stats, error) {
	return &audit.Stats{}, nil
}
func (s *stalledStore) Close() error { return nil }

// TestAuditRequiredKeepsTheRecordOfAnAdmittedCall: with --audit-required,
// the gate lets a call through while the queue has room, and the relay
// records the call's decision just before it forwards it. Events of the
// other direction (responses, hidden list items) can fill the queue in
// between: the call's record was then dropped for a full queue and the
// call forwarded anyway, unrecorded, which is what --audit-required is to
// prevent.
func TestAuditRequiredKeepsTheRecordOfAnAdmittedCall(t *testing.T) {
	st := &stalledStore{entered: make(chan struct{}, 1), release: make(chan struct{}), stored: make(chan int, 16)}
	w := audit.NewWriter(st, &audit.WriterOptions{QueueSize: 2, Linger: -1})
	sink := enforce.NewAuditDeferred(w, "fs", audit.ArgumentsRedacted)
	gate := enforce.RequireAudit(w, 2)

	// The store stalls on a first event; one more waits in the queue.
	other := &relay.Event{Time: time.Now(), Dir: relay.ToHost, Method: "tools/call", Decision: "allow"}
	sink.Record(other)
	<-st.entered
	sink.Record(other)

	msg, err := jsonrpc.Decode([]byte(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"write_file","arguments":{"path":"a"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	ex := &relay.Exchange{Dir: relay.ToServer, Msg: msg, Method: msg.Method}
	v := gate(func(context.Context, *relay.Exchange) relay.Verdict { return relay.Allowed })(context.Background(), ex)
	if v.Action == relay.Deny {
		t.Fatalf("the gate refused a call with room in the queue: %s", v.Reason)
	}
	// A response's event fills the queue before the call's record comes.
	sink.Record(other)
	sink.Record(&relay.Event{Time: time.Now(), Dir: relay.ToServer, Method: "tools/call", Kind: "tool", Name: "write_file",
		Decision: "allow", Params: msg.Params()})
	if n := w.Stats().Dropped; n != 0 || sink.Failed() != 0 {
		t.Errorf("the record of a call let through was dropped (dropped %d, failed %d)", n, sink.Failed())
	}
	// The gate refuses the next call: the queue is full.
	if v := gate(func(context.Context, *relay.Exchange) relay.Verdict { return relay.Allowed })(context.Background(), ex); v.Action != relay.Deny {
		t.Error("the gate let a call through with the queue full")
	}
	close(st.release)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	total := 0
	for len(st.stored) > 0 {
		total += <-st.stored
	}
	if total != 4 {
		t.Errorf("%d events stored, want 4", total)
	}
}
