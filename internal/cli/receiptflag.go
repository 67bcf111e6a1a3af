package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
	"github.com/ward-mcp/ward/internal/inspect"
	"github.com/ward-mcp/ward/internal/receipt"
)

// receiptFlag is --receipt FILE: a JSON record of the run (inputs and their
// hashes, outputs, outcome, exit code, findings, ward version, times),
// written also when the run fails: on a usage error in the arguments or
// flags (once --receipt itself has been read), an error, or a panic.
type receiptFlag struct {
	path string
	// findings is what the command found, set by the command as it runs.
	findings any
	// name is the command's name in the receipt, set by wrap.
	name string
	// r is the receipt of the run under way; inputs are hashed into it when
	// the command names them.
	r *receipt.Receipt
	// outputs are the files the command writes, as they were when it named
	// them; they are hashed again when it ends.
	outputs []receipt.File
}

// add registers --receipt on cmd. It must be called after cmd's Args and
// RunE (made with wrap) are set: errors in the arguments and flags, which
// cobra reports before RunE runs, get a receipt too.
func (f *receiptFlag) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.path, "receipt", "", "write a JSON receipt of this run (inputs with their hashes, outcome, findings) to FILE, also when it fails")
	if check := cmd.Args; check != nil {
		cmd.Args = func(c *cobra.Command, args []string) error {
			err := check(c, args)
			if err == nil {
				return nil
			}
			var ee *exitError
			if !errors.As(err, &ee) {
				err = usageErr(err)
			}
			f.r = nil
			return f.finish(args, err)
		}
	}
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		// Only flags before the bad one are parsed: a --receipt after it
		// is unknown here.
		f.r = nil
		return f.finish(nil, usageErr(err))
	})
}

// input records path as an input of the role, hashed now: the receipt
// shows the file the command read, not what it became by the end.
func (f *receiptFlag) input(role, path string) {
	if path != "" && f.path != "" && f.r != nil {
		f.r.AddInput(role, path)
	}
}

// output records path as an output of the role. It is hashed when the
// command ends; when the command failed and the file is as it was when
// named, the receipt says it was not written instead of claiming it.
func (f *receiptFlag) output(role, path string) {
	if path != "" && f.path != "" {
		f.outputs = append(f.outputs, receipt.Stat(role, path))
	}
}

// wrap runs run and then writes the receipt, if one was asked for. A panic
// in run becomes an internal error (exit 3) with a receipt. A receipt that
// cannot be written turns a success into an internal error.
func (f *receiptFlag) wrap(name string, run func(*cobra.Command, []string) error) func(*cobra.Command, []string) error {
	f.name = name
	return func(cmd *cobra.Command, args []string) (err error) {
		f.r = receipt.New(name, redactArgs(args))
		defer func() {
			if p := recover(); p != nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "ward: panic: %v\n%s", p, debug.Stack())
				err = internalErr(fmt.Errorf("internal error (a bug in ward): panic: %v", p))
			}
			err = f.finish(args, err)
		}()
		return run(cmd, args)
	}
}

// finish writes the receipt of a run that ended with err, if one was asked
// for, and returns err, or the error of writing the receipt.
func (f *receiptFlag) finish(args []string, err error) error {
	if f.path == "" {
		return err
	}
	r := f.r
	if r == nil {
		r = receipt.New(f.name, redactArgs(args))
	}
	f.r = nil
	for _, before := range f.outputs {
		after := receipt.Stat(before.Role, before.Path)
		if err != nil && after.SHA256 == before.SHA256 && after.Size == before.Size {
			after = receipt.File{Role: before.Role, Path: before.Path, Error: "not written: the command failed and left the file as it was"}
		}
		r.Outputs = append(r.Outputs, after)
	}
	f.outputs = nil
	for _, fl := range append(append([]receipt.File{}, r.Inputs...), r.Outputs...) {
		if samePath(f.path, fl.Path) {
			// Replacing the lockfile (the file being approved) with its
			// receipt is never what was meant.
			uerr := usageErrf("--receipt %s is the command's %s: not overwritten, no receipt written", f.path, fl.Role)
			if err != nil {
				return fmt.Errorf("%w (and %v)", err, uerr)
			}
			return uerr
		}
	}
	r.Finish(codeOf(err), err, f.findings)
	r.Error, _ = inspect.RedactSecrets(r.Error)
	if werr := receipt.Write(f.path, r); werr != nil {
		werr = fmt.Errorf("write receipt: %w", werr)
		if err == nil {
			return internalErr(werr)
		}
		return fmt.Errorf("%w (and %v)", err, werr)
	}
	return err
}

// samePath reports whether a and b name the same file: the same file on
// disk, or the same absolute path.
func samePath(a, b string) bool {
	if fa, err := os.Stat(a); err == nil {
		if fb, err := os.Stat(b); err == nil {
			return os.SameFile(fa, fb)
		}
	}
	aa, err1 := filepath.Abs(a)
	ab, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == ab
}

// secretName matches a flag or variable name that says its value is a
// secret (--github-token, --password=..., API_KEY=...).
var secretName = regexp.MustCompile(`(?i)(passw(or)?d|secret|token|api[-_]?key|credential|private[-_]?key|auth)`)

// redactArgs returns args with secrets masked as the audit trail masks
// them: what ward's detectors recognise, the value of a --flag=value or
// NAME=value whose name says it is secret, and the word after such a flag.
// A receipt is kept and handed over; the server command often carries a token.
func redactArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if i > 0 && strings.HasPrefix(args[i-1], "-") && !strings.Contains(args[i-1], "=") &&
			secretName.MatchString(args[i-1]) && !strings.HasPrefix(a, "-") {
			out[i] = "[REDACTED:" + strings.TrimLeft(args[i-1], "-") + "]"
			continue
		}
		if name, _, ok := strings.Cut(a, "="); ok && secretName.MatchString(name) {
			out[i] = name + "=[REDACTED]"
			continue
		}
		out[i], _ = inspect.RedactSecrets(a)
	}
	return out
}
