//go:build linux

package proxy

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

func rssFileKiB(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "RssFile:"); ok {
			n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Skip("no RssFile in /proc/self/status")
	return 0
}

// The test binary links what ward links and has run its package inits, so
// most of its code pages are resident; releasing them must show, and the
// process must keep running the code it needs.
func TestReleaseStartupPages(t *testing.T) {
	before := rssFileKiB(t)
	releaseStartupPages()
	after := rssFileKiB(t)
	if after >= before {
		t.Errorf("file-backed RSS %d KiB before, %d KiB after: nothing was released", before, after)
	}
	t.Logf("file-backed RSS: %d KiB → %d KiB", before, after)
	// Still alive and able to run code that had to come back from the file.
	if _, _, err := ParseAuditSpec("none"); err != nil {
		t.Fatal(err)
	}
}
