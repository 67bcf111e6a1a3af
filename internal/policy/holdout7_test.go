package policy

import "testing"

// holdout7Floor is the seventh held-out round (definitions and results,
// testdata/corpus/gen_holdout7.py), written by a helper session that did not
// read the detectors (internal/inspect, the policy rule files),
// docs/detection.md past its introduction, or the cases of earlier rounds
// (round 6's generator was opened only for its output format), while another
// engineer improved the detectors without seeing it, to measure how far that
// improvement generalises. Its cases were written as an attacker and as a
// server author would, from public write-ups (Invariant Labs poisoning,
// shadowing and the GitHub issue leak; Trail of Bits line jumping, ANSI
// deception and conversation theft; CyberArk full-schema poisoning and fake
// errors; Embrace The Red ASCII smuggling, image and link exfiltration and
// memory persistence; Simon Willison's lethal trifecta; HiddenLayer; Unit 42;
// Elastic Security Labs; Docker and Snyk), with business pretexts, polite
// and passive wording, split fields, base64, recipient and account swaps and
// five languages besides English; the benign side follows published MCP
// server tool descriptions. Nothing was run against the detectors before the
// recorded run. The floor is that first run, not tuned on: at commit 9420a12
// (on a clean export of that commit; the working tree then held the other
// engineer's uncommitted detector changes): 9 of 30 poisoned definitions and
// 6 of 20 injected results missed, 2 of 30 benign definitions and 0 of 20
// ordinary results flagged: 15 missed, 2 false positives.
var holdout7Floor = struct{ missed, falsePos int }{missed: 15, falsePos: 2}

func TestCorpusHoldout7(t *testing.T) {
	runHoldout(t, "holdout7.jsonl", holdout7Floor.missed, holdout7Floor.falsePos)
}
