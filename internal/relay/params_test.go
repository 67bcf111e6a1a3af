package relay

import (
	"bytes"
	"testing"

	"github.com/ward-mcp/ward/internal/jsonrpc"
	"github.com/ward-mcp/ward/internal/mcp"
)

// indexCases are params whose members the index must read as Member and
// CaseVariant do, one at a time.
var indexCases = []string{
	`{"name":"echo","arguments":{"text":"hi"}}`,
	`{"arguments":{"name":"inner"},"name":"outer"}`,
	`{"uri":"file:///a","_meta":{"progressToken":7}}`,
	`{"n\u0061me":"escaped","\u0061rguments":[1]}`,
	`{"Name":"x","name":"y"}`,
	`{"NAME":"x"}`,
	`{"Arguments":{}}`,
	`{"_META":{"progressToken":1}}`,
	`{"ref":{"type":"ref/prompt","name":"p"},"argument":{"name":"a","value":"v"}}`,
	`{"REF":{}}`,
	`{"\u212aey":1,"ur\u0131":2}`,
	`{"other":"x","uRi":"y"}`,
	`{}`,
	`[]`,
	`"name"`,
	`null`,
	``,
	`{"name":1,"uri":null,"arguments":"s","_meta":[]}`,
	`{ "name" : "spaced" , "arguments" : { } }`,
}

func TestIndexParamsMatchesMember(t *testing.T) {
	for _, p := range indexCases {
		checkIndex(t, []byte(p))
	}
}

func FuzzIndexParams(f *testing.F) {
	for _, p := range indexCases {
		f.Add([]byte(p))
	}
	f.Fuzz(func(t *testing.T, params []byte) {
		if !jsonrpc.Valid(params) {
			// The relay indexes only params the codec accepted.
			return
		}
		checkIndex(t, params)
	})
}

func checkIndex(t *testing.T, params []byte) {
	t.Helper()
	x := indexParams(params)
	for _, c := range []struct {
		member string
		got    []byte
	}{{"name", x.name}, {"uri", x.uri}, {"arguments", x.arguments}, {"_meta", x.meta}} {
		want := jsonrpc.Member(params, c.member)
		if !bytes.Equal(c.got, want) || (c.got == nil) != (want == nil) || cap(c.got) != len(c.got) {
			t.Fatalf("index of %s: %s = %q (cap %d), want %q as Member reads it", params, c.member, c.got, cap(c.got), want)
		}
	}
	v, w := mcp.CaseVariant(params, targetMembers[:]...)
	if x.variant != v || x.want != w {
		t.Fatalf("index of %s: case variant (%q, %q), want (%q, %q) as CaseVariant finds it", params, x.variant, x.want, v, w)
	}
}
