package relay_test

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ward-mcp/ward/internal/relay"
	"github.com/ward-mcp/ward/internal/transport"
)

// TestPendingRequestsHoldLittleMemory: the pending tables are bounded by
// count (--max-pending), but each entry kept the sender's id (twice: in the
// entry and as the key of its index) and its progress token whatever their
// size. A server that sent the host requests with ids or tokens of a few
// MiB, and got no answer, made ward hold max-pending times that until the
// deadline: 1024 × 2 × 10 MiB with the defaults, some 20 GiB. A request
// whose id or progress token is longer than relay.MaxIDBytes is now refused
// and never held.
func TestPendingRequestsHoldLittleMemory(t *testing.T) {
	hostSide, relayHost := transport.Pipe()
	relayServer, serverSide := transport.Pipe()
	r := relay.New(relayHost, relayServer, &relay.Options{SessionID: "mem"})
	runDone := make(chan error, 1)
	go func() { runDone <- r.Run(context.Background()) }()

	// The host reads what it is sent and answers nothing.
	hostGot := make(chan int, 256)
	go func() {
		defer close(hostGot)
		for {
			raw, err := hostSide.Read()
			if err != nil {
				return
			}
			hostGot <- len(raw)
		}
	}()
	serverGot := make(chan string, 256)
	go func() {
		defer close(serverGot)
		for {
			raw, err := serverSide.Read()
			if err != nil {
				_ = serverSide.CloseWrite() // the server exits at the end of its input
				return
			}
			serverGot <- string(raw)
		}
	}()

	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapInuse
	}
	before := heap()
	const n, size = 32, 1 << 20
	pad := strings.Repeat("x", size)
	for i := range n {
		var msg string
		if i%2 == 0 {
			msg = `{"jsonrpc":"2.0","id":"` + pad + string(rune('a'+i%26)) + `","method":"roots/list"}`
		} else {
			msg = `{"jsonrpc":"2.0","id":` + string(rune('0'+i%10)) + `,"method":"sampling/createMessage","params":{"_meta":{"progressToken":"` + pad + string(rune('a'+i%26)) + `"},"messages":[],"maxTokens":1}}`
		}
		if err := serverSide.Write([]byte(msg)); err != nil {
			t.Fatal(err)
		}
		if err := serverSide.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	// Every request has been handled once the server got an answer for
	// each or the host got it.
	handled := 0
	deadline := time.After(waitLimit)
	for handled < n {
		select {
		case <-hostGot:
			handled++
		case <-serverGot:
			handled++
		case <-deadline:
			t.Fatalf("%d of %d requests handled", handled, n)
		}
	}
	grown := int64(heap()) - int64(before)
	if grown > 8<<20 {
		t.Errorf("the heap grew by %d MiB for %d unanswered requests with ids or tokens of 1 MiB", grown>>20, n)
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
	for range hostGot {
	}
	for range serverGot {
	}
}
