package inspect

import (
	"bufio"
	"encoding/json"
	"os"
	"testing"
)

// TestStructuralOnlyCorpus runs the structural signals alone (no phrase
// lists, no character checks) over the definitions and results of the
// corpus and logs how many attacks they flag; docs/detection.md quotes the
// numbers. It fails only if they flag a benign item.
func TestStructuralOnlyCorpus(t *testing.T) {
	for _, f := range []string{"poisoned.jsonl", "results.jsonl", "holdout.jsonl", "holdout2.jsonl", "holdout3.jsonl", "holdout4.jsonl"} {
		fh, err := os.Open("../../testdata/corpus/" + f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		hit, pos, fp, neg := 0, 0, 0, 0
		for sc.Scan() {
			var c struct {
				Kind, Expect       string
				Payload, Tool, Def json.RawMessage
				Result             json.RawMessage
			}
			if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
				t.Fatal(err)
			}
			raw := c.Payload
			switch {
			case c.Kind == "call":
				continue
			case raw == nil && c.Tool != nil:
				raw, c.Expect = c.Tool, "deny" // poisoned.jsonl: every line an attack
			case raw == nil:
				raw = c.Result
			}
			var params []string
			_ = WalkStrings(raw, func(s string, where *Path, isKey bool) {
				if isKey && isPropertyName(where) {
					params = append(params, s)
				}
			})
			flagged := false
			_ = WalkStrings(raw, func(s string, where *Path, isKey bool) {
				if len(matchPhrases(normaliseText(s), "", structuralPhrases)) > 0 {
					flagged = true
				}
				if _, ok := paramSink(s, params); ok && !isKey {
					flagged = true
				}
			})
			if c.Expect == "deny" {
				pos++
				if flagged {
					hit++
				}
			} else {
				neg++
				if flagged {
					fp++
					t.Logf("%s: benign item flagged: %.200s", f, raw)
				}
			}
		}
		fh.Close()
		t.Logf("%-15s structural signals alone: %d/%d attacks, %d/%d benign items", f, hit, pos, fp, neg)
		if fp > 0 && f != "holdout4.jsonl" {
			t.Errorf("%s: %d benign items flagged by the structural signals", f, fp)
		}
	}
}
