package receipt

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestReceipt(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "mcp-lock.json")
	os.WriteFile(in, []byte("abc"), 0o644)
	r := New("check", []string{"--lock", in})
	r.AddInput("lockfile", in)
	r.AddInput("policy", filepath.Join(dir, "missing.yaml"))
	r.Finish(1, errors.New("drift in 2 tools"), []map[string]string{{"tool": "exec", "change": "new"}})
	out := filepath.Join(dir, "receipt.json")
	if err := Write(out, r); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	b, _ := os.ReadFile(out)
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	inputs := got["inputs"].([]any)
	first := inputs[0].(map[string]any)
	if first["sha256"] != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" || first["size"] != 3.0 {
		t.Errorf("input hash = %v", first)
	}
	if second := inputs[1].(map[string]any); second["error"] == nil || second["sha256"] != nil {
		t.Errorf("missing input recorded as %v", second)
	}
	if got["outcome"] != OutcomeFindings || got["exit_code"] != 1.0 || got["error"] != "drift in 2 tools" || got["findings"] == nil {
		t.Errorf("receipt = %s", b)
	}
}

func TestUnfinishedReceiptIsAnError(t *testing.T) {
	out := filepath.Join(t.TempDir(), "r.json")
	if err := Write(out, New("lock", nil)); err != nil {
		t.Fatal(err)
	}
	var r Receipt
	b, _ := os.ReadFile(out)
	json.Unmarshal(b, &r)
	if r.Outcome != OutcomeError || r.Error == "" {
		t.Fatalf("unfinished receipt = %+v", r)
	}
}
