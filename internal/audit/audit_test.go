package audit_test

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ward-mcp/ward/internal/audit"
	"github.com/ward-mcp/ward/internal/audit/audittest"
)

func TestReduceArguments(t *testing.T) {
	raw := json.RawMessage(`{"value":"ghp_secretsecret","long":"` + strings.Repeat("é", 200) + `","list":[1,2,3,4,5,6],"n":12345678901234567890}`)
	mask := func(s string) (string, bool) {
		if strings.HasPrefix(s, "ghp_") {
			return "[REDACTED:github-token]", true
		}
		return s, false
	}
	if got := audit.ReduceArguments(raw, audit.ArgumentsNone, nil); got != nil {
		t.Errorf("none kept %s", got)
	}
	if got := audit.ReduceArguments(raw, audit.ArgumentsFull, nil); string(got) != string(raw) {
		t.Errorf("full changed the arguments: %s", got)
	}
	got := audit.ReduceArguments(raw, audit.ArgumentsRedacted, &audit.ReduceOptions{MaxString: 21, MaxItems: 4, Mask: mask})
	var m map[string]any
	dec := json.NewDecoder(strings.NewReader(string(got)))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("redacted arguments are not JSON: %s", got)
	}
	if m["value"] != "[REDACTED:github-token]" {
		t.Errorf("value = %v", m["value"])
	}
	if l := m["long"].(string); l != strings.Repeat("é", 10)+audit.TruncatedMark {
		t.Errorf("long = %q (cut inside a rune?)", l)
	}
	if l := m["list"].([]any); len(l) != 5 || l[4] != "[2 more]" {
		t.Errorf("list = %v", l)
	}
	if m["n"].(json.Number).String() != "12345678901234567890" {
		t.Errorf("big number changed: %v", m["n"])
	}
	if string(audit.ReduceArguments(json.RawMessage(`{"a":`), audit.ArgumentsRedacted, nil)) != `{"_ward":"arguments were not valid JSON"}` {
		t.Error("invalid JSON not replaced by a note")
	}
	deep := strings.Repeat(`{"a":`, 40) + `1` + strings.Repeat(`}`, 40)
	if got := audit.ReduceArguments(json.RawMessage(deep), audit.ArgumentsRedacted, nil); !strings.Contains(string(got), "too deep") {
		t.Errorf("deep nesting kept: %s", got)
	}
	if _, err := audit.ParseArgumentsMode("secret"); err == nil {
		t.Error("unknown arguments mode accepted")
	}
	if m, _ := audit.ParseArgumentsMode(""); m != audit.ArgumentsRedacted {
		t.Errorf("default arguments mode = %s, want redacted", m)
	}
}

// TestReduceArgumentsCopies holds ReduceArguments to what it says of its
// result: raw itself when the redacted form is raw byte for byte, else a
// copy that shares nothing with raw, and no
// allocation for the usual small call.
func TestReduceArgumentsCopies(t *testing.T) {
	mask := func(s string) (string, bool) {
		if strings.HasPrefix(s, "ghp_") {
			return "[REDACTED:github-token]", true
		}
		return s, false
	}
	opts := &audit.ReduceOptions{Mask: mask}
	same := json.RawMessage(`{"a":[1,true,null],"path":"src/main.go","text":"hello"}`)
	if got := audit.ReduceArguments(same, audit.ArgumentsRedacted, opts); &got[0] != &same[0] || len(got) != len(same) {
		t.Errorf("canonical arguments copied: %s", got)
	}
	for _, raw := range []string{
		`{"text":"hello","path":"src/main.go"}`,       // members out of order
		`{ "path": "src/main.go" }`,                   // whitespace
		`{"token":"ghp_secretsecret"}`,                // masked
		`{"long":"` + strings.Repeat("x", 300) + `"}`, // cut
	} {
		in := json.RawMessage(raw)
		got := audit.ReduceArguments(in, audit.ArgumentsRedacted, opts)
		keep := string(got)
		for i := range in {
			in[i] = 'X'
		}
		if string(got) != keep {
			t.Errorf("%s: result changed with its input: %s", raw, got)
		}
	}
	if raceEnabled {
		return // allocation counts differ under the race detector
	}
	if n := testing.AllocsPerRun(100, func() { audit.ReduceArguments(same, audit.ArgumentsRedacted, opts) }); n != 0 {
		t.Errorf("reducing canonical arguments: %v allocations, want 0", n)
	}
	moved := json.RawMessage(`{"text":"hello","path":"src/main.go"}`)
	if n := testing.AllocsPerRun(100, func() { audit.ReduceArguments(moved, audit.ArgumentsRedacted, opts) }); n != 1 {
		t.Errorf("reducing reordered arguments: %v allocations, want 1 (the copy)", n)
	}
}

func TestSealIsDeterministicAndCoversEveryField(t *testing.T) {
	base := audittest.Sample(1)[0]
	seal := func(e audit.Event) string {
		h := audit.EmptyHead()
		if err := h.Seal(&e); err != nil {
			t.Fatal(err)
		}
		return e.Hash
	}
	want := seal(base)
	// Same content in another time zone and with other whitespace: same hash.
	same := base
	same.Time = base.Time.In(time.FixedZone("X", 3600))
	same.Arguments = json.RawMessage(`{ "path" : "/src/0", "n" : 0 }`)
	if got := seal(same); got != want {
		t.Errorf("equivalent event hashed differently")
	}
	changes := map[string]func(e *audit.Event){
		"time":      func(e *audit.Event) { e.Time = e.Time.Add(time.Nanosecond) },
		"session":   func(e *audit.Event) { e.Session = "x" },
		"server":    func(e *audit.Event) { e.Server = "x" },
		"host":      func(e *audit.Event) { e.Host = "x" },
		"client":    func(e *audit.Event) { e.Client.Version = "x" },
		"direction": func(e *audit.Event) { e.Direction = audit.ServerToHost },
		"method":    func(e *audit.Event) { e.Method = "x" },
		"kind":      func(e *audit.Event) { e.Kind = audit.KindPrompt },
		"name":      func(e *audit.Event) { e.Name = "x" },
		"decision":  func(e *audit.Event) { e.Decision = audit.Deny },
		"mode":      func(e *audit.Event) { e.Mode = audit.ModeAuditOnly },
		"rules":     func(e *audit.Event) { e.RuleIDs = []string{"x"} },
		"reasons":   func(e *audit.Event) { e.Reasons = []string{"x"} },
		"latency":   func(e *audit.Event) { e.Latency++ },
		"version":   func(e *audit.Event) { e.WardVersion = "x" },
		"arguments": func(e *audit.Event) { e.Arguments = json.RawMessage(`{"path":"/src/1","n":0}`) },
	}
	for name, change := range changes {
		e := base
		change(&e)
		if seal(e) == want {
			t.Errorf("changing %s does not change the hash", name)
		}
	}
	huge := base
	huge.Arguments = json.RawMessage(`{"n":1e999}`)
	h := audit.EmptyHead()
	if err := h.Seal(&huge); err != nil || string(huge.Arguments) != `"{\"n\":1e999}"` {
		t.Errorf("uncanonicalisable arguments: %v, %s", err, huge.Arguments)
	}
}

// failingStore fails every append while down is set.
type failingStore struct {
	audit.Store
	down atomic.Bool
}

func (f *failingStore) Append(ctx context.Context, evs []audit.Event) error {
	if f.down.Load() {
		return errors.New("disk on fire")
	}
	return f.Store.Append(ctx, evs)
}

type memStore struct {
	head audit.Head
	evs  []audit.Event
}

func (m *memStore) Append(_ context.Context, evs []audit.Event) error {
	for i := range evs {
		if err := m.head.Seal(&evs[i]); err != nil {
			return err
		}
	}
	m.evs = append(m.evs, evs...)
	return nil
}
func (m *memStore) AppendCheckpoint(context.Context, audit.Checkpoint) error { return nil }
func (m *memStore) Query(context.Context, audit.Filter) iter.Seq2[audit.Event, error] {
	return func(yield func(audit.Event, error) bool) {}
}
func (m *memStore) Checkpoints(context.Context) ([]audit.Checkpoint, error) { return nil, nil }
func (m *memStore) Stats(context.Context, audit.Filter) (*audit.Stats, error) {
	return &audit.Stats{}, nil
}
func (m *memStore) Close() error { return nil }

func TestWriterReportsUnavailableStore(t *testing.T) {
	fs := &failingStore{Store: &memStore{head: audit.EmptyHead()}}
	fs.down.Store(true)
	var errs atomic.Int32
	w := audit.NewWriter(fs, &audit.WriterOptions{RetryAfter: 20 * time.Millisecond, OnError: func(error) { errs.Add(1) }})
	evs := audittest.Sample(3)
	if err := w.Write(evs[0]); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(context.Background()); !errors.Is(err, audit.ErrUnavailable) {
		t.Fatalf("flush over a failing store = %v", err)
	}
	if w.Healthy() || w.Stats().Failed != 1 || errs.Load() != 1 {
		t.Fatalf("healthy=%v stats=%+v errors=%d", w.Healthy(), w.Stats(), errs.Load())
	}
	fs.down.Store(false)
	time.Sleep(30 * time.Millisecond)
	w.Write(evs[1])
	if err := w.Flush(context.Background()); err != nil {
		t.Fatalf("flush after recovery: %v", err)
	}
	if !w.Healthy() || w.Stats().Written != 1 {
		t.Fatalf("after recovery healthy=%v stats=%+v", w.Healthy(), w.Stats())
	}
	if err := w.Close(); err == nil {
		t.Fatal("close did not report the failed event")
	}
}

func TestFlushHonoursContext(t *testing.T) {
	release := make(chan struct{})
	w := audit.NewWriter(&memStore{head: audit.EmptyHead()}, &audit.WriterOptions{OnCommit: func([]audit.Event) { <-release }})
	w.Write(audittest.Sample(1)[0])
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := w.Flush(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("flush = %v, want deadline exceeded", err)
	}
	close(release)
	w.Close()
}

// nopStore accepts everything and keeps nothing.
type nopStore struct{ memStore }

func (nopStore) Append(context.Context, []audit.Event) error { return nil }

// BenchmarkWriterWrite measures what the relay pays per decision: one
// Write, a queue push. The store behind it does nothing, so that only the
// push is measured.
func BenchmarkWriterWrite(b *testing.B) {
	w := audit.NewWriter(&nopStore{}, &audit.WriterOptions{QueueSize: 1 << 16})
	e := audittest.Sample(1)[0]
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for w.Write(e) != nil {
			w.Flush(context.Background())
		}
	}
	b.StopTimer()
	w.Close()
}

func TestWriterRefusesMalformedEventAlone(t *testing.T) {
	m := &memStore{head: audit.EmptyHead()}
	w := audit.NewWriter(m, nil)
	evs := audittest.Sample(3)
	evs[1].Decision = "maybe"
	var refused int
	for _, e := range evs {
		if w.Write(e) != nil {
			refused++
		}
	}
	if err := w.Flush(context.Background()); err != nil {
		t.Fatalf("flush: %v", err)
	}
	if refused != 1 || !w.Healthy() || len(m.evs) != 2 || w.Stats().Invalid != 1 || w.Stats().Failed != 0 {
		t.Fatalf("refused=%d healthy=%v stored=%d stats=%+v", refused, w.Healthy(), len(m.evs), w.Stats())
	}
	if err := w.Close(); err != nil {
		t.Fatalf("close after a refused event: %v", err)
	}
}

// TestReduceArgumentsCutsMaskedStrings: a long value that holds a secret
// is cut like any other once the secret is masked. Kept whole, a file's
// content sent to write_file with one token in it was recorded in full
// (all of a 10 MiB argument), everything the detectors do not know
// included.
func TestReduceArgumentsCutsMaskedStrings(t *testing.T) {
	mask := func(s string) (string, bool) {
		if i := strings.Index(s, "ghp_"); i >= 0 {
			return s[:i] + "[REDACTED:github-token]" + s[i+len("ghp_secretsecret"):], true
		}
		return s, false
	}
	content := "password of the db: hunter2\n" + strings.Repeat("x", 10000) + " ghp_secretsecret " + strings.Repeat("y", 10000)
	raw, _ := json.Marshal(map[string]string{"content": content, "head": "ghp_secretsecret " + strings.Repeat("z", 1000)})
	got := audit.ReduceArguments(raw, audit.ArgumentsRedacted, &audit.ReduceOptions{Mask: mask})
	var m map[string]string
	if err := json.Unmarshal(got, &m); err != nil {
		t.Fatalf("redacted arguments are not JSON: %s", got)
	}
	for k, v := range m {
		if strings.Contains(v, "ghp_") {
			t.Errorf("%s keeps the secret", k)
		}
		if len(v) > 256+len(audit.TruncatedMark) || !strings.HasSuffix(v, audit.TruncatedMark) {
			t.Errorf("%s kept %d bytes, want at most 256 and the mark", k, len(v))
		}
	}
	if !strings.HasPrefix(m["head"], "[REDACTED:github-token] zzz") {
		t.Errorf("head = %.40q…", m["head"])
	}
}

// TestReduceArgumentsMasksSecretNames: the detectors see one string at a
// time, so a secret that only its member's name gives away was recorded
// as sent: a password, an API key without a known prefix, an AWS secret
// key in an env object (the detector needs "aws_secret_access_key" beside
// the value, as it is in a config file), a bearer token.
func TestReduceArgumentsMasksSecretNames(t *testing.T) {
	raw := json.RawMessage(`{"user":"alice","password":"hunter2","api_key":"k-81723981","env":{"AWS_SECRET_ACCESS_KEY":"Qm9vZGxlcy9KaGk3YnRsZ0RzK2x3ZXJ1bm5lclg0","HOME":"/home/alice"},
		"headers":{"Authorization":"Bearer abcdef0123456789","Accept":"*/*"},"credentials":{"pin":8172,"keys":["k1-secretvalue"]},
		"pageToken":"CAEQ","max_tokens":100,"clientSecret":"s3cr3tv4lue","refresh-token":"rt.98127"}`)
	got := audit.ReduceArguments(raw, audit.ArgumentsRedacted, nil)
	for _, secret := range []string{"hunter2", "k-81723981", "Qm9vZGxlcy9KaGk3", "abcdef0123456789", "8172", "k1-secretvalue", "s3cr3tv4lue", "rt.98127"} {
		if strings.Contains(string(got), secret) {
			t.Errorf("%s recorded: %s", secret, got)
		}
	}
	for _, kept := range []string{`"user":"alice"`, `"HOME":"/home/alice"`, `"Accept":"*/*"`, `"pageToken":"CAEQ"`, `"max_tokens":100`} {
		if !strings.Contains(string(got), kept) {
			t.Errorf("%s not kept: %s", kept, got)
		}
	}
}
