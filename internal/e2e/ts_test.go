package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ward-mcp/ward/internal/mcptest"
)

// tsReport is the JSON report of testdata/e2e/ts-client.mjs.
type tsReport struct {
	OK        bool     `json:"ok"`
	Tools     []string `json:"tools"`
	Prompts   []string `json:"prompts"`
	Resources []string `json:"resources"`
	Counters  struct {
		Sampling    int `json:"sampling"`
		Elicitation int `json:"elicitation"`
		Roots       int `json:"roots"`
		Progress    int `json:"progress"`
	} `json:"counters"`
	Scenarios []struct {
		Name   string          `json:"name"`
		OK     bool            `json:"ok"`
		Error  string          `json:"error"`
		Detail json.RawMessage `json:"detail"`
	} `json:"scenarios"`
}

// runTSClient runs the TypeScript SDK driver with driverFlags against the
// server argv and returns its report. It fails the test when the driver
// reports a failed scenario, exits non-zero, or leaves a process behind.
func runTSClient(t *testing.T, driverFlags []string, server []string) *tsReport {
	t.Helper()
	marker := newMarker(t)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()

	argv := append(mcptest.TSClient(t), driverFlags...)
	argv = append(argv, "--")
	argv = append(argv, server...)
	cmd := command(ctx, t, marker, argv...)
	var stdout, stderr lockedBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	checkNoRace(t, stderr.String())

	var rep tsReport
	if jerr := json.Unmarshal([]byte(stdout.String()), &rep); jerr != nil {
		t.Fatalf("ts-client: %v; unreadable report (%v):\n%s\nstderr:\n%s", err, jerr, tail(stdout.String()), tail(stderr.String()))
	}
	for _, s := range rep.Scenarios {
		if !s.OK {
			t.Errorf("ts-client scenario %s failed: %s", s.Name, s.Error)
		}
	}
	if err != nil || !rep.OK {
		t.Fatalf("ts-client: exit %v, ok=%v\nstderr:\n%s", err, rep.OK, tail(stderr.String()))
	}
	return &rep
}

// checkEverythingReport checks what every run against server-everything must
// show: each server-to-client request kind was answered and progress arrived.
func checkEverythingReport(t *testing.T, rep *tsReport) {
	t.Helper()
	c := rep.Counters
	if c.Sampling != 1 || c.Elicitation != 1 || c.Roots < 1 || c.Progress < 1 {
		t.Errorf("counters = %+v, want sampling 1, elicitation 1, roots ≥ 1, progress ≥ 1", c)
	}
}

func TestTSClientDirect(t *testing.T) {
	rep := runTSClient(t, nil, mcptest.ServerEverything(t))
	checkEverythingReport(t, rep)
}

// TestTSClientThroughWard runs the same scenarios through ward with no rule
// that matches: ward must be transparent, down to the order of the lists.
func TestTSClientThroughWard(t *testing.T) {
	server := mcptest.ServerEverything(t)
	proxied := wardProxy(t, nil, server)
	direct := runTSClient(t, nil, server)
	through := runTSClient(t, nil, proxied)
	checkEverythingReport(t, through)
	for _, l := range []struct {
		name         string
		direct, ward []string
	}{
		{"tools", direct.Tools, through.Tools},
		{"prompts", direct.Prompts, through.Prompts},
		{"resources", direct.Resources, through.Resources},
	} {
		if !slices.Equal(l.direct, l.ward) {
			t.Errorf("%s through ward = %q, directly %q", l.name, l.ward, l.direct)
		}
	}
}

// TestTSClientDenied denies two tools by name: the driver checks that they are
// hidden and that calling them fails with ward's error, and that every other
// scenario (sampling, elicitation, roots, progress) still works. The decision
// log must record the denied call.
func TestTSClientDenied(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "decisions.jsonl")
	proxied := wardProxy(t, []string{
		"--deny-tools", "get-env,toggle-*",
		"--log-format", "json",
		"--log-file", logFile,
	}, mcptest.ServerEverything(t))
	rep := runTSClient(t, []string{"--expect-denied", "get-env", "--expect-denied", "toggle-simulated-logging"}, proxied)
	checkEverythingReport(t, rep)
	for _, hidden := range []string{"get-env", "toggle-simulated-logging", "toggle-subscriber-updates"} {
		if slices.Contains(rep.Tools, hidden) {
			t.Errorf("tools/list through ward shows %s", hidden)
		}
	}
	if !slices.Contains(rep.Tools, "echo") {
		t.Errorf("tools/list through ward lacks echo: %q", rep.Tools)
	}

	var denied bool
	for _, rec := range readDecisionLog(t, logFile) {
		if rec["method"] == "tools/call" && rec["name"] == "get-env" && rec["decision"] == "deny" {
			denied = true
			if rule, _ := rec["rule"].(string); !strings.Contains(rule, "deny-tools") {
				t.Errorf("denial of get-env names rule %q, want the --deny-tools rule", rule)
			}
		}
	}
	if !denied {
		t.Errorf("decision log %s has no denied tools/call of get-env", logFile)
	}
}

// TestTSClientAuditOnly runs the same deny list in audit-only mode: nothing is
// hidden or refused (every scenario passes, get-env is listed and callable),
// and the log says what would have been denied.
func TestTSClientAuditOnly(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "decisions.jsonl")
	proxied := wardProxy(t, []string{
		"--mode", "audit-only",
		"--deny-tools", "get-env",
		"--log-format", "json",
		"--log-file", logFile,
	}, mcptest.ServerEverything(t))
	rep := runTSClient(t, nil, proxied)
	checkEverythingReport(t, rep)
	if !slices.Contains(rep.Tools, "get-env") {
		t.Errorf("audit-only ward hid get-env: %q", rep.Tools)
	}
	var wouldHide bool
	for _, rec := range readDecisionLog(t, logFile) {
		if rec["name"] == "get-env" && rec["decision"] == "would-hide" {
			wouldHide = true
		}
		if d, _ := rec["decision"].(string); d == "deny" || d == "hide" {
			t.Errorf("audit-only ward logged a real %s: %v", d, rec)
		}
	}
	if !wouldHide {
		t.Errorf("decision log %s has no would-hide of get-env", logFile)
	}
}

// readDecisionLog returns the records of a JSON decision log, failing the
// test on a line that is not a JSON object.
func readDecisionLog(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("decision log: %v", err)
	}
	defer f.Close()
	var recs []map[string]any
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Errorf("decision log line is not a JSON object (%v): %s", err, sc.Text())
			continue
		}
		recs = append(recs, rec)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("decision log: %v", err)
	}
	return recs
}
