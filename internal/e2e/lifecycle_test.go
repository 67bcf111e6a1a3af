package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ward-mcp/ward/internal/mcptest"
)

// rawHost plays an MCP host by hand over ward's stdio, so that a test can do
// what SDK clients do not: close its end in the middle of a call, or watch
// the session outlive the server.
type rawHost struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan string // ward's stdout, one message per line; closed at EOF
	stderr *lockedBuffer
}

func startRawHost(ctx context.Context, t *testing.T, marker string, argv []string) *rawHost {
	t.Helper()
	cmd := command(ctx, t, marker, argv...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	h := &rawHost{t: t, cmd: cmd, stdin: stdin, lines: make(chan string, 64), stderr: &lockedBuffer{}}
	cmd.Stderr = h.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(h.lines)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64<<10), 16<<20)
		for sc.Scan() {
			h.lines <- sc.Text()
		}
	}()
	return h
}

func (h *rawHost) send(msg string) {
	h.t.Helper()
	if _, err := io.WriteString(h.stdin, msg+"\n"); err != nil {
		h.t.Fatalf("write to ward: %v\nstderr:\n%s", err, tail(h.stderr.String()))
	}
}

// answer waits for the message that answers id (a JSON number), skipping
// notifications, and returns it decoded.
func (h *rawHost) answer(id string, within time.Duration) map[string]json.RawMessage {
	h.t.Helper()
	timeout := time.After(within)
	for {
		select {
		case line, ok := <-h.lines:
			if !ok {
				h.t.Fatalf("ward closed its stdout before answering id %s\nstderr:\n%s", id, tail(h.stderr.String()))
			}
			var m map[string]json.RawMessage
			if err := json.Unmarshal([]byte(line), &m); err != nil {
				h.t.Fatalf("ward sent a line that is not a JSON object: %q", line)
			}
			if string(m["id"]) == id && (m["result"] != nil || m["error"] != nil) {
				return m
			}
		case <-timeout:
			h.t.Fatalf("no answer to id %s within %v\nstderr:\n%s", id, within, tail(h.stderr.String()))
		}
	}
}

// wait waits for ward to exit and returns its exit code.
func (h *rawHost) wait(within time.Duration) int {
	h.t.Helper()
	done := make(chan error, 1)
	go func() {
		for range h.lines { // drain, so ward is never blocked writing
		}
		done <- h.cmd.Wait()
	}()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			h.t.Fatalf("wait for ward: %v", err)
		}
		return 0
	case <-time.After(within):
		h.t.Fatalf("ward did not exit within %v\nstderr:\n%s", within, tail(h.stderr.String()))
		return -1
	}
}

func (h *rawHost) initialize() {
	h.t.Helper()
	h.send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"ward-e2e-raw-host","version":"1.0.0"}}}`)
	if m := h.answer("1", 30*time.Second); m["error"] != nil {
		h.t.Fatalf("initialize: %s", m["error"])
	}
	h.send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
}

// TestHostClosesMidCall closes ward's stdin while a long call is running on
// server-everything: ward must stop the server (close its stdin, then signals)
// and exit 0 on its own, leaving no process behind.
func TestHostClosesMidCall(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	marker := newMarker(t)
	h := startRawHost(ctx, t, marker, wardProxy(t, nil, mcptest.ServerEverything(t)))
	h.initialize()
	h.send(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"trigger-long-running-operation","arguments":{"duration":30,"steps":30},"_meta":{"progressToken":"p2"}}}`)
	time.Sleep(300 * time.Millisecond) // let the call start
	h.stdin.Close()
	// ward's default grace periods are a few seconds each; the server ignores
	// the end of its stdin while the operation's timers run.
	if code := h.wait(45 * time.Second); code != 0 {
		t.Errorf("ward exited with %d after the host closed the session, want 0\nstderr:\n%s", code, tail(h.stderr.String()))
	}
	checkNoRace(t, h.stderr.String())
	// newMarker's cleanup fails the test if the server outlived ward.
}

// TestServerCrashMidCall kills server-everything while a call is pending:
// the host must get an error answer for the call from ward, and ward must
// exit with 3 (the server exited during the session).
func TestServerCrashMidCall(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	marker := newMarker(t)
	h := startRawHost(ctx, t, marker, wardProxy(t, nil, mcptest.ServerEverything(t)))
	h.initialize()
	h.send(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"trigger-long-running-operation","arguments":{"duration":30,"steps":30}}}`)
	time.Sleep(300 * time.Millisecond)

	// ward's own command line names the server too; the server is the
	// process that runs the pinned node.
	node := mcptest.Node(t)
	var killed int
	for _, p := range processesWith(marker) {
		if strings.HasPrefix(p.cmdline, node+" ") && strings.Contains(p.cmdline, "server-everything") {
			if err := syscall.Kill(p.pid, syscall.SIGKILL); err != nil {
				t.Fatalf("kill server %d: %v", p.pid, err)
			}
			killed++
		}
	}
	if killed != 1 {
		t.Fatalf("found %d server-everything processes to kill, want 1", killed)
	}

	m := h.answer("2", 30*time.Second)
	var e struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(m["error"], &e); err != nil || e.Code == 0 {
		t.Fatalf("answer to the pending call = %v, want a JSON-RPC error", m)
	}
	if !strings.Contains(e.Message, "ward") {
		t.Errorf("error for the pending call = %d %q, want ward's message", e.Code, e.Message)
	}
	h.stdin.Close()
	if code := h.wait(30 * time.Second); code != 3 {
		t.Errorf("ward exited with %d after the server crashed, want 3\nstderr:\n%s", code, tail(h.stderr.String()))
	}
	checkNoRace(t, h.stderr.String())
}
