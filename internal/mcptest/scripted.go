package mcptest

// A scripted MCP server for the relay's transcript tests: the test binary
// re-runs itself as the server (see ServeScriptIfRequested), so that real
// pipes, a real process exit and the real shutdown sequence are exercised.
//
// # Script language
//
// A script is a list of lines. Blank lines and lines starting with '#' are
// ignored. A line that starts in column 0 is an option or a rule header;
// an indented line is a step of the rule above it.
//
// Options:
//
//	ignore-sigterm   the server ignores SIGTERM (only SIGKILL ends it)
//	on-eof hang      at the end of stdin, block instead of exiting
//
// A rule:
//
//	on METHOD [if TEXT]
//	  STEP
//	  ...
//
// The first rule whose METHOD equals the method of an incoming request or
// notification, and whose TEXT (if given) occurs in its raw params, handles
// it. A request no rule matches is answered with -32601 (method not found);
// a notification no rule matches is only recorded. A rule without steps
// ignores what it matched: the request is never answered.
//
// Messages are handled one at a time, in the order they arrive, by a single
// worker: a step that waits (request, await, sleep) holds back the messages
// after it. Responses from the host are not queued: they are delivered to the
// step waiting for them at once.
//
// Steps:
//
//	result JSON              answer the request with JSON as its result
//	error CODE MESSAGE...    answer the request with an error
//	send LINE                write LINE as it is (after substitution)
//	notify METHOD [PARAMS]   send a notification
//	progress N               send N notifications/progress with the request's progressToken
//	request ID METHOD [PARAMS]
//	                         send a server→host request with the raw id ID and
//	                         wait for its response (or the end of stdin)
//	request-nowait ID METHOD [PARAMS]
//	                         the same without waiting
//	await METHOD [N]         wait until N (default 1) messages with METHOD have
//	                         arrived since the server started
//	sleep DURATION           pause (a Go duration: 100ms)
//	exit CODE                exit at once with CODE (a crash)
//	orphan DURATION          start a child process that lives for DURATION
//	                         and keeps the server's stdout open (as a server
//	                         started through a wrapper may)
//	hang                     block until killed
//
// In JSON, LINE and PARAMS, $id is replaced by the raw id of the request being
// handled, $token by its raw progress token (null if none), and $pad:N by N
// 'x' characters (for oversize lines).
//
// Every line the server reads is appended, as read, to the log file named by
// ScriptLogEnv, so that a test can compare what the server received.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// ScriptEnv names the environment variable holding the path of the script
// that the re-run test binary serves.
const ScriptEnv = "WARD_SCRIPTED_SERVER"

// ScriptLogEnv names the environment variable holding the path of the file
// where the scripted server logs every line it reads.
const ScriptLogEnv = "WARD_SCRIPTED_LOG"

// ServeScriptIfRequested turns the test binary into a scripted server when
// ScriptEnv is set: it serves stdio and exits without returning. A package's
// TestMain calls it before m.Run.
func ServeScriptIfRequested() {
	path := os.Getenv(ScriptEnv)
	if path == "" {
		return
	}
	text, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "scripted server: %v\n", err)
		os.Exit(3)
	}
	s, err := ParseScript(string(text))
	if err != nil {
		fmt.Fprintf(os.Stderr, "scripted server: %v\n", err)
		os.Exit(3)
	}
	var log io.Writer = io.Discard
	if lp := os.Getenv(ScriptLogEnv); lp != "" {
		f, err := os.OpenFile(lp, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			fmt.Fprintf(os.Stderr, "scripted server: %v\n", err)
			os.Exit(3)
		}
		log = f
	}
	// A write to a closed stdout must fail, not kill the server with
	// SIGPIPE: the test compares how the server ended.
	signal.Ignore(syscall.SIGPIPE)
	if s.ignoreSIGTERM {
		signal.Ignore(syscall.SIGTERM)
	}
	os.Exit(s.Serve(os.Stdin, os.Stdout, log))
}

// ScriptedServer returns the argv and environment that start the running
// test binary as a server for script, and the path of its receive log. The
// package's TestMain must call ServeScriptIfRequested.
func ScriptedServer(t testing.TB, script string) (argv, env []string, logPath string) {
	t.Helper()
	if _, err := ParseScript(script); err != nil {
		t.Fatalf("mcptest: %v", err)
	}
	dir := t.TempDir()
	path := dir + "/script"
	if err := os.WriteFile(path, []byte(script), 0o600); err != nil {
		t.Fatalf("mcptest: %v", err)
	}
	logPath = dir + "/received"
	if err := os.WriteFile(logPath, nil, 0o600); err != nil {
		t.Fatalf("mcptest: %v", err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatalf("mcptest: %v", err)
	}
	env = append(os.Environ(), ScriptEnv+"="+path, ScriptLogEnv+"="+logPath)
	// A binary built with -race sleeps a second at exit by default, which
	// would read as a server slow to stop.
	gorace := "atexit_sleep_ms=0"
	if v := os.Getenv("GORACE"); v != "" {
		gorace = v + " " + gorace
	}
	env = append(env, "GORACE="+gorace)
	// -test.run matches nothing, should the variable be lost on the way.
	return []string{exe, "-test.run=^$"}, env, logPath
}

// Script is a parsed server script.
type Script struct {
	rules         []rule
	ignoreSIGTERM bool
	hangAtEOF     bool
}

type rule struct {
	method, cond string
	steps        []step
}

type step struct {
	op   string
	args []string // op-specific; the last one may hold the rest of the line
	line int
}

// ParseScript parses a script written in the language described at the top
// of scripted.go.
func ParseScript(text string) (*Script, error) {
	s := &Script{}
	for i, raw := range strings.Split(text, "\n") {
		n := i + 1
		line := strings.TrimRight(raw, " \t\r")
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			if len(s.rules) == 0 {
				return nil, fmt.Errorf("script line %d: step outside a rule", n)
			}
			st, err := parseStep(trimmed, n)
			if err != nil {
				return nil, err
			}
			r := &s.rules[len(s.rules)-1]
			r.steps = append(r.steps, st)
			continue
		}
		word, rest, _ := strings.Cut(trimmed, " ")
		switch word {
		case "ignore-sigterm":
			s.ignoreSIGTERM = true
		case "on-eof":
			if rest != "hang" {
				return nil, fmt.Errorf("script line %d: on-eof wants \"hang\"", n)
			}
			s.hangAtEOF = true
		case "on":
			method, cond, hasCond := strings.Cut(rest, " if ")
			method = strings.TrimSpace(method)
			if method == "" || strings.Contains(method, " ") || (hasCond && cond == "") {
				return nil, fmt.Errorf("script line %d: want \"on METHOD [if TEXT]\"", n)
			}
			s.rules = append(s.rules, rule{method: method, cond: cond})
		default:
			return nil, fmt.Errorf("script line %d: unknown option %q", n, word)
		}
	}
	return s, nil
}

func parseStep(line string, n int) (step, error) {
	op, rest, _ := strings.Cut(line, " ")
	rest = strings.TrimSpace(rest)
	st := step{op: op, line: n}
	bad := func(want string) (step, error) {
		return step{}, fmt.Errorf("script line %d: want %q", n, want)
	}
	switch op {
	case "result", "send":
		if rest == "" {
			return bad(op + " TEXT")
		}
		st.args = []string{rest}
	case "error":
		code, msg, _ := strings.Cut(rest, " ")
		if _, err := strconv.Atoi(code); err != nil {
			return bad("error CODE MESSAGE")
		}
		st.args = []string{code, msg}
	case "notify":
		method, params, _ := strings.Cut(rest, " ")
		if method == "" {
			return bad("notify METHOD [PARAMS]")
		}
		st.args = []string{method, params}
	case "progress":
		if k, err := strconv.Atoi(rest); err != nil || k < 1 {
			return bad("progress N")
		}
		st.args = []string{rest}
	case "request", "request-nowait":
		f := strings.SplitN(rest, " ", 3)
		if len(f) < 2 {
			return bad(op + " ID METHOD [PARAMS]")
		}
		for len(f) < 3 {
			f = append(f, "")
		}
		st.args = f
	case "await":
		method, count, _ := strings.Cut(rest, " ")
		if count == "" {
			count = "1"
		}
		if k, err := strconv.Atoi(count); method == "" || err != nil || k < 1 {
			return bad("await METHOD [N]")
		}
		st.args = []string{method, count}
	case "sleep":
		if _, err := time.ParseDuration(rest); err != nil {
			return bad("sleep DURATION")
		}
		st.args = []string{rest}
	case "exit":
		if _, err := strconv.Atoi(rest); err != nil {
			return bad("exit CODE")
		}
		st.args = []string{rest}
	case "orphan":
		if _, err := time.ParseDuration(rest); err != nil {
			return bad("orphan DURATION")
		}
		st.args = []string{rest}
	case "hang":
	default:
		return step{}, fmt.Errorf("script line %d: unknown step %q", n, op)
	}
	return st, nil
}

// incoming is a message the server read, as far as it cares.
type incoming struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
}

// server is one run of a script.
type server struct {
	s   *Script
	out io.Writer

	wmu sync.Mutex // serialises writes to out

	mu      sync.Mutex
	cond    *sync.Cond
	counts  map[string]int                  // messages received by method
	waiters map[string]chan json.RawMessage // by raw id of the server's requests
	eof     bool                            // stdin ended
	exit    func(code int)                  // os.Exit, replaceable by tests
	work    chan func()
}

// Serve runs the script on in and out, logging every line read to log, and
// returns the exit code. It returns when in has ended and every queued
// message has been handled (or, with on-eof hang, never).
func (s *Script) Serve(in io.Reader, out, log io.Writer) int {
	return s.serve(in, out, log, os.Exit)
}

func (s *Script) serve(in io.Reader, out, log io.Writer, exit func(int)) int {
	sv := &server{
		s: s, out: out,
		counts:  make(map[string]int),
		waiters: make(map[string]chan json.RawMessage),
		exit:    exit,
		work:    make(chan func(), 1024),
	}
	sv.cond = sync.NewCond(&sv.mu)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for f := range sv.work {
			f()
		}
	}()
	br := bufio.NewReaderSize(in, 64<<10)
	for {
		line, err := br.ReadBytes('\n')
		if len(line) > 0 {
			_, _ = io.WriteString(log, strings.TrimRight(string(line), "\r\n")+"\n")
			sv.dispatch(line)
		}
		if err != nil {
			break
		}
	}
	sv.mu.Lock()
	sv.eof = true
	sv.cond.Broadcast()
	for id, ch := range sv.waiters {
		close(ch)
		delete(sv.waiters, id)
	}
	sv.mu.Unlock()
	close(sv.work)
	<-done
	if s.hangAtEOF {
		hang()
	}
	return 0
}

// dispatch routes one line read from the host side.
func (sv *server) dispatch(line []byte) {
	var m incoming
	if json.Unmarshal(line, &m) != nil {
		return // recorded in the log; nothing to do
	}
	if m.Method == "" {
		if m.ID == nil {
			return
		}
		// A response to one of the server's requests.
		sv.mu.Lock()
		ch := sv.waiters[string(m.ID)]
		delete(sv.waiters, string(m.ID))
		sv.mu.Unlock()
		if ch != nil {
			ch <- json.RawMessage(line)
		}
		return
	}
	sv.mu.Lock()
	sv.counts[m.Method]++
	sv.cond.Broadcast()
	sv.mu.Unlock()
	r := sv.s.match(&m)
	switch {
	case r != nil:
		sv.work <- func() { sv.run(r, &m) }
	case m.ID != nil && string(m.ID) != "null":
		sv.work <- func() {
			sv.writeLine(fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"error":{"code":-32601,"message":"method not found: %s"}}`, m.ID, m.Method))
		}
	}
}

func (s *Script) match(m *incoming) *rule {
	for i := range s.rules {
		r := &s.rules[i]
		if r.method == m.Method && (r.cond == "" || strings.Contains(string(m.Params), r.cond)) {
			return r
		}
	}
	return nil
}

var padRE = regexp.MustCompile(`\$pad:([0-9]+)`)

// Expand replaces $pad:N in text with N 'x' characters. The transcript
// harness uses it for the host's lines too.
func Expand(text string) string {
	return padRE.ReplaceAllStringFunc(text, func(s string) string {
		n, _ := strconv.Atoi(s[len("$pad:"):])
		return strings.Repeat("x", n)
	})
}

// run executes the steps of r for message m.
func (sv *server) run(r *rule, m *incoming) {
	token := "null"
	var p struct {
		Meta struct {
			ProgressToken json.RawMessage `json:"progressToken"`
		} `json:"_meta"`
	}
	if json.Unmarshal(m.Params, &p) == nil && p.Meta.ProgressToken != nil {
		token = string(p.Meta.ProgressToken)
	}
	id := string(m.ID)
	if id == "" {
		id = "null"
	}
	subst := func(s string) string {
		s = strings.ReplaceAll(s, "$id", id)
		s = strings.ReplaceAll(s, "$token", token)
		return Expand(s)
	}
	for _, st := range r.steps {
		switch st.op {
		case "result":
			sv.writeLine(`{"jsonrpc":"2.0","id":` + id + `,"result":` + subst(st.args[0]) + `}`)
		case "error":
			msg, _ := json.Marshal(st.args[1])
			sv.writeLine(`{"jsonrpc":"2.0","id":` + id + `,"error":{"code":` + st.args[0] + `,"message":` + string(msg) + `}}`)
		case "send":
			sv.writeLine(subst(st.args[0]))
		case "notify":
			sv.writeLine(notification(st.args[0], subst(st.args[1])))
		case "progress":
			n, _ := strconv.Atoi(st.args[0])
			for i := 1; i <= n; i++ {
				sv.writeLine(notification("notifications/progress",
					fmt.Sprintf(`{"progressToken":%s,"progress":%d,"total":%d}`, token, i, n)))
			}
		case "request", "request-nowait":
			rid := st.args[0]
			var ch chan json.RawMessage
			if st.op == "request" {
				ch = make(chan json.RawMessage, 1)
				sv.mu.Lock()
				eof := sv.eof
				if !eof {
					sv.waiters[rid] = ch
				}
				sv.mu.Unlock()
				if eof {
					return
				}
			}
			msg := `{"jsonrpc":"2.0","id":` + rid + `,"method":` + strconv.Quote(st.args[1])
			if st.args[2] != "" {
				msg += `,"params":` + subst(st.args[2])
			}
			sv.writeLine(msg + "}")
			if ch != nil {
				if _, ok := <-ch; !ok {
					return // stdin ended first: abandon the rule
				}
			}
		case "await":
			want, _ := strconv.Atoi(st.args[1])
			sv.mu.Lock()
			for sv.counts[st.args[0]] < want && !sv.eof {
				sv.cond.Wait()
			}
			ok := sv.counts[st.args[0]] >= want
			sv.mu.Unlock()
			if !ok {
				return
			}
		case "sleep":
			d, _ := time.ParseDuration(st.args[0])
			time.Sleep(d)
		case "exit":
			code, _ := strconv.Atoi(st.args[0])
			sv.exit(code)
			return
		case "orphan":
			d, _ := time.ParseDuration(st.args[0])
			cmd := exec.Command("sleep", strconv.FormatFloat(d.Seconds(), 'f', -1, 64))
			cmd.Stdout = os.Stdout // the pipe stays open while it lives
			if err := cmd.Start(); err != nil {
				fmt.Fprintf(os.Stderr, "scripted server: orphan: %v\n", err)
			}
		case "hang":
			hang()
		}
	}
}

func notification(method, params string) string {
	msg := `{"jsonrpc":"2.0","method":` + strconv.Quote(method)
	if params != "" {
		msg += `,"params":` + params
	}
	return msg + "}"
}

// writeLine writes one message and its newline in a single write. A failed
// write (the relay closed the pipe) is ignored: the server keeps following
// its script, as a real one would until it notices.
func (sv *server) writeLine(s string) {
	sv.wmu.Lock()
	defer sv.wmu.Unlock()
	_, _ = io.WriteString(sv.out, s+"\n")
}

// hang blocks until the process is killed. A sleep, not an empty select:
// with every goroutine blocked the runtime would end the process itself.
func hang() {
	for {
		time.Sleep(time.Hour)
	}
}
