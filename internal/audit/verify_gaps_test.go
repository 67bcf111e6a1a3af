package audit_test

import (
	"context"
	"iter"
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
