// Package relay is ward's session router: it carries JSON-RPC messages
// between a host and a server, translating request ids in both directions,
// keeping bounded tables of pending requests with deadlines, and passing every
// message through a chain of inspection middleware before it is forwarded.
//
// The relay handles all four flows: host requests and the server's responses,
// server requests (sampling, elicitation, roots, ping) and the host's
// responses. It answers every request a side sent exactly once: with the
// peer's response, a denial, or an error when the deadline passes, the table
// is full or the peer goes away. Neither side ever sees the other's ids.
//
// What is forwarded is the original bytes with the id replaced, or a
// deliberate rewrite by a middleware, never a re-encoding.
package relay

import (
	"context"
	"fmt"

	"github.com/ward-mcp/ward/internal/jsonrpc"
)

// Direction says which way a message travels.
type Direction uint8

// The two directions.
const (
	ToServer Direction = iota + 1 // from the host to the server
	ToHost                        // from the server to the host
)

func (d Direction) String() string {
	switch d {
	case ToServer:
		return "host->server"
	case ToHost:
		return "server->host"
	}
	return "unknown"
}

// Action is what a middleware decided.
type Action uint8

// The actions.
const (
	// Allow forwards the message (with any rewrite the chain made).
	Allow Action = iota
	// Deny refuses it: a request is answered with an error naming the rule,
	// a notification or response is dropped.
	Deny
)

// Verdict is the outcome of the middleware chain for one message.
type Verdict struct {
	Action Action
	// Rule is the id of the rule that decided, e.g. "names.deny-tools".
	Rule string
	// Reason is a sentence for the log and the error message.
	Reason string
	// Code is the JSON-RPC error code of a denial; jsonrpc.CodeDenied if 0.
	Code int
}

// Allowed is the verdict that lets a message through.
var Allowed = Verdict{Action: Allow}

// Denied returns a denial by rule for reason.
func Denied(rule, reason string) Verdict {
	return Verdict{Action: Deny, Rule: rule, Reason: reason}
}

// Handler inspects one message and returns a verdict.
type Handler func(ctx context.Context, ex *Exchange) Verdict

// Middleware wraps a Handler. A middleware may look at ex, rewrite it through
// its setters, record findings, and either return its own verdict or call
// next. It must not keep ex or any slice of it after returning.
type Middleware func(next Handler) Handler

// Chain composes middleware so that the first one listed sees a message
// first. The innermost handler allows everything that reached it.
func Chain(mws ...Middleware) Handler {
	h := Handler(func(context.Context, *Exchange) Verdict { return Allowed })
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

// Recover turns a panic in the handlers it wraps into a denial, so that a
// bug in a rule fails closed instead of crashing the session. The relay puts
// it outermost.
func Recover(next Handler) Handler {
	return func(ctx context.Context, ex *Exchange) (v Verdict) {
		defer func() {
			if r := recover(); r != nil {
				v = Denied("ward.panic", fmt.Sprintf("ward: inspection failed: %v", r))
				v.Code = jsonrpc.CodeInternalError
			}
		}()
		return next(ctx, ex)
	}
}

// Finding is something a middleware noticed about part of a message, such as
// a tool it hid from a list. The relay logs each one.
type Finding struct {
	// Decision is what happened to the part: "hide", "deny", "redact", "warn".
	Decision string
	Kind     string // "tool", "prompt", "resource", "resourceTemplate"
	Name     string
	Rule     string
	Reason   string
}
