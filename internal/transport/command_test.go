package transport

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// The argv reaches the server as given: an argument with spaces stays one
// argument, and the environment and stderr pass through.
func TestStartCommandArgvEnvStderr(t *testing.T) {
	var stderr syncBuffer
	p, err := StartCommand([]string{"sh", "-c", `printf '{"n":%d,"a":"%s","env":"%s"}\n' "$#" "$1" "$WARD_T"; echo to-stderr >&2`, "sh", "two words; rm -rf /"},
		&CommandOptions{Env: append(os.Environ(), "WARD_T=yes"), Stderr: &stderr, Grace: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	line, err := p.Read()
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"n":1,"a":"two words; rm -rf /","env":"yes"}`; string(line) != want {
		t.Errorf("server saw %s, want %s", line, want)
	}
	if err := p.Wait(); err != nil {
		t.Errorf("exit: %v", err)
	}
	if !strings.Contains(stderr.String(), "to-stderr") {
		t.Errorf("stderr not passed through: %q", stderr.String())
	}
	if _, err := p.Read(); !errors.Is(err, io.EOF) {
		t.Errorf("read after exit: %v, want EOF", err)
	}
}

func TestStartCommandErrors(t *testing.T) {
	if _, err := StartCommand(nil, nil); err == nil {
		t.Error("empty argv accepted")
	}
	if _, err := StartCommand([]string{"/nonexistent/ward-test-server"}, nil); err == nil {
		t.Error("missing executable accepted")
	}
}

// The MCP stdio shutdown: close stdin; a server that ignores EOF gets
// SIGTERM after the grace period; one that ignores SIGTERM gets SIGKILL.
func TestShutdownEscalation(t *testing.T) {
	for _, c := range []struct {
		name   string
		script string
		signal syscall.Signal // how it must end; 0 = exits on EOF
	}{
		{"exits on EOF", `cat >/dev/null`, 0},
		{"ignores EOF", `trap 'exit 0' TERM; cat >/dev/null; while :; do sleep 0.05; done`, syscall.SIGTERM},
		{"ignores SIGTERM", `trap '' TERM; cat >/dev/null; while :; do sleep 0.05; done`, syscall.SIGKILL},
	} {
		t.Run(c.name, func(t *testing.T) {
			grace := 300 * time.Millisecond
			p, err := StartCommand([]string{"sh", "-c", c.script}, &CommandOptions{Grace: grace})
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			if err := p.CloseWrite(); err != nil {
				t.Fatal(err)
			}
			err = p.Wait()
			took := time.Since(start)
			var ee interface{ Sys() any }
			got := syscall.Signal(0)
			if errors.As(err, &ee) {
				if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
					got = ws.Signal()
				}
			}
			switch c.signal {
			case 0, syscall.SIGTERM:
				// Exiting on EOF or by its TERM trap is a clean exit.
				if err != nil {
					t.Errorf("exit: %v", err)
				}
				if c.signal == syscall.SIGTERM && took < grace {
					t.Errorf("ended after %v, before the grace period", took)
				}
			case syscall.SIGKILL:
				if got != syscall.SIGKILL {
					t.Errorf("ended by %v (err %v), want SIGKILL", got, err)
				}
				if took < 2*grace {
					t.Errorf("killed after %v, before two grace periods", took)
				}
			}
			if err := p.Close(); err != nil && !errors.Is(err, os.ErrClosed) {
				t.Logf("close: %v", err)
			}
			_ = p.Close() // idempotent
		})
	}
}

func TestPipe(t *testing.T) {
	a, b := Pipe()
	go func() {
		a.Write([]byte(`{"x":1}`))
		a.Flush()
		a.CloseWrite()
	}()
	line, err := b.Read()
	if err != nil || string(line) != `{"x":1}` {
		t.Fatalf("read %q, %v", line, err)
	}
	if _, err := b.Read(); !errors.Is(err, io.EOF) {
		t.Errorf("after CloseWrite: %v, want EOF", err)
	}
	b.Close()
	if _, err := b.Read(); err == nil {
		t.Error("read after Close succeeded")
	}
	a.Close()
}
