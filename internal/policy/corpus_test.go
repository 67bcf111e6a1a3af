package policy

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// corpusCall is one line of testdata/corpus/calls.jsonl.
type corpusCall struct {
	ID       string          `json:"id"`
	Category string          `json:"category"`
	Expect   string          `json:"expect"`
	Server   string          `json:"server"`
	Method   string          `json:"method"`
	Tool     string          `json:"tool"`
	Args     json.RawMessage `json:"args"`
	Rule     string          `json:"rule"`
	Note     string          `json:"note"`
}

const corpusDir = "../../testdata/corpus"

func readJSONL[T any](t *testing.T, name string) []T {
	t.Helper()
	f, err := os.Open(filepath.Join(corpusDir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out = append(out, v)
	}
	return out
}

// rate counts one category's outcomes.
type rate struct{ hit, total int }

func (r rate) String() string {
	if r.total == 0 {
		return "-"
	}
	return fmt.Sprintf("%d/%d = %.1f%%", r.hit, r.total, 100*float64(r.hit)/float64(r.total))
}

// TestCorpusCalls runs every malicious and benign call of the corpus through
// the default policy (project root configured) and checks each decision.
// Run with -v to see the per-category detection and false-positive rates.
func TestCorpusCalls(t *testing.T) {
	e := testEngine(t, nil)
	calls := readJSONL[corpusCall](t, "calls.jsonl")
	detect, fp := map[string]*rate{}, map[string]*rate{}
	for _, m := range []map[string]*rate{detect, fp} {
		m["all"] = &rate{}
	}
	for _, c := range calls {
		method := c.Method
		if method == "" {
			method = "tools/call"
		}
		d := e.EvaluateCall(context.Background(), &Input{Server: c.Server, Method: method, Name: c.Tool, Arguments: c.Args})
		denied := d.Action == Deny
		bucket := fp
		if c.Expect == "deny" {
			bucket = detect
		}
		if bucket[c.Category] == nil {
			bucket[c.Category] = &rate{}
		}
		bucket[c.Category].total++
		bucket["all"].total++
		if denied {
			bucket[c.Category].hit++
			bucket["all"].hit++
		}
		switch {
		case c.Expect == "deny" && !denied:
			t.Errorf("%s: missed (%s): %s", c.ID, c.Note, c.Args)
		case c.Expect == "allow" && denied:
			t.Errorf("%s: false positive %s: %v: %s", c.ID, d.RuleID, d.Reasons, c.Args)
		case c.Expect == "deny" && c.Rule != "" && !hasRule(d, c.Rule):
			t.Errorf("%s: denied by %s, want %s*: %v", c.ID, d.RuleID, c.Rule, d.Reasons)
		}
	}
	cats := make([]string, 0, len(detect))
	for k := range detect {
		cats = append(cats, k)
	}
	sort.Strings(cats)
	for _, k := range cats {
		t.Logf("calls %-10s detection %-18s false positives %s", k, detect[k], fp[k])
	}
	if d := detect["all"]; d.hit*100 < d.total*95 {
		t.Errorf("detection %s is below 95%%", d)
	}
	if f := fp["all"]; f.hit*100 > f.total {
		t.Errorf("false positives %s above 1%%", f)
	}
	if detect["all"].total < 150 || fp["all"].total < 150 {
		t.Errorf("corpus too small: %d malicious, %d benign", detect["all"].total, fp["all"].total)
	}
}

func hasRule(d Decision, prefix string) bool {
	for _, f := range d.Findings {
		if f.Action == Deny && strings.HasPrefix(f.RuleID, prefix) {
			return true
		}
	}
	return false
}
