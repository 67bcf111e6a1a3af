package relay_test

import (
	"testing"

	"github.com/ward-mcp/ward/internal/relay"
)

func TestAmbiguousName(t *testing.T) {
	for _, tc := range []struct {
		method, params string
		want           bool
	}{
		{"tools/call", `{"name":"a","arguments":{}}`, false},
		// The same key deeper down is the tool's business, not a second name.
		{"tools/call", `{"name":"a","arguments":{"name":"b"}}`, false},
		{"tools/call", `{"name":"a","arguments":{"path":"C:\\x"}}`, false},
		{"tools/call", `{"name":"a","name":"b"}`, true},
		{"tools/call", `{"name":"a","arguments":{},"name":"a"}`, true},
		{"tools/call", `{"n\u0061me":"a","name":"b"}`, true},
		{"prompts/get", `{"name":"a","name":"b"}`, true},
		{"resources/read", `{"uri":"file:///a","uri":"file:///b"}`, true},
		{"resources/read", `{"uri":"file:///a","name":"x","name":"y"}`, false},
		{"tools/list", `{"name":"a","name":"b"}`, false},
		{"tools/call", ``, false},
	} {
		if got := relay.AmbiguousName(tc.method, []byte(tc.params)); got != tc.want {
			t.Errorf("AmbiguousName(%s, %s) = %v, want %v", tc.method, tc.params, got, tc.want)
		}
	}
}
