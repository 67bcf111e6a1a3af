package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ward-mcp/ward/internal/mcptest"
)

var (
	benchOnce sync.Once
	benchDir  string
	benchErr  error
)

// benchTools builds bench/echoserver, bench/rawpipe and bench/loadclient once
// per test binary and returns the directory that holds them.
func benchTools(t *testing.T) string {
	t.Helper()
	root := mcptest.RepoRoot(t)
	benchOnce.Do(func() {
		benchDir = filepath.Join(root, ".cache", "ward-test", "bench")
		cmd := exec.Command("go", "build", "-o", benchDir+"/", "./bench/echoserver", "./bench/rawpipe", "./bench/loadclient", "./bench/benchreport")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			benchErr = fmt.Errorf("build bench programs: %w\n%s", err, out)
		}
	})
	if benchErr != nil {
		t.Fatal(benchErr)
	}
	return benchDir
}

// loadReport is the part of bench/loadclient's JSON report the test reads.
type loadReport struct {
	Label      string `json:"label"`
	Sequential struct {
		Calls       int     `json:"calls"`
		CallsPerSec float64 `json:"callsPerSec"`
	} `json:"sequential"`
	Pipelined struct {
		Calls       int     `json:"calls"`
		InFlight    int     `json:"inflight"`
		CallsPerSec float64 `json:"callsPerSec"`
		P99Micros   float64 `json:"p99Micros"`
	} `json:"pipelined"`
	PeakRSSKiB int64 `json:"peakRSSKiB"`
}

// TestBenchHarness runs a short version of `make bench` on each path. The load
// client checks every answer (id outstanding, text of the call echoed), so
// through ward this is also a test that 64 pipelined calls in flight come back
// complete and matched.
func TestBenchHarness(t *testing.T) {
	dir := benchTools(t)
	echo := filepath.Join(dir, "echoserver")
	paths := []struct {
		label string
		argv  func(t *testing.T) []string
	}{
		{"direct", func(*testing.T) []string { return []string{echo} }},
		{"rawpipe", func(*testing.T) []string { return []string{filepath.Join(dir, "rawpipe"), "--", echo} }},
		{"ward", func(t *testing.T) []string {
			return wardProxy(t, []string{"--deny-tools", "nothing*", "--allow-tools", "*", "--log-file", filepath.Join(t.TempDir(), "decisions.log")}, []string{echo})
		}},
	}
	var reports []string
	for _, p := range paths {
		t.Run(p.label, func(t *testing.T) {
			argv := p.argv(t)
			marker := newMarker(t)
			ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
			defer cancel()
			args := append([]string{filepath.Join(dir, "loadclient"), "-json", "-label", p.label,
				"-warmup", "100", "-seq", "500", "-pipelined", "5000", "-inflight", "64", "-size", "200", "--"}, argv...)
			cmd := command(ctx, t, marker, args...)
			var stdout, stderr lockedBuffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("loadclient %s: %v\nstderr:\n%s", p.label, err, tail(stderr.String()))
			}
			checkNoRace(t, stderr.String())
			var rep loadReport
			if err := json.Unmarshal([]byte(stdout.String()), &rep); err != nil {
				t.Fatalf("loadclient report: %v\n%s", err, stdout.String())
			}
			if rep.Label != p.label || rep.Sequential.Calls != 500 || rep.Pipelined.Calls != 5000 || rep.Pipelined.InFlight != 64 {
				t.Errorf("report = %+v", rep)
			}
			if rep.Sequential.CallsPerSec <= 0 || rep.Pipelined.CallsPerSec <= 0 || rep.PeakRSSKiB <= 0 {
				t.Errorf("report has empty numbers: %+v", rep)
			}
			reports = append(reports, stdout.String())
		})
	}

	// benchreport turns the runs into the table of docs/benchmarks.md.
	cmd := exec.Command(filepath.Join(dir, "benchreport"))
	cmd.Stdin = strings.NewReader(strings.Join(reports, ""))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("benchreport: %v\n%s", err, out)
	}
	for _, p := range []string{"| direct | 1 |", "| rawpipe | 1 |"} {
		if !strings.Contains(string(out), p) {
			t.Errorf("benchreport output lacks %q:\n%s", p, out)
		}
	}
}

// TestEchoServerProtocol checks the benchmark's echo server on its own:
// errors for what it does not understand, no answer to notifications, ids
// returned as sent.
func TestEchoServerProtocol(t *testing.T) {
	dir := benchTools(t)
	marker := newMarker(t)
	in := strings.Join([]string{
		`{"jsonrpc":"2.0","id":"a-1","method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`,
		`{"jsonrpc":"2.0","method":"notifications/initialized"}`,
		`not json`,
		`{"jsonrpc":"2.0","id":12345678901234567890,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hé \"quoted\""}}}`,
		`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"nope","arguments":{}}}`,
		`{"jsonrpc":"2.0","id":4,"method":"resources/list"}`,
		`{"jsonrpc":"2.0","id":5,"method":"ping"}`,
	}, "\n") + "\n"
	cmd := command(t.Context(), t, marker, filepath.Join(dir, "echoserver"))
	cmd.Stdin = strings.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("echoserver: %v", err)
	}
	var got []string
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		got = append(got, sc.Text())
	}
	want := []string{
		`"id":"a-1","result":{"protocolVersion":"2025-06-18"`,
		`"id":null,"error":{"code":-32700`,
		`"id":12345678901234567890,"result":{"content":[{"type":"text","text":"hé \"quoted\""}]}`,
		`"id":3,"error":{"code":-32602`,
		`"id":4,"error":{"code":-32601`,
		`"id":5,"result":{}`,
	}
	if len(got) != len(want) {
		t.Fatalf("got %d answers, want %d:\n%s", len(got), len(want), out)
	}
	for i := range want {
		if !strings.Contains(got[i], want[i]) {
			t.Errorf("answer %d = %s, want it to contain %s", i, got[i], want[i])
		}
	}
}
