package relay

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ward-mcp/ward/internal/jsonrpc"
	"github.com/ward-mcp/ward/internal/mcp"
)

// Mode says what the relay does with a denial.
type Mode uint8

// The modes.
const (
	// Enforce hides what is denied from lists and refuses denied calls.
	Enforce Mode = iota
	// FilterOnly hides denied items from lists but forwards calls that would
	// be refused, logging them as "would-deny". It suits a host whose users
	// should not see a tool while the owner checks what still calls it.
	FilterOnly
	// AuditOnly changes nothing: every denial and every hidden item is
	// logged as "would-deny" / "would-hide" and the message passes as sent.
	AuditOnly
)

func (m Mode) String() string {
	switch m {
	case Enforce:
		return "enforce"
	case FilterOnly:
		return "filter-only"
	case AuditOnly:
		return "audit-only"
	}
	return "unknown"
}

// ParseMode parses "enforce", "filter-only" or "audit-only".
func ParseMode(s string) (Mode, error) {
	switch s {
	case "enforce":
		return Enforce, nil
	case "filter-only":
		return FilterOnly, nil
	case "audit-only":
		return AuditOnly, nil
	}
	return 0, fmt.Errorf("unknown mode %q (want enforce, filter-only or audit-only)", s)
}

// SessionInfo is what the relay learned about the session from the
// initialize handshake. It is read-only for middleware.
type SessionInfo struct {
	ID              string
	ClientName      string
	ClientVersion   string
	ServerName      string
	ServerVersion   string
	ProtocolVersion string
}

// Exchange is one message on its way through the relay, with what the relay
// knows about it. Middleware read it and may rewrite its params or result.
type Exchange struct {
	// Dir is the direction of travel.
	Dir Direction
	// Msg is the parsed message. Its slices alias the read buffer: valid only
	// during the call.
	Msg *jsonrpc.Message
	// Method is the method of a request or notification, or, for a response,
	// the method of the request it answers.
	Method string
	// Session is the session's state as of this message.
	Session *SessionInfo

	name     string
	nameDone bool
	edit     jsonrpc.Edit
	findings []Finding
	// started is when the request a response answers was forwarded.
	started time.Time
	// names, if set, interns the names of requests (see nameCache).
	names *nameCache
	// at, if set, is the time to record the exchange's decision with (the
	// request's registration), so that the clock is read once per message.
	at    time.Time
	relay *Relay
	// params is what the relay reads of the message's params, found in one
	// pass over their members when first asked (see Exchange.index).
	params paramsIndex
}

// paramsIndex holds the members of a message's params that the relay and
// its middleware read: the target of a request (name or uri), its
// arguments and _meta, and the first member that differs only in case from
// one of those (see mcp.CaseVariant). Each is what jsonrpc.Member returns
// for it: the first such member, nil when there is none or params is not
// an object. One pass over the members replaces the four or five a call
// cost when each was looked up on its own.
type paramsIndex struct {
	done                       bool
	name, uri, arguments, meta []byte
	variant, want              string
}

// targetMembers are the members of a request's params that ward reads to
// judge it; a member differing from one of them only in case is refused
// (targetCaseVariant).
var targetMembers = [...]string{"name", "uri", "arguments", "_meta", "ref", "argument"}

// index returns the index of the original params of ex.Msg.
func (ex *Exchange) index() *paramsIndex {
	if !ex.params.done {
		ex.params = indexParams(ex.Msg.Params())
	}
	return &ex.params
}

// indexParams reads the members of params once (see paramsIndex).
func indexParams(params []byte) paramsIndex {
	x := paramsIndex{done: true}
	jsonrpc.MembersRaw(params, func(key []byte, escaped bool, start, end int) bool {
		body := key[1 : len(key)-1]
		if escaped {
			// Rare: the decoded name is what Member compares.
			member, _ := jsonrpc.String(key)
			body = []byte(member)
		}
		value := params[start:end:end]
		switch string(body) {
		case "name":
			if x.name == nil {
				x.name = value
			}
			return true
		case "uri":
			if x.uri == nil {
				x.uri = value
			}
			return true
		case "arguments":
			if x.arguments == nil {
				x.arguments = value
			}
			return true
		case "_meta":
			if x.meta == nil {
				x.meta = value
			}
			return true
		case "ref", "argument":
			return true
		}
		if x.variant == "" {
			x.variant, x.want = mcp.CaseVariantOf(body, targetMembers[:]...)
		}
		return true
	})
	return x
}

// Arguments returns the arguments member of the params as they will be
// forwarded (after rewrites), or nil.
func (ex *Exchange) Arguments() []byte {
	if ex.edit.Params != nil {
		return jsonrpc.Member(ex.edit.Params, "arguments")
	}
	return ex.index().arguments
}

// ErrWrongDirection is returned by CallServer outside the host→server path.
var ErrWrongDirection = errors.New("relay: CallServer is only possible while handling a message from the host")

// CallServer sends a request of ward's own to the server on the same session
// and returns the raw response message; the host never sees it. It may only
// be called while handling a message travelling to the server: the answer is
// read by the other direction's loop, which must not be the one waiting.
func (ex *Exchange) CallServer(ctx context.Context, method string, params []byte) ([]byte, error) {
	if ex.Dir != ToServer || ex.relay == nil {
		return nil, ErrWrongDirection
	}
	return ex.relay.Call(ctx, method, params)
}

// IsRequest reports whether the message is a request.
func (ex *Exchange) IsRequest() bool { return ex.Msg.Kind == jsonrpc.KindRequest }

// IsResponse reports whether the message answers a request.
func (ex *Exchange) IsResponse() bool { return ex.Msg.IsResponse() }

// Name returns what the request names: the tool of tools/call, the prompt of
// prompts/get, the URI of resources/read and resources/(un)subscribe. For a
// response it is the name of the request answered. Empty otherwise.
func (ex *Exchange) Name() string {
	if !ex.nameDone {
		ex.nameDone = true
		if ex.Msg.Kind == jsonrpc.KindRequest {
			if key := nameKey(ex.Method); key != "" && ex.Method != "completion/complete" {
				raw := ex.index().name
				if key == "uri" {
					raw = ex.params.uri
				}
				ex.name = ex.names.nameOf(raw)
			} else {
				ex.name = RequestName(ex.Method, ex.Msg.Params())
			}
		}
	}
	return ex.name
}

// CompletionRef returns what a completion/complete request asks about:
// ("prompt", name) for a ref/prompt, ("resource", uri) for a ref/resource
// (a resource template's URI template, or a resource's URI), and ("", "")
// for anything else. A completion discloses the argument values a prompt or
// template accepts, so an item that is hidden must not be completed either.
func CompletionRef(params []byte) (kind, name string) {
	ref := jsonrpc.Member(params, "ref")
	typ, _ := jsonrpc.String(jsonrpc.Member(ref, "type"))
	switch typ {
	case "ref/prompt":
		name, _ = jsonrpc.String(jsonrpc.Member(ref, "name"))
		return "prompt", name
	case "ref/resource":
		name, _ = jsonrpc.String(jsonrpc.Member(ref, "uri"))
		return "resource", name
	}
	return "", ""
}

// RequestName extracts the name a request of method targets from its params.
func RequestName(method string, params []byte) string {
	if method == "completion/complete" {
		_, name := CompletionRef(params)
		return name
	}
	key := nameKey(method)
	if key == "" {
		return ""
	}
	s, _ := jsonrpc.String(jsonrpc.Member(params, key))
	return s
}

// namesTarget reports whether a request of method names its target in a
// way RequestName can read: true for methods that name none, and for those
// that do (tools/call, prompts/get, resources/read, …, and the ref of
// completion/complete) when params is an object whose name (or uri) member
// is a string.
func namesTarget(method string, params []byte) bool {
	key := nameKey(method)
	if method == "completion/complete" {
		// A completion names the prompt or resource it completes in ref.
		ref := jsonrpc.Member(params, "ref")
		switch typ, _ := jsonrpc.String(jsonrpc.Member(ref, "type")); typ {
		case "ref/prompt":
			params, key = ref, "name"
		case "ref/resource":
			params, key = ref, "uri"
		}
	}
	if key == "" {
		return true
	}
	_, ok := jsonrpc.String(jsonrpc.Member(params, key))
	return ok
}

// targetCaseVariant returns a member of a host request's params (or of a
// completion's ref) that differs only in case from one ward reads to judge
// the request, and the member it stands for; "" when there is none or the
// request has no target.
func targetCaseVariant(ex *Exchange) (variant, want string) {
	m := ex.Msg
	if ex.Dir != ToServer || (nameKey(m.Method) == "" && m.Method != "completion/complete") {
		return "", ""
	}
	x := ex.index()
	variant, want = x.variant, x.want
	if variant == "" && m.Method == "completion/complete" {
		variant, want = mcp.CaseVariant(jsonrpc.Member(m.Params(), "ref"), "type", "name", "uri")
	}
	return variant, want
}

// targetMember says which member names the target of method, for errors.
func targetMember(method string) string {
	if method == "completion/complete" {
		return `"name" (ref/prompt) or "uri" (ref/resource) in its ref`
	}
	return strconv.Quote(nameKey(method))
}

// nameCache interns the names requests carry, per reader loop: a session
// calls the same few tools again and again, and each name would otherwise
// be a new string for every call. Keys are the raw JSON strings.
type nameCache struct{ m map[string]string }

// maxInterned bounds a nameCache: a peer sending ever new names gets them
// decoded each time, not held.
const maxInterned = 256

// requestName is RequestName through the cache; a nil cache decodes.
func (c *nameCache) requestName(method string, params []byte) string {
	key := nameKey(method)
	if c == nil || key == "" || method == "completion/complete" {
		return RequestName(method, params)
	}
	return c.nameOf(jsonrpc.Member(params, key))
}

// nameOf decodes raw, the JSON string a request names its target with,
// through the cache; a nil cache decodes.
func (c *nameCache) nameOf(raw []byte) string {
	if c == nil {
		s, _ := jsonrpc.String(raw)
		return s
	}
	if s, ok := c.m[string(raw)]; ok {
		return s
	}
	s, ok := jsonrpc.String(raw)
	if ok && len(raw) <= 256 && len(c.m) < maxInterned {
		if c.m == nil {
			c.m = make(map[string]string)
		}
		c.m[string(raw)] = s
	}
	return s
}

// nameKey returns the params member that names the target of a request of
// method, or "".
func nameKey(method string) string {
	switch method {
	case "tools/call", "prompts/get":
		return "name"
	case "resources/read", "resources/subscribe", "resources/unsubscribe":
		return "uri"
	}
	return ""
}

// ItemKind returns the kind of item a method is about ("tool", "prompt",
// "resource", "resourceTemplate") or "".
func ItemKind(method string) string {
	switch {
	case strings.HasPrefix(method, "tools/"):
		return "tool"
	case strings.HasPrefix(method, "prompts/"):
		return "prompt"
	case method == "resources/templates/list":
		return "resourceTemplate"
	case strings.HasPrefix(method, "resources/"):
		return "resource"
	}
	return ""
}

// Params returns the params as they will be forwarded (after rewrites).
func (ex *Exchange) Params() []byte {
	if ex.edit.Params != nil {
		return ex.edit.Params
	}
	return ex.Msg.Params()
}

// Result returns the result as it will be forwarded (after rewrites).
func (ex *Exchange) Result() []byte {
	if ex.edit.Result != nil {
		return ex.edit.Result
	}
	return ex.Msg.Result()
}

// SetParams replaces the params of a request or notification.
func (ex *Exchange) SetParams(p []byte) { ex.edit.Params = p }

// SetResult replaces the result of a response.
func (ex *Exchange) SetResult(r []byte) { ex.edit.Result = r }

// ErrorObject returns the error object of an error response as it will be
// forwarded (after rewrites), or nil.
func (ex *Exchange) ErrorObject() []byte {
	if ex.edit.Error != nil {
		return ex.edit.Error
	}
	return ex.Msg.Error()
}

// SetError replaces the error object of an error response.
func (ex *Exchange) SetError(e []byte) { ex.edit.Error = e }

// Rewritten reports whether a middleware changed the message.
func (ex *Exchange) Rewritten() bool {
	return ex.edit.Params != nil || ex.edit.Result != nil || ex.edit.Error != nil
}

// Note records a finding about part of the message, such as a hidden tool.
func (ex *Exchange) Note(f Finding) { ex.findings = append(ex.findings, f) }

// Findings returns what the middleware noted so far.
func (ex *Exchange) Findings() []Finding { return ex.findings }

// Event is one decision of the relay, for the decision log and the audit
// trail. A Sink must not keep the pointer.
type Event struct {
	Time    time.Time
	Session string
	// Client is the host's clientInfo (name and version), and Server the
	// server's serverInfo name, once the handshake made them known.
	ClientName, ClientVersion, ServerName string
	Dir                                   Direction
	Method                                string
	Kind                                  string // "tool", "prompt", "resource", …
	Name                                  string
	// Decision is one of: allow, deny, would-deny, hide, would-hide, drop,
	// error, timeout.
	Decision string
	Rule     string
	Reason   string
	Mode     Mode
	// Latency is the time from forwarding a request to its answer, for
	// decisions about responses.
	Latency time.Duration
	// Params is the raw params of the request decided on (nil for other
	// decisions). It aliases the message: a Sink that keeps any of it must
	// copy it during Record.
	Params []byte
}

// Sink receives the relay's decisions. Record is called from the relay's
// goroutines and must be quick and safe for concurrent use.
type Sink interface {
	Record(e *Event)
}
