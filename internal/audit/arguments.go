package audit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"unicode/utf8"
)

// ArgumentsMode is the audit.arguments setting: how much of a call's
// arguments an event records.
type ArgumentsMode string

// Arguments modes. The default, Redacted, is the safe one.
const (
	ArgumentsNone     ArgumentsMode = "none"
	ArgumentsRedacted ArgumentsMode = "redacted"
	ArgumentsFull     ArgumentsMode = "full"
)

// ParseArgumentsMode parses an audit.arguments value; "" is Redacted.
func ParseArgumentsMode(s string) (ArgumentsMode, error) {
	switch m := ArgumentsMode(s); m {
	case "":
		return ArgumentsRedacted, nil
	case ArgumentsNone, ArgumentsRedacted, ArgumentsFull:
		return m, nil
	}
	return "", fmt.Errorf("audit.arguments: unknown mode %q (want none, redacted or full)", s)
}

// Masker replaces secrets in a string value. It returns the value to record
// and whether it changed anything. The policy engine's secret detectors
// provide it.
type Masker func(s string) (string, bool)

// ReduceOptions bounds what ReduceArguments keeps in Redacted mode.
type ReduceOptions struct {
	// MaxString is the longest string value kept whole, in bytes
	// (default 256); longer ones are cut and marked.
	MaxString int
	// MaxItems is the most array elements or object members kept
	// (default 64); the rest is replaced by a count.
	MaxItems int
	// MaxDepth is the deepest nesting kept (default 16).
	MaxDepth int
	// Mask masks secrets in every string value; nil masks nothing.
	Mask Masker
}

// TruncatedMark ends a string value that ReduceArguments cut.
const TruncatedMark = "…[truncated]"

// ReduceArguments returns what an event records of the arguments raw under
// mode: nothing for None, raw for Full, and for Redacted a copy in which
// every string is masked by opts.Mask and cut at opts.MaxString, and arrays,
// objects and nesting are bounded. Arguments that are not JSON are recorded
// as a note saying so, never verbatim.
func ReduceArguments(raw json.RawMessage, mode ArgumentsMode, opts *ReduceOptions) json.RawMessage {
	if len(raw) == 0 || mode == ArgumentsNone {
		return nil
	}
	if !json.Valid(raw) {
		return json.RawMessage(`{"_ward":"arguments were not valid JSON"}`)
	}
	if mode == ArgumentsFull {
		return raw
	}
	var o ReduceOptions
	if opts != nil {
		o = *opts
	}
	if o.MaxString <= 0 {
		o.MaxString = 256
	}
	if o.MaxItems <= 0 {
		o.MaxItems = 64
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = 16
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return json.RawMessage(`{"_ward":"arguments were not valid JSON"}`)
	}
	out, err := json.Marshal(reduce(v, &o, 0))
	if err != nil {
		return json.RawMessage(`{"_ward":"arguments could not be reduced"}`)
	}
	return out
}

func reduce(v any, o *ReduceOptions, depth int) any {
	switch t := v.(type) {
	case string:
		if o.Mask != nil {
			if m, ok := o.Mask(t); ok {
				return m // the masker's mark is kept whole
			}
		}
		return truncate(t, o.MaxString)
	case []any:
		if depth >= o.MaxDepth {
			return fmt.Sprintf("[array of %d, too deep]", len(t))
		}
		n := min(len(t), o.MaxItems)
		out := make([]any, 0, n+1)
		for _, x := range t[:n] {
			out = append(out, reduce(x, o, depth+1))
		}
		if len(t) > n {
			out = append(out, fmt.Sprintf("[%d more]", len(t)-n))
		}
		return out
	case map[string]any:
		if depth >= o.MaxDepth {
			return fmt.Sprintf("[object of %d, too deep]", len(t))
		}
		out := make(map[string]any, min(len(t), o.MaxItems))
		// Keys are kept in sorted order so the choice of kept members is stable.
		keys := sortedKeys(t)
		for i, k := range keys {
			if i == o.MaxItems {
				out["_ward_more"] = fmt.Sprintf("[%d more]", len(keys)-i)
				break
			}
			kk := k
			if o.Mask != nil {
				if m, ok := o.Mask(k); ok {
					kk = m
				}
			}
			out[truncate(kk, o.MaxString)] = reduce(t[k], o, depth+1)
		}
		return out
	default: // json.Number, bool, nil
		return v
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + TruncatedMark
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
