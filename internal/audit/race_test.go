//go:build race

package audit_test

// raceEnabled: the race detector makes sync.Pool drop a share of what is
// put back, so allocation counts are not what they are in a normal build.
const raceEnabled = true
