package relay_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ward-mcp/ward/internal/jsonrpc"
	"github.com/ward-mcp/ward/internal/relay"
	"github.com/ward-mcp/ward/internal/transport"
)

// A bug in a rule fails closed: a panicking middleware denies the request,
// the session goes on, and the server never sees what was not inspected.
func TestPanickingMiddlewareDenies(t *testing.T) {
	host, hostSide := transport.Pipe()
	srvSide, srv := transport.Pipe()
	panicky := func(next relay.Handler) relay.Handler {
		return func(ctx context.Context, ex *relay.Exchange) relay.Verdict {
			if ex.Name() == "boom" {
				panic("rule bug")
			}
			return next(ctx, ex)
		}
	}
	r := relay.New(hostSide, srvSide, &relay.Options{Handler: relay.Chain(panicky)})
	done := make(chan error, 1)
	go func() { done <- r.Run(context.Background()) }()
	seen := make(chan string, 4)
	go func() {
		var m jsonrpc.Message
		for {
			raw, err := srv.Read()
			if err != nil {
				close(seen)
				return
			}
			seen <- string(raw)
			if m.Decode(raw) == nil && m.IsRequest() {
				srv.Write(jsonrpc.AppendResponse(nil, m.ID(), []byte(`{}`)))
				srv.Flush()
			}
		}
	}()
	send := func(line string) string {
		t.Helper()
		host.Write([]byte(line))
		host.Flush()
		raw, err := host.Read()
		if err != nil {
			t.Fatal(err)
		}
		return string(raw)
	}
	got := send(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"boom"}}`)
	if !strings.Contains(got, `"code":-32603`) || !strings.Contains(got, "inspection failed") {
		t.Errorf("answer to the panicking request: %s", got)
	}
	if got := send(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"fine"}}`); !strings.Contains(got, `"result"`) {
		t.Errorf("the session did not go on: %s", got)
	}
	host.Close()
	srv.CloseWrite()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("relay did not stop")
	}
	srv.Close()
	for line := range seen {
		if strings.Contains(line, "boom") {
			t.Errorf("the server received the uninspected request: %s", line)
		}
	}
}
