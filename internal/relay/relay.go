package relay

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/ward-mcp/ward/internal/jsonrpc"
	"github.com/ward-mcp/ward/internal/mcp"
	"github.com/ward-mcp/ward/internal/transport"
)

// Defaults for Options.
const (
	DefaultMaxPending     = 1024
	DefaultRequestTimeout = 5 * time.Minute
)

// ErrServerExited is returned by Run when the server's stream ended while the
// host was still connected.
var ErrServerExited = errors.New("server closed its output")

// Options configures a Relay. The zero value is usable: enforce mode, the
// default limits, crypto/rand ids, no inspection, no log.
type Options struct {
	// Handler is the inspection chain (see Chain). nil allows everything.
	Handler Handler
	// Mode says what happens to denials.
	Mode Mode
	// MaxPending bounds each pending table (host requests awaiting the
	// server, server requests awaiting the host).
	MaxPending int
	// RequestTimeout is the deadline of a request; a progress notification
	// for the request starts it again.
	RequestTimeout time.Duration
	// Sink receives every decision; nil discards them.
	Sink Sink
	// Rand is the source of request ids; crypto/rand.Reader if nil.
	Rand io.Reader
	// SessionID names the session in the log; random if empty.
	SessionID string
	// Now returns the time; time.Now if nil.
	Now func() time.Time
}

// Relay routes one session between a host and a server.
type Relay struct {
	host, server transport.Conn
	h            Handler
	mode         Mode
	maxPending   int
	timeout      time.Duration
	sink         Sink
	now          func() time.Time
	customNow    bool // now is not time.Now (tests)
	ids          *idGen

	sessionID string
	sess      atomic.Pointer[SessionInfo] // replaced, never changed in place

	mu sync.Mutex
	// tables[dir] holds the requests travelling in dir that await an
	// answer, by ward id; byPeer[dir] indexes them by the sender's id and
	// tokens[dir] by progress token.
	tables [3]map[idKey]*pending
	byPeer [3]map[string]*pending
	tokens [3]map[string]*pending
	gone   [3]error // gone[dir]: the receiving side of dir has gone away
	seq    uint64   // requests registered so far
	dl     deadlines
	// free holds answered entries for register to reuse (see recycle):
	// one per call would otherwise be allocated and collected.
	free []*pending
}

// maxFree bounds Relay.free.
const maxFree = 256

// pending is a request that awaits an answer.
type pending struct {
	dir      Direction // the direction the request travelled
	key      idKey     // ward id
	wardID   []byte    // ward id as JSON (aliases idBuf)
	idBuf    [idJSONLen]byte
	peerID   []byte // the sender's id, raw
	method   string
	name     string
	token    string // progress token, raw JSON
	started  time.Time
	deadline time.Time // see deadlines
	prev     *pending  // in the deadline list
	next     *pending
	linked   bool
	seq      uint64 // order of arrival, for answering in that order
	batch    *batch
	internal chan []byte // for ward's own requests
}

// New returns a Relay between host and server.
func New(host, server transport.Conn, opts *Options) *Relay {
	if opts == nil {
		opts = &Options{}
	}
	r := &Relay{
		host:       host,
		server:     server,
		h:          opts.Handler,
		mode:       opts.Mode,
		maxPending: opts.MaxPending,
		timeout:    opts.RequestTimeout,
		sink:       opts.Sink,
		now:        opts.Now,
	}
	if r.h == nil {
		r.h = Chain()
	}
	r.h = Recover(r.h)
	if r.maxPending <= 0 {
		r.maxPending = DefaultMaxPending
	}
	if r.timeout <= 0 {
		r.timeout = DefaultRequestTimeout
	}
	if r.now == nil {
		r.now = time.Now
	} else {
		r.customNow = true
	}
	src := opts.Rand
	if src == nil {
		src = rand.Reader
	}
	r.ids = &idGen{src: src}
	r.sessionID = opts.SessionID
	if r.sessionID == "" {
		var buf [idJSONLen]byte
		if _, err := r.ids.next(&buf); err == nil {
			r.sessionID = string(buf[1:13])
		}
	}
	r.sess.Store(&SessionInfo{ID: r.sessionID})
	for _, d := range []Direction{ToServer, ToHost} {
		r.tables[d] = make(map[idKey]*pending)
		r.byPeer[d] = make(map[string]*pending)
		r.tokens[d] = make(map[string]*pending)
	}
	return r
}

// Session returns what the relay knows about the session so far. The value
// is never modified: learning more replaces it.
func (r *Relay) Session() *SessionInfo { return r.sess.Load() }

// updateSession applies f to a copy of the session info and publishes it.
func (r *Relay) updateSession(f func(*SessionInfo)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := *r.sess.Load()
	f(&s)
	r.sess.Store(&s)
}

// Run relays until both sides are done and returns nil when the host ended
// the session, ErrServerExited (wrapped) when the server went first, or the
// read error that stopped it. When the host closes its stream, the server's
// input is closed (the MCP stdio shutdown) and its remaining answers are
// still delivered; when the server's stream ends, every request the host is
// still waiting for is answered with an error. Cancelling ctx ends the
// session as if the host had closed it.
func (r *Relay) Run(ctx context.Context) error {
	hostDone := make(chan error, 1)
	serverDone := make(chan error, 1)
	go func() { hostDone <- r.readLoop(ctx, ToServer) }()
	go func() { serverDone <- r.readLoop(ctx, ToHost) }()

	var hostErr, serverErr error
	hostOpen, serverOpen := true, true
	serverFirst := false
	closedHost := false // the host's read error is the relay's own doing
	cancelled := false  // ctx ended the session (ctx.Done is nil for the background context)
	ctxDone := ctx.Done()
	for hostOpen || serverOpen {
		select {
		case hostErr = <-hostDone:
			hostOpen = false
			r.hostGone(hostErr)
		case serverErr = <-serverDone:
			serverOpen = false
			serverFirst = hostOpen && !cancelled
			r.serverGone(serverErr)
			if hostOpen {
				// Nothing more can be answered: stop reading the host.
				_ = r.host.Close()
				closedHost = true
			}
		case <-ctxDone:
			ctxDone = nil
			cancelled = true
			if hostOpen {
				r.hostGone(ctx.Err())
			}
		}
	}
	r.mu.Lock()
	r.dl.stop()
	r.mu.Unlock()
	_ = r.host.Flush()
	switch {
	case serverFirst && serverErr != nil && !isEOF(serverErr):
		return fmt.Errorf("%w: %v", ErrServerExited, serverErr)
	case serverFirst:
		return ErrServerExited
	case hostErr != nil && !closedHost && !isEOF(hostErr) && !errors.Is(hostErr, transport.ErrClosed):
		return fmt.Errorf("read from host: %w", hostErr)
	}
	return nil
}

func isEOF(err error) bool { return errors.Is(err, io.EOF) }

// maxQuoted is how much of a peer's id or token a logged reason quotes.
const maxQuoted = 64

// clip returns the beginning of a raw id or token for a logged reason: a
// peer must not turn each message ward drops into a record of its size.
func clip(raw []byte) string {
	if len(raw) <= maxQuoted {
		return string(raw)
	}
	return fmt.Sprintf("%s… (%d bytes)", raw[:maxQuoted], len(raw))
}

// stamp returns the time for a record made at now: now itself, unless the
// relay was given its own clock.
func (r *Relay) stamp(now time.Time) time.Time {
	if r.customNow {
		return r.now()
	}
	return now
}

// loop is the scratch state of one reader loop, reused for every message so
// that the common path allocates little: middleware and sinks must not keep
// pointers into it (their contracts say so).
type loop struct {
	// unflushed counts the messages forwarded since the last flush.
	unflushed int
	m         jsonrpc.Message
	ex        Exchange
	ev        Event
	parts     [3][]byte
	names     nameCache
	reg       registration
	// spare is the entry of the last request this loop answered, for
	// response to recycle at the next answer.
	spare *pending
	// now is when the message being handled arrived: when the read that
	// completed it returned. Messages that arrive together share one
	// reading of the clock, which is not free (~60 ns here).
	now time.Time
}

// writePieces writes a message given in three pieces (see
// jsonrpc.Message.Pieces) through the loop's scratch slice: a variadic call
// through the Conn interface would allocate one for every message.
func (l *loop) writePieces(c transport.Conn, before, id, after []byte) error {
	if l == nil {
		return c.Write(before, id, after)
	}
	l.parts = [3][]byte{before, id, after}
	return c.Write(l.parts[:]...)
}

// exchange returns the loop's Exchange reset for a new message.
func (l *loop) exchange(r *Relay, dir Direction, m *jsonrpc.Message, method string) *Exchange {
	if l == nil {
		return &Exchange{Dir: dir, Msg: m, Method: method, Session: r.sess.Load(), relay: r}
	}
	findings := l.ex.findings[:0]
	l.ex = Exchange{Dir: dir, Msg: m, Method: method, Session: r.sess.Load(), relay: r, findings: findings, names: &l.names}
	return &l.ex
}

// arrival returns when the message being handled arrived (see loop.now).
func (l *loop) arrival() time.Time {
	if l == nil || l.now.IsZero() {
		return time.Now()
	}
	return l.now
}

// event returns the loop's Event reset, or a new one outside a loop.
func (l *loop) event() *Event {
	if l == nil {
		return new(Event)
	}
	l.ev = Event{}
	return &l.ev
}

// readLoop reads the side that sends messages travelling in dir.
func (r *Relay) readLoop(ctx context.Context, dir Direction) error {
	src := r.src(dir)
	l := new(loop)
	m := &l.m
	for {
		buffered := src.Buffered()
		raw, err := src.Read()
		if buffered <= len(raw) {
			// Not all of the message was buffered before: it arrived now.
			l.now = time.Now()
		}
		if err != nil {
			var tl *jsonrpc.TooLargeError
			if errors.As(err, &tl) {
				r.tooLarge(dir, tl)
				r.sendOn(l, dir)
				continue
			}
			_ = r.dst(dir).Flush()
			return err
		}
		if jsonrpc.IsBatch(raw) {
			r.handleBatch(ctx, l, dir, raw)
		} else if err := m.Decode(raw); err != nil {
			r.reject(dir, err, nil)
		} else {
			r.route(ctx, l, dir, m, nil)
		}
		r.sendOn(l, dir)
	}
}

// flushEvery bounds how many messages of a burst a loop forwards before it
// sends them on, even though more of the burst is already buffered. Sending
// only once the input is drained (one write per burst) made the first
// message of a burst wait until ward had handled the last one, and the peer
// sat idle meanwhile: with 64 calls in flight the stages ran one after the
// other instead of together. Sending every 16 messages lets the server start
// on a burst while ward handles the rest of it; the extra writes cost less
// than the overlap gains (docs/benchmarks.md, run 6).
const flushEvery = 16

// sendOn is called by the loop of dir after each message it read: it sends
// what the loop forwarded once the input has no more buffered messages or
// flushEvery messages have waited, so that a burst costs a few writes, not
// one per message, and its first messages do not wait for its last.
// TestBurstIsForwardedBeforeItEnds holds it to the second.
//
// It flushes only the side the loop forwards to. Flushing the side it reads
// from as well would tie the two loops together: while the other loop is
// blocked writing to a peer that is itself blocked writing to us, this loop
// would wait for that write and stop reading the peer, and nothing would
// move again. What a loop sends back to its own source (ward's replies) is
// flushed as it is written.
func (r *Relay) sendOn(l *loop, dir Direction) {
	l.unflushed++
	if l.unflushed >= flushEvery || r.src(dir).Buffered() == 0 {
		_ = r.dst(dir).Flush()
		l.unflushed = 0
	}
}

// src returns the side that sends messages travelling in dir, dst the side
// that receives them.
func (r *Relay) src(dir Direction) transport.Conn {
	if dir == ToServer {
		return r.host
	}
	return r.server
}

func (r *Relay) dst(dir Direction) transport.Conn {
	if dir == ToServer {
		return r.server
	}
	return r.host
}

func reverse(dir Direction) Direction {
	if dir == ToServer {
		return ToHost
	}
	return ToServer
}

func (r *Relay) route(ctx context.Context, l *loop, dir Direction, m *jsonrpc.Message, b *batch) {
	switch m.Kind {
	case jsonrpc.KindRequest:
		r.request(ctx, l, dir, m, b)
	case jsonrpc.KindNotification:
		r.notification(ctx, l, dir, m)
	default:
		r.response(ctx, l, dir, m)
	}
}

// reject answers a message that could not be decoded.
func (r *Relay) reject(dir Direction, err error, b *batch) {
	de := jsonrpc.AsDecodeError(err)
	rule := "protocol.invalid-request"
	if de.Code == jsonrpc.CodeParseError {
		rule = "protocol.parse-error"
	}
	reason := "ward: " + de.Error()
	r.record(&Event{Dir: dir, Decision: "deny", Rule: rule, Reason: reason})
	// An invalid answer to a request that travelled the other way settles
	// that request with an error, so that its sender is not left waiting.
	if key, ok := parseIDKey(de.ID); ok {
		r.mu.Lock()
		p := r.tables[reverse(dir)][key]
		owned := p != nil && r.take(p)
		r.mu.Unlock()
		if owned {
			r.answerWithError(p, jsonrpc.CodeInternalError,
				fmt.Sprintf("ward: %s answered %s with an invalid message: %s", r.peerName(p.dir), p.method, de.Error()),
				"error", rule)
			return
		}
	}
	if dir == ToHost && de.ID == nil && b == nil {
		// Not JSON-RPC at all, such as a server logging to its stdout: logged,
		// not answered. Answering would write to the server's input while
		// the server may be blocked writing to ours, and stall both.
		return
	}
	r.reply(dir, b, jsonrpc.AppendError(nil, de.ID, de.Code, reason, nil))
}

// reply sends a message ward originates back to the side that sent a
// message travelling in dir, or adds it to the batch being answered.
func (r *Relay) reply(dir Direction, b *batch, msg []byte) {
	if b != nil {
		r.batchAdd(b, msg, false)
		return
	}
	_ = writeFlush(r.src(dir), msg)
}

// inspect runs the chain and applies the mode. It returns the effective
// verdict and logs the findings.
func (r *Relay) inspect(ctx context.Context, l *loop, ex *Exchange) Verdict {
	v := r.h(ctx, ex)
	for _, f := range ex.findings {
		d := f.Decision
		if r.mode == AuditOnly && (d == "hide" || d == "deny" || d == "redact") {
			d = "would-" + d
		}
		r.record(&Event{Dir: ex.Dir, Method: ex.Method, Kind: f.Kind, Name: f.Name, Decision: d, Rule: f.Rule, Reason: f.Reason})
	}
	if r.mode == AuditOnly {
		ex.edit = jsonrpc.Edit{}
	}
	if v.Action == Deny {
		if v.Code == 0 {
			v.Code = jsonrpc.CodeDenied
		}
		if r.mode == AuditOnly || (r.mode == FilterOnly && ex.Dir == ToServer && ex.IsRequest()) {
			r.recordVerdict(l, ex, "would-deny", v)
			return Allowed
		}
	}
	return v
}

func (r *Relay) recordVerdict(l *loop, ex *Exchange, decision string, v Verdict) {
	if r.sink == nil {
		return
	}
	e := l.event()
	e.Dir, e.Method, e.Kind, e.Name = ex.Dir, ex.Method, ItemKind(ex.Method), ex.Name()
	if ex.Method == "completion/complete" && ex.Msg.Kind == jsonrpc.KindRequest {
		e.Kind, _ = CompletionRef(ex.Msg.Params())
	}
	e.Decision, e.Rule, e.Reason = decision, v.Rule, v.Reason
	if ex.Msg.Kind == jsonrpc.KindRequest {
		e.Params = ex.Params()
	}
	// One reading of the clock serves the record's time and its latency:
	// the time the request was registered, or now.
	e.Time = ex.at
	if e.Time.IsZero() {
		e.Time = r.now()
	}
	if !ex.started.IsZero() {
		e.Latency = e.Time.Sub(ex.started)
	}
	r.record(e)
}

func (r *Relay) record(e *Event) {
	if r.sink == nil {
		return
	}
	if e.Time.IsZero() {
		e.Time = r.now()
	}
	e.Session = r.sessionID
	if sess := r.sess.Load(); sess != nil {
		e.ClientName, e.ClientVersion, e.ServerName = sess.ClientName, sess.ClientVersion, sess.ServerName
	}
	e.Mode = r.mode
	r.sink.Record(e)
}

// request handles a request travelling in dir.
func (r *Relay) request(ctx context.Context, l *loop, dir Direction, m *jsonrpc.Message, b *batch) {
	ex := l.exchange(r, dir, m, m.Method)
	if dir == ToServer && m.Method == "initialize" {
		r.learnClient(m.Params())
	}
	if v, want := targetCaseVariant(ex); v != "" {
		// Read as ward does not: see mcp.CaseVariant.
		v := Verdict{Action: Deny, Rule: "protocol.invalid-params", Code: jsonrpc.CodeInvalidParams,
			Reason: fmt.Sprintf("ward: invalid params: member %q differs from %q only in case", v, want)}
		r.recordVerdict(l, ex, "deny", v)
		r.reply(dir, b, jsonrpc.AppendError(nil, m.ID(), v.Code, v.Reason, nil))
		return
	}
	if dir == ToServer && ex.Name() == "" && !namesTarget(m.Method, m.Params()) {
		// The checks judge a call by the name it gives: one that gives none
		// ward can read (params an array, the name missing or not a string)
		// must not pass them unjudged. A lenient server may still find a
		// tool in it (JavaScript's tools[["danger"]] is tools["danger"]).
		v := Verdict{Action: Deny, Rule: "protocol.invalid-params", Code: jsonrpc.CodeInvalidParams,
			Reason: fmt.Sprintf("ward: invalid params: %s needs params with a string %s", m.Method, targetMember(m.Method))}
		r.recordVerdict(l, ex, "deny", v)
		r.reply(dir, b, jsonrpc.AppendError(nil, m.ID(), v.Code, v.Reason, nil))
		return
	}
	if n := len(m.ID()); n > MaxIDBytes {
		// A pending request keeps its id until answered: a peer must not
		// make ward hold megabytes for each. Answered under a null id, as
		// JSON-RPC answers a request whose id it cannot take.
		v := Verdict{Action: Deny, Rule: "protocol.invalid-request", Code: jsonrpc.CodeInvalidRequest,
			Reason: fmt.Sprintf("ward: invalid request: request id of %d bytes exceeds the limit of %d bytes", n, MaxIDBytes)}
		r.recordVerdict(l, ex, "deny", v)
		r.reply(dir, b, jsonrpc.AppendError(nil, nil, v.Code, v.Reason, nil))
		return
	}
	v := r.inspect(ctx, l, ex)
	if v.Action == Deny {
		r.recordVerdict(l, ex, "deny", v)
		r.reply(dir, b, jsonrpc.AppendError(nil, m.ID(), v.Code, v.Reason, nil))
		return
	}
	reg := l.registration()
	if code, rule, why := r.register(dir, m, ex, b, l.arrival(), reg); code != 0 {
		v := Verdict{Action: Deny, Rule: rule, Reason: why, Code: code}
		r.recordVerdict(l, ex, "deny", v)
		r.reply(dir, b, jsonrpc.AppendError(nil, m.ID(), code, why, nil))
		return
	}
	ex.at = reg.started
	r.recordVerdict(l, ex, "allow", Allowed)
	edit := ex.edit
	edit.ID = reg.wardID[:]
	var err error
	if edit.Params == nil {
		before, id, after := m.Pieces(reg.wardID[:])
		err = l.writePieces(r.dst(dir), before, id, after)
	} else {
		err = r.dst(dir).Write(m.Append(nil, edit))
	}
	if err != nil {
		// The receiver is gone; its reader loop will notice and answer.
		r.failOne(dir, reg.key, reg.seq, jsonrpc.CodeUnavailable, fmt.Sprintf("ward: could not forward %s: %v", m.Method, err))
	}
}

// registration is what request needs of a request it registered, copied
// while r.mu is held: once the relay's lock is released the pending entry
// belongs to whoever answers it, and may be recycled (Relay.recycle).
type registration struct {
	key     idKey
	seq     uint64
	started time.Time
	wardID  [idJSONLen]byte
}

// registration returns the loop's scratch registration.
func (l *loop) registration() *registration {
	if l == nil {
		return new(registration)
	}
	return &l.reg
}

// MaxIDBytes is the longest request id and progress token (as JSON) the
// relay accepts. A request in flight keeps both until it is answered, so
// that without a limit max-pending requests with ids of megabytes held
// gigabytes.
const MaxIDBytes = 1024

// register records a request in the pending table of dir, gives it a ward
// id and fills out with what the caller may use of it. On failure it returns
// the error code, rule and reason to answer with.
func (r *Relay) register(dir Direction, m *jsonrpc.Message, ex *Exchange, b *batch, now time.Time, out *registration) (int, string, string) {
	rawID := m.ID()
	token := ""
	if meta := ex.index().meta; meta != nil {
		raw := jsonrpc.Member(meta, "progressToken")
		if len(raw) > MaxIDBytes {
			return jsonrpc.CodeInvalidParams, "protocol.invalid-params",
				fmt.Sprintf("ward: invalid params: progress token of %d bytes exceeds the limit of %d bytes", len(raw), MaxIDBytes)
		}
		token = string(raw)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.gone[dir]; err != nil {
		return jsonrpc.CodeUnavailable, "ward.unavailable", fmt.Sprintf("ward: %s is gone: %v", r.peerName(dir), err)
	}
	if _, dup := r.byPeer[dir][string(rawID)]; dup {
		return jsonrpc.CodeInvalidRequest, "ward.unavailable", fmt.Sprintf("ward: request id %s is already in flight", rawID)
	}
	if len(r.tables[dir]) >= r.maxPending {
		return jsonrpc.CodeUnavailable, "ward.unavailable", fmt.Sprintf("ward: too many requests in flight (limit %d, --max-pending)", r.maxPending)
	}
	if token != "" {
		if _, dup := r.tokens[dir][token]; dup {
			return jsonrpc.CodeInvalidRequest, "ward.unavailable", fmt.Sprintf("ward: progress token %s is already in use", token)
		}
	}
	var p *pending
	if n := len(r.free); n > 0 {
		p, r.free = r.free[n-1], r.free[:n-1]
	} else {
		p = new(pending)
	}
	*p = pending{dir: dir, peerID: append(p.peerID[:0], rawID...), method: m.Method, name: ex.Name(), token: token, started: r.stamp(now), batch: b}
	key, err := r.ids.next(&p.idBuf)
	for err == nil && r.tables[dir][key] != nil {
		key, err = r.ids.next(&p.idBuf)
	}
	if err != nil {
		return jsonrpc.CodeUnavailable, "ward.unavailable", fmt.Sprintf("ward: cannot generate a request id: %v", err)
	}
	p.key, p.wardID = key, p.idBuf[:]
	r.seq++
	p.seq = r.seq
	r.tables[dir][key] = p
	// The key is a view of p's own copy of the id, which stays unchanged
	// while p is in the table: take removes it before p is recycled and its
	// storage reused.
	r.byPeer[dir][unsafe.String(unsafe.SliceData(p.peerID), len(p.peerID))] = p
	if token != "" {
		r.tokens[dir][token] = p
	}
	if b != nil {
		b.awaiting++
	}
	r.schedule(p, now)
	*out = registration{key: key, seq: p.seq, started: p.started, wardID: p.idBuf}
	return 0, "", ""
}

func (r *Relay) peerName(dir Direction) string {
	if dir == ToServer {
		return "the server"
	}
	return "the host"
}

// take removes p from its tables if it is still there and reports whether
// the caller owns its answer. r.mu must be held.
func (r *Relay) take(p *pending) bool {
	if r.tables[p.dir][p.key] != p {
		return false
	}
	delete(r.tables[p.dir], p.key)
	delete(r.byPeer[p.dir], string(p.peerID))
	if p.token != "" {
		delete(r.tokens[p.dir], p.token)
	}
	r.dl.unlink(p)
	return true
}

// failOne answers with an error the request registered in dir as key and
// seq, if it is still pending: one answered meanwhile may have given its
// entry, and even its key, to another request (see Relay.recycle), which must
// not be failed in its place.
func (r *Relay) failOne(dir Direction, key idKey, seq uint64, code int, reason string) {
	r.mu.Lock()
	p := r.tables[dir][key]
	owned := p != nil && p.seq == seq && r.take(p)
	r.mu.Unlock()
	if owned {
		r.answerWithError(p, code, reason, "error", "ward.unavailable")
	}
}

// answerWithError sends the error response for p to its sender (or its
// batch, or ward's own waiter) and logs it.
func (r *Relay) answerWithError(p *pending, code int, reason, decision, rule string) {
	if p.internal != nil {
		close(p.internal)
		return
	}
	r.record(&Event{Dir: reverse(p.dir), Method: p.method, Kind: ItemKind(p.method), Name: p.name,
		Decision: decision, Rule: rule, Reason: reason, Latency: r.now().Sub(p.started)})
	msg := jsonrpc.AppendError(nil, p.peerID, code, reason, nil)
	if p.batch != nil {
		r.batchAdd(p.batch, msg, true)
		return
	}
	_ = writeFlush(r.src(p.dir), msg)
}

// expired handles a request whose deadline passed, already taken from the
// tables: its sender gets a timeout error and the receiver a cancellation.
func (r *Relay) expired(p *pending) {
	reason := fmt.Sprintf("ward: %s did not answer %s within %s", r.peerName(p.dir), p.method, r.timeout)
	r.answerWithError(p, jsonrpc.CodeTimeout, reason, "timeout", "ward.timeout")
	params := append([]byte(`{"requestId":`), p.wardID...)
	params = append(params, `,"reason":"ward: request timed out"}`...)
	_ = writeFlush(r.dst(p.dir), jsonrpc.AppendRequest(nil, nil, "notifications/cancelled", params))
}

// response handles a response travelling in dir: it answers a request that
// travelled the other way.
func (r *Relay) response(ctx context.Context, l *loop, dir Direction, m *jsonrpc.Message) {
	reqDir := reverse(dir)
	key, ok := parseIDKey(m.ID())
	var p *pending
	r.mu.Lock()
	if l != nil && l.spare != nil {
		// The entry of the loop's last answer, done with since.
		r.recycle(l.spare)
		l.spare = nil
	}
	if ok {
		if p = r.tables[reqDir][key]; p != nil {
			r.take(p)
		}
	}
	r.mu.Unlock()
	if p == nil {
		r.record(&Event{Dir: dir, Decision: "drop", Rule: "protocol.unknown-response",
			Reason: fmt.Sprintf("ward: dropped a response to id %s, which matches no pending request (unknown, already answered or cancelled)", clip(m.ID()))})
		return
	}
	if p.internal != nil {
		p.internal <- append([]byte(nil), m.Raw...)
		return
	}
	if dir == ToHost && p.method == "initialize" && m.Kind == jsonrpc.KindResponse {
		r.learnServer(m.Result())
	}
	ex := l.exchange(r, dir, m, p.method)
	ex.name, ex.nameDone, ex.started = p.name, true, p.started
	var v Verdict
	if dir == ToHost && m.Kind == jsonrpc.KindResponse {
		// A list ward would filter one way and the host read another, or
		// instructions it would check under one name and the host read
		// under another.
		variant := ""
		if field := mcp.ListField(p.method); field != "" {
			variant = mcp.ListCaseVariant(m.Result(), field)
		} else if p.method == "initialize" {
			variant, _ = mcp.CaseVariant(m.Result(), "instructions")
		}
		if variant != "" {
			v = Verdict{Action: Deny, Rule: "protocol.invalid-result", Code: jsonrpc.CodeInternalError,
				Reason: fmt.Sprintf("ward: the server's %s result has a member %q, which differs from MCP's only in case", p.method, variant)}
		}
	}
	if v.Action != Deny {
		v = r.inspect(ctx, l, ex)
	}
	if v.Action == Deny {
		r.recordVerdict(l, ex, "deny", v)
		msg := jsonrpc.AppendError(nil, p.peerID, v.Code, v.Reason, nil)
		if p.batch != nil {
			r.batchAdd(p.batch, msg, true)
		} else {
			_ = r.dst(dir).Write(msg)
		}
		return
	}
	if p.batch != nil {
		r.batchAnswer(p, m.Append(nil, jsonrpc.Edit{ID: p.peerID, Result: ex.edit.Result, Error: ex.edit.Error}))
		return
	}
	if ex.edit.Result != nil || ex.edit.Error != nil {
		_ = r.dst(dir).Write(m.Append(nil, jsonrpc.Edit{ID: p.peerID, Result: ex.edit.Result, Error: ex.edit.Error}))
	} else {
		before, id, after := m.Pieces(p.peerID)
		_ = l.writePieces(r.dst(dir), before, id, after)
	}
	if l != nil {
		// Recycled at the loop's next answer, under the lock it takes
		// then anyway.
		l.spare = p
	}
}

// recycle puts p, an entry taken from every table and answered, on r.free
// for register to reuse, keeping its peer id's storage. Entries go back
// only from response (through its loop's spare), and nobody else keeps a
// pointer to one outside r.mu: request works from a copy (registration)
// and finds its entry again by key and seq (failOne). r.mu must be held.
func (r *Relay) recycle(p *pending) {
	if len(r.free) >= maxFree {
		return
	}
	peer := p.peerID[:0]
	if cap(peer) > 64 {
		peer = nil // a huge id is not worth keeping
	}
	*p = pending{peerID: peer}
	r.free = append(r.free, p)
}

// notification handles a notification travelling in dir.
func (r *Relay) notification(ctx context.Context, l *loop, dir Direction, m *jsonrpc.Message) {
	switch m.Method {
	case "notifications/cancelled":
		r.cancelled(dir, m)
		return
	case "notifications/progress":
		if !r.progress(dir, m) {
			return
		}
	}
	if nameKey(m.Method) != "" {
		// tools/call, prompts/get, resources/read… are requests. Sent
		// without an id they would pass the checks that judge requests,
		// and a lenient server might still run them.
		r.record(&Event{Dir: dir, Method: m.Method, Kind: ItemKind(m.Method), Name: RequestName(m.Method, m.Params()),
			Decision: "drop", Rule: "protocol.request-as-notification",
			Reason: fmt.Sprintf("ward: dropped %s sent as a notification: it is a request and needs an id", m.Method)})
		return
	}
	ex := l.exchange(r, dir, m, m.Method)
	v := r.inspect(ctx, l, ex)
	if v.Action == Deny {
		r.recordVerdict(l, ex, "drop", v)
		return
	}
	if ex.edit.Params != nil {
		_ = r.dst(dir).Write(m.Append(nil, ex.edit))
		return
	}
	_ = r.dst(dir).Write(m.Raw)
}

// cancelled translates the id in a cancellation and forwards it. MCP:
// "The sender of the cancellation notification SHOULD ignore any response
// to the request that arrives afterward", so the request leaves the pending
// table at once and a late response is dropped as unknown. Keeping it until
// an answer would hold its slot until the deadline, since "Receivers of
// cancellation notifications SHOULD [...] Not send a response for the
// cancelled request".
func (r *Relay) cancelled(dir Direction, m *jsonrpc.Message) {
	params := m.Params()
	start, end, _ := jsonrpc.MemberSpan(params, "requestId")
	reqID := params[start:end]
	r.mu.Lock()
	p := r.byPeer[dir][string(reqID)]
	if p != nil && !r.take(p) {
		p = nil
	}
	r.mu.Unlock()
	if p == nil {
		r.record(&Event{Dir: dir, Method: m.Method, Decision: "drop", Rule: "protocol.unknown-cancel",
			Reason: fmt.Sprintf("ward: dropped a cancellation of id %s, which matches no pending request", clip(reqID))})
		return
	}
	newParams := make([]byte, 0, len(params)+len(p.wardID))
	newParams = append(append(append(newParams, params[:start]...), p.wardID...), params[end:]...)
	_ = r.dst(dir).Write(m.Append(nil, jsonrpc.Edit{Params: newParams}))
	if p.batch != nil {
		// The batch's answer no longer waits for this element.
		r.batchAdd(p.batch, nil, true)
	}
}

// progress checks that a progress notification refers to a request in
// flight from the side it goes to, and restarts that request's deadline.
// MCP: "Progress notifications MUST only reference tokens that were provided
// in an active request."
func (r *Relay) progress(dir Direction, m *jsonrpc.Message) bool {
	token := string(jsonrpc.Member(m.Params(), "progressToken"))
	r.mu.Lock()
	p := r.tokens[reverse(dir)][token]
	if p != nil {
		r.schedule(p, time.Now())
	}
	r.mu.Unlock()
	if p == nil {
		r.record(&Event{Dir: dir, Method: m.Method, Decision: "drop", Rule: "protocol.unknown-progress",
			Reason: fmt.Sprintf("ward: dropped progress for token %s, which belongs to no request in flight", clip([]byte(token)))})
		return false
	}
	return true
}

// tooLarge answers an oversize message. When it was the answer to a request
// that travelled the other way, that request is settled with the error, so
// that its sender is not left waiting; otherwise the side that sent it gets
// the error (under the id recovered from its beginning, if any).
func (r *Relay) tooLarge(dir Direction, tl *jsonrpc.TooLargeError) {
	id := jsonrpc.RecoverID(tl.Prefix)
	reason := fmt.Sprintf("ward: message of %d bytes exceeds the limit of %d bytes (--max-message-bytes)", tl.Size, tl.Limit)
	r.record(&Event{Dir: dir, Decision: "deny", Rule: "protocol.too-large", Reason: reason})
	if key, ok := parseIDKey(id); ok {
		r.mu.Lock()
		p := r.tables[reverse(dir)][key]
		owned := p != nil && r.take(p)
		r.mu.Unlock()
		if owned {
			r.answerWithError(p, jsonrpc.CodeTooLarge, reason, "error", "protocol.too-large")
			return
		}
	}
	if dir == ToHost && id == nil {
		return // nothing the server could match the error with
	}
	_ = writeFlush(r.src(dir), jsonrpc.AppendError(nil, id, jsonrpc.CodeTooLarge, reason, nil))
}

// hostGone ends the session from the host's side: server requests still
// waiting for the host are answered with errors, then the server's input is
// closed and its remaining answers are still relayed.
func (r *Relay) hostGone(err error) {
	if err == nil {
		err = io.EOF
	}
	r.failAll(ToHost, err, "ward: the host closed the session before answering")
	_ = r.server.Flush()
	_ = r.server.CloseWrite()
}

// serverGone answers every host request still waiting for the server.
func (r *Relay) serverGone(err error) {
	if err == nil {
		err = io.EOF
	}
	r.failAll(ToServer, err, "ward: the server exited before answering")
	r.failAll(ToHost, err, "ward: the server exited")
	_ = r.host.Flush()
}

// failAll marks the receiver of dir as gone and answers every request
// pending in dir.
func (r *Relay) failAll(dir Direction, err error, reason string) {
	r.mu.Lock()
	if r.gone[dir] == nil {
		r.gone[dir] = err
	}
	var ps []*pending
	for _, p := range r.tables[dir] {
		ps = append(ps, p)
	}
	for _, p := range ps {
		r.take(p)
	}
	r.mu.Unlock()
	// Answer in the order the requests came, not the map's random order.
	slices.SortFunc(ps, func(a, b *pending) int { return cmp.Compare(a.seq, b.seq) })
	for _, p := range ps {
		r.answerWithError(p, jsonrpc.CodeUnavailable, reason, "error", "ward.peer-gone")
	}
}

// Call sends a request of ward's own to the server and returns the raw
// response message. Its id is a ward id that the host never sees.
func (r *Relay) Call(ctx context.Context, method string, params []byte) ([]byte, error) {
	ch := make(chan []byte, 1)
	r.mu.Lock()
	if err := r.gone[ToServer]; err != nil {
		r.mu.Unlock()
		return nil, fmt.Errorf("server is gone: %w", err)
	}
	now := time.Now()
	p := &pending{dir: ToServer, method: method, started: r.stamp(now), internal: ch}
	key, err := r.ids.next(&p.idBuf)
	for err == nil && r.tables[ToServer][key] != nil {
		key, err = r.ids.next(&p.idBuf)
	}
	if err != nil {
		r.mu.Unlock()
		return nil, fmt.Errorf("generate request id: %w", err)
	}
	p.key, p.wardID = key, p.idBuf[:]
	p.peerID = append([]byte("ward:"), p.wardID...)
	wardID := p.wardID
	r.seq++
	p.seq = r.seq
	seq := p.seq
	r.tables[ToServer][key] = p
	r.byPeer[ToServer][string(p.peerID)] = p
	r.schedule(p, now)
	r.mu.Unlock()
	if err := writeFlush(r.server, jsonrpc.AppendRequest(nil, wardID, method, params)); err != nil {
		r.failOne(ToServer, key, seq, jsonrpc.CodeUnavailable, err.Error())
		return nil, fmt.Errorf("send %s: %w", method, err)
	}
	select {
	case resp, ok := <-ch:
		if !ok {
			return nil, fmt.Errorf("%s: no answer from the server", method)
		}
		return resp, nil
	case <-ctx.Done():
		r.mu.Lock()
		r.take(p)
		r.mu.Unlock()
		return nil, ctx.Err()
	}
}

func (r *Relay) learnClient(params []byte) {
	var p struct {
		ClientInfo struct {
			Name    string `json:"name"`
			Version string `json:"version"`
		} `json:"clientInfo"`
	}
	if json.Unmarshal(params, &p) != nil {
		return
	}
	r.updateSession(func(s *SessionInfo) { s.ClientName, s.ClientVersion = p.ClientInfo.Name, p.ClientInfo.Version })
}

func (r *Relay) learnServer(result []byte) {
	var p struct {
		ProtocolVersion string `json:"protocolVersion"`
		ServerInfo      struct {
			Name    string `json:"name"`
			Version string `json:"version"`
		} `json:"serverInfo"`
	}
	if json.Unmarshal(result, &p) != nil {
		return
	}
	r.updateSession(func(s *SessionInfo) {
		s.ServerName, s.ServerVersion = p.ServerInfo.Name, p.ServerInfo.Version
		s.ProtocolVersion = p.ProtocolVersion
	})
}

// writeFlush writes one message ward originates and sends it at once: no
// later flush is certain to follow (a timer fired, a peer went away).
func writeFlush(c transport.Conn, msg []byte) error {
	if err := c.Write(msg); err != nil {
		return err
	}
	return c.Flush()
}
