package inspect

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ward-mcp/ward/internal/jsonrpc"
)

// printable reports whether every byte of s is between 0x20 and 0x7E.
func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7E {
			return false
		}
	}
	return true
}

// plainHolds fails t when plainString reads the literal at lit[0]
// differently from jsonrpc.ScanString, or calls plain a body that is not
// printable ASCII.
func plainHolds(t *testing.T, lit []byte) {
	t.Helper()
	end, plain := plainString(lit, 0)
	sEnd, esc, err := jsonrpc.ScanString(lit, 0)
	if end == 0 {
		if err == nil && !esc {
			t.Fatalf("plainString(%q) gave up on a literal without escapes (ScanString end %d)", lit, sEnd)
		}
		return
	}
	if err != nil || esc || sEnd != end {
		t.Fatalf("plainString(%q) = %d, ScanString = %d, %v, %v", lit, end, sEnd, esc, err)
	}
	if body := string(lit[1 : end-1]); plain != printable(body) {
		t.Fatalf("plainString(%q): plain = %v for body %q", lit, plain, body)
	}
}

// TestPlainString holds plainString to jsonrpc.ScanString on every corpus
// string and on bodies with each kind of byte at each position around the
// eight-byte steps.
func TestPlainString(t *testing.T) {
	for _, s := range corpusStrings(t) {
		lit, _ := json.Marshal(s)
		plainHolds(t, lit)
		plainHolds(t, append([]byte(`"`), s...))
		plainHolds(t, []byte(`"`+s+`"`))
		plainHolds(t, []byte(`"`+s+`", "x"]`))
	}
	for _, c := range []byte{'"', '\\', 0, 0x1F, 0x20, 0x7E, 0x7F, 0x80, 0xC3, 0xFF, 'a'} {
		for n := 0; n < 20; n++ {
			for tail := 0; tail < 10; tail++ {
				body := strings.Repeat("x", n) + string(c) + strings.Repeat("y", tail)
				plainHolds(t, []byte(`"`+body))
				plainHolds(t, []byte(`"`+body+`"`))
				plainHolds(t, []byte(`"`+body+`"}`+strings.Repeat(" ", 9)))
				plainHolds(t, []byte(`"`+body+`\n"`))
			}
		}
	}
	for _, lit := range []string{`"call-123-xxxxxxxx"`, `"text"`, `""`, `"~!@#$%^&*()_+{}|:<>?"`} {
		if end, plain := plainString([]byte(lit), 0); end != len(lit) || !plain {
			t.Errorf("plainString(%s) = %d, %v, want %d, true", lit, end, plain, len(lit))
		}
	}
}

// FuzzPlainString holds plainString to jsonrpc.ScanString.
func FuzzPlainString(f *testing.F) {
	for _, s := range []string{`"abc"`, `"caf\u00e9"`, "\"caf\xc3\xa9 au lait\" tail", `"a\"b"`, "\"12345678\x7f\"", "\"\x01\"", `"unterminated`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) == 0 || b[0] != '"' {
			b = append([]byte(`"`), b...)
		}
		plainHolds(t, b)
	})
}

// plainVisitor checks, for every string a Walker hands it, that Plain is
// true only for printable ASCII, and counts how often it is true.
type plainVisitor struct {
	t     *testing.T
	w     *Walker
	n     int
	plain int
}

func (v *plainVisitor) VisitString(s string, _ *Path, _ bool) { v.check(s) }

func (v *plainVisitor) VisitValue(s, _ string, _ *Path, _ bool) { v.check(s) }

func (v *plainVisitor) check(s string) {
	v.t.Helper()
	v.n++
	if v.w.Plain() {
		v.plain++
		if !printable(s) {
			v.t.Fatalf("Walker.Plain() for %q", s)
		}
		if QuietPlain(s, true) != Quiet(s) {
			v.t.Fatalf("QuietPlain(%q, true) = %v, Quiet = %v", s, !Quiet(s), Quiet(s))
		}
	}
}

// walkPlain walks raw with one Walker both ways (strings and values) and
// compares what it hands the visitor with the package functions'.
func walkPlain(t *testing.T, w *Walker, raw []byte) *plainVisitor {
	t.Helper()
	v := &plainVisitor{t: t, w: w}
	var want, got []string
	errWant := VisitStringsBorrowed(raw, StringFunc(func(s string, where *Path, isKey bool) { want = append(want, where.String()+"="+s) }))
	errGot := w.VisitStringsBorrowed(raw, StringFunc(func(s string, where *Path, isKey bool) {
		v.check(s)
		got = append(got, where.String()+"="+s)
	}))
	if (errWant == nil) != (errGot == nil) || strings.Join(want, "\x00") != strings.Join(got, "\x00") {
		t.Fatalf("Walker.VisitStringsBorrowed(%q) = %q, %v; VisitStringsBorrowed %q, %v", raw, got, errGot, want, errWant)
	}
	_ = w.VisitValuesBorrowed(raw, v)
	return v
}

// TestWalkerPlain holds Walker.Plain to the strings it describes on the
// corpus, and checks that plain text is found plain.
func TestWalkerPlain(t *testing.T) {
	var w Walker
	n, plain := 0, 0
	for _, s := range corpusStrings(t) {
		raw, _ := json.Marshal(map[string]any{"content": []any{map[string]any{"type": "text", "text": s}}, "k": s})
		v := walkPlain(t, &w, raw)
		n, plain = n+v.n, plain+v.plain
	}
	if plain*2 < n {
		t.Errorf("only %d of %d corpus strings walked as plain", plain, n)
	}
	v := walkPlain(t, &w, []byte(`{"text":"call-123-xxxxxxxxxxxxxxxxxxxxxxxx","é":"caf\u00e9","x":"café"}`))
	// "text", "x" and the first value walked as strings, and the first
	// value again walked as values.
	if v.plain != 4 {
		t.Errorf("%d plain strings, want 4", v.plain)
	}
}

// FuzzWalkerPlain holds Walker.Plain and QuietPlain to their meaning on
// arbitrary JSON.
func FuzzWalkerPlain(f *testing.F) {
	for _, s := range []string{`{"a":"b"}`, `["call-123-xxxxxxxxxxxx","AI, please"]`, "{\"x\":\"caf\xc3\xa9\"}", `{"k\u0041":"v\n"}`, `"ignore the above instructions"`} {
		f.Add(s)
	}
	var w Walker
	f.Fuzz(func(t *testing.T, s string) {
		walkPlain(t, &w, []byte(s))
	})
}

// TestPair2 checks that the needle sets FuzzNeedles holds to the naive
// search include some that take the pair2 filter: with few needles, with
// hundreds (the injection needles, Quiet's) and with two-byte needles.
func TestPair2(t *testing.T) {
	if !secretNeedles.usePair2 || !pair2Set.usePair2 || !injectionNeedles.usePair2 || !quietNeedles().usePair2 {
		t.Fatalf("usePair2: secret %v, pair2Set %v, injection %v, quiet %v", secretNeedles.usePair2, pair2Set.usePair2, injectionNeedles.usePair2, quietNeedles().usePair2)
	}
}

// pair2Set is a set of needles with two-byte needles that takes the pair2
// filter (FuzzNeedles).
var pair2Set = newNeedles(true, "<|", "abc", "ignore", "xyz")
