package jsonrpc

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestAppend(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		edit Edit
		want string
	}{
		{
			name: "no edit copies the message",
			in:   ` {"jsonrpc":"2.0", "id" : 1,"method":"m","params":{"a":[1.50,"\u00e9"]},"x":null} `,
			want: `{"jsonrpc":"2.0", "id" : 1,"method":"m","params":{"a":[1.50,"\u00e9"]},"x":null}`,
		},
		{
			name: "new id",
			in:   `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x"}}`,
			edit: Edit{ID: []byte(`"w-17"`)},
			want: `{"jsonrpc":"2.0","id":"w-17","method":"tools/call","params":{"name":"x"}}`,
		},
		{
			name: "new id keeps the whitespace around it",
			in:   "{\"jsonrpc\":\"2.0\",\n \"id\" :\t\"abc\" ,\"method\":\"m\"}",
			edit: Edit{ID: []byte(`12345678901234567890`)},
			want: "{\"jsonrpc\":\"2.0\",\n \"id\" :\t12345678901234567890 ,\"method\":\"m\"}",
		},
		{
			name: "id and params, params first",
			in:   `{"params":{"name":"secret"},"jsonrpc":"2.0","method":"m","id":7}`,
			edit: Edit{ID: []byte(`8`), Params: []byte(`{"name":"[redacted]"}`)},
			want: `{"params":{"name":"[redacted]"},"jsonrpc":"2.0","method":"m","id":8}`,
		},
		{
			name: "id and result",
			in:   `{"jsonrpc":"2.0","result":{"tools":[{"name":"a"},{"name":"b"}]},"id":"w-1","_meta":{}}`,
			edit: Edit{ID: []byte(`3`), Result: []byte(`{"tools":[{"name":"a"}]}`)},
			want: `{"jsonrpc":"2.0","result":{"tools":[{"name":"a"}]},"id":3,"_meta":{}}`,
		},
		{
			name: "all three edits on a request touch only id and params",
			in:   `{"jsonrpc":"2.0","id":1,"method":"m","params":[]}`,
			edit: Edit{ID: []byte(`2`), Params: []byte(`[0]`), Result: []byte(`{}`)},
			want: `{"jsonrpc":"2.0","id":2,"method":"m","params":[0]}`,
		},
		{
			name: "error response with null id",
			in:   `{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}`,
			edit: Edit{ID: []byte(`"orig"`)},
			want: `{"jsonrpc":"2.0","id":"orig","error":{"code":-32700,"message":"Parse error"}}`,
		},
		{
			name: "notification has no id to replace",
			in:   `{"jsonrpc":"2.0","method":"notifications/progress","params":{"progress":1}}`,
			edit: Edit{ID: []byte(`5`), Params: []byte(`{"progress":2}`)},
			want: `{"jsonrpc":"2.0","method":"notifications/progress","params":{"progress":2}}`,
		},
		{
			name: "absent params are not added",
			in:   `{"jsonrpc":"2.0","id":1,"method":"ping"}`,
			edit: Edit{Params: []byte(`{}`)},
			want: `{"jsonrpc":"2.0","id":1,"method":"ping"}`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Decode([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			got := m.Append([]byte("prefix:"), tc.edit)
			if string(got) != "prefix:"+tc.want {
				t.Fatalf("Append =\n%s\nwant\n%s", got, "prefix:"+tc.want)
			}
			if _, err := Decode(got[len("prefix:"):]); err != nil {
				t.Errorf("Append output does not decode: %v", err)
			}
			// Pieces with the same id gives the same bytes when only the id is edited.
			if tc.edit.Params == nil && tc.edit.Result == nil {
				b, id, a := m.Pieces(tc.edit.ID)
				if got := string(b) + string(id) + string(a); got != tc.want {
					t.Errorf("Pieces = %s, want %s", got, tc.want)
				}
			}
		})
	}
}

func TestPiecesAlias(t *testing.T) {
	m, err := Decode([]byte(`{"jsonrpc":"2.0","id":1,"result":"` + strings.Repeat("x", 1000) + `"}`))
	if err != nil {
		t.Fatal(err)
	}
	before, id, after := m.Pieces([]byte(`"n"`))
	if &before[0] != &m.Raw[0] || &after[len(after)-1] != &m.Raw[len(m.Raw)-1] {
		t.Error("Pieces copied the message")
	}
	if string(id) != `"n"` {
		t.Errorf("id piece %q", id)
	}
	if b, id, a := m.Pieces(nil); !bytes.Equal(b, m.Raw) || id != nil || a != nil {
		t.Errorf("Pieces(nil) = %q %q %q", b, id, a)
	}
}

// stringCorpus holds Go strings that AppendString must encode correctly.
var stringCorpus = []string{
	"", "a", "tools/call", `"`, `\`, `"\"`, "<script>&</script>", "\x00", "\x01\x1f\x7f", "\b\f\n\r\t",
	"é", "中文", "😀", "\u2028\u2029", "\ufffd", "\uffff", "\U0010ffff",
	"\xff", "\xc3", "\xc3(", "\xed\xa0\x80", "\xed\xbf\xbf", "\xf4\x90\x80\x80", "\xc0\xaf", "a\xffb\xfe",
	"\xe2\x80", "\xe2\x80\xa8", "ok\x80", strings.Repeat("ab\x00é", 100),
}

// TestAppendStringMatchesEncodingJSON checks that AppendString produces
// valid JSON that encoding/json decodes to the input, with invalid UTF-8
// replaced by U+FFFD byte by byte.
func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	check := func(s string) {
		t.Helper()
		enc := AppendString([]byte("x"), s)[1:]
		if !Valid(enc) {
			t.Fatalf("AppendString(%q) = %s, not valid JSON", s, enc)
		}
		var got string
		if err := json.Unmarshal(enc, &got); err != nil {
			t.Fatalf("AppendString(%q) = %s: %v", s, enc, err)
		}
		if want := fixUTF8(s); got != want {
			t.Errorf("AppendString(%q) decodes to %q, want %q", s, got, want)
		}
		if back, ok := String(enc); !ok || back != got {
			t.Errorf("String(AppendString(%q)) = %q, %v", s, back, ok)
		}
		for _, c := range enc {
			if c < 0x20 || c == 0x7f || c == '<' || c == '>' || c == '&' {
				t.Errorf("AppendString(%q) = %q contains %q unescaped", s, enc, c)
			}
		}
		if bytes.Contains(enc, []byte("\u2028")) || bytes.Contains(enc, []byte("\u2029")) {
			t.Errorf("AppendString(%q) = %q contains a raw line separator", s, enc)
		}
	}
	for _, s := range stringCorpus {
		check(s)
	}
	for c := 0; c < 256; c++ {
		check(string([]byte{byte(c)}))
		check("a" + string([]byte{byte(c)}) + "é")
	}
	r := rand.New(rand.NewPCG(3, 4))
	for n := 0; n < 20000; n++ {
		b := make([]byte, r.IntN(12))
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		check(string(b))
	}
}

func TestAppendError(t *testing.T) {
	for _, tc := range []struct {
		id      string
		code    int
		message string
		data    string
		want    string
	}{
		{``, CodeParseError, "parse error", ``, `{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"parse error"}}`},
		{`7`, CodeDenied, `denied by rule "no-shell" <x>`, ``, `{"jsonrpc":"2.0","id":7,"error":{"code":-32001,"message":"denied by rule \"no-shell\" \u003cx\u003e"}}`},
		{`"a\"b"`, CodeTooLarge, "too large", `{"limit":10}`, `{"jsonrpc":"2.0","id":"a\"b","error":{"code":-32004,"message":"too large","data":{"limit":10}}}`},
		{`123456789012345678901234567890`, CodeTimeout, "bad\xffutf8\n", ``, `{"jsonrpc":"2.0","id":123456789012345678901234567890,"error":{"code":-32003,"message":"bad\ufffdutf8\n"}}`},
		{`null`, 0, "", ``, `{"jsonrpc":"2.0","id":null,"error":{"code":0,"message":""}}`},
		{`-1`, math.MinInt64, "min", ``, `{"jsonrpc":"2.0","id":-1,"error":{"code":-9223372036854775808,"message":"min"}}`},
	} {
		var id []byte
		if tc.id != "" {
			id = []byte(tc.id)
		}
		got := AppendError(nil, id, tc.code, tc.message, []byte(tc.data))
		if string(got) != tc.want {
			t.Errorf("AppendError =\n%s\nwant\n%s", got, tc.want)
		}
		m, err := Decode(got)
		if err != nil {
			t.Errorf("AppendError output %s: %v", got, err)
			continue
		}
		wantID := tc.id
		if wantID == "" {
			wantID = "null"
		}
		if m.Kind != KindError || string(m.ID()) != wantID {
			t.Errorf("AppendError output decodes as %v with id %s", m.Kind, m.ID())
		}
		var e struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		}
		if err := json.Unmarshal(m.Error(), &e); err != nil || e.Code != tc.code || e.Message != fixUTF8(tc.message) {
			t.Errorf("error object %s = %+v, %v", m.Error(), e, err)
		}
	}
	// The empty, non-nil id is null too.
	if got := AppendError(nil, []byte{}, 1, "x", nil); !bytes.Contains(got, []byte(`"id":null`)) {
		t.Errorf("AppendError with empty id = %s", got)
	}
}

func TestAppendResponseAndRequest(t *testing.T) {
	for _, tc := range []struct {
		got     []byte
		want    string
		kind    Kind
		method  string
		payload string
	}{
		{AppendResponse(nil, []byte(`"x"`), []byte(`{"tools":[]}`)), `{"jsonrpc":"2.0","id":"x","result":{"tools":[]}}`, KindResponse, "", `{"tools":[]}`},
		{AppendResponse(nil, []byte(`0`), []byte(`null`)), `{"jsonrpc":"2.0","id":0,"result":null}`, KindResponse, "", `null`},
		{AppendRequest(nil, []byte(`1`), "tools/call", []byte(`{"name":"a"}`)), `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a"}}`, KindRequest, "tools/call", `{"name":"a"}`},
		{AppendRequest(nil, []byte(`"p"`), "ping", nil), `{"jsonrpc":"2.0","id":"p","method":"ping"}`, KindRequest, "ping", ``},
		{AppendRequest(nil, nil, "notifications/cancelled", []byte(`{"requestId":1}`)), `{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}`, KindNotification, "notifications/cancelled", `{"requestId":1}`},
		{AppendRequest(nil, nil, "a\"<b>\u2028", nil), `{"jsonrpc":"2.0","method":"a\"\u003cb\u003e\u2028"}`, KindNotification, "a\"<b>\u2028", ``},
	} {
		if string(tc.got) != tc.want {
			t.Errorf("got\n%s\nwant\n%s", tc.got, tc.want)
			continue
		}
		m, err := Decode(tc.got)
		if err != nil {
			t.Errorf("%s: %v", tc.got, err)
			continue
		}
		payload := m.Params()
		if tc.kind == KindResponse {
			payload = m.Result()
		}
		if m.Kind != tc.kind || m.Method != tc.method || string(payload) != tc.payload {
			t.Errorf("%s decodes as %v %q %s", tc.got, m.Kind, m.Method, payload)
		}
	}
}

func TestAppendStringAllocs(t *testing.T) {
	s := strings.Repeat("plain ascii text é 😀 ", 20)
	buf := make([]byte, 0, 4*len(s))
	if n := testing.AllocsPerRun(100, func() { buf = AppendString(buf[:0], s) }); n != 0 {
		t.Errorf("AppendString into a large enough buffer allocates %v times", n)
	}
	if !utf8.Valid(buf) {
		t.Error("invalid UTF-8 output")
	}
}

// fixUTF8 replaces each byte of s that is not part of valid UTF-8 with
// U+FFFD, as encoding/json does when it marshals a string.
func fixUTF8(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		b.WriteRune(r) // RuneError for an invalid byte
		i += n
	}
	return b.String()
}

// appendStringByByte is AppendString as it was before its eight-byte
// fast path: the reference the fast path must match byte for byte.
func appendStringByByte(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if plainASCII[c] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// TestAppendStringEveryByte puts every byte value at every offset of a
// sixteen-byte string of plain bytes, where the eight-byte steps of
// AppendString must stop for it exactly when the byte is escaped.
func TestAppendStringEveryByte(t *testing.T) {
	for c := range 256 {
		for at := range 16 {
			b := []byte("abcdefghijklmnop")
			b[at] = byte(c)
			s := string(b)
			if got, want := AppendString(nil, s), appendStringByByte(nil, s); !bytes.Equal(got, want) {
				t.Fatalf("AppendString(%q) = %s, want %s", s, got, want)
			}
		}
	}
	for _, s := range []string{"", "a", "abcdefgh", "abcdefg\u2028", "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7", "héllo wörld, ça va?", "<script>alert(1)</script>&amp;", "\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f"} {
		if got, want := AppendString(nil, s), appendStringByByte(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("AppendString(%q) = %s, want %s", s, got, want)
		}
	}
}

func FuzzAppendStringByByte(f *testing.F) {
	for _, s := range stringCorpus {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := AppendString(nil, s), appendStringByByte(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("AppendString(%q) = %s, want %s", s, got, want)
		}
	})
}
