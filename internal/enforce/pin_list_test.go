package enforce_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ward-mcp/ward/internal/enforce"
	"github.com/ward-mcp/ward/internal/jsonrpc"
	"github.com/ward-mcp/ward/internal/lockfile"
	"github.com/ward-mcp/ward/internal/relay"
	"github.com/ward-mcp/ward/internal/transport"
)

// TestPinListingIsBounded: to verify a call, pinning lists the server's
// tools itself, every page, keeping them all until the last. Only the page
// count was bounded (1000), so a server answering with large pages and a
// fresh cursor each time made ward hold 1000 pages of up to --max-message-
// bytes each (10 GiB with the defaults) while the host's requests waited.
// The listing is now bounded in bytes too, and a call that cannot be
// verified within it is refused.
func TestPinListingIsBounded(t *testing.T) {
	tool := json.RawMessage(`{"name":"t","description":"Says hi.","inputSchema":{"type":"object"}}`)
	lock, err := lockfile.Build("s", &lockfile.Snapshot{
		ServerInfo:      lockfile.ServerInfo{Name: "s", Version: "1"},
		ProtocolVersion: "2025-06-18",
		Capabilities:    json.RawMessage(`{"tools":{}}`),
		Tools:           []json.RawMessage{tool},
	}, lockfile.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	hostSide, relayHost := transport.Pipe()
	relayServer, serverSide := transport.Pipe()
	r := relay.New(relayHost, relayServer, &relay.Options{Handler: relay.Chain(enforce.NewPin(lock, 0).Middleware())})
	done := make(chan error, 1)
	go func() { done <- r.Run(context.Background()) }()

	const pageBytes = 128 << 10
	pad := strings.Repeat("x", pageBytes)
	var pages atomic.Int64
	go func() {
		defer serverSide.Close()
		var m jsonrpc.Message
		for {
			raw, err := serverSide.Read()
			if err != nil {
				return
			}
			if m.Decode(raw) != nil || !m.IsRequest() {
				continue
			}
			var res string
			switch m.Method {
			case "tools/list":
				n := pages.Add(1)
				res = `{"tools":[{"name":"pad` + strconv.FormatInt(n, 10) + `","description":"` + pad + `","inputSchema":{"type":"object"}}],"nextCursor":"c` + strconv.FormatInt(n, 10) + `"}`
			default:
				res = `{"content":[{"type":"text","text":"ran"}]}`
			}
			_ = serverSide.Write(jsonrpc.AppendResponse(nil, m.ID(), []byte(res)))
			_ = serverSide.Flush()
		}
	}()

	_ = hostSide.Write([]byte(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t","arguments":{}}}`))
	_ = hostSide.Flush()
	got := make(chan string, 1)
	go func() {
		raw, err := hostSide.Read()
		if err != nil {
			got <- "read: " + err.Error()
			return
		}
		got <- string(raw)
	}()
	select {
	case answer := <-got:
		if !strings.Contains(answer, `"error"`) || !strings.Contains(answer, "cannot verify") {
			t.Errorf("the call was not refused as unverifiable: %.200s", answer)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no answer to the call")
	}
	if n := pages.Load(); n*pageBytes > 48<<20 {
		t.Errorf("ward listed %d pages of %d KiB (%d MiB) to verify one call", n, pageBytes>>10, n*pageBytes>>20)
	}
	hostSide.Close()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("relay did not stop")
	}
	relayHost.Close()
	relayServer.Close()
}
