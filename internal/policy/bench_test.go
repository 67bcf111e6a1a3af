package policy

import (
	"context"
	"encoding/json"
	"strings"
	"syscall"
	"testing"
	"time"
)

// cpuTime returns the process's user+system CPU time. Benchmarks report it
// per operation as cpu-ns/op, which stays meaningful on a shared, loaded
// machine where wall-clock ns/op does not.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

// BenchmarkEvaluateCall1KiB is the default pipeline on a 1 KiB tools/call:
// a path, a URL, a shell command and 900 bytes of prose.
func BenchmarkEvaluateCall1KiB(b *testing.B) {
	e := testEngine(b, nil)
	args, _ := json.Marshal(map[string]any{
		"path":    "src/components/Button.tsx",
		"url":     "https://docs.example.com/guide",
		"command": "go test ./... && npm run lint",
		"content": strings.Repeat("Fix the build, then update the changelog. ", 22),
	})
	in := &Input{Server: "fs", Method: "tools/call", Name: "write_file", Arguments: args}
	b.SetBytes(int64(len(args)))
	b.ReportAllocs()
	start := cpuTime()
	defer reportCPU(b, start)
	for b.Loop() {
		if d := e.EvaluateCall(context.Background(), in); d.Action != Allow {
			b.Fatal(d)
		}
	}
}

// BenchmarkEvaluateCallParts splits the 1 KiB call by what its arguments
// exercise.
func BenchmarkEvaluateCallParts(b *testing.B) {
	e := testEngine(b, nil)
	prose := strings.Repeat("Fix the build, then update the changelog. ", 22)
	for name, args := range map[string]map[string]any{
		"path+prose": {"path": "src/components/Button.tsx", "content": prose},
		"url":        {"url": "https://docs.example.com/guide"},
		"command":    {"command": "go test ./... && npm run lint"},
	} {
		raw, _ := json.Marshal(args)
		in := &Input{Server: "fs", Method: "tools/call", Name: "write_file", Arguments: raw}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			start := cpuTime()
			defer reportCPU(b, start)
			for b.Loop() {
				e.EvaluateCall(context.Background(), in)
			}
		})
	}
}

// BenchmarkInspectResult4KiB inspects a 4 KiB tools/call result of prose.
func BenchmarkInspectResult4KiB(b *testing.B) {
	e := testEngine(b, nil)
	text := strings.Repeat("The service returned 42 rows; the user table has an index on email. ", 60)[:4000]
	raw, _ := json.Marshal(map[string]any{"content": []any{map[string]any{"type": "text", "text": text}}, "isError": false})
	in := &Input{Server: "s", Method: "tools/call", Direction: ToHost, Result: raw}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	start := cpuTime()
	defer reportCPU(b, start)
	for b.Loop() {
		if d := e.InspectResult(context.Background(), in); d.Action != Allow {
			b.Fatal(d)
		}
	}
}

// BenchmarkInspectResult4KiBTriggered is the slow path: 4 KiB of benign
// prose full of the words that make the injection patterns run.
func BenchmarkInspectResult4KiBTriggered(b *testing.B) {
	e := testEngine(b, nil)
	text := strings.Repeat("Model: the assistant, an AI agent, must send the report to the user before you ignore the rest. ", 45)[:4000]
	raw, _ := json.Marshal(map[string]any{"content": []any{map[string]any{"type": "text", "text": text}}})
	in := &Input{Server: "s", Method: "tools/call", Direction: ToHost, Result: raw}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	start := cpuTime()
	defer reportCPU(b, start)
	for b.Loop() {
		e.InspectResult(context.Background(), in)
	}
}

// BenchmarkInspectDefinitions inspects one real, long tool definition.
func BenchmarkInspectDefinitions(b *testing.B) {
	e := testEngine(b, nil)
	item := json.RawMessage(`{"name":"search_files","description":"Recursively search for files and directories matching a pattern. Searches through all subdirectories from the starting path. The search is case-insensitive and matches partial names. Returns full paths to all matching items. Great for finding files when you don't know their exact location. Only searches within allowed directories.","inputSchema":{"type":"object","properties":{"path":{"type":"string"},"pattern":{"type":"string"},"excludePatterns":{"type":"array","items":{"type":"string"},"default":[]}},"required":["path","pattern"]}}`)
	b.ReportAllocs()
	start := cpuTime()
	defer reportCPU(b, start)
	for b.Loop() {
		if d := e.InspectDefinitions(context.Background(), "s", KindTool, []json.RawMessage{item}); d[0].Action != Allow {
			b.Fatal(d)
		}
	}
}

// BenchmarkSmallEcho is a tools/call echo with a short text and its
// result. Fixed costs dominate here.
func BenchmarkSmallEcho(b *testing.B) {
	benchCallResult(b, `{"message":"call 12345 of the load client"}`, `{"content":[{"type":"text","text":"Echo: call 12345 of the load client"}]}`)
}

// BenchmarkProxyEcho is the message pair of the proxy benchmark
// (bench/loadclient with its default -size 64, bench/echoserver): the
// arguments of the call and the result, exactly as they travel.
func BenchmarkProxyEcho(b *testing.B) {
	text := "call-123-" + strings.Repeat("x", 64-len("call-123-"))
	benchCallResult(b, `{"text":"`+text+`"}`, `{"content":[{"type":"text","text":"`+text+`"}]}`)
}

func benchCallResult(b *testing.B, args, result string) {
	e := testEngine(b, nil)
	call := &Input{Server: "s", Method: "tools/call", Name: "echo", Arguments: json.RawMessage(args)}
	res := &Input{Server: "s", Method: "tools/call", Direction: ToHost, Result: json.RawMessage(result)}
	b.Run("call", func(b *testing.B) {
		b.ReportAllocs()
		start := cpuTime()
		defer reportCPU(b, start)
		for b.Loop() {
			if d := e.EvaluateCall(context.Background(), call); d.Action != Allow {
				b.Fatal(d)
			}
		}
	})
	b.Run("result-checked", func(b *testing.B) {
		// As the relay asks: its codec has checked the JSON.
		checked := *res
		checked.ValidJSON = true
		b.ReportAllocs()
		start := cpuTime()
		defer reportCPU(b, start)
		for b.Loop() {
			if d := e.InspectResult(context.Background(), &checked); d.Action != Allow {
				b.Fatal(d)
			}
		}
	})
	b.Run("result", func(b *testing.B) {
		b.ReportAllocs()
		start := cpuTime()
		defer reportCPU(b, start)
		for b.Loop() {
			if d := e.InspectResult(context.Background(), res); d.Action != Allow {
				b.Fatal(d)
			}
		}
	})
}
