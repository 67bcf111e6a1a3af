package relay_test

// Golden transcript tests: each file under testdata/transcripts is one
// scenario in txtar form. Its input sections say how the relay is configured
// (options), how the scripted server behaves (server, see
// internal/mcptest/scripted.go) and what the host does (host); its golden
// sections hold what the host received, what the server received, the
// decisions the relay recorded and how the session ended.
//
//	go test ./internal/relay -run Transcript -update
//
// rewrites the golden sections from a run.
//
// # options
//
// One "key value" a line: mode (enforce, filter-only, audit-only),
// max-pending N, request-timeout DURATION, max-message-bytes N (both sides),
// call-server METHOD (a middleware that calls METHOD on the server before
// every tools/call, see callServer),
// grace DURATION (the server's shutdown grace, 2s by default),
// rand fail (an id source that always fails), and the name lists
// allow-tools, deny-tools, allow-prompts, deny-prompts, allow-resources,
// deny-resources with comma-separated patterns.
//
// # host
//
// One line each: a message to send, or a directive.
//
//	wait-recv N     wait until the host has received N messages
//	wait-server N   wait until the server has received N lines
//	sleep DURATION  pause (only around deadlines: never for ordering)
//	wait-run        wait until the relay's Run has returned
//	cancel-run      cancel the context of the relay's Run
//	close           the host closes its output (EOF for the relay)
//	send LINE       send LINE as it is (for lines that look like a directive)
//
// Any other line is sent as it is. In a line, $N stands for the N-th ward id
// the host has seen (see below) and $pad:N for N 'x' characters. When the
// host script ends, the host closes its output if it has not.
//
// # Normalisation
//
// Ward's request ids are 16 hex digits in a JSON string. In the golden
// sections each one is replaced by $1, $2, … numbered in order of first
// appearance: first in host-received, then in server-received, then in
// decisions, so the same id has the same name everywhere.

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ward-mcp/ward/internal/enforce"
	"github.com/ward-mcp/ward/internal/jsonrpc"
	"github.com/ward-mcp/ward/internal/mcptest"
	"github.com/ward-mcp/ward/internal/relay"
	"github.com/ward-mcp/ward/internal/transport"
)

var update = flag.Bool("update", false, "rewrite the golden sections of the transcripts")

// goldenSections are the sections a run produces, in the order they are written.
var goldenSections = []string{"host-received", "server-received", "decisions", "exit"}

// waitLimit bounds every wait of the harness, so that a hung relay fails
// the test with a goroutine dump instead of stalling the run.
const waitLimit = 15 * time.Second

func TestTranscript(t *testing.T) {
	files, err := filepath.Glob("testdata/transcripts/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no transcripts in testdata/transcripts")
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) { runTranscript(t, file) })
	}
}

// txtar is a minimal reader and writer of the txtar format: a comment, then
// sections each introduced by a line "-- name --".
type txtar struct {
	comment  string
	sections []section
}

type section struct{ name, data string }

var markerRE = regexp.MustCompile(`^-- (\S+) --$`)

func parseTxtar(text string) *txtar {
	a := &txtar{}
	var cur *section
	var b strings.Builder
	flush := func() {
		if cur == nil {
			a.comment = b.String()
		} else {
			cur.data = b.String()
			a.sections = append(a.sections, *cur)
		}
		b.Reset()
	}
	for _, line := range strings.SplitAfter(text, "\n") {
		if m := markerRE.FindStringSubmatch(strings.TrimRight(line, "\n")); m != nil {
			flush()
			cur = &section{name: m[1]}
			continue
		}
		b.WriteString(line)
	}
	flush()
	return a
}

func (a *txtar) get(name string) (string, bool) {
	for _, s := range a.sections {
		if s.name == name {
			return s.data, true
		}
	}
	return "", false
}

func (a *txtar) format() []byte {
	var b bytes.Buffer
	b.WriteString(a.comment)
	for _, s := range a.sections {
		fmt.Fprintf(&b, "-- %s --\n", s.name)
		b.WriteString(s.data)
		if s.data != "" && !strings.HasSuffix(s.data, "\n") {
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

// idNames names ward's ids $1, $2, … in order of first appearance.
type idNames struct {
	mu    sync.Mutex
	names map[string]string // raw id → $N
	raws  map[string]string // $N → raw id
}

var wardIDRE = regexp.MustCompile(`"[0-9a-f]{16}"`)

func newIDNames() *idNames {
	return &idNames{names: make(map[string]string), raws: make(map[string]string)}
}

func (n *idNames) normalise(s string) string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return wardIDRE.ReplaceAllStringFunc(s, func(raw string) string {
		name, ok := n.names[raw]
		if !ok {
			name = "$" + strconv.Itoa(len(n.names)+1)
			n.names[raw] = name
			n.raws[name] = raw
		}
		return name
	})
}

var (
	nameRE     = regexp.MustCompile(`\$[0-9]+`)
	wardNameRE = regexp.MustCompile(`^"\$[0-9]+"$`)
)

// substitute replaces $N in a host line with the raw id it names.
func (n *idNames) substitute(s string) (string, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	var err error
	out := nameRE.ReplaceAllStringFunc(s, func(name string) string {
		raw, ok := n.raws[name]
		if !ok && err == nil {
			err = fmt.Errorf("%s names no ward id seen so far", name)
		}
		return raw
	})
	return out, err
}

// recorder is a relay.Sink that keeps the decisions as normalised lines.
type recorder struct {
	mu     sync.Mutex
	events []relay.Event
}

func (r *recorder) Record(e *relay.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, *e)
}

// formatEvent writes an event without its time, session and latency:
// "decision direction method kind:name [rule]: reason".
func formatEvent(e *relay.Event) string {
	var b strings.Builder
	b.WriteString(e.Decision)
	b.WriteString(" ")
	b.WriteString(e.Dir.String())
	if e.Method != "" {
		b.WriteString(" " + e.Method)
	}
	if e.Name != "" {
		b.WriteString(" " + e.Kind + ":" + e.Name)
	}
	if e.Rule != "" {
		b.WriteString(" [" + e.Rule + "]")
	}
	if e.Reason != "" {
		b.WriteString(": " + e.Reason)
	}
	return b.String()
}

// config is the parsed options section.
type config struct {
	opts     relay.Options
	names    enforce.NameLists
	call     string // call-server: the method ward calls on every tools/call
	maxBytes int
	grace    time.Duration
}

func parseOptions(text string) (*config, error) {
	c := &config{grace: 2 * time.Second}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, val, _ := strings.Cut(line, " ")
		val = strings.TrimSpace(val)
		var err error
		list := func() []string {
			var out []string
			for _, p := range strings.Split(val, ",") {
				out = append(out, strings.TrimSpace(p))
			}
			return out
		}
		switch key {
		case "mode":
			c.opts.Mode, err = relay.ParseMode(val)
		case "max-pending":
			c.opts.MaxPending, err = strconv.Atoi(val)
		case "request-timeout":
			c.opts.RequestTimeout, err = time.ParseDuration(val)
		case "max-message-bytes":
			c.maxBytes, err = strconv.Atoi(val)
		case "grace":
			c.grace, err = time.ParseDuration(val)
		case "call-server":
			c.call = val
		case "rand":
			if val != "fail" {
				err = errors.New(`want "rand fail"`)
			}
			c.opts.Rand = failingReader{}
		case "allow-tools":
			c.names.AllowTools = list()
		case "deny-tools":
			c.names.DenyTools = list()
		case "allow-prompts":
			c.names.AllowPrompts = list()
		case "deny-prompts":
			c.names.DenyPrompts = list()
		case "allow-resources":
			c.names.AllowResources = list()
		case "deny-resources":
			c.names.DenyResources = list()
		default:
			err = errors.New("unknown option")
		}
		if err != nil {
			return nil, fmt.Errorf("options line %d (%s): %w", i+1, line, err)
		}
	}
	if err := c.names.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// callServer is a middleware that, for every tools/call from the host, sends
// a request of ward's own to the server with Exchange.CallServer first (as
// pinning does when it must check a definition), notes the answer and denies
// the call if there is none.
func callServer(method string) relay.Middleware {
	return func(next relay.Handler) relay.Handler {
		return func(ctx context.Context, ex *relay.Exchange) relay.Verdict {
			if ex.Dir != relay.ToServer || !ex.IsRequest() || ex.Method != "tools/call" {
				return next(ctx, ex)
			}
			resp, err := ex.CallServer(ctx, method, nil)
			if err != nil {
				return relay.Denied("test.call-server", "ward: "+err.Error())
			}
			ex.Note(relay.Finding{Decision: "warn", Kind: "tool", Name: ex.Name(), Rule: "test.call-server", Reason: string(resp)})
			return next(ctx, ex)
		}
	}
}

// failingReader is a random source that always fails.
type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("entropy source unavailable") }

// host is the test's side of the host connection: it records what it
// receives, in order.
type host struct {
	conn *transport.Stream
	ids  *idNames

	mu   sync.Mutex
	got  []string
	err  error // why reading stopped
	done chan struct{}
}

func (h *host) read() {
	defer close(h.done)
	for {
		raw, err := h.conn.Read()
		if err != nil {
			h.mu.Lock()
			h.err = err
			h.mu.Unlock()
			return
		}
		line := h.ids.normalise(string(raw))
		h.mu.Lock()
		h.got = append(h.got, line)
		h.mu.Unlock()
	}
}

func (h *host) received() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.got...)
}

// lockedBuffer collects the server's stderr.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// poll waits until cond holds or waitLimit passes.
func poll(cond func() bool) bool {
	deadline := time.Now().Add(waitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(2 * time.Millisecond)
	}
	return true
}

func readLines(path string) []string {
	data, err := os.ReadFile(path)
	if err != nil || len(data) == 0 {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

func goroutineDump() string {
	var b bytes.Buffer
	_ = pprof.Lookup("goroutine").WriteTo(&b, 1)
	return b.String()
}

func runTranscript(t *testing.T, file string) {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	a := parseTxtar(string(data))
	optText, _ := a.get("options")
	cfg, err := parseOptions(optText)
	if err != nil {
		t.Fatal(err)
	}
	script, ok := a.get("server")
	if !ok {
		t.Fatal("no server section")
	}
	hostScript, ok := a.get("host")
	if !ok {
		t.Fatal("no host section")
	}

	before := runtime.NumGoroutine()

	argv, env, logPath := mcptest.ScriptedServer(t, script)
	stderr := &lockedBuffer{}
	proc, err := transport.StartCommand(argv, &transport.CommandOptions{
		Env:             env,
		Stderr:          stderr,
		MaxMessageBytes: cfg.maxBytes,
		Grace:           cfg.grace,
	})
	if err != nil {
		t.Fatal(err)
	}
	hostConn, relayConn := pipe(cfg.maxBytes)
	ids := newIDNames()
	h := &host{conn: hostConn, ids: ids, done: make(chan struct{})}
	go h.read()

	rec := &recorder{}
	opts := cfg.opts
	opts.Sink = rec
	opts.SessionID = "transcript"
	mws := []relay.Middleware{cfg.names.Middleware()}
	if cfg.call != "" {
		mws = append(mws, callServer(cfg.call))
	}
	opts.Handler = relay.Chain(mws...)
	r := relay.New(relayConn, proc, &opts)
	runDone := make(chan error, 1)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go func() { runDone <- r.Run(ctx) }()

	// abort ends everything it can and fails the test with what is known.
	abort := func(format string, args ...any) {
		t.Helper()
		dump := goroutineDump()
		proc.Kill()
		_ = relayConn.Close()
		_ = hostConn.Close()
		t.Fatalf("%s\nhost received:\n%s\nserver received:\n%s\nserver stderr:\n%s\ngoroutines:\n%s",
			fmt.Sprintf(format, args...), strings.Join(h.received(), "\n"),
			strings.Join(readLines(logPath), "\n"), stderr.String(), dump)
	}

	closed := false
	for i, line := range strings.Split(hostScript, "\n") {
		n := i + 1
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		word, rest, _ := strings.Cut(trimmed, " ")
		switch word {
		case "wait-recv", "wait-server":
			want, err := strconv.Atoi(rest)
			if err != nil {
				t.Fatalf("host line %d: %v", n, err)
			}
			cond := func() bool { return len(h.received()) >= want }
			if word == "wait-server" {
				cond = func() bool { return len(readLines(logPath)) >= want }
			}
			if !poll(cond) {
				abort("host line %d: %s %d: timed out", n, word, want)
			}
		case "sleep":
			d, err := time.ParseDuration(rest)
			if err != nil {
				t.Fatalf("host line %d: %v", n, err)
			}
			time.Sleep(d)
		case "wait-run":
			select {
			case runErr := <-runDone:
				runDone <- runErr // for the end of the script
			case <-time.After(waitLimit):
				abort("host line %d: wait-run: Run did not return", n)
			}
		case "cancel-run":
			cancel()
		case "close":
			_ = hostConn.CloseWrite()
			closed = true
		default:
			if word == "send" {
				trimmed = rest
			}
			msg, err := ids.substitute(mcptest.Expand(trimmed))
			if err != nil {
				abort("host line %d: %v", n, err)
			}
			// A write fails once the relay has closed the host's side
			// (the server exited); the transcript shows what was received.
			if hostConn.Write([]byte(msg)) == nil {
				_ = hostConn.Flush()
			}
		}
	}
	if !closed {
		_ = hostConn.CloseWrite()
	}

	var runErr error
	select {
	case runErr = <-runDone:
	case <-time.After(waitLimit):
		abort("Run did not return")
	}
	waited := make(chan error, 1)
	go func() { waited <- proc.Wait() }()
	var exitErr error
	select {
	case exitErr = <-waited:
	case <-time.After(waitLimit):
		abort("the server did not exit")
	}
	_ = proc.Close()
	_ = relayConn.Close()
	select {
	case <-h.done:
	case <-time.After(waitLimit):
		abort("the host's reader did not end")
	}
	_ = hostConn.Close()

	// Leak checks: the server process has exited, and no goroutine of the
	// session is left.
	select {
	case <-proc.Done():
	default:
		t.Error("the server process is still running")
	}
	if !poll(func() bool { return runtime.NumGoroutine() <= before }) {
		t.Errorf("goroutines leaked: %d before, %d after\n%s", before, runtime.NumGoroutine(), goroutineDump())
	}

	// The golden sections, in the order that numbers the ids.
	got := map[string]string{}
	hostLines := h.received()
	got["host-received"] = joinLines(hostLines)
	serverLines := readLines(logPath)
	for i, l := range serverLines {
		serverLines[i] = ids.normalise(l)
	}
	got["server-received"] = joinLines(serverLines)
	rec.mu.Lock()
	var decisions []string
	for i := range rec.events {
		e := &rec.events[i]
		if e.Session != "transcript" || e.Mode != cfg.opts.Mode || e.Time.IsZero() {
			t.Errorf("event %+v: want session, mode and time set", e)
		}
		decisions = append(decisions, ids.normalise(formatEvent(e)))
	}
	rec.mu.Unlock()
	got["decisions"] = joinLines(decisions)
	exit := "run: ok\n"
	if runErr != nil {
		exit = "run: " + runErr.Error() + "\n"
	}
	if exitErr != nil {
		exit += "server: " + exitErr.Error() + "\n"
	} else {
		exit += "server: exit status 0\n"
	}
	got["exit"] = exit

	checkIDs(t, "host-received", hostLines)
	checkIDs(t, "server-received", serverLines)

	if *update {
		out := &txtar{comment: a.comment}
		for _, s := range a.sections {
			if !isGolden(s.name) {
				out.sections = append(out.sections, s)
			}
		}
		for _, name := range goldenSections {
			out.sections = append(out.sections, section{name, got[name]})
		}
		if err := os.WriteFile(file, out.format(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	for _, name := range goldenSections {
		want, _ := a.get(name)
		if want != got[name] {
			t.Errorf("%s differs (-want +got):\n%s", name, diff(want, got[name]))
		}
	}
	if t.Failed() {
		t.Logf("server stderr:\n%s", stderr.String())
	}
}

func isGolden(name string) bool {
	for _, g := range goldenSections {
		if g == name {
			return true
		}
	}
	return false
}

func joinLines(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}

// checkIDs checks guarantee 3 on one side's received messages: every
// request a side receives carries a ward id, never the other side's, and
// every response carries the side's own id, never a ward id. (Batches are
// left to the golden comparison.)
func checkIDs(t *testing.T, what string, lines []string) {
	t.Helper()
	for _, l := range lines {
		m, err := jsonrpc.Decode([]byte(normalisedToJSON(l)))
		if err != nil {
			continue
		}
		switch {
		case m.Kind == jsonrpc.KindRequest && !wardNameRE.Match(m.ID()):
			t.Errorf("%s: request with id %s, not a ward id: %s", what, m.ID(), l)
		case m.IsResponse() && wardNameRE.Match(m.ID()):
			t.Errorf("%s: response with ward's id %s: %s", what, m.ID(), l)
		}
	}
}

// normalisedToJSON makes a normalised line decodable again: $N → "$N".
func normalisedToJSON(l string) string {
	return nameRE.ReplaceAllStringFunc(l, func(s string) string { return `"` + s + `"` })
}

// pipe is transport.Pipe with a message size limit on the relay's side.
func pipe(maxBytes int) (hostSide, relaySide *transport.Stream) {
	ar, bw := io.Pipe()
	br, aw := io.Pipe()
	hostSide = transport.NewStream(ar, aw, &transport.StreamOptions{CloseRead: func() error { return ar.CloseWithError(transport.ErrClosed) }})
	relaySide = transport.NewStream(br, bw, &transport.StreamOptions{
		MaxMessageBytes: maxBytes,
		CloseRead:       func() error { return br.CloseWithError(transport.ErrClosed) },
	})
	return hostSide, relaySide
}

// diff returns a line diff of want and got: lines only in want start with
// "-", lines only in got with "+", common lines with a space.
func diff(want, got string) string {
	a := strings.Split(strings.TrimSuffix(want, "\n"), "\n")
	b := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	// lcs[i][j] is the length of the longest common subsequence of a[i:] and b[j:].
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out strings.Builder
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			out.WriteString("  " + a[i] + "\n")
			i++
			j++
		case i < len(a) && (j == len(b) || lcs[i+1][j] >= lcs[i][j+1]):
			out.WriteString("- " + a[i] + "\n")
			i++
		default:
			out.WriteString("+ " + b[j] + "\n")
			j++
		}
	}
	return out.String()
}
