package jsonrpc

import (
	"bytes"
	"errors"
	"fmt"
	"unicode/utf8"
)

// Kind says what a message is.
type Kind uint8

// The kinds of JSON-RPC message.
const (
	KindInvalid Kind = iota
	// KindRequest has a method and an id and expects exactly one response.
	KindRequest
	// KindNotification has a method and no id; nothing answers it.
	KindNotification
	// KindResponse has an id and a result.
	KindResponse
	// KindError has an id (possibly null) and an error.
	KindError
)

func (k Kind) String() string {
	switch k {
	case KindRequest:
		return "request"
	case KindNotification:
		return "notification"
	case KindResponse:
		return "response"
	case KindError:
		return "error"
	}
	return "invalid"
}

// span is a half-open byte range [start, end) of Message.Raw; start < 0 means
// the member is absent.
type span struct{ start, end int }

func (s span) ok() bool { return s.start >= 0 }

// Message is a parsed view of one JSON-RPC message. Its slices alias Raw: a
// Message is valid only as long as the bytes it was decoded from, and callers
// that keep anything beyond the handling of the message must copy it.
type Message struct {
	// Raw is the whole message as received, without surrounding whitespace.
	Raw  []byte
	Kind Kind
	// Method is the decoded method name of a request or notification.
	Method string

	id, params, result, errObj span
}

// ID returns the raw JSON text of the id ("7", "\"abc\"", "null"), or nil for
// a notification.
func (m *Message) ID() []byte { return m.slice(m.id) }

// Params returns the raw params value, or nil when absent.
func (m *Message) Params() []byte { return m.slice(m.params) }

// Result returns the raw result value of a response, or nil.
func (m *Message) Result() []byte { return m.slice(m.result) }

// Error returns the raw error object of an error response, or nil.
func (m *Message) Error() []byte { return m.slice(m.errObj) }

// IsRequest reports whether m expects a response.
func (m *Message) IsRequest() bool { return m.Kind == KindRequest }

// IsResponse reports whether m answers a request (with a result or an error).
func (m *Message) IsResponse() bool { return m.Kind == KindResponse || m.Kind == KindError }

func (m *Message) slice(s span) []byte {
	if !s.ok() {
		return nil
	}
	return m.Raw[s.start:s.end:s.end]
}

// Decode parses one JSON-RPC message (not a batch). On failure the error is a
// *DecodeError whose Code says how to answer: CodeParseError for bytes that
// are not JSON, CodeInvalidRequest for JSON that is not a valid message.
func Decode(data []byte) (*Message, error) {
	m := new(Message)
	if err := m.decode(data); err != nil {
		return nil, err
	}
	return m, nil
}

// Decode parses data into m, reusing m. See the package function Decode.
func (m *Message) Decode(data []byte) error { return m.decode(data) }

func (m *Message) decode(data []byte) error {
	*m = Message{id: span{-1, -1}, params: span{-1, -1}, result: span{-1, -1}, errObj: span{-1, -1}}
	data = trimSpace(data)
	if !utf8.Valid(data) {
		return &DecodeError{Code: CodeParseError, Msg: "message is not valid UTF-8", ID: RecoverID(data)}
	}
	if len(data) == 0 || data[0] != '{' {
		if Valid(data) {
			return &DecodeError{Code: CodeInvalidRequest, Msg: "message is not a JSON object"}
		}
		return &DecodeError{Code: CodeParseError, Msg: "message is not valid JSON"}
	}
	m.Raw = data
	var (
		jsonrpc, method = span{-1, -1}, span{-1, -1}
		methodEscaped   bool
		seen            uint8               // bit per known member
		unknown         map[string]struct{} // decoded names of other members
		envErr          string
		dc              dupCheck // names twice in one object below the top level
	)
	const (
		bJSONRPC = 1 << iota
		bID
		bMethod
		bParams
		bResult
		bError
	)
	i := skipSpace(data, 1)
	if i < len(data) && data[i] == '}' {
		i++
	} else {
		for {
			if i >= len(data) || data[i] != '"' {
				return syntaxErr(data)
			}
			kStart := i
			kEnd, kEsc, err := scanString(data, i)
			if err != nil {
				return syntaxErr(data)
			}
			i = skipSpace(data, kEnd)
			if i >= len(data) || data[i] != ':' {
				return syntaxErr(data)
			}
			vStart := skipSpace(data, i+1)
			vEnd, err := skipValue(data, vStart, 1, &dc)
			if err != nil {
				return syntaxErr(data)
			}
			key := data[kStart+1 : kEnd-1]
			if kEsc {
				key = []byte(unquote(data[kStart:kEnd], true))
			}
			v := span{vStart, vEnd}
			var bit uint8
			switch string(key) {
			case "jsonrpc":
				bit, jsonrpc = bJSONRPC, v
			case "id":
				bit, m.id = bID, v
			case "method":
				bit, method = bMethod, v
			case "params":
				bit, m.params = bParams, v
			case "result":
				bit, m.result = bResult, v
			case "error":
				bit, m.errObj = bError, v
			default:
				// A name of the envelope in another case is that member to
				// a peer that matches names ignoring case (encoding/json),
				// and the last one wins there: "Method" next to "method".
				if env := envelopeName(key); env != "" && envErr == "" {
					envErr = fmt.Sprintf("member %s differs from %q only in case", data[kStart:kEnd], env)
				}
				// A set, not a list: comparing each name with all the
				// previous ones would be quadratic in the member count.
				if unknown == nil {
					unknown = make(map[string]struct{})
				}
				folded := foldName(key)
				if _, dup := unknown[string(folded)]; dup && envErr == "" {
					envErr = "duplicate member " + string(data[kStart:kEnd])
				}
				unknown[string(folded)] = struct{}{}
			}
			if bit != 0 {
				if seen&bit != 0 && envErr == "" {
					envErr = "duplicate member " + string(data[kStart:kEnd])
				}
				seen |= bit
			}
			i = skipSpace(data, vEnd)
			if i >= len(data) {
				return syntaxErr(data)
			}
			if data[i] == '}' {
				i++
				break
			}
			if data[i] != ',' {
				return syntaxErr(data)
			}
			i = skipSpace(data, i+1)
		}
	}
	if skipSpace(data, i) != len(data) {
		return &DecodeError{Code: CodeParseError, Msg: "unexpected data after the JSON object", ID: RecoverID(data)}
	}
	// A name twice in one object, at any depth, means one thing to ward
	// (Member reads the first) and another to most peers (JSON.parse,
	// Python and encoding/json keep the last): refuse it, as for the
	// top level.
	if envErr == "" && dc.found {
		clip := func(name string) string {
			if len(name) > 64 {
				name = name[:64] + "…"
			}
			return name
		}
		if dc.other != "" {
			envErr = fmt.Sprintf("member names %q and %q in one object differ only in case", clip(dc.other), clip(dc.name))
		} else {
			envErr = fmt.Sprintf("duplicate member name %q in one object", clip(dc.name))
		}
	}
	// From here the bytes are valid JSON; what remains is the envelope.
	idOK := m.id.ok() && m.validID()
	fail := func(msg string) error {
		e := &DecodeError{Code: CodeInvalidRequest, Msg: msg}
		if idOK {
			// A copy: the error may outlive the buffer the message was read into.
			e.ID = append([]byte(nil), m.ID()...)
		}
		m.Kind = KindInvalid
		return e
	}
	if envErr != "" {
		return fail(envErr)
	}
	if !jsonrpc.ok() || string(data[jsonrpc.start:jsonrpc.end]) != `"2.0"` {
		return fail(`"jsonrpc" must be "2.0"`)
	}
	if m.id.ok() && !idOK {
		if string(m.ID()) == "null" {
			if method.ok() {
				return fail(`a request id must not be null`)
			}
		} else {
			return fail("id must be a string or an integer")
		}
	}
	if method.ok() {
		if data[method.start] != '"' {
			return fail(`"method" must be a string`)
		}
		_, methodEscaped, _ = scanString(data, method.start)
		if methodEscaped {
			m.Method = unquote(data[method.start:method.end], true)
		} else {
			m.Method = methodName(data[method.start+1 : method.end-1])
		}
		if m.Method == "" {
			return fail(`"method" must not be empty`)
		}
		if m.result.ok() || m.errObj.ok() {
			return fail(`a request must not carry "result" or "error"`)
		}
		if m.params.ok() {
			if c := data[m.params.start]; c != '{' && c != '[' {
				return fail(`"params" must be an object or an array`)
			}
		}
		if m.id.ok() {
			m.Kind = KindRequest
		} else {
			m.Kind = KindNotification
		}
		return nil
	}
	if m.params.ok() {
		return fail(`"params" without "method"`)
	}
	if !m.id.ok() {
		return fail(`a message needs "method" or "id"`)
	}
	switch {
	case m.result.ok() && m.errObj.ok():
		return fail(`a response must not carry both "result" and "error"`)
	case m.result.ok():
		if !idOK {
			return fail("a result needs a string or integer id")
		}
		m.Kind = KindResponse
	case m.errObj.ok():
		if data[m.errObj.start] != '{' {
			return fail(`"error" must be an object`)
		}
		m.Kind = KindError
	default:
		return fail(`a response needs "result" or "error"`)
	}
	return nil
}

// envelopeNames are the members of the JSON-RPC envelope.
var envelopeNames = [...]string{"jsonrpc", "id", "method", "params", "result", "error"}

// envelopeName returns the envelope member that name equals ignoring case,
// or "".
func envelopeName(name []byte) string {
	for _, env := range envelopeNames {
		if bytes.EqualFold(name, []byte(env)) {
			return env
		}
	}
	return ""
}

// validID reports whether the id is a string or an integer, as MCP requires.
func (m *Message) validID() bool {
	tok := m.Raw[m.id.start:m.id.end]
	switch tok[0] {
	case '"':
		return true
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		_, integer, err := scanNumber(tok, 0)
		return err == nil && integer
	}
	return false
}

// syntaxErr reports bytes that are not JSON, with the id when a complete one
// precedes the damage, so that the error response can name the request.
func syntaxErr(data []byte) error {
	return &DecodeError{Code: CodeParseError, Msg: "message is not valid JSON", ID: RecoverID(data)}
}

func trimSpace(b []byte) []byte {
	i := skipSpace(b, 0)
	j := len(b)
	for j > i {
		switch b[j-1] {
		case ' ', '\t', '\n', '\r':
			j--
			continue
		}
		break
	}
	return b[i:j]
}

// IsBatch reports whether data is (or starts like) a JSON array, which is how
// a JSON-RPC batch is sent.
func IsBatch(data []byte) bool {
	i := skipSpace(data, 0)
	return i < len(data) && data[i] == '['
}

// SplitBatch validates a batch and returns the raw bytes of its elements.
// An empty array is an invalid request; bytes that are not JSON are a parse
// error.
func SplitBatch(data []byte) ([][]byte, error) { return SplitBatchMax(data, 0) }

// SplitBatchMax is SplitBatch for a batch of at most max elements (no limit
// when max <= 0): a longer one is an invalid request, refused before any
// element is collected. Each element of a batch is answered on its own, so
// that without a limit a line of two-byte elements ("[1,1,1,…]") costs an
// error of a hundred bytes each.
func SplitBatchMax(data []byte, max int) ([][]byte, error) {
	data = trimSpace(data)
	if !Valid(data) {
		return nil, &DecodeError{Code: CodeParseError, Msg: "batch is not valid JSON"}
	}
	if data[0] != '[' {
		return nil, &DecodeError{Code: CodeInvalidRequest, Msg: "batch is not an array"}
	}
	var elems [][]byte
	i := skipSpace(data, 1)
	if data[i] == ']' {
		return nil, &DecodeError{Code: CodeInvalidRequest, Msg: "empty batch"}
	}
	for {
		end, err := skipValue(data, i, 1, nil)
		if err != nil { // unreachable after Valid
			return nil, &DecodeError{Code: CodeParseError, Msg: "batch is not valid JSON"}
		}
		if max > 0 && len(elems) == max {
			return nil, &DecodeError{Code: CodeInvalidRequest, Msg: fmt.Sprintf("batch of more than %d elements", max)}
		}
		elems = append(elems, data[i:end:end])
		i = skipSpace(data, end)
		if data[i] == ']' {
			return elems, nil
		}
		i = skipSpace(data, i+1)
	}
}

// AsDecodeError returns err as a *DecodeError, or an internal-error
// DecodeError for anything else.
func AsDecodeError(err error) *DecodeError {
	var de *DecodeError
	if errors.As(err, &de) {
		return de
	}
	return &DecodeError{Code: CodeInternalError, Msg: err.Error()}
}

// methodName returns the method name b as a string, without allocating one
// for the methods of MCP (a string switch on a converted slice does not
// copy it).
func methodName(b []byte) string {
	switch string(b) {
	case "tools/call":
		return "tools/call"
	case "tools/list":
		return "tools/list"
	case "notifications/progress":
		return "notifications/progress"
	case "notifications/cancelled":
		return "notifications/cancelled"
	case "ping":
		return "ping"
	case "initialize":
		return "initialize"
	case "notifications/initialized":
		return "notifications/initialized"
	case "resources/read":
		return "resources/read"
	case "resources/list":
		return "resources/list"
	case "resources/templates/list":
		return "resources/templates/list"
	case "prompts/get":
		return "prompts/get"
	case "prompts/list":
		return "prompts/list"
	case "completion/complete":
		return "completion/complete"
	case "notifications/message":
		return "notifications/message"
	case "sampling/createMessage":
		return "sampling/createMessage"
	case "elicitation/create":
		return "elicitation/create"
	case "roots/list":
		return "roots/list"
	}
	return string(b)
}
