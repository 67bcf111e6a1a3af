package relay

import (
	"time"

	"bytes"
	"crypto/rand"
	"encoding/hex"
	"github.com/ward-mcp/ward/internal/jsonrpc"
	"testing"
)

// TestParseIDKey holds the table decoder to the ids idGen makes and to
// encoding/hex, and checks that nothing but ward's exact form is accepted.
func TestParseIDKey(t *testing.T) {
	g := &idGen{src: rand.Reader}
	for range 1000 {
		var buf [idJSONLen]byte
		k, err := g.next(&buf)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := parseIDKey(buf[:])
		if !ok || got != k {
			t.Fatalf("parseIDKey(%s) = %x, %v; want %x", buf, got, ok, k)
		}
	}
	valid := []byte(`"0123456789abcdef"`)
	if k, ok := parseIDKey(valid); !ok || hex.EncodeToString(k[:]) != "0123456789abcdef" {
		t.Fatalf("parseIDKey(%s) = %x, %v", valid, k, ok)
	}
	for _, raw := range []string{
		`"0123456789ABCDEF"`, `"0123456789abcdeg"`, `"0123456789abcde"`, `"0123456789abcdef0"`,
		`0123456789abcdef00`, `"0123456789abcdef `, `"0123456789abc def"`, `"0123456789abcd\u0065f"`,
		"\"0123456789abcde\xff\"", `""`, `1`, ``,
	} {
		if k, ok := parseIDKey([]byte(raw)); ok {
			t.Errorf("parseIDKey(%s) = %x, true; want false", raw, k)
		}
	}
	// Every single-byte change of a valid id is refused unless it is
	// another lower-case hex digit, which must decode as encoding/hex does.
	for i := 1; i < idJSONLen-1; i++ {
		for c := range 256 {
			raw := bytes.Clone(valid)
			raw[i] = byte(c)
			k, ok := parseIDKey(raw)
			want, err := hex.DecodeString(string(raw[1 : idJSONLen-1]))
			isHex := err == nil && (c < 'A' || c > 'F')
			if ok != isHex || ok && !bytes.Equal(k[:], want) {
				t.Fatalf("parseIDKey(%q) = %x, %v; want %x, %v", raw, k, ok, want, isHex)
			}
		}
	}
}

// TestFailOneSkipsRecycled: request() may still hold an entry when its
// answer has come, the entry was recycled (pendingPool) and registered for
// another request; failing "its" request must then leave the new one alone.
func TestFailOneSkipsRecycled(t *testing.T) {
	r := New(nil, nil, nil)
	defer func() {
		r.mu.Lock()
		r.dl.stop()
		r.mu.Unlock()
	}()
	var m jsonrpc.Message
	if err := m.Decode([]byte(`{"jsonrpc":"2.0","id":7,"method":"ping"}`)); err != nil {
		t.Fatal(err)
	}
	reg := func() *pending {
		ex := &Exchange{Dir: ToServer, Msg: &m, Method: m.Method}
		p, _, why := r.register(ToServer, &m, ex, nil, time.Now())
		if p == nil {
			t.Fatal(why)
		}
		return p
	}
	for range 100 {
		p := reg()
		oldSeq := p.seq
		// The answer arrives: taken and recycled, and the same entry
		// serves a new request with the same peer id.
		r.mu.Lock()
		r.take(p)
		r.mu.Unlock()
		recycle(p)
		p2 := reg()
		if p2 != p { // the pool gave another entry: try again
			r.mu.Lock()
			r.take(p2)
			r.mu.Unlock()
			continue
		}
		r.failOne(p, oldSeq, jsonrpc.CodeUnavailable, "stale")
		r.mu.Lock()
		still := r.tables[ToServer][p2.key] == p2
		r.mu.Unlock()
		if !still {
			t.Fatal("failOne with a stale seq removed the request registered after it")
		}
		return
	}
	t.Skip("the pool never handed the same entry back")
}
