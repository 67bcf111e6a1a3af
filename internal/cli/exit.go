package cli

import (
	"errors"
	"fmt"
)

// Exit codes of every ward command. They are part of ward's interface:
// CI pipelines branch on them, and README.md documents them.
const (
	// ExitOK means the command did what was asked and found nothing wrong.
	ExitOK = 0
	// ExitFindings means the command ran and found something: drift, a policy
	// failure, a failed verification, a denied call.
	ExitFindings = 1
	// ExitUsage means the command line was wrong: unknown flag, bad value,
	// missing argument.
	ExitUsage = 2
	// ExitInternal means ward could not do its job: an I/O error, a server that
	// would not start or died, a bug.
	ExitInternal = 3
)

// exitError carries an exit code through cobra's error return.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageErr marks err as a usage error (exit 2).
func usageErr(err error) error { return &exitError{code: ExitUsage, err: err} }

// usageErrf formats a usage error.
func usageErrf(format string, args ...any) error { return usageErr(fmt.Errorf(format, args...)) }

// findingsErr marks err as a finding (exit 1): the command worked and the answer is "no".
func findingsErr(err error) error { return &exitError{code: ExitFindings, err: err} }

// internalErr marks err as an internal failure (exit 3).
func internalErr(err error) error { return &exitError{code: ExitInternal, err: err} }

// silentExit ends the command with code and prints nothing more: the command has
// already reported its outcome.
func silentExit(code int) error { return &exitError{code: code} }

// codeOf maps an error returned by a command to its exit code. Errors that carry
// no code are internal failures.
func codeOf(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return ExitInternal
}
