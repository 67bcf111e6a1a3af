package relay_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ward-mcp/ward/internal/relay"
	"github.com/ward-mcp/ward/internal/transport"
)

type reasonSink struct {
	mu      sync.Mutex
	reasons []string
}

func (s *reasonSink) Record(e *relay.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reasons = append(s.reasons, e.Reason)
}

func (s *reasonSink) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.reasons)
}

// TestDroppedMessagesAreLoggedBriefly: a dropped response, cancellation or
// progress notification was logged with its id or token in full, so that a
// peer sending messages of a few MiB that ward drops made each one a record
// of that size in the decision log and the audit trail: ward copied what
// it dropped to disk as fast as the peer could send it. The reason now
// quotes the beginning of the id.
func TestDroppedMessagesAreLoggedBriefly(t *testing.T) {
	hostSide, relayHost := transport.Pipe()
	relayServer, serverSide := transport.Pipe()
	sink := &reasonSink{}
	r := relay.New(relayHost, relayServer, &relay.Options{SessionID: "log", Sink: sink})
	runDone := make(chan error, 1)
	go func() { runDone <- r.Run(context.Background()) }()
	go func() {
		for {
			if _, err := serverSide.Read(); err != nil {
				_ = serverSide.CloseWrite()
				return
			}
		}
	}()
	big := `"` + strings.Repeat("x", 1<<20) + `"`
	msgs := []string{
		`{"jsonrpc":"2.0","id":` + big + `,"result":{}}`,
		`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":` + big + `}}`,
		`{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":` + big + `,"progress":1}}`,
	}
	for _, side := range []*transport.Stream{serverSide, hostSide} {
		for _, m := range msgs {
			_ = side.Write([]byte(m))
			_ = side.Flush()
		}
	}
	deadline := time.Now().Add(waitLimit)
	for sink.count() < 2*len(msgs) {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d drops logged", sink.count(), 2*len(msgs))
		}
		time.Sleep(2 * time.Millisecond)
	}
	_ = hostSide.CloseWrite()
	select {
	case <-runDone:
	case <-time.After(waitLimit):
		t.Fatal("Run did not return")
	}
	sink.mu.Lock()
	defer sink.mu.Unlock()
	for _, reason := range sink.reasons {
		if len(reason) > 512 {
			t.Errorf("a reason of %d bytes: %.100s…", len(reason), reason)
		}
	}
	_ = serverSide.Close()
	_ = relayHost.Close()
	_ = relayServer.Close()
	_ = hostSide.Close()
}
