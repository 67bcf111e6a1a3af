//go:build unix

package cli

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ward-mcp/ward/internal/mcptest"
)

// TestProxyKeepsAnsweringWhileStderrIsUnread: an MCP host that never reads
// ward's stderr let the pipe fill (64 KiB on Linux); the decision log's next
// write then blocked while it held the log's lock, the relay blocked behind
// it, and the session froze. The server, writing to the same unread pipe,
// froze too. Here the server writes 1.2 MB to its stderr before it starts,
// or the host makes 2,000 calls, each logged (some 900 KB of log lines):
// every call must still be answered, the session must end when the host
// ends it, and once stderr is read again ward says how many lines it dropped.
// Each stream is tried alone: the decision log, then the server's stderr.
func TestProxyKeepsAnsweringWhileStderrIsUnread(t *testing.T) {
	t.Run("log", func(t *testing.T) { proxyWithUnreadStderr(t, false) })
	t.Run("server", func(t *testing.T) { proxyWithUnreadStderr(t, true) })
}

func proxyWithUnreadStderr(t *testing.T, serverNoise bool) {
	argv, env, _ := mcptest.ScriptedServer(t, `
on initialize
  result {"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"serverInfo":{"name":"s","version":"1"}}
on tools/call
  result {"content":[{"type":"text","text":"ok"}]}
`)
	for _, kv := range env[len(env)-3:] { // the script, its log and GORACE
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer errR.Close()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	args := []string{"proxy", "--audit", "none", "--shutdown-grace", "500ms", "--"}
	if serverNoise {
		args = append(args, "sh", "-c", `yes "server noise: a line of diagnostics the host never reads" | head -n 20000 >&2; exec "$0" "$@"`)
	}
	args = append(args, argv...)
	done := make(chan int, 1)
	go func() {
		done <- Run(context.Background(), args, inR, outW, errW)
		outW.Close()
	}()
	answers := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(outR)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			answers <- sc.Text()
		}
		close(answers)
	}()
	deadline := time.After(20 * time.Second)
	call := func(id int, msg string) {
		t.Helper()
		if _, err := io.WriteString(inW, msg+"\n"); err != nil {
			t.Fatalf("request %d: %v", id, err)
		}
		select {
		case a, ok := <-answers:
			if want := fmt.Sprintf(`"id":%d`, id); !ok || !strings.Contains(a, want) {
				t.Fatalf("request %d: answer %q, want one with %s", id, a, want)
			}
		case <-deadline:
			t.Fatalf("request %d not answered within 20 s: the session froze on the unread stderr", id)
		}
	}
	call(0, `{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`)
	calls, pad := 2000, strings.Repeat("x", 300) // logged lines of some 450 bytes
	if serverNoise {
		calls = 10 // the server's 1.2 MB are enough
	}
	for id := 1; id <= calls; id++ {
		call(id, fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"echo_%s","arguments":{}}}`, id, pad))
	}
	inW.Close()
	select {
	case code := <-done:
		if code != ExitOK {
			t.Errorf("ward proxy: exit %d, want 0", code)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("ward proxy did not exit within 15 s of the host ending the session while its stderr was unread")
	}
	// Read stderr now: what was queued comes out, then the count of what
	// was dropped.
	_ = errR.SetReadDeadline(time.Now().Add(5 * time.Second))
	var got bytes.Buffer
	buf := make([]byte, 64<<10)
	for !bytes.Contains(got.Bytes(), []byte("log lines dropped")) {
		n, err := errR.Read(buf)
		got.Write(buf[:n])
		if err != nil {
			t.Fatalf("stderr after the session: %v; no line says how many lines were dropped (%d bytes read, ending %q)", err, got.Len(), got.Bytes()[max(0, got.Len()-300):])
		}
	}
	errW.Close()
}
