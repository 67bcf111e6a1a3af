package enforce

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/ward-mcp/ward/internal/jsonrpc"
	"github.com/ward-mcp/ward/internal/lockfile"
	"github.com/ward-mcp/ward/internal/relay"
)

// TestPinRemembersOnlyLockedItems: pinning remembered its verdict on every
// item of every list page for the rest of the session (until a
// list_changed), also on the items it hid because the lock does not hold
// them, though only verdicts on locked tools and prompts are ever looked
// up. A server answering a host that follows cursors with pages of fresh
// names made ward keep a verdict of some 400 bytes (name, hashes, reason)
// for each 50-byte item: about 8× what the server sent, without bound.
func TestPinRemembersOnlyLockedItems(t *testing.T) {
	lock, err := lockfile.Build("s", &lockfile.Snapshot{
		ServerInfo:      lockfile.ServerInfo{Name: "s", Version: "1"},
		ProtocolVersion: "2025-06-18",
		Capabilities:    json.RawMessage(`{"tools":{},"prompts":{}}`),
		Tools:           []json.RawMessage{json.RawMessage(`{"name":"t","description":"Says hi.","inputSchema":{"type":"object"}}`)},
		Prompts:         []json.RawMessage{json.RawMessage(`{"name":"p","description":"Greets."}`)},
	}, lockfile.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pin := NewPin(lock, 0)
	h := pin.Middleware()(relay.Chain())
	for _, l := range []struct{ method, field, locked string }{
		{"tools/list", "tools", `{"name":"t","description":"Says hi.","inputSchema":{"type":"object"}}`},
		{"prompts/list", "prompts", `{"name":"p","description":"Greets."}`},
		{"resources/list", "resources", `{"uri":"file:///a","name":"a"}`},
	} {
		for page := range 20 {
			var b strings.Builder
			b.WriteString(`{"jsonrpc":"2.0","id":"0123456789abcdef","result":{"` + l.field + `":[` + l.locked)
			for i := range 500 {
				n := strconv.Itoa(page*1000 + i)
				if l.field == "resources" {
					b.WriteString(`,{"uri":"file:///x` + n + `","name":"x"}`)
				} else {
					b.WriteString(`,{"name":"x` + n + `","inputSchema":{"type":"object"}}`)
				}
			}
			b.WriteString(`],"nextCursor":"c` + strconv.Itoa(page) + `"}}`)
			m, err := jsonrpc.Decode([]byte(b.String()))
			if err != nil {
				t.Fatal(err)
			}
			h(context.Background(), &relay.Exchange{Dir: relay.ToHost, Msg: m, Method: l.method})
		}
	}
	for field, verdicts := range pin.seen {
		if len(verdicts) > 1 {
			t.Errorf("pinning keeps %d verdicts on %s after 20 pages of unlocked items", len(verdicts), field)
		}
	}
	if v, ok := pin.lookup("tools", "t"); !ok || !v.Allowed() {
		t.Errorf("the locked tool's verdict: %+v, %v", v, ok)
	}
	if v, ok := pin.lookup("prompts", "p"); !ok || !v.Allowed() {
		t.Errorf("the locked prompt's verdict: %+v, %v", v, ok)
	}
}
