package jsonrpc

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// decodeCase is one row of the Decode table. Optional strings are compared
// only when the case expects success; "" means the part must be absent.
type decodeCase struct {
	name   string
	in     string
	kind   Kind
	method string
	id     string // raw id text; "" means no id
	params string
	result string
	errObj string
	// code is the expected DecodeError code; 0 means Decode must succeed.
	code int
	// errID is the id the DecodeError must carry ("" for none, answered as null).
	errID string
}

// manyMembers returns n distinct members "k0":0,"k1":0,... without braces.
func manyMembers(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf(`"k%d":%d`, i, i)
	}
	return strings.Join(parts, ",")
}

func nested(open, close string, n int) string {
	return strings.Repeat(open, n) + strings.Repeat(close, n)
}

var decodeCases = []decodeCase{
	// MCP message shapes.
	{
		name:   "tools/call request",
		in:     `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"}}}`,
		kind:   KindRequest,
		method: "tools/call",
		id:     `1`,
		params: `{"name":"echo","arguments":{"text":"hi"}}`,
	},
	{
		name:   "initialize with string id",
		in:     `{"jsonrpc":"2.0","id":"init-1","method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"c","version":"1"}}}`,
		kind:   KindRequest,
		method: "initialize",
		id:     `"init-1"`,
		params: `{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"c","version":"1"}}`,
	},
	{
		name:   "request without params",
		in:     `{"jsonrpc":"2.0","id":2,"method":"ping"}`,
		kind:   KindRequest,
		method: "ping",
		id:     `2`,
	},
	{
		name:   "params array",
		in:     `{"jsonrpc":"2.0","id":3,"method":"sum","params":[1,2.5e3,"x",null,{"a":[]}]}`,
		kind:   KindRequest,
		method: "sum",
		id:     `3`,
		params: `[1,2.5e3,"x",null,{"a":[]}]`,
	},
	{
		name:   "empty params object and member order reversed",
		in:     `{"params":{},"method":"tools/list","id":4,"jsonrpc":"2.0"}`,
		kind:   KindRequest,
		method: "tools/list",
		id:     `4`,
		params: `{}`,
	},
	{
		name:   "notification",
		in:     `{"jsonrpc":"2.0","method":"notifications/initialized"}`,
		kind:   KindNotification,
		method: "notifications/initialized",
	},
	{
		name:   "notification with params",
		in:     `{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"t","progress":0.5,"total":1}}`,
		kind:   KindNotification,
		method: "notifications/progress",
		params: `{"progressToken":"t","progress":0.5,"total":1}`,
	},
	{
		name:   "response",
		in:     `{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"hi"}],"isError":false}}`,
		kind:   KindResponse,
		id:     `1`,
		result: `{"content":[{"type":"text","text":"hi"}],"isError":false}`,
	},
	{
		name:   "response with null result",
		in:     `{"jsonrpc":"2.0","id":"a","result":null}`,
		kind:   KindResponse,
		id:     `"a"`,
		result: `null`,
	},
	{
		name:   "response whose result looks like a request",
		in:     `{"jsonrpc":"2.0","id":9,"result":{"method":"x","id":10,"params":[]}}`,
		kind:   KindResponse,
		id:     `9`,
		result: `{"method":"x","id":10,"params":[]}`,
	},
	{
		name:   "error response",
		in:     `{"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"Method not found"}}`,
		kind:   KindError,
		id:     `1`,
		errObj: `{"code":-32601,"message":"Method not found"}`,
	},
	{
		name:   "error response with id null",
		in:     `{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}`,
		kind:   KindError,
		id:     `null`,
		errObj: `{"code":-32700,"message":"Parse error"}`,
	},
	{
		name:   "unknown extra members are kept",
		in:     `{"jsonrpc":"2.0","x-trace":{"span":[1,2]},"id":5,"method":"tools/call","_meta":null,"params":{"name":"a"}}`,
		kind:   KindRequest,
		method: "tools/call",
		id:     `5`,
		params: `{"name":"a"}`,
	},

	// Ids are kept exactly as sent.
	{name: "id zero", in: `{"jsonrpc":"2.0","id":0,"method":"m"}`, kind: KindRequest, method: "m", id: `0`},
	{name: "negative id", in: `{"jsonrpc":"2.0","id":-42,"method":"m"}`, kind: KindRequest, method: "m", id: `-42`},
	{name: "minus zero id", in: `{"jsonrpc":"2.0","id":-0,"method":"m"}`, kind: KindRequest, method: "m", id: `-0`},
	{name: "id beyond int64", in: `{"jsonrpc":"2.0","id":9223372036854775808,"method":"m"}`, kind: KindRequest, method: "m", id: `9223372036854775808`},
	{name: "id beyond float64 precision", in: `{"jsonrpc":"2.0","id":9007199254740993,"result":1}`, kind: KindResponse, id: `9007199254740993`, result: `1`},
	{
		name:   "huge negative id",
		in:     `{"jsonrpc":"2.0","id":-123456789012345678901234567890123456789012345678901234567890,"method":"m"}`,
		kind:   KindRequest,
		method: "m",
		id:     `-123456789012345678901234567890123456789012345678901234567890`,
	},
	{name: "empty string id", in: `{"jsonrpc":"2.0","id":"","method":"m"}`, kind: KindRequest, method: "m", id: `""`},
	{
		name:   "string id with escapes",
		in:     `{"jsonrpc":"2.0","id":"a\"b\\c\/d\n\u00e9\ud83d\ude00\ud800","method":"m"}`,
		kind:   KindRequest,
		method: "m",
		id:     `"a\"b\\c\/d\n\u00e9\ud83d\ude00\ud800"`,
	},
	{
		name:   "string id with raw unicode",
		in:     `{"jsonrpc":"2.0","id":"идентификатор-😀-\u2028","result":{}}`,
		kind:   KindResponse,
		id:     `"идентификатор-😀-\u2028"`,
		result: `{}`,
	},

	// Member names: escapes decoded, case kept.
	{
		name:   "escaped member names",
		in:     `{"\u006asonrpc":"2.0","\u0069d":5,"m\u0065thod":"ping","par\u0061ms":{}}`,
		kind:   KindRequest,
		method: "ping",
		id:     `5`,
		params: `{}`,
	},
	{
		name:   "escaped method value",
		in:     `{"jsonrpc":"2.0","id":1,"method":"tools\/c\u0061ll"}`,
		kind:   KindRequest,
		method: "tools/call",
		id:     `1`,
	},
	{
		// ward reads names case-sensitively, but to encoding/json (mcp-go)
		// "Id" is the id: refused rather than read two ways.
		name: "an envelope member in another case",
		in:   `{"jsonrpc":"2.0","Id":1,"method":"notifications/x"}`,
		code: CodeInvalidRequest,
	},
	{
		name:  "the method twice, in two cases",
		in:    `{"jsonrpc":"2.0","id":1,"method":"ping","Method":"tools/call"}`,
		code:  CodeInvalidRequest,
		errID: `1`,
	},
	{
		name:  "same name in another case is a duplicate",
		in:    `{"jsonrpc":"2.0","id":1,"method":"m","x":1,"X":2,"x ":3}`,
		code:  CodeInvalidRequest,
		errID: `1`,
	},
	{
		name:   "names that differ by more than case",
		in:     `{"jsonrpc":"2.0","id":1,"method":"m","x":1,"x ":3,"xx":4}`,
		kind:   KindRequest,
		method: "m",
		id:     `1`,
	},
	{
		name:   "whitespace everywhere",
		in:     " \t\r\n{ \"jsonrpc\" :\t\"2.0\" ,\n\"id\"\r\n:\t7 , \"method\" : \"m\" , \"params\" : [ 1 , { } ] \n}\r\n\t ",
		kind:   KindRequest,
		method: "m",
		id:     `7`,
		params: `[ 1 , { } ]`,
	},
	{
		name:   "nesting at the limit",
		in:     `{"jsonrpc":"2.0","id":1,"method":"m","params":` + nested("[", "]", maxDepth-1) + `}`,
		kind:   KindRequest,
		method: "m",
		id:     `1`,
		params: nested("[", "]", maxDepth-1),
	},

	// Not JSON: parse error, with the id when it came before the damage.
	{name: "empty", in: ``, code: CodeParseError},
	{name: "blank", in: " \r\n\t", code: CodeParseError},
	{name: "garbage", in: `hello`, code: CodeParseError},
	{name: "truncated", in: `{"jsonrpc":"2.0","id":7,"method":"m"`, code: CodeParseError, errID: `7`},
	{name: "truncated in params", in: `{"jsonrpc":"2.0","id":"q","method":"m","params":{"a":`, code: CodeParseError, errID: `"q"`},
	{name: "truncated before id", in: `{"jsonrpc":"2.0","method":"m","params":{"a":`, code: CodeParseError},
	{name: "truncated inside an integer id", in: `{"jsonrpc":"2.0","method":"m","id":12`, code: CodeParseError},
	{name: "trailing data", in: `{"jsonrpc":"2.0","id":7,"method":"m"} {}`, code: CodeParseError, errID: `7`},
	{name: "two messages", in: `{"jsonrpc":"2.0","id":1,"method":"m"}{"jsonrpc":"2.0","id":2,"method":"m"}`, code: CodeParseError, errID: `1`},
	{name: "trailing comma", in: `{"jsonrpc":"2.0","id":1,"method":"m",}`, code: CodeParseError, errID: `1`},
	{name: "trailing comma in params", in: `{"jsonrpc":"2.0","id":1,"method":"m","params":[1,]}`, code: CodeParseError, errID: `1`},
	{name: "single quotes", in: `{'jsonrpc':'2.0'}`, code: CodeParseError},
	{name: "comment", in: `{"jsonrpc":"2.0",/*x*/"id":1,"method":"m"}`, code: CodeParseError},
	{name: "NaN", in: `{"jsonrpc":"2.0","id":1,"method":"m","params":[NaN]}`, code: CodeParseError, errID: `1`},
	{name: "leading zero id", in: `{"jsonrpc":"2.0","id":01,"method":"m"}`, code: CodeParseError},
	{name: "raw tab in string", in: "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\tb\"}", code: CodeParseError, errID: `1`},
	{name: "bad escape", in: `{"jsonrpc":"2.0","id":1,"method":"a\x"}`, code: CodeParseError, errID: `1`},
	{name: "bad unicode escape", in: `{"jsonrpc":"2.0","id":1,"method":"\u12G4"}`, code: CodeParseError, errID: `1`},
	{name: "short unicode escape", in: `{"jsonrpc":"2.0","id":1,"method":"\u12"}`, code: CodeParseError, errID: `1`},
	{name: "byte order mark", in: "\ufeff{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\"}", code: CodeParseError},
	{name: "invalid UTF-8 in a string", in: "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\xff\"}", code: CodeParseError, errID: `1`},
	{name: "invalid UTF-8 in the id", in: "{\"jsonrpc\":\"2.0\",\"id\":\"\xc3\",\"method\":\"m\"}", code: CodeParseError},
	{name: "UTF-8 encoded surrogate", in: "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\xed\xa0\x80\"}", code: CodeParseError, errID: `1`},
	{name: "missing colon", in: `{"jsonrpc" "2.0"}`, code: CodeParseError},
	{name: "unquoted key", in: `{jsonrpc:"2.0"}`, code: CodeParseError},
	{
		name:  "nesting beyond the limit",
		in:    `{"jsonrpc":"2.0","id":1,"method":"m","params":` + nested("[", "]", maxDepth) + `}`,
		code:  CodeParseError,
		errID: `1`,
	},

	// JSON, but not a message: invalid request, with the id when it is usable.
	{name: "array", in: `[{"jsonrpc":"2.0","id":1,"method":"m"}]`, code: CodeInvalidRequest},
	{name: "string", in: `"x"`, code: CodeInvalidRequest},
	{name: "number", in: `42`, code: CodeInvalidRequest},
	{name: "null", in: `null`, code: CodeInvalidRequest},
	{name: "empty object", in: `{}`, code: CodeInvalidRequest},
	{name: "no jsonrpc", in: `{"id":1,"method":"m"}`, code: CodeInvalidRequest, errID: `1`},
	{name: "jsonrpc 1.0", in: `{"jsonrpc":"1.0","id":1,"method":"m"}`, code: CodeInvalidRequest, errID: `1`},
	{name: "jsonrpc as a number", in: `{"jsonrpc":2.0,"id":1,"method":"m"}`, code: CodeInvalidRequest, errID: `1`},
	{name: "jsonrpc with a space", in: `{"jsonrpc":"2.0 ","id":1,"method":"m"}`, code: CodeInvalidRequest, errID: `1`},
	// Deliberately strict: the version must be spelled literally.
	{name: "jsonrpc escaped", in: `{"jsonrpc":"2\u002e0","id":1,"method":"m"}`, code: CodeInvalidRequest, errID: `1`},
	{name: "JSONRPC upper case", in: `{"JSONRPC":"2.0","id":1,"method":"m"}`, code: CodeInvalidRequest, errID: `1`},
	{name: "Method upper case", in: `{"jsonrpc":"2.0","id":1,"Method":"m"}`, code: CodeInvalidRequest, errID: `1`},
	{name: "duplicate id", in: `{"jsonrpc":"2.0","id":1,"method":"m","id":2}`, code: CodeInvalidRequest, errID: `2`},
	{name: "duplicate id by escape", in: `{"jsonrpc":"2.0","id":1,"method":"m","\u0069d":1}`, code: CodeInvalidRequest, errID: `1`},
	{name: "duplicate method", in: `{"jsonrpc":"2.0","id":1,"method":"ping","method":"tools/call"}`, code: CodeInvalidRequest, errID: `1`},
	{name: "duplicate method by escape", in: `{"jsonrpc":"2.0","id":1,"method":"ping","\u006dethod":"tools/call"}`, code: CodeInvalidRequest, errID: `1`},
	{name: "duplicate jsonrpc", in: `{"jsonrpc":"2.0","jsonrpc":"2.0","id":1,"method":"m"}`, code: CodeInvalidRequest, errID: `1`},
	{name: "duplicate params", in: `{"jsonrpc":"2.0","id":1,"method":"m","params":{},"params":[]}`, code: CodeInvalidRequest, errID: `1`},
	{name: "duplicate result", in: `{"jsonrpc":"2.0","id":1,"result":1,"result":2}`, code: CodeInvalidRequest, errID: `1`},
	{name: "duplicate unknown member", in: `{"jsonrpc":"2.0","id":1,"method":"m","x":1,"x":1}`, code: CodeInvalidRequest, errID: `1`},
	{name: "duplicate unknown member by escape", in: `{"jsonrpc":"2.0","id":1,"method":"m","x\"":1,"\u0078\u0022":1}`, code: CodeInvalidRequest, errID: `1`},
	{name: "duplicate unknown member, both escaped", in: `{"jsonrpc":"2.0","id":1,"method":"m","\/":1,"\u002f":1}`, code: CodeInvalidRequest, errID: `1`},
	// Duplicates below the top level are refused too (see
	// TestDuplicateNameInMessages); equal names in different objects are not
	// duplicates.
	{
		name:   "same names in different objects",
		in:     `{"jsonrpc":"2.0","id":5,"method":"m","params":{"a":{"a":{"a":1},"b":[{"a":1},{"a":2}]},"b":{"a":0}}}`,
		kind:   KindRequest,
		method: "m",
		id:     `5`,
		params: `{"a":{"a":{"a":1},"b":[{"a":1},{"a":2}]},"b":{"a":0}}`,
	},
	{
		name:   "many distinct members",
		in:     `{"jsonrpc":"2.0","id":6,"method":"m","params":{` + manyMembers(40) + `,"k7x":0,"k7 ":0,"k\u00e9":0}}`,
		kind:   KindRequest,
		method: "m",
		id:     `6`,
		params: `{` + manyMembers(40) + `,"k7x":0,"k7 ":0,"k\u00e9":0}`,
	},

	{name: "id float", in: `{"jsonrpc":"2.0","id":1.5,"method":"m"}`, code: CodeInvalidRequest},
	{name: "id with exponent", in: `{"jsonrpc":"2.0","id":1e3,"method":"m"}`, code: CodeInvalidRequest},
	{name: "id with fraction zero", in: `{"jsonrpc":"2.0","id":1.0,"result":{}}`, code: CodeInvalidRequest},
	{name: "id true", in: `{"jsonrpc":"2.0","id":true,"method":"m"}`, code: CodeInvalidRequest},
	{name: "id object", in: `{"jsonrpc":"2.0","id":{},"method":"m"}`, code: CodeInvalidRequest},
	{name: "id array", in: `{"jsonrpc":"2.0","id":[1],"method":"m"}`, code: CodeInvalidRequest},
	{name: "request id null", in: `{"jsonrpc":"2.0","id":null,"method":"m"}`, code: CodeInvalidRequest},
	{name: "method not a string", in: `{"jsonrpc":"2.0","id":1,"method":5}`, code: CodeInvalidRequest, errID: `1`},
	{name: "method null", in: `{"jsonrpc":"2.0","id":1,"method":null}`, code: CodeInvalidRequest, errID: `1`},
	{name: "method empty", in: `{"jsonrpc":"2.0","id":1,"method":""}`, code: CodeInvalidRequest, errID: `1`},
	{name: "request with result", in: `{"jsonrpc":"2.0","id":1,"method":"m","result":{}}`, code: CodeInvalidRequest, errID: `1`},
	{name: "notification with error", in: `{"jsonrpc":"2.0","method":"m","error":{}}`, code: CodeInvalidRequest},
	{name: "params string", in: `{"jsonrpc":"2.0","id":1,"method":"m","params":"x"}`, code: CodeInvalidRequest, errID: `1`},
	{name: "params number", in: `{"jsonrpc":"2.0","id":1,"method":"m","params":1}`, code: CodeInvalidRequest, errID: `1`},
	{name: "params null", in: `{"jsonrpc":"2.0","id":1,"method":"m","params":null}`, code: CodeInvalidRequest, errID: `1`},
	{name: "params without method", in: `{"jsonrpc":"2.0","id":1,"params":{}}`, code: CodeInvalidRequest, errID: `1`},
	{name: "neither method nor id", in: `{"jsonrpc":"2.0"}`, code: CodeInvalidRequest},
	{name: "response without result or error", in: `{"jsonrpc":"2.0","id":1}`, code: CodeInvalidRequest, errID: `1`},
	{name: "result and error", in: `{"jsonrpc":"2.0","id":1,"result":{},"error":{"code":1,"message":"x"}}`, code: CodeInvalidRequest, errID: `1`},
	{name: "result with id null", in: `{"jsonrpc":"2.0","id":null,"result":{}}`, code: CodeInvalidRequest},
	{name: "result without id", in: `{"jsonrpc":"2.0","result":{}}`, code: CodeInvalidRequest},
	{name: "error not an object", in: `{"jsonrpc":"2.0","id":1,"error":"boom"}`, code: CodeInvalidRequest, errID: `1`},
	{name: "error with float id", in: `{"jsonrpc":"2.0","id":2.5,"error":{"code":1,"message":"x"}}`, code: CodeInvalidRequest},
}

func TestDecode(t *testing.T) {
	for _, tc := range decodeCases {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Decode([]byte(tc.in))
			if tc.code != 0 {
				if err == nil {
					t.Fatalf("Decode(%q) = %v message, want error %d", tc.in, m.Kind, tc.code)
				}
				var de *DecodeError
				if !errors.As(err, &de) {
					t.Fatalf("Decode(%q) error %T %v, want *DecodeError", tc.in, err, err)
				}
				if de.Code != tc.code {
					t.Errorf("Decode(%q) code %d (%v), want %d", tc.in, de.Code, err, tc.code)
				}
				if string(de.ID) != tc.errID {
					t.Errorf("Decode(%q) error id %q, want %q", tc.in, de.ID, tc.errID)
				}
				if m != nil {
					t.Errorf("Decode returned a message with an error")
				}
				return
			}
			if err != nil {
				t.Fatalf("Decode(%q): %v", tc.in, err)
			}
			checkMessage(t, m, tc)
			// Reusing a Message must give the same answer and forget the
			// previous message.
			var re Message
			if err := re.Decode([]byte(`{"jsonrpc":"2.0","id":"old","method":"old","params":[],"result":1}`)); err == nil {
				t.Fatal("priming message decoded")
			}
			if err := re.Decode([]byte(`{"jsonrpc":"2.0","id":"old","method":"old","params":[]}`)); err != nil {
				t.Fatal(err)
			}
			if err := re.Decode([]byte(tc.in)); err != nil {
				t.Fatalf("Message.Decode: %v", err)
			}
			checkMessage(t, &re, tc)
		})
	}
}

func checkMessage(t *testing.T, m *Message, tc decodeCase) {
	t.Helper()
	if m.Kind != tc.kind {
		t.Errorf("kind %v, want %v", m.Kind, tc.kind)
	}
	if m.Method != tc.method {
		t.Errorf("method %q, want %q", m.Method, tc.method)
	}
	for _, p := range []struct {
		what      string
		got, want []byte
	}{
		{"id", m.ID(), nilIfEmpty(tc.id)},
		{"params", m.Params(), nilIfEmpty(tc.params)},
		{"result", m.Result(), nilIfEmpty(tc.result)},
		{"error", m.Error(), nilIfEmpty(tc.errObj)},
	} {
		if (p.got == nil) != (p.want == nil) || !bytes.Equal(p.got, p.want) {
			t.Errorf("%s %q, want %q", p.what, p.got, p.want)
		}
	}
	if want := strings.Trim(tc.in, " \t\r\n"); string(m.Raw) != want {
		t.Errorf("Raw %q, want %q", m.Raw, want)
	}
	if m.IsRequest() != (tc.kind == KindRequest) {
		t.Errorf("IsRequest %v for %v", m.IsRequest(), tc.kind)
	}
	if m.IsResponse() != (tc.kind == KindResponse || tc.kind == KindError) {
		t.Errorf("IsResponse %v for %v", m.IsResponse(), tc.kind)
	}
}

func nilIfEmpty(s string) []byte {
	if s == "" {
		return nil
	}
	return []byte(s)
}

// TestDecodeManyUnknownMembers guards against duplicate detection that is
// quadratic in the number of members: a 10 MiB line of distinct unknown
// members must not take minutes.
func TestDecodeManyUnknownMembers(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(`{"jsonrpc":"2.0","id":1,"method":"m"`)
	n := 0
	for b.Len() < 4<<20 {
		fmt.Fprintf(&b, `,"k%d":0,"\u006b%d\/":1`, n, n)
		n++
	}
	b.WriteString(`}`)
	done := make(chan error, 1)
	go func() {
		_, err := Decode(b.Bytes())
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("Decode of %d bytes with %d unknown members is too slow", b.Len(), 2*n)
	}

	// The same with one duplicate at the very end is still caught.
	b.Truncate(b.Len() - 1)
	b.WriteString(`,"\u006b0":2}`)
	_, err := Decode(b.Bytes())
	var de *DecodeError
	if !errors.As(err, &de) || de.Code != CodeInvalidRequest || !strings.Contains(de.Msg, "duplicate") {
		t.Fatalf("duplicate after %d members: %v", 2*n, err)
	}
}

// TestDecodeErrorIDIsCopied checks that the id carried by a DecodeError does
// not alias the input, which the Reader reuses for the next line.
func TestDecodeErrorIDIsCopied(t *testing.T) {
	for _, in := range []string{
		`{"jsonrpc":"1.0","id":"abc","method":"m"}`, // invalid request
		`{"jsonrpc":"2.0","id":"abc","method":"m"`,  // parse error
	} {
		buf := []byte(in)
		_, err := Decode(buf)
		de := AsDecodeError(err)
		if string(de.ID) != `"abc"` {
			t.Fatalf("Decode(%s) id %q", in, de.ID)
		}
		for i := range buf {
			buf[i] = 'X'
		}
		if string(de.ID) != `"abc"` {
			t.Errorf("Decode(%s): error id changed with the input to %q", in, de.ID)
		}
	}
}

func TestDecodeErrorString(t *testing.T) {
	for _, tc := range []struct {
		code int
		want string
	}{
		{CodeParseError, "parse error: x"},
		{CodeInvalidRequest, "invalid request: x"},
	} {
		if got := (&DecodeError{Code: tc.code, Msg: "x"}).Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
}

func TestAsDecodeError(t *testing.T) {
	de := &DecodeError{Code: CodeInvalidRequest, Msg: "x"}
	if got := AsDecodeError(fmt.Errorf("wrapped: %w", de)); got != de {
		t.Errorf("AsDecodeError(wrapped) = %v, want the same error", got)
	}
	got := AsDecodeError(errors.New("boom"))
	if got.Code != CodeInternalError || got.Msg != "boom" || got.ID != nil {
		t.Errorf("AsDecodeError(other) = %+v", got)
	}
}

func TestKindString(t *testing.T) {
	want := map[Kind]string{
		KindInvalid:      "invalid",
		KindRequest:      "request",
		KindNotification: "notification",
		KindResponse:     "response",
		KindError:        "error",
		Kind(200):        "invalid",
	}
	for k, s := range want {
		if k.String() != s {
			t.Errorf("Kind(%d).String() = %q, want %q", k, k.String(), s)
		}
	}
}

func TestIsBatch(t *testing.T) {
	for in, want := range map[string]bool{
		`[]`:           true,
		" \n\t[{}]":    true,
		`[`:            true,
		`{}`:           false,
		`"["`:          false,
		``:             false,
		"  ":           false,
		`1`:            false,
		"\r\n{\"a\":[": false,
	} {
		if got := IsBatch([]byte(in)); got != want {
			t.Errorf("IsBatch(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestSplitBatch(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
		code int
	}{
		{in: `[{"jsonrpc":"2.0","id":1,"method":"a"}]`, want: []string{`{"jsonrpc":"2.0","id":1,"method":"a"}`}},
		{
			in:   " [ {\"jsonrpc\":\"2.0\",\"method\":\"n\"} ,\n{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"result\":[1, 2]},1 , \"s\" ,null,[] ] \r\n",
			want: []string{`{"jsonrpc":"2.0","method":"n"}`, `{"jsonrpc":"2.0","id":"x","result":[1, 2]}`, `1`, `"s"`, `null`, `[]`},
		},
		{in: `[]`, code: CodeInvalidRequest},
		{in: " [ \n ] ", code: CodeInvalidRequest},
		{in: `[1,]`, code: CodeParseError},
		{in: `[1`, code: CodeParseError},
		{in: `[1]]`, code: CodeParseError},
		{in: `[`, code: CodeParseError},
		{in: ``, code: CodeParseError},
		{in: "[\"\xff\"]", code: CodeParseError},
		{in: `[` + nested("[", "]", maxDepth) + `]`, code: CodeParseError},
		// Valid JSON that is not an array is not a batch.
		{in: `1`, code: CodeInvalidRequest},
		{in: `12`, code: CodeInvalidRequest},
		{in: `"x"`, code: CodeInvalidRequest},
		{in: `true`, code: CodeInvalidRequest},
		{in: `{}`, code: CodeInvalidRequest},
		{in: `{"jsonrpc":"2.0","id":1,"method":"m"}`, code: CodeInvalidRequest},
	} {
		got, err := SplitBatch([]byte(tc.in))
		if tc.code != 0 {
			de := AsDecodeError(err)
			if err == nil || de.Code != tc.code {
				t.Errorf("SplitBatch(%q) = %q, %v; want code %d", tc.in, got, err, tc.code)
			}
			continue
		}
		if err != nil {
			t.Errorf("SplitBatch(%q): %v", tc.in, err)
			continue
		}
		if len(got) != len(tc.want) {
			t.Errorf("SplitBatch(%q) = %q, want %q", tc.in, got, tc.want)
			continue
		}
		for i := range got {
			if string(got[i]) != tc.want[i] {
				t.Errorf("SplitBatch(%q)[%d] = %q, want %q", tc.in, i, got[i], tc.want[i])
			}
			// Elements must not be extendable into their neighbours.
			if cap(got[i]) != len(got[i]) {
				t.Errorf("SplitBatch(%q)[%d] has spare capacity", tc.in, i)
			}
		}
	}
}

func TestMember(t *testing.T) {
	obj := ` { "name" : "echo" , "arguments":{"text":"hi","name":"inner"}, "N\u0061me":1, "na\u006de" : "second", "e\u0073c":[1, 2] ,"":0} `
	for _, tc := range []struct {
		obj, key string
		want     string // "" means nil
	}{
		{obj, "name", `"echo"`},
		{obj, "arguments", `{"text":"hi","name":"inner"}`},
		{obj, "Name", `1`},
		{obj, "NAME", ``},
		{obj, "esc", `[1, 2]`},
		{obj, "", `0`},
		{obj, "text", ``}, // nested members are not top-level
		{obj, "missing", ``},
		{`{}`, "a", ``},
		{`[{"a":1}]`, "a", ``},
		{`"a"`, "a", ``},
		{``, "a", ``},
		{`{"a":1`, "a", `1`},
		{`{"b":1`, "a", ``},
		{`{"a"`, "a", ``},
		{`{"a":}`, "a", ``},
		{`{"b":1 "a":2}`, "a", ``},
		{`{"\ud83d\ude00":true}`, "😀", `true`},
		{`{"\ud800":true}`, "\ufffd", `true`},
	} {
		got := Member([]byte(tc.obj), tc.key)
		if string(got) != tc.want || (got == nil) != (tc.want == "") {
			t.Errorf("Member(%q, %q) = %q, want %q", tc.obj, tc.key, got, tc.want)
		}
		if cap(got) != len(got) {
			t.Errorf("Member(%q, %q) has spare capacity", tc.obj, tc.key)
		}
	}
}

func TestString(t *testing.T) {
	for _, tc := range []struct {
		raw  string
		want string
		ok   bool
	}{
		{`"tools/call"`, "tools/call", true},
		{`""`, "", true},
		{`"a\"b\\c\/d\b\f\n\r\t"`, "a\"b\\c/d\b\f\n\r\t", true},
		{`"\u00e9\u4e2d\ud83d\ude00"`, "é中😀", true},
		{`"\ud83d"`, "\ufffd", true},
		{`"\ude00"`, "\ufffd", true},
		{`"\ud83dx"`, "\ufffdx", true},
		{`"\ud83d\u0041"`, "\ufffdA", true},
		{`"\ud83d\ud83d\ude00"`, "\ufffd😀", true},
		{`"\ude00\ud83d"`, "\ufffd\ufffd", true},
		{`"\ud83d\\ude00"`, "\ufffd\\ude00", true},
		{`"\u0000"`, "\x00", true},
		{`"x`, "", false},
		{`"x" `, "", false},
		{`"x"y"`, "", false},
		{`"\q"`, "", false},
		{`"`, "", false},
		{``, "", false},
		{`x`, "", false},
		{`1`, "", false},
		{`null`, "", false},
		{`["x"]`, "", false},
	} {
		got, ok := String([]byte(tc.raw))
		if got != tc.want || ok != tc.ok {
			t.Errorf("String(%q) = %q, %v; want %q, %v", tc.raw, got, ok, tc.want, tc.ok)
		}
	}
}

// TestDuplicateNameInMessages covers messages whose nested objects repeat a
// name: JSON.parse, Python's json and encoding/json keep the last value,
// Member the first, so ward and the server would disagree on which tool is
// called or which path is read. Decode refuses them as invalid requests
// naming the member; DuplicateName finds them in any part.
func TestDuplicateNameInMessages(t *testing.T) {
	for _, tc := range []struct {
		in, part, name string
	}{
		{`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"safe","name":"evil"}}`, "params", "name"},
		{`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"safe","n\u0061me":"evil"}}`, "params", "name"},
		{`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"read","arguments":{"path":"/tmp/a","path":"/etc/shadow"}}}`, "params", "path"},
		{`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1,"requestId":2}}`, "params", "requestId"},
		{`{"jsonrpc":"2.0","id":"r","result":{"tools":[{"name":"a"},{"name":"b","name":"c"}]}}`, "result", "name"},
		{`{"jsonrpc":"2.0","id":2,"error":{"code":1,"message":"x","data":{"k":1,"\u006b":2}}}`, "error", "k"},
		{`{"jsonrpc":"2.0","id":3,"method":"m","x":{"a":1,"a":1}}`, "raw", "a"},
		{`{"jsonrpc":"2.0","id":4,"method":"m","params":{` + manyMembers(40) + `,"k7":0}}`, "params", "k7"},
		{`{"jsonrpc":"2.0","id":5,"method":"m","params":{"a":{"a":{"a":1},"b":[{"a":1},{"a":2}]},"b":{"a":0}}}`, "params", ""},
		{`{"jsonrpc":"2.0","id":6,"method":"m","params":{` + manyMembers(40) + `,"k7x":0,"k7 ":0,"k\u00e9":0}}`, "params", ""},
		// Names equal ignoring case are one member to encoding/json, whose
		// last match wins (mcp-go): "NAME" would name the tool there.
		{`{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"ok","NAME":"danger"}}`, "params", "NAME"},
		{`{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"ok","arguments":{"path":"/tmp/a","Path":"/etc/shadow"}}}`, "params", "Path"},
		{`{"jsonrpc":"2.0","id":9,"method":"m","params":{` + manyMembers(40) + `,"K7":0}}`, "params", "K7"},
		{`{"jsonrpc":"2.0","id":10,"method":"m","params":{"kind":1,"\u212aind":2}}`, "params", "\u212aind"},
	} {
		_, err := Decode([]byte(tc.in))
		if tc.name == "" {
			if err != nil {
				t.Errorf("Decode(%s): %v, want it accepted (no name repeats in one object)", tc.in, err)
			}
			continue
		}
		var de *DecodeError
		if !errors.As(err, &de) || de.Code != CodeInvalidRequest || !strings.Contains(de.Msg, strconv.Quote(tc.name)) {
			t.Errorf("Decode(%s) = %v, want an invalid request naming %q", tc.in, err, tc.name)
		}
		if name, found := DuplicateName([]byte(tc.in)); !found || name != tc.name {
			t.Errorf("DuplicateName(%s) = %q, %v; want %q", tc.in, name, found, tc.name)
		}
	}
	for _, v := range []string{``, ` `, `1`, ` "x" `, `[]`, `null`} {
		if name, found := DuplicateName([]byte(v)); found {
			t.Errorf("DuplicateName(%q) = %q", v, name)
		}
	}
}

func TestSplitBatchMax(t *testing.T) {
	batch := func(n int) []byte {
		return []byte("[" + strings.TrimSuffix(strings.Repeat(`{"a":[1,2]},`, n), ",") + "]")
	}
	if elems, err := SplitBatchMax(batch(3), 3); err != nil || len(elems) != 3 {
		t.Fatalf("3 elements, limit 3: %d, %v", len(elems), err)
	}
	_, err := SplitBatchMax(batch(4), 3)
	if de := AsDecodeError(err); err == nil || de.Code != CodeInvalidRequest || de.Msg != "batch of more than 3 elements" {
		t.Fatalf("4 elements, limit 3: %v", err)
	}
	if _, err := SplitBatchMax([]byte(`[1,2,3,4`), 3); AsDecodeError(err).Code != CodeParseError {
		t.Fatalf("a truncated batch over the limit: %v, want a parse error", err)
	}
	if elems, err := SplitBatch(batch(5000)); err != nil || len(elems) != 5000 {
		t.Fatalf("SplitBatch without a limit: %d, %v", len(elems), err)
	}
}
