package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ward-mcp/ward/internal/mcptest"
)

// TestHostClosesWardsStderr closes the reading end of ward's stderr before
// the session starts, as a host that is not interested in ward's log may
// do. Go kills a program whose write to its stdout or stderr finds the pipe
// closed, unless the program takes SIGPIPE itself: ward must go on
// answering, log what it can, and exit 0 with its audit trail written when
// the host ends the session.
func TestHostClosesWardsStderr(t *testing.T) {
	cmd, stdin, trail := wardWithTrail(t)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = errW
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	errW.Close()
	errR.Close() // nobody will ever read ward's stderr
	lines := bufio.NewScanner(stdout)
	lines.Buffer(make([]byte, 64<<10), 16<<20)
	call := func(id int, msg string) {
		t.Helper()
		if _, err := io.WriteString(stdin, msg+"\n"); err != nil {
			t.Fatalf("write call %d: %v (ward exited: %v)", id, err, cmd.ProcessState)
		}
		for lines.Scan() {
			var m struct {
				ID     json.RawMessage
				Result json.RawMessage
				Error  json.RawMessage
			}
			if json.Unmarshal(lines.Bytes(), &m) == nil && string(m.ID) == fmt.Sprint(id) {
				return
			}
		}
		t.Fatalf("ward closed its stdout before answering call %d: %v", id, lines.Err())
	}
	call(1, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"sigpipe-host","version":"1"}}}`)
	if _, err := io.WriteString(stdin, `{"jsonrpc":"2.0","method":"notifications/initialized"}`+"\n"); err != nil {
		t.Fatal(err)
	}
	for id := 2; id < 40; id++ {
		// A denied call flushes the decision log at once: a write to the
		// closed stderr for every one.
		call(id, fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"no-such-tool-%d","arguments":{}}}`, id, id))
	}
	stdin.Close()
	for lines.Scan() {
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			t.Fatalf("ward was killed by %v after its stderr was closed", ws.Signal())
		}
		t.Fatalf("ward exited with %d after the host ended the session, want 0", ee.ExitCode())
	} else if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(trail)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), `"tools/call"`); n < 38 {
		t.Fatalf("the audit trail holds %d tools/call records, want the 38 calls made", n)
	}
}

// TestHostClosesWardsStdout closes the reading end of ward's stdout in the
// middle of a session: ward's next answer finds no reader. It must end the
// session as if the host had closed its stdin (stop the server, write the
// audit trail) instead of being killed by SIGPIPE, or reading on and
// forwarding calls whose answers nobody can receive.
func TestHostClosesWardsStdout(t *testing.T) {
	cmd, stdin, trail := wardWithTrail(t)
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = outW
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	outW.Close()
	lines := bufio.NewScanner(outR)
	if _, err := io.WriteString(stdin, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"sigpipe-host","version":"1"}}}`+"\n"); err != nil {
		t.Fatal(err)
	}
	if !lines.Scan() {
		t.Fatalf("no answer to initialize: %v\nstderr:\n%s", lines.Err(), tail(stderr.String()))
	}
	outR.Close() // the host stops reading ward's answers
	_, _ = io.WriteString(stdin, `{"jsonrpc":"2.0","method":"notifications/initialized"}`+"\n")
	for id := 2; id < 6; id++ {
		_, _ = io.WriteString(stdin, fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"echo","arguments":{"message":"m%d"}}}`+"\n", id, id))
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(20 * time.Second):
		stdin.Close()
		<-done
		t.Fatalf("ward went on reading the host for 20 s after its answers found no reader\nstderr:\n%s", tail(stderr.String()))
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			t.Fatalf("ward was killed by %v after its stdout was closed\nstderr:\n%s", ws.Signal(), tail(stderr.String()))
		}
	}
	b, err := os.ReadFile(trail)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"initialize"`) {
		t.Fatalf("the audit trail lost the session's records:\n%s", b)
	}
	checkNoRace(t, stderr.String())
}

// wardWithTrail prepares ward proxy in front of server-everything with a
// JSON Lines audit trail, and returns it (not started), its stdin and the
// trail's path.
func wardWithTrail(t *testing.T) (*exec.Cmd, io.WriteCloser, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	t.Cleanup(cancel)
	trail := filepath.Join(t.TempDir(), "audit.jsonl")
	argv := wardProxy(t, []string{"--audit", "jsonl:" + trail}, mcptest.ServerEverything(t))
	cmd := command(ctx, t, newMarker(t), argv...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	return cmd, stdin, trail
}
