// Package jsonrpc is ward's JSON-RPC 2.0 codec: a strict, single-pass parser of
// message envelopes, newline-delimited framing with a size cap, and the
// encoders for the few messages ward writes itself.
//
// A Message is a parsed view of the original bytes: id, params, result and
// error are kept as raw JSON slices of those bytes, never decoded into Go
// values and re-encoded, so an id of any size or form, and every number and
// unknown member in params, reaches the other side exactly as it was sent.
// Rewriting (a translated id, a filtered result) replaces a value's span and
// copies the rest verbatim.
//
// Parsing is strict at this trust boundary: member names are case-sensitive,
// duplicate top-level members are rejected, "jsonrpc" must be "2.0", ids must
// be strings or integers, params must be structured, text must be valid UTF-8
// and nesting is bounded.
package jsonrpc
