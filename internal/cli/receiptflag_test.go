package cli

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/ward-mcp/ward/internal/receipt"
)

func readReceipt(t *testing.T, path string) *receipt.Receipt {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no receipt: %v", err)
	}
	var r receipt.Receipt
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("receipt %s: %v", b, err)
	}
	return &r
}

// TestReceiptOnPanic: a command that panics still leaves its receipt, and
// ends with exit 3 (internal), not Go's exit 2 for a panic, which CI would
// read as a usage error.
func TestReceiptOnPanic(t *testing.T) {
	p := filepath.Join(t.TempDir(), "r.json")
	rf := receiptFlag{path: p}
	run := rf.wrap("lock", func(*cobra.Command, []string) error { panic("boom") })
	var err error
	func() {
		defer func() {
			if v := recover(); v != nil {
				t.Errorf("the panic escaped the receipt: %v", v)
			}
		}()
		cmd := &cobra.Command{}
		cmd.SetErr(io.Discard)
		err = run(cmd, nil)
	}()
	if codeOf(err) != ExitInternal || err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("err = %v (exit %d), want exit 3 naming the panic", err, codeOf(err))
	}
	if r := readReceipt(t, p); r.Outcome != receipt.OutcomeError || r.ExitCode != ExitInternal || !strings.Contains(r.Error, "boom") {
		t.Errorf("receipt = %+v", r)
	}
}

// TestReceiptOnEarlyUsageError: wrong arguments and bad flags are failures
// too; a receipt asked for before them is written.
func TestReceiptOnEarlyUsageError(t *testing.T) {
	dir := t.TempDir()
	for name, args := range map[string][]string{
		"no server command": {"diff", "--receipt", "R"},
		"extra argument":    {"policy", "check", "--receipt", "R", "extra"},
		"unknown flag":      {"policy", "check", "--receipt", "R", "--bogus"},
		"bad flag value":    {"lock", "--receipt", "R", "--timeout", "soon", "--", "x"},
	} {
		p := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".json")
		for i := range args {
			if args[i] == "R" {
				args[i] = p
			}
		}
		code, _, stderr := run(t, args...)
		if code != ExitUsage {
			t.Errorf("%s: exit %d, want 2 (%s)", name, code, stderr)
			continue
		}
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s: no receipt: %v", name, err)
			continue
		}
		if r := readReceipt(t, p); r.Outcome != receipt.OutcomeError || r.ExitCode != ExitUsage || r.Error == "" {
			t.Errorf("%s: receipt = %+v", name, r)
		}
	}
}

// TestReceiptHashesInputsWhenNamed: an input is hashed when the command
// takes it, not when the command ends: a proxy session that ran for hours
// under one lockfile must not be recorded under the one that replaced it.
func TestReceiptHashesInputsWhenNamed(t *testing.T) {
	dir := t.TempDir()
	lock := filepath.Join(dir, "mcp-lock.json")
	os.WriteFile(lock, []byte("abc"), 0o644)
	p := filepath.Join(dir, "r.json")
	rf := receiptFlag{path: p}
	run := rf.wrap("proxy", func(*cobra.Command, []string) error {
		rf.input("lockfile", lock)
		os.WriteFile(lock, []byte("relocked"), 0o644)
		return nil
	})
	if err := run(&cobra.Command{}, nil); err != nil {
		t.Fatal(err)
	}
	r := readReceipt(t, p)
	const abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	if len(r.Inputs) != 1 || r.Inputs[0].SHA256 != abc {
		t.Errorf("inputs = %+v, want the hash of the file as it was taken", r.Inputs)
	}
}

// TestReceiptOfFailedRunClaimsNoOutput: a ward lock that failed wrote no
// lockfile; its receipt listed the lockfile left from before with its hash
// as the run's output, as if it had made it.
func TestReceiptOfFailedRunClaimsNoOutput(t *testing.T) {
	dir := t.TempDir()
	lock := filepath.Join(dir, "mcp-lock.json")
	os.WriteFile(lock, []byte("old lock"), 0o644)
	p := filepath.Join(dir, "r.json")
	rf := receiptFlag{path: p}
	run := rf.wrap("lock", func(*cobra.Command, []string) error {
		rf.output("lockfile", lock)
		return internalErr(errors.New("server did not start"))
	})
	run(&cobra.Command{}, nil)
	r := readReceipt(t, p)
	if len(r.Outputs) != 1 || r.Outputs[0].SHA256 != "" || !strings.Contains(r.Outputs[0].Error, "not written") {
		t.Errorf("outputs = %+v, want the lockfile marked as not written", r.Outputs)
	}

	// A run that did write it records the new hash.
	p2 := filepath.Join(dir, "r2.json")
	rf = receiptFlag{path: p2}
	run = rf.wrap("lock", func(*cobra.Command, []string) error {
		rf.output("lockfile", lock)
		return os.WriteFile(lock, []byte("new lock"), 0o644)
	})
	if err := run(&cobra.Command{}, nil); err != nil {
		t.Fatal(err)
	}
	if r := readReceipt(t, p2); len(r.Outputs) != 1 || r.Outputs[0].Size != int64(len("new lock")) || r.Outputs[0].Error != "" {
		t.Errorf("outputs = %+v", r.Outputs)
	}
}

// TestReceiptDoesNotOverwriteInput: "--receipt mcp-lock.json" (a slip of
// the keyboard) replaced the lockfile, the very file being approved, with
// the receipt.
func TestReceiptDoesNotOverwriteInput(t *testing.T) {
	dir := t.TempDir()
	lock := writeLock(t, dir)
	before, _ := os.ReadFile(lock)
	code, _, stderr := run(t, "policy", "check", "--lock", lock, "--receipt", lock)
	if after, _ := os.ReadFile(lock); string(after) != string(before) {
		t.Fatalf("the lockfile was overwritten by the receipt (exit %d, %s)", code, stderr)
	}
	if code != ExitUsage || !strings.Contains(stderr, "receipt") {
		t.Errorf("exit %d, %s; want 2 naming --receipt", code, stderr)
	}
}

// TestReceiptRedactsSecretsInArgs: a receipt is made to be kept and handed
// over (mode 0644); the server command it records often carries a token.
// It recorded the command line as given, secrets and all, though the audit
// trail masks the same secrets.
func TestReceiptRedactsSecretsInArgs(t *testing.T) {
	p := filepath.Join(t.TempDir(), "r.json")
	rf := receiptFlag{path: p}
	const pat = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
	args := []string{"npx", "-y", "@acme/server", "--github-token", pat, "--password=hunter2", "API_KEY=s3cr3tvalue", "--verbose", "plain"}
	run := rf.wrap("proxy", func(*cobra.Command, []string) error { return nil })
	if err := run(&cobra.Command{}, args); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	for _, secret := range []string{pat, "hunter2", "s3cr3tvalue"} {
		if strings.Contains(string(b), secret) {
			t.Errorf("receipt holds %q:\n%s", secret, b)
		}
	}
	r := readReceipt(t, p)
	if len(r.Args) != len(args) || r.Args[0] != "npx" || r.Args[7] != "--verbose" || r.Args[8] != "plain" || r.Args[3] != "--github-token" {
		t.Errorf("args = %q, want the command with only its secrets masked", r.Args)
	}
}
