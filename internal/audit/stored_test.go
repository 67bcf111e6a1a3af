package audit

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gowebpki/jcs"
	"github.com/ward-mcp/ward/internal/jsonrpc"
)

// storedSeeds are events whose strings exercise every escape.
func storedSeeds() []Event {
	return []Event{
		{Schema: 1, Seq: 1, Time: time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC), Decision: Allow},
		{Schema: 1, Seq: 1<<64 - 1, Time: time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC), Session: "s\"\\\b\f\n\r\t\x00\x1f\x7f<>&",
			Server: "caf\u00e9 \u2028\u2029 \xff\xfe", Host: "h", Client: Client{Version: "1"}, Direction: "host->server",
			Method: "tools/call", Kind: "tool", Name: "n", Decision: Deny, Mode: "enforce", RuleIDs: []string{"a", "b\n"},
			Reasons: []string{""}, Latency: -5, WardVersion: "v", Arguments: json.RawMessage(" {\"a\" : [1, 2e3, \"<&>\"] } "),
			PrevHash: "p", Hash: "h"},
		{Schema: 1, Time: time.Date(1, 1, 1, 0, 0, 0, 1, time.FixedZone("x", 3600)), Client: Client{Name: "c"}, RuleIDs: []string{}},
	}
}

func TestAppendStoredMatchesMarshal(t *testing.T) {
	for _, e := range storedSeeds() {
		want, err := marshalReflect(&e)
		if err != nil {
			t.Fatal(err)
		}
		got, err := AppendStored(nil, &e)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("AppendStored = %s, %v\nMarshal      = %s", got, err, want)
		}
	}
}

func FuzzAppendStored(f *testing.F) {
	for _, e := range storedSeeds() {
		f.Add(e.Session, e.Server, e.Name, string(e.Arguments), int64(e.Latency), e.Seq, e.Time.UnixNano())
	}
	f.Fuzz(func(t *testing.T, s1, s2, s3, args string, lat int64, seq uint64, ns int64) {
		e := Event{Schema: 1, Seq: seq, Time: time.Unix(0, ns), Session: s1, Server: s2, Name: s3, Client: Client{Name: s3, Version: s1},
			RuleIDs: []string{s1, s2}, Reasons: []string{s3}, Latency: time.Duration(lat), Decision: Decision(s2), Arguments: json.RawMessage(args)}
		want, werr := marshalReflect(&e)
		got, gerr := AppendStored(nil, &e)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("Marshal error %v, AppendStored error %v", werr, gerr)
		}
		if werr == nil && !bytes.Equal(got, want) {
			t.Fatalf("AppendStored = %s\nMarshal      = %s", got, want)
		}
	})
}

// marshalReflect is Marshal by encoding/json, the reference for AppendStored.
func marshalReflect(e *Event) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(e); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// appendCompact must give json.Compact's bytes, and its errors, for any input.
func FuzzAppendCompact(f *testing.F) {
	for _, s := range []string{` { "a" : [ 1 , 2e3 , "x y\t" ] , "b" : { } } `, `"\u00e9 \" "`, "[1,\n2]", `{"a":1,}`, " 1 ", `"\ud800"`, "\"\xff\"", `[[[[]]]]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		var want bytes.Buffer
		werr := json.Compact(&want, src)
		got, gerr := appendCompact([]byte("prefix"), src)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("json.Compact error %v, appendCompact error %v", werr, gerr)
		}
		if werr == nil && string(got) != "prefix"+want.String() {
			t.Fatalf("appendCompact(%q) = %q, json.Compact %q", src, got, want.String())
		}
		if jsonrpc.Valid(src) {
			if got := compactValid(src); string(got) != want.String() {
				t.Fatalf("compactValid(%q) = %q, json.Compact %q", src, got, want.String())
			}
		}
	})
}

// The string encoders skip plain bytes eight at a time: a special byte at
// any offset, of any kind, must still be encoded as encoding/json (stored
// form) and RFC 8785 (canonical form) encode it.
func TestStringEncodersAtEveryOffset(t *testing.T) {
	for _, special := range []string{`"`, `\`, "\x00", "\x1f", "\x7f", " ", "é", "\xff", "\u2028", "\U0001F600", "\xe2\x80"} {
		for pre := range 20 {
			for post := range 10 {
				s := strings.Repeat("a", pre) + special + strings.Repeat("b", post)
				var want bytes.Buffer
				enc := json.NewEncoder(&want)
				enc.SetEscapeHTML(false)
				enc.Encode(s)
				if got := appendStoredString(nil, s); string(got) != strings.TrimSuffix(want.String(), "\n") {
					t.Fatalf("appendStoredString(%q) = %s, want %s", s, got, want.String())
				}
				m, _ := json.Marshal(s)
				wantJCS, err := jcs.Transform(m)
				if err != nil {
					t.Fatal(err)
				}
				if got := appendJCSString(nil, s); !bytes.Equal(got, wantJCS) {
					t.Fatalf("appendJCSString(%q) = %s, want %s", s, got, wantJCS)
				}
			}
		}
	}
}

// TestUnmarshalStoredReadsReplacedUTF8 reads a record stored before Seal
// replaced bytes that are not UTF-8: its strings hold \ufffd escapes where
// the stored form now writes U+FFFD as it is. The record is the same (the
// same decoded event, the same hash) and must not be called edited.
func TestUnmarshalStoredReadsReplacedUTF8(t *testing.T) {
	e := storedSeeds()[0]
	e.Name, e.Reasons = "read\xfffile", []string{`a \ufffd b`}
	e.Seq, e.Schema = 1, SchemaVersion
	legacy, err := AppendStored(nil, &e)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(legacy, []byte(`read\ufffdfile`)) {
		t.Fatalf("not the legacy form: %s", legacy)
	}
	got, err := UnmarshalStored(legacy)
	if err != nil {
		t.Fatalf("legacy record refused: %v", err)
	}
	if got.Name != "read\ufffdfile" || got.Reasons[0] != `a \ufffd b` {
		t.Fatalf("read %q %q", got.Name, got.Reasons)
	}
	// Any other way of writing it is still an edit, also next to the escape.
	for _, edit := range [][2]string{{`read\ufffdfile`, `read\ufffd\u0066ile`}, {`"name"`, `"Name"`}} {
		if _, err := UnmarshalStored(bytes.Replace(legacy, []byte(edit[0]), []byte(edit[1]), 1)); err == nil {
			t.Errorf("edit %s -> %s accepted", edit[0], edit[1])
		}
	}
}
