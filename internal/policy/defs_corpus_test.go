package policy

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// serverFile is one file of testdata/corpus/servers: the tools/list output of
// a published MCP server, with its npm package and version.
type serverFile struct {
	Package string            `json:"package"`
	Version string            `json:"version"`
	Tools   []json.RawMessage `json:"tools"`
}

// TestCorpusRealDefinitions runs the real tool definitions of published
// servers through the poisoning detectors: none may be flagged.
func TestCorpusRealDefinitions(t *testing.T) {
	e := testEngine(t, nil)
	files, err := filepath.Glob(filepath.Join(corpusDir, "servers", "*.json"))
	if err != nil || len(files) < 15 {
		t.Fatalf("want at least 15 servers, have %d (%v)", len(files), err)
	}
	flagged, total := 0, 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var sf serverFile
		if err := json.Unmarshal(data, &sf); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if sf.Package == "" || sf.Version == "" || len(sf.Tools) == 0 {
			t.Fatalf("%s: missing package, version or tools", f)
		}
		for _, d := range e.InspectDefinitions(context.Background(), sf.Package, KindTool, sf.Tools) {
			total++
			if d.Action != Allow {
				flagged++
				t.Errorf("%s@%s tool %s flagged: %s %v", sf.Package, sf.Version, d.Name, d.RuleID, d.Reasons)
			}
		}
	}
	t.Logf("real definitions: %d servers, %d tools, flagged %s", len(files), total, rate{flagged, total})
	if flagged*100 > total {
		t.Errorf("false positives %d/%d above 1%%", flagged, total)
	}
}

// poisonedCase is one line of testdata/corpus/poisoned.jsonl.
type poisonedCase struct {
	ID        string          `json:"id"`
	Technique string          `json:"technique"`
	Source    string          `json:"source"`
	Rule      string          `json:"rule"`
	Tool      json.RawMessage `json:"tool"`
}

// TestCorpusPoisonedDefinitions checks that every poisoned definition is
// hidden, and by the expected rule when one is named.
func TestCorpusPoisonedDefinitions(t *testing.T) {
	e := testEngine(t, nil)
	cases := readJSONL[poisonedCase](t, "poisoned.jsonl")
	byTech := map[string]*rate{}
	all := rate{}
	for _, c := range cases {
		d := e.InspectDefinitions(context.Background(), "evil", KindTool, []json.RawMessage{c.Tool})[0]
		if byTech[c.Technique] == nil {
			byTech[c.Technique] = &rate{}
		}
		byTech[c.Technique].total++
		all.total++
		if d.Action == Deny {
			byTech[c.Technique].hit++
			all.hit++
			if c.Rule != "" && !hasRule(d.Decision, c.Rule) {
				t.Errorf("%s: hidden by %s, want %s: %v", c.ID, d.RuleID, c.Rule, d.Reasons)
			}
		} else {
			t.Errorf("%s (%s): not flagged", c.ID, c.Technique)
		}
	}
	techs := make([]string, 0, len(byTech))
	for k := range byTech {
		techs = append(techs, k)
	}
	sort.Strings(techs)
	for _, k := range techs {
		t.Logf("poisoned %-22s flagged %s", k, byTech[k])
	}
	t.Logf("poisoned all flagged %s", all)
	if all.total < 60 {
		t.Errorf("only %d poisoned definitions, want 60", all.total)
	}
	if all.hit*100 < all.total*90 {
		t.Errorf("flagged %s, below 90%%", all)
	}
}
