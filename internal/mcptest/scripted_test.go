package mcptest

import (
	"bufio"
	"io"
	"strings"
	"testing"
	"time"
)

func TestParseScriptErrors(t *testing.T) {
	for _, bad := range []string{
		"  result {}",             // step outside a rule
		"on",                      // no method
		"on tools/call if",        // empty condition
		"on ping\n  result",       // result without JSON
		"on ping\n  error x boom", // code not a number
		"on ping\n  progress 0",
		"on ping\n  request 1",
		"on ping\n  await",
		"on ping\n  sleep soon",
		"on ping\n  exit one",
		"on ping\n  dance",
		"on-eof linger",
		"frobnicate",
	} {
		if _, err := ParseScript(bad); err == nil {
			t.Errorf("ParseScript(%q) succeeded", bad)
		}
	}
	s, err := ParseScript("# comment\nignore-sigterm\non-eof hang\n\non tools/call if \"x\"\n  result {}\non ping\n")
	if err != nil {
		t.Fatal(err)
	}
	if !s.ignoreSIGTERM || !s.hangAtEOF || len(s.rules) != 2 || s.rules[0].cond != `"x"` || len(s.rules[1].steps) != 0 {
		t.Errorf("parsed %+v", s)
	}
}

// session runs a script in-process over pipes.
type session struct {
	t    *testing.T
	in   *io.PipeWriter
	out  *bufio.Reader
	log  strings.Builder
	code chan int
	exit chan int
}

func startScript(t *testing.T, text string) *session {
	t.Helper()
	s, err := ParseScript(text)
	if err != nil {
		t.Fatal(err)
	}
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	ss := &session{t: t, in: inW, out: bufio.NewReader(outR), code: make(chan int, 1), exit: make(chan int, 1)}
	go func() {
		ss.code <- s.serve(inR, outW, io.Discard, func(c int) { ss.exit <- c })
		outW.Close()
	}()
	return ss
}

func (s *session) send(line string) {
	s.t.Helper()
	if _, err := io.WriteString(s.in, line+"\n"); err != nil {
		s.t.Fatal(err)
	}
}

func (s *session) expect(want string) {
	s.t.Helper()
	got, err := s.out.ReadString('\n')
	if err != nil {
		s.t.Fatalf("want %s: %v", want, err)
	}
	if got = strings.TrimSuffix(got, "\n"); got != want {
		s.t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func (s *session) close() int {
	s.t.Helper()
	s.in.Close()
	select {
	case c := <-s.code:
		return c
	case <-time.After(5 * time.Second):
		s.t.Fatal("the server did not end")
	}
	return -1
}

func TestScriptedServer(t *testing.T) {
	s := startScript(t, `
on tools/call if "progress"
  progress 2
  result {"ok":$token}
on tools/call if "ask"
  request "s-1" roots/list
  notify notifications/message {"data":"answered"}
  result {}
on tools/call if "wait"
  await notifications/go
  error -32000 went
on tools/call if "crash"
  exit 7
on tools/call if "big"
  send {"jsonrpc":"2.0","id":$id,"result":"$pad:5"}
on ping
`)
	s.send(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"progress","_meta":{"progressToken":"t"}}}`)
	s.expect(`{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"t","progress":1,"total":2}}`)
	s.expect(`{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"t","progress":2,"total":2}}`)
	s.expect(`{"jsonrpc":"2.0","id":1,"result":{"ok":"t"}}`)

	s.send(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"ask"}}`)
	s.expect(`{"jsonrpc":"2.0","id":"s-1","method":"roots/list"}`)
	s.send(`{"jsonrpc":"2.0","id":"s-1","result":{"roots":[]}}`)
	s.expect(`{"jsonrpc":"2.0","method":"notifications/message","params":{"data":"answered"}}`)
	s.expect(`{"jsonrpc":"2.0","id":2,"result":{}}`)

	s.send(`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"wait"}}`)
	s.send(`{"jsonrpc":"2.0","id":4,"method":"unknown/method"}`)
	s.send(`{"jsonrpc":"2.0","method":"notifications/go"}`)
	// One worker: the answer to 4 waits for the rule of 3 to finish.
	s.expect(`{"jsonrpc":"2.0","id":3,"error":{"code":-32000,"message":"went"}}`)
	s.expect(`{"jsonrpc":"2.0","id":4,"error":{"code":-32601,"message":"method not found: unknown/method"}}`)

	s.send(`{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"big"}}`)
	s.expect(`{"jsonrpc":"2.0","id":5,"result":"xxxxx"}`)

	s.send(`{"jsonrpc":"2.0","id":6,"method":"ping"}`) // ignored
	s.send(`{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"crash"}}`)
	select {
	case c := <-s.exit:
		if c != 7 {
			t.Errorf("exit code %d, want 7", c)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("exit step not run")
	}
	if c := s.close(); c != 0 {
		t.Errorf("serve returned %d", c)
	}
}

// A step waiting for the host gives up at the end of stdin, so the server
// can exit.
func TestScriptedServerEOFWhileWaiting(t *testing.T) {
	s := startScript(t, "on tools/call\n  request 9 roots/list\n  result {}\n")
	s.send(`{"jsonrpc":"2.0","id":1,"method":"tools/call"}`)
	s.expect(`{"jsonrpc":"2.0","id":9,"method":"roots/list"}`)
	if c := s.close(); c != 0 {
		t.Errorf("serve returned %d", c)
	}
}
