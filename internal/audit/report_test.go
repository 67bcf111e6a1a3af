package audit_test

import (
	"strings"
	"testing"

	"github.com/ward-mcp/ward/internal/audit"
)

// TestReportUncoveredTail: records after the last checkpoint can be
// rewritten, chain and all, as well as cut, without verify noticing; the
// report said only that a cut would go unnoticed.
func TestReportUncoveredTail(t *testing.T) {
	var b strings.Builder
	rep := &audit.Report{Records: 5, LastSeq: 5, Checkpoints: 1, CheckpointsVerified: true, LastCheckpoint: 3, Uncovered: 2, Problems: []audit.Problem{}}
	if err := audit.WriteReport(&b, rep); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "2 records after the last checkpoint (seq 4..5)") || !strings.Contains(b.String(), "rewritten") {
		t.Errorf("report on an uncovered tail:\n%s", b.String())
	}
}

// TestTableHidesBidiControls: a host can call a tool by any name, and a
// denied call's name goes into the record as sent. A right-to-left override
// or another invisible format character in it made the table show another
// name ("exec\u202eelif_daer" reads as exec followed by read_file
// reversed); such characters are shown as '?', as control characters are.
func TestTableHidesBidiControls(t *testing.T) {
	var b strings.Builder
	e := audit.Event{Seq: 1, Decision: audit.Deny, Name: "exec\u202eelif_daer", Server: "fs\u200b", Session: "s\u2066x\u2069", RuleIDs: []string{"r\u061c"}}
	if err := audit.WriteTable(&b, []audit.Event{e}); err != nil {
		t.Fatal(err)
	}
	if err := audit.WriteLine(&b, &e); err != nil {
		t.Fatal(err)
	}
	for _, r := range "\u202e\u200b\u2066\u2069\u061c" {
		if strings.ContainsRune(b.String(), r) {
			t.Errorf("output holds %U:\n%s", r, b.String())
		}
	}
	if !strings.Contains(b.String(), "exec?elif_daer") {
		t.Errorf("name not shown with '?':\n%s", b.String())
	}
}
