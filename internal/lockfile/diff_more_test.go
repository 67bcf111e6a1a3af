package lockfile

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"testing"
)

func TestDiffSchemaKeywords(t *testing.T) {
	tests := []struct {
		name, old, new string
		want           []want
	}{
		{"$defs added", `{"$defs":{"a":{"type":"string"}}}`, `{"$defs":{"a":{"type":"string"},"b":{"type":"number"}}}`,
			[]want{{SeverityInfo, Added, "/inputSchema/$defs/b"}}},
		{"$defs removed", `{"$defs":{"a":{"type":"string"}}}`, `{"$defs":{}}`,
			[]want{{SeverityModerate, Removed, "/inputSchema/$defs/a"}}},
		{"$defs entry widened", `{"$defs":{"a":{"type":"string","maxLength":5}}}`, `{"$defs":{"a":{"type":"string"}}}`,
			[]want{{SeverityCritical, Widened, "/inputSchema/$defs/a/maxLength"}}},
		{"pattern property added", `{"patternProperties":{"^x-":{}}}`, `{"patternProperties":{"^x-":{},"^y-":{}}}`,
			[]want{{SeverityCritical, Widened, "/inputSchema/patternProperties/^y-"}}},
		{"oneOf branch added", `{"oneOf":[{"type":"string"}]}`, `{"oneOf":[{"type":"string"},{"type":"number"}]}`,
			[]want{{SeverityCritical, Widened, "/inputSchema/oneOf"}}},
		{"anyOf branch removed", `{"anyOf":[{"type":"string"},{"type":"number"}]}`, `{"anyOf":[{"type":"string"}]}`,
			[]want{{SeverityModerate, Narrowed, "/inputSchema/anyOf"}}},
		{"anyOf removed", `{"anyOf":[{"type":"string"}]}`, `{}`,
			[]want{{SeverityCritical, Widened, "/inputSchema/anyOf"}}},
		{"anyOf reordered", `{"anyOf":[{"type":"string"},{"type":"number"}]}`, `{"anyOf":[{"type":"number"},{"type":"string"}]}`,
			[]want{{SeverityInfo, Modified, "/inputSchema/anyOf"}}},
		{"allOf branch added", `{"allOf":[{"minLength":1}]}`, `{"allOf":[{"minLength":1},{"maxLength":9}]}`,
			[]want{{SeverityModerate, Narrowed, "/inputSchema/allOf"}}},
		{"allOf branch removed", `{"allOf":[{"minLength":1},{"maxLength":9}]}`, `{"allOf":[{"minLength":1}]}`,
			[]want{{SeverityCritical, Widened, "/inputSchema/allOf"}}},
		{"not changed", `{"not":{"type":"null"}}`, `{"not":{"type":"string"}}`,
			[]want{{SeverityCritical, Modified, "/inputSchema/not"}}},
		{"$ref changed", `{"$ref":"#/$defs/a"}`, `{"$ref":"#/$defs/b"}`,
			[]want{{SeverityCritical, Modified, "/inputSchema/$ref"}}},
		{"items opened", `{"type":"array","items":{"type":"string"}}`, `{"type":"array"}`,
			[]want{{SeverityCritical, Widened, "/inputSchema/items"}}},
		{"items narrowed", `{"type":"array"}`, `{"type":"array","items":{"type":"string"}}`,
			[]want{{SeverityModerate, Narrowed, "/inputSchema/items"}}},
		{"prefix item added", `{"prefixItems":[{}]}`, `{"prefixItems":[{},{"type":"string"}]}`,
			[]want{{SeverityModerate, Added, "/inputSchema/prefixItems/1"}}},
		{"type removed", `{"type":"string"}`, `{}`,
			[]want{{SeverityCritical, TypeChanged, "/inputSchema/type"}}},
		{"type narrowed", `{"type":["string","null"]}`, `{"type":"string"}`,
			[]want{{SeverityModerate, Narrowed, "/inputSchema/type"}}},
		{"const removed", `{"const":"a"}`, `{}`,
			[]want{{SeverityCritical, Widened, "/inputSchema/const"}}},
		{"default changed", `{"default":1}`, `{"default":2}`,
			[]want{{SeverityModerate, Modified, "/inputSchema/default"}}},
		{"examples changed", `{"examples":[1]}`, `{"examples":[2]}`,
			[]want{{SeverityInfo, Modified, "/inputSchema/examples"}}},
		{"vendor keyword", `{"x-ui":"a"}`, `{"x-ui":"b"}`,
			[]want{{SeverityModerate, Modified, "/inputSchema/x-ui"}}},
		{"pointer escaping", `{"properties":{"a/b~c":{"type":"string"}}}`, `{"properties":{"a/b~c":{"type":"number"}}}`,
			[]want{{SeverityCritical, TypeChanged, "/inputSchema/properties/a~1b~0c/type"}}},
		{"false schema opened", `false`, `{"type":"string"}`,
			[]want{{SeverityCritical, Widened, "/inputSchema"}}},
		{"schema closed", `{"type":"string"}`, `false`,
			[]want{{SeverityModerate, Narrowed, "/inputSchema"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := toolLock(t, `{"name":"t","inputSchema":`+tt.old+`}`)
			n := toolLock(t, `{"name":"t","inputSchema":`+tt.new+`}`)
			if got := summarize(Diff(o, n)); fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Fatalf("Diff = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestDiffResourcesAndServer(t *testing.T) {
	snap := func(mut func(s *Snapshot)) *Server {
		s := &Snapshot{
			ServerInfo:   ServerInfo{Name: "r", Version: "1"},
			Capabilities: json.RawMessage(`{"resources":{},"logging":{}}`),
			Source:       Source{Command: []string{"srv"}},
			Artifact:     &Artifact{Type: "npm", Name: "srv", Version: "1.0.0"},
			Resources:    []json.RawMessage{json.RawMessage(`{"uri":"x://a","name":"a","description":"A file.","mimeType":"text/plain"}`)},
			ResourceTemplates: []json.RawMessage{
				json.RawMessage(`{"uriTemplate":"x://t/{id}","name":"t"}`),
			},
		}
		if mut != nil {
			mut(s)
		}
		return mustBuild(t, "r", s, BuildOptions{})
	}
	base := snap(nil)
	changed := snap(func(s *Snapshot) {
		s.Capabilities = json.RawMessage(`{"resources":{"subscribe":true},"tools":{}}`)
		s.Source = Source{Command: []string{"srv", "--all"}}
		s.Artifact = &Artifact{Type: "npm", Name: "srv", Version: "1.0.1"}
		s.Resources = []json.RawMessage{json.RawMessage(`{"uri":"x://a","name":"A","description":"A file. Read it to the user.","mimeType":"text/html"}`)}
		s.ResourceTemplates = []json.RawMessage{json.RawMessage(`{"uriTemplate":"x://t/{id}","name":"t","title":"T"}`), json.RawMessage(`{"uriTemplate":"x://{+any}","name":"any"}`)}
	})
	got := summarize(Diff(base, changed))
	want := []want{
		{SeverityModerate, Modified, "/source"},
		{SeverityInfo, Removed, "/capabilities/logging"},
		{SeverityModerate, Modified, "/capabilities/resources"},
		{SeverityModerate, Added, "/capabilities/tools"},
		{SeverityModerate, Modified, "/artifact"},
		{SeverityInfo, Modified, "/name"},
		{SeverityModerate, Modified, "/description"},
		{SeverityModerate, Modified, "/mimeType"},
		{SeverityInfo, Modified, "/title"}, // x://t/{id} sorts before x://{+any}
		{SeverityModerate, Added, ""},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("Diff =\n%v\nwant\n%v", got, want)
	}
}

func TestHashMCPTrust(t *testing.T) {
	tool := json.RawMessage(`{"name":"echo","description":"Echoes back the input","inputSchema":{"type":"object","properties":{"message":{"type":"string"}}},"annotations":{"readOnlyHint":true}}`)
	d, s, err := HashMCPTrustTool(tool)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("Echoes back the input"))
	if d != "sha256:"+hex.EncodeToString(sum[:]) {
		t.Fatalf("description hash %s", d)
	}
	sum = sha256.Sum256([]byte(`{"properties":{"message":{"type":"string"}},"type":"object"}`))
	if s != "sha256:"+hex.EncodeToString(sum[:]) {
		t.Fatalf("input schema hash %s", s)
	}
	// Key order and whitespace do not change it; the schema does.
	d2, s2, _ := HashMCPTrustTool(json.RawMessage(`{"inputSchema":{"properties":{"message":{"type":"string"}}, "type":"object"},"description":"Echoes back the input","name":"echo"}`))
	_, s3, _ := HashMCPTrustTool(json.RawMessage(`{"name":"echo","description":"Echoes back the input","inputSchema":{"type":"object"}}`))
	if d2 != d || s2 != s || s3 == s {
		t.Fatal("MCPTrust hashes are not stable or not sensitive")
	}
	pd, pa, err := HashMCPTrustPrompt(json.RawMessage(`{"name":"p","arguments":[{"name":"x","required":true}]}`))
	sum = sha256.Sum256([]byte(`[{"name":"x","required":true}]`))
	if err != nil || pa != "sha256:"+hex.EncodeToString(sum[:]) || pd == "" {
		t.Fatalf("prompt hashes %s %s %v", pd, pa, err)
	}
	if _, _, err := HashMCPTrustTool(json.RawMessage(`{"name":"x","description":5}`)); err == nil {
		t.Fatal("non-string description accepted")
	}
}
