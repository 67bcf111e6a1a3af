package audit

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sort"
	"time"
)

// Store keeps audit events in append order, hash-chained. Implementations are
// safe for concurrent use and all pass audittest.Run.
type Store interface {
	// Append seals events (see Head.Seal) in order after the store's current
	// head and stores them atomically: after it returns nil, every event is
	// durable as documented by the implementation, and events[i] carries its
	// assigned Seq, PrevHash and Hash. On error none of them is stored.
	Append(ctx context.Context, events []Event) error
	// AppendCheckpoint stores a signed checkpoint.
	AppendCheckpoint(ctx context.Context, c Checkpoint) error
	// Query yields the events that match f, in append order. A record that
	// cannot be read is yielded as a *RecordError, and iteration continues
	// after it if the consumer does not stop.
	Query(ctx context.Context, f Filter) iter.Seq2[Event, error]
	// Checkpoints returns every stored checkpoint, in append order.
	Checkpoints(ctx context.Context) ([]Checkpoint, error)
	// Stats summarises the events that match f.
	Stats(ctx context.Context, f Filter) (*Stats, error)
	// Close releases the store. It is idempotent.
	Close() error
}

// SignedAppender is a Store that can store a checkpoint in the transaction
// of the batch it follows. The Writer uses it when a store has it: a
// checkpoint then costs no commit (and no sync) of its own.
type SignedAppender interface {
	// AppendSigned is Append, and if sign, called with the head that the
	// sealed batch makes, returns a checkpoint and true, stores that
	// checkpoint atomically with the batch: both or neither. sign is
	// called at most once, before the batch is durable; a nil sign makes
	// AppendSigned Append.
	AppendSigned(ctx context.Context, events []Event, sign func(Head) (Checkpoint, bool)) error
}

// ErrClosed is returned by a Store or Writer used after Close.
var ErrClosed = errors.New("audit store closed")

// RecordError reports a stored record that could not be read back as an
// Event: it was damaged or edited outside ward.
type RecordError struct {
	// Position is the record's position among the store's records in
	// storage order, from 1 (checkpoints are not counted).
	Position int64
	// Err says what is wrong with it.
	Err error
}

func (e *RecordError) Error() string {
	return fmt.Sprintf("audit record at position %d unreadable: %v", e.Position, e.Err)
}

func (e *RecordError) Unwrap() error { return e.Err }

// Filter selects events. Zero fields match everything.
type Filter struct {
	// Server matches Event.Server exactly.
	Server string
	// Name matches Event.Name exactly (the tool, prompt or resource).
	Name string
	// Decision matches Event.Decision.
	Decision Decision
	// Rule matches events whose RuleIDs contain it.
	Rule string
	// Session matches Event.Session.
	Session string
	// Since and Until bound Event.Time: Since <= Time < Until.
	Since, Until time.Time
	// AfterSeq, if not 0, matches events with Seq > AfterSeq (used by
	// tail -f). The zero Filter matches every record, even one numbered 0,
	// which no store writes: Verify must see it to report it.
	AfterSeq uint64
	// Limit stops after this many matches; 0 means no limit.
	Limit int
}

// Match reports whether e passes f (Limit aside).
func (f *Filter) Match(e *Event) bool {
	switch {
	case f.Server != "" && e.Server != f.Server,
		f.Name != "" && e.Name != f.Name,
		f.Decision != "" && e.Decision != f.Decision,
		f.Session != "" && e.Session != f.Session,
		f.Rule != "" && !slices.Contains(e.RuleIDs, f.Rule),
		!f.Since.IsZero() && e.Time.Before(f.Since),
		!f.Until.IsZero() && !e.Time.Before(f.Until),
		f.AfterSeq > 0 && e.Seq <= f.AfterSeq:
		return false
	}
	return true
}

// Count is a name with how many events carry it.
type Count struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// ServerStats counts the decisions about one server.
type ServerStats struct {
	Server  string `json:"server"`
	Total   int    `json:"total"`
	Allowed int    `json:"allowed"`
	Denied  int    `json:"denied"`
}

// Stats summarises a set of events.
type Stats struct {
	// Total is the number of events.
	Total int `json:"total"`
	// Allowed, Denied, Redacted and WouldDeny count those decisions.
	Allowed   int `json:"allowed"`
	Denied    int `json:"denied"`
	Redacted  int `json:"redacted"`
	WouldDeny int `json:"would_deny"`
	// Hidden counts hide and would-hide; Other counts drop, error and timeout.
	Hidden int `json:"hidden"`
	Other  int `json:"other"`
	// DenyRate is (Denied+WouldDeny)/Total, 0 for no events.
	DenyRate float64 `json:"deny_rate"`
	// TopRules are the rule ids that decided most often, most first.
	TopRules []Count `json:"top_rules"`
	// TopTools are the names decided on most often, most first.
	TopTools []Count `json:"top_tools"`
	// Servers counts per server, by name.
	Servers []ServerStats `json:"servers"`
}

// StatsTop is how many rules and tools Stats lists.
const StatsTop = 10

// ComputeStats summarises the events of seq. Stores may use it or compute
// the same result in their query language.
func ComputeStats(seq iter.Seq2[Event, error]) (*Stats, error) {
	st := &Stats{TopRules: []Count{}, TopTools: []Count{}, Servers: []ServerStats{}}
	rules := map[string]int{}
	tools := map[string]int{}
	servers := map[string]*ServerStats{}
	for e, err := range seq {
		if err != nil {
			return nil, err
		}
		st.Total++
		ss := servers[e.Server]
		if ss == nil {
			ss = &ServerStats{Server: e.Server}
			servers[e.Server] = ss
		}
		ss.Total++
		switch e.Decision {
		case Allow:
			st.Allowed++
			ss.Allowed++
		case Deny:
			st.Denied++
			ss.Denied++
		case Redact:
			st.Redacted++
		case WouldDeny:
			st.WouldDeny++
		case Hide, WouldHide:
			st.Hidden++
		default:
			st.Other++
		}
		for _, r := range e.RuleIDs {
			rules[r]++
		}
		if e.Name != "" {
			tools[e.Name]++
		}
	}
	if st.Total > 0 {
		st.DenyRate = float64(st.Denied+st.WouldDeny) / float64(st.Total)
	}
	st.TopRules = topCounts(rules, StatsTop)
	st.TopTools = topCounts(tools, StatsTop)
	for _, ss := range servers {
		st.Servers = append(st.Servers, *ss)
	}
	sort.Slice(st.Servers, func(i, j int) bool { return st.Servers[i].Server < st.Servers[j].Server })
	return st, nil
}

func topCounts(m map[string]int, n int) []Count {
	out := make([]Count, 0, len(m))
	for k, v := range m {
		out = append(out, Count{Name: k, Count: v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Name < out[j].Name
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// LineQuery turns stored event lines (the form of Marshal) into the results
// of a Store's Query: each line is decoded strictly (UnmarshalStored), an
// unreadable one is yielded as a *RecordError with its position, and the
// filter and its limit are applied.
type LineQuery struct {
	f     *Filter
	yield func(Event, error) bool
	pos   int64
	n     int
}

// NewLineQuery returns a LineQuery yielding the events that match f.
func NewLineQuery(f *Filter, yield func(Event, error) bool) *LineQuery {
	return &LineQuery{f: f, yield: yield}
}

// Unreadable handles the next record in storage order, which could not be
// read at all (err says why; a JSON Lines line too long to read), and
// reports whether the query goes on.
func (q *LineQuery) Unreadable(err error) bool {
	q.pos++
	return q.yield(Event{}, &RecordError{Position: q.pos, Err: err})
}

// Next handles the next record in storage order and reports whether the
// query goes on.
func (q *LineQuery) Next(line []byte) bool {
	q.pos++
	e, err := UnmarshalStored(line)
	if err != nil {
		return q.yield(Event{}, &RecordError{Position: q.pos, Err: err})
	}
	if !q.f.Match(&e) {
		return true
	}
	if !q.yield(e, nil) {
		return false
	}
	q.n++
	return q.f.Limit <= 0 || q.n < q.f.Limit
}
