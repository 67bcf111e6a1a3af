package proxy

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"
)

// TestCancelStopsAServerThatDoesNotRead: a server that stops reading its
// stdin (and ignores SIGTERM) blocked ward's write to it, and with it the
// shutdown: ending the session (the signal context ward runs under, after a
// host's SIGTERM) first flushed and closed the server's input, which waited
// behind the blocked write, so the escalation to SIGTERM and SIGKILL never
// started and ward ignored its own SIGTERM until killed; the server,
// ignoring the parent-death SIGTERM, outlived it. The shutdown now starts
// its escalation without waiting for a write to the server.
func TestCancelStopsAServerThatDoesNotRead(t *testing.T) {
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := &Config{
		// Ignores SIGTERM, never reads stdin, exits by itself after 20 s at
		// the latest, so that a failing run leaves no process behind.
		Command:       []string{"sh", "-c", `trap "" TERM; sleep 20`},
		In:            pr,
		Out:           io.Discard,
		ServerStderr:  io.Discard,
		ShutdownGrace: 200 * time.Millisecond,
	}
	done := make(chan error, 1)
	go func() { done <- Run(ctx, cfg) }()
	// More than the pipe to the server and ward's buffer hold.
	go func() {
		line := `{"jsonrpc":"2.0","method":"notifications/message","params":{"data":"` + strings.Repeat("x", 1000) + `"}}` + "\n"
		for i := 0; i < 1000; i++ {
			if _, err := io.WriteString(pw, line); err != nil {
				return
			}
		}
	}()
	time.Sleep(500 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v, want nil: the session was ended from outside", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return within 5 s of the session's end: the shutdown waits for a write the server will never read")
	}
	pw.Close()
}
