package proxy

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer for a writer on another goroutine.
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

// TestStderrAuditTrailDoesNotHoldExit: --audit jsonl:/dev/stderr with a
// host that never reads ward's stderr. The trail's writer blocked in its
// write once the pipe was full; the session went on (a full queue drops
// events, counted), but closing the trail waited for that write, and ward
// never exited. Closing a trail on stderr now waits streamCloseWait at most
// and says what was lost.
func TestStderrAuditTrailDoesNotHoldExit(t *testing.T) {
	errR, errW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer errR.Close()
	defer errW.Close()
	// 3,000 requests the server never answers: each is recorded (forwarded,
	// or refused once 1,024 are pending, then answered with an error at
	// the end), some 2 MB of audit lines for a pipe of 64 KiB.
	var in bytes.Buffer
	for id := range 3000 {
		fmt.Fprintf(&in, `{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"t_%s","arguments":{}}}`+"\n", id, strings.Repeat("x", 200))
	}
	var warnings lockedBuffer
	cfg := &Config{
		Command:       []string{"sh", "-c", "cat >/dev/null"},
		In:            &in,
		Out:           io.Discard,
		ServerStderr:  io.Discard,
		Warnings:      &warnings,
		ShutdownGrace: 200 * time.Millisecond,
		Audit:         &AuditConfig{Spec: "jsonl:/dev/stderr", Stream: errW},
	}
	done := make(chan error, 1)
	go func() { done <- Run(context.Background(), cfg) }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v, want nil: the host ended the session", err)
		}
	case <-time.After(10*time.Second + streamCloseWait):
		t.Fatal("Run did not return: closing the audit trail waits for a stderr nobody reads")
	}
	if w := warnings.String(); !strings.Contains(w, "stderr was not being read") {
		t.Errorf("warnings %q do not say that the trail lost events to an unread stderr", w)
	}
	// Let the blocked writer finish, so that its goroutine ends.
	go io.Copy(io.Discard, errR)
}
