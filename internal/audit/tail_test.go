package audit_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ward-mcp/ward/internal/audit"
	"github.com/ward-mcp/ward/internal/audit/audittest"
	"github.com/ward-mcp/ward/internal/audit/sqlite"
)

func TestTailFollow(t *testing.T) {
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "a.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Append(context.Background(), audittest.Sample(5)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	var got []uint64
	done := make(chan error)
	go func() {
		done <- audit.Tail(ctx, s, audit.Filter{Decision: audit.Allow}, 2, true, 10*time.Millisecond, func(e audit.Event) error {
			mu.Lock()
			got = append(got, e.Seq)
			mu.Unlock()
			return nil
		})
	}()
	waitFor := func(n int) {
		deadline := time.Now().Add(5 * time.Second)
		for {
			mu.Lock()
			have := len(got)
			mu.Unlock()
			if have >= n || time.Now().After(deadline) {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitFor(2) // the past events are out: what comes now is new
	if err := s.Append(context.Background(), audittest.Sample(4)); err != nil {
		t.Fatal(err)
	}
	waitFor(5)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// Sample: seq 3 (index 2) is a deny; the 4 new events are seq 6..9, seq 8 a deny.
	want := []uint64{4, 5, 6, 7, 9}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != len(want) {
		t.Fatalf("tail -f emitted %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("tail -f emitted %v, want %v", got, want)
		}
	}
}

func TestParseTime(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"2026-11-20T01:02:03Z": time.Date(2026, 11, 20, 1, 2, 3, 0, time.UTC),
		"24h":                  now.Add(-24 * time.Hour),
		"":                     {},
	} {
		got, err := audit.ParseTime(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"yesterday", "-5m", "2026-13-01"} {
		if _, err := audit.ParseTime(bad, now); err == nil {
			t.Errorf("ParseTime(%q) accepted", bad)
		}
	}
}
