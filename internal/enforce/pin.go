package enforce

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/ward-mcp/ward/internal/jsonrpc"
	"github.com/ward-mcp/ward/internal/lockfile"
	"github.com/ward-mcp/ward/internal/mcp"
	"github.com/ward-mcp/ward/internal/relay"
)

// Pin enforces a lock at run time. Every item of every list response (each
// page, and again after list_changed) is checked against the lock: an item
// the lock does not hold is hidden, and so is an item whose definition's hash
// differs, and its use is refused with a reason naming both hashes. A call to
// a tool whose current definition this session has not seen yet makes ward
// list the tools itself on the same server session first (the host never
// sees that request). No second server process is ever started.
type Pin struct {
	lock *lockfile.Server
	// FailOn, when set, refuses the whole session if the server has drifted
	// from the lock by a change graded at least this (checked at the first
	// request after initialization). Zero means filter and log only.
	FailOn lockfile.Severity

	mu      sync.Mutex
	seen    map[string]map[string]lockfile.Verdict // by list field, then name
	init    *lockfile.Snapshot                     // from the initialize result
	checked bool                                   // session-start comparison done
	refusal string                                 // non-empty: the session is refused
}

// NewPin returns the pinning middleware state for one session of the locked
// server.
func NewPin(lock *lockfile.Server, failOn lockfile.Severity) *Pin {
	return &Pin{lock: lock, FailOn: failOn, seen: map[string]map[string]lockfile.Verdict{}}
}

// Middleware returns the relay middleware.
func (p *Pin) Middleware() relay.Middleware {
	return func(next relay.Handler) relay.Handler {
		return func(ctx context.Context, ex *relay.Exchange) relay.Verdict {
			if v, done := p.handle(ctx, ex); done {
				return v
			}
			return next(ctx, ex)
		}
	}
}

func (p *Pin) handle(ctx context.Context, ex *relay.Exchange) (relay.Verdict, bool) {
	switch {
	case ex.Dir == relay.ToServer && ex.IsRequest():
		if ex.Method == "initialize" || ex.Method == "ping" {
			return relay.Allowed, false
		}
		if v, refused := p.sessionCheck(ctx, ex); refused {
			return v, true
		}
		switch ex.Method {
		case "tools/call":
			return p.use(ctx, ex, "tools", ex.Name())
		case "prompts/get":
			return p.use(ctx, ex, "prompts", ex.Name())
		case "resources/read", "resources/subscribe":
			if ok, reason := p.lock.MatchResource(ex.Name()); !ok {
				return relay.Denied("lock.resource", "ward: "+reason), true
			}
		case "completion/complete":
			switch kind, name := relay.CompletionRef(ex.Msg.Params()); kind {
			case "prompt":
				return p.use(ctx, ex, "prompts", name)
			case "resource":
				if p.lock.ResourceTemplates[name] == nil {
					if ok, reason := p.lock.MatchResource(name); !ok {
						return relay.Denied("lock.resource", "ward: completion for "+reason), true
					}
				}
			}
		}
	case ex.Dir == relay.ToHost && ex.Msg.Kind == jsonrpc.KindNotification:
		if field := listChangedField(ex.Method); field != "" {
			// The server says its list changed: what this session saw is stale.
			p.mu.Lock()
			delete(p.seen, field)
			if field == "resources" {
				delete(p.seen, "resourceTemplates")
			}
			p.mu.Unlock()
		}
	case ex.Dir == relay.ToHost && ex.IsResponse() && ex.Msg.Kind == jsonrpc.KindResponse:
		if ex.Method == "initialize" {
			p.learn(ex.Result())
			p.instructions(ex)
			return relay.Allowed, false
		}
		if field := mcp.ListField(ex.Method); field != "" {
			p.filter(ex, field)
		}
	}
	return relay.Allowed, false
}

// check returns the lock's verdict on one live item.
func (p *Pin) check(field string, item []byte) lockfile.Verdict {
	switch field {
	case "tools":
		return p.lock.CheckTool(item)
	case "prompts":
		return p.lock.CheckPrompt(item)
	case "resources":
		return p.lock.CheckResource(item)
	default:
		return p.lock.CheckTemplate(item)
	}
}

// filter hides from a list page every item the lock does not approve and
// remembers the verdicts for later calls.
func (p *Pin) filter(ex *relay.Exchange, field string) {
	kind := relay.ItemKind(ex.Method)
	verdicts := map[string]lockfile.Verdict{}
	filtered, ok := mcp.FilterList(ex.Result(), field, func(item []byte) bool {
		v := p.check(field, item)
		name := v.Name
		if name == "" {
			name = mcp.ItemName(field, item)
		}
		p.keep(verdicts, field, name, v)
		if v.Allowed() {
			return true
		}
		ex.Note(relay.Finding{Decision: "hide", Kind: kind, Name: name, Rule: pinRule(v), Reason: "ward: " + v.Reason})
		return false
	})
	if !ok {
		return
	}
	if filtered != nil {
		ex.SetResult(filtered)
	}
	p.remember(field, verdicts)
}

// keep records the verdict on the item of field named name in verdicts
// when a call may look it up: only locked tools and prompts are (use refuses
// any other name first). Keeping the verdicts on everything a server lists
// would let it grow them without bound, page after page.
func (p *Pin) keep(verdicts map[string]lockfile.Verdict, field, name string, v lockfile.Verdict) {
	if p.locked(field, name) {
		verdicts[name] = v
	}
}

func (p *Pin) remember(field string, verdicts map[string]lockfile.Verdict) {
	p.mu.Lock()
	defer p.mu.Unlock()
	m := p.seen[field]
	if m == nil {
		m = map[string]lockfile.Verdict{}
		p.seen[field] = m
	}
	for n, v := range verdicts {
		m[n] = v
	}
}

func pinRule(v lockfile.Verdict) string {
	switch v.Status {
	case lockfile.NotLocked:
		return "lock.not-locked"
	case lockfile.Changed:
		return "lock.changed"
	}
	return "lock.invalid"
}

// use decides a call to the tool or prompt name.
func (p *Pin) use(ctx context.Context, ex *relay.Exchange, field, name string) (relay.Verdict, bool) {
	noun := strings.TrimSuffix(field, "s")
	if !p.locked(field, name) {
		return relay.Denied("lock.not-locked", fmt.Sprintf("ward: %s %q is not in the lockfile", noun, name)), true
	}
	v, ok := p.lookup(field, name)
	if !ok {
		// Not seen in this session (or stale after list_changed): ask the
		// server for its current definitions on this same session.
		if err := p.refresh(ctx, ex, field); err != nil {
			return relay.Denied("lock.unverified", fmt.Sprintf("ward: cannot verify %s %q against the lock: %v", noun, name, err)), true
		}
		v, ok = p.lookup(field, name)
	}
	switch {
	case !ok:
		return relay.Denied("lock.not-offered", fmt.Sprintf("ward: the server does not currently offer %s %q", noun, name)), true
	case !v.Allowed():
		return relay.Denied(pinRule(v), "ward: "+v.Reason), true
	}
	return relay.Allowed, false
}

func (p *Pin) locked(field, name string) bool {
	switch field {
	case "tools":
		return p.lock.Tools[name] != nil
	case "prompts":
		return p.lock.Prompts[name] != nil
	}
	return false
}

func (p *Pin) lookup(field, name string) (lockfile.Verdict, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	v, ok := p.seen[field][name]
	return v, ok
}

// listMethods maps a list field to its method.
var listMethods = map[string]string{
	"tools": "tools/list", "prompts": "prompts/list",
	"resources": "resources/list", "resourceTemplates": "resources/templates/list",
}

// refresh lists every page of field from the server and records verdicts.
func (p *Pin) refresh(ctx context.Context, ex *relay.Exchange, field string) error {
	items, err := listAll(ctx, ex, listMethods[field], field)
	if err != nil {
		return err
	}
	verdicts := map[string]lockfile.Verdict{}
	for _, item := range items {
		v := p.check(field, item)
		name := v.Name
		if name == "" {
			name = mcp.ItemName(field, item)
		}
		p.keep(verdicts, field, name, v)
	}
	p.mu.Lock()
	p.seen[field] = verdicts
	p.mu.Unlock()
	return nil
}

// maxListPages and maxListBytes bound ward's own listing: every page is
// kept until the last one arrives, so that a server sending large pages
// with a fresh cursor each time would otherwise make ward hold up to
// maxListPages messages of --max-message-bytes each.
const (
	maxListPages = 1000
	maxListBytes = 32 << 20
)

// listAll lists every page of a list method through ward's own requests.
func listAll(ctx context.Context, ex *relay.Exchange, method, field string) ([][]byte, error) {
	var items [][]byte
	var params []byte
	seen := map[string]bool{}
	size := 0
	for page := 0; page < maxListPages; page++ {
		raw, err := ex.CallServer(ctx, method, params)
		if err != nil {
			return nil, err
		}
		if size += len(raw); size > maxListBytes {
			return nil, fmt.Errorf("%s: the listing exceeds %d MiB after %d pages", method, maxListBytes>>20, page+1)
		}
		m, err := jsonrpc.Decode(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", method, err)
		}
		if m.Kind == jsonrpc.KindError {
			return nil, fmt.Errorf("%s: the server answered with an error: %s", method, m.Error())
		}
		res := m.Result()
		arr := jsonrpc.Member(res, field)
		if arr == nil || arr[0] != '[' {
			return nil, fmt.Errorf("%s: result has no %q array", method, field)
		}
		jsonrpc.Elements(arr, func(item []byte) bool {
			items = append(items, item)
			return true
		})
		cursor, _ := jsonrpc.String(jsonrpc.Member(res, "nextCursor"))
		if cursor == "" {
			return items, nil
		}
		if seen[cursor] {
			return nil, fmt.Errorf("%s: the server repeated cursor %q", method, cursor)
		}
		seen[cursor] = true
		params, _ = json.Marshal(map[string]string{"cursor": cursor})
	}
	return nil, fmt.Errorf("%s: more than %d pages", method, maxListPages)
}

// sessionCheck compares the whole server with the lock once per session, at
// the first request after the handshake, and refuses the session when
// FailOn is set and the drift reaches it. It also primes the verdicts.
func (p *Pin) sessionCheck(ctx context.Context, ex *relay.Exchange) (relay.Verdict, bool) {
	p.mu.Lock()
	checked, refusal, init := p.checked, p.refusal, p.init
	if init != nil {
		p.checked = true
	}
	p.mu.Unlock()
	if refusal != "" {
		return relay.Denied("lock.drift", refusal), true
	}
	if checked || init == nil {
		// Done already, or the handshake is not over: MCP hosts send no
		// other request before the initialize result.
		return relay.Allowed, false
	}
	snap := init
	for _, l := range []struct {
		field string
		into  *[]json.RawMessage
	}{{"tools", &snap.Tools}, {"prompts", &snap.Prompts}, {"resources", &snap.Resources}, {"resourceTemplates", &snap.ResourceTemplates}} {
		if !p.lockedKind(l.field) {
			continue // the locked server had none of these
		}
		items, err := listAll(ctx, ex, listMethods[l.field], l.field)
		if err != nil {
			if p.FailOn != 0 {
				p.refuse(fmt.Sprintf("ward: session refused: cannot compare the server with the lock: %v", err))
				return relay.Denied("lock.drift", p.refusal), true
			}
			continue
		}
		verdicts := map[string]lockfile.Verdict{}
		for _, item := range items {
			*l.into = append(*l.into, json.RawMessage(item))
			v := p.check(l.field, item)
			p.keep(verdicts, l.field, v.Name, v)
		}
		p.mu.Lock()
		p.seen[l.field] = verdicts
		p.mu.Unlock()
	}
	live, err := lockfile.BuildLive("live", snap, p.lock)
	if err != nil {
		if p.FailOn != 0 {
			p.refuse(fmt.Sprintf("ward: session refused: the server's definitions cannot be read: %v", err))
			return relay.Denied("lock.drift", p.refusal), true
		}
		return relay.Allowed, false
	}
	changes := lockfile.Diff(p.lock, live)
	for _, c := range changes {
		ex.Note(relay.Finding{Decision: "warn", Kind: string(c.Item), Name: c.Name, Rule: "lock.drift." + c.Severity.String(), Reason: c.Message})
	}
	if p.FailOn != 0 && lockfile.AtLeast(changes, p.FailOn) {
		p.refuse(fmt.Sprintf("ward: session refused: the server has drifted from its lock (%d change(s), worst %s); run 'ward diff' to see them",
			len(changes), lockfile.Worst(changes)))
		return relay.Denied("lock.drift", p.refusal), true
	}
	return relay.Allowed, false
}

// lockedKind reports whether the locked server declared or exposed items of
// the list field.
func (p *Pin) lockedKind(field string) bool {
	l := p.lock
	switch field {
	case "tools":
		return len(l.Tools) > 0 || jsonrpc.Member(l.Capabilities, "tools") != nil
	case "prompts":
		return len(l.Prompts) > 0 || jsonrpc.Member(l.Capabilities, "prompts") != nil
	case "resources":
		return len(l.Resources) > 0 || jsonrpc.Member(l.Capabilities, "resources") != nil
	default:
		return len(l.ResourceTemplates) > 0 || jsonrpc.Member(l.Capabilities, "resources") != nil
	}
}

func (p *Pin) refuse(reason string) {
	p.mu.Lock()
	p.refusal = reason
	p.mu.Unlock()
}

// learn records the server's identity from its initialize result, for the
// session-start comparison. Instructions are compared on the result itself,
// and the launch command is not compared at run time.
func (p *Pin) learn(result []byte) {
	var r struct {
		ProtocolVersion string          `json:"protocolVersion"`
		Capabilities    json.RawMessage `json:"capabilities"`
		ServerInfo      struct {
			Name    string `json:"name"`
			Title   string `json:"title"`
			Version string `json:"version"`
		} `json:"serverInfo"`
	}
	if json.Unmarshal(result, &r) != nil {
		return
	}
	snap := &lockfile.Snapshot{
		ServerInfo:      lockfile.ServerInfo{Name: r.ServerInfo.Name, Title: r.ServerInfo.Title, Version: r.ServerInfo.Version},
		ProtocolVersion: r.ProtocolVersion,
		Instructions:    p.lock.Instructions,
		Capabilities:    r.Capabilities,
		Source:          p.lock.Source,
		Artifact:        p.lock.Artifact,
	}
	p.mu.Lock()
	p.init = snap
	p.mu.Unlock()
}

// instructions hides server instructions that differ from the lock: they
// reach the model like a tool description does.
func (p *Pin) instructions(ex *relay.Exchange) {
	res := ex.Result()
	start, end, ok := jsonrpc.MemberSpan(res, "instructions")
	if !ok {
		return
	}
	// Instructions that are not a string are withheld too: a host that
	// reads them leniently would pass on what nobody compared.
	if live, isString := jsonrpc.String(res[start:end]); isString && live == p.lock.Instructions {
		return
	}
	out := append([]byte(nil), res[:start]...)
	out = append(out, `""`...)
	out = append(out, res[end:]...)
	ex.SetResult(out)
	ex.Note(relay.Finding{Decision: "hide", Kind: "instructions", Rule: "lock.instructions-changed",
		Reason: "ward: the server's instructions differ from the locked ones and were withheld"})
}

func listChangedField(method string) string {
	switch method {
	case "notifications/tools/list_changed":
		return "tools"
	case "notifications/prompts/list_changed":
		return "prompts"
	case "notifications/resources/list_changed":
		return "resources"
	}
	return ""
}
