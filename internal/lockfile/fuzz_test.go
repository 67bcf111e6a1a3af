package lockfile

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/gowebpki/jcs"
)

func FuzzParse(f *testing.F) {
	if data, err := os.ReadFile(filepath.Join("testdata", "golden", "mcp-lock.json")); err == nil {
		f.Add(data)
	}
	for _, name := range []string{"filesystem-v2.json", "everything-v3.json"} {
		if data, err := os.ReadFile(filepath.Join("testdata", "mcptrust", name)); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"lockfileVersion":1,"servers":{}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		lf, err := Parse(data)
		if err != nil {
			return
		}
		// Whatever parses marshals, and re-parses to the same bytes.
		out, err := Marshal(lf)
		if err != nil {
			t.Fatalf("parsed lock does not marshal: %v", err)
		}
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("marshalled lock does not parse: %v\n%s", err, out)
		}
		out2, err := Marshal(again)
		if err != nil || !bytes.Equal(out, out2) {
			t.Fatalf("marshal is not stable: %v", err)
		}
	})
}

func FuzzCanonicalize(f *testing.F) {
	for _, s := range []string{`{"b":1,"a":[1.0,2e3,"\u00e9"]}`, `"\ud83d\ude00"`, `[{"a":{"b":null}},true,false,-0.0]`, `1e21`, `{"a":1,"a":2}`, `{"\ue000":1,"\ud83d\ude00":2,"\u00e9":3,"z":4}`, `"\u0001\u001f\u007f\u2028"`, `[1e-7,123456789012345680000,0.1,5e-324]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Canonicalize(data)
		if err != nil {
			return
		}
		if !json.Valid(data) {
			t.Fatalf("strict check accepted invalid JSON %q", data)
		}
		if !json.Valid(c) {
			t.Fatalf("canonical form %q of %q is not JSON", c, data)
		}
		c2, err := Canonicalize(c)
		if err != nil || !bytes.Equal(c, c2) {
			t.Fatalf("canonicalisation not idempotent: %q → %q → %q (%v)", data, c, c2, err)
		}
		// Differential check against the reference implementation.
		if ref, err := jcs.Transform(data); err == nil && !bytes.Equal(ref, c) {
			t.Fatalf("canonical form of %q differs from gowebpki/jcs:\n ours %q\n jcs  %q", data, c, ref)
		}
	})
}

func FuzzCheckTool(f *testing.F) {
	snap := loadSnapshot(f, "filesystem")
	for _, raw := range snap.Tools {
		f.Add([]byte(raw))
	}
	f.Add([]byte(`{"name":"read_text_file"}`))
	s := mustBuild(f, "fs", snap, BuildOptions{})
	f.Fuzz(func(t *testing.T, raw []byte) {
		v := s.CheckTool(raw)
		if v.Status != Locked && v.Reason == "" {
			t.Fatalf("verdict %v without a reason", v.Status)
		}
		if v.Status == Locked {
			// A locked verdict means the canonical projection is exactly
			// the locked definition.
			_, canon, _, err := canonicalItem(toolSpec, raw)
			if err != nil || !bytes.Equal(canon, s.Tools[v.Name].Definition) {
				t.Fatalf("locked verdict for a different definition: %s", raw)
			}
		}
	})
}

func FuzzDiff(f *testing.F) {
	base := `{"name":"t","description":"d","inputSchema":{"type":"object","properties":{"p":{"type":"string","enum":["a"],"maxLength":3}},"required":["p"],"additionalProperties":false},"annotations":{"readOnlyHint":true}}`
	f.Add([]byte(base), []byte(base))
	f.Add([]byte(base), []byte(`{"name":"t","description":"d","inputSchema":{"type":"object","properties":{"p":{"type":["string","null"]},"q":{}},"required":["p","q"]}}`))
	f.Add([]byte(`{"name":"t","inputSchema":true}`), []byte(`{"name":"t","inputSchema":{"anyOf":[{"type":"string"},{"not":{}}],"$defs":{"x":false}}}`))
	f.Add([]byte(`{"name":"t","inputSchema":{"prefixItems":[{},{"minimum":1}],"items":false}}`), []byte(`{"name":"t","inputSchema":{"prefixItems":[{"minimum":"x"}],"items":[1]}}`))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		build := func(raw []byte) *Server {
			s, err := Build("s", &Snapshot{ServerInfo: ServerInfo{Name: "s"}, Tools: []json.RawMessage{raw}}, BuildOptions{})
			if err != nil {
				return nil
			}
			return s
		}
		sa, sb := build(a), build(b)
		if sa == nil || sb == nil {
			return
		}
		changes := Diff(sa, sb)
		ha, hb := "", ""
		for _, e := range sa.Tools {
			ha = e.Hash
		}
		for _, e := range sb.Tools {
			hb = e.Hash
		}
		sameName := len(sa.Tools) == 1 && len(sb.Tools) == 1 && sa.Tools[nameOf(sa)] != nil && sb.Tools[nameOf(sa)] != nil
		if sameName && ha == hb && len(changes) != 0 {
			t.Fatalf("equal hashes, yet %d changes: %+v", len(changes), changes)
		}
		if ha != hb && len(changes) == 0 {
			t.Fatalf("hashes differ (%s, %s) and Diff reports nothing", ha, hb)
		}
		for _, c := range changes {
			if _, err := c.Severity.MarshalText(); err != nil || c.Message == "" || c.Kind == "" {
				t.Fatalf("malformed change %+v", c)
			}
		}
		var buf bytes.Buffer
		if err := RenderText(&buf, changes); err != nil {
			t.Fatal(err)
		}
		if err := RenderJSON(&buf, changes); err != nil {
			t.Fatal(err)
		}
	})
}

func nameOf(s *Server) string {
	for k := range s.Tools {
		return k
	}
	return ""
}
