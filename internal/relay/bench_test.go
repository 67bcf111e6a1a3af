package relay_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/ward-mcp/ward/internal/enforce"
	"github.com/ward-mcp/ward/internal/jsonrpc"
	"github.com/ward-mcp/ward/internal/relay"
	"github.com/ward-mcp/ward/internal/transport"
)

// discard is a Sink that drops events, so that the benchmarks include
// building them but not writing a log.
type discard struct{}

func (discard) Record(*relay.Event) {}

// echoServer answers every request read from conn with result, under the
// request's id, until conn ends; then it closes conn, as a server exits at
// the end of its input.
func echoServer(conn transport.Conn, result []byte) {
	defer conn.Close()
	var m jsonrpc.Message
	head := []byte(`{"jsonrpc":"2.0","id":`)
	mid := []byte(`,"result":`)
	tail := []byte(`}`)
	for {
		raw, err := conn.Read()
		if err != nil {
			return
		}
		if m.Decode(raw) != nil || m.Kind != jsonrpc.KindRequest {
			continue
		}
		// The parts are written as they are: a large result is not copied.
		if conn.Write(head, m.ID(), mid, result, tail) != nil || conn.Flush() != nil {
			return
		}
	}
}

// benchRoundTrip measures one request from the host through the relay to an
// in-process echo server and back, over in-memory pipes.
func benchRoundTrip(b *testing.B, h relay.Handler, request, result []byte) {
	hostSide, relayHost := transport.Pipe()
	relayServer, serverSide := transport.Pipe()
	r := relay.New(relayHost, relayServer, &relay.Options{Handler: h, Sink: discard{}, SessionID: "bench"})
	ctx, cancel := context.WithCancel(context.Background())
	runDone := make(chan error, 1)
	go func() { runDone <- r.Run(ctx) }()
	echoDone := make(chan struct{})
	go func() { defer close(echoDone); echoServer(serverSide, result) }()

	roundTrip := func() {
		if err := hostSide.Write(request); err != nil {
			b.Fatal(err)
		}
		if err := hostSide.Flush(); err != nil {
			b.Fatal(err)
		}
		resp, err := hostSide.Read()
		if err != nil {
			b.Fatal(err)
		}
		if len(resp) < len(result)-(1<<10) {
			b.Fatalf("short response: %.200s", resp)
		}
	}
	// Warm up: the readers' side buffers grow to the message size once.
	for range 3 {
		roundTrip()
	}
	b.SetBytes(int64(len(request) + len(result)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		roundTrip()
	}
	b.StopTimer()
	_ = hostSide.CloseWrite()
	if err := <-runDone; err != nil {
		b.Fatal(err)
	}
	cancel()
	<-echoDone
	_ = relayHost.Close()
	_ = relayServer.Close()
	_ = hostSide.Close()
}

func BenchmarkRelayRoundTrip(b *testing.B) {
	request := []byte(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hello"}}}`)
	result := []byte(`{"content":[{"type":"text","text":"hello"}]}`)
	names := enforce.NameLists{DenyTools: []string{"danger*", "rm"}, AllowTools: []string{"echo", "read_*"}}
	b.Run("plain", func(b *testing.B) { benchRoundTrip(b, nil, request, result) })
	b.Run("namelists", func(b *testing.B) { benchRoundTrip(b, relay.Chain(names.Middleware()), request, result) })
}

// BenchmarkRelayLargeMessage sends a 1 MiB result through the relay. Bytes
// allocated per operation show whether the message is copied on the way:
// once the readers' buffers are warm, a relay that forwards the original
// bytes allocates far less than the message per round trip.
func BenchmarkRelayLargeMessage(b *testing.B) {
	request := []byte(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"read_file","arguments":{"path":"/big"}}}`)
	text := strings.Repeat("x", 1<<20)
	result := []byte(`{"content":[{"type":"text","text":"` + text + `"}]}`)
	names := enforce.NameLists{DenyTools: []string{"danger*"}}
	b.Run("result", func(b *testing.B) { benchRoundTrip(b, nil, request, result) })
	b.Run("result-namelists", func(b *testing.B) { benchRoundTrip(b, relay.Chain(names.Middleware()), request, result) })

	// 1 MiB of arguments in the request instead.
	bigRequest := []byte(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"write_file","arguments":{"path":"/big","content":"` + text + `"}}}`)
	small := []byte(`{"content":[]}`)
	b.Run("request-namelists", func(b *testing.B) { benchRoundTrip(b, relay.Chain(names.Middleware()), bigRequest, small) })

	// A 1 MiB tools/list page from which one tool is hidden: the result
	// is rewritten, so here the copies are real.
	var list strings.Builder
	list.WriteString(`{"tools":[{"name":"danger-rm","inputSchema":{"type":"object"}}`)
	for i := 0; list.Len() < 1<<20; i++ {
		list.WriteString(`,{"name":"tool-` + strconv.Itoa(i) + `","description":"` + strings.Repeat("d", 200) + `","inputSchema":{"type":"object"}}`)
	}
	list.WriteString(`]}`)
	listRequest := []byte(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`)
	b.Run("list-namelists", func(b *testing.B) {
		benchRoundTrip(b, relay.Chain(names.Middleware()), listRequest, []byte(list.String()))
	})
}
