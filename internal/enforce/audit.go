package enforce

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"

	"github.com/ward-mcp/ward/internal/audit"
	"github.com/ward-mcp/ward/internal/buildinfo"
	"github.com/ward-mcp/ward/internal/inspect"
	"github.com/ward-mcp/ward/internal/jsonrpc"
	"github.com/ward-mcp/ward/internal/relay"
)

// Audit records the relay's decisions in the audit trail through an
// audit.Writer: one event per decision, with the call's arguments reduced
// as configured (by default: secrets masked, long values cut).
type Audit struct {
	w       *audit.Writer
	server  string
	args    audit.ArgumentsMode
	reduce  *audit.ReduceOptions
	version string
	host    string
	// deferred: the writer reduces the arguments (NewAuditDeferred)
	deferred bool
	// failed counts events the writer refused (queue full, store down).
	failed atomic.Uint64
}

// NewAudit returns a Sink writing to w for the server named server.
func NewAudit(w *audit.Writer, server string, args audit.ArgumentsMode) *Audit {
	return newAudit(w, server, args, false)
}

// NewAuditDeferred is NewAudit for a writer made with the Prepare option
// ReduceAuditArguments(args): the arguments are reduced (secrets masked, long
// values cut) on the writer's goroutine, not on the relay's.
func NewAuditDeferred(w *audit.Writer, server string, args audit.ArgumentsMode) *Audit {
	return newAudit(w, server, args, true)
}

// ReduceAuditArguments returns the audit.WriterOptions.Prepare function
// that reduces an event's raw arguments according to mode.
func ReduceAuditArguments(mode audit.ArgumentsMode) func(*audit.Event) {
	opts := &audit.ReduceOptions{Mask: maskSecrets}
	return func(e *audit.Event) {
		if len(e.Arguments) > 0 {
			e.Arguments = audit.ReduceArguments(e.Arguments, mode, opts)
		}
	}
}

func newAudit(w *audit.Writer, server string, args audit.ArgumentsMode, deferred bool) *Audit {
	host, _ := os.Hostname()
	return &Audit{
		w: w, server: server, args: args, version: buildinfo.String(), host: host,
		reduce: &audit.ReduceOptions{Mask: maskSecrets}, deferred: deferred,
	}
}

// maskSecrets masks credentials in a string with the policy engine's
// detectors, so that redacted audit records never hold a token.
func maskSecrets(s string) (string, bool) {
	out, found := inspect.RedactSecrets(s)
	return out, len(found) > 0
}

// Failed returns how many events could not be queued.
func (a *Audit) Failed() uint64 { return a.failed.Load() }

// Record implements relay.Sink.
func (a *Audit) Record(e *relay.Event) {
	ev := audit.Event{
		Time:        e.Time,
		Session:     e.Session,
		Server:      a.server,
		Host:        a.host,
		Client:      audit.Client{Name: e.ClientName, Version: e.ClientVersion},
		Direction:   audit.Direction(e.Dir.String()),
		Method:      e.Method,
		Kind:        auditKind(e.Kind),
		Name:        e.Name,
		Decision:    audit.Decision(e.Decision),
		Mode:        audit.Mode(e.Mode.String()),
		Latency:     e.Latency,
		WardVersion: a.version,
	}
	if ev.Server == "" {
		ev.Server = e.ServerName
	}
	if e.Rule != "" {
		ev.RuleIDs = []string{e.Rule}
	}
	if e.Reason != "" {
		ev.Reasons = []string{e.Reason}
	}
	switch e.Decision {
	case "warn", "would-redact":
		// Findings that changed nothing: the message passed, with the note.
		ev.Decision = audit.Allow
		ev.Reasons = []string{strings.TrimPrefix(e.Decision, "would-") + ": " + e.Reason}
	}
	if e.Params != nil && a.args != audit.ArgumentsNone {
		if args := jsonrpc.Member(e.Params, "arguments"); args != nil {
			// args aliases the relay's read buffer, reused for the next
			// message while this event may still wait in the queue. The
			// writer reduces the copy on its own goroutine if it was given
			// ReduceAuditArguments (NewAuditDeferred).
			ev.Arguments = bytes.Clone(args)
			if !a.deferred {
				ev.Arguments = audit.ReduceArguments(ev.Arguments, a.args, a.reduce)
			}
		}
	}
	write := a.w.Write
	if a.w.Required() && ev.Direction == audit.HostToServer && (ev.Decision == audit.Allow || ev.Decision == audit.Redact || ev.Decision == audit.WouldDeny) {
		// The call goes through after this record: RequireAudit admitted
		// it, and its record must not be dropped because other events
		// filled the queue since.
		write = a.w.WriteAdmitted
	}
	if err := write(ev); err != nil {
		a.failed.Add(1)
	}
}

func auditKind(k string) audit.Kind {
	switch k {
	case "tool":
		return audit.KindTool
	case "prompt":
		return audit.KindPrompt
	case "resource", "resourceTemplate":
		return audit.KindResource
	}
	return ""
}

// RequireAudit returns middleware that refuses every request travelling to
// the server while the audit trail cannot take its record: the store is
// failing, or the queue is full. Without it such calls pass and are counted
// as unrecorded.
//
// The record of a call it lets through is then written with WriteAdmitted
// (see Audit.Record), which a queue filled in the meantime does not refuse.
func RequireAudit(w *audit.Writer, queueSize int) relay.Middleware {
	w.Require()
	return func(next relay.Handler) relay.Handler {
		return func(ctx context.Context, ex *relay.Exchange) relay.Verdict {
			if ex.Dir == relay.ToServer && ex.IsRequest() {
				if !w.Healthy() {
					return relay.Denied("audit.unavailable", "ward: the audit store is unavailable and --audit-required is set")
				}
				if st := w.Stats(); queueSize > 0 && st.Queued >= queueSize {
					return relay.Denied("audit.unavailable", fmt.Sprintf("ward: the audit queue is full (%d events) and --audit-required is set", st.Queued))
				}
			}
			return next(ctx, ex)
		}
	}
}

// Sinks sends every decision to each of its sinks in order.
type Sinks []relay.Sink

// Record implements relay.Sink.
func (s Sinks) Record(e *relay.Event) {
	for _, sink := range s {
		sink.Record(e)
	}
}
