package policy

import "testing"

// holdout6Floor is the sixth held-out round (definitions and results,
// testdata/corpus/gen_holdout6.py), written by a helper session that did not
// read the detectors (internal/inspect, the policy rule files) or
// docs/detection.md past its introduction, while another engineer improved
// the detectors without seeing it, to measure how far that improvement
// generalises. Its cases follow public write-ups (Invariant Labs, Trail of
// Bits, CyberArk, Embrace The Red, Simon Willison, HiddenLayer, Unit 42) in
// wording and placements not used by rounds 1-5; the benign side follows
// published MCP server tool descriptions. The floor is its first run, not
// tuned on. First run at commit 1e80491 (on a clean export of that commit;
// the working tree then held the other engineer's uncommitted detector
// changes): 18 of 39 poisoned definitions and 12 of 22 injected results
// missed, 7 of 50 ordinary items flagged (5 of 28 benign definitions, 2 of
// 22 ordinary results): 30 missed, 7 false positives. With the classes
// tuned on round 5 (ce2db77; docs/detection.md "Round 6") it ran at 15 of
// 39 definitions and 12 of 22 results missed, the same 7 false positives:
// 27 missed. One caveat: early in that work a -run TestCorpus -v printed
// about ten of round 6's misses and false positives to the engineer writing
// the classes, who reports adding nothing aimed at them afterwards.
//
// Round 6 was then opened for tuning (2026-12-06, session 8): each miss
// and false positive was named as a technique and a class written for it
// with tests in wordings of their own (internal/inspect/classes6_test.go;
// docs/detection.md "Classes tuned on round 6"). From 27 missed and 7
// false positives (15 of 39 definitions, 12 of 22 results missed; 5 of 28
// benign definitions, 2 of 22 ordinary results flagged) to 1 missed (an
// issue comment to "AI maintainers", a noun for people as much as for
// models) and 2 false positives (a prompt-injection filter and a write-up
// that quote attacks, which ward blocks on purpose). Round 6 is no longer
// a held-out measure.
var holdout6Floor = struct{ missed, falsePos int }{missed: 1, falsePos: 2}

func TestCorpusHoldout6(t *testing.T) {
	runHoldout(t, "holdout6.jsonl", holdout6Floor.missed, holdout6Floor.falsePos)
}
