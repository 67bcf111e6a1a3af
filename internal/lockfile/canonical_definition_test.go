package lockfile

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestParseRefusesNonCanonicalDefinition: a definition's hash, and a
// signature of the lockfile, cover its canonical form, so "maximum": 10.0
// hashes and verifies like "maximum": 10. ward policy check reads the
// definition as written (10.0 a double, 10 an integer in CEL), so a lockfile
// edited that way passed its hash and signature checks and was judged on
// something other than what was signed. Only the canonical form (as ward
// lock writes it, indentation aside) is accepted.
func TestParseRefusesNonCanonicalDefinition(t *testing.T) {
	tool := json.RawMessage(`{"name":"add","description":"Add","inputSchema":{"type":"object","properties":{"n":{"type":"integer","maximum":10}}}}`)
	s, err := Build("calc", &Snapshot{ServerInfo: ServerInfo{Name: "calc"}, Tools: []json.RawMessage{tool}}, BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f := NewFile()
	f.Servers["calc"] = s
	good, err := Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse(good); err != nil {
		t.Fatalf("ward's own lockfile refused: %v", err)
	}
	if !bytes.Contains(good, []byte(`"maximum": 10`)) {
		t.Fatalf("fixture: no maximum in\n%s", good)
	}
	for name, edit := range map[string]func(string) string{
		"10.0 for 10": func(s string) string { return strings.Replace(s, `"maximum": 10`, `"maximum": 10.0`, 1) },
		"1e1 for 10":  func(s string) string { return strings.Replace(s, `"maximum": 10`, `"maximum": 1e1`, 1) },
		"escaped letters": func(s string) string {
			return strings.Replace(s, `"description": "Add"`, `"description": "\u0041dd"`, 1)
		},
	} {
		b := edit(string(good))
		if b == string(good) {
			t.Fatalf("%s: edit did not apply", name)
		}
		if c1, _ := CanonicalizeFile([]byte(b)); !bytes.Equal(c1, mustCanonicalFile(t, good)) {
			t.Fatalf("%s: fixture changes the canonical form", name)
		}
		if _, err := Parse([]byte(b)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func mustCanonicalFile(t *testing.T, b []byte) []byte {
	t.Helper()
	c, err := CanonicalizeFile(b)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
