package jsonrpc

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// validInputs are JSON texts and near misses for the differential tests.
var validInputs = []string{
	``, ` `, `{}`, `[]`, ` {} `, "\t\r\n[]\n", `{`, `}`, `[`, `]`, `[}`, `{]`,
	`null`, `true`, `false`, `nul`, `nulll`, `tru`, `True`, `NULL`, `f`,
	`0`, `-0`, `1`, `-1`, `01`, `-01`, `00`, `1.`, `.1`, `1.0`, `1.e1`, `1e`, `1e+`, `1e-5`, `1E+5`, `-`, `+1`,
	`1.5e308`, `1e999`, `123456789012345678901234567890`, `0x10`, `1_000`, `Infinity`, `NaN`, `-Infinity`,
	`""`, `"`, `"a`, `"\"`, `"\\"`, `"\/"`, `"\b\f\n\r\t"`, `"\a"`, `"\x41"`, `"\'"`, `"\u"`, `"\u1"`, `"\u12"`,
	`"\u123"`, `"\u1234"`, `"\u12345"`, `"\uGGGG"`, `"\uD800"`, `"\uDC00\uD800"`, `"\ud83d\ude00"`, `"\U0041"`,
	"\"\x00\"", "\"\x1f\"", "\"\x7f\"", "\"\t\"", "\"\n\"", "\"é\"", "\"😀\"", "\"\u2028\"",
	`[1,2]`, `[1,]`, `[,1]`, `[1 2]`, `[[[]]]`, `[[[]]`, `[1]]`, `[1],`, `[1] [2]`,
	`{"a":1}`, `{"a":1,}`, `{"a"}`, `{"a":}`, `{:1}`, `{1:1}`, `{"a" 1}`, `{"a":1 "b":2}`, `{"a":1,"a":2}`,
	`{'a':1}`, `{"a":1}}`, `{"a":[1,{"b":null}]}`, `{"":""}`, "{\"a\"\n:\n1}",
	`// c`, `/* c */ 1`, `1 // c`, "\ufeff1", "1\x00", "\x00", "\v1", "\f1", "\u00a01", "1\u00a0",
	`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","arguments":{}}}`,
	`{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"a\nb"}]}}`,
}

// TestValidMatchesEncodingJSON checks Valid against encoding/json.Valid.
// ward is stricter on purpose in exactly two ways, checked separately below:
// it rejects invalid UTF-8 anywhere (encoding/json accepts it inside strings
// and substitutes U+FFFD when decoding), and it rejects nesting deeper than
// maxDepth (256; encoding/json allows 10000).
func TestValidMatchesEncodingJSON(t *testing.T) {
	check := func(in string) {
		t.Helper()
		if got, want := Valid([]byte(in)), stdValid([]byte(in)); got != want {
			t.Errorf("Valid(%q) = %v, encoding/json says %v", in, got, want)
		}
	}
	for _, in := range validInputs {
		check(in)
	}
	for _, tc := range decodeCases {
		check(tc.in)
	}
	// Random mutations of the inputs above: deletions, insertions and
	// replacements of structural bytes.
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("{}[]\",:\\ \n0123456789-+.eEtrufalsn/u\x00\x1f\x7f\xc3\xa9\xff")
	for n := 0; n < 200000; n++ {
		b := []byte(validInputs[r.IntN(len(validInputs))])
		if r.IntN(4) == 0 {
			b = []byte(decodeCases[r.IntN(len(decodeCases))].in)
		}
		for k := r.IntN(3) + 1; k > 0; k-- {
			c := alphabet[r.IntN(len(alphabet))]
			switch p := r.IntN(len(b) + 1); r.IntN(3) {
			case 0:
				if p < len(b) {
					b = append(b[:p], b[p+1:]...)
				}
			case 1:
				b = append(b[:p], append([]byte{c}, b[p:]...)...)
			default:
				if p < len(b) {
					b[p] = c
				}
			}
		}
		check(string(b))
	}
}

// stdValid is encoding/json.Valid restricted to ward's documented
// strictness: valid UTF-8 and bounded depth.
func stdValid(b []byte) bool {
	return json.Valid(b) && utf8.Valid(b) && depthOf(b) <= maxDepth
}

// depthOf returns the deepest nesting of arrays and objects in b, ignoring
// brackets inside strings. It assumes nothing about the validity of b.
func depthOf(b []byte) int {
	depth, deepest, inString := 0, 0, false
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case inString && c == '\\':
			i++
		case c == '"':
			inString = !inString
		case inString:
		case c == '[' || c == '{':
			depth++
			deepest = max(deepest, depth)
		case c == ']' || c == '}':
			depth--
		}
	}
	return deepest
}

// TestValidStricterThanEncodingJSON pins the two deliberate differences.
func TestValidStricterThanEncodingJSON(t *testing.T) {
	for _, in := range []string{
		"\"\xff\"",
		"\"\xc3\"",
		"\"\xed\xa0\x80\"", // a UTF-16 surrogate encoded as UTF-8
		"\"\xf4\x90\x80\x80\"",
		"{\"k\xfe\":1}",
		"[\"ok\",\"\xc0\xaf\"]",
		nested("[", "]", maxDepth+1),
		nested("[", "]", 10000),
		`{"a":` + strings.Repeat(`{"a":`, maxDepth) + `1` + strings.Repeat(`}`, maxDepth+1),
	} {
		if !json.Valid([]byte(in)) {
			t.Fatalf("encoding/json rejects %.40q: not a difference", in)
		}
		if Valid([]byte(in)) {
			t.Errorf("Valid(%.40q) = true, want false", in)
		}
	}
	for _, in := range []string{
		nested("[", "]", maxDepth),
		`{"a":` + strings.Repeat(`{"a":`, maxDepth-2) + `1` + strings.Repeat(`}`, maxDepth-1),
		strings.Repeat("[", maxDepth-1) + `{"a":"[[[[[[[[[["}` + strings.Repeat("]", maxDepth-1),
	} {
		if !Valid([]byte(in)) {
			t.Errorf("Valid(%.40q...) = false at depth %d", in, depthOf([]byte(in)))
		}
	}
	// Deep nesting must fail fast, not exhaust the stack.
	if Valid([]byte(strings.Repeat("[", 1<<20))) {
		t.Error("Valid accepted a million open brackets")
	}
}

// TestUnquoteMatchesEncodingJSON decodes strings both ways, including every
// combination of surrogate escapes.
func TestUnquoteMatchesEncodingJSON(t *testing.T) {
	units := []string{
		`a`, `é`, `😀`, `\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`, `\u0000`, `\u0041`, `\u00e9`,
		`\u2028`, `\uffff`, `\ufffd`, `\ud7ff`, `\ue000`, `\ud800`, `\udbff`, `\udc00`, `\udfff`, `\uD83D`, `\uDE00`,
		`\ud83d\ude00`, `u`, `\\u`, `d800`,
	}
	check := func(raw string) {
		t.Helper()
		var want string
		if err := json.Unmarshal([]byte(raw), &want); err != nil {
			t.Fatalf("encoding/json rejects %s: %v", raw, err)
		}
		got, ok := String([]byte(raw))
		if !ok || got != want {
			t.Errorf("String(%s) = %q, %v; encoding/json gives %q", raw, got, ok, want)
		}
		// Member names go through the same decoding.
		if m := Member([]byte(`{`+raw+`:1}`), want); string(m) != "1" {
			t.Errorf("Member by decoded name of %s = %q", raw, m)
		}
	}
	for _, a := range units {
		for _, b := range units {
			check(`"` + a + b + `"`)
			for _, c := range units {
				check(`"` + a + b + c + `"`)
			}
		}
	}
}

func TestScanNumber(t *testing.T) {
	for _, tc := range []struct {
		in      string
		end     int
		integer bool
		ok      bool
	}{
		{"0", 1, true, true},
		{"-0", 2, true, true},
		{"7,", 1, true, true},
		{"123}", 3, true, true},
		{"-123456789012345678901234567890", 31, true, true},
		{"01", 1, true, true}, // the caller rejects the trailing 1
		{"1.5", 3, false, true},
		{"1e5", 3, false, true},
		{"1E-5", 4, false, true},
		{"-0.0e+0", 7, false, true},
		{"-", 0, false, false},
		{"-x", 0, false, false},
		{"1.", 0, false, false},
		{"1.e5", 0, false, false},
		{"1e", 0, false, false},
		{"1e+", 0, false, false},
	} {
		end, integer, err := scanNumber([]byte(tc.in), 0)
		if (err == nil) != tc.ok || (tc.ok && (end != tc.end || integer != tc.integer)) {
			t.Errorf("scanNumber(%q) = %d, %v, %v; want %d, %v, ok %v", tc.in, end, integer, err, tc.end, tc.integer, tc.ok)
		}
	}
}

// scanStringRef is the byte-at-a-time string scanner that scanString's
// eight-bytes-at-a-time fast path must agree with.
func scanStringRef(data []byte, i int) (end int, escaped bool, err error) {
	i++
	for i < len(data) {
		switch c := data[i]; {
		case c == '"':
			return i + 1, escaped, nil
		case c == '\\':
			escaped = true
			if i+1 >= len(data) {
				return len(data), escaped, errTruncated
			}
			switch data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if len(data)-i < 6 {
					return len(data), escaped, errTruncated
				}
				for _, h := range data[i+2 : i+6] {
					if hexVal(h) < 0 {
						return i, escaped, errSyntax
					}
				}
				i += 6
			default:
				return i, escaped, errSyntax
			}
		case c < 0x20:
			return i, escaped, errSyntax
		default:
			i++
		}
	}
	return i, escaped, errTruncated
}

// TestScanStringFastPath puts every kind of byte that ends the fast path at
// every offset of a string, after runs of backslashes and multi-byte
// characters, and compares scanString with the byte-at-a-time scanner.
func TestScanStringFastPath(t *testing.T) {
	specials := []string{`"`, `\\`, `\"`, `\u005c`, `\x`, "\x00", "\x1f", "\n", "\x7f", "\x80", "\xa2", "\xdc", "é", "\u2028", `\`}
	check := func(data []byte) {
		t.Helper()
		end, esc, err := scanString(data, 0)
		rEnd, rEsc, rErr := scanStringRef(data, 0)
		if end != rEnd || esc != rEsc || err != rErr {
			t.Fatalf("scanString(%q) = %d, %v, %v; byte at a time: %d, %v, %v", data, end, esc, err, rEnd, rEsc, rErr)
		}
	}
	for off := 0; off < 20; off++ {
		for _, sp := range specials {
			for tail := 0; tail < 12; tail++ {
				body := strings.Repeat("a", off) + sp + strings.Repeat("b", tail)
				check([]byte(`"` + body))
				check([]byte(`"` + body + `"`))
				check([]byte(`"` + body + `","x":1}`))
			}
		}
	}
	pieces := []string{`\\`, `\"`, `a`, `\u005c`, `\/`, `é`, `\\\"`, `bcdefgh`}
	var walk func(body string, depth int)
	walk = func(body string, depth int) {
		check([]byte(`"` + body + `","x\"y"`))
		if depth < 4 {
			for _, p := range pieces {
				walk(body+p, depth+1)
			}
		}
	}
	walk("", 0)
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("ab\"\\u0/\x01\x1f\x7f\x80\xff ")
	for n := 0; n < 20000; n++ {
		b := make([]byte, 1+rng.IntN(40))
		b[0] = '"'
		for i := 1; i < len(b); i++ {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		check(b)
	}
}

func TestDuplicateName(t *testing.T) {
	for _, tc := range []struct {
		in   string
		name string // "" means no duplicate
	}{
		{`{}`, ``},
		{`[]`, ``},
		{`"{\"a\":1,\"a\":2}"`, ``},
		{`{"a":"\"a\":","b":1}`, ``},
		{`{"a\\":1,"a":2}`, ``},
		{`{"a\\":1,"a\u005c":2}`, `a\`},
		{`{"a":1,"b":{"a":1}}`, ``},
		{`{"a":1,"b":{"c":1,"c":[]}}`, `c`},
		{`[{"a":1},{"a":1},[{"b":true,"b":false}]]`, `b`},
		{`{"\ud800":1,"\udbff":2}`, "\ufffd"}, // both decode to U+FFFD
		{` { "x" : null , "x" : 1 } `, `x`},
		{`{` + manyMembers(8) + `,"k7":1}`, `k7`},
		{`{` + manyMembers(9) + `,"k8":1}`, `k8`},
		{`{` + manyMembers(9) + `,"k0":1}`, `k0`},
		{`{` + manyMembers(16) + `,"k15":1}`, `k15`},
		{`{` + manyMembers(17) + `,"k16":1}`, `k16`},
		{`{` + manyMembers(17) + `,"k0":1}`, `k0`},
		{`{` + manyMembers(100) + `}`, ``},
		{`[1,-2.5e3,true,false,null,"s",{"k":[{}]}]`, ``},
	} {
		data := []byte(strings.TrimSpace(tc.in))
		if !Valid(data) {
			t.Fatalf("%s is not valid", tc.in)
		}
		name, found := DuplicateName(data)
		if found != (tc.name != "") || name != tc.name {
			t.Errorf("DuplicateName(%s) = %q, %v; want %q", tc.in, name, found, tc.name)
		}
	}
}
