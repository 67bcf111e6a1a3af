//go:build unix

package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestProxyEnforcesTheVerifiedBytes: with --require-signature, ward proxy
// enforces the lockfile bytes it verified, not what the path gives when it
// is read again. --lock names a FIFO that yields the signed lockfile to its
// first reader and other bytes (here not even a lockfile) to a second one;
// a proxy that verified one read and loaded another ran on bytes nobody
// signed (or, here, failed on them).
func TestProxyEnforcesTheVerifiedBytes(t *testing.T) {
	dir := t.TempDir()
	lock := writeLock(t, dir)
	signed, err := os.ReadFile(lock)
	if err != nil {
		t.Fatal(err)
	}
	key := filepath.Join(dir, "k")
	if code, _, stderr := run(t, "keygen", "-o", key); code != 0 {
		t.Fatalf("keygen: %d %s", code, stderr)
	}
	if code, _, stderr := run(t, "sign", "--key", key+".key", lock); code != 0 {
		t.Fatalf("sign: %d %s", code, stderr)
	}
	fifo := filepath.Join(dir, "lock.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i, b := range [][]byte{signed, []byte(`{"unsigned": "bytes"}`)} {
			if i > 0 {
				// Let the first reader see the end of the signed bytes
				// (a FIFO ends when it has no writer) before the next
				// writer arrives.
				time.Sleep(200 * time.Millisecond)
			}
			f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
			if err != nil {
				return
			}
			f.Write(b)
			f.Close()
		}
	}()
	t.Cleanup(func() {
		// A proxy that read once leaves the second writer waiting for a
		// reader: be that reader.
		if f, err := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
			defer f.Close()
			buf := make([]byte, 4096)
			for {
				select {
				case <-done:
					return
				default:
				}
				f.Read(buf)
			}
		}
	})
	args := []string{"proxy", "--audit", "none", "--lock", fifo, "--require-signature", "--key", key + ".pub", "--signature", lock + ".sig",
		"--", "sh", "-c", "cat >/dev/null"}
	if code, _, stderr := run(t, args...); code != 0 || !strings.Contains(stderr, "verified") {
		t.Fatalf("exit %d, want 0 with the signed lockfile enforced: %s", code, stderr)
	}
}

// TestProxyReceiptNamesWhatItTrusted: the receipt of ward proxy
// --require-signature lists every file the decision to start rested on:
// the lockfile, the public key and the signature, also when the signature
// is found at its default path.
func TestProxyReceiptNamesWhatItTrusted(t *testing.T) {
	dir := t.TempDir()
	lock := writeLock(t, dir)
	key := filepath.Join(dir, "k")
	if code, _, stderr := run(t, "keygen", "-o", key); code != 0 {
		t.Fatalf("keygen: %d %s", code, stderr)
	}
	if code, _, stderr := run(t, "sign", "--key", key+".key", lock); code != 0 {
		t.Fatalf("sign: %d %s", code, stderr)
	}
	rec := filepath.Join(dir, "receipt.json")
	if code, _, stderr := run(t, "proxy", "--audit", "none", "--lock", lock, "--require-signature", "--key", key+".pub", "--receipt", rec,
		"--", "sh", "-c", "cat >/dev/null"); code != 0 {
		t.Fatalf("proxy: exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Inputs []struct{ Role, Path, SHA256 string }
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, in := range r.Inputs {
		got[in.Role] = in.SHA256
	}
	for _, role := range []string{"lockfile", "public-key", "signature"} {
		if len(got[role]) != 64 {
			t.Errorf("receipt input %q: hash %q; inputs %s", role, got[role], b)
		}
	}
}
