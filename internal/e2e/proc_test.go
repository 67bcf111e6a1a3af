package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// markerEnv is set, with a value unique to the test, in the environment of
// every process a test starts. Children inherit it (ward passes its environment
// to the server), so any process of the test that is still running when the
// test ends can be found in /proc, whatever its process group.
const markerEnv = "WARD_E2E_MARKER"

// newMarker returns a fresh marker value and registers a cleanup that fails
// the test if a process carrying it outlives the test (after a grace period in
// which well-behaved processes exit), and kills such processes.
func newMarker(t *testing.T) string {
	t.Helper()
	b := make([]byte, 8)
	rand.Read(b)
	m := "e2e-" + hex.EncodeToString(b)
	t.Cleanup(func() {
		deadline := time.Now().Add(5 * time.Second)
		for {
			left := processesWith(m)
			if len(left) == 0 {
				return
			}
			if time.Now().After(deadline) {
				for _, p := range left {
					t.Errorf("process left behind: pid %d: %s", p.pid, p.cmdline)
					syscall.Kill(p.pid, syscall.SIGKILL)
				}
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
	return m
}

type proc struct {
	pid     int
	cmdline string
}

// processesWith lists the live processes whose environment holds marker.
func processesWith(marker string) []proc {
	want := []byte(markerEnv + "=" + marker + "\x00")
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	var out []proc
	for _, d := range dirs {
		pid, err := strconv.Atoi(filepath.Base(d))
		if err != nil || pid == os.Getpid() {
			continue
		}
		env, err := os.ReadFile(filepath.Join(d, "environ"))
		if err != nil || !bytes.Contains(append(env, 0), want) {
			continue
		}
		if st, err := os.ReadFile(filepath.Join(d, "stat")); err == nil && isZombie(st) {
			continue // exited; its parent has not reaped it yet
		}
		cmd, _ := os.ReadFile(filepath.Join(d, "cmdline"))
		out = append(out, proc{pid: pid, cmdline: strings.ReplaceAll(strings.TrimRight(string(cmd), "\x00"), "\x00", " ")})
	}
	return out
}

// isZombie reports whether a /proc/PID/stat line says the process is a zombie.
func isZombie(stat []byte) bool {
	i := bytes.LastIndexByte(stat, ')')
	return i >= 0 && i+2 < len(stat) && stat[i+2] == 'Z'
}

// command prepares argv to run in its own process group with the test's
// marker in its environment. When ctx ends, or the test ends, the whole group
// is killed.
func command(ctx context.Context, t *testing.T, marker string, argv ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), markerEnv+"="+marker)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return killGroup(cmd) }
	cmd.WaitDelay = 5 * time.Second
	t.Cleanup(func() { killGroup(cmd) })
	return cmd
}

// killGroup sends SIGKILL to the process group of a started cmd.
func killGroup(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	if errors.Is(err, syscall.ESRCH) {
		return os.ErrProcessDone
	}
	return err
}

// lockedBuffer is a bytes.Buffer safe for a process to write while the test
// reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// checkNoRace fails the test when a -race build of ward (see
// mcptest.WardBinary) reported a data race on stderr.
func checkNoRace(t *testing.T, stderr string) {
	t.Helper()
	if i := strings.Index(stderr, "WARNING: DATA RACE"); i >= 0 {
		t.Errorf("data race reported by a child process:\n%s", stderr[i:])
	}
}

// tail returns the end of s, for error messages.
func tail(s string) string {
	const n = 4000
	if len(s) > n {
		return fmt.Sprintf("...%s", s[len(s)-n:])
	}
	return s
}
