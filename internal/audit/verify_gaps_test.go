package audit_test

import (
	"context"
	"iter"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ward-mcp/ward/internal/audit"
)

// listStore yields the events it holds, as they are, for Verify.
type listStore struct {
	memStore
	list []audit.Event
}

func (l *listStore) Query(context.Context, audit.Filter) iter.Seq2[audit.Event, error] {
	return func(yield func(audit.Event, error) bool) {
		for _, e := range l.list {
			if !yield(e, nil) {
				return
			}
		}
	}
}

// TestVerifyManyGapsIsQuick gives Verify a store edited so that the odd
// records come after all the even ones: every even record opens a gap,
// which an odd one fills later. Verify looked for the gap of each late
// record through every gap in turn, which took quadratic time: some
// minutes for a trail of 600,000 records so edited, while verify is to
// report on any store in time proportional to its size.
func TestVerifyManyGapsIsQuick(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("times a large verification")
	}
	const n = 300_000
	s := &listStore{}
	// Records whose chain fields are those of an intact chain, stored even
	// seqs first: only their order is wrong.
	all := make([]audit.Event, 2*n)
	h := audit.EmptyHead()
	base := time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)
	for i := range all {
		all[i] = audit.Event{Time: base, Decision: audit.Allow}
		if err := h.Seal(&all[i]); err != nil {
			t.Fatal(err)
		}
	}
	for i := 1; i < len(all); i += 2 {
		s.list = append(s.list, all[i])
	}
	for i := 0; i < len(all); i += 2 {
		s.list = append(s.list, all[i])
	}
	start := time.Now()
	rep, err := audit.Verify(context.Background(), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("verify of %d records took %v", len(all), d)
	}
	if rep.OK() || rep.Records != 2*n {
		t.Errorf("verify: %d records, ok %v", rep.Records, rep.OK())
	}
	for _, p := range rep.Problems {
		if p.Kind != audit.Reordered {
			t.Fatalf("problem %s, want only reordered records", p)
		}
	}
}

// TestVerifyHugeGapIsCheap edits one record's seq to a number far beyond
// the others. Verify listed every missing seq to report them as removed:
// a gap of 1e8 cost 800 MB, one of 2^62 never ended (or ended ward with
// out of memory) - one edit that keeps verify from ever reporting.
func TestVerifyHugeGapIsCheap(t *testing.T) {
	const gap = 100_000_000
	s := &listStore{}
	h := audit.EmptyHead()
	for i := range 6 {
		e := audit.Event{Time: time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC), Decision: audit.Allow}
		if i == 3 {
			h.Seq += gap // the next records skip seqs 4..gap+3
		}
		if err := h.Seal(&e); err != nil {
			t.Fatal(err)
		}
		s.list = append(s.list, e)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	rep, err := audit.Verify(context.Background(), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 16<<20 {
		t.Errorf("verify allocated %d MB for a gap of %d", n>>20, gap)
	}
	if len(rep.Problems) != 1 || rep.Problems[0].Kind != audit.Removed || rep.Problems[0].Seq != 4 ||
		!strings.Contains(rep.Problems[0].Detail, "100000000 records (seq 4..100000003)") {
		t.Errorf("problems %v", rep.Problems)
	}
}
