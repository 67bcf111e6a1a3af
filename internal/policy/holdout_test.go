package policy

import (
	"context"
	"encoding/json"
	"testing"
)

// holdoutCase is one line of testdata/corpus/holdout.jsonl: cases written
// after the detectors were finished and run once without tuning them, so
// that their rates say something the main corpus (written alongside the
// detectors) cannot. Misses here are reported, not fixed by editing cases.
type holdoutCase struct {
	ID       string          `json:"id"`
	Kind     string          `json:"kind"` // call, definition or result
	Category string          `json:"category"`
	Expect   string          `json:"expect"`
	Tool     string          `json:"tool"`
	Payload  json.RawMessage `json:"payload"`
	Note     string          `json:"note"`
}

// holdoutFloor is the result after the fixes that followed the first run
// (docs/detection.md gives both); the test fails if a change makes it worse.
var holdoutFloor = struct{ missed, falsePos int }{missed: 1, falsePos: 0}

func TestCorpusHoldout(t *testing.T) {
	runHoldout(t, "holdout.jsonl", holdoutFloor.missed, holdoutFloor.falsePos)
}

// holdout2Floor is the second held-out round after the fixes that followed
// its first run (8 missed, 0 false positives; docs/detection.md gives both).
var holdout2Floor = struct{ missed, falsePos int }{missed: 0, falsePos: 0}

func TestCorpusHoldout2(t *testing.T) {
	runHoldout(t, "holdout2.jsonl", holdout2Floor.missed, holdout2Floor.falsePos)
}

// holdout3Floor is the third held-out round (definitions and results) after
// the fixes that followed its first run (11 missed, 1 false positive).
var holdout3Floor = struct{ missed, falsePos int }{missed: 0, falsePos: 0}

func TestCorpusHoldout3(t *testing.T) {
	runHoldout(t, "holdout3.jsonl", holdout3Floor.missed, holdout3Floor.falsePos)
}

// holdout4Floor is the fourth held-out round (definitions and results),
// written after the structural detectors were final. Its first run missed
// 18 of 22 attacks and flagged 2 of 17 ordinary items; from the
// source-and-sink signals on (inspect/flow.go, 2026-12-06) round 4 was used
// for tuning, so it is no longer held out: it now records 0 missed, and a
// change may only improve it (docs/detection.md). Since error reports that
// name a credential file are not read as instructions (inspect
// benignMentions) its false positives are 1.
var holdout4Floor = struct{ missed, falsePos int }{missed: 0, falsePos: 1}

func TestCorpusHoldout4(t *testing.T) {
	runHoldout(t, "holdout4.jsonl", holdout4Floor.missed, holdout4Floor.falsePos)
}

// holdout5Floor is the fifth held-out round (definitions and results),
// written without reading the detector rules while they were being improved
// by someone who did not see it, to measure how far that improvement
// generalises. The floor is its first run, not tuned on: first run at commit
// 8e0e829: 15 of 25 definitions and 9 of 15 results missed, 5 of 35 ordinary
// items flagged (2 of 20 benign definitions, 3 of 15 ordinary results).
// With the source-and-sink signals (flow.go, tuned on rounds 1-4 only) it
// ran once at 20 missed (12 definitions, 8 results) and 6 false positives:
// a git error naming ~/.ssh and `ssh -T git@host` was read as a key sent to
// an address. That class of false positive was then fixed (an SSH login is
// not a recipient), so round 5 has been used for tuning since and is no
// longer held out; a change may only improve it. Three of its false
// positives went with the benign mentions (an env template copied into
// place, a public key uploaded) and negated verbs ("is never included in
// the tool result"): 20 missed, 2 false positives. Classes added on it
// since (flow_lang.go: the model addressed in Chinese, Japanese, Korean,
// Polish and Russian, concealment in those and as negated imperatives of
// telling; the model addressed together with concealment in a definition;
// a parameter's title, example or default asking for a secret; notes,
// @-mentions and obligations addressed to the agent): 7 missed, 2 false
// positives. Then a markdown image whose URL waits for data and a tool call
// written out with an order to make it (results), another tool directed to
// an outside address, the tool's output or text put above the user, and an
// instruction split across parameter descriptions (definitions): 1 missed,
// 2 false positives.
var holdout5Floor = struct{ missed, falsePos int }{missed: 1, falsePos: 2}

func TestCorpusHoldout5(t *testing.T) {
	runHoldout(t, "holdout5.jsonl", holdout5Floor.missed, holdout5Floor.falsePos)
}

func runHoldout(t *testing.T, file string, floorMissed, floorFP int) {
	e := testEngine(t, nil)
	cases := readJSONL[holdoutCase](t, file)
	detect, fp := map[string]*rate{}, map[string]*rate{}
	missed, falsePos := 0, 0
	for _, c := range cases {
		var denied bool
		var rule string
		switch c.Kind {
		case "definition":
			d := e.InspectDefinitions(context.Background(), "x", KindTool, []json.RawMessage{c.Payload})[0]
			denied, rule = d.Action == Deny, d.RuleID
		case "result":
			d := e.InspectResult(context.Background(), &Input{Server: "x", Method: "tools/call", Direction: ToHost, Result: c.Payload})
			denied, rule = d.Action == Deny, d.RuleID
		default:
			d := e.EvaluateCall(context.Background(), &Input{Server: "x", Method: "tools/call", Name: c.Tool, Arguments: c.Payload})
			denied, rule = d.Action == Deny, d.RuleID
		}
		key := c.Kind + "/" + c.Category
		bucket := fp
		if c.Expect == "deny" {
			bucket = detect
		}
		if bucket[key] == nil {
			bucket[key] = &rate{}
		}
		bucket[key].total++
		if denied {
			bucket[key].hit++
		}
		switch {
		case c.Expect == "deny" && !denied:
			missed++
			t.Logf("held-out miss %s: %s", c.ID, c.Payload)
		case c.Expect == "allow" && denied:
			falsePos++
			t.Logf("held-out false positive %s (%s): %s", c.ID, rule, c.Payload)
		}
	}
	for k, r := range detect {
		t.Logf("held-out %-22s detection %s", k, r)
	}
	for k, r := range fp {
		t.Logf("held-out %-22s false positives %s", k, r)
	}
	t.Logf("held-out %s: %d missed, %d false positives", file, missed, falsePos)
	if missed > floorMissed || falsePos > floorFP {
		t.Errorf("held-out %s: %d missed (floor %d), %d false positives (floor %d)", file, missed, floorMissed, falsePos, floorFP)
	}
}
