package jsonl

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ward-mcp/ward/internal/audit"
	"github.com/ward-mcp/ward/internal/audit/audittest"
)

func file(dir string) string { return filepath.Join(dir, "audit.jsonl") }

func open(t *testing.T, dir string) audit.Store {
	t.Helper()
	s, err := Open(file(dir), nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStore(t *testing.T) { audittest.Run(t, open) }

func TestTamper(t *testing.T) { audittest.RunTamper(t, open, tamperer{}) }

func TestSyncOption(t *testing.T) {
	audittest.Run(t, func(t *testing.T, dir string) audit.Store {
		s, err := Open(file(dir), &Options{Sync: true})
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestSecondWriterRefused(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	defer s.Close()
	if _, err := Open(file(dir), nil); err == nil {
		t.Fatal("a second writer opened the same log")
	}
	r, err := Open(file(dir), &Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("reader refused: %v", err)
	}
	if err := r.Append(context.Background(), audittest.Sample(1)); err == nil {
		t.Fatal("read-only store appended")
	}
}

func TestIncompleteLineCut(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	if err := s.Append(context.Background(), audittest.Sample(3)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	f, _ := os.OpenFile(file(dir), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"schema":1,"seq":4,"ti`)
	f.Close()
	r, _ := Open(file(dir), &Options{ReadOnly: true})
	if n := len(audittest.Collect(t, r, audit.Filter{})); n != 3 {
		t.Fatalf("reader sees %d events with a partial line, want 3", n)
	}
	s = open(t, dir)
	defer s.Close()
	evs := audittest.Sample(1)
	if err := s.Append(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
	rep, err := audit.Verify(context.Background(), s, nil)
	if err != nil || !rep.OK() || evs[0].Seq != 4 {
		t.Fatalf("after cutting the partial line: seq=%d %+v %v", evs[0].Seq, rep, err)
	}
}

func TestStream(t *testing.T) {
	var buf bytes.Buffer
	s := NewStream(&buf)
	evs := audittest.Sample(2)
	if err := s.Append(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("stream wrote %d lines", len(lines))
	}
	var e audit.Event
	if err := json.Unmarshal([]byte(lines[1]), &e); err != nil || e.Seq != 2 || e.PrevHash != evs[0].Hash {
		t.Fatalf("line 2 = %s (%v)", lines[1], err)
	}
	for _, err := range s.Query(context.Background(), audit.Filter{}) {
		if err == nil {
			t.Fatal("a stream was readable")
		}
	}
}

// TestEveryByteFlip flips bytes all over a log and checks that Verify never
// passes it.
func TestEveryByteFlip(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	key := audittest.Key()
	evs := audittest.Sample(6)
	if err := s.Append(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
	if err := s.AppendCheckpoint(context.Background(), audit.SignCheckpoint(key, 6, evs[5].Hash, evs[5].Time)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	orig, err := os.ReadFile(file(dir))
	if err != nil {
		t.Fatal(err)
	}
	pub := key.Public().(ed25519.PublicKey)
	step := 1
	if testing.Short() {
		step = 13
	}
	// The final newline is left alone: without it the last line reads as one
	// still being written, which is the same as cutting the last checkpoint,
	// and that Verify reports only as records not covered by a checkpoint.
	for i := 0; i < len(orig)-1; i += step {
		b := bytes.Clone(orig)
		b[i] ^= 0x20
		if b[i] == '\n' || orig[i] == '\n' {
			b[i] ^= 0x21
		}
		p := filepath.Join(t.TempDir(), "x.jsonl")
		os.WriteFile(p, b, 0o600)
		r, _ := Open(p, &Options{ReadOnly: true})
		rep, err := audit.Verify(context.Background(), r, pub)
		if err == nil && rep.OK() {
			t.Fatalf("flip of byte %d (%q in %q) not detected", i, orig[i], context50(orig, i))
		}
	}
}

func context50(b []byte, i int) string {
	lo, hi := max(0, i-25), min(len(b), i+25)
	return string(b[lo:hi])
}

// tamperer edits the file as someone with write access would.
type tamperer struct{}

type line struct {
	text []byte
	seq  uint64 // 0 for a checkpoint
}

func read(t *testing.T, dir string) []line {
	b, err := os.ReadFile(file(dir))
	if err != nil {
		t.Fatal(err)
	}
	var out []line
	for _, l := range bytes.SplitAfter(b, []byte("\n")) {
		if len(l) == 0 {
			continue
		}
		var e struct{ Seq uint64 }
		if !isCheckpoint(l) {
			json.Unmarshal(l, &e)
		}
		out = append(out, line{l, e.Seq})
	}
	return out
}

func write(t *testing.T, dir string, ls []line) {
	var b []byte
	for _, l := range ls {
		b = append(b, l.text...)
	}
	if err := os.WriteFile(file(dir), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func index(t *testing.T, ls []line, seq uint64) int {
	for i, l := range ls {
		if l.seq == seq {
			return i
		}
	}
	t.Fatalf("no line for seq %d", seq)
	return -1
}

func (tamperer) FlipByte(t *testing.T, dir string, seq uint64) {
	ls := read(t, dir)
	i := index(t, ls, seq)
	at := bytes.Index(ls[i].text, []byte(`"name":"`)) + len(`"name":"`)
	ls[i].text = bytes.Clone(ls[i].text)
	ls[i].text[at] ^= 0x01
	write(t, dir, ls)
}

func (tamperer) Delete(t *testing.T, dir string, seq uint64) {
	ls := read(t, dir)
	i := index(t, ls, seq)
	write(t, dir, append(ls[:i], ls[i+1:]...))
}

func (tamperer) Swap(t *testing.T, dir string, a, b uint64) {
	ls := read(t, dir)
	i, j := index(t, ls, a), index(t, ls, b)
	ls[i], ls[j] = ls[j], ls[i]
	write(t, dir, ls)
}

func (tamperer) CutTail(t *testing.T, dir string, seq uint64) {
	var keep []line
	for _, l := range read(t, dir) {
		if l.seq <= seq {
			keep = append(keep, l)
		}
	}
	write(t, dir, keep)
}

func (tamperer) Insert(t *testing.T, dir string, after uint64, e audit.Event) {
	ls := read(t, dir)
	i := index(t, ls, after)
	b, _ := audit.Marshal(&e)
	x := line{append(b, '\n'), e.Seq}
	ls = append(ls[:i+1], append([]line{x}, ls[i+1:]...)...)
	write(t, dir, ls)
}

var _ = fmt.Sprint

// TestReopenLargeLog reopens a log larger than the window recover reads from
// the end, with checkpoints last, and checks the chain continues.
func TestReopenLargeLog(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	key := audittest.Key()
	var last audit.Event
	for range 30 {
		evs := audittest.Sample(100)
		for i := range evs {
			evs[i].Reasons = []string{strings.Repeat("r", 300)}
		}
		if err := s.Append(context.Background(), evs); err != nil {
			t.Fatal(err)
		}
		last = evs[len(evs)-1]
	}
	s.AppendCheckpoint(context.Background(), audit.SignCheckpoint(key, last.Seq, last.Hash, last.Time))
	s.Close()
	if fi, _ := os.Stat(file(dir)); fi.Size() <= tailWindow {
		t.Fatalf("log of %d bytes is not larger than the %d-byte window", fi.Size(), tailWindow)
	}
	s = open(t, dir)
	defer s.Close()
	next := audittest.Sample(1)
	if err := s.Append(context.Background(), next); err != nil {
		t.Fatal(err)
	}
	if next[0].Seq != 3001 || next[0].PrevHash != last.Hash {
		t.Fatalf("after reopen: seq %d prev %s, want 3001 after %s", next[0].Seq, next[0].PrevHash, last.Hash)
	}
}

// TestVerifyBlamesOnlyTheUnreadableLine adds lines that are not records
// between records: each is reported as unreadable, and the genuine records
// after them are not called inserted, since they are where the chain
// expects them.
func TestVerifyBlamesOnlyTheUnreadableLine(t *testing.T) {
	for _, tc := range []struct {
		name string
		junk int  // lines of junk added after record 2
		over bool // the junk replaces record 3 instead
		want []audit.ProblemKind
	}{
		{name: "one", junk: 1, want: []audit.ProblemKind{audit.Unreadable}},
		{name: "two", junk: 2, want: []audit.ProblemKind{audit.Unreadable, audit.Unreadable}},
		{name: "replacing", junk: 1, over: true, want: []audit.ProblemKind{audit.Unreadable}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s := open(t, dir)
			if err := s.Append(context.Background(), audittest.Sample(5)); err != nil {
				t.Fatal(err)
			}
			s.Close()
			ls := read(t, dir)
			i := index(t, ls, 3)
			var junk []line
			for range tc.junk {
				junk = append(junk, line{text: []byte("not a record\n")})
			}
			rest := ls[i:]
			if tc.over {
				rest = ls[i+1:]
			}
			write(t, dir, append(append(ls[:i:i], junk...), rest...))
			r, err := Open(file(dir), &Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			rep, err := audit.Verify(context.Background(), r, nil)
			if err != nil {
				t.Fatal(err)
			}
			var got []audit.ProblemKind
			for _, p := range rep.Problems {
				got = append(got, p.Kind)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("problems %v, want kinds %v", rep.Problems, tc.want)
			}
			if rep.LastSeq != 5 {
				t.Errorf("last seq %d, want 5", rep.LastSeq)
			}
		})
	}
}

// TestRefusesSymlink plants a symbolic link where the log goes: ward must
// not cut the last line of the file it points to, append to it, or create
// the file a dangling link names.
func TestRefusesSymlink(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("line one\nline two without newline"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, file(dir)); err != nil {
		t.Fatal(err)
	}
	s, err := Open(file(dir), nil)
	if err == nil {
		s.Append(context.Background(), audittest.Sample(1))
		s.Close()
		t.Error("opened a log through a symbolic link")
	}
	if b, _ := os.ReadFile(victim); string(b) != "line one\nline two without newline" {
		t.Errorf("the file the link points to was changed: %q", b)
	}
	dangling := filepath.Join(dir, "d.jsonl")
	if err := os.Symlink(filepath.Join(dir, "elsewhere"), dangling); err != nil {
		t.Fatal(err)
	}
	if s, err := Open(dangling, nil); err == nil {
		s.Close()
		t.Error("opened a log through a dangling symbolic link")
	}
	if _, err := os.Lstat(filepath.Join(dir, "elsewhere")); err == nil {
		t.Error("created the file a dangling link points to")
	}
}

// TestLongLines writes an event whose line is longer than a reader takes
// (full arguments of a message over MaxLine, with --max-message-bytes
// raised) and adds such a line by hand: neither may make the rest of the
// log unreadable. The writer records the event with a note instead of
// arguments no reader would take; a reader reports an over-long line as
// one unreadable record and goes on.
func TestLongLines(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	evs := audittest.Sample(3)
	evs[1].Arguments = json.RawMessage(`{"content":"` + strings.Repeat("x", MaxLine) + `"}`)
	if err := s.Append(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
	s.Close()
	r, err := Open(file(dir), &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := audit.Verify(context.Background(), r, nil)
	if err != nil || !rep.OK() || rep.Records != 3 {
		t.Fatalf("verify after a long event: %v %+v", err, rep)
	}
	got := audittest.Collect(t, r, audit.Filter{})
	if len(got) != 3 || !strings.Contains(string(got[1].Arguments), "_ward") {
		t.Fatalf("read %d events; the long one has arguments of %d bytes", len(got), len(got[1].Arguments))
	}

	// A line of junk longer than MaxLine between records 1 and 2.
	ls := read(t, dir)
	i := index(t, ls, 2)
	junk := line{text: append(bytes.Repeat([]byte("j"), MaxLine+10), '\n')}
	write(t, dir, append(append(ls[:i:i], junk), ls[i:]...))
	rep, err = audit.Verify(context.Background(), r, nil)
	if err != nil {
		t.Fatalf("verify stopped at the long line: %v", err)
	}
	if len(rep.Problems) != 1 || rep.Problems[0].Kind != audit.Unreadable || rep.Problems[0].Position != 2 || rep.LastSeq != 3 {
		t.Fatalf("verify: %+v", rep)
	}
}

// TestVerifyWithoutKeyDoesNotBlameTheRecord edits a checkpoint's hash.
// With the audit key, verify names the checkpoint; without it, it cannot
// tell an edited checkpoint from a rewritten chain, and must not report
// the (genuine) record as rewritten as if the checkpoint were signed.
func TestVerifyWithoutKeyDoesNotBlameTheRecord(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	evs := audittest.Sample(6)
	key := audittest.Key()
	if err := s.Append(context.Background(), evs[:5]); err != nil {
		t.Fatal(err)
	}
	if err := s.AppendCheckpoint(context.Background(), audit.SignCheckpoint(key, 5, evs[4].Hash, evs[4].Time)); err != nil {
		t.Fatal(err)
	}
	if err := s.Append(context.Background(), evs[5:]); err != nil {
		t.Fatal(err)
	}
	s.Close()
	b, _ := os.ReadFile(file(dir))
	b = bytes.Replace(b, []byte(`"hash":"`+evs[4].Hash+`","time"`), []byte(`"hash":"`+evs[3].Hash+`","time"`), 1)
	if err := os.WriteFile(file(dir), b, 0o600); err != nil {
		t.Fatal(err)
	}
	r, _ := Open(file(dir), &Options{ReadOnly: true})
	rep, err := audit.Verify(context.Background(), r, key.Public().(ed25519.PublicKey))
	if err != nil || len(rep.Problems) != 1 || rep.Problems[0].Kind != audit.BadCheckpoint {
		t.Fatalf("with the key: %v %+v", err, rep)
	}
	rep, err = audit.Verify(context.Background(), r, nil)
	if err != nil || len(rep.Problems) != 1 {
		t.Fatalf("without the key: %v %+v", err, rep)
	}
	if d := rep.Problems[0].Detail; strings.Contains(d, "signed checkpoint") || !strings.Contains(d, "not checked") {
		t.Errorf("without the key: %s", d)
	}
}
