package relay_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ward-mcp/ward/internal/jsonrpc"
	"github.com/ward-mcp/ward/internal/relay"
	"github.com/ward-mcp/ward/internal/transport"
)

// TestHugeBatchIsRefusedWhole: a batch is answered element by element, so
// a batch of tiny invalid elements ("[1,1,1,…]", two bytes each) made ward
// build an error of about a hundred bytes for each: a 10 MiB line cost
// ward over a gigabyte (the answers, then the array made of them) and was
// answered with half a gigabyte. A server can send one too, and ward wrote
// the array into the server's input from the loop that reads the server.
// A batch of more elements than the limit is now refused whole, with one
// error (to the host) or none (to the server, as for other lines it cannot
// answer).
func TestHugeBatchIsRefusedWhole(t *testing.T) {
	hostSide, relayHost := transport.Pipe()
	relayServer, serverSide := transport.Pipe()
	r := relay.New(relayHost, relayServer, &relay.Options{SessionID: "batch"})
	runDone := make(chan error, 1)
	go func() { runDone <- r.Run(context.Background()) }()

	serverGot := make(chan string, 16)
	go func() {
		defer close(serverGot)
		for {
			raw, err := serverSide.Read()
			var tl *jsonrpc.TooLargeError
			if errors.As(err, &tl) {
				serverGot <- tl.Error()
				continue
			}
			if err != nil {
				return
			}
			serverGot <- string(raw)
		}
	}()

	const n = 200_000
	junk := "[" + strings.TrimSuffix(strings.Repeat("1,", n), ",") + "]"
	_ = hostSide.Write([]byte(junk))
	_ = hostSide.Flush()
	got := make(chan []byte, 1)
	go func() {
		raw, err := hostSide.Read()
		if err != nil {
			got <- []byte("error: " + err.Error())
			return
		}
		got <- append([]byte(nil), raw...)
	}()
	select {
	case raw := <-got:
		m, err := jsonrpc.Decode(raw)
		if err != nil || m.Kind != jsonrpc.KindError || len(raw) > 1024 {
			t.Errorf("the host got %d bytes (%.80s…), want one error for the whole batch", len(raw), raw)
		} else if !strings.Contains(string(m.Error()), `"code":-32600`) {
			t.Errorf("the host got %s, want an invalid request (-32600)", raw)
		}
	case <-time.After(waitLimit):
		t.Fatal("no answer to the batch")
	}

	// The same batch from the server is not answered into its input.
	_ = serverSide.Write([]byte(junk))
	_ = serverSide.Write([]byte(`{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"after"}}`))
	_ = serverSide.Flush()
	go func() {
		raw, err := hostSide.Read()
		if err != nil {
			got <- []byte("error: " + err.Error())
			return
		}
		got <- append([]byte(nil), raw...)
	}()
	select {
	case raw := <-got:
		if !strings.Contains(string(raw), `"after"`) {
			t.Errorf("the host got %.80s, want the server's next message", raw)
		}
	case <-time.After(waitLimit):
		t.Fatal("the session stalled after the server's batch")
	}

	_ = hostSide.CloseWrite()
	_ = serverSide.CloseWrite()
	select {
	case <-runDone:
	case <-time.After(waitLimit):
		t.Fatal("Run did not return")
	}
	for line := range serverGot {
		t.Errorf("the server received %d bytes (%.80s…)", len(line), line)
	}
	_ = relayHost.Close()
	_ = relayServer.Close()
	_ = hostSide.Close()
	_ = serverSide.Close()
}
