// Package receipt records what a ward command did, for whoever must later
// show it: the inputs and their hashes, the outcome and findings, the ward
// version and the times. Commands given --receipt FILE write one, also when
// they fail.
package receipt

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/ward-mcp/ward/internal/buildinfo"
)

// SchemaVersion is the version of the receipt format.
const SchemaVersion = 1

// Outcomes of an operation, matching ward's exit codes 0, 1 and 2/3.
const (
	OutcomeOK       = "ok"
	OutcomeFindings = "findings"
	OutcomeError    = "error"
)

// File is an input or output file of the operation.
type File struct {
	// Role says what the file was to the command ("lockfile", "policy", "signature").
	Role string `json:"role"`
	// Path is the file as named on the command line.
	Path string `json:"path"`
	// SHA256 is the hex SHA-256 of its bytes when the receipt was made.
	SHA256 string `json:"sha256,omitempty"`
	// Size is its length in bytes.
	Size int64 `json:"size"`
	// Error says why it could not be read, if it could not.
	Error string `json:"error,omitempty"`
}

// Receipt is the record of one operation.
type Receipt struct {
	Schema      int       `json:"schema"`
	Command     string    `json:"command"`
	Args        []string  `json:"args"`
	WardVersion string    `json:"ward_version"`
	Started     time.Time `json:"started"`
	Finished    time.Time `json:"finished"`
	// DurationMS is Finished - Started in milliseconds.
	DurationMS int64  `json:"duration_ms"`
	Inputs     []File `json:"inputs"`
	Outputs    []File `json:"outputs"`
	// Outcome is OutcomeOK, OutcomeFindings or OutcomeError.
	Outcome  string `json:"outcome"`
	ExitCode int    `json:"exit_code"`
	// Error is the command's error message, if it failed.
	Error string `json:"error,omitempty"`
	// Findings is what the command found (drift, policy violations), as the
	// command reports it in --json.
	Findings any `json:"findings,omitempty"`
}

// New starts a receipt for command run with args, now.
func New(command string, args []string) *Receipt {
	return &Receipt{
		Schema:      SchemaVersion,
		Command:     command,
		Args:        append([]string{}, args...),
		WardVersion: buildinfo.String(),
		Started:     time.Now().UTC(),
		Inputs:      []File{},
		Outputs:     []File{},
	}
}

// AddInput records path as an input with its hash. A file that cannot be
// read, or is not a regular file, is recorded with the error: the receipt
// still gets written.
func (r *Receipt) AddInput(role, path string) { r.Inputs = append(r.Inputs, hashFile(role, path)) }

// AddOutput records path as an output with its hash.
func (r *Receipt) AddOutput(role, path string) { r.Outputs = append(r.Outputs, hashFile(role, path)) }

// Stat describes path as a File of the role: its hash and size, or why it
// could not be hashed.
func Stat(role, path string) File { return hashFile(role, path) }

func hashFile(role, path string) File {
	f := File{Role: role, Path: path}
	// A pipe or device is not read: that would block without a writer or
	// take bytes the command itself must read.
	if fi, err := os.Stat(path); err != nil {
		f.Error = err.Error()
		return f
	} else if !fi.Mode().IsRegular() {
		f.Error = fmt.Sprintf("not a regular file (%s): not hashed", fi.Mode().Type())
		return f
	}
	fh, err := os.Open(path)
	if err != nil {
		f.Error = err.Error()
		return f
	}
	defer fh.Close()
	h := sha256.New()
	n, err := io.Copy(h, fh)
	if err != nil {
		f.Error = err.Error()
		return f
	}
	f.Size, f.SHA256 = n, hex.EncodeToString(h.Sum(nil))
	return f
}

// Finish records the end of the operation: its exit code, error and findings.
func (r *Receipt) Finish(exitCode int, err error, findings any) {
	r.Finished = time.Now().UTC()
	r.DurationMS = r.Finished.Sub(r.Started).Milliseconds()
	r.ExitCode = exitCode
	switch exitCode {
	case 0:
		r.Outcome = OutcomeOK
	case 1:
		r.Outcome = OutcomeFindings
	default:
		r.Outcome = OutcomeError
	}
	if err != nil {
		r.Error = err.Error()
	}
	r.Findings = findings
}

// Write writes r as indented JSON to path, atomically: a reader sees the old
// file or the whole new one. A receipt not yet finished is finished as an
// error, so that a receipt never claims success it did not record.
func Write(path string, r *Receipt) error {
	if r.Outcome == "" {
		r.Finish(3, fmt.Errorf("operation did not finish"), nil)
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("write receipt: %w", err)
	}
	b = append(b, '\n')
	tmp, err := os.CreateTemp(filepath.Dir(path), ".receipt-*")
	if err != nil {
		return fmt.Errorf("write receipt: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("write receipt: %w", err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("write receipt: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write receipt: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write receipt: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write receipt: %w", err)
	}
	return nil
}
