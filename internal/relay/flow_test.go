package relay_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ward-mcp/ward/internal/relay"
	"github.com/ward-mcp/ward/internal/transport"
)

// TestServerNoiseDoesNotStall: a server that writes lines that are not
// JSON-RPC to its stdout (logs, a banner) before it reads its stdin must not
// stall the relay. Answering each line with an error would fill the
// server's input while the server is still writing, and with both pipes
// full neither side would move. The in-memory pipe has no buffer, so the
// first answer would block.
func TestServerNoiseDoesNotStall(t *testing.T) {
	hostSide, relayHost := transport.Pipe()
	relayServer, serverSide := transport.Pipe()
	r := relay.New(relayHost, relayServer, &relay.Options{SessionID: "noise"})
	runDone := make(chan error, 1)
	go func() { runDone <- r.Run(context.Background()) }()

	serverDone := make(chan struct{})
	go func() {
		defer close(serverDone)
		defer serverSide.Close()
		for i := range 50 {
			if serverSide.Write([]byte("server log line "+strings.Repeat("#", i))) != nil || serverSide.Flush() != nil {
				return
			}
		}
		_ = serverSide.Write([]byte(`{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"ready"}}`))
		_ = serverSide.Flush()
		for {
			if _, err := serverSide.Read(); err != nil {
				return
			}
		}
	}()

	got := make(chan string, 1)
	go func() {
		raw, err := hostSide.Read()
		if err != nil {
			got <- "error: " + err.Error()
			return
		}
		got <- string(raw)
	}()
	select {
	case line := <-got:
		if !strings.Contains(line, `"ready"`) {
			t.Errorf("host got %s, want the server's notification", line)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("the relay stalled on the server's noise\n%s", goroutineDump())
	}
	_ = hostSide.CloseWrite()
	select {
	case <-runDone:
	case <-time.After(waitLimit):
		t.Fatal("Run did not return")
	}
	<-serverDone
	_ = relayHost.Close()
	_ = relayServer.Close()
	_ = hostSide.Close()
}

// TestRunReportsServerExit: when the server's output ends while the host is
// still connected, Run says so, whatever context it was given (the
// background context has no Done channel).
func TestRunReportsServerExit(t *testing.T) {
	for _, tc := range []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
	}{
		{"background", func() (context.Context, context.CancelFunc) { return context.Background(), func() {} }},
		{"cancellable", func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := tc.ctx()
			defer cancel()
			hostSide, relayHost := transport.Pipe()
			relayServer, serverSide := transport.Pipe()
			r := relay.New(relayHost, relayServer, &relay.Options{SessionID: "exit"})
			runDone := make(chan error, 1)
			go func() { runDone <- r.Run(ctx) }()
			_ = serverSide.Close() // the server exits
			// The host reads until the relay closes its side.
			go func() {
				for {
					if _, err := hostSide.Read(); err != nil {
						return
					}
				}
			}()
			select {
			case err := <-runDone:
				if !errors.Is(err, relay.ErrServerExited) {
					t.Errorf("Run = %v, want ErrServerExited", err)
				}
			case <-time.After(waitLimit):
				t.Fatal("Run did not return")
			}
			_ = relayHost.Close()
			_ = relayServer.Close()
			_ = hostSide.Close()
		})
	}
}

// TestBurstIsForwardedBeforeItEnds: a burst of requests read together is sent
// on in parts while ward handles the rest of it, not in one write after the
// last one (see flushEvery). The middleware holds the burst's last request
// until the server has seen the first ones; a relay that flushed only once
// its input was drained would never send them, and the test would time out.
func TestBurstIsForwardedBeforeItEnds(t *testing.T) {
	const burst = 40
	hostSide, relayHost := transport.Pipe()
	relayServer, serverSide := transport.Pipe()
	seen := make(chan int, burst)
	release := make(chan struct{})
	hold := func(next relay.Handler) relay.Handler {
		return func(ctx context.Context, ex *relay.Exchange) relay.Verdict {
			if ex.Dir == relay.ToServer && ex.Name() == "last" {
				select {
				case <-release:
				case <-time.After(10 * time.Second):
				}
			}
			return next(ctx, ex)
		}
	}
	r := relay.New(relayHost, relayServer, &relay.Options{SessionID: "burst", Handler: relay.Chain(hold)})
	runDone := make(chan error, 1)
	go func() { runDone <- r.Run(context.Background()) }()
	go func() {
		for i := 0; ; i++ {
			if _, err := serverSide.Read(); err != nil {
				close(seen)
				return
			}
			seen <- i
		}
	}()

	// One write holding the whole burst: the relay reads it in one piece.
	for i := range burst {
		name := "first"
		if i == burst-1 {
			name = "last"
		}
		msg := fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":%q,"arguments":{}}}`, i, name)
		if err := hostSide.Write([]byte(msg)); err != nil {
			t.Fatal(err)
		}
	}
	if err := hostSide.Flush(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-seen:
		close(release)
	case <-time.After(5 * time.Second):
		close(release)
		t.Fatalf("the server saw nothing of the burst while ward held its last request\n%s", goroutineDump())
	}
	n := 1
	for n < burst {
		select {
		case <-seen:
			n++
		case <-time.After(waitLimit):
			t.Fatalf("the server saw %d of %d requests", n, burst)
		}
	}
	go func() { // take the answers to the requests the server never answered
		for {
			if _, err := hostSide.Read(); err != nil {
				return
			}
		}
	}()
	_ = hostSide.CloseWrite()
	_ = serverSide.Close()
	select {
	case <-runDone:
	case <-time.After(waitLimit):
		t.Fatal("Run did not return")
	}
	_ = relayHost.Close()
	_ = relayServer.Close()
	_ = hostSide.Close()
}
