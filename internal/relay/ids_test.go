package relay

import (
	"strconv"
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

// TestFailOneSkipsRecycled: request may fail "its" request (the write to
// the receiver failed) after that request was answered and its entry, even
// its key, recycled for another one; the other must be left alone.
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
	reg := func() (*pending, registration) {
		var out registration
		ex := &Exchange{Dir: ToServer, Msg: &m, Method: m.Method}
		if code, _, why := r.register(ToServer, &m, ex, nil, time.Now(), &out); code != 0 {
			t.Fatal(why)
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		return r.tables[ToServer][out.key], out
	}
	p, first := reg()
	if p == nil || p.seq != first.seq || string(p.wardID) != string(first.wardID[:]) {
		t.Fatalf("registration %+v does not describe the entry %+v", first, p)
	}
	// The answer arrives: taken and recycled; the next request gets an
	// entry (often the same one) under the same key, as a worst case.
	r.mu.Lock()
	r.take(p)
	r.recycle(p)
	r.mu.Unlock()
	p2, second := reg()
	r.mu.Lock()
	delete(r.tables[ToServer], second.key)
	p2.key = first.key
	r.tables[ToServer][first.key] = p2
	r.mu.Unlock()
	r.failOne(ToServer, first.key, first.seq, jsonrpc.CodeUnavailable, "stale")
	r.mu.Lock()
	still := r.tables[ToServer][first.key] == p2
	r.mu.Unlock()
	if !still {
		t.Fatal("failOne of an answered request removed the request registered after it")
	}
}

// TestNameCache: names through the per-loop cache are what RequestName
// decodes, for plain and escaped names, missing names, completions, and
// past the cache's bound.
func TestNameCache(t *testing.T) {
	var c nameCache
	cases := []struct{ method, params string }{
		{"tools/call", `{"name":"echo"}`},
		{"tools/call", `{"name":"echo"}`},
		{"tools/call", `{"name":"ex\u0065c"}`},
		{"tools/call", `{"arguments":{}}`},
		{"tools/call", `{"name":7}`},
		{"prompts/get", `{"name":"greet"}`},
		{"resources/read", `{"uri":"file:///a"}`},
		{"completion/complete", `{"ref":{"type":"ref/prompt","name":"greet"}}`},
		{"ping", `{}`},
	}
	for i := range 2 * maxInterned {
		cases = append(cases, struct{ method, params string }{"tools/call", `{"name":"t` + strconv.Itoa(i) + `"}`})
	}
	for _, tc := range cases {
		want := RequestName(tc.method, []byte(tc.params))
		if got := c.requestName(tc.method, []byte(tc.params)); got != want {
			t.Fatalf("requestName(%s, %s) = %q, want %q", tc.method, tc.params, got, want)
		}
	}
	if len(c.m) > maxInterned {
		t.Fatalf("cache holds %d names, bound %d", len(c.m), maxInterned)
	}
	var none *nameCache
	if got := none.requestName("tools/call", []byte(`{"name":"x"}`)); got != "x" {
		t.Fatalf("nil cache: %q", got)
	}
}
