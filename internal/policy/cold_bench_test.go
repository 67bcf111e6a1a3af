package policy

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// evict is larger than this machine class's L2 cache (512 KiB per core on
// the EPYC hosts of docs/benchmarks.md); writing one byte per 64-byte line
// of it pushes the engine's code and tables out of L1 and L2.
var evict = make([]byte, 4<<20)

func evictCaches(n int) {
	for i := 0; i < n; i += 64 {
		evict[i]++
	}
}

// BenchmarkProxyEchoCold is BenchmarkProxyEcho's call and answer with the
// caches emptied before each pair, as they are end to end, where the host,
// the server and the kernel run between two of ward's messages. It reports
// engine-ns, the time of the engine's two calls alone: the time of the
// same loop without them is measured in the same iterations and taken off.
// On the machine of docs/benchmarks.md it is about 2.5 times the warm
// benchmark's, which is what the policy costs end to end.
func BenchmarkProxyEchoCold(b *testing.B) {
	text := "call-123-" + strings.Repeat("x", 64-len("call-123-"))
	e := testEngine(b, nil)
	call := &Input{Server: "s", Method: "tools/call", Name: "echo", Arguments: json.RawMessage(`{"text":"` + text + `"}`)}
	res := &Input{Server: "s", Method: "tools/call", Direction: ToHost, Result: json.RawMessage(`{"content":[{"type":"text","text":"` + text + `"}]}`)}
	for _, size := range []int{0, 256 << 10, 4 << 20} {
		b.Run(fmt.Sprintf("evict-%dKiB", size>>10), func(b *testing.B) {
			var with, without time.Duration
			for b.Loop() {
				evictCaches(size)
				t := time.Now()
				if d := e.EvaluateCall(context.Background(), call); d.Action != Allow {
					b.Fatal(d)
				}
				if d := e.InspectResult(context.Background(), res); d.Action != Allow {
					b.Fatal(d)
				}
				with += time.Since(t)
				evictCaches(size)
				t = time.Now()
				without += time.Since(t)
			}
			b.ReportMetric(float64(with-without)/float64(b.N), "engine-ns")
		})
	}
}
