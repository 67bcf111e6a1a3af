package lockfile

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gowebpki/jcs"
)

func TestCanonicalizeRFC8785(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"b":2,"a":1}`, `{"a":1,"b":2}`},
		{`{ "a" : [ 1.0 , 2e1 , -0 ] }`, `{"a":[1,20,0]}`},
		{`"\u00e9\u20ac\n"`, "\"é€\\n\""},
		{`{"\u20ac":1,"\r":2,"1":3,"a":4}`, "{\"\\r\":2,\"1\":3,\"a\":4,\"€\":1}"},
		{`1e21`, `1e+21`},
		{`0.000001`, `0.000001`},
		{`1e-7`, `1e-7`},
		{`"\/"`, `"/"`},
		// UTF-16 order: U+E000 sorts after U+1F600 (surrogates D83D DE00).
		{`{"\ue000":1,"\ud83d\ude00":2}`, "{\"\U0001F600\":2,\"\ue000\":1}"},
		{`"\u0001\u001f\u2028"`, `"\u0001\u001f` + "\u2028" + `"`},
		{`[5e-324,1.7976931348623157e308,123456789012345680000,-1.5e-9]`, `[5e-324,1.7976931348623157e+308,123456789012345680000,-1.5e-9]`},
	}
	for _, tt := range tests {
		got, err := Canonicalize([]byte(tt.in))
		if err != nil {
			t.Errorf("Canonicalize(%s): %v", tt.in, err)
			continue
		}
		if string(got) != tt.want {
			t.Errorf("Canonicalize(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
	for _, bad := range []string{`{"a":1,"a":1}`, `"\ud800"`, "\"\xc3\"", `[1,]`} {
		if _, err := Canonicalize([]byte(bad)); err == nil {
			t.Errorf("Canonicalize(%q) accepted", bad)
		}
	}
}

func TestHashItemIgnoresUnhashedFields(t *testing.T) {
	base := `{"name":"t","description":"d","inputSchema":{"type":"object"}}`
	same := []string{
		`{"inputSchema":{"type":"object"},"description":"d","name":"t"}`,
		"{\n  \"name\": \"t\",\n  \"description\": \"d\",\n  \"inputSchema\": {\"type\": \"object\"}\n}",
		`{"name":"t","description":"d","inputSchema":{"type":"object"},"_meta":{"x":1}}`,
		`{"name":"t","description":"d","inputSchema":{"type":"object"},"icons":[{"src":"https://x/i.png"}]}`,
		`{"name":"t","description":"d","inputSchema":{"type":"object"},"execution":{"taskSupport":"optional"}}`,
		`{"name":"t","description":"\u0064","inputSchema":{"type":"object"}}`,
	}
	differ := []string{
		`{"name":"t","description":"d ","inputSchema":{"type":"object"}}`,
		`{"name":"t","description":"d","inputSchema":{"type":"object"},"title":"T"}`,
		`{"name":"t","description":"d","inputSchema":{"type":"object"},"outputSchema":{"type":"object"}}`,
		`{"name":"t","description":"d","inputSchema":{"type":"object"},"annotations":{"readOnlyHint":true}}`,
		`{"name":"t","description":"d","inputSchema":{"type":"object","properties":{}}}`,
	}
	_, want, err := HashItem(ItemTool, []byte(base))
	if err != nil {
		t.Fatal(err)
	}
	if !validHash(want) {
		t.Fatalf("hash %q malformed", want)
	}
	for _, s := range same {
		if _, got, err := HashItem(ItemTool, []byte(s)); err != nil || got != want {
			t.Errorf("HashItem(%s) = %s, %v; want %s", s, got, err, want)
		}
	}
	for _, s := range differ {
		if _, got, err := HashItem(ItemTool, []byte(s)); err != nil || got == want {
			t.Errorf("HashItem(%s) = %s, %v; want a different hash", s, got, err)
		}
	}
}

func TestHashItemKeysAndErrors(t *testing.T) {
	tests := []struct {
		item    Item
		raw     string
		name    string
		wantErr bool
	}{
		{ItemTool, `{"name":"a","inputSchema":{}}`, "a", false},
		{ItemPrompt, `{"name":"p","arguments":[]}`, "p", false},
		{ItemResource, `{"uri":"file:///x","name":"x","size":10}`, "file:///x", false},
		{ItemTemplate, `{"uriTemplate":"file:///{id}","name":"x"}`, "file:///{id}", false},
		{ItemTool, `{"description":"no name"}`, "", true},
		{ItemTool, `{"name":""}`, "", true},
		{ItemTool, `{"name":7}`, "", true},
		{ItemResource, `{"name":"no uri"}`, "", true},
		{ItemTool, `{"name":"a","name":"b"}`, "", true},
		{ItemTool, `["name"]`, "", true},
		{Item("widget"), `{"name":"a"}`, "", true},
	}
	for _, tt := range tests {
		name, _, err := HashItem(tt.item, []byte(tt.raw))
		if (err != nil) != tt.wantErr || name != tt.name {
			t.Errorf("HashItem(%s, %s) = %q, %v; want %q, err=%v", tt.item, tt.raw, name, err, tt.name, tt.wantErr)
		}
	}
}

func TestResourceHashIgnoresVolatileFields(t *testing.T) {
	_, a, _ := HashItem(ItemResource, []byte(`{"uri":"file:///r","name":"r","size":1,"annotations":{"lastModified":"2025-01-01T00:00:00Z"}}`))
	_, b, _ := HashItem(ItemResource, []byte(`{"uri":"file:///r","name":"r","size":2,"annotations":{"lastModified":"2025-02-01T00:00:00Z"}}`))
	if a != b {
		t.Fatal("size/annotations changed a resource hash")
	}
}

// A hostile server can send a schema with tens of thousands of properties;
// canonicalising it must stay near-linear (gowebpki/jcs's Transform takes
// seconds here, see jcs.go).
func TestCanonicalizeManyKeys(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"name":"big","inputSchema":{"type":"object","properties":{`)
	const n = 30000
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"p%d":{"type":"string"}`, n-i)
	}
	b.WriteString(`}}}`)
	// How long this takes is measured by BenchmarkCanonicalizeManyKeys (a
	// quadratic encoder needs seconds here); the test checks the result.
	_, h1, err := HashItem(ItemTool, []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	_, h2, err := HashItem(ItemTool, []byte(b.String()))
	if err != nil || h1 != h2 {
		t.Fatalf("hashing the same %d-property schema twice: %s, %s, %v", n, h1, h2, err)
	}
}

func BenchmarkCanonicalizeManyKeys(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"name":"big","inputSchema":{"type":"object","properties":{`)
	const n = 30000
	for i := 0; i < n; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `"p%d":{"type":"string"}`, n-i)
	}
	sb.WriteString(`}}}`)
	raw := []byte(sb.String())
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, _, err := HashItem(ItemTool, raw); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCanonicalizeTool(b *testing.B) {
	raw := toolNamed(b, loadSnapshot(b, "filesystem"), "edit_file")
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, _, err := canonicalItem(toolSpec, raw); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkJCSTransformTool(b *testing.B) {
	raw := toolNamed(b, loadSnapshot(b, "filesystem"), "edit_file")
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := jcs.Transform(raw); err != nil {
			b.Fatal(err)
		}
	}
}

func TestCompareUTF16(t *testing.T) {
	ordered := []string{"", "a", "aa", "ab", "b", "é", "\u20ac", "\U0001F600", "\U0001F601", "\ue000", "\uffff"}
	for i := range ordered {
		for j := range ordered {
			got := compareUTF16(ordered[i], ordered[j])
			if (i < j && got >= 0) || (i > j && got <= 0) || (i == j && got != 0) {
				t.Errorf("compareUTF16(%q, %q) = %d", ordered[i], ordered[j], got)
			}
		}
	}
}
