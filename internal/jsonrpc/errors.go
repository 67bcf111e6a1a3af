package jsonrpc

import (
	"errors"
	"fmt"
)

// Standard JSON-RPC 2.0 error codes.
const (
	CodeParseError     = -32700
	CodeInvalidRequest = -32600
	CodeMethodNotFound = -32601
	CodeInvalidParams  = -32602
	CodeInternalError  = -32603
)

// ward's own error codes, in the range JSON-RPC reserves for implementations
// (-32000 to -32099).
const (
	// CodeDenied means a policy refused the request. The message names the rule.
	CodeDenied = -32001
	// CodeUnavailable means ward could not take the request: the pending table
	// is full, an id could not be generated, or the server is gone.
	CodeUnavailable = -32002
	// CodeTimeout means the server did not answer within the request deadline.
	CodeTimeout = -32003
	// CodeTooLarge means the message exceeded the configured size limit.
	CodeTooLarge = -32004
)

// DecodeError is why a message could not be accepted. Code is the JSON-RPC
// error code to answer with (CodeParseError or CodeInvalidRequest), and ID is
// the message's id when it could be read (nil otherwise, answered as null).
type DecodeError struct {
	Code int
	Msg  string
	ID   []byte
}

func (e *DecodeError) Error() string {
	if e.Code == CodeParseError {
		return "parse error: " + e.Msg
	}
	return "invalid request: " + e.Msg
}

// ErrTooLarge is returned (wrapped in a *TooLargeError) for a line longer than
// the reader's limit.
var ErrTooLarge = errors.New("message too large")

// TooLargeError reports an oversize line. The line was drained, not buffered;
// Prefix holds its first bytes so that the caller can try to recover the id.
type TooLargeError struct {
	Limit  int
	Size   int64
	Prefix []byte
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("message of %d bytes exceeds the limit of %d bytes", e.Size, e.Limit)
}

func (e *TooLargeError) Unwrap() error { return ErrTooLarge }
