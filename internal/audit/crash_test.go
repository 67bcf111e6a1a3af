package audit_test

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/ward-mcp/ward/internal/audit"
	"github.com/ward-mcp/ward/internal/audit/audittest"
	"github.com/ward-mcp/ward/internal/audit/jsonl"
	"github.com/ward-mcp/ward/internal/audit/sqlite"
)

func openStore(kind, path string) (audit.Store, error) {
	switch kind {
	case "sqlite-full":
		return sqlite.Open(path, &sqlite.Options{Sync: sqlite.SyncFull})
	case "sqlite-normal":
		return sqlite.Open(path, &sqlite.Options{Sync: sqlite.SyncNormal})
	case "jsonl":
		return jsonl.Open(path, nil)
	}
	return nil, fmt.Errorf("unknown store %q", kind)
}

// TestMain turns the test binary into the crash test's child when asked: it
// writes events through a Writer as fast as it can and prints the sequence
// number of every event the Writer acknowledges, until it is killed.
func TestMain(m *testing.M) {
	if kind := os.Getenv("WARD_AUDIT_CRASH_CHILD"); kind != "" {
		crashChild(kind, os.Getenv("WARD_AUDIT_CRASH_PATH"))
		return
	}
	os.Exit(m.Run())
}

func crashChild(kind, path string) {
	s, err := openStore(kind, path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	out := bufio.NewWriter(os.Stdout)
	w := audit.NewWriter(s, &audit.WriterOptions{Key: audittest.Key(), CheckpointEvery: 500, OnCommit: func(b []audit.Event) {
		for _, e := range b {
			out.WriteString(strconv.FormatUint(e.Seq, 10))
			out.WriteByte('\n')
		}
		out.Flush() // the acknowledgement leaves the process only after the commit
	}})
	evs := audittest.Sample(64)
	for i := 0; ; i++ {
		e := evs[i%len(evs)]
		e.Session = "crash-" + strconv.Itoa(i)
		if w.Write(e) != nil {
			time.Sleep(100 * time.Microsecond)
		}
	}
}

func TestCrashKeepsAcknowledgedEvents(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test re-runs the test binary")
	}
	for _, kind := range []string{"sqlite-full", "sqlite-normal", "jsonl"} {
		t.Run(kind, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "audit."+kind)
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "WARD_AUDIT_CRASH_CHILD="+kind, "WARD_AUDIT_CRASH_PATH="+path)
			cmd.Stderr = os.Stderr
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			sc := bufio.NewScanner(stdout)
			acked := map[uint64]bool{}
			var last uint64
			for sc.Scan() {
				seq, err := strconv.ParseUint(sc.Text(), 10, 64)
				if err != nil {
					t.Fatalf("child printed %q", sc.Text())
				}
				acked[seq] = true
				last = max(last, seq)
				if len(acked) == 20000 {
					// Kill in the middle of the burst: the writer is still busy.
					cmd.Process.Signal(syscall.SIGKILL)
					break
				}
			}
			for sc.Scan() { // acknowledgements already in the pipe count too
				if seq, err := strconv.ParseUint(sc.Text(), 10, 64); err == nil {
					acked[seq] = true
					last = max(last, seq)
				}
			}
			cmd.Wait()
			if len(acked) < 20000 {
				t.Fatalf("child acknowledged only %d events before it stopped", len(acked))
			}
			s, err := openStore(kind, path)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			stored := map[uint64]bool{}
			for e, err := range s.Query(context.Background(), audit.Filter{}) {
				if err != nil {
					t.Fatalf("reading after crash: %v", err)
				}
				stored[e.Seq] = true
			}
			for seq := range acked {
				if !stored[seq] {
					t.Fatalf("acknowledged event %d is missing after kill -9 (%d acknowledged, %d stored)", seq, len(acked), len(stored))
				}
			}
			rep, err := audit.Verify(context.Background(), s, audittest.Key().Public().(ed25519.PublicKey))
			if err != nil || !rep.OK() {
				t.Fatalf("chain after crash: %+v %v", rep, err)
			}
			t.Logf("%s: %d acknowledged (last %d), %d stored, %d checkpoints, %d records after the last checkpoint",
				kind, len(acked), last, len(stored), rep.Checkpoints, rep.Uncovered)
		})
	}
}
