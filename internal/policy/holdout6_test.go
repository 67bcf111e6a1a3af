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
var holdout6Floor = struct{ missed, falsePos int }{missed: 27, falsePos: 7}

func TestCorpusHoldout6(t *testing.T) {
	runHoldout(t, "holdout6.jsonl", holdout6Floor.missed, holdout6Floor.falsePos)
}
