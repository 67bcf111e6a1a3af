package jsonrpc

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

// The fuzz targets below run their seeds (the tables of the other tests plus
// testdata/fuzz/<Name>) as part of go test; explore with, for example,
//
//	go test -run '^$' -fuzz '^FuzzDecode$' -fuzztime 20s ./internal/jsonrpc

func addMessageSeeds(f *testing.F) {
	for _, tc := range decodeCases {
		f.Add([]byte(tc.in))
	}
	for _, s := range validInputs {
		f.Add([]byte(s))
	}
}

// FuzzDecode checks that Decode never panics, that it classifies parse
// errors exactly as Valid does, that what it accepts agrees with
// encoding/json, and that a message re-emitted with new parts decodes to
// the same message with those parts.
func FuzzDecode(f *testing.F) {
	addMessageSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		// Valid against encoding/json, modulo the documented strictness.
		if got, want := Valid(data), stdValid(data); got != want {
			t.Fatalf("Valid(%q) = %v, encoding/json says %v", data, got, want)
		}
		m, err := Decode(data)
		if err != nil {
			checkDecodeError(t, data, err)
			if de := AsDecodeError(err); strings.HasPrefix(de.Msg, "duplicate member") && !stdHasDuplicate(t, data) {
				t.Fatalf("Decode(%q): %v, but encoding/json sees no duplicate", data, err)
			}
			return
		}
		if !Valid(data) {
			t.Fatalf("Decode accepted %q, which is not valid JSON", data)
		}
		if name, found := DuplicateName(m.Raw); found != stdHasDuplicate(t, m.Raw) {
			t.Fatalf("DuplicateName(%q) = %q, %v; encoding/json disagrees", m.Raw, name, found)
		}
		checkAgainstEncodingJSON(t, m)

		// Re-emit with a new id (and, separately, new params or result).
		newID := []byte(`"ward-42"`)
		out := m.Append(nil, Edit{ID: newID})
		m2, err := Decode(out)
		if err != nil {
			t.Fatalf("Append(%q) = %q does not decode: %v", m.Raw, out, err)
		}
		wantID := newID
		if m.ID() == nil {
			wantID = nil
		}
		if m2.Kind != m.Kind || m2.Method != m.Method || !bytes.Equal(m2.ID(), wantID) ||
			!bytes.Equal(m2.Params(), m.Params()) || !bytes.Equal(m2.Result(), m.Result()) || !bytes.Equal(m2.Error(), m.Error()) {
			t.Fatalf("re-emitted %q as %q: kind %v→%v, method %q→%q, id %q, params %q→%q, result %q→%q",
				m.Raw, out, m.Kind, m2.Kind, m.Method, m2.Method, m2.ID(), m.Params(), m2.Params(), m.Result(), m2.Result())
		}
		before, id, after := m.Pieces(newID)
		if pieces := bytes.Join([][]byte{before, id, after}, nil); !bytes.Equal(pieces, out) {
			t.Fatalf("Pieces gives %q, Append gives %q", pieces, out)
		}
		if m.Params() != nil || m.Result() != nil {
			repl := []byte(`{"replaced":[1,"two"]}`)
			out := m.Append(nil, Edit{Params: repl, Result: repl})
			m3, err := Decode(out)
			if err != nil {
				t.Fatalf("Append with new params/result %q: %v", out, err)
			}
			if m3.Kind != m.Kind || !bytes.Equal(m3.ID(), m.ID()) ||
				(m.Params() != nil && !bytes.Equal(m3.Params(), repl)) || (m.Result() != nil && !bytes.Equal(m3.Result(), repl)) {
				t.Fatalf("Append with new params/result %q decodes as %v %q %q %q", out, m3.Kind, m3.ID(), m3.Params(), m3.Result())
			}
		}

		// The id can be recovered from the message and from its prefixes.
		checkRecoverPrefixes(t, m)
	})
}

func checkDecodeError(t *testing.T, data []byte, err error) {
	t.Helper()
	var de *DecodeError
	if !errors.As(err, &de) {
		t.Fatalf("Decode(%q) error %T", data, err)
	}
	switch de.Code {
	case CodeParseError:
		if Valid(data) {
			t.Fatalf("Decode(%q): parse error %q for valid JSON", data, de.Msg)
		}
	case CodeInvalidRequest:
		if !Valid(data) {
			t.Fatalf("Decode(%q): invalid request %q for bytes that are not JSON", data, de.Msg)
		}
	default:
		t.Fatalf("Decode(%q): code %d", data, de.Code)
	}
	if de.ID != nil {
		checkID(t, de.ID)
	}
	if de.Error() == "" {
		t.Fatal("empty error text")
	}
	// The error can always be answered with a well-formed response.
	resp := AppendError(nil, de.ID, de.Code, de.Error(), nil)
	if r, err := Decode(resp); err != nil || r.Kind != KindError {
		t.Fatalf("error response %q: %v", resp, err)
	}
}

// checkID checks that id is a usable JSON-RPC id token.
func checkID(t *testing.T, id []byte) {
	t.Helper()
	if !Valid(id) || len(id) == 0 || !utf8.Valid(id) {
		t.Fatalf("id %q is not valid JSON", id)
	}
	if id[0] == '"' {
		return
	}
	end, integer, err := scanNumber(id, 0)
	if err != nil || !integer || end != len(id) {
		t.Fatalf("id %q is neither a string nor an integer", id)
	}
}

// checkAgainstEncodingJSON decodes m.Raw with encoding/json and compares the
// envelope: the same members (case-sensitive, escapes decoded), the same raw
// values.
func checkAgainstEncodingJSON(t *testing.T, m *Message) {
	t.Helper()
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(m.Raw, &obj); err != nil {
		t.Fatalf("encoding/json rejects accepted message %q: %v", m.Raw, err)
	}
	if string(obj["jsonrpc"]) != `"2.0"` {
		t.Fatalf("%q: jsonrpc is %q", m.Raw, obj["jsonrpc"])
	}
	for _, p := range []struct {
		name string
		got  []byte
	}{{"id", m.ID()}, {"params", m.Params()}, {"result", m.Result()}, {"error", m.Error()}} {
		want, ok := obj[p.name]
		if ok != (p.got != nil) || !bytes.Equal(p.got, want) {
			t.Fatalf("%q: %s is %q, encoding/json finds %q (present %v)", m.Raw, p.name, p.got, want, ok)
		}
	}
	raw, ok := obj["method"]
	if ok != (m.Kind == KindRequest || m.Kind == KindNotification) {
		t.Fatalf("%q: kind %v, method present %v", m.Raw, m.Kind, ok)
	}
	if ok {
		var method string
		if err := json.Unmarshal(raw, &method); err != nil || method != m.Method {
			t.Fatalf("%q: method %q, encoding/json gives %q (%v)", m.Raw, m.Method, method, err)
		}
	}
}

// checkRecoverPrefixes checks that RecoverID finds the id of m in m.Raw and
// that no prefix of m.Raw yields any other id.
func checkRecoverPrefixes(t *testing.T, m *Message) {
	t.Helper()
	want := m.ID()
	if want != nil && string(want) == "null" {
		want = nil
	}
	if got := RecoverID(m.Raw); !bytes.Equal(got, want) {
		t.Fatalf("RecoverID(%q) = %q, want %q", m.Raw, got, want)
	}
	step := max(1, len(m.Raw)/512)
	for k := 0; k < len(m.Raw); k += step {
		if got := RecoverID(m.Raw[:k]); got != nil && !bytes.Equal(got, want) {
			t.Fatalf("RecoverID(%q) = %q, but the whole message has id %q", m.Raw[:k], got, want)
		}
	}
}

// FuzzRecoverID checks that RecoverID never panics and returns only usable
// ids, and only the id the whole message would have.
func FuzzRecoverID(f *testing.F) {
	addMessageSeeds(f)
	f.Add([]byte(`{"jsonrpc":"2.0","id":12`))
	f.Add([]byte(`{"\u0069d":"x",`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if id := RecoverID(data); id != nil {
			checkID(t, id)
		}
		if m, err := Decode(data); err == nil {
			checkRecoverPrefixes(t, m)
		}
	})
}

// FuzzMember compares Member and String with encoding/json on objects
// without duplicate members, and checks that neither panics on anything.
func FuzzMember(f *testing.F) {
	for _, tc := range decodeCases {
		f.Add([]byte(tc.in), "id")
		f.Add([]byte(tc.in), "method")
	}
	f.Add([]byte(`{"name":"echo","arguments":{"text":"hi"},"n\u0061me2":"x"}`), "name2")
	f.Add([]byte(`{"\ud83d\ude00":1,"\ud800":2}`), "😀")
	f.Fuzz(func(t *testing.T, obj []byte, key string) {
		got := Member(obj, key)
		String(obj)        // must not panic on anything
		DuplicateName(obj) // must not panic on anything
		if !Valid(obj) {
			return
		}
		if name, found := DuplicateName(obj); found != stdHasDuplicate(t, obj) {
			t.Fatalf("DuplicateName(%q) = %q, %v; encoding/json disagrees", obj, name, found)
		}
		first, dup, isObj := stdMembers(t, obj)
		if !isObj {
			if got != nil {
				t.Fatalf("Member(%q, %q) = %q on a non-object", obj, key, got)
			}
			return
		}
		if want, ok := first[key]; ok != (got != nil) || !bytes.Equal(got, want) {
			t.Fatalf("Member(%q, %q) = %q, encoding/json finds %q (dup %v)", obj, key, got, want, dup)
		}
		for k, want := range first {
			if got := Member(obj, k); !bytes.Equal(got, want) {
				t.Fatalf("Member(%q, %q) = %q, want %q", obj, k, got, want)
			}
			var s string
			err := json.Unmarshal(want, &s)
			isString := err == nil && want[0] == '"' // encoding/json accepts null too
			if got, ok := String(want); ok != isString || got != s {
				t.Fatalf("String(%q) = %q, %v; encoding/json gives %q, %v", want, got, ok, s, err)
			}
		}
	})
}

// stdMembers lists the top-level members of the valid JSON value obj with
// encoding/json: the first raw value of each decoded name, and whether a
// name occurs twice.
func stdMembers(t *testing.T, obj []byte) (first map[string][]byte, dup, isObj bool) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(obj))
	tok, err := dec.Token()
	if err != nil {
		t.Fatalf("encoding/json on valid %q: %v", obj, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, false, false
	}
	first = make(map[string][]byte)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatalf("encoding/json on valid %q: %v", obj, err)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("encoding/json on valid %q: %v", obj, err)
		}
		k := tok.(string)
		if _, ok := first[k]; ok {
			dup = true
			continue
		}
		first[k] = v
	}
	return first, dup, true
}

// FuzzSplitBatch checks SplitBatch against encoding/json.
func FuzzSplitBatch(f *testing.F) {
	for _, s := range []string{`[]`, `[1]`, `1`, `[1,]`, ` [ {"a":1} , "x" ] `, `{}`, `"["`, `[[],[[]]]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		elems, err := SplitBatch(data)
		if err != nil {
			de := AsDecodeError(err)
			if (de.Code == CodeParseError) == Valid(data) || (de.Code != CodeParseError && de.Code != CodeInvalidRequest) {
				t.Fatalf("SplitBatch(%q): code %d, Valid %v", data, de.Code, Valid(data))
			}
			return
		}
		var want []json.RawMessage
		if !Valid(data) || !IsBatch(data) || json.Unmarshal(data, &want) != nil {
			t.Fatalf("SplitBatch accepted %q", data)
		}
		if len(elems) == 0 || len(elems) != len(want) {
			t.Fatalf("SplitBatch(%q) = %d elements, encoding/json finds %d", data, len(elems), len(want))
		}
		for i := range elems {
			if !bytes.Equal(elems[i], want[i]) {
				t.Fatalf("SplitBatch(%q)[%d] = %q, want %q", data, i, elems[i], want[i])
			}
		}
	})
}

// FuzzAppendString checks that any Go string encodes to valid JSON that
// decodes back to it (invalid UTF-8 replaced byte by byte).
func FuzzAppendString(f *testing.F) {
	for _, s := range stringCorpus {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		enc := AppendString(nil, s)
		var got string
		if !Valid(enc) || json.Unmarshal(enc, &got) != nil || got != fixUTF8(s) {
			t.Fatalf("AppendString(%q) = %q decodes to %q", s, enc, got)
		}
		if back, ok := String(enc); !ok || back != got {
			t.Fatalf("String(AppendString(%q)) = %q, %v", s, back, ok)
		}
	})
}

// inflateMark is a byte that FuzzReader replaces with a run long enough to
// take the reader off its buffered path.
const inflateMark = '~'

// FuzzReader feeds a stream in differently chunked reads and compares what
// Reader returns with referenceItems: the same lines, oversize lines as
// TooLargeErrors followed by the lines after them.
func FuzzReader(f *testing.F) {
	f.Add([]byte("{\"a\":1}\n\n \r\n{\"b\":2}\r\nlast"), uint32(100), uint64(1))
	f.Add([]byte("short\n"+strings.Repeat("x", 300)+"\nafter\n"), uint32(200), uint64(2))
	f.Add([]byte("a\n~\nb\n~~~\nc"), uint32(readBufferSize), uint64(3))
	f.Add([]byte("~x\n~~\r\n~~~"), uint32(2*readBufferSize), uint64(4))
	f.Add([]byte("{\"id\":7,\"p\":\"~~\"}\n{\"id\":8}\n"), uint32(3*readBufferSize), uint64(5))
	f.Add([]byte("\n\n\n"), uint32(0), uint64(6))
	f.Fuzz(func(t *testing.T, data []byte, limit uint32, seed uint64) {
		var stream []byte
		marks := 0
		for _, c := range data {
			if c == inflateMark && marks < 6 {
				marks++
				stream = append(stream, bytes.Repeat([]byte{'x'}, readBufferSize/2+int(seed%97))...)
				continue
			}
			stream = append(stream, c)
		}
		max := 1 + int(limit%(4*readBufferSize))
		want := referenceItems(stream, max)
		for name, rd := range readers(stream, seed) {
			got, err := readAll(NewReader(rd, max))
			if err != nil {
				t.Fatalf("%s, limit %d: %v", name, max, err)
			}
			if d := diffItems(got, want); d != "" {
				t.Fatalf("%s, limit %d, %d-byte stream: %s", name, max, len(stream), d)
			}
		}
	})
}

// TestFuzzSeedCorpusPresent makes sure the committed seed corpus is where go
// test looks for it.
func TestFuzzSeedCorpusPresent(t *testing.T) {
	for _, name := range []string{"FuzzDecode", "FuzzRecoverID", "FuzzMember", "FuzzSplitBatch", "FuzzAppendString", "FuzzReader", "FuzzWalk"} {
		n, err := countFiles("testdata/fuzz/" + name)
		if err != nil || n == 0 {
			t.Errorf("no seed corpus for %s: %v", name, err)
		}
	}
}

func countFiles(dir string) (int, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	return len(entries), nil
}

// stdHasDuplicate reports, using encoding/json's tokenizer, whether any
// object in the valid JSON text data has a member name twice.
func stdHasDuplicate(t *testing.T, data []byte) bool {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // 1e999 is valid JSON but not a float64
	// Names are compared as encoding/json matches them to struct fields:
	// ignoring case (strings.EqualFold), the last match winning.
	type frame struct {
		names   map[string]bool
		wantKey bool
	}
	var stack []frame
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return false
		}
		if err != nil {
			t.Fatalf("encoding/json on valid %q: %v", data, err)
		}
		top := len(stack) - 1
		if top >= 0 && stack[top].names != nil && stack[top].wantKey {
			if k, ok := tok.(string); ok {
				for seen := range stack[top].names {
					if strings.EqualFold(seen, k) {
						return true
					}
				}
				stack[top].names[k] = true
				stack[top].wantKey = false
				continue
			}
		}
		if top >= 0 && stack[top].names != nil {
			stack[top].wantKey = true // the value is done (or begins)
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, frame{names: map[string]bool{}, wantKey: true})
		case json.Delim('['):
			stack = append(stack, frame{})
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:top]
			if len(stack) > 0 && stack[len(stack)-1].names != nil {
				stack[len(stack)-1].wantKey = true
			}
		}
	}
}
