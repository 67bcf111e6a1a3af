package relay_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/ward-mcp/ward/internal/jsonrpc"
	"github.com/ward-mcp/ward/internal/relay"
	"github.com/ward-mcp/ward/internal/transport"
)

// TestBatchAnswerIsBounded: the answers to a batch are kept until the last
// one arrives and then sent as one array, and nothing bounded their sum: a
// server answering each request of a host's batch with a message near
// --max-message-bytes made ward hold up to MaxBatch × 10 MiB (10 GiB) and
// then build an array as large. Answers that would take the batch past
// relay.MaxBatchAnswerBytes are replaced by an error for their request.
func TestBatchAnswerIsBounded(t *testing.T) {
	ar, bw := io.Pipe()
	br, aw := io.Pipe()
	const big = 256 << 20
	hostSide := transport.NewStream(ar, aw, &transport.StreamOptions{MaxMessageBytes: big, CloseRead: func() error { return ar.CloseWithError(transport.ErrClosed) }})
	relayHost := transport.NewStream(br, bw, &transport.StreamOptions{CloseRead: func() error { return br.CloseWithError(transport.ErrClosed) }})
	relayServer, serverSide := transport.Pipe()
	r := relay.New(relayHost, relayServer, &relay.Options{SessionID: "batch-answer"})
	runDone := make(chan error, 1)
	go func() { runDone <- r.Run(context.Background()) }()

	const n, size = 10, 8 << 20
	result := []byte(`{"content":[{"type":"text","text":"` + strings.Repeat("x", size) + `"}]}`)
	go func() {
		var m jsonrpc.Message
		for {
			raw, err := serverSide.Read()
			if err != nil {
				_ = serverSide.CloseWrite()
				return
			}
			if m.Decode(raw) == nil && m.IsRequest() {
				_ = serverSide.Write(jsonrpc.AppendResponse(nil, m.ID(), result))
				_ = serverSide.Flush()
			}
		}
	}()
	var b strings.Builder
	b.WriteString("[")
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"jsonrpc":"2.0","id":` + string(rune('0'+i)) + `,"method":"tools/call","params":{"name":"t","arguments":{}}}`)
	}
	b.WriteString("]")
	_ = hostSide.Write([]byte(b.String()))
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
		if len(raw) > relay.MaxBatchAnswerBytes+64<<10 {
			t.Errorf("the batch's answer is %d MiB", len(raw)>>20)
		}
		elems, err := jsonrpc.SplitBatch(raw)
		if err != nil {
			t.Fatalf("the answer is not a batch: %v: %.100s", err, raw)
		}
		if len(elems) != n {
			t.Errorf("%d answers to a batch of %d requests", len(elems), n)
		}
		tooLarge := 0
		for _, e := range elems {
			if strings.Contains(string(e), `"code":-32004`) {
				tooLarge++
			}
		}
		if tooLarge == 0 {
			t.Error("no answer was replaced by an error")
		}
	case <-time.After(2 * waitLimit):
		t.Fatal("no answer to the batch")
	}
	_ = hostSide.CloseWrite()
	select {
	case <-runDone:
	case <-time.After(waitLimit):
		t.Fatal("Run did not return")
	}
	_ = serverSide.Close()
	_ = relayHost.Close()
	_ = relayServer.Close()
	_ = hostSide.Close()
}
