package policy

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
)

// resultCase is one line of testdata/corpus/results.jsonl: a tools/call,
// resources/read or prompts/get result with instructions aimed at the model,
// or an ordinary one (some of which talk about such attacks).
type resultCase struct {
	ID     string          `json:"id"`
	Expect string          `json:"expect"`
	Result json.RawMessage `json:"result"`
}

// TestCorpusResults checks injection detection in results. This set was
// written after the result detector and run once before any change; see
// docs/detection.md for the first-run numbers.
func TestCorpusResults(t *testing.T) {
	e := testEngine(t, nil)
	var det, fp rate
	for _, c := range readJSONL[resultCase](t, "results.jsonl") {
		d := e.InspectResult(context.Background(), &Input{Server: "s", Method: "tools/call", Direction: ToHost, Result: c.Result})
		// As the relay asks (its codec checked the JSON): the same decision.
		if checked := e.InspectResult(context.Background(), &Input{Server: "s", Method: "tools/call", Direction: ToHost, Result: c.Result, ValidJSON: true}); !reflect.DeepEqual(checked, d) {
			t.Errorf("%s: with ValidJSON %+v, without %+v", c.ID, checked, d)
		}
		blocked := d.Action == Deny
		if c.Expect == "deny" {
			det.total++
			if blocked {
				det.hit++
			} else {
				t.Errorf("%s: injection not blocked (%s %v)", c.ID, d.Action, d.Reasons)
			}
		} else {
			fp.total++
			if blocked {
				fp.hit++
				t.Errorf("%s: benign result blocked by %s: %v", c.ID, d.RuleID, d.Reasons)
			}
		}
	}
	t.Logf("results: injection blocked %s, benign blocked %s", det, fp)
}
