package policy

import (
	"runtime/debug"
	"sync"
	"testing"
)

// TestEngineWarmRestoresGC: making engines, also several at once, builds
// the detectors' tables and leaves the process's GC setting as it was
// (warmDetectors lowers it while it builds).
func TestEngineWarmRestoresGC(t *testing.T) {
	before := debug.SetGCPercent(77)
	defer debug.SetGCPercent(before)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if _, err := NewWithOptions(testConfig(), &Options{FS: testFS, Home: "/home/dev"}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := debug.SetGCPercent(77); got != 77 {
		t.Fatalf("GC percent after making engines = %d, want 77", got)
	}
}
