package audit_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ward-mcp/ward/internal/audit"
)

// stallStore blocks every Append until released, as a disk that stalls.
type stallStore struct {
	memStore
	entered chan struct{}
	release chan struct{}
}

func (s *stallStore) Append(ctx context.Context, evs []audit.Event) error {
	select {
	case s.entered <- struct{}{}:
	default:
	}
	<-s.release
	return s.memStore.Append(ctx, evs)
}

// TestWriterBoundsQueuedBytes: the queue was bounded by a count of events
// only, and the relay queues each call's raw arguments (reduced later, on
// the writer's goroutine). While the store stalled, a host sending large
// calls made ward hold up to QueueSize of them: 4096 calls of 10 MiB are
// 40 GiB, and ward is killed for it, with every session it relays. The
// queue is now bounded in bytes too (QueueBytes, default 256 MiB): past
// it, events are refused as with a full queue, and Healthy says so.
func TestWriterBoundsQueuedBytes(t *testing.T) {
	st := &stallStore{memStore: memStore{head: audit.EmptyHead()}, entered: make(chan struct{}, 1), release: make(chan struct{})}
	w := audit.NewWriter(st, &audit.WriterOptions{Linger: -1})
	big := json.RawMessage(`{"content":"` + strings.Repeat("x", 8<<20) + `"}`) // shared: the test holds 8 MiB
	e := audit.Event{Time: time.Now(), Decision: audit.Allow, Arguments: big}
	if err := w.Write(e); err != nil {
		t.Fatal(err)
	}
	<-st.entered // the store holds the first one
	accepted := 0
	var err error
	for range 100 { // 800 MiB if all were queued
		if err = w.Write(e); err != nil {
			break
		}
		accepted++
	}
	if !errors.Is(err, audit.ErrQueueFull) || accepted*len(big) > 256<<20 {
		t.Errorf("queued %d events of %d MiB (%v), want at most 256 MiB", accepted, len(big)>>20, err)
	}
	if w.Healthy() {
		t.Error("healthy with the queue's bytes used up")
	}
	if w.Stats().Dropped == 0 {
		t.Error("refused events not counted as dropped")
	}
	close(st.release)
	if err := w.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !w.Healthy() {
		t.Error("not healthy once the queue drained")
	}
	if err := w.Write(e); err != nil {
		t.Errorf("write after the queue drained: %v", err)
	}
	w.Close()
}
