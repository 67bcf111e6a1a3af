package relay_test

import (
	"context"
	"errors"
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
