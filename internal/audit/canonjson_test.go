package audit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gowebpki/jcs"
)

// benchArguments is a tools/call arguments object of about 1 KiB, shaped like
// a write_file call: a long string with escapes, nested objects and arrays,
// non-ASCII text, numbers of several shapes and one secret.
var benchArguments = json.RawMessage(`{
  "path": "/home/user/project/src/internal/server/handler.go",
  "content": "package server\n\nimport (\n\t\"fmt\"\n\t\"net/http\"\n)\n\n// Handler answers \"hello\".\nfunc Handler(w http.ResponseWriter, r *http.Request) {\n\tfmt.Fprintf(w, \"hello, %s\\n\", r.URL.Path)\n}\n",
  "options": {"encoding": "utf-8", "create_dirs": true, "mode": 420, "backup": false, "overwrite": null,
    "tags": ["go", "server", "ünïcödé", "日本語", "emoji \ud83d\ude00"]},
  "env": {"HOME": "/home/user", "GITHUB_TOKEN": "ghp_0123456789abcdefghijABCDEFGHIJ012345", "LANG": "en_US.UTF-8", "PATH": "/usr/local/bin:/usr/bin:/bin"},
  "ratio": 0.75, "limit": 100000, "offset": -12, "scale": 1.5e3, "epsilon": 1e-9,
  "lines": [1, 2, 3, 5, 8, 13, 21, 34, 55, 89],
  "matrix": [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
  "description": "Write the HTTP handler of the example server; keep the file's mode and do not follow symlinks. Ünïcödé and \u00e9 escapes.",
  "metadata": {"author": {"name": "Jane Doe", "email": "jane@example.com"}, "reviewers": [{"name": "A"}, {"name": "B"}], "revision": 7}
}`)

func benchMask(s string) (string, bool) {
	if strings.HasPrefix(s, "ghp_") {
		return "[REDACTED:github-token]", true
	}
	return s, false
}

// BenchmarkReduceArguments measures what redacting a call's arguments costs
// the relay (or the writer, when it reduces on its own goroutine).
func BenchmarkReduceArguments(b *testing.B) {
	opts := &ReduceOptions{Mask: benchMask}
	b.SetBytes(int64(len(benchArguments)))
	b.ReportAllocs()
	for b.Loop() {
		ReduceArguments(benchArguments, ArgumentsRedacted, opts)
	}
}

// BenchmarkSealArguments measures sealing an event that carries the
// arguments, as recorded in full (raw) and redacted.
func BenchmarkSealArguments(b *testing.B) {
	for _, mode := range []ArgumentsMode{ArgumentsFull, ArgumentsRedacted} {
		b.Run(string(mode), func(b *testing.B) {
			e := Event{Time: time.Unix(1700000000, 123456789), Session: "s1", Server: "fs", Host: "laptop",
				Client: Client{Name: "claude-code", Version: "2.1.0"}, Direction: HostToServer, Method: "tools/call",
				Kind: KindTool, Name: "write_file", Decision: Allow, Mode: ModeEnforce, Latency: 1234 * time.Microsecond,
				WardVersion: "test", Arguments: ReduceArguments(benchArguments, mode, &ReduceOptions{Mask: benchMask})}
			h := EmptyHead()
			b.SetBytes(int64(len(e.Arguments)))
			b.ReportAllocs()
			for b.Loop() {
				ev := e
				if err := h.Seal(&ev); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// canonicalSeeds are inputs where RFC 8785 implementations go wrong: numbers
// of every shape, escapes, surrogates, names that sort differently in UTF-16
// and UTF-8, bytes that are not UTF-8, duplicates, nesting and size.
var canonicalSeeds = []string{
	`0`, `-0`, `-0.0`, `1`, `-1`, `123456789012345`, `-123456789012345`, `1234567890123456`,
	`9007199254740993`, `12345678901234567890`, `123456789012345678901234567890`,
	`1e21`, `1e20`, `1E+2`, `1e-7`, `1e-6`, `0.000001`, `0.1`, `1.50`, `-1.5e-300`, `5e-324`, `2e-324`,
	`1e308`, `1.7976931348623157e308`, `1.7976931348623159e308`, `1e309`, `1e400`, `-1e400`, `1e-400`,
	`0.30000000000000004`, `333333333.33333329`, `1e+0`, `[1.0, 10, 1e1, 100e-1]`,
	`true`, `false`, `null`, ` 1 `, "\t[ ]\n", `{}`, `""`,
	`"\u0000\u001f\u007f\u0080\u00ff\u2028\u2029\ufeff\uffff"`,
	`"\"\\\/\b\f\n\r\t"`, `"<&>'"`, `"\u003c\u0026\u003e"`,
	`"\ud83d\ude00"`, `"\uD83D\uDE00"`, `"\ud800"`, `"\udc00"`, `"\ud800x"`, `"\ud800\u0041"`,
	`"\ud800\n"`, `"\ud800\ud800\udc00"`, `"\udc00\ud800"`, `"\ud800\\u0041"`, `{"\ud800":1}`,
	"\"\xff\xfe\"", "\"\xed\xa0\x80\"", "\"a\x7fb\"", "{\"\xff\":1,\"\xfe\":2}", "{\"\xff\":1,\"\ufffd\":2}",
	"{\"\xff\":1,\"a\":2}", `{"\ufffd":1,"\ud83d\ude00":2}`,
	`{"\ud83d\ude00":1,"\uff61":2,"\u00e9":3,"e":4,"\u20ac":5,"\r":6,"1":7,"":8}`,
	`{"b":1,"a":2,"c":{"z":[{"y":1,"x":2}],"a":null}}`,
	`{"a":1,"a":2}`, `{"a":1,"\u0061":2}`, `{"a":1,"b":{"a":1,"a":2}}`, `{"\u00e9":1,"é":2}`,
	`{"peach":1,"péché":2,"pêche":3,"sin":4}`,
	`{"1":{"f":{"f":"hi","F":5},"\n":56.0},"10":{},"":"empty","a":{},"111":[{"e":"yes","E":"no"}],"A":{}}`,
	`{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"string":"\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/","literals":[null,true,false]}`,
	`[1,[2,[3,[4,[5,[6,[7,[8,[9,[10]]]]]]]]]]`,
	strings.Repeat(`[`, 100) + strings.Repeat(`]`, 100),
	strings.Repeat(`{"b":{"a":1},"a":`, 50) + `0` + strings.Repeat(`}`, 50),
	bigObject(300, true), bigObject(300, false),
	`[1 2]`, `[1,]`, `{"a":1,}`, `{"a" 1}`, `0x10`, `01`, `-`, `1.`, `.5`, `+1`, `NaN`, `Infinity`,
	`"\x"`, `"\u12"`, `"a`, `[`, `{"a":[}`, `tru`, `nul`, `[1]]`, `{"a":1}x`, "\"\x01\"",
}

// bigObject returns an object of n members named by decimal numbers, in
// ascending or descending order of their names.
func bigObject(n int, ascending bool) string {
	names := make([]string, n)
	for i := range names {
		names[i] = strconv.Itoa(i)
	}
	slices.Sort(names)
	if !ascending {
		slices.Reverse(names)
	}
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"%s":[%s,"\u00e9"]`, k, k)
	}
	b.WriteByte('}')
	return b.String()
}

// checkCanonicalJSON holds appendCanonicalJSON to what sealing did before:
// jcs.Transform of json.Compact for what json.Valid accepts, an error for
// the rest.
func checkCanonicalJSON(t *testing.T, data []byte) {
	t.Helper()
	got, err := appendCanonicalJSON(nil, data)
	if !json.Valid(data) {
		if err == nil {
			t.Fatalf("accepted invalid JSON %q as %q", data, got)
		}
		return
	}
	var compact bytes.Buffer
	if cerr := json.Compact(&compact, data); cerr != nil {
		t.Fatalf("json.Compact(%q): %v", data, cerr)
	}
	want, werr := jcs.Transform(compact.Bytes())
	if (err != nil) != (werr != nil) {
		t.Fatalf("canonical JSON of %q: error %v, jcs error %v (jcs gives %q, we give %q)", data, err, werr, want, got)
	}
	if err != nil {
		return
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("canonical JSON of %q:\n got %q\nwant %q", data, got, want)
	}
	if direct, derr := jcs.Transform(data); derr == nil && !bytes.Equal(direct, got) {
		t.Fatalf("jcs of %q without compacting gives %q, we give %q", data, direct, got)
	}
	again, err := appendCanonicalJSON([]byte("prefix"), got)
	if err != nil || string(again) != "prefix"+string(got) {
		t.Fatalf("canonical form %q not a fixed point: %q, %v", got, again, err)
	}
}

func TestCanonicalJSONMatchesJCS(t *testing.T) {
	for _, s := range canonicalSeeds {
		checkCanonicalJSON(t, []byte(s))
	}
}

func FuzzCanonicalJSON(f *testing.F) {
	for _, s := range canonicalSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(checkCanonicalJSON)
}

func TestCanonicalJSONExamples(t *testing.T) {
	for in, want := range map[string]string{
		`{"b":1,"a":2}`: `{"a":2,"b":1}`,
		// U+1F600 is the pair D83D DE00 in UTF-16, below U+FF61; in UTF-8
		// (and in code points) it sorts above.
		`{"\uff61":1,"\ud83d\ude00":2}`:     `{"😀":2,"｡":1}`,
		`{"\ud83d\ude00":2,"\uff61":1}`:     `{"😀":2,"｡":1}`,
		`[-0, 1.0, 1e21, 1e-7, 1E2, 10e-1]`: `[0,1,1e+21,1e-7,100,1]`,
		`"\u00e9\u001f\/"`:                  `"é\u001f/"`,
		`"\ud800\u0041"`:                    `"` + "\ufffd" + `"`,
		"\"\xff\"":                          "\"\xff\"",
	} {
		got, err := appendCanonicalJSON(nil, []byte(in))
		if err != nil || string(got) != want {
			t.Errorf("canonical JSON of %s = %s, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{`1e400`, `"\ud800"`, `{"a":1,"\u0061":2}`, `[1 2]`, ``, ` `} {
		if got, err := appendCanonicalJSON(nil, []byte(in)); err == nil {
			t.Errorf("canonical JSON of %q = %s, want an error", in, got)
		}
	}
}

// TestCanonicalJSONNesting holds the nesting limit to encoding/json's, so
// that what sealed before still seals.
func TestCanonicalJSONNesting(t *testing.T) {
	for _, n := range []int{maxNesting, maxNesting + 1} {
		for _, open := range []string{`[`, `{"a":`} {
			close := map[string]string{`[`: `]`, `{"a":`: `}`}[open]
			data := []byte(strings.Repeat(open, n) + `1` + strings.Repeat(close, n))
			_, err := appendCanonicalJSON(nil, data)
			if (err == nil) != json.Valid(data) {
				t.Errorf("nesting %d of %s: error %v, json.Valid %v", n, open, err, json.Valid(data))
			}
		}
	}
}

// TestCanonicalJSONLargeObject checks that sorting is not quadratic: an
// object of 200,000 members in reverse order.
func TestCanonicalJSONLargeObject(t *testing.T) {
	data := []byte(bigObject(200000, false))
	start := time.Now()
	got, err := appendCanonicalJSON(nil, data)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("canonicalising %d bytes took %v", len(data), d)
	}
	if string(got) != strings.ReplaceAll(bigObject(200000, true), `\u00e9`, "é") {
		t.Error("large object not sorted")
	}
}

// BenchmarkCanonicalJSON compares the one-pass canonicaliser with what
// sealing did before (json.Compact, then jcs.Transform).
func BenchmarkCanonicalJSON(b *testing.B) {
	b.Run("canonjson", func(b *testing.B) {
		b.SetBytes(int64(len(benchArguments)))
		b.ReportAllocs()
		buf := make([]byte, 0, 2048)
		for b.Loop() {
			if _, err := appendCanonicalJSON(buf[:0], benchArguments); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("compact+jcs", func(b *testing.B) {
		b.SetBytes(int64(len(benchArguments)))
		b.ReportAllocs()
		for b.Loop() {
			var c bytes.Buffer
			if err := json.Compact(&c, benchArguments); err != nil {
				b.Fatal(err)
			}
			if _, err := jcs.Transform(c.Bytes()); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// reduceBefore is ReduceArguments in Redacted mode as it was before it
// walked the raw JSON: decoded into Go values, reduced, marshalled.
func reduceBefore(raw json.RawMessage, o ReduceOptions) json.RawMessage {
	if !json.Valid(raw) {
		return json.RawMessage(`{"_ward":"arguments were not valid JSON"}`)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return json.RawMessage(`{"_ward":"arguments were not valid JSON"}`)
	}
	out, err := json.Marshal(reduceValueBefore(v, &o, 0, false))
	if err != nil {
		return json.RawMessage(`{"_ward":"arguments could not be reduced"}`)
	}
	return out
}

func reduceValueBefore(v any, o *ReduceOptions, depth int, secret bool) any {
	cut := func(s string, n int) string {
		if t := truncate(s, n); len(t) < len(s) {
			return t + TruncatedMark
		}
		return s
	}
	switch t := v.(type) {
	case json.Number:
		if secret {
			return SecretMark
		}
		return t
	case string:
		if secret {
			return SecretMark
		}
		if o.Mask != nil {
			if m, ok := o.Mask(t); ok {
				return cut(m, maskedCut(m, o.MaxString))
			}
		}
		return cut(t, o.MaxString)
	case []any:
		if depth >= o.MaxDepth {
			return fmt.Sprintf("[array of %d, too deep]", len(t))
		}
		n := min(len(t), o.MaxItems)
		out := make([]any, 0, n+1)
		for _, x := range t[:n] {
			out = append(out, reduceValueBefore(x, o, depth+1, secret))
		}
		if len(t) > n {
			out = append(out, fmt.Sprintf("[%d more]", len(t)-n))
		}
		return out
	case map[string]any:
		if depth >= o.MaxDepth {
			return fmt.Sprintf("[object of %d, too deep]", len(t))
		}
		out := make(map[string]any, min(len(t), o.MaxItems))
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i, k := range keys {
			if i == o.MaxItems {
				out["_ward_more"] = fmt.Sprintf("[%d more]", len(keys)-i)
				break
			}
			kk := k
			if o.Mask != nil {
				if m, ok := o.Mask(k); ok {
					kk = m
				}
			}
			out[cut(kk, o.MaxString)] = reduceValueBefore(t[k], o, depth+1, secret || !o.KeepSecretNames && SecretName(k))
		}
		return out
	default:
		return v
	}
}

// fuzzMask masks what holds "secret", turns what holds "more" into the name
// of the marker member and what holds "bad" into bytes that are not UTF-8,
// so that masked names collide with each other and with the marker.
func fuzzMask(s string) (string, bool) {
	switch {
	case strings.Contains(s, "secret"):
		return "[REDACTED]", true
	case strings.Contains(s, "more"):
		return "_ward_more", true
	case strings.Contains(s, "bad"):
		return "\xff" + s[:1], true
	}
	return s, false
}

// checkReduce holds ReduceArguments to what it recorded before: the same
// note for what is not JSON, else a record whose RFC 8785 form (what the
// hash covers) is the same.
func checkReduce(t *testing.T, raw []byte, o ReduceOptions) {
	t.Helper()
	got := ReduceArguments(raw, ArgumentsRedacted, &o)
	if len(raw) == 0 {
		if got != nil {
			t.Fatalf("empty arguments reduced to %q", got)
		}
		return
	}
	if o.MaxString <= 0 {
		o.MaxString = 256
	}
	if o.MaxItems <= 0 {
		o.MaxItems = 64
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = 16
	}
	want := reduceBefore(raw, o)
	if bytes.HasPrefix(want, []byte(`{"_ward"`)) || bytes.HasPrefix(got, []byte(`{"_ward"`)) {
		if !bytes.Equal(got, want) {
			t.Fatalf("reduced %q to %s, before %s", raw, got, want)
		}
		return
	}
	if !json.Valid(got) {
		t.Fatalf("reduced %q to invalid JSON %q", raw, got)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, want); err != nil {
		t.Fatal(err)
	}
	wantCanon, werr := jcs.Transform(compact.Bytes())
	gotCanon, gerr := appendCanonicalJSON(nil, got)
	if (werr != nil) != (gerr != nil) || !bytes.Equal(gotCanon, wantCanon) {
		t.Fatalf("reduced %q (%+v) to %q, canonical %q (%v); before %q, canonical %q (%v)",
			raw, o, got, gotCanon, gerr, want, wantCanon, werr)
	}
}

var reduceSeeds = []string{
	`{"path":"/etc/passwd","token":"secret","list":[1,2,3,4,5,6],"n":1e400,"m":-0.0}`,
	`{"b":1,"a":2,"c":3,"d":4,"e":5,"f":{"y":[1,[2,[3,[4,[5]]]]],"x":{"w":{"v":{"u":{}}}}}}`,
	`{"more1":1,"more2":2,"_ward_more":3,"a":4,"b":5,"c":6}`,
	`{"secret1":"a","secret2":"b","\u00e9":"\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"}`,
	`{"bad1":1,"bad2":2,"b":"bad"}`,
	`{"a":1,"a":2,"\u0061":3,"b":[1,2,3,4,5,6,7,8]}`,
	"{\"\xff\":1,\"\xfe\":2,\"\ufffd\":3}",
	`{"\ud83d\ude00":1,"\uff61":2,"\ud800":"\ud800\u0041\udc00"}`,
	`[[[[[{"a":1,"a":2,"b":3}]]]]]`, `[[[[{"a":1,"a":2,"b":3}]]]]`,
	`"` + strings.Repeat("é", 300) + `"`, `"\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"`,
	`[1.0, 1e21, 12345678901234567890, -0, true, false, null, "x"]`,
	` {"a" : [ 1 , 2 ] } `, `{"a":`, `[1 2]`, `{"a":1}x`, `1e400`, "\"\xff\"", `"\u2028<&>"`,
	`{"aaaaaaaaaaaaaaaaaaaaaaaaa":1,"aaaaaaaaaaaaaaaaaaaaaaaab":2}`,
	bigObject(20, false),
}

func TestReduceArgumentsAsBefore(t *testing.T) {
	for _, s := range reduceSeeds {
		for _, o := range []ReduceOptions{{MaxString: 8, MaxItems: 3, MaxDepth: 4, Mask: fuzzMask}, {Mask: fuzzMask}, {MaxItems: 1, MaxDepth: 1}} {
			checkReduce(t, []byte(s), o)
		}
	}
	deep := []byte(strings.Repeat(`[`, maxNesting) + strings.Repeat(`]`, maxNesting))
	checkReduce(t, deep, ReduceOptions{})
	checkReduce(t, append([]byte(`[`), append(deep, ']')...), ReduceOptions{})
}

func FuzzReduceArgumentsAsBefore(f *testing.F) {
	for _, s := range reduceSeeds {
		f.Add([]byte(s), uint8(8), uint8(3), uint8(4))
	}
	f.Fuzz(func(t *testing.T, raw []byte, maxString, maxItems, maxDepth uint8) {
		checkReduce(t, raw, ReduceOptions{MaxString: int(maxString % 32), MaxItems: int(maxItems % 8), MaxDepth: int(maxDepth % 8), Mask: fuzzMask})
	})
}
