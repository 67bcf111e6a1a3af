package audit_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ward-mcp/ward/internal/audit"
)

// Events that arrive one at a time within the linger share one commit; with
// the linger off, each costs its own.
func TestWriterLingerGroupsCommits(t *testing.T) {
	for _, c := range []struct {
		linger     time.Duration
		maxCommits int
		minCommits int
	}{
		{linger: 2 * time.Second, maxCommits: 1, minCommits: 1},
		{linger: -1, maxCommits: 10, minCommits: 10},
	} {
		var mu sync.Mutex
		commits := 0
		w := audit.NewWriter(&memStore{head: audit.EmptyHead()}, &audit.WriterOptions{
			Linger:   c.linger,
			OnCommit: func([]audit.Event) { mu.Lock(); commits++; mu.Unlock() },
		})
		for i := 0; i < 10; i++ {
			if err := w.Write(audit.Event{Time: time.Now(), Decision: audit.Allow}); err != nil {
				t.Fatal(err)
			}
			if c.linger < 0 {
				// Let the writer commit each event before the next one.
				if err := w.Flush(context.Background()); err != nil {
					t.Fatal(err)
				}
			} else {
				time.Sleep(5 * time.Millisecond)
			}
		}
		if err := w.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		w.Close()
		mu.Lock()
		got := commits
		mu.Unlock()
		if got < c.minCommits || got > c.maxCommits {
			t.Errorf("linger %v: %d commits for 10 events, want %d..%d", c.linger, got, c.minCommits, c.maxCommits)
		}
		if st := w.Stats(); st.Written != 10 {
			t.Errorf("linger %v: %d written", c.linger, st.Written)
		}
	}
}
