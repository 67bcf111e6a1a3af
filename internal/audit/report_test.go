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
